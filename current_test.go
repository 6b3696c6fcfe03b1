package spikevk_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/host"
)

// TestCurrentValues: DC, step, ramp, sinusoid and expression currents,
// and a sum of two, sampled through a probe, equal their formulas at
// every step.
func TestCurrentValues(t *testing.T) {
	const dt, ms = 0.1, 30.0
	for _, c := range []struct {
		name string
		src  []spikevk.Current
		want func(t float64, i int) float64 // pA at time t (ms)
		tol  float64
	}{
		{"dc", []spikevk.Current{spikevk.DC("12.5*pA")}, func(float64, int) float64 { return 12.5 }, 0},
		{"step", []spikevk.Current{spikevk.Step([]float64{5, 10.3, 20}, []string{"3*pA", "-7*pA", "1*pA"})},
			func(t float64, _ int) float64 {
				switch {
				case t < 4.95:
					return 0
				case t < 10.25:
					return 3
				case t < 19.95:
					return -7
				}
				return 1
			}, 0},
		{"ramp", []spikevk.Current{spikevk.Ramp(5, 15, "10*pA", "30*pA")},
			func(t float64, _ int) float64 {
				if t < 4.95 || t > 14.95 {
					return 0
				}
				return 10 + 20*(t-5)/10
			}, 1e-4},
		{"sinusoid", []spikevk.Current{spikevk.Sinusoid("20*pA", 100, "0.5*i", "3*pA")},
			func(t float64, i int) float64 { return 20*math.Sin(2*math.Pi*100*t/1000+0.5*float64(i)) + 3 }, 1e-3},
		{"expression", []spikevk.Current{spikevk.Expression("i*pA + t*pA/ms")},
			func(t float64, i int) float64 { return float64(i) + t }, 1e-4},
		{"sum", []spikevk.Current{spikevk.DC("2*pA"), spikevk.Step([]float64{10}, []string{"5*pA"})},
			func(t float64, _ int) float64 {
				if t < 9.95 {
					return 2
				}
				return 7
			}, 0},
	} {
		net := spikevk.New(spikevk.Config{DT: dt, Backend: "cpu"})
		p := net.Group("p", 3, probe("I : amp"))
		for _, s := range c.src {
			p.Inject("I", s)
		}
		m := net.StateMonitor(p, []string{"y", "I"}, dt, 0, 1, 2)
		y := sample(t, net, m, ms, "y")
		_, direct, err := m.Values("I")
		if err != nil {
			t.Fatal(err)
		}
		net.Close()
		// I recorded directly is the value of step k that the reset copied
		// into y.
		for k := 0; k+1 < len(y); k++ {
			if !slices.Equal(direct[k], y[k+1]) {
				t.Fatalf("%s: step %d: I recorded %v, the step used %v", c.name, k, direct[k], y[k+1])
			}
		}
		for k := 1; k < len(y); k++ {
			tm := float64(host.Time(uint32(k-1), dt))
			for i := range 3 {
				if want := c.want(tm, i); math.Abs(float64(y[k][i])-want) > c.tol {
					t.Errorf("%s: t = %v ms, neuron %d: I = %v pA, want %v", c.name, tm, i, y[k][i], want)
				}
			}
		}
	}
}

// currentNetwork drives LIF neurons (lif_cuba_exp) with each source, and
// a time series, into I.
func currentNetwork(backend string) (*spikevk.Network, []*spikevk.Group) {
	net := spikevk.New(spikevk.Config{Seed: 9, Backend: backend})
	net.TimedArray2D("f", [][]float64{{300, 400, 500}, {450, 350, 600}}, "pA", 20)
	sources := []spikevk.Current{
		spikevk.DC("400*pA"),
		spikevk.Step([]float64{10, 30}, []string{"500*pA", "300*pA"}),
		spikevk.Ramp(0, 50, "300*pA", "700*pA"),
		spikevk.Sinusoid("200*pA", 40, "i", "380*pA"),
		spikevk.WhiteNoise("380*pA", "200*pA"),
		spikevk.OU("380*pA", "100*pA", 5),
		spikevk.Expression("f(t, i)"),
	}
	var groups []*spikevk.Group
	for k, s := range sources {
		g := net.Group(string(rune('a'+k)), 3, spikevk.Builtin("lif_cuba_exp"))
		g.Set("v", "E_L + rand()*(V_th - E_L)")
		groups = append(groups, g.Inject("I", s))
	}
	return net, groups
}

