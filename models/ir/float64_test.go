package ir

import (
	"math"
	"testing"
)

func TestEvalFloat64(t *testing.T) {
	b := NewBuilder()
	tau := b.Input("tau")
	decay := b.Op1(OpExp, b.Op2(OpDiv, b.Const(-0.1), tau))
	b.Output("decay", decay)
	b.Output("big", b.Select(b.Op2(OpGt, tau, b.Const(5)), b.Const(1), b.Const(0)))
	out, err := EvalFloat64(b.Program(), []float64{10})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(float64(float32(-0.1)) / 10); out[0] != want || out[1] != 1 {
		t.Errorf("got %v, want [%v 1]", out, want)
	}
	r := NewBuilder()
	r.Output("u", r.Rand())
	if _, err := EvalFloat64(r.Program(), nil); err == nil {
		t.Error("a random draw was evaluated")
	}
	if _, err := EvalFloat64(b.Program(), nil); err == nil {
		t.Error("missing inputs accepted")
	}
}
