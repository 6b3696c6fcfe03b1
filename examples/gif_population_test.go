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

// gifOscillation returns the period (ms) and height of the first peak of the
// autocorrelation of a population's spike count in bins of binMs over
// durationMs, after the autocorrelation first turns negative, the peak
// interpolated by a parabola through its bin and the two beside it; 0, 0
// when there is none. It is oscillation() of
// ../testdata/brian2/gif_population.py.
func gifOscillation(times []float64, durationMs, binMs float64) (period, peak float64) {
	counts := make([]float64, int(math.Round(durationMs/binMs)))
	for _, t := range times {
		if b := int(t / binMs); b >= 0 && b < len(counts) {
			counts[b]++
		}
	}
	mean := 0.0
	for _, c := range counts {
		mean += c
	}
	mean /= float64(len(counts))
	for k := range counts {
		counts[k] -= mean
	}
	norm := 0.0
	for _, x := range counts {
		norm += x * x
	}
	if norm == 0 {
		return 0, 0
	}
	r := make([]float64, len(counts))
	for lag := range r {
		for b := 0; b+lag < len(counts); b++ {
			r[lag] += counts[b] * counts[b+lag]
		}
		r[lag] /= norm
	}
	k := 1
	for k < len(r) && r[k] >= 0 {
		k++
	}
	for k < len(r) && r[k] <= 0 {
		k++
	}
	best := k
	for ; k < len(r) && r[k] > 0; k++ {
		if r[k] > r[best] {
			best = k
		}
	}
	if best >= len(r)-1 {
		return 0, 0
	}
	a, b, c := r[best-1], r[best], r[best+1]
	shift := 0.0
	if d := a - 2*b + c; d != 0 {
		shift = 0.5 * (a - c) / d
	}
	return (float64(best) + shift) * binMs, b
}

// brian2GIF is ../testdata/brian2/gif_population.json, written by
// ../testdata/brian2/gif_population.py: the network of
// gif_population.yaml in Brian2 2.5.1 for seeds 1 to 10.
type brian2GIF struct {
	Version string `json:"brian2"`
	Summary map[string]struct {
		Mean float64 `json:"mean"`
		SD   float64 `json:"sd"`
	} `json:"summary"`
}

// TestGIFPopulation runs examples/gif_population, the oscillating GIF
// population of NEST's gif_population.py with the noise of Musacchio's
// tutorial, for its 2 s with seeds 1 to 10 and compares it with the same
// network in Brian2 (gif_population.py, seeds 1 to 10). NEST's example
// and the tutorial publish a figure only (rhythmic population bursts "on
// the time scale comparable with the time constant of adaptation
// elements"), no numbers, and NEST is not at hand, so Brian2 running the
// same equations is the reference. Three figures of each seed's run:
// the mean rate, and from the population spike count in 5 ms bins (the
// tutorial's histogram) the period of the oscillation (the lag of the
// first autocorrelation peak) and the height of that peak (how regular
// the bursts are). Brian2 gives 31.7 ± 1.0 Hz, a period of 275 ± 6 ms and
// a peak of 0.49 ± 0.03 (mean ± sd over its seeds).
//
// Every seed must oscillate (an autocorrelation peak exists), and for
// each figure the means over the seeds of spikevk and Brian2 must agree
// within 4 standard errors of their difference, each side's standard
// error from its own seed-to-seed sd (the rule of TestBenchmarkActivity).
// Brian2 draws other random numbers, so only such statistics can agree.
// On 2026-12-03 spikevk gave 30.6 ± 1.5 Hz, 267 ± 8 ms and 0.50 ± 0.09
// (2.1, 2.8 and 0.4 standard errors from Brian2; over 40 seeds 30.8 ±
// 1.2 Hz and 270 ± 11 ms: the rate about 3% below Brian2's, not
// explained by the 0.1 ms of spike delivery, as delays of 0.9 and 1.1 ms
// give the same). Without adaptation (q_stc and q_sfa 0) the
// population fires tonically at 228 Hz with an autocorrelation peak of
// 0.01; without the fast threshold element (q_sfa_1 = 0) it fires at
// 45 Hz with peaks of 0.17 to 0.28 at lags of 0.5 to 1.2 s; either
// fails.
func TestGIFPopulation(t *testing.T) {
	data, err := os.ReadFile("../testdata/brian2/gif_population.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref brian2GIF
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	const seeds = 10
	figures := map[string][]float64{}
	for seed := 1; seed <= seeds; seed++ {
		net := load(t, "gif_population", "seed", fmt.Sprint(seed))
		m := net.SpikeMonitor(net.GroupByName("population"))
		if err := net.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, ts := m.Spikes()
		n := net.GroupByName("population").N()
		rate := float64(len(ts)) / float64(n) / (net.Duration() / 1000)
		period, peak := gifOscillation(ts, net.Duration(), 5)
		t.Logf("seed %d: %.2f Hz, period %.1f ms, autocorrelation peak %.3f", seed, rate, period, peak)
		if period == 0 {
			t.Errorf("seed %d: the population rate does not oscillate", seed)
		}
		figures["rate_hz"] = append(figures["rate_hz"], rate)
		figures["period_ms"] = append(figures["period_ms"], period)
		figures["ac_peak"] = append(figures["ac_peak"], peak)
	}
	for _, name := range []string{"rate_hz", "period_ms", "ac_peak"} {
		r, ok := ref.Summary[name]
		if !ok {
			t.Fatalf("gif_population.json has no %q", name)
		}
		mean, sd := stat.MeanStdDev(figures[name], nil)
		se := math.Sqrt(sd*sd/seeds + r.SD*r.SD/seeds) // Brian2 has 10 seeds too
		t.Logf("%s: spikevk %.3f ± %.3f, Brian2 %s %.3f ± %.3f: %.1f standard errors apart", name, mean, sd, ref.Version, r.Mean, r.SD, math.Abs(mean-r.Mean)/se)
		if math.Abs(mean-r.Mean) > 4*se {
			t.Errorf("%s: spikevk %.3f ± %.3f, Brian2 %.3f ± %.3f: more than 4 standard errors apart", name, mean, sd, r.Mean, r.SD)
		}
	}
}
