package spikevk_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// generatorRun runs a spike generator of 4 neurons, unsorted spike times
// off the step grid included, driving a LIF through a synapse with a
// delay of 1 ms, and returns the spikes of both.
func generatorRun(t *testing.T, backend string) (gi []int32, gt []float64, li []int32, lt []float64) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: backend})
	defer net.Close()
	gen := net.SpikeGenerator("gen", 4, []int{3, 0, 1, 0, 3, 2}, []float64{0.5, 2.02, 0, 0.3, 0.1, 4.96})
	lif := net.Group("lif", 4, spikevk.Equations{Equations: "dv/dt = -v/(10*ms) : volt", Threshold: "v > 10*mV", Reset: "v = 0*mV"}.Model())
	net.Connect("gen_lif", gen, lif, spikevk.Synapses{OnPre: "v_post += 20*mV"}, spikevk.OneToOne()).SetDelay("1*ms")
	gm, lm := net.SpikeMonitor(gen), net.SpikeMonitor(lif)
	if err := net.Run(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	gi, gt = gm.Spikes()
	li, lt = lm.Spikes()
	return gi, gt, li, lt
}

// TestSpikeGenerator: a generator spikes at its times rounded to the
// step, a LIF it drives through a delay of d spikes in step s+1+d
// (host.Plan), identically on the CPU and on Vulkan.
func TestSpikeGenerator(t *testing.T) {
	wantI := []int32{1, 3, 0, 3, 0, 2}
	wantT := []float64{0, 0.1, 0.3, 0.5, 2, 5}
	var runs [][]float64
	for _, backend := range []string{"cpu", "vulkan"} {
		if backend == "vulkan" {
			vulkanOrSkip(t)
		}
		gi, gt, li, lt := generatorRun(t, backend)
		if !slices.Equal(gi, wantI) || !near(gt, wantT) {
			t.Errorf("%s: generator spikes %v at %v ms, want %v at %v ms", backend, gi, gt, wantI, wantT)
		}
		var lifT []float64
		for _, x := range wantT {
			lifT = append(lifT, x+1.1)
		}
		if !slices.Equal(li, wantI) || !near(lt, lifT) {
			t.Errorf("%s: LIF spikes %v at %v ms, want %v at %v ms", backend, li, lt, wantI, lifT)
		}
		runs = append(runs, append(gt, lt...))
	}
	if len(runs) == 2 && !slices.Equal(runs[0], runs[1]) {
		t.Error("the CPU and Vulkan differ")
	}
}

// near reports whether times a and b fall in the same steps of 0.1 ms
// (a monitor reports float32 times).
func near(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Round(x/0.1) == math.Round(y/0.1) })
}

// TestSpikeGeneratorErrors: bad entries are errors that name the group and
// the entry.
func TestSpikeGeneratorErrors(t *testing.T) {
	for _, c := range []struct {
		indices []int
		times   []float64
		want    string
	}{
		{[]int{0, 4}, []float64{1, 2}, `spike generator "g": entry 1: index 4 outside its 4 neurons`},
		{[]int{0, 1}, []float64{1, -2}, `spike generator "g": entry 1: time -2 ms is not a time from 0 on`},
		{[]int{0}, []float64{math.NaN()}, `entry 0: time NaN ms`},
		{[]int{2, 1, 2}, []float64{1, 1, 1.04}, `spike generator "g": entry 2: neuron 2 spikes twice in step 10: at 1.04 ms here and at 1 ms on entry 0 (time step 0.1 ms)`},
		{[]int{0}, []float64{1, 2}, `spike generator "g": 1 indices for 2 times`},
	} {
		net := spikevk.New(spikevk.Config{})
		net.SpikeGenerator("g", 4, c.indices, c.times)
		err := net.Run(context.Background(), 1)
		net.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v at %v: error %v, want %q", c.indices, c.times, err, c.want)
		}
	}
}
