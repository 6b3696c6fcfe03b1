package pmath

import (
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// nan32 is the quiet NaN every function returns.
var nan32 = math.Float32frombits(nanBits)

var (
	inf32 = float32(math.Inf(1))
	// den is a denormal, read as +0 by every function.
	den = math.Float32frombits(0x00000123)
	// minN is 2⁻¹²⁶, the smallest normal float32.
	minN = math.Float32frombits(minNormal)
)

// same reports whether got and want are the same float32 bits.
func same(got, want float32) bool {
	return math.Float32bits(got) == math.Float32bits(want)
}

func TestSpecialValues(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float32) float32
		x    float32
		want float32
	}{
		{"Exp", Exp, nan32, nan32},
		{"Exp", Exp, -nan32, nan32},
		{"Exp", Exp, inf32, inf32},
		{"Exp", Exp, -inf32, 0},
		{"Exp", Exp, 0, 1},
		{"Exp", Exp, float32(math.Copysign(0, -1)), 1},
		{"Exp", Exp, den, 1},
		{"Exp", Exp, 88.73, inf32},
		{"Exp", Exp, 89, inf32},
		{"Exp", Exp, math.MaxFloat32, inf32},
		{"Exp", Exp, -87.34, 0}, // 1.1755e-38·(1 − 3·10⁻⁵) is denormal: flushed
		{"Exp", Exp, -89, 0},
		{"Exp", Exp, -math.MaxFloat32, 0},
		{"Log", Log, nan32, nan32},
		{"Log", Log, inf32, inf32},
		{"Log", Log, -inf32, nan32},
		{"Log", Log, -1, nan32},
		{"Log", Log, -minN, nan32},
		{"Log", Log, 0, -inf32},
		{"Log", Log, float32(math.Copysign(0, -1)), -inf32},
		{"Log", Log, den, -inf32},
		{"Log", Log, -den, -inf32},
		{"Log", Log, 1, 0},
		{"Sqrt", Sqrt, nan32, nan32},
		{"Sqrt", Sqrt, inf32, inf32},
		{"Sqrt", Sqrt, -inf32, nan32},
		{"Sqrt", Sqrt, -1, nan32},
		{"Sqrt", Sqrt, -minN, nan32},
		{"Sqrt", Sqrt, 0, 0},
		{"Sqrt", Sqrt, float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
		{"Sqrt", Sqrt, den, 0},
		{"Sqrt", Sqrt, -den, float32(math.Copysign(0, -1))},
		{"Sqrt", Sqrt, 4, 2},
		{"Sqrt", Sqrt, 2, 1.4142135},
		{"Sqrt", Sqrt, minN, 0x1p-63},
		{"Tanh", Tanh, nan32, nan32},
		{"Tanh", Tanh, inf32, 1},
		{"Tanh", Tanh, -inf32, -1},
		{"Tanh", Tanh, 0, 0},
		{"Tanh", Tanh, float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
		{"Tanh", Tanh, den, 0},
		{"Tanh", Tanh, -den, float32(math.Copysign(0, -1))},
		{"Tanh", Tanh, 1e-5, 1e-5},
		{"Tanh", Tanh, 9.2, 1},
		{"Tanh", Tanh, -20, -1},
		{"Sin", Sin, nan32, nan32},
		{"Sin", Sin, inf32, nan32},
		{"Sin", Sin, -inf32, nan32},
		{"Sin", Sin, 0, 0},
		{"Sin", Sin, float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
		{"Sin", Sin, den, 0},
		{"Sin", Sin, 1e-5, 1e-5},
		{"Sin", Sin, math.Pi / 2, 1},
		{"Sin", Sin, -math.Pi / 2, -1},
		{"Cos", Cos, nan32, nan32},
		{"Cos", Cos, inf32, nan32},
		{"Cos", Cos, -inf32, nan32},
		{"Cos", Cos, 0, 1},
		{"Cos", Cos, float32(math.Copysign(0, -1)), 1},
		{"Cos", Cos, den, 1},
		{"Cos", Cos, math.Pi, -1},
	} {
		if got := c.f(c.x); !same(got, c.want) {
			t.Errorf("%s(%g) = %g (%#08x), want %g (%#08x)", c.name, c.x, got, math.Float32bits(got),
				c.want, math.Float32bits(c.want))
		}
	}
}

func TestSpecialValues2(t *testing.T) {
	nz := float32(math.Copysign(0, -1))
	for _, c := range []struct {
		name       string
		f          func(float32, float32) float32
		x, y, want float32
	}{
		{"Div", Div, nan32, 1, nan32},
		{"Div", Div, 1, nan32, nan32},
		{"Div", Div, 0, 0, nan32},
		{"Div", Div, den, -den, nan32},
		{"Div", Div, inf32, -inf32, nan32},
		{"Div", Div, 1, 0, inf32},
		{"Div", Div, -1, 0, -inf32},
		{"Div", Div, 1, nz, -inf32},
		{"Div", Div, 1, den, inf32},
		{"Div", Div, inf32, 0, inf32},
		{"Div", Div, -inf32, 2, -inf32},
		{"Div", Div, 0, 2, 0},
		{"Div", Div, nz, 2, nz},
		{"Div", Div, den, 2, 0},
		{"Div", Div, 0, -inf32, nz},
		{"Div", Div, 2, inf32, 0},
		{"Div", Div, 1, 3, 0.33333334},
		{"Div", Div, -7, 2, -3.5},
		{"Div", Div, math.MaxFloat32, 0.5, inf32},
		{"Div", Div, math.MaxFloat32, -0.99999994, -inf32},
		{"Div", Div, minN, 2, 0},   // 2⁻¹²⁷ is denormal: flushed
		{"Div", Div, -minN, 2, nz}, // with its sign
		{"Div", Div, minN, 1, minN},
		{"Div", Div, minN, 0.99999994, math.Float32frombits(minNormal + 1)},
		{"Pow", Pow, 2, 0, 1},
		{"Pow", Pow, nan32, 0, 1},
		{"Pow", Pow, nan32, nz, 1},
		{"Pow", Pow, 1, nan32, 1},
		{"Pow", Pow, 1, inf32, 1},
		{"Pow", Pow, nan32, 1, nan32},
		{"Pow", Pow, 2, nan32, nan32},
		{"Pow", Pow, 2, den, 1},
		{"Pow", Pow, -2, 3, -8},
		{"Pow", Pow, -2, 2, 4},
		{"Pow", Pow, -2, -1, -0.5},
		{"Pow", Pow, -2, 0.5, nan32},
		{"Pow", Pow, -2, 3e10, inf32},
		{"Pow", Pow, -2, -3e10, 0},
		{"Pow", Pow, -1, inf32, 1},
		{"Pow", Pow, -1, -inf32, 1},
		{"Pow", Pow, 0, 3, 0},
		{"Pow", Pow, nz, 3, nz},
		{"Pow", Pow, nz, 2, 0},
		{"Pow", Pow, nz, 0.5, 0},
		{"Pow", Pow, 0, -3, inf32},
		{"Pow", Pow, nz, -3, -inf32},
		{"Pow", Pow, nz, -2, inf32},
		{"Pow", Pow, nz, -0.5, inf32},
		{"Pow", Pow, den, -1, inf32},
		{"Pow", Pow, -den, -1, -inf32},
		{"Pow", Pow, 0, inf32, 0},
		{"Pow", Pow, 0, -inf32, inf32},
		{"Pow", Pow, inf32, 0.5, inf32},
		{"Pow", Pow, inf32, -0.5, 0},
		{"Pow", Pow, -inf32, 3, -inf32},
		{"Pow", Pow, -inf32, 2, inf32},
		{"Pow", Pow, -inf32, 2.5, inf32},
		{"Pow", Pow, -inf32, -3, nz},
		{"Pow", Pow, -inf32, -2.5, 0},
		{"Pow", Pow, 2, inf32, inf32},
		{"Pow", Pow, 2, -inf32, 0},
		{"Pow", Pow, -0.5, inf32, 0},
		{"Pow", Pow, 0.5, -inf32, inf32},
		{"Pow", Pow, 2, 128, inf32},
		{"Pow", Pow, 2, 127, 1.7014118e38},
		{"Pow", Pow, 2, -126, minN},
		{"Pow", Pow, 2, -127, 0}, // 2⁻¹²⁷ is denormal: flushed
		{"Pow", Pow, -2, -127, nz},
		{"Pow", Pow, 10, 3, 1000},
		{"Pow", Pow, 9, 0.5, 3},
		{"Pow", Pow, 1.0000001, 1e-30, 1},
		{"Pow", Pow, 3, 1e30, inf32},
		{"Pow", Pow, 0.5, 1e30, 0},
	} {
		if got := c.f(c.x, c.y); !same(got, c.want) {
			t.Errorf("%s(%g, %g) = %g (%#08x), want %g (%#08x)", c.name, c.x, c.y, got, math.Float32bits(got),
				c.want, math.Float32bits(c.want))
		}
	}
}

// TestKnownValues checks points of interest against float64 math within
// the accuracy bounds: range ends, multiples of π/2 and hard cases of the
// argument reduction (16367173·2⁷², the float32 nearest to a multiple of
// π/2 relative to its size, from Muller, "Elementary Functions", ch. 11).
func TestKnownValues(t *testing.T) {
	hard := float32(math.Ldexp(16367173, 72))
	for _, c := range []struct {
		name   string
		f      func(float32) float32
		ref    func(float64) float64
		x      float32
		maxULP float64
	}{
		{"Exp", Exp, math.Exp, 1, 1},
		{"Exp", Exp, math.Exp, 88.72, 1},
		{"Exp", Exp, math.Exp, -87.33, 1},
		{"Log", Log, math.Log, 2, 1},
		{"Log", Log, math.Log, minN, 1},
		{"Log", Log, math.Log, math.MaxFloat32, 1},
		{"Tanh", Tanh, math.Tanh, 0.5, 3},
		{"Tanh", Tanh, math.Tanh, -1, 3},
		{"Tanh", Tanh, math.Tanh, 9.0, 3},
		{"Sin", Sin, math.Sin, math.Pi, 2},
		{"Sin", Sin, math.Sin, 1e6, 2},
		{"Sin", Sin, math.Sin, math.MaxFloat32, 2},
		{"Sin", Sin, math.Sin, hard, 2},
		{"Sin", Sin, math.Sin, -hard, 2},
		{"Cos", Cos, math.Cos, math.Pi / 2, 2},
		{"Cos", Cos, math.Cos, 1e6, 2},
		{"Cos", Cos, math.Cos, -math.MaxFloat32, 2},
		{"Cos", Cos, math.Cos, hard, 2},
	} {
		got, want := c.f(c.x), c.ref(float64(c.x))
		if u := math.Abs(float64(got)-want) / ulpOf(want); !(u <= c.maxULP) {
			t.Errorf("%s(%g) = %g, want %g: %.2f ULP", c.name, c.x, got, want, u)
		}
	}
}

// errs accumulates the maximum relative and ULP errors of a function
// against a float64 reference, and where they occur.
type errs struct {
	rel, ulp       float64
	relAt, ulpAt   [2]float32
	n, flushedZero int
}

// ulpOf returns the spacing of the float32 values around |w| (normal
// range), so that |got − w|/ulpOf(w) is the error in units in the last
// place.
func ulpOf(w float64) float64 {
	_, e := math.Frexp(w)
	return math.Ldexp(1, e-24)
}

// add records got against the exact value want for input x (and y). It
// reports a failure where got is not finite and close while want is a
// normal float32 value, and checks the flushing rules at both ends.
func (s *errs) add(t *testing.T, name string, got float32, want float64, x, y float32) {
	t.Helper()
	s.n++
	aw := math.Abs(want)
	switch {
	case math.IsNaN(want):
		if !math.IsNaN(float64(got)) {
			t.Fatalf("%s(%g, %g) = %g, want NaN", name, x, y, got)
		}
		return
	case aw >= math.MaxFloat32*(1-0x1p-20) && math.IsInf(float64(got), 0):
		return
	case aw < 0x1p-126*(1+0x1p-20):
		if got != 0 && aw < 0x1p-126 {
			t.Fatalf("%s(%g, %g) = %g, want 0 (flushed %g)", name, x, y, got, want)
		}
		if got == 0 {
			s.flushedZero++
			return
		}
	}
	d := math.Abs(float64(got) - want)
	if rel := d / aw; rel > s.rel || math.IsNaN(rel) {
		s.rel, s.relAt = rel, [2]float32{x, y}
	}
	if u := d / ulpOf(want); u > s.ulp || math.IsNaN(u) {
		s.ulp, s.ulpAt = u, [2]float32{x, y}
	}
}

// check logs the figures and fails when they exceed the documented bounds.
func (s *errs) check(t *testing.T, name, domain string, maxULP float64) {
	t.Helper()
	t.Logf("%-5s %-34s n=%-8d max rel %.3g (at %g, %g)  max ULP %.3f (at %g, %g)", name, domain, s.n,
		s.rel, s.relAt[0], s.relAt[1], s.ulp, s.ulpAt[0], s.ulpAt[1])
	if !(s.ulp <= maxULP) {
		t.Errorf("%s over %s: max error %.3f ULP, documented bound %g", name, domain, s.ulp, maxULP)
	}
}

// count is the number of inputs of each accuracy sweep.
func count() int {
	if testing.Short() {
		return 1 << 16
	}
	return 1 << 20
}

// logUniform returns a float32 whose magnitude is log-uniform on
// [2^lo, 2^hi) (random exponent, random significand), with a random sign
// if signed.
func logUniform(r *rand.Rand, lo, hi float64, signed bool) float32 {
	x := float32(math.Exp2(lo + (hi-lo)*r.Float64()))
	if signed && r.IntN(2) == 1 {
		x = -x
	}
	return x
}

// uniform returns a float32 uniform on [a, b).
func uniform(r *rand.Rand, a, b float64) float32 {
	return float32(a + (b-a)*r.Float64())
}

// randomNormal returns a float32 with random bits, sign included, among
// the normal finite values.
func randomNormal(r *rand.Rand) float32 {
	for {
		b := r.Uint32()
		if a := b & absMask; a >= minNormal && a < infBits {
			return math.Float32frombits(b)
		}
	}
}

// TestAccuracy measures every function against float64 math over more
// than 10⁶ inputs and asserts the bounds the package documentation gives.
// Run it with -v for the figures of the documentation's table.
func TestAccuracy(t *testing.T) {
	n := count()
	r := rand.New(rand.NewPCG(1, 2))
	sweep := func(name, domain string, maxULP float64, f func(float32) float32, ref func(float64) float64, gen func() float32) {
		var s errs
		for i := 0; i < n; i++ {
			x := gen()
			s.add(t, name, f(x), ref(float64(x)), x, 0)
		}
		s.check(t, name, domain, maxULP)
	}
	sweep("Exp", "[-87.3, 88.7] uniform", 1, Exp, math.Exp, func() float32 { return uniform(r, -87.3, 88.7) })
	sweep("Exp", "[-1, 1] uniform", 1, Exp, math.Exp, func() float32 { return uniform(r, -1, 1) })
	sweep("Exp", "±[2^-30, 2^6.4] log-uniform", 1, Exp, math.Exp, func() float32 { return logUniform(r, -30, 6.4, true) })
	sweep("Log", "all positive normals", 1, Log, math.Log, func() float32 {
		return float32(math.Abs(float64(randomNormal(r))))
	})
	sweep("Log", "[0.5, 2] uniform", 1, Log, math.Log, func() float32 { return uniform(r, 0.5, 2) })
	sweep("Log", "1 ± 2^-10 uniform", 1, Log, math.Log, func() float32 { return uniform(r, 1-0x1p-10, 1+0x1p-10) })
	sweep("Tanh", "±[2^-20, 16] log-uniform", 3, Tanh, math.Tanh, func() float32 { return logUniform(r, -20, 4, true) })
	sweep("Tanh", "[-10, 10] uniform", 3, Tanh, math.Tanh, func() float32 { return uniform(r, -10, 10) })
	sweep("Sin", "[-π, π] uniform", 1.6, Sin, math.Sin, func() float32 { return uniform(r, -math.Pi, math.Pi) })
	sweep("Sin", "±[2^-20, 2^20] log-uniform", 1.6, Sin, math.Sin, func() float32 { return logUniform(r, -20, 20, true) })
	sweep("Sin", "all finite normals", 1.6, Sin, math.Sin, func() float32 { return randomNormal(r) })
	sweep("Cos", "[-π, π] uniform", 1.6, Cos, math.Cos, func() float32 { return uniform(r, -math.Pi, math.Pi) })
	sweep("Cos", "±[2^-20, 2^20] log-uniform", 1.6, Cos, math.Cos, func() float32 { return logUniform(r, -20, 20, true) })
	sweep("Cos", "all finite normals", 1.6, Cos, math.Cos, func() float32 { return randomNormal(r) })

	// Pow, by the size of |y·ln x|, which the error grows with: x
	// log-uniform on [2^-40, 2^40], y chosen for a uniform y·ln x.
	for _, c := range []struct {
		domain string
		tmax   float64
		maxULP float64
	}{
		{"|y ln x| ≤ 1", 1, 1},
		{"|y ln x| ≤ 10", 10, 2},
		{"|y ln x| ≤ 30", 30, 5},
		{"|y ln x| ≤ 87", 87, 13},
	} {
		var s errs
		for i := 0; i < n; i++ {
			x := logUniform(r, -40, 40, false)
			y := float32(float64(uniform(r, -c.tmax, c.tmax)) / math.Log(float64(x)))
			s.add(t, "Pow", Pow(x, y), math.Pow(float64(x), float64(y)), x, y)
		}
		s.check(t, "Pow", c.domain, c.maxULP)
	}
	var s errs
	for i := 0; i < n; i++ {
		x, y := uniform(r, 0, 4), uniform(r, -8, 8)
		s.add(t, "Pow", Pow(x, y), math.Pow(float64(x), float64(y)), x, y)
	}
	s.check(t, "Pow", "x ∈ [0, 4], y ∈ [-8, 8] uniform", 1.5)
}

// TestCorrectlyRounded checks that Sqrt and Div equal the float64
// operation rounded to float32 (double rounding is innocuous for them) on
// random bit patterns and on operands near powers of two and at the ends
// of the range, with the flushing rules for denormal results.
func TestCorrectlyRounded(t *testing.T) {
	n := count()
	r := rand.New(rand.NewPCG(3, 4))
	edge := func() float32 {
		// ±2^k·(1 ± a few ulps), or the top of a binade: quotients and
		// roots near ties and powers of two.
		k := r.IntN(253) - 126
		m := uint32(minNormal) + uint32(r.IntN(9)) - 4
		if r.IntN(2) == 0 {
			m = 2*minNormal - 1 - uint32(r.IntN(4))
		}
		b := uint32(k+127)<<23 + m - minNormal
		if b < minNormal || b >= infBits {
			b = oneBits
		}
		return math.Float32frombits(b | uint32(r.IntN(2))<<31)
	}
	for i := 0; i < n; i++ {
		x := randomNormal(r)
		if i%4 == 0 {
			x = edge()
		}
		x = float32(math.Abs(float64(x)))
		if got, want := Sqrt(x), float32(math.Sqrt(float64(x))); !same(got, want) {
			t.Fatalf("Sqrt(%g) = %g, want %g", x, got, want)
		}
	}
	for i := 0; i < n; i++ {
		a, b := randomNormal(r), randomNormal(r)
		switch i % 4 {
		case 0:
			a, b = edge(), edge()
		case 1:
			// Quotients near the bottom and top of the range.
			b = float32(float64(a) / math.Ldexp(float64(uniform(r, 1, 2)), r.IntN(4)-126+r.IntN(2)*250))
			if b == 0 || math.IsInf(float64(b), 0) || math.Abs(float64(b)) < 0x1p-126 {
				b = 1
			}
		}
		got, want := Div(a, b), float32(float64(a)/float64(b))
		if aw := math.Abs(float64(want)); aw < 0x1p-126 {
			// Flushed: a zero of the quotient's sign.
			want = float32(math.Copysign(0, float64(want)))
		} else if aw == 0x1p-126 && got == 0 {
			// Quotients just below 2⁻¹²⁶ round up to it when rounded
			// among denormals but round to a 24-bit value below it, and
			// so flush, in Div.
			continue
		}
		if !same(got, want) {
			t.Fatalf("Div(%g, %g) = %g (%#08x), want %g (%#08x)", a, b, got, math.Float32bits(got), want,
				math.Float32bits(want))
		}
	}
}

// TestBranchesMeet checks that the branches of Tanh, Sin, Cos and Exp meet
// without a jump: consecutive float32 inputs across each threshold give
// results within 2 ULP of each other.
func TestBranchesMeet(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float32) float32
		at   uint32
	}{
		{"Tanh", Tanh, tanhTiny},
		{"Tanh", Tanh, tanhMid},
		{"Tanh", Tanh, tanhBig},
		{"Sin", Sin, pi4},
		{"Cos", Cos, pi4},
		{"Sin", Sin, sinTiny},
		{"Exp", Exp, expTiny},
	} {
		for b := c.at - 4; b < c.at+4; b++ {
			lo, hi := c.f(math.Float32frombits(b)), c.f(math.Float32frombits(b+1))
			d := math.Abs(float64(hi) - float64(lo))
			if d > 2*ulpOf(float64(hi)) {
				t.Errorf("%s jumps by %g between %g and %g", c.name, d, math.Float32frombits(b), math.Float32frombits(b+1))
			}
		}
	}
}

