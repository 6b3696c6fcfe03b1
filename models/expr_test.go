package models

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/units"
)

func TestCompileExpr(t *testing.T) {
	volt, siemens := dimOf(t, "volt"), dimOf(t, "siemens")
	names := map[string]units.Dim{"E_L": volt, "V_th": volt, "i": units.Dimensionless}
	tests := []struct {
		text    string
		want    units.Dim
		inputs  []float32 // values of E_L, V_th, i
		value   float32
		errWant string
	}{
		{text: "E_L + 0.5*(V_th - E_L)", want: volt, inputs: []float32{-60, -50, 0}, value: -55},
		{text: "-65*mV + i*mV", want: volt, inputs: []float32{0, 0, 3}, value: -62},
		{text: "6*nS", want: siemens, value: 6},
		{text: "E_L*ms", want: volt, errWant: "must be in"},
		{text: "E_L > V_th", want: volt, errWant: "boolean"},
		{text: "int(V_th > E_L)*mV", want: volt, inputs: []float32{-60, -50, 0}, value: 1},
		{text: "int(V_th < E_L)*mV + E_L", want: volt, inputs: []float32{-60, -50, 0}, value: -60},
		{text: "int(i >= 2 and i < 4)*mV", want: volt, inputs: []float32{0, 0, 3}, value: 1},
		{text: "int(-2.5)*mV + (i % 2)*mV", want: volt, inputs: []float32{0, 0, 3}, value: -1},
		{text: "(E_L % (7*mV))", want: volt, inputs: []float32{-60, 0, 0}, value: 3},
		{text: "int(E_L > V_th, 1)*mV", want: volt, errWant: "takes 1 arguments, got 2"},
		{text: "abs(E_L > V_th)*mV", want: volt, inputs: []float32{-60, -50, 0}, value: 0},
		{text: "(i == 3)*2*mV - (V_th > E_L)*mV", want: volt, inputs: []float32{-60, -50, 3}, value: 1},
		{text: "-(i > 2)*mV + ((i > 2) + (i > 1))*mV", want: volt, inputs: []float32{0, 0, 3}, value: 1},
		{text: "where(i > 2, i > 1, 0)*mV", want: volt, inputs: []float32{0, 0, 3}, value: 1},
		{text: "(arctan(1)*4 - pi + arcsin(1)*2 - arccos(-1))*mV", want: volt, value: 0},
		{text: "timestep(2*ms, 0.1*ms)*mV + timestep(0.3*ms - 1e-6*ms, 0.1*ms)*mV", want: volt, value: 23},
		{text: "timestep(2*ms, 0.1)", want: volt, errWant: "takes a time and a time step"},
		{text: "poisson(2*mV)", want: volt, errWant: "mean count, dimensionless"},
		{text: "E_X", want: volt, errWant: `unknown name "E_X"`},
		{text: "2*pi*mV", want: volt, value: float32(2 * math.Pi)},
		{text: "log(e)*mV + sin(pi/2)*mV", want: volt, value: 2},
		{text: "int(i < inf)*mV", want: volt, inputs: []float32{0, 0, 3}, value: 1},
		{text: "sign(-3*mV)*mV + sign(i)*mV", want: volt, inputs: []float32{0, 0, 3}, value: 0},
		{text: "where(i > 2, E_L, V_th)", want: volt, inputs: []float32{-60, -50, 3}, value: -60},
		{text: "where(i > 5, E_L, V_th)", want: volt, inputs: []float32{-60, -50, 3}, value: -50},
		{text: "(tan(0) + sinh(0) + cosh(0) + expm1(0) + log1p(0) + log10(1))*mV", want: volt, value: 1},
		{text: "where(i, E_L, V_th)", want: volt, errWant: "is a condition"},
		{text: "where(i > 2, E_L, 1*nS)", want: volt, errWant: "one dimension"},
		{text: "sinh(E_L)", want: volt, errWant: "must be dimensionless"},
	}
	for _, tt := range tests {
		p, err := CompileExpr(ExprSpec{Text: tt.text, Names: names, Want: tt.want, What: "test value"})
		if tt.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errWant) {
				t.Errorf("%q: error %v, want one containing %q", tt.text, err, tt.errWant)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		in := make([][]float32, len(p.Inputs))
		for k, name := range p.Inputs {
			in[k] = []float32{tt.inputs[map[string]int{"E_L": 0, "V_th": 1, "i": 2}[name]]}
		}
		out := []float32{0}
		if err := ir.NewEvaluator(p).Run(1, in, [][]float32{out}, ir.RNG{}); err != nil {
			t.Fatal(err)
		}
		if out[0] != tt.value {
			t.Errorf("%q = %v, want %v", tt.text, out[0], tt.value)
		}
	}
}

