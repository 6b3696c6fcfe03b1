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
		{text: "int(E_L > V_th, 1)*mV", want: volt, errWant: "is a condition"},
		{text: "abs(E_L > V_th)*mV", want: volt, errWant: "is a condition"},
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
// composes from the IR's ops against Go's math: float32 arithmetic, so
// within a few float32 ulps (2e-6 relative, or 2e-7 absolute near 0).
func TestComposedFunctions(t *testing.T) {
	ref := map[string]func(float64) float64{"tan": math.Tan, "sinh": math.Sinh, "cosh": math.Cosh, "log10": math.Log10,
		"expm1": math.Expm1, "log1p": math.Log1p}
	for name, f := range ref {
		for _, x := range []float64{-0.7, -1e-5, 1e-7, 0.3, 1.9, 25} {
			if name == "log10" && x <= 0 || name == "tan" && x == 25 {
				continue
			}
			p, err := CompileExpr(ExprSpec{Text: fmt.Sprintf("%s(x)", name), Names: map[string]units.Dim{"x": units.Dimensionless}, Want: units.Dimensionless, What: "test"})
			if err != nil {
				t.Fatal(err)
			}
			out := []float32{0}
			if err := ir.NewEvaluator(p).Run(1, [][]float32{{float32(x)}}, [][]float32{out}, ir.RNG{}); err != nil {
				t.Fatal(err)
			}
			want := f(float64(float32(x)))
			if d := math.Abs(float64(out[0]) - want); d > 2e-6*math.Abs(want) && d > 2e-7 {
				t.Errorf("%s(%g) = %g, want %g", name, x, out[0], want)
			}
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
