package spikevk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestProcedural runs the COBA network with its rows stored and with them
// drawn again on every spike (Config.Procedural), on the CPU backend and
// on the Vulkan device: the synapses, their weights, the spikes and the
// final state are the same bit for bit in all four runs, and the
// procedural runs hold no memory per synapse (4 bytes per neuron: the
// length of its row). A projection whose weights
// differ from synapse to synapse stays stored.
func TestProcedural(t *testing.T) {
	vulkanOrSkip(t)
	type result struct {
		i          []int32
		t          []float64
		v, w       []float32
		pre, post  []int
		bytes, syn int
	}
	run := func(backend string, procedural bool) result {
		net := spikevk.COBA(spikevk.Config{Seed: 5, Backend: backend, Procedural: procedural}, 2000, 0.04)
		defer net.Close()
		all := net.GroupByName("neurons")
		m := net.SpikeMonitor(all)
		if err := net.Run(context.Background(), 300*spikevk.Ms); err != nil {
			t.Fatal(err)
		}
		var r result
		r.i, r.t = m.Spikes()
		var err error
		if r.v, err = all.Get("v"); err != nil {
			t.Fatal(err)
		}
		exc := net.ProjectionByName("exc")
		if r.pre, r.post, err = exc.Synapses(); err != nil {
			t.Fatal(err)
		}
		if r.w, err = exc.Get("w"); err != nil {
			t.Fatal(err)
		}
		s := net.Summary()
		r.bytes, r.syn = int(s.SynapseBytes), s.Synapses
		return r
	}
	stored := run("cpu", false)
	if len(stored.i) < 1000 || stored.syn < 100000 {
		t.Fatalf("%d spikes, %d synapses: the network is not what the test needs", len(stored.i), stored.syn)
	}
	for _, tc := range []struct {
		backend    string
		procedural bool
	}{{"cpu", true}, {"vulkan", false}, {"vulkan", true}} {
		got := run(tc.backend, tc.procedural)
		name := tc.backend
		if tc.procedural {
			name += ", procedural"
		}
		if !slices.Equal(got.i, stored.i) || !slices.Equal(got.t, stored.t) {
			t.Errorf("%s: %d spikes differ from the stored CPU run's %d", name, len(got.i), len(stored.i))
		}
		if !slices.Equal(got.v, stored.v) || !slices.Equal(got.w, stored.w) {
			t.Errorf("%s: final v or the weights differ", name)
		}
		if !slices.Equal(got.pre, stored.pre) || !slices.Equal(got.post, stored.post) || got.syn != stored.syn {
			t.Errorf("%s: %d synapses differ from the stored %d", name, got.syn, stored.syn)
		}
		if tc.procedural && got.bytes > 2*4*(2000+1) { // the row lengths of two projections
			t.Errorf("%s: %d bytes of synapses for %d synapses (stored: %d)", name, got.bytes, got.syn, stored.bytes)
		}
	}
}

// TestProceduralFallsBack: with Config.Procedural, a projection whose
// weights are drawn per synapse, or whose rule is not fixed_probability,
// is stored, and runs as without it.
func TestProceduralFallsBack(t *testing.T) {
	run := func(procedural bool) ([]int32, int) {
		net := spikevk.New(spikevk.Config{Seed: 3, Backend: "cpu", Procedural: procedural})
		defer net.Close()
		g := net.Group("g", 500, spikevk.Builtin("lif_coba_exp"))
		g.Set("v", "-60*mV + 10*mV*rand()")
		g.Set("I", "150*pA")
		syn := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
		net.Connect("random_w", g, g, syn, spikevk.FixedProbability(0.05)).Set("w", "rand()*2*nS")
		net.Connect("fixed_k", g, g, syn, spikevk.FixedInDegree(10)).Set("w", "1*nS")
		m := net.SpikeMonitor(g)
		if err := net.Run(context.Background(), 100*spikevk.Ms); err != nil {
			t.Fatal(err)
		}
		i, _ := m.Spikes()
		return i, int(net.Summary().SynapseBytes)
	}
	stored, bytes := run(false)
	got, gotBytes := run(true)
	if len(stored) == 0 || !slices.Equal(got, stored) || gotBytes != bytes {
		t.Errorf("procedural: %d spikes and %d bytes of synapses, stored: %d and %d", len(got), gotBytes, len(stored), bytes)
	}
}

// TestProceduralDelay: a procedural projection with one delay for all
// synapses (and autapses kept, within one group) gives the stored form's
// spikes on the CPU backend and on the Vulkan device.
func TestProceduralDelay(t *testing.T) {
	vulkanOrSkip(t)
	run := func(backend string, procedural bool) ([]int32, int64) {
		net := spikevk.New(spikevk.Config{Seed: 8, Backend: backend, Procedural: procedural})
		defer net.Close()
		g := net.Group("g", 800, spikevk.Builtin("lif_coba_exp"))
		g.Set("v", "-60*mV + 12*mV*rand()")
		g.Set("I", "120*pA + 80*pA*rand()")
		rule := spikevk.FixedProbability(0.05)
		rule.Autapses = true
		net.Connect("c", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, rule).Set("w", "3*nS").SetDelay("1.5*ms")
		m := net.SpikeMonitor(g)
		if err := net.Run(context.Background(), 200*spikevk.Ms); err != nil {
			t.Fatal(err)
		}
		i, _ := m.Spikes()
		return i, net.Summary().SynapseBytes
	}
	stored, bytes := run("cpu", false)
	for _, backend := range []string{"cpu", "vulkan"} {
		got, gotBytes := run(backend, true)
		if len(stored) < 100 || !slices.Equal(got, stored) || gotBytes >= bytes/10 {
			t.Errorf("%s: %d spikes, %d bytes of synapses; stored: %d spikes, %d bytes", backend, len(got), gotBytes, len(stored), bytes)
		}
	}
}
