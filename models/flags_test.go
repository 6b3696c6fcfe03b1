package models

import (
	"math"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct{ eqs, msg string }{
		{"dv/dt = -v/ms : volt (constant)", `a differential cannot be "constant" (allowed: unless refractory)`},
		{"dv/dt = -v/ms : volt\nI = v/ohm : amp (summed)", `flag "summed" belongs in synapse models`},
		{"dv/dt = -v/ms : volt\ntau : second (unless refractory)", `a parameter cannot be "unless refractory"`},
	} {
		if _, err := Compile(NeuronSpec{Equations: tc.eqs, DT: 0.1}); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err = %v, want %q", tc.eqs, err, tc.msg)
		}
	}
	for _, eqs := range []string{"dv/dt = -v/ms : volt\ntau : second (constant, shared)", "dv/dt = -v/ms : volt\nI = v/ohm : amp (shared)"} {
		if _, err := Compile(NeuronSpec{Equations: eqs, DT: 0.1}); err != nil {
			t.Errorf("%q: %v", eqs, err)
		}
	}
}

// TestConstantOverDT: a "constant over dt" subexpression keeps its value
// from the start of the step through the stages of rk4, so dv/dt = s/ms
// with s = v advances like Euler; without the flag rk4 follows exp(t).
func TestConstantOverDT(t *testing.T) {
	step := func(flag string) float64 {
		n, err := Compile(NeuronSpec{Equations: "dv/dt = s/ms : 1\ns = v : 1" + flag, Method: "rk4", DT: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		final, _ := sim(t, n, 0.1, 1, 1, map[string][]float32{"v": {1}}, nil)
		return float64(final["v"][0])
	}
	if got := step(" (constant over dt)"); got != float64(float32(1.1)) {
		t.Errorf("with the flag: v = %v, want 1.1", got)
	}
	if got := step(""); math.Abs(got-math.Exp(0.1)) > 1e-6 {
		t.Errorf("without the flag: v = %v, want exp(0.1) = %v", got, math.Exp(0.1))
	}
}
