package models

import (
	"math"
	"strings"
	"testing"
)

// TestObservedSubexpressions: the step outputs an observed subexpression
// as computed from the values at the start of the step, and observing it
// changes nothing else the step computes, random draws included.
func TestObservedSubexpressions(t *testing.T) {
	// With dt = 1 ms, Euler's x + dt·I/ms is x + I exactly for x = 0, so the
	// noisy current that x integrated is x's new value.
	spec := NeuronSpec{DT: 1, Equations: `
dx/dt = I/ms : 1
dv/dt = (g*(E - v) + I_ext)/(10*ms) : 1
I = 0.5 + 2*randn() : 1
I_ext = 3*int(t > 2*ms) : 1
drive = g*(E - v) : 1
above = v > E : boolean
g : 1
E : 1`, Method: "euler"}
	plain, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	spec.Observed = []string{"I", "drive", "above", "I_ext"}
	n, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range n.Subexpressions {
		names = append(names, v.Name)
	}
	if got := strings.Join(names, " "); got != "I I_ext drive above" {
		t.Errorf("Subexpressions = %s, want I I_ext drive above", got)
	}
	const size = 5
	vals := map[string][]float32{"x": make([]float32, size), "v": {-1, 0, 0.5, 2, 3}, "g": {1, 1, 1, 1, 1},
		"E": {1, 1, 1, 1, 1}, "t": {3, 3, 3, 3, 3}, "i": {0, 1, 2, 3, 4}}
	got := newEvaluator(n.Step).run(t, size, vals, testRNG(7))
	want := newEvaluator(plain.Step).run(t, size, vals, testRNG(7))
	for name, w := range want {
		for i := range w {
			if math.Float32bits(got[name][i]) != math.Float32bits(w[i]) {
				t.Errorf("%s[%d] = %v observed, %v not", name, i, got[name][i], w[i])
			}
		}
	}
	for i := range size {
		v := vals["v"][i]
		for name, w := range map[string]float32{"I": got["x"][i], "drive": 1 * (1 - v), "above": b2f(v > 1), "I_ext": 3} {
			if got[name][i] != w {
				t.Errorf("neuron %d: observed %s = %v, want %v", i, name, got[name][i], w)
			}
		}
	}
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

func TestObservedErrors(t *testing.T) {
	for _, tt := range []struct {
		observed []string
		want     string
	}{
		{[]string{"v"}, `"v" is not a subexpression`},
		{[]string{"nope"}, `"nope" is not a subexpression`},
		{[]string{"I", "I"}, `"I" observed twice`},
	} {
		_, err := Compile(NeuronSpec{DT: 0.1, Equations: "dv/dt = I/ms : 1\nI = 2 : 1", Observed: tt.observed})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Observed %v: error %v, want one containing %s", tt.observed, err, tt.want)
		}
	}
}
