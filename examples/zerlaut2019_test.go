package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// brian2Zerlaut is ../testdata/brian2/zerlaut2019.json, written by
// ../testdata/brian2/zerlaut2019.py: the network of zerlaut2019.yaml in
// Brian2 2.5.1 at afferent rates of 4 and 10 Hz for seeds 1 to 5.
type brian2Zerlaut struct {
	Version string `json:"brian2"`
	// Summary holds, per figure and rate ("rate_e_hz_4"), the mean and sd
	// over the n seeds that stayed out of the saturated state, and as
	// "saturated_4" and "saturated_10" the number of seeds that went there.
	Summary map[string]json.RawMessage `json:"summary"`
}

// zerlautRef is a figure of brian2Zerlaut's summary.
type zerlautRef struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	N    int     `json:"n"`
}

// zerlautStats returns the figures of zerlaut2019.py's stats(): the rates
// of E (nE neurons) and I (nI) in Hz from fromMs to toMs, and the
// burstiness of E, the standard deviation over the mean of its spike
// count in bins of binMs.
func zerlautStats(tE, tI []float64, nE, nI int, fromMs, toMs, binMs float64) (rateE, rateI, burst float64) {
	span := (toMs - fromMs) / 1000
	counts := make([]float64, int(math.Round((toMs-fromMs)/binMs)))
	for _, t := range tE {
		if t >= fromMs && t < toMs {
			rateE++
			counts[min(int((t-fromMs)/binMs), len(counts)-1)]++
		}
	}
	for _, t := range tI {
		if t >= fromMs && t < toMs {
			rateI++
		}
	}
	mean, sd := stat.PopMeanStdDev(counts, nil)
	if mean > 0 {
		burst = sd / mean
	}
	return rateE / float64(nE) / span, rateI / float64(nI) / span, burst
}

// TestZerlaut2019 checks examples/zerlaut2019 against the numbers of
// ../shared/reference/models.md ("Zerlaut 2019 EI network", from
// SpikingNeuralNetworks.jl's example) and against the same network in
// Brian2 (../testdata/brian2/zerlaut2019.py). models.md gives the
// network, not its activity: "no numeric rate targets could be
// obtained", and the paper's result is qualitative.
//
// The file runs for its 2 s at the example's two afferent rates, 4 and
// 10 Hz, with its seed 1: the full network, as the rates and the bursts
// depend on the in-degrees (400 excitatory, 100 inhibitory and 10
// afferent synapses per neuron) and the burstiness on the population's
// size, so a smaller copy would not be this network. 2 s of each take
// about 9 s on the CPU, so one seed per rate. From 0.5 s (after the
// start from uniform v) to 2 s the rates of E and I and the burstiness of
// E (the sd over the mean of its spike count in 5 ms bins; 1/√(mean
// count), 0.2 to 0.3 here, for independent neurons) must each lie within
// 4·sd·√(1 + 1/n) of the mean of Brian2's n = 10 seeds, the band in which
// one more seed drawn from Brian2's distribution falls but for a chance
// of 0.3% (Student's t with 9 degrees of freedom). Brian2 2.5.1 gives, at
// 4 Hz, E 1.22 ± 0.14 Hz, I 2.97 ± 0.33 Hz, burstiness 3.7 ± 0.7
// (population bursts), and at 10 Hz E 3.62 ± 0.41 Hz, I 9.7 ± 0.9 Hz,
// burstiness 1.25 ± 0.15; the file 1.43 Hz, 3.37 Hz, 3.38 and 4.41 Hz,
// 11.3 Hz, 1.18. The bands at the two rates do not overlap in E's rate
// (0.62 to 1.81 Hz and 1.9 to 5.4 Hz) nor in the burstiness (0.8 to 6.6
// and 0.6 to 1.9), so a drive that does not act, or a network in
// another state, fails. The paper's trend is checked as well: more drive,
// higher rates of E and I and less bursting.
//
// Over seeds 1 to 10 at 4 Hz the file gives 1.30 ± 0.30 Hz for E, 3.11 ±
// 0.68 Hz for I and a burstiness of 4.2 ± 1.4 (nine seeds; the means
// within 0.8 standard errors of Brian2's, the spread twice Brian2's), and
// at 10 Hz over seeds 1 to 5 3.90 ± 0.45 Hz, 10.3 ± 0.9 Hz and 1.22 ±
// 0.07.
//
// The network is bistable: a large enough burst can recruit every neuron
// into a saturated state in which E and I fire at the limit of the 2 ms
// refractory period (at equal rates the recurrent conductances hold v at
// (400·2·0 + 100·10·(−80))/(400·2 + 100·10) = −44 mV, above threshold).
// None of Brian2's runs went there; the file with seed 5 at 4 Hz does,
// at 1.55 s (spikevk run -set seed=5 -t 2000 shows it).
func TestZerlaut2019(t *testing.T) {
	data, err := os.ReadFile("../testdata/brian2/zerlaut2019.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref brian2Zerlaut
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	type figures struct{ rateE, rateI, burst float64 }
	runs := map[int]figures{}
	for _, rate := range []int{4, 10} {
		net := load(t, "zerlaut2019", "afferents.rate", fmt.Sprintf("%d*Hz", rate))
		nE, nI := net.GroupByName("E").N(), net.GroupByName("I").N()
		mE, mI := net.SpikeMonitor(net.GroupByName("E")), net.SpikeMonitor(net.GroupByName("I"))
		if err := net.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rate == 4 {
			for _, name := range []string{"exc", "inh", "aff_e", "aff_i"} {
				i, _, err := net.ProjectionByName(name).Synapses()
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: %d synapses", name, len(i))
			}
		}
		_, tE := mE.Spikes()
		_, tI := mI.Spikes()
		var f figures
		f.rateE, f.rateI, f.burst = zerlautStats(tE, tI, nE, nI, 500, net.Duration(), 5)
		runs[rate] = f
		for _, c := range []struct {
			name string
			got  float64
		}{{"rate_e_hz", f.rateE}, {"rate_i_hz", f.rateI}, {"burstiness_e", f.burst}} {
			key := fmt.Sprintf("%s_%d", c.name, rate)
			var r zerlautRef
			if err := json.Unmarshal(ref.Summary[key], &r); err != nil || r.N < 2 {
				t.Fatalf("zerlaut2019.json: %q: %v, %d seeds", key, err, r.N)
			}
			band := 4 * r.SD * math.Sqrt(1+1/float64(r.N))
			t.Logf("%d Hz: %s %.3f, Brian2 %s %.3f ± %.3f (sd of %d seeds)", rate, c.name, c.got, ref.Version, r.Mean, r.SD, r.N)
			if math.Abs(c.got-r.Mean) > band {
				t.Errorf("%d Hz: %s = %.3f, Brian2 %.3f ± %.3f: outside ±%.3f", rate, c.name, c.got, r.Mean, r.SD, band)
			}
		}
	}
	// Zerlaut et al.: more afferent drive, denser and less synchronous firing.
	if lo, hi := runs[4], runs[10]; !(hi.rateE > lo.rateE && hi.rateI > lo.rateI && hi.burst < lo.burst) {
		t.Errorf("from 4 to 10 Hz of drive: E %.2f → %.2f Hz, I %.2f → %.2f Hz, burstiness %.2f → %.2f", lo.rateE, hi.rateE, lo.rateI, hi.rateI, lo.burst, hi.burst)
	}
}
