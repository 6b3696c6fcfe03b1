package models

import (
	"testing"
)

// TestHodgkinHuxleyRepetitiveFiring: the 1952 model fires repetitively
// above a current near 6.3 µA/cm² and, being class II, starts at a nonzero
// rate: there is no slow repetitive firing (Rinzel & Miller 1980: periodic
// solutions exist from 6.26 µA/cm²; Hodgkin 1948's class II). From rest, a
// step of 5 µA/cm² gives at most a spike at onset, while 10 and 20 µA/cm²
// give sustained firing above 40 Hz that rises with the current.
func TestHodgkinHuxleyRepetitiveFiring(t *testing.T) {
	f, err := Builtin("hh_1952")
	if err != nil {
		t.Fatal(err)
	}
	const dt = 0.01
	m, err := Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	currents := []string{"5*uA/cm**2", "10*uA/cm**2", "20*uA/cm**2"}
	size := len(currents)
	vals := defaults(m, size)
	for i, c := range currents {
		vals["I"][i] = float32(constant(t, c))
	}
	const total, from = 1200.0, 200.0 // ms: rates after the onset transient
	_, spikes := sim(t, m.Neuron, dt, size, int(total/dt), vals, nil)
	rate := make([]float64, size)
	for i := range size {
		for _, s := range spikes[i] {
			if float64(s)*dt >= from {
				rate[i]++
			}
		}
		rate[i] /= (total - from) / 1000
		t.Logf("I = %s: %d spikes, %.1f Hz after %g ms", currents[i], len(spikes[i]), rate[i], from)
	}
	if rate[0] != 0 || len(spikes[0]) > 1 {
		t.Errorf("5 uA/cm² is below the repetitive-firing threshold, but the neuron fired %d times", len(spikes[0]))
	}
	if rate[1] < 40 || rate[2] <= rate[1] {
		t.Errorf("rates %.1f Hz and %.1f Hz: want sustained firing above 40 Hz that rises with the current", rate[1], rate[2])
	}
}
