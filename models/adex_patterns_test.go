package models

import (
	"math"
	"testing"
)

var naudSets = []struct {
	name                                   string
	c, gl, el, vt, dT, a, tw, b, vr, drive float32
}{
	{"tonic", 200, 10, -70, -50, 2, 2, 30, 0, -58, 500},
	{"adaptation", 200, 12, -70, -50, 2, 2, 300, 60, -58, 500},
	{"initial burst", 130, 18, -58, -50, 2, 4, 150, 120, -50, 400},
	{"regular bursting", 200, 10, -58, -50, 2, 2, 120, 100, -46, 210},
	{"delayed accelerating", 200, 12, -70, -50, 2, -10, 300, 0, -58, 300},
	{"delayed regular bursting", 100, 10, -65, -50, 2, -10, 90, 30, -47, 110},
	{"transient", 100, 10, -65, -50, 2, 10, 90, 100, -47, 180},
	{"irregular", 100, 12, -60, -50, 2, -11, 130, 30, -48, 160},
}

func naudRun(t *testing.T, dt float64) ([][]float64, [][]int) {
	f, err := Builtin("adex")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	size := len(naudSets)
	vals := map[string][]float32{}
	for _, name := range m.Neuron.Step.Inputs {
		vals[name] = make([]float32, size)
	}
	for i, s := range naudSets {
		vals["C"][i], vals["g_L"][i], vals["E_L"][i], vals["V_T"][i], vals["Delta_T"][i] = s.c, s.gl, s.el, s.vt, s.dT
		vals["a"][i], vals["tau_w"][i], vals["b"][i], vals["V_r"][i], vals["I"][i] = s.a, s.tw, s.b, s.vr, s.drive
		vals["V_peak"][i], vals["v"][i] = 0, s.el
	}
	_, spikes := sim(t, m.Neuron, dt, size, int(600/dt+0.5), vals, nil)
	isis := make([][]float64, size)
	for i := range spikes {
		isis[i] = intervals(spikes[i], dt)
	}
	return isis, spikes
}

// TestAdExFiringPatterns runs the eight parameter sets of Naud et al.
// (2008), Table 1 (the Brian2 port's values, ../shared/reference/models.md
// §1.2: V(0) = E_L, w(0) = 0, constant I, 600 ms, Euler, reset at V > 0 mV,
// dt = 0.1 ms) and checks the defining feature of each pattern in Fig. 4.
func TestAdExFiringPatterns(t *testing.T) {
	const dt = 0.1
	isis, spikes := naudRun(t, dt)
	firstSpike := func(i int) float64 { return float64(spikes[i][0]) * dt }
	for i, s := range naudSets {
		x := isis[i]
		t.Logf("%s: %d spikes, intervals (ms) %.1f", s.name, len(spikes[i]), x)
		if s.name != "transient" && len(x) < 5 {
			t.Errorf("%s: only %d spikes", s.name, len(spikes[i]))
			continue
		}
		last := func() float64 { return x[len(x)-1] }
		var ok bool
		switch s.name {
		case "tonic": // regular from the first interval on
			ok = last()/x[0] > 0.9 && last()/x[0] < 1.2
		case "adaptation": // intervals lengthen several-fold
			ok = last() > 3*x[0]
		case "initial burst": // a burst, then regular single spikes
			later := x[2:]
			ok = x[0] < 10 && x[1] < 10 && countIf(later, func(v float64) bool { return v > 40 && v < 1.2*later[len(later)-1] }) == len(later)
		case "regular bursting": // bursts repeated: long pauses, each followed by short intervals
			ok = countIf(x, func(v float64) bool { return v > 50 }) >= 3 && countIf(x, func(v float64) bool { return v < 10 }) >= countIf(x, func(v float64) bool { return v > 50 })
		case "delayed accelerating": // a delay, then intervals that shorten
			ok = firstSpike(i) > 25 && last() < 0.7*x[0]
		case "delayed regular bursting": // a delay, then repeated bursts
			ok = firstSpike(i) > 40 && countIf(x, func(v float64) bool { return v > 30 }) >= 3 && countIf(x, func(v float64) bool { return v < 10 }) >= 2*countIf(x, func(v float64) bool { return v > 30 })
		case "transient": // a few spikes at onset, then silence
			ok = len(spikes[i]) >= 1 && len(spikes[i]) < 4 && firstSpike(i)+float64(len(x))*20 < 100
		case "irregular": // variable intervals without long pauses
			ok = cv(x[3:]) > 0.3 && countIf(x, func(v float64) bool { return v > 100 }) == 0
		}
		if !ok {
			t.Errorf("%s: the firing pattern is not %s; intervals %.1f", s.name, s.name, x)
		}
	}
}

// cv is the coefficient of variation of xs.
func cv(xs []float64) float64 {
	var sum, sq float64
	for _, x := range xs {
		sum += x
		sq += x * x
	}
	n := float64(len(xs))
	mean := sum / n
	return math.Sqrt(sq/n-mean*mean) / mean
}
