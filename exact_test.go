package spikevk_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/internal/gputest"
)

// vulkanOrSkip returns the Vulkan backend's name, skipping the test when no
// device answers (failing instead where SPIKEVK_REQUIRE_GPU=1, as in CI).
func vulkanOrSkip(t *testing.T) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Backend: "vulkan"})
	net.Group("probe", 1, spikevk.Builtin("lif_coba_exp"))
	err := net.Run(context.Background(), 0)
	net.Close()
	if err == nil {
		return
	}
	if os.Getenv(gputest.EnvRequire) == "1" {
		t.Fatalf("no Vulkan device and %s=1: %v", gputest.EnvRequire, err)
	}
	t.Skipf("no Vulkan device: %v", err)
}

// TestCOBAExact runs the COBA benchmark network (4,000 neurons, p = 0.02)
// for 1 s of biological time on the CPU reference and on the Vulkan device:
// the spike rasters and the final state must be identical bit for bit.
func TestCOBAExact(t *testing.T) {
	vulkanOrSkip(t)
	type result struct {
		i    []int32
		t    []float64
		v    []float32
		name string
	}
	run := func(backend string) result {
		net := spikevk.COBA(spikevk.Config{Seed: 2007, Backend: backend}, 4000, 0.02)
		defer net.Close()
		all := net.GroupByName("neurons")
		m := net.SpikeMonitor(all)
		if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
			t.Fatal(err)
		}
		v, err := all.Get("v")
		if err != nil {
			t.Fatal(err)
		}
		i, tt := m.Spikes()
		return result{i, tt, v, net.Summary().Device}
	}
	cpu, gpu := run("cpu"), run("vulkan")
	t.Logf("%d spikes on %s and %d on %s", len(cpu.i), cpu.name, len(gpu.i), gpu.name)
	if len(cpu.i) < 10000 {
		t.Fatalf("only %d spikes: the network is not active", len(cpu.i))
	}
	if !slices.Equal(cpu.i, gpu.i) || !slices.Equal(cpu.t, gpu.t) {
		for k := range min(len(cpu.i), len(gpu.i)) {
			if cpu.i[k] != gpu.i[k] || cpu.t[k] != gpu.t[k] {
				t.Fatalf("rasters differ from spike %d: cpu %d at %v ms, vulkan %d at %v ms", k, cpu.i[k], cpu.t[k], gpu.i[k], gpu.t[k])
			}
		}
		t.Fatalf("rasters differ in length: cpu %d, vulkan %d", len(cpu.i), len(gpu.i))
	}
	for k := range cpu.v {
		if cpu.v[k] != gpu.v[k] {
			t.Fatalf("v[%d]: cpu %v, vulkan %v", k, cpu.v[k], gpu.v[k])
		}
	}
}

