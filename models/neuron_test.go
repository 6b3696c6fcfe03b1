package models

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models/units"
)

// sim runs a compiled neuron on the CPU for steps steps. state and params
// map names to per-neuron values; it returns the final states and the steps
// at which each neuron spiked.
func sim(t *testing.T, n *Neuron, dt float64, size, steps int, state, params map[string][]float32) (map[string][]float32, [][]int) {
	t.Helper()
	p := n.Step
	ev := newEvaluator(p)
	vals := map[string][]float32{}
	for k, v := range state {
		vals[k] = append([]float32(nil), v...)
	}
	for k, v := range params {
		vals[k] = v
	}
	vals[InputIndex] = make([]float32, size)
	for i := range size {
		vals[InputIndex][i] = float32(i)
	}
	vals[InputTime] = make([]float32, size)
	derived, err := n.Derive(size, vals)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range derived {
		vals[k] = v
	}
	if n.RefractorySteps > 0 {
		vals[Refractory] = make([]float32, size)
	}
	spikes := make([][]int, size)
	for s := range steps {
		for i := range size {
			vals[InputTime][i] = float32(float64(s) * dt)
		}
		out := ev.run(t, size, vals, testRNG(s))
		for k, o := range out {
			if k == OutputSpike {
				for i, x := range o {
					if x != 0 {
						spikes[i] = append(spikes[i], s)
					}
				}
				continue
			}
			copy(vals[k], o)
		}
	}
	final := map[string][]float32{}
	for _, v := range n.States {
		final[v.Name] = vals[v.Name]
	}
	return final, spikes
}

func TestLIFDecaysExponentially(t *testing.T) {
	n, err := Compile(NeuronSpec{Equations: "dv/dt = -v/tau : volt\ntau : second", DT: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if n.Method != "exact" {
		t.Errorf("method %s, want exact", n.Method)
	}
	final, _ := sim(t, n, 0.1, 1, 1000, map[string][]float32{"v": {1}}, map[string][]float32{"tau": {10}})
	want := math.Exp(-100.0 / 10)
	if got := float64(final["v"][0]); math.Abs(got-want) > 2e-4*want {
		t.Errorf("v(100 ms) = %g, want %g", got, want)
	}
}

// TestLIFFiresRegularly: dv/dt = (EL - v + R*I)/tau from EL with threshold
// Vt fires every tau*ln(RI/(RI - (Vt - EL))) plus the refractory period.
func TestLIFFiresRegularly(t *testing.T) {
	spec := NeuronSpec{
		Equations:  "dv/dt = (EL - v + R*I)/tau : volt (unless refractory)\nEL : volt\nR : ohm\nI : amp\ntau : second",
		Threshold:  "v > -50*mV",
		Reset:      "v = EL",
		Refractory: "2*ms",
		DT:         0.1,
	}
	n, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if n.RefractorySteps != 20 {
		t.Errorf("refractory steps %d, want 20", n.RefractorySteps)
	}
	// R = 0.1 GOhm (100 Mohm), I = 200 pA: R*I = 20 mV; EL = -65 mV.
	_, spikes := sim(t, n, 0.1, 1, 2000, map[string][]float32{"v": {-65}},
		map[string][]float32{"EL": {-65}, "R": {0.1}, "I": {200}, "tau": {10}})
	if len(spikes[0]) < 5 {
		t.Fatalf("%d spikes in 200 ms", len(spikes[0]))
	}
	isi := 10*math.Log(20.0/(20-15)) + 2 // ms
	for k := 1; k < len(spikes[0]); k++ {
		got := float64(spikes[0][k]-spikes[0][k-1]) * 0.1
		if math.Abs(got-isi) > 0.15 {
			t.Errorf("interval %d: %.1f ms, want %.2f ms (±1 step)", k, got, isi)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	base := NeuronSpec{DT: 0.1, File: "m.eqs"}
	for _, tc := range []struct {
		name string
		spec NeuronSpec
		msg  string
	}{
		{"dimension of rhs", NeuronSpec{Equations: "dv/dt = v : volt"},
			"m.eqs:1:9: dv/dt must be in V/s (V per second), but the right-hand side is in V"},
		{"adding volts and amps", NeuronSpec{Equations: "dv/dt = (v + I)/tau : volt\nI : amp\ntau : second"},
			`m.eqs:1:12: the two sides of "+" have different dimensions: V and A`},
		{"unknown name", NeuronSpec{Equations: "dv/dt = -v/taum : volt\ntau : second"},
			`m.eqs:1:12: unknown name "taum"`},
		{"unit as name", NeuronSpec{Equations: "dmV/dt = 0*mV/ms : volt"},
			`"mV" is the name of a unit`},
		{"unit field", NeuronSpec{Equations: "dv/dt = 0*mV/ms : volts"},
			`m.eqs:1:19: unit "volts" at column 1: unknown unit "volts"; did you mean "volt"?`},
		{"explicit exponential euler on nonlinear", NeuronSpec{Equations: "dv/dt = v*v/(mV*ms) : volt", Method: "exponential_euler"},
			"dv/dt is not linear in v"},
		{"unknown method", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Method: "milstein"},
			`unknown integration method "milstein"`},
		{"threshold not a condition", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Threshold: "v + 1*mV"},
			"the threshold must be a condition"},
		{"threshold dimensions", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Threshold: "v > 1*ms"},
			`the two sides of ">" have different dimensions: V and s`},
		{"reset of a parameter", NeuronSpec{Equations: "dv/dt = -v/tau : volt\ntau : second", Threshold: "v > 1*mV", Reset: "tau = 1*ms"},
			"the reset can only assign state variables (tau is not one)"},
		{"reset dimensions", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Threshold: "v > 1*mV", Reset: "v = 3*nA"},
			"v is in V but the value assigned is in A"},
		{"refractory not whole steps", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Refractory: "0.25*ms", DT: 0.1},
			"not a whole number of time steps"},
		{"refractory not a duration", NeuronSpec{Equations: "dv/dt = -v/ms : volt", Refractory: "2*mV"},
			"must be a duration"},
		{"subexpression cycle", NeuronSpec{Equations: "dv/dt = a/ms : volt\na = b : volt\nb = a : volt"},
			`subexpression "a" refers to itself`},
		{"exp of volts", NeuronSpec{Equations: "dv/dt = exp(v)*mV/ms : volt"},
			"the argument of exp() must be dimensionless, not V"},
		{"power of a quantity by a variable", NeuronSpec{Equations: "dv/dt = v**k/ms : volt\nk : 1"},
			"can only be raised to a constant power"},
		{"syntax error", NeuronSpec{Equations: "dv/dt = (v : volt"}, "m.eqs:1:"},
		{"bad dt", NeuronSpec{Equations: "dv/dt = -v/ms : volt", DT: -1}, "must be positive"},
	} {
		spec := tc.spec
		spec.File = base.File
		if spec.DT == 0 {
			spec.DT = base.DT
		}
		_, err := Compile(spec)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v\nwant one containing %q", tc.name, err, tc.msg)
		}
	}
}

