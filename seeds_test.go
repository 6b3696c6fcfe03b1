package spikevk_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// backendRun builds a network for a backend, runs it and returns the
// spikes and final v of the groups it names, and what extra (if not nil)
// reads at the end.
func backendRun(t *testing.T, backend string, build func(net *spikevk.Network) []*spikevk.Group, ms float64, extra func() []float32) ([][]int32, [][]float64, [][]float32, []float32) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Seed: 11922, Backend: backend})
	defer net.Close()
	groups := build(net)
	var mons []*spikevk.SpikeMonitor
	for _, g := range groups {
		mons = append(mons, net.SpikeMonitor(g))
	}
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	var is [][]int32
	var ts [][]float64
	var vs [][]float32
	for k, m := range mons {
		i, tt := m.Spikes()
		v, err := groups[k].Get("v")
		if err != nil {
			v = nil // a Poisson group has no v: its spikes are compared
		}
		is, ts, vs = append(is, i), append(ts, tt), append(vs, v)
	}
	var x []float32
	if extra != nil {
		x = extra()
	}
	return is, ts, vs, x
}

// sameOnBothBackends runs build on the CPU reference and on Vulkan and
// requires identical rasters, final v and extra values, and spikes in
// every group.
func sameOnBothBackends(t *testing.T, build func(net *spikevk.Network) []*spikevk.Group, ms float64, extra func() []float32) {
	t.Helper()
	vulkanOrSkip(t)
	ci, ct, cv, cx := backendRun(t, "cpu", build, ms, extra)
	gi, gt, gv, gx := backendRun(t, "vulkan", build, ms, extra)
	if !slices.Equal(cx, gx) {
		t.Error("the extra values differ between the CPU and Vulkan")
	}
	for k := range ci {
		t.Logf("group %d: %d spikes", k, len(ci[k]))
		if len(ci[k]) == 0 {
			t.Errorf("group %d never spiked", k)
		}
		if !slices.Equal(ci[k], gi[k]) || !slices.Equal(ct[k], gt[k]) || !slices.Equal(cv[k], gv[k]) {
			t.Errorf("group %d differs between the CPU (%d spikes) and Vulkan (%d spikes)", k, len(ci[k]), len(gi[k]))
		}
	}
}

// TestSeed001Exact is the network of seed 001 (a Brian2 forum thread),
// written as its author meant it (leak with the right sign): five
// conductance LIF neurons with alpha synapses driven by a sinusoidal
// current, projecting through alpha synapses onto five more. CPU ≡ Vulkan
// for 1 s.
func TestSeed001Exact(t *testing.T) {
	sameOnBothBackends(t, func(net *spikevk.Network) []*spikevk.Group {
		cell := func(name, vth string) *spikevk.Group {
			g := net.Group(name, 5, spikevk.Builtin("lif_coba_alpha"))
			g.Set("C_m", "198*pF").Set("g_L", "198*pF/(20*ms)").Set("E_L", "-70*mV").Set("V_th", vth).Set("V_reset", "-70*mV")
			g.Set("tau_e", "5*ms").Set("tau_i", "10*ms")
			g.Set("v", "E_L + rand()*(V_th - E_L)").Set("g_e", "rand()*0.05*nS")
			return g
		}
		n1, n2 := cell("n1", "-55*mV"), cell("n2", "-53*mV")
		n1.Inject("I", spikevk.Sinusoid("250*pA", 5, "i*0.5", "200*pA"))
		net.Connect("n1_n2", n1, n2, spikevk.Synapses{Model: "w : siemens", OnPre: "x_e_post += w"}, spikevk.AllToAll()).
			Set("w", "8*nS").SetDelay("1*ms")
		return []*spikevk.Group{n1, n2}
	}, 1000, nil)
}

// TestAdExWhiteNoiseExact drives AdEx neurons with a white-noise current:
// CPU ≡ Vulkan for 1 s, random draws included.
func TestAdExWhiteNoiseExact(t *testing.T) {
	sameOnBothBackends(t, func(net *spikevk.Network) []*spikevk.Group {
		g := net.Group("adex", 50, spikevk.Builtin("adex"))
		g.Inject("I", spikevk.WhiteNoise("800*pA", "400*pA"))
		return []*spikevk.Group{g}
	}, 1000, nil)
}

// TestSeed002Exact is the layered network of seed 002 (a Brian2 forum
// thread on a prefrontal cortex model), built as the thread's answer
// suggests: two 5×5 Poisson images (subgroups of one input group) drive a
// memory layer with recurrent excitation through STDP synapses, and an
// output layer of two neurons with lateral inhibition, fed by the input and
// the memory. CPU ≡ Vulkan for 500 ms, weights included.
func TestSeed002Exact(t *testing.T) {
	var plastic *spikevk.Projection
	build := func(net *spikevk.Network) []*spikevk.Group {
		in := net.PoissonGroup("input", 50, "5*Hz")
		in.Slice(0, 25).Set("rates", "5*Hz + 45*Hz*(i % 2)")             // image A: every other pixel on
		in.Slice(25, 50).Set("rates", "5*Hz + 45*Hz*clip(10 - i, 0, 1)") // image B: the top two rows on
		mem := net.Group("memory", 25, spikevk.Builtin("lif_coba_exp"))
		out := net.Group("output", 2, spikevk.Builtin("lif_coba_exp"))
		for _, g := range []*spikevk.Group{mem, out} {
			g.Set("v", "E_L + rand()*(V_th - E_L)")
		}
		exc := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
		plastic = net.Connect("input_memory", in, mem, spikevk.STDPSynapses("g_e", "20*nS"), spikevk.AllToAll()).Set("w", "rand()")
		net.Connect("input_output", in, out, exc, spikevk.AllToAll()).Set("w", "0.5*nS + rand()*nS")
		net.Connect("memory_memory", mem, mem, exc, spikevk.FixedProbability(0.3)).Set("w", "3*nS").SetDelay("1*ms")
		net.Connect("memory_output", mem, out, exc, spikevk.AllToAll()).Set("w", "2*nS")
		net.Connect("output_output", out, out, spikevk.Synapses{Model: "w : siemens", OnPre: "g_i_post += w"}, spikevk.AllToAll()).Set("w", "40*nS")
		return []*spikevk.Group{in, mem, out}
	}
	sameOnBothBackends(t, build, 500, func() []float32 {
		w, err := plastic.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		return w
	})
}
