package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// adexRows are the parameter sets of examples/adex_patterns: Gerstner et
// al. (2014), Neuronal Dynamics, Table 6.1, as the SpikingNeuralNetworks.jl
// AdEx tutorial has them (../shared/reference/models.md §1.3), each with
// the defining feature of its pattern (Neuronal Dynamics Fig. 6.3) as a
// test of the interspike intervals isi (ms) and the latency of the first
// spike after the step (ms).
var adexRows = []struct {
	name                      string
	tauM, a, tauW, b, vr, amp float64 // ms, nS, ms, pA, mV, pA
	feature                   string
	ok                        func(isi []float64, latency float64) bool
}{
	{"tonic", 20, 0, 30, 60, -55, 65, "regular from the first interval on",
		func(x []float64, _ float64) bool { return x[len(x)-1]/x[0] > 0.9 && x[len(x)-1]/x[0] < 1.2 }},
	{"adapting", 20, 0, 100, 5, -55, 65, "intervals that never shorten and end more than 1.5 times the first",
		func(x []float64, _ float64) bool {
			return slices.IsSorted(x) && x[len(x)-1] > 1.5*x[0]
		}},
	{"initial_burst", 5, 0.5, 100, 7, -51, 65, "two intervals under 10 ms, then regular intervals over 30 ms",
		func(x []float64, _ float64) bool {
			late := x[len(x)-5:]
			return x[0] < 10 && x[1] < 10 && slices.Min(late) > 30 && slices.Max(late) < 1.05*slices.Min(late)
		}},
	{"bursting", 5, -0.5, 100, 7, -46, 65, "at least three pauses over 50 ms, each followed by an interval under 5 ms",
		func(x []float64, _ float64) bool {
			pauses := 0
			for k, v := range x[:len(x)-1] {
				if v > 50 {
					pauses++
					if x[k+1] >= 5 {
						return false
					}
				}
			}
			return pauses >= 3
		}},
	// At 65 pA this set does not fall silent: its rheobase, the minimum of
	// the steady-state current (g_L + a)(V - E_L) - g_L ΔT exp((V - V_T)/ΔT),
	// is 56.4 pA (README.md), so it fires on, ever more slowly.
	{"transient", 10, 1, 100, 10, -60, 65, "a fast onset that slows down more than three-fold",
		func(x []float64, _ float64) bool { return x[len(x)-1] > 3*x[0] }},
	{"delayed", 5, -1, 100, 10, -60, 25, "a first spike more than 100 ms after the step",
		func(_ []float64, latency float64) bool { return latency > 100 }},
}

// adexTwin builds examples/adex_patterns with the Go API, with the knobs
// of the step current.
func adexTwin() (*spikevk.Network, []*spikevk.Knob) {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	var knobs []*spikevk.Knob
	for _, r := range adexRows {
		g := net.Group(r.name, 1, spikevk.Builtin("adex"))
		g.Set("g_L", "1/(0.5*Gohm)").Set("C", fmt.Sprintf("%g*ms/(0.5*Gohm)", r.tauM))
		g.Set("E_L", "-70*mV").Set("V_T", "-50*mV").Set("Delta_T", "2*mV").Set("V_peak", "0*mV")
		g.Set("a", fmt.Sprintf("%g*nS", r.a)).Set("tau_w", fmt.Sprintf("%g*ms", r.tauW))
		g.Set("b", fmt.Sprintf("%g*pA", r.b)).Set("V_r", fmt.Sprintf("%g*mV", r.vr)).Set("v", "-70*mV")
		knobs = append(knobs, g.Knob("I"))
	}
	return net, knobs
}

// TestAdExPatterns runs examples/adex_patterns (30 ms at 5 pA, then 300 ms
// at the step current) and checks, per pattern, that the file builds the
// network of its Go API twin spike for spike, that its spike times are
// those of Brian2 2.5.1 (testdata/brian2/adex_patterns.json, float64: the
// same count, each time within one step of 0.1 ms), and that the intervals
// show the defining feature of the pattern.
func TestAdExPatterns(t *testing.T) {
	data, err := os.ReadFile("../testdata/brian2/adex_patterns.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Spikes map[string][]float64 `json:"spike_times_ms"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}

	net := load(t, "adex_patterns")
	twin, knobs := adexTwin()
	defer twin.Close()
	var fileMons, twinMons []*spikevk.SpikeMonitor
	for _, r := range adexRows {
		fileMons = append(fileMons, net.SpikeMonitor(net.GroupByName(r.name)))
		twinMons = append(twinMons, twin.SpikeMonitor(twin.GroupByName(r.name)))
	}
	ctx := context.Background()
	if err := net.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, seg := range []struct {
		ms   float64
		amps func(k int) float64
	}{{30, func(int) float64 { return 5 }}, {300, func(k int) float64 { return adexRows[k].amp }}} {
		for k, knob := range knobs {
			if err := knob.Set(fmt.Sprintf("%g*pA", seg.amps(k))); err != nil {
				t.Fatal(err)
			}
		}
		if err := twin.Run(ctx, seg.ms); err != nil {
			t.Fatal(err)
		}
	}

	for k, r := range adexRows {
		t.Run(r.name, func(t *testing.T) {
			i, ts := fileMons[k].Spikes()
			ti, tt := twinMons[k].Spikes()
			if !slices.Equal(i, ti) || !slices.Equal(ts, tt) {
				t.Errorf("%d spikes from the file, %d from the Go API", len(ts), len(tt))
			}
			want := ref.Spikes[r.name]
			t.Logf("spikes at %.1f ms; Brian2 %.1f", ts, want)
			if len(ts) != len(want) {
				t.Fatalf("%d spikes, Brian2 %d", len(ts), len(want))
			}
			for s := range ts {
				if math.Abs(ts[s]-want[s]) > 0.1+1e-9 {
					t.Errorf("spike %d at %.2f ms, Brian2 %.2f ms", s, ts[s], want[s])
				}
			}
			if len(ts) < 2 {
				t.Fatalf("%d spikes: no interval to judge", len(ts))
			}
			isi := make([]float64, len(ts)-1)
			for s := range isi {
				isi[s] = ts[s+1] - ts[s]
			}
			if !r.ok(isi, ts[0]-30) {
				t.Errorf("not %s (%s); intervals %.1f ms, first spike %.1f ms after the step", r.name, r.feature, isi, ts[0]-30)
			}
		})
	}
}