// TestExactIntegration: for dv/dt = (E_L - v)/tau_m + I_e/C, dI_e/dt =
// -I_e/tau_s from v = E_L, I_e = I0, the solution is
// v - E_L = I0/C · tau_m·tau_s/(tau_m - tau_s) · (exp(-t/tau_m) - exp(-t/tau_s)).
// Exact integration must follow it at any step size, up to float32 rounding:
// at most one unit in the last place of v (2^-17 mV near -66 mV) per step.
func TestExactIntegration(t *testing.T) {
	spec := NeuronSpec{Equations: `dv/dt = (E_L - v)/tau_m + I_e/C : volt
dI_e/dt = -I_e/tau_s : amp
E_L : volt
tau_m : second
tau_s : second
C : farad`}
	const el, tm, ts, c, i0 = -70.0, 20.0, 5.0, 250.0, 1000.0
	for _, dt := range []float64{0.1, 1, 4} {
		spec.DT = dt
		n, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		if n.Method != "exact" {
			t.Fatalf("method %s, want exact", n.Method)
		}
		const tEnd = 40.0
		steps := int(math.Round(tEnd / dt))
		final, _ := sim(t, n, dt, 1, steps, map[string][]float32{"v": {el}, "I_e": {i0}},
			map[string][]float32{"E_L": {el}, "tau_m": {tm}, "tau_s": {ts}, "C": {c}})
		want := el + i0/c*tm*ts/(tm-ts)*(math.Exp(-tEnd/tm)-math.Exp(-tEnd/ts))
		if got := float64(final["v"][0]); math.Abs(got-want) > float64(steps)*0x1p-17 {
			t.Errorf("dt=%g: v(40 ms) = %.6f, want %.6f", dt, got, want)
		}
	}
	spec.Method = "exact"
	spec.Equations = "dv/dt = -v*v/(mV*ms) : volt"
	if _, err := Compile(spec); err == nil || !strings.Contains(err.Error(), "dv/dt is not linear in v") {
		t.Errorf("exact on a nonlinear equation: err = %v", err)
	}
	spec.Equations = "dv/dt = -g*v/(nS*ms) : volt\ndg/dt = -g/ms : siemens"
	if _, err := Compile(spec); err == nil || !strings.Contains(err.Error(), "a coefficient of dv/dt depends on g") {
		t.Errorf("exact with a state-dependent coefficient: err = %v", err)
	}
}

