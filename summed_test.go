package spikevk_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// twoSums builds cells whose input current I is summed by two projections:
// a drive term w·x_pre from every drive unit and a gap-junction term
// g·(v_pre − v_post) from coupled cells. It returns the cells and drive.
func twoSums(net *spikevk.Network) (cells, drive *spikevk.Group) {
	drive = net.Group("drive", 2, spikevk.Equations{Equations: "dx/dt = (x0 - x)/(5*ms) : 1\nx0 : 1"}.Model()).Set("x0", "i + 1")
	cells = net.Group("cells", 3, spikevk.Equations{
		Equations: "dv/dt = (-70*mV - v)/(10*ms) + I/(100*pF) : volt\nI : amp",
		Threshold: "v > -55*mV", Reset: "v = -70*mV"}.Model()).Set("v", "-70*mV + i*3*mV")
	net.Connect("drive_cells", drive, cells, spikevk.Synapses{Model: "w : amp\nI_post = w*x_pre : amp (summed)"},
		spikevk.AllToAll()).Set("w", "(80 + 10*i + j)*pA")
	net.Connect("gap", cells, cells, spikevk.Synapses{Model: "g : siemens\nI_post = g*(v_pre - v_post) : amp (summed)"},
		spikevk.Pairs([]int{0, 1, 1}, []int{1, 0, 2})).Set("g", "2*nS")
	return cells, drive
}

// TestTwoSummedProjections checks that the sums of two projections into
// one variable add up in projection order (host.Plan), on both backends
// alike: I of every cell after a step is the drive sum plus the gap sum of
// the values the step started from.
func TestTwoSummedProjections(t *testing.T) {
	sameOnBothBackends(t, func(net *spikevk.Network) []*spikevk.Group {
		cells, _ := twoSums(net)
		return []*spikevk.Group{cells}
	}, 100, nil)

	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	cells, drive := twoSums(net)
	ctx := context.Background()
	if err := net.Run(ctx, 20); err != nil {
		t.Fatal(err)
	}
	v, _ := cells.Get("v")
	x, _ := drive.Get("x")
	if err := net.Run(ctx, net.DT()); err != nil {
		t.Fatal(err)
	}
	got, err := cells.Get("I")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		want := 0.0
		for j := range 2 {
			want += float64(80+10*j+i) * float64(x[j])
		}
		for _, pair := range [][2]int{{0, 1}, {1, 0}, {1, 2}} {
			if pair[1] == i {
				want += 2 * float64(v[pair[0]]-v[i])
			}
		}
		if math.Abs(float64(got[i])-want) > 1e-5*math.Abs(want) {
			t.Errorf("I of cell %d = %g pA, want drive + gap = %g pA", i, got[i], want)
		}
	}
}

// TestSummedPresynapticSubexpression: a summed variable may read a
// subexpression of the presynaptic neurons (r_pre of a rate unit), as in
// Brian2; both backends alike.
func TestSummedPresynapticSubexpression(t *testing.T) {
	got := map[string][]float32{}
	for _, backend := range backends(t) {
		net := spikevk.New(spikevk.Config{Backend: backend})
		src := net.Group("src", 3, spikevk.Builtin("rate_sigmoid")).Set("I", "0.2*i").Set("x", "0.2*i")
		dst := net.Group("dst", 2, spikevk.Builtin("rate_sigmoid"))
		net.Connect("rates", src, dst, spikevk.Synapses{Model: "w : 1\nI_post = w*r_pre*second : 1 (summed)"}, spikevk.AllToAll()).Set("w", "0.001*(i + 1)")
		if err := net.Run(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		x, _ := src.Get("x")
		i, _ := dst.Get("I")
		net.Close()
		// I of dst after the step is the sum over src of w·r(x) at the step's start; x
		// is at its fixed point I, so it does not change.
		want := 0.0
		for k := range 3 {
			r := 100 / (1 + math.Exp(-4*(float64(x[k])-0.5)))
			want += 0.001 * float64(k+1) * r
		}
		for j := range 2 {
			if math.Abs(float64(i[j])-want) > 1e-5*want {
				t.Errorf("%s: I of dst %d = %g, want Σ w·r_pre = %g", backend, j, i[j], want)
			}
		}
		got[backend] = i
	}
	if len(got) == 2 && !slices.Equal(got["cpu"], got["vulkan"]) {
		t.Errorf("backends differ: %v and %v", got["cpu"], got["vulkan"])
	}
}