// glslPath is the GLSL twin of this package.
const glslPath = "../../shaders/include/pmath.glsl"

// snake turns a Go name into the upper snake case of its GLSL twin:
// expBig → EXP_BIG, fourOverPi → FOUR_OVER_PI.
func snake(name string) string {
	var b strings.Builder
	for i, c := range name {
		if unicode.IsUpper(c) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(c))
	}
	return b.String()
}

// goSource parses pmath.go and returns its top-level function names, its
// constants and array elements (name → literal values, a leading minus
// kept) and the numeric literals of its function bodies.
func goSource(t *testing.T) (funcs map[string]bool, consts map[string][]string, body []*ast.BasicLit) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "pmath.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	lit := func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.BasicLit:
			return e.Value
		case *ast.UnaryExpr:
			if l, ok := e.X.(*ast.BasicLit); ok && e.Op == token.SUB {
				return "-" + l.Value
			}
		}
		t.Fatalf("pmath.go: constant %T is not a literal", e)
		return ""
	}
	funcs, consts = map[string]bool{}, map[string][]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			funcs[d.Name.Name] = true
			ast.Inspect(d.Body, func(n ast.Node) bool {
				if l, ok := n.(*ast.BasicLit); ok && (l.Kind == token.INT || l.Kind == token.FLOAT) {
					body = append(body, l)
				}
				return true
			})
		case *ast.GenDecl:
			for _, s := range d.Specs {
				v, ok := s.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, n := range v.Names {
					if cl, ok := v.Values[i].(*ast.CompositeLit); ok {
						for _, e := range cl.Elts {
							consts[n.Name] = append(consts[n.Name], lit(e))
						}
					} else {
						consts[n.Name] = []string{lit(v.Values[i])}
					}
				}
			}
		}
	}
	return funcs, consts, body
}

