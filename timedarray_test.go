package spikevk_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// probe is a model whose y takes the value of the subexpression or
// parameter I at every step (a spike each step resets y to I), so that a
// StateMonitor of y at step s+1 shows I of step s.
func probe(current string) spikevk.Model {
	return spikevk.Equations{Equations: current + "\ndy/dt = 0*amp/ms : amp", Threshold: "t >= 0*ms", Reset: "y = I"}.Model()
}

// sample runs net for ms and returns the samples of variable that m
// took. For y of a probe, row k is I of step k-1 (rows from 1).
func sample(t *testing.T, net *spikevk.Network, m *spikevk.StateMonitor, ms float64, variable string) [][]float32 {
	t.Helper()
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	_, y, err := m.Values(variable)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// timedNetwork drives a probe of 3 neurons with a shared series f (dt
// 0.3 ms, 3 steps per value) and a per-neuron series g (dt 0.1 ms).
func timedNetwork(backend string) (*spikevk.Network, *spikevk.StateMonitor) {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: backend})
	net.TimedArray("f", []float64{1, 2.5, -4}, "pA", 0.3)
	net.TimedArray2D("g", [][]float64{{10, 20, 30}, {11, 21, 31}}, "pA", 0.1)
	p := net.Group("p", 3, probe("I = f(t) + g(t, i) : amp"))
	return net, net.StateMonitor(p, []string{"y"}, 0.1, 0, 1, 2)
}

// TestTimedArray: value k of a series holds from k·dt on, the last one
// after the end, per neuron for a 2-D series, identically on both
// backends.
func TestTimedArray(t *testing.T) {
	f := []float32{1, 2.5, -4}
	g := [][]float32{{10, 20, 30}, {11, 21, 31}}
	var results [][][]float32
	for _, backend := range []string{"cpu", "vulkan"} {
		if backend == "vulkan" {
			vulkanOrSkip(t)
		}
		net, m := timedNetwork(backend)
		y := sample(t, net, m, 2, "y")
		net.Close()
		for k := 1; k < len(y); k++ {
			s := k - 1
			for i := range 3 {
				want := f[min(s/3, 2)] + g[min(s, 1)][i]
				if y[k][i] != want {
					t.Errorf("%s: step %d neuron %d: %v, want %v", backend, s, i, y[k][i], want)
				}
			}
		}
		results = append(results, y)
	}
	if len(results) == 2 && !slices.EqualFunc(results[0], results[1], slices.Equal) {
		t.Error("cpu and vulkan differ")
	}
}

// TestTimedArrayPoisson: a Poisson group with rates f(t), 10 Hz for 10 s
// then 50 Hz for 10 s, fires at each rate in its half.
func TestTimedArrayPoisson(t *testing.T) {
	const n, half = 100, 10 * spikevk.Second
	net := spikevk.New(spikevk.Config{Seed: 5, Backend: "cpu"})
	net.TimedArray("f", []float64{10, 50}, "Hz", half)
	p := net.PoissonGroup("p", n, "f(t)")
	sm := net.SpikeMonitor(p)
	if err := net.Run(context.Background(), 2*half); err != nil {
		t.Fatal(err)
	}
	_, times := sm.Spikes()
	var counts [2]float64
	for _, tm := range times {
		counts[min(int(tm/half), 1)]++
	}
	for k, rate := range []float64{10, 50} {
		want := rate * n * half / spikevk.Second
		if math.Abs(counts[k]-want) > 4*math.Sqrt(want) {
			t.Errorf("half %d: %v spikes, want %v ± %v", k, counts[k], want, 4*math.Sqrt(want))
		}
	}
}

// TestTimedArrayErrors: a series dt that is not a multiple of the time
// step, a call of an undeclared series and a 2-D series of the wrong width
// are errors that say so.
func TestTimedArrayErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(net *spikevk.Network)
		want  []string
	}{
		{"dt", func(net *spikevk.Network) {
			net.TimedArray("f", []float64{1}, "pA", 0.25)
			net.Group("p", 1, probe("I = f(t) : amp"))
		}, []string{`"f"`, "0.25 ms", "multiple"}},
		{"unknown", func(net *spikevk.Network) {
			net.TimedArray("f", []float64{1}, "pA", 0.1)
			net.Group("p", 1, probe("I = h(t) : amp"))
		}, []string{`group "p"`, "h()"}},
		{"width", func(net *spikevk.Network) {
			net.TimedArray2D("g", [][]float64{{1, 2}}, "pA", 0.1)
			net.Group("p", 3, probe("I = g(t, i) : amp"))
		}, []string{`group "p"`, "g(t, i)", "2 neurons"}},
		{"unit", func(net *spikevk.Network) {
			net.TimedArray("f", []float64{1}, "mV", 0.1)
			net.Group("p", 1, probe("I = f(t) : amp"))
		}, []string{`group "p"`}},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		c.build(net)
		err := net.Run(context.Background(), 1)
		net.Close()
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one that mentions %s", c.name, err, w)
			}
		}
	}
}