// TestComposedFunctions checks Brian2's functions that the language
// composes from the IR's ops against Go's math over their domains (a grid
// and the special points): float32 arithmetic, so within a few float32
// ulps (2e-6 relative, or 2e-7 absolute near 0), and NaN where Go's is.
func TestComposedFunctions(t *testing.T) {
	grid := func(lo, hi float64, extra ...float64) []float64 {
		xs := extra
		for k := 0; k <= 400; k++ {
			xs = append(xs, lo+(hi-lo)*float64(k)/400)
		}
		return xs
	}
	tests := []struct {
		name string
		f    func(float64) float64
		xs   []float64
	}{
		{"tan", math.Tan, grid(-1.5, 1.5, -1e-5, 1e-7)},
		{"sinh", math.Sinh, grid(-25, 25, -1e-5, 1e-7)},
		{"cosh", math.Cosh, grid(-25, 25, -1e-5, 1e-7)},
		{"log10", math.Log10, grid(1e-3, 100, 1e-30, 1e30, 0, -1)},
		{"expm1", math.Expm1, grid(-20, 20, -1e-5, 1e-7)},
		{"log1p", math.Log1p, grid(-0.999, 25, -1e-5, 1e-7, 1e20)},
		{"arctan", math.Atan, grid(-4, 4, 2-math.Sqrt(3), -1e-5, 1e-7, 1e6, -1e30, math.Inf(1), math.Inf(-1), math.NaN())},
		{"arcsin", math.Asin, grid(-1, 1, 0.99999, -0.99999, 1e-7, 1.5, -1.0001, math.NaN())},
		{"arccos", math.Acos, grid(-1, 1, 0.99999, -0.99999, 1e-7, 1.5, -1.0001, math.NaN())},
	}
	for _, tt := range tests {
		p, err := CompileExpr(ExprSpec{Text: fmt.Sprintf("%s(x)", tt.name), Names: map[string]units.Dim{"x": units.Dimensionless}, Want: units.Dimensionless, What: "test"})
		if err != nil {
			t.Fatal(err)
		}
		in, out := make([]float32, len(tt.xs)), make([]float32, len(tt.xs))
		for k, x := range tt.xs {
			in[k] = float32(x)
		}
		if err := ir.NewEvaluator(p).Run(len(in), [][]float32{in}, [][]float32{out}, ir.RNG{}); err != nil {
			t.Fatal(err)
		}
		for k, x := range in {
			want, got := tt.f(float64(x)), float64(out[k])
			if math.IsNaN(want) || math.IsInf(want, 0) || math.Abs(want) > math.MaxFloat32 {
				if math.IsNaN(want) != math.IsNaN(got) || !math.IsNaN(want) && float32(want) != out[k] {
					t.Errorf("%s(%g) = %g, want %g", tt.name, x, got, want)
				}
				continue
			}
			if d := math.Abs(got - want); d > 2e-6*math.Abs(want) && d > 2e-7 {
				t.Errorf("%s(%g) = %g, want %g", tt.name, x, got, want)
			}
		}
	}
}

// TestPoisson draws poisson(λ) for 200000 elements and compares the mean,
// the variance and the share of zeros with the Poisson distribution's,
// within 5 standard errors: by inversion up to λ = 14, by the normal
// approximation above (whose zeros are too rare to count).
func TestPoisson(t *testing.T) {
	const n = 200000
	p, err := CompileExpr(ExprSpec{Text: "poisson(x)", Names: map[string]units.Dim{"x": units.Dimensionless}, Want: units.Dimensionless, What: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lambda := range []float64{0, 0.05, 1, 3.5, 10, 14, 14.5, 40} {
		in, out := make([]float32, n), make([]float32, n)
		for k := range in {
			in[k] = float32(lambda)
		}
		if err := ir.NewEvaluator(p).Run(n, [][]float32{in}, [][]float32{out}, ir.RNG{Step: 7}); err != nil {
			t.Fatal(err)
		}
		var sum, sum2, zeros float64
		for _, c := range out {
			if c != float32(math.Trunc(float64(c))) || c < 0 {
				t.Fatalf("poisson(%g) drew %g, not a count", lambda, c)
			}
			sum += float64(c)
			sum2 += float64(c) * float64(c)
			if c == 0 {
				zeros++
			}
		}
		mean := sum / n
		variance := sum2/n - mean*mean
		if se := math.Sqrt(lambda / n); math.Abs(mean-lambda) > 5*se+1e-12 {
			t.Errorf("poisson(%g): mean %g, want %g ± %g", lambda, mean, lambda, 5*se)
		}
		// The variance of a sample variance is about (μ4 − σ⁴)/n = (λ + 2λ²)/n.
		if se := math.Sqrt((lambda + 2*lambda*lambda) / n); math.Abs(variance-lambda) > 5*se+1e-12 {
			t.Errorf("poisson(%g): variance %g, want %g ± %g", lambda, variance, lambda, 5*se)
		}
		if p0 := math.Exp(-lambda); lambda <= 14 && math.Abs(zeros/n-p0) > 5*math.Sqrt(p0*(1-p0)/n)+1e-12 {
			t.Errorf("poisson(%g): %g zeros, want %g", lambda, zeros/n, p0)
		}
	}
}

func TestCompileExprDraws(t *testing.T) {
	p, err := CompileExpr(ExprSpec{Text: "rand()*mV + randn()*mV", Want: dimOf(t, "volt"), What: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Draws == 0 {
		t.Errorf("a program with rand() and randn() has no draws")
	}
}

func dimOf(t *testing.T, unit string) units.Dim {
	t.Helper()
	u, err := units.Parse(unit)
	if err != nil {
		t.Fatal(err)
	}
	return u.Dim
}