// mixedNetwork has several models, a Poisson input, subgroups, every
// connectivity rule, random weights and delays, on_pre code that changes
// its synapses and several targets per neuron.
func mixedNetwork(backend string) (*spikevk.Network, []*spikevk.SpikeMonitor, []*spikevk.Group, *spikevk.Projection) {
	net := spikevk.New(spikevk.Config{Seed: 77, Backend: backend})
	in := net.PoissonGroup("input", 300, "15*Hz")
	in.Slice(0, 50).Set("rates", "40*Hz + i*Hz")
	hh := net.Group("hh", 150, spikevk.Builtin("hh_traub"))
	hh.Set("v", "E_l + 10*mV*randn()")
	alpha := net.Group("alpha", 200, spikevk.Builtin("lif_coba_alpha"))
	alpha.Set("v", "E_L + rand()*(V_th - E_L)").Set("I", "250*pA + 250*pA*rand()")
	gif := net.Group("gif", 120, spikevk.Builtin("gif_cond_exp"))
	adex := net.Group("adex", 80, spikevk.Builtin("adex"))
	adex.Set("I", "600*pA + 400*pA*rand()")
	izh := net.Group("izh", 64, spikevk.Builtin("izhikevich"))
	izh.Set("I", "5*mV + 10*mV*rand()")

	exc := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
	net.Connect("in_hh", in, hh, exc, spikevk.FixedInDegree(20)).Set("w", "clip(3*nS + 1*nS*randn(), 0*nS, 10*nS)").SetDelay("rand()*3*ms")
	net.Connect("in_alpha", in.Slice(100, 300), alpha, spikevk.Synapses{Model: "w : siemens", OnPre: "x_e_post += w"},
		spikevk.FixedProbability(0.1)).Set("w", "exp(log(2) + 0.5*randn())*nS").SetDelay("1*ms")
	inh := spikevk.Synapses{Model: "w : siemens", OnPre: "x_i_post += w"}
	net.Connect("alpha_alpha", alpha.Slice(150, 200), alpha, inh, spikevk.FixedOutDegree(30)).Set("w", "5*nS").SetDelay("0.5*ms")
	net.Connect("hh_gif", hh, gif, spikevk.Synapses{Model: "w : siemens", OnPre: "g_ex_post += w"}, spikevk.AllToAll()).Set("w", "0.2*nS")
	plastic := net.Connect("alpha_gif", alpha, gif.Slice(10, 120), spikevk.Synapses{
		Model: "w : siemens\nn : 1", OnPre: "g_in_post += w\nw = clip(w*1.05, 0*nS, 4*nS)\nn += 1"},
		spikevk.FixedTotal(2000)).Set("w", "rand()*2*nS").SetDelay("2*ms + rand()*ms")
	net.Connect("in_adex", in, adex, spikevk.Synapses{Model: "w : amp", OnPre: "v_post += w/(200*pF)*ms"},
		spikevk.Pairs([]int{0, 1, 2, 3, 4, 5, 0, 7}, []int{0, 1, 2, 3, 4, 5, 6, 79})).Set("w", "20*pA")
	net.Connect("in_izh", in.Slice(0, 64), izh, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"},
		spikevk.OneToOne()).Set("w", "3*mV + i*0.1*mV")
	groups := []*spikevk.Group{in, hh, alpha, gif, adex, izh}
	var mons []*spikevk.SpikeMonitor
	for _, g := range groups {
		mons = append(mons, net.SpikeMonitor(g))
	}
	return net, mons, groups, plastic
}

// TestMixedNetworkExact runs mixedNetwork for 300 ms on both backends:
// rasters, neuron states and the changed synapse variables must be
// identical bit for bit.
func TestMixedNetworkExact(t *testing.T) {
	vulkanOrSkip(t)
	type result struct {
		spikes [][]int32
		times  [][]float64
		v      [][]float32
		w      []float32
	}
	run := func(backend string) result {
		net, mons, groups, plastic := mixedNetwork(backend)
		defer net.Close()
		for _, d := range []float64{100, 0.1, 199.9} {
			if err := net.Run(context.Background(), d); err != nil {
				t.Fatal(err)
			}
		}
		var r result
		for k, m := range mons {
			i, tt := m.Spikes()
			r.spikes, r.times = append(r.spikes, i), append(r.times, tt)
			if k == 0 {
				continue
			}
			v, err := groups[k].Get("v")
			if err != nil {
				t.Fatal(err)
			}
			r.v = append(r.v, v)
		}
		w, err := plastic.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		r.w = w
		return r
	}
	cpu, gpu := run("cpu"), run("vulkan")
	for k := range cpu.spikes {
		t.Logf("group %d: %d spikes", k, len(cpu.spikes[k]))
		if len(cpu.spikes[k]) == 0 {
			t.Errorf("group %d never spiked: the test would not see its differences", k)
		}
		if !slices.Equal(cpu.spikes[k], gpu.spikes[k]) || !slices.Equal(cpu.times[k], gpu.times[k]) {
			t.Errorf("group %d: rasters differ (cpu %d spikes, vulkan %d)", k, len(cpu.spikes[k]), len(gpu.spikes[k]))
		}
	}
	for k := range cpu.v {
		if !slices.Equal(cpu.v[k], gpu.v[k]) {
			t.Errorf("group %d: v differs", k+1)
		}
	}
	if !slices.Equal(cpu.w, gpu.w) {
		t.Error("the plastic weights differ")
	}
}
