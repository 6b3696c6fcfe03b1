package models

import (
	"math"
	"testing"
)

// TestFitzHughNagumoHopf: with a = 0.7, b = 0.8, epsilon = 0.08 the fixed
// point is unstable exactly for 0.33128 < I < 1.41872 (the Hopf points where
// 1 - v*² = epsilon·b; ../shared/reference/models.md §6.2). Just inside the
// interval the unit must oscillate, just outside it must come to rest.
func TestFitzHughNagumoHopf(t *testing.T) {
	f, err := Builtin("fitzhugh_nagumo")
	if err != nil {
		t.Fatal(err)
	}
	const dt = 0.05
	m, err := Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	currents := []float32{0.32, 0.34, 1.0, 1.41, 1.43}
	oscillates := []bool{false, true, true, true, false}
	size := len(currents)
	vals := map[string][]float32{}
	for _, name := range m.Neuron.Step.Inputs {
		v := make([]float32, size)
		for i := range v {
			if x, ok := m.Defaults[name]; ok {
				v[i] = x
			} else {
				v[i] = m.Initial[name]
			}
		}
		vals[name] = v
	}
	vals["I"] = currents
	// 3 s to settle, then the range of v over the last 200 ms.
	const settle, window = 60000, 4000
	final, _ := sim(t, m.Neuron, dt, size, settle, vals, nil)
	for name, v := range final {
		vals[name] = v
	}
	lo, hi := make([]float64, size), make([]float64, size)
	for i := range size {
		lo[i], hi[i] = math.Inf(1), math.Inf(-1)
	}
	ev := newEvaluator(m.Neuron.Step)
	for range window {
		out := ev.run(t, size, vals)
		for name := range final {
			copy(vals[name], out[name])
		}
		for i, v := range vals["v"] {
			lo[i], hi[i] = math.Min(lo[i], float64(v)), math.Max(hi[i], float64(v))
		}
	}
	for i, I := range currents {
		amp := hi[i] - lo[i]
		t.Logf("I = %.2f: v range %.4f", I, amp)
		if oscillates[i] && amp < 1 {
			t.Errorf("I = %.2f is inside the Hopf interval but v only varies by %.3g", I, amp)
		}
		if !oscillates[i] && amp > 1e-3 {
			t.Errorf("I = %.2f is outside the Hopf interval but v still varies by %.3g", I, amp)
		}
	}
}
