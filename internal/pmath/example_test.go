package pmath_test

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/internal/pmath"
)

func ExampleExp() {
	fmt.Println(pmath.Exp(1), pmath.Exp(-1))
	// Results beyond the float32 range are +Inf, and below 2⁻¹²⁶ zero.
	fmt.Println(pmath.Exp(89), pmath.Exp(-88))
	// Output:
	// 2.7182817 0.36787945
	// +Inf 0
}

func ExampleLog() {
	fmt.Println(pmath.Log(10), pmath.Log(1), pmath.Log(0), pmath.Log(-1))
	// Output: 2.3025851 0 -Inf NaN
}

func ExampleSqrt() {
	// Correctly rounded, like the float64 square root rounded to float32.
	x := float32(2)
	fmt.Println(pmath.Sqrt(x), pmath.Sqrt(x) == float32(math.Sqrt(float64(x))))
	fmt.Println(pmath.Sqrt(-1))
	// Output:
	// 1.4142135 true
	// NaN
}

func ExampleDiv() {
	// Correctly rounded, like float64 division rounded to float32.
	a, b := float32(1), float32(3)
	fmt.Println(pmath.Div(a, b), pmath.Div(a, b) == float32(float64(a)/float64(b)))
	fmt.Println(pmath.Div(1, 0), pmath.Div(0, 0))
	// Output:
	// 0.33333334 true
	// +Inf NaN
}

func ExampleTanh() {
	fmt.Println(pmath.Tanh(0.5), pmath.Tanh(-2), pmath.Tanh(20))
	// Output: 0.46211717 -0.9640276 1
}

func ExamplePow() {
	fmt.Println(pmath.Pow(2, 10), pmath.Pow(2, 0.5), pmath.Pow(-2, 3))
	// A negative base needs an integer exponent.
	fmt.Println(pmath.Pow(-8, 1.0/3))
	// Output:
	// 1024 1.4142135 -8
	// NaN
}

func ExampleSin() {
	fmt.Println(pmath.Sin(math.Pi/6), pmath.Sin(-math.Pi/2))
	// The argument reduction is exact for any finite argument.
	x := float32(1e6)
	fmt.Printf("%.6f %.6f\n", pmath.Sin(x), math.Sin(float64(x)))
	// Output:
	// 0.5 -1
	// -0.349994 -0.349994
}

func ExampleCos() {
	fmt.Println(pmath.Cos(0), pmath.Cos(math.Pi))
	x := float32(1e30)
	fmt.Printf("%.6f %.6f\n", pmath.Cos(x), math.Cos(float64(x)))
	// Output:
	// 1 -1
	// -0.611605 -0.611605
}