// TestCurrentExact: every source, and a time series, drive a group
// identically on the CPU and the Vulkan device, bit for bit, and the
// injected currents recorded directly agree too.
func TestCurrentExact(t *testing.T) {
	vulkanOrSkip(t)
	var results, currents [2][][]float32
	var spikes [2][]int
	for b, backend := range []string{"cpu", "vulkan"} {
		net, groups := currentNetwork(backend)
		var mons []*spikevk.SpikeMonitor
		var states []*spikevk.StateMonitor
		for _, g := range groups {
			mons = append(mons, net.SpikeMonitor(g))
			states = append(states, net.StateMonitor(g, []string{"I", "v"}, 0.5))
		}
		if err := net.Run(context.Background(), 60); err != nil {
			t.Fatal(err)
		}
		for k, g := range groups {
			v, err := g.Get("v")
			if err != nil {
				t.Fatal(err)
			}
			results[b] = append(results[b], v)
			i, _ := mons[k].Spikes()
			spikes[b] = append(spikes[b], len(i))
			_, rows, err := states[k].Values("I")
			if err != nil {
				t.Fatal(err)
			}
			currents[b] = append(currents[b], slices.Concat(rows...))
		}
		net.Close()
	}
	t.Logf("spikes per group: %v", spikes[0])
	for k := range results[0] {
		if !slices.Equal(results[0][k], results[1][k]) || spikes[0][k] != spikes[1][k] {
			t.Errorf("group %d: cpu v %v (%d spikes), vulkan v %v (%d spikes)", k, results[0][k], spikes[0][k], results[1][k], spikes[1][k])
		}
		if len(currents[0][k]) != 3*120 || !slices.Equal(currents[0][k], currents[1][k]) {
			t.Errorf("group %d: recorded I differs: cpu %d values, vulkan %d", k, len(currents[0][k]), len(currents[1][k]))
		}
		if spikes[0][k] == 0 {
			t.Errorf("group %d does not spike: the test covers little", k)
		}
	}
}

// noiseSamples runs a probe of n neurons driven by src for ms and returns
// I of every neuron at every step from step skip on, row per step, as the
// state monitor recorded it. It checks them against the values the steps
// used, which their resets copied into y: y of step k+lag is I of step k,
// with lag 1 for a current of time alone, but 0 for an OU current, since a
// reset sees the state integrated in its step, which is I at the start of
// the next.
func noiseSamples(t *testing.T, method string, src spikevk.Current, lag, n int, ms float64, skip int) [][]float32 {
	t.Helper()
	net := spikevk.New(spikevk.Config{Seed: 4, Backend: "cpu"})
	model := spikevk.Equations{Equations: "I : amp\ndy/dt = 0*amp/ms : amp", Threshold: "t >= 0*ms", Reset: "y = I", Method: method}
	p := net.Group("p", n, model.Model())
	p.Inject("I", src)
	m := net.StateMonitor(p, []string{"I", "y"}, 0.1)
	y := sample(t, net, m, ms, "y")
	_, I, err := m.Values("I")
	if err != nil {
		t.Fatal(err)
	}
	net.Close()
	for k := 1 - lag; k+lag < len(y); k++ {
		if !slices.Equal(I[k], y[k+lag]) {
			t.Fatalf("step %d: I recorded %v, the step used %v", k, I[k], y[k+lag])
		}
	}
	return I[skip:]
}

// meanSD is the mean and standard deviation of all values.
func meanSD(rows [][]float32) (mean, sd float64) {
	var s, s2, n float64
	for _, r := range rows {
		for _, x := range r {
			s += float64(x)
			s2 += float64(x) * float64(x)
			n++
		}
	}
	mean = s / n
	return mean, math.Sqrt(s2/n - mean*mean)
}

// TestWhiteNoise: the current has the requested mean and standard
// deviation, and successive steps are independent.
func TestWhiteNoise(t *testing.T) {
	y := noiseSamples(t, "", spikevk.WhiteNoise("10*pA", "5*pA"), 1, 200, 20, 0)
	mean, sd := meanSD(y)
	n := float64(len(y) * len(y[0]))
	if math.Abs(mean-10) > 4*5/math.Sqrt(n) || math.Abs(sd-5) > 4*5/math.Sqrt(2*n) {
		t.Errorf("mean %v pA, sd %v pA; want 10 and 5 (n = %v)", mean, sd, n)
	}
	if r := autocorrelation(y, 1, mean, sd); math.Abs(r) > 4/math.Sqrt(n) {
		t.Errorf("autocorrelation at one step %v, want 0", r)
	}
}

// autocorrelation is the correlation of the values lag rows apart.
func autocorrelation(rows [][]float32, lag int, mean, sd float64) float64 {
	var s, n float64
	for k := lag; k < len(rows); k++ {
		for i, x := range rows[k] {
			s += (float64(x) - mean) * (float64(rows[k-lag][i]) - mean)
			n++
		}
	}
	return s / n / (sd * sd)
}

// TestOU: an Ornstein–Uhlenbeck current in its stationary state has the
// requested mean and standard deviation, and its autocorrelation at lag τ
// is 1/e; for a model integrated by euler and by exponential_euler.
func TestOU(t *testing.T) {
	const tau = 2.0
	for _, method := range []string{"euler", "exponential_euler"} {
		y := noiseSamples(t, method, spikevk.OU("10*pA", "5*pA", tau), 0, 400, 60, 100)
		mean, sd := meanSD(y)
		// Samples 2τ apart are nearly independent: n/(steps per 2τ) of them.
		n := float64(len(y)*len(y[0])) / (2 * tau / 0.1)
		if math.Abs(mean-10) > 4*5/math.Sqrt(n) || math.Abs(sd-5) > 4*5/math.Sqrt(2*n) {
			t.Errorf("%s: mean %v pA, sd %v pA; want 10 and 5 (n ≈ %v)", method, mean, sd, n)
		}
		if r := autocorrelation(y, int(tau/0.1), 10, 5); math.Abs(r-math.Exp(-1)) > 4/math.Sqrt(n) {
			t.Errorf("%s: autocorrelation at τ %v, want %v", method, r, math.Exp(-1))
		}
	}
}

