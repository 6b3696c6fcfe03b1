package spikevk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
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

// brian2STDP is testdata/brian2/stdp_song.json, written by
// testdata/brian2/stdp_song.py: the network of TestSTDPBimodal in Brian2
// for ten seeds.
type brian2STDP struct {
	Version string `json:"brian2"`
	Summary map[string]struct {
		Mean float64 `json:"mean"`
		SD   float64 `json:"sd"`
	} `json:"summary"`
}

// TestSTDPBimodal is the result of Song, Miller & Abbott (2000, Fig. 1):
// additive STDP with slightly stronger depression drives the weights of
// 1,000 Poisson inputs (here 10 to 20 Hz) onto one neuron from a uniform
// distribution towards a bimodal one, weights gathering near 0 and near
// w_max. The neuron and the parameters are those of Brian2's example of
// the paper: τ_m = 10 ms, E_L = -74 mV, V_th = -54 mV, V_reset = -60 mV,
// τ_e = 5 ms, w_max = 0.01·g_L; lif_coba_exp's 5 ms refractory period
// stays. 100 s at dt = 0.5 ms take about 20 s on the CPU.
//
// The reference is the same network in Brian2 (stdp_song.py: same
// equations, exponential Euler as here, on_pre before on_post; Brian2
// delivers a spike in its own step, spikevk in the next), seeds 1 to 10,
// and spikevk on the CPU, seeds 1 to 10 and this test's 2000 (mean ± sd
// over the seeds; shares of the weights below 0.1·w_max and above
// 0.9·w_max, 10% each at the start):
//
//	                 Brian2 2.5.1    spikevk         seed 2000
//	output rate      40.0 ± 0.9 Hz   39.9 ± 1.1 Hz   39.4 Hz
//	low at 50 s      17.2 ± 0.7%     17.4 ± 1.2%     17.1%
//	high at 50 s     14.8 ± 1.0%     15.4 ± 0.8%     14.9%
//	low at 100 s     20.2 ± 1.3%     20.5 ± 0.6%     21.0%
//	high at 100 s    17.6 ± 0.6%     18.2 ± 0.5%     18.3%
//
// (Brian2: "cd testdata/brian2 && /usr/bin/python3 stdp_song.py >
// stdp_song.json"; spikevk: this test's network with seeds 1 to 10, run
// on 2026-11-23 at commit 63d6d65; seed 2000 since the rule became the
// model file stdp_song2000, whose A_post = -1.05·A_pre is rounded to
// float32 from float32 A_pre.) The means differ by at most 2.1
// standard errors. The separation goes on for minutes of biological
// time: the neuron, without the inhibitory inputs of the paper, fires at
// about 40 Hz, which slows it.
//
// This seed's shares of weights below 0.1·w_max and above 0.9·w_max at
// 50 s and 100 s and its output rate must each lie within 4 sd of
// Brian2's seeds from their mean. One more seed drawn from Brian2's
// distribution misses that by chance with a probability of 0.4% per
// figure (4/√1.1 = 3.8 sd of the difference, Student's t with 9 degrees
// of freedom, as the sd comes from 10 seeds; 1e-4 were the sd exact),
// while a broken rule is many sd off: seed 2000 with fixed weights (no
// plasticity) ends with 9.9% low and 9.4% high at 44.5 Hz (8, 13 and 4.7
// sd off), with depression equal to potentiation (A_post = −A_pre) 0% low
// and 90% high at 116 Hz, with A_post = −1.10·A_pre 25.7% low and 14.1%
// high at 11.6 Hz; each fails the test.
func TestSTDPBimodal(t *testing.T) {
	if testing.Short() {
		t.Skip("long simulation")
	}
	data, err := os.ReadFile("testdata/brian2/stdp_song.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref brian2STDP
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	net := spikevk.New(spikevk.Config{DT: 0.5, Seed: 2000, Backend: "cpu"})
	defer net.Close()
	in := net.PoissonGroup("input", n, "10*Hz + 10*Hz*i/N")
	out := net.Group("neuron", 1, spikevk.Builtin("lif_coba_exp"))
	out.Set("C_m", "100*pF").Set("E_L", "-74*mV").Set("V_th", "-54*mV").Set("V_reset", "-60*mV").Set("v", "-60*mV")
	syn := net.Connect("stdp", in, out, spikevk.STDPSynapses("g_e", "0.1*nS"), spikevk.AllToAll()).Set("w", "rand()")
	spikes := net.SpikeMonitor(out)
	near := func(what string, got float64) {
		t.Helper()
		r, ok := ref.Summary[what]
		if !ok {
			t.Fatalf("stdp_song.json has no %q", what)
		}
		t.Logf("%s: spikevk %.3f, Brian2 %s %.3f ± %.3f (sd of 10 seeds)", what, got, ref.Version, r.Mean, r.SD)
		if math.Abs(got-r.Mean) > 4*r.SD {
			t.Errorf("%s = %.3f, Brian2 %.3f ± %.3f: more than 4 sd apart", what, got, r.Mean, r.SD)
		}
	}
	start := time.Now()
	for _, at := range []int{50, 100} { // two runs of 50 s
		if err := net.Run(context.Background(), 50*spikevk.Second); err != nil {
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
		near(fmt.Sprintf("low_%d", at), float64(low)/n)
		near(fmt.Sprintf("high_%d", at), float64(high)/n)
	}
	i, _ := spikes.Spikes()
	near("rate_hz", float64(len(i))/100)
	t.Logf("100 s in %v", time.Since(start).Round(time.Second))
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