// TestRefractoryCondition: with refractory "u > 1*mV", where u jumps to
// 10 mV at a spike and decays with tau 2 ms, a neuron stays refractory (v
// frozen at -55 mV by "unless refractory") for 2·ln(10) = 4.6 ms, then
// climbs from -55 to -50 mV towards E = -40 mV in 10·ln(15/10) = 4.05 ms:
// intervals of 8.7 ms, within a step or two. A 0 ms period means no
// refractoriness at all (the interval is then 4.05 ms).
func TestRefractoryCondition(t *testing.T) {
	spec := NeuronSpec{
		Equations:  "dv/dt = (E - v)/(10*ms) : volt (unless refractory)\ndu/dt = -u/(2*ms) : volt\nE : volt",
		Threshold:  "v > -50*mV",
		Reset:      "v = -55*mV; u = 10*mV",
		Refractory: "u > 1*mV",
		DT:         0.1,
	}
	for _, tc := range []struct {
		refractory string
		isi        float64 // ms
	}{
		{"u > 1*mV", 2*math.Log(10) + 10*math.Log(1.5)},
		{"0*ms", 10 * math.Log(1.5)},
	} {
		spec.Refractory = tc.refractory
		n, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		_, spikes := sim(t, n, 0.1, 1, 1000, map[string][]float32{"v": {-50.5}, "u": {0}}, map[string][]float32{"E": {-40}})
		if len(spikes[0]) < 5 {
			t.Fatalf("%s: %d spikes in 100 ms", tc.refractory, len(spikes[0]))
		}
		for k := 2; k < len(spikes[0]); k++ {
			if got := float64(spikes[0][k]-spikes[0][k-1]) * 0.1; math.Abs(got-tc.isi) > 0.25 {
				t.Errorf("refractory %s: interval %.1f ms, want %.2f ms", tc.refractory, got, tc.isi)
			}
		}
	}
}

// TestTimeSeries: f(t) and g(t, i) calls become inputs the runtime fills
// each step, with their declared dimensions checked.
func TestTimeSeries(t *testing.T) {
	spec := NeuronSpec{
		Equations: "dv/dt = (-v + R*(I_ext(t) + I_each(t, i)))/(10*ms) : volt\nR : ohm",
		DT:        0.1,
		TimeSeries: map[string]TimeSeries{
			"I_ext":  {Dim: units.BaseDim(units.Current)},
			"I_each": {Dim: units.BaseDim(units.Current), PerNeuron: true},
		},
	}
	n, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SeriesInput("I_ext"), SeriesInput("I_each")} {
		if !slices.Contains(n.Step.Inputs, name) {
			t.Errorf("inputs %v lack %s", n.Step.Inputs, name)
		}
	}
	for _, tc := range []struct{ eqs, msg string }{
		{"dv/dt = I_ext(t - 1*ms)*Gohm/ms : volt", "the time series I_ext must be called as I_ext(t)"},
		{"dv/dt = I_each(t)*Gohm/ms : volt", "must be called as I_each(t, i)"},
		{"dv/dt = I_ext(t)/ms : volt", "the right-hand side is in s^-1 A"},
	} {
		spec.Equations = tc.eqs
		if _, err := Compile(spec); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err = %v, want %q", tc.eqs, err, tc.msg)
		}
	}
}

// TestIndexAndSize: i and N are the neuron's index and the group's size,
// inputs the runtime provides; N is an input only where used.
func TestIndexAndSize(t *testing.T) {
	n, err := Compile(NeuronSpec{Equations: "dv/dt = (i/N*mV - v)/ms : volt", DT: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(n.Step.Inputs, InputSize) || !slices.Contains(n.Step.Inputs, InputIndex) {
		t.Errorf("inputs %v lack i or N", n.Step.Inputs)
	}
	plain, _ := Compile(NeuronSpec{Equations: "dv/dt = -v/ms : volt", DT: 0.1})
	if slices.Contains(plain.Step.Inputs, InputSize) {
		t.Errorf("N is an input of a model that does not use it: %v", plain.Step.Inputs)
	}
	if _, err := Compile(NeuronSpec{Equations: "dv/dt = -v/ms : volt\nN : 1", DT: 0.1}); err == nil || !strings.Contains(err.Error(), `"N" is a reserved name`) {
		t.Errorf("declaring N: err = %v", err)
	}
}
