package spikevk_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/spikevk/spikevk"
)

// stdpNetwork is 200 Poisson inputs at 15 Hz onto 20 conductance LIF
// neurons through STDP synapses (all to all, uniform initial weights).
func stdpNetwork(backend string) (*spikevk.Network, *spikevk.SpikeMonitor, *spikevk.Projection) {
	net := spikevk.New(spikevk.Config{Seed: 2000, Backend: backend})
	in := net.PoissonGroup("input", 200, "15*Hz")
	out := net.Group("neurons", 20, spikevk.Builtin("lif_coba_exp"))
	out.Set("v", "E_L + rand()*(V_th - E_L)")
	syn := net.Connect("stdp", in, out, spikevk.STDPSynapses("g_e", "2*nS"), spikevk.AllToAll()).Set("w", "rand()")
	return net, net.SpikeMonitor(out), syn
}

// TestSTDPExact runs stdpNetwork for 2 s on both backends: the rasters and
// the weights must be identical bit for bit.
func TestSTDPExact(t *testing.T) {
	vulkanOrSkip(t)
	type result struct {
		i []int32
		t []float64
		w []float32
	}
	run := func(backend string) result {
		net, m, syn := stdpNetwork(backend)
		defer net.Close()
		if err := net.Run(context.Background(), 2*spikevk.Second); err != nil {
			t.Fatal(err)
		}
		w, err := syn.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		i, tt := m.Spikes()
		return result{i, tt, w}
	}
	cpu, gpu := run("cpu"), run("vulkan")
	t.Logf("%d output spikes", len(cpu.i))
	if len(cpu.i) < 100 {
		t.Fatalf("only %d output spikes: too few to test on_post", len(cpu.i))
	}
	if !slices.Equal(cpu.i, gpu.i) || !slices.Equal(cpu.t, gpu.t) {
		t.Fatalf("rasters differ: cpu %d spikes, vulkan %d", len(cpu.i), len(gpu.i))
	}
	for k := range cpu.w {
		if math.Float32bits(cpu.w[k]) != math.Float32bits(gpu.w[k]) {
			t.Fatalf("w[%d]: cpu %v, vulkan %v", k, cpu.w[k], gpu.w[k])
		}
	}
}

// TestSTDPBimodal is the result of Song, Miller & Abbott (2000, Fig. 1):
// additive STDP with slightly stronger depression drives the weights of
// 1,000 Poisson inputs (here 10 to 20 Hz) onto one neuron from a uniform
// distribution towards a bimodal one, weights gathering near 0 and near
// w_max. The neuron and the parameters are those of Brian2's example of
// the paper: τ_m = 10 ms, E_L = -74 mV, V_th = -54 mV, V_reset = -60 mV,
// τ_e = 5 ms, w_max = 0.01·g_L. 100 s at dt = 0.5 ms take about 20 s on
// the CPU; in that time the share of weights within 10% of a bound grows
// from 20% to about 40% (the separation goes on for minutes of biological
// time: the neuron, without the inhibitory inputs of the paper, fires at
// about 38 Hz, which slows it).
func TestSTDPBimodal(t *testing.T) {
	if testing.Short() {
		t.Skip("long simulation")
	}
	const n, seconds = 1000, 100
	net := spikevk.New(spikevk.Config{DT: 0.5, Seed: 2000, Backend: "cpu"})
	defer net.Close()
	in := net.PoissonGroup("input", n, "10*Hz + 10*Hz*i/N")
	out := net.Group("neuron", 1, spikevk.Builtin("lif_coba_exp"))
	out.Set("C_m", "100*pF").Set("E_L", "-74*mV").Set("V_th", "-54*mV").Set("V_reset", "-60*mV").Set("v", "-60*mV")
	syn := net.Connect("stdp", in, out, spikevk.STDPSynapses("g_e", "0.1*nS"), spikevk.AllToAll()).Set("w", "rand()")
	rate := net.SpikeMonitor(out)
	start := time.Now()
	if err := net.Run(context.Background(), seconds*spikevk.Second); err != nil {
		t.Fatal(err)
	}
	w, err := syn.Get("w")
	if err != nil {
		t.Fatal(err)
	}
	var low, high int
	for _, x := range w {
		switch {
		case x < 0 || x > 1:
			t.Fatalf("weight %v outside [0, 1]", x)
		case x < 0.1:
			low++
		case x > 0.9:
			high++
		}
	}
	i, _ := rate.Spikes()
	t.Logf("%d s in %v: output %.1f Hz; %d weights below 0.1·w_max, %d above 0.9·w_max", seconds, time.Since(start).Round(time.Second),
		float64(len(i))/seconds, low, high)
	if low+high < n*35/100 || low < n*15/100 || high < n*15/100 {
		t.Errorf("weights not moving to the bounds: %d near 0 and %d near w_max of %d, want more than 35%% near a bound (20%% at the start) and 15%% near each", low, high, n)
	}
}

