package spikevk_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikevk/spikevk"
)

// gapJunction is an electrical synapse of conductance w: it adds
// w·(v_pre − v_post) to the input current I of the postsynaptic cell,
// summed over its junctions every step. A junction conducts both ways:
// connect each pair in both directions, as in Brian2.
const gapJunction = "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)"

// oliveDT is the time step of the inferior-olive tests: manor_io is
// integrated with Euler, and its frequencies need dt ≤ 0.025 ms.
const oliveDT = 0.025

// oliveCycle runs one uncoupled manor_io cell for 1 s and returns v (mV)
// and h every ms over the last 200 ms: more than one period of its cycle.
func oliveCycle(t *testing.T) (v, h []float64) {
	t.Helper()
	net := spikevk.New(spikevk.Config{DT: oliveDT, Backend: "cpu"})
	defer net.Close()
	m := net.StateMonitor(net.Group("io", 1, spikevk.Builtin("manor_io")), []string{"v", "h"}, 1)
	if err := net.Run(context.Background(), spikevk.Second); err != nil {
		t.Fatal(err)
	}
	_, vs, err := m.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	_, hs, err := m.Values("h")
	if err != nil {
		t.Fatal(err)
	}
	for s := len(vs) - 200; s < len(vs); s++ {
		v, h = append(v, float64(vs[s][0])), append(h, float64(hs[s][0]))
	}
	return v, h
}

// oliveNetwork is n identical inferior-olive cells (manor_io, ModelDB
// 144502 defaults: about 6 Hz subthreshold oscillations, models.md §4.2)
// started at random points of their cycle (v and h of cycle, from
// oliveCycle), coupled by gap junctions of conductance gc on a sparse
// symmetric random graph, connected: cells i and i+1, and any other pair
// with probability 2/(n−1), each pair in both directions (3 partners a
// cell on average). It records v of every cell every ms.
func oliveNetwork(backend string, n int, gc string, cycleV, cycleH []float64) (*spikevk.Network, *spikevk.StateMonitor) {
	net := spikevk.New(spikevk.Config{DT: oliveDT, Seed: 1997, Backend: backend})
	r := rand.New(rand.NewPCG(1997, 2012))
	v, h := make([]float64, n), make([]float64, n)
	for i := range n {
		s := r.IntN(len(cycleV))
		v[i], h[i] = cycleV[s], cycleH[s]
	}
	io := net.Group("io", n, spikevk.Builtin("manor_io")).SetArray("v", v, "mV").SetArray("h", h, "1")
	var pre, post []int
	for i := range n {
		for j := i + 1; j < n; j++ {
			if j == i+1 || r.Float64() < 2/float64(n-1) {
				pre, post = append(pre, i, j), append(post, j, i)
			}
		}
	}
	net.Connect("gap", io, io, spikevk.Synapses{Model: gapJunction}, spikevk.Pairs(pre, post)).Set("w", gc)
	return net, net.StateMonitor(io, []string{"v"}, 1)
}

// synchrony is the synchrony measure of Golomb & Rinzel (1993) over the
// samples from first on: the variance in time of the population mean of
// v over the mean of the cells' variances in time; 1 for cells in
// synchrony, about 1/N for independent phases.
func synchrony(v [][]float32, first int) float64 {
	v = v[first:]
	n := len(v[0])
	mean := make([]float64, len(v))
	cellSum, cellSq := make([]float64, n), make([]float64, n)
	for s, row := range v {
		for i, x := range row {
			mean[s] += float64(x) / float64(n)
			cellSum[i] += float64(x)
			cellSq[i] += float64(x) * float64(x)
		}
	}
	variance := func(sum, sq float64) float64 {
		m := sum / float64(len(v))
		return sq/float64(len(v)) - m*m
	}
	var popSum, popSq, cells float64
	for s := range v {
		popSum += mean[s]
		popSq += mean[s] * mean[s]
	}
	for i := range n {
		cells += variance(cellSum[i], cellSq[i]) / float64(n)
	}
	return variance(popSum, popSq) / cells
}

// runOlive runs an inferior-olive network for duration ms and returns v of
// every cell every ms.
func runOlive(t *testing.T, backend string, n int, gc string, duration float64) [][]float32 {
	t.Helper()
	cycleV, cycleH := oliveCycle(t)
	net, m := oliveNetwork(backend, n, gc, cycleV, cycleH)
	defer net.Close()
	if err := net.Run(context.Background(), duration); err != nil {
		t.Fatal(err)
	}
	_, v, err := m.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOliveExact runs 100 gap-coupled inferior-olive cells for 1 s on both
// backends: v of every cell must be identical bit for bit every ms.
func TestOliveExact(t *testing.T) {
	vulkanOrSkip(t)
	cpu := runOlive(t, "cpu", 100, "0.5*nS", spikevk.Second)
	gpu := runOlive(t, "vulkan", 100, "0.5*nS", spikevk.Second)
	if len(cpu) != len(gpu) {
		t.Fatalf("%d samples on the CPU, %d on Vulkan", len(cpu), len(gpu))
	}
	for s := range cpu {
		for i := range cpu[s] {
			if math.Float32bits(cpu[s][i]) != math.Float32bits(gpu[s][i]) {
				t.Fatalf("v of cell %d at %d ms: cpu %v, vulkan %v", i, s, cpu[s][i], gpu[s][i])
			}
		}
	}
}

// TestOliveSynchrony: identical oscillators started at random phases
// synchronise through gap junctions and stay apart without them. The
// synchrony measure over the last half second is near 1 with coupling
// and near 1/N at g_c = 0.
func TestOliveSynchrony(t *testing.T) {
	const n = 100
	for _, tc := range []struct {
		gc       string
		min, max float64
	}{{"0*nS", 0, 0.1}, {"0.5*nS", 0.95, 1}} {
		v := runOlive(t, "cpu", n, tc.gc, spikevk.Second)
		chi := synchrony(v, len(v)/2)
		t.Logf("g_c = %s: synchrony %.3f", tc.gc, chi)
		if !(chi >= tc.min && chi <= tc.max) {
			t.Errorf("g_c = %s: synchrony %.3f, want %g to %g", tc.gc, chi, tc.min, tc.max)
		}
	}
}
