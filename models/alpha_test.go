package models

import (
	"math"
	"testing"
)

// alphaPeak runs a model from x_e = x0 and returns when g_e peaks and its
// peak value.
func alphaPeak(t *testing.T, m *Model, dt, tau, x0 float64) (float64, float64) {
	vals := defaults(m, 1)
	vals["tau_e"][0], vals["x_e"][0] = float32(tau), float32(x0)
	derived, err := m.Neuron.Derive(1, vals)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range derived {
		vals[k] = v
	}
	ev := newEvaluator(m.Neuron.Step)
	peak, peakStep := 0.0, 0
	for s := 1; s <= int(4*tau/dt); s++ {
		out := ev.run(t, 1, vals, testRNG(s))
		for name, o := range out {
			if name != OutputSpike {
				vals[name][0] = o[0]
			}
		}
		if g := float64(vals["g_e"][0]); g > peak {
			peak, peakStep = g, s
		}
	}
	return float64(peakStep) * dt, peak
}

// TestAlphaConductancePeak: a jump x0 of x_e makes g_e = x0·(t/tau)·
// exp(-t/tau), which peaks at t = tau with x0/e. The synapse equations
// alone are linear with constant coefficients and integrate exactly; in
// lif_coba_alpha, coupled to v, they integrate by exponential Euler, whose
// error is first order: it must halve with dt.
func TestAlphaConductancePeak(t *testing.T) {
	const tau, x0 = 3.0, 10.0
	want := x0 / math.E
	f := &File{Path: "alpha.yaml", Name: "alpha", Equations: `dg_e/dt = (x_e - g_e)/tau_e : siemens
dx_e/dt = -x_e/tau_e : siemens
tau_e : second`, Parameters: []Setting{{Name: "tau_e", Value: "3*ms"}}, Initial: []Setting{{Name: "g_e", Value: "0*nS"}}}
	exact, err := Check(f, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if exact.Neuron.Method != "exact" {
		t.Fatalf("method %s, want exact", exact.Neuron.Method)
	}
	at, peak := alphaPeak(t, exact, 0.05, tau, x0)
	if math.Abs(at-tau) > 0.05 || math.Abs(peak-want) > 1e-5*want {
		t.Errorf("exact: g_e peaks at %.2f ms with %.6f nS, want %g ms and %.6f nS", at, peak, tau, want)
	}

	lib, err := Builtin("lif_coba_alpha")
	if err != nil {
		t.Fatal(err)
	}
	var errs []float64
	for _, dt := range []float64{0.05, 0.025} {
		m, err := Check(lib, dt)
		if err != nil {
			t.Fatal(err)
		}
		at, peak := alphaPeak(t, m, dt, tau, x0)
		if math.Abs(at-tau) > dt {
			t.Errorf("%s, dt=%g: g_e peaks at %.3f ms, want %g ms", m.Neuron.Method, dt, at, tau)
		}
		errs = append(errs, math.Abs(peak-want))
	}
	if ratio := errs[0] / errs[1]; math.Abs(ratio-2) > 0.2 {
		t.Errorf("peak errors %.3g and %.3g nS at dt 0.05 and 0.025 ms: ratio %.2f, want 2 (first order)", errs[0], errs[1], ratio)
	}
}

func TestNeuronHash(t *testing.T) {
	spec := NeuronSpec{Equations: "dv/dt = (E - v)/tau : volt\nE : volt\ntau : second", DT: 0.1}
	a, _ := Compile(spec)
	b, _ := Compile(spec)
	spec.DT = 0.05
	c, _ := Compile(spec)
	if a.Hash() != b.Hash() {
		t.Error("identical models hash differently")
	}
	if a.Hash() == c.Hash() {
		t.Error("models with different time steps hash alike")
	}
}