// TestTsodyksMarkram follows u and x of a depressing and a facilitating
// synapse through the spikes of their input: at each spike, after
// Δt since the last, u ← u·exp(-Δt/τ_facil) + U·(1 - u·exp(-Δt/τ_facil))
// and x ← 1 - (1 - x)·exp(-Δt/τ_rec), then x ← x - u·x.
func TestTsodyksMarkram(t *testing.T) {
	net := spikevk.New(spikevk.Config{Seed: 1997, Backend: "cpu"})
	defer net.Close()
	in := net.PoissonGroup("input", 2, "40*Hz")
	out := net.Group("neuron", 1, spikevk.Builtin("lif_coba_exp"))
	syn := net.Connect("tm", in, out, spikevk.TsodyksMarkram("g_e"), spikevk.AllToAll()).
		SetArray("U", []float64{0.5, 0.15}, "1").
		SetArray("tau_rec", []float64{800, 130}, "ms").
		SetArray("tau_facil", []float64{0.001, 530}, "ms").
		Set("w", "1*nS").Set("x", "1")
	m := net.SpikeMonitor(in)
	if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
		t.Fatal(err)
	}
	idx, ts := m.Spikes()
	U, tauRec, tauFacil := []float64{0.5, 0.15}, []float64{800, 130}, []float64{0.001, 530}
	for k := range 2 {
		u, x, last, spikes := 0.0, 1.0, 0.0, 0
		for s, i := range idx {
			if int(i) != k {
				continue
			}
			dt := ts[s] - last
			u *= math.Exp(-dt / tauFacil[k])
			u += U[k] * (1 - u)
			x = 1 - (1-x)*math.Exp(-dt/tauRec[k])
			x -= u * x
			last = ts[s]
			spikes++
		}
		if spikes < 20 {
			t.Fatalf("input %d spiked %d times in 1 s at 40 Hz", k, spikes)
		}
		for _, c := range []struct {
			name string
			want float64
		}{{"u", u}, {"x", x}} {
			got, err := syn.Get(c.name)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(got[k])-c.want) > 1e-4 {
				t.Errorf("synapse %d: %s = %v, want %v", k, c.name, got[k], c.want)
			}
		}
	}
}

// TestSTDPMultiplicative checks the soft-bound rule on one pair each way:
// a presynaptic spike at 10 ms and a postsynaptic one at 15 ms give
// w += 0.01·e^(−5/20)·(1 − w); a postsynaptic spike at 15 ms and a
// presynaptic one at 20 ms give w −= 0.0105·e^(−5/20)·w.
func TestSTDPMultiplicative(t *testing.T) {
	for _, backend := range []string{"cpu", "vulkan"} {
		if backend == "vulkan" {
			vulkanOrSkip(t)
		}
		net := spikevk.New(spikevk.Config{Backend: backend})
		pre := net.SpikeGenerator("pre", 2, []int{0, 1}, []float64{10, 20})
		post := net.Group("post", 1, spikevk.Equations{Equations: "dg_e/dt = -g_e/ms : siemens", Threshold: "abs(t - 15*ms) < 0.05*ms"}.Model())
		syn := net.Connect("stdp", pre, post, spikevk.STDPMultiplicativeSynapses("g_e", "1*nS"), spikevk.AllToAll()).Set("w", "0.3 + 0.4*i")
		if err := net.Run(context.Background(), 30); err != nil {
			t.Fatal(err)
		}
		w, err := syn.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		decay := math.Exp(-5.0 / 20)
		want := []float64{0.3 + 0.01*decay*(1-0.3), 0.7 - 0.0105*decay*0.7}
		for k := range want {
			if math.Abs(float64(w[k])-want[k]) > 1e-6 {
				t.Errorf("%s: w[%d] = %.7f, want %.7f", backend, k, w[k], want[k])
			}
		}
	}
}