// TestCurrentErrors: a source on a state variable or on a variable the
// model lacks, bad step and ramp times, a current in the wrong unit and an
// OU current in a model integrated by rk4 are errors that name the group
// and what is wrong.
func TestCurrentErrors(t *testing.T) {
	for _, c := range []struct {
		variable string
		src      spikevk.Current
		want     []string
	}{
		{"v", spikevk.DC("1*pA"), []string{`group "g"`, "v", "state", "not a parameter"}},
		{"J", spikevk.DC("1*pA"), []string{`group "g"`, "J", "no variable"}},
		{"I", spikevk.Step([]float64{5, 2}, []string{"1*pA", "2*pA"}), []string{`group "g"`, "I", "2 ms after 5 ms"}},
		{"I", spikevk.Ramp(5, 5, "1*pA", "2*pA"), []string{`group "g"`, "I", "not after"}},
		{"I", spikevk.DC("1*mV"), []string{`group "g"`}},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		net.Group("g", 2, spikevk.Builtin("lif_cuba_exp")).Inject(c.variable, c.src)
		err := net.Run(context.Background(), 1)
		net.Close()
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one that mentions %q", c.variable, err, w)
			}
		}
	}
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	model := spikevk.Equations{Equations: "dv/dt = (I/pF - v/ms)*0.1 : volt\nI : amp", Method: "rk4"}
	net.Group("g", 2, model.Model()).Inject("I", spikevk.OU("1*pA", "1*pA", 5))
	err := net.Run(context.Background(), 1)
	net.Close()
	if err == nil || !strings.Contains(err.Error(), `group "g"`) || !strings.Contains(err.Error(), "rk4") {
		t.Errorf("OU current with rk4: error %v, want one that names the group and the method", err)
	}
}

// TestInjectErrors: an injected current that does not fit the model is an
// error that quotes the current, not a position in the model's file.
func TestInjectErrors(t *testing.T) {
	for _, tt := range []struct{ expr, want string }{
		{"5*mV", `group "g": the current injected (I ← "5*mV") does not fit model adex: I is declared in A but its expression is in V`},
		{"5*pA + nope", `the current injected (I ← "5*pA + nope") does not fit model adex: unknown name "nope"`},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		net.Group("g", 2, spikevk.Builtin("adex")).Inject("I", spikevk.Expression(tt.expr))
		err := net.Run(context.Background(), 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "library/") {
			t.Errorf("Inject %q: %v, want %q", tt.expr, err, tt.want)
		}
		net.Close()
	}
}

// TestInjectSubgroup: a current injected into a subgroup reaches its
// neurons only, on both backends alike.
func TestInjectSubgroup(t *testing.T) {
	vs := map[string][]float32{}
	for _, backend := range backends(t) {
		net := spikevk.New(spikevk.Config{Backend: backend})
		g := net.Group("g", 5, spikevk.Builtin("lif_coba_exp")).Set("v", "E_L")
		g.Slice(2, 4).Inject("I", spikevk.DC("50*pA"))
		if err := net.Run(context.Background(), 20); err != nil {
			t.Fatal(err)
		}
		v, _ := g.Get("v")
		net.Close()
		if !(v[2] > v[0]+1 && v[3] == v[2] && v[0] == v[1] && v[1] == v[4]) {
			t.Errorf("%s: v = %v mV, want neurons 2 and 3 depolarized, the others at rest", backend, v)
		}
		vs[backend] = v
	}
	if len(vs) == 2 && !slices.Equal(vs["cpu"], vs["vulkan"]) {
		t.Errorf("backends differ: %v and %v", vs["cpu"], vs["vulkan"])
	}
}

// TestSetAndInject: a value set for a variable that currents are injected
// into adds to them, as Brian2 users write I = I_const + I_stim: I is 20 pA
// set plus 30 pA injected, for the neurons of the subgroup the set reaches.
func TestSetAndInject(t *testing.T) {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	g := net.Group("g", 4, spikevk.Builtin("lif_coba_exp"))
	g.Inject("I", spikevk.DC("30*pA"))
	g.Slice(0, 2).Set("I", "20*pA")
	m := net.StateMonitor(g, []string{"I"}, 1)
	if err := net.Run(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	_, v, err := m.Values("I")
	if err != nil {
		t.Fatal(err)
	}
	if last := v[len(v)-1]; !slices.Equal(last, []float32{50, 50, 30, 30}) {
		t.Errorf("I = %v pA, want 20 set + 30 injected on neurons 0 and 1, and 30 on the others", last)
	}
}