var (
	glslFunc   = regexp.MustCompile(`(?m)^(?:float|uint|int|bool|void) (pm_\w+)\(`)
	glslConst  = regexp.MustCompile(`const (float|uint|int) PM_(\w+)(?:\[\d+\])? = ([^;]+);`)
	glslNumber = regexp.MustCompile(`\b(?:0x[0-9a-fA-F]+u?|\d+\.\d*(?:e[-+]?\d+)?|\d+u?)\b`)
)

// literalValue returns the value of a Go or GLSL numeric literal as
// float32 bits for a float and as the integer otherwise.
func literalValue(t *testing.T, s string, float bool) uint64 {
	t.Helper()
	s = strings.TrimSuffix(s, "u")
	if float {
		f, err := strconv.ParseFloat(s, 32)
		if err != nil {
			t.Fatalf("literal %q: %v", s, err)
		}
		return uint64(math.Float32bits(float32(f)))
	}
	neg := strings.HasPrefix(s, "-")
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "-"), 0, 64)
	if err != nil {
		t.Fatalf("literal %q: %v", s, err)
	}
	if neg {
		v = -v
	}
	return v
}

// TestGLSLTwin checks that pmath.glsl stays the twin of pmath.go: the same
// functions (Go name in snake case with a pm_ prefix), the same constants
// with the same values (upper snake case, PM_ prefix), and the same magic
// numbers in function bodies. Every GLSL float literal must round to the
// same float32 whether it is read directly or through float64, as glslang
// reads it. It cannot check that the statements match: read them side by
// side when changing either file.
func TestGLSLTwin(t *testing.T) {
	src, err := os.ReadFile(glslPath)
	if err != nil {
		t.Fatal(err)
	}
	glsl := string(src)
	funcs, consts, body := goSource(t)

	glslFuncs := map[string]bool{}
	for _, m := range glslFunc.FindAllStringSubmatch(glsl, -1) {
		glslFuncs[m[1]] = true
	}
	for name := range funcs {
		if twin := "pm_" + strings.ToLower(snake(name)); !glslFuncs[twin] {
			t.Errorf("Go function %s has no GLSL twin %s", name, twin)
		} else {
			delete(glslFuncs, twin)
		}
	}
	for name := range glslFuncs {
		t.Errorf("GLSL function %s has no Go twin", name)
	}

	glslConsts := map[string][]string{}
	glslTypes := map[string]string{}
	for _, m := range glslConst.FindAllStringSubmatch(glsl, -1) {
		vals := m[3]
		if i := strings.Index(vals, "("); i >= 0 {
			vals = strings.TrimSuffix(vals[i+1:], ")")
		}
		for _, v := range strings.Split(vals, ",") {
			glslConsts[m[2]] = append(glslConsts[m[2]], strings.TrimSpace(v))
		}
		glslTypes[m[2]] = m[1]
	}
	for name, vals := range consts {
		twin := snake(name)
		gvals, ok := glslConsts[twin]
		if !ok {
			t.Errorf("Go constant %s has no GLSL twin PM_%s", name, twin)
			continue
		}
		delete(glslConsts, twin)
		float := glslTypes[twin] == "float"
		if len(gvals) != len(vals) {
			t.Errorf("PM_%s has %d values, %s has %d", twin, len(gvals), name, len(vals))
			continue
		}
		for i := range vals {
			if literalValue(t, gvals[i], float) != literalValue(t, vals[i], float) {
				t.Errorf("PM_%s = %s, but %s = %s", twin, gvals[i], name, vals[i])
			}
			if float {
				f64, _ := strconv.ParseFloat(gvals[i], 64)
				if uint64(math.Float32bits(float32(f64))) != literalValue(t, gvals[i], true) {
					t.Errorf("PM_%s = %s rounds differently through float64", twin, gvals[i])
				}
			}
		}
	}
	for name := range glslConsts {
		t.Errorf("GLSL constant PM_%s has no Go twin", name)
	}

	// Literals in function bodies: GLSL floats must be Go numbers and
	// vice versa; integers from 256 up must appear on both sides.
	goNums, goInts := map[float64]bool{}, map[uint64]bool{}
	for _, l := range body {
		f, _ := strconv.ParseFloat(l.Value, 64)
		if l.Kind == token.INT {
			v, _ := strconv.ParseUint(l.Value, 0, 64)
			f = float64(v)
			goInts[v] = true
		}
		goNums[f] = true
	}
	bodies := glsl[strings.Index(glsl, "uint pm_flush"):]
	glNums, glInts := map[float64]bool{}, map[uint64]bool{}
	for _, s := range glslNumber.FindAllString(bodies, -1) {
		if strings.Contains(s, ".") {
			f, _ := strconv.ParseFloat(s, 64)
			glNums[f] = true
			if !goNums[f] {
				t.Errorf("GLSL float literal %s does not appear in pmath.go", s)
			}
		} else {
			glInts[literalValue(t, s, false)] = true
		}
	}
	for _, l := range body {
		if f, _ := strconv.ParseFloat(l.Value, 64); l.Kind == token.FLOAT && !glNums[f] {
			t.Errorf("Go float literal %s does not appear in pmath.glsl", l.Value)
		}
	}
	for v := range goInts {
		if v >= 256 && !glInts[v] {
			t.Errorf("Go integer literal %#x does not appear in pmath.glsl", v)
		}
	}
	for v := range glInts {
		if v >= 256 && !goInts[v] {
			t.Errorf("GLSL integer literal %#x does not appear in pmath.go", v)
		}
	}
}

