package models

import (
	"slices"
	"testing"
)

// TestSummedParameter: a parameter set every step by a summed synapse
// variable is read by the step itself, neither hoisted nor folded into
// the propagators of exact integration.
func TestSummedParameter(t *testing.T) {
	spec := NeuronSpec{Equations: "dv/dt = (-v + I*(10*Mohm))/(10*ms) : volt\nI : amp", DT: 0.1}
	n, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	reads := func(n *Neuron) bool {
		k := slices.Index(n.Step.Inputs, "I")
		return k >= 0 && n.Step.Uses(k)
	}
	if n.Method != "exact" || reads(n) {
		t.Fatalf("without Summed: method %s, step reads I: %v; want exact, I folded into derived inputs", n.Method, reads(n))
	}
	s, err := n.WithSummed([]string{"I"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Method == "exact" || !reads(s) {
		t.Errorf("with Summed: method %s, step reads I: %v; want another method, and I read every step", s.Method, reads(s))
	}
}
