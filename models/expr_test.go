package models

import (
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
