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
	vals := defaults(m, size)
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
	for s := range window {
		out := ev.run(t, size, vals, testRNG(settle+s))
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

// TestIzhikevichClasses runs the cortical classes of Izhikevich (2003),
// Fig. 2 (parameters in ../shared/reference/models.md §6.1), with I = 10
// from v = -70 mV for 300 ms at dt = 0.25 ms, and checks each class's
// defining firing pattern: RS adapts, IB opens with a burst and then fires
// single spikes, CH fires repeated bursts, FS fires fast without pauses.
func TestIzhikevichClasses(t *testing.T) {
	f, err := Builtin("izhikevich")
	if err != nil {
		t.Fatal(err)
	}
	const dt = 0.25
	m, err := Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	classes := []struct {
		name       string
		a, b, c, d float32
	}{
		{"RS", 0.02, 0.2, -65, 8}, {"IB", 0.02, 0.2, -55, 4}, {"CH", 0.02, 0.2, -50, 2}, {"FS", 0.1, 0.2, -65, 2},
	}
	size := len(classes)
	vals := map[string][]float32{}
	for _, name := range m.Neuron.Step.Inputs {
		vals[name] = make([]float32, size)
	}
	for i, c := range classes {
		vals["a"][i], vals["b"][i], vals["c"][i], vals["d"][i] = c.a, c.b, c.c, c.d
		vals["v"][i], vals["u"][i], vals["I"][i] = -70, c.b*-70, 10
	}
	_, spikes := sim(t, m.Neuron, dt, size, 1200, vals, nil)
	isis := make([][]float64, size)
	for i := range size {
		isis[i] = intervals(spikes[i], dt)
		t.Logf("%s: %d spikes, intervals (ms) %v", classes[i].name, len(spikes[i]), isis[i])
		if len(isis[i]) < 4 {
			t.Fatalf("%s: only %d spikes", classes[i].name, len(spikes[i]))
		}
	}
	short := func(x float64) bool { return x < 10 }
	long := func(x float64) bool { return x > 20 }
	rs, ib, ch, fs := isis[0], isis[1], isis[2], isis[3]
	if rs[len(rs)-1] < 1.5*rs[0] || countIf(rs, short) > 0 {
		t.Errorf("RS does not adapt: intervals %v", rs)
	}
	if !short(ib[0]) || !short(ib[1]) || countIf(ib[2:], long) != len(ib)-2 {
		t.Errorf("IB does not burst once and then fire single spikes: intervals %v", ib)
	}
	if countIf(ch, long) < 3 || countIf(ch, short) < 3*countIf(ch, long) {
		t.Errorf("CH does not fire repeated bursts: intervals %v", ch)
	}
	if countIf(fs, func(x float64) bool { return x > 15 }) > 0 || len(fs) < 3*len(rs) {
		t.Errorf("FS does not fire fast and without pauses: intervals %v", fs)
	}
}
