package ir

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestHoist(t *testing.T) {
	b := NewBuilder()
	v, tau := b.Input("v"), b.Input("tau")
	decay := b.Op1(OpExp, b.Op2(OpDiv, b.Const(-0.1), tau)) // exp(-0.1/tau): parameters only
	b.Output("v", b.Op2(OpMul, v, decay))
	b.Output("k", b.Op2(OpMul, b.Const(2), b.Const(3))) // constants stay
	step, derive := Hoist(b.Program(), func(name string) bool { return name == "tau" }, "_h")
	if got := strings.Join(step.Inputs, ","); got != "v,tau,_h0" {
		t.Errorf("step inputs %s, want v,tau,_h0", got)
	}
	if strings.Contains(step.String(), "exp") || strings.Contains(step.String(), "div") {
		t.Errorf("the step still computes the decay:\n%s", step)
	}
	out, err := EvalFloat64(derive, []float64{10})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(float64(float32(-0.1)) / 10); out[0] != want {
		t.Errorf("derived %v, want %v", out[0], want)
	}
}

// TestHoistPreservesResults: for random programs with input z fixed,
// evaluating the derived values in float32 (the CPU evaluator) and feeding
// them to the hoisted step gives the original program's results exactly.
// The one exception is a derived value of -0: it enters the step as +0, as
// every input does (flushing gives +0), and a later division can tell; such
// elements are skipped.
func TestHoistPreservesResults(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		p := randomProgram(r, 30)
		step, derive := Hoist(p, func(name string) bool { return name == "z" }, "_h")
		const n = 64
		in := [][]float32{randomInputs(r, n), randomInputs(r, n), randomInputs(r, n)}
		want := make([][]float32, len(p.Outputs))
		for k := range want {
			want[k] = make([]float32, n)
		}
		if err := NewEvaluator(p).Run(n, in, want, RNG{Step: 3}); err != nil {
			t.Fatal(err)
		}
		dIn := make([][]float32, len(derive.Inputs))
		for k, name := range derive.Inputs {
			dIn[k] = in[map[string]int{"x": 0, "y": 1, "z": 2}[name]]
		}
		dOut := make([][]float32, len(derive.Outputs))
		for k := range dOut {
			dOut[k] = make([]float32, n)
		}
		if err := NewEvaluator(derive).Run(n, dIn, dOut, RNG{}); err != nil {
			t.Fatal(err)
		}
		sIn := append(append([][]float32{}, in...), dOut...)
		got := make([][]float32, len(step.Outputs))
		for k := range got {
			got[k] = make([]float32, n)
		}
		if err := NewEvaluator(step).Run(n, sIn, got, RNG{Step: 3}); err != nil {
			t.Fatal(err)
		}
		negZero := make([]bool, n)
		for _, d := range dOut {
			for i, x := range d {
				negZero[i] = negZero[i] || x == 0 && math.Signbit(float64(x))
			}
		}
		for k := range got {
			for i := range n {
				if negZero[i] {
					continue
				}
				g, w := got[k][i], want[k][i]
				if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
					t.Fatalf("output %d element %d: hoisted %v, original %v\n%s", k, i, g, w, p)
				}
			}
		}
	}
}