// glslProbe is a compute shader that calls every function of pmath.glsl.
const glslProbe = `#version 450
#include "pmath.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer In { vec2 xy[]; };
layout(std430, binding = 1) writeonly buffer Out { float r[]; };
void main() {
    uint i = gl_GlobalInvocationID.x;
    float x = xy[i].x, y = xy[i].y;
    r[8u * i + 0u] = pm_exp(x);
    r[8u * i + 1u] = pm_log(x);
    r[8u * i + 2u] = pm_sqrt(x);
    r[8u * i + 3u] = pm_div(x, y);
    r[8u * i + 4u] = pm_tanh(x);
    r[8u * i + 5u] = pm_pow(x, y);
    r[8u * i + 6u] = pm_sin(x);
    r[8u * i + 7u] = pm_cos(x);
}
`

// glslAllowedExt lists the GLSL.std.450 instructions pmath.glsl may use:
// none of them rounds.
var glslAllowedExt = map[string]bool{"Floor": true, "FindUMsb": true}

// TestGLSLCompiles compiles a shader that calls every function with
// glslc, validates it with spirv-val and checks in the disassembly that
// every float addition, subtraction, product and negation is decorated
// NoContraction (so no driver may fuse them), that there is no float
// division, and that no GLSL.std.450 instruction but floor and findMSB is
// used. It is skipped without glslc and spirv-tools, unless
// $SPIKEVK_REQUIRE_GPU=1.
func TestGLSLCompiles(t *testing.T) {
	for _, tool := range []string{"glslc", "spirv-val", "spirv-dis"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SPIKEVK_REQUIRE_GPU") == "1" {
				t.Fatalf("%s is not installed", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	comp, spv := filepath.Join(dir, "probe.comp"), filepath.Join(dir, "probe.spv")
	if err := os.WriteFile(comp, []byte(glslProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return string(out)
	}
	run("glslc", "--target-env=vulkan1.1", "-fshader-stage=comp", "-I", filepath.Dir(glslPath), comp, "-o", spv)
	run("spirv-val", "--target-env", "vulkan1.1", spv)
	dis := run("spirv-dis", "--raw-id", spv)

	precise := map[string]bool{}
	for _, m := range regexp.MustCompile(`OpDecorate (%\d+) NoContraction`).FindAllStringSubmatch(dis, -1) {
		precise[m[1]] = true
	}
	arith := 0
	for _, m := range regexp.MustCompile(`(?m)^\s*(%\d+) = (OpF[A-Z]\w*|OpExtInst)( .*)$`).FindAllStringSubmatch(dis, -1) {
		switch op := m[2]; {
		case strings.HasPrefix(op, "OpFunction"), strings.HasPrefix(op, "OpFOrd"), strings.HasPrefix(op, "OpFUnord"):
		case op == "OpFAdd", op == "OpFSub", op == "OpFMul", op == "OpFNegate":
			arith++
			if !precise[m[1]] {
				t.Errorf("%s without NoContraction: %s", op, strings.TrimSpace(m[0]))
			}
		case op == "OpExtInst":
			if f := strings.Fields(m[3]); len(f) < 3 || !glslAllowedExt[f[2]] {
				t.Errorf("GLSL.std.450 instruction not allowed: %s", strings.TrimSpace(m[0]))
			}
		default:
			t.Errorf("float instruction not allowed: %s", strings.TrimSpace(m[0]))
		}
	}
	if arith < 100 {
		t.Errorf("only %d float add, sub, mul or negate instructions: the probe shader lost code", arith)
	}
}

// BenchmarkFunctions times each function over inputs typical of its use:
// ns/op is per call.
func BenchmarkFunctions(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	xs, ys := make([]float32, 1024), make([]float32, 1024)
	for i := range xs {
		xs[i], ys[i] = uniform(r, 0.01, 10), uniform(r, -4, 4)
	}
	var sink float32
	for _, c := range []struct {
		name string
		f    func(x, y float32) float32
	}{
		{"Exp", func(x, y float32) float32 { return Exp(y) }},
		{"Log", func(x, y float32) float32 { return Log(x) }},
		{"Sqrt", func(x, y float32) float32 { return Sqrt(x) }},
		{"Div", Div},
		{"Tanh", func(x, y float32) float32 { return Tanh(y) }},
		{"Pow", Pow},
		{"Sin", func(x, y float32) float32 { return Sin(x) }},
		{"Cos", func(x, y float32) float32 { return Cos(x) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				sink += c.f(xs[i&1023], ys[i&1023])
			}
		})
	}
	_ = sink
}
