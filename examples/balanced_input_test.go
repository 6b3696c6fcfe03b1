package examples_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// shotNoise returns the stationary mean (nS) and variance (nS²) of the
// conductance g of examples/balanced_input's double-exponential synapse,
// integrated by forward Euler as the file asks,
//
//	g' = g + dt (-g/τd + h),  h' = h - dt h/τr,  h += w·count,
//
// under n Poisson sources of rate rate (Hz) with weight w (nS/ms), whose
// count per step is Binomial(n, p = rate·dt). Campbell's theorem for this
// discrete linear system: the mean is w·n·rate·τr·τd, the variance
// w²·n·p(1-p)·Σ_m g_m², where g_m is the response of g to a unit step
// into h (the same wherever in the step the count is added, which only
// shifts h). As dt → 0, Σ g_m² tends to (w τr τd/(τd - τr))²
// (τd/2 + τr/2 - 2τrτd/(τr + τd))/dt.
func shotNoise(n, rate, w, tauR, tauD, dt float64) (mean, variance float64) {
	p := rate / 1000 * dt
	g, h, sum := 0.0, 1.0, 0.0
	for range int(40 * tauD / dt) {
		g, h = g+dt*(-g/tauD+h), h-dt*h/tauR
		sum += g * g
	}
	return w * n * rate / 1000 * tauR * tauD, w * w * n * p * (1 - p) * sum
}

// TestBalancedInput runs examples/balanced_input for its 1 s and checks
// (1) the synaptic conductances g_e and g_i against their exact mean and
// variance under Poisson input (shotNoise), from samples 50 ms (8 decay
// times) apart after the first 50 ms: independent samples, so the sample
// mean lies within 4 sd/√n of the mean and the sample variance within
// 4√((m4 - s⁴)/n) of the variance (m4 the sample's fourth central moment:
// shot noise is not Gaussian); (2) the neurons' rate and CV against
// Brian2 2.5.1 over five seeds (testdata/brian2/balanced_input.json), as
// checkBand does.
func TestBalancedInput(t *testing.T) {
	net := load(t, "balanced_input")
	const every, skip = 50.0, 50.0 // ms
	cell := net.GroupByName("cell")
	mon := net.StateMonitor(cell, []string{"g_e", "g_i"}, every)
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		variable               string
		rate, w, tauR, tauD, n float64 // Hz, nS/ms, ms, ms, sources
	}{
		{"g_e", 1, 5, 1, 6, 1000},    // excitation: 1000 × 1 Hz, rise 1 ms, decay 6 ms
		{"g_i", 10, 5, 0.5, 2, 1000}, // inhibition: 1000 × 10 Hz, rise 0.5 ms, decay 2 ms
	} {
		t.Run(c.variable, func(t *testing.T) {
			wantMean, wantVar := shotNoise(c.n, c.rate, c.w, c.tauR, c.tauD, 0.1)
			ts, vs, err := mon.Values(c.variable)
			if err != nil {
				t.Fatal(err)
			}
			var xs []float64
			for k, tk := range ts {
				if tk >= skip {
					for _, x := range vs[k] {
						xs = append(xs, float64(x))
					}
				}
			}
			n := float64(len(xs))
			mean, variance := meanVariance(xs)
			m4 := 0.0
			for _, x := range xs {
				m4 += math.Pow(x-mean, 4)
			}
			m4 /= n
			meanBand := 4 * math.Sqrt(wantVar/n)
			varBand := 4 * math.Sqrt((m4-variance*variance)/n)
			t.Logf("n = %v: mean %.3f nS (theory %.3f ± %.3f), variance %.3f nS² (theory %.3f ± %.3f)", n, mean, wantMean, meanBand, variance, wantVar, varBand)
			if n < 2000 {
				t.Fatalf("only %v samples", n)
			}
			if math.Abs(mean-wantMean) > meanBand {
				t.Errorf("mean %.3f nS, theory %.3f ± %.3f", mean, wantMean, meanBand)
			}
			if math.Abs(variance-wantVar) > varBand {
				t.Errorf("variance %.3f nS², theory %.3f ± %.3f", variance, wantVar, varBand)
			}
		})
	}

	t.Run("cell", func(t *testing.T) {
		data, err := os.ReadFile("../testdata/brian2/balanced_input.json")
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			Cell []struct {
				Rate float64 `json:"rate_hz"`
				CV   float64 `json:"cv_isi"`
			} `json:"cell"`
		}
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatal(err)
		}
		var rates, cvs []float64
		for _, r := range ref.Cell {
			rates, cvs = append(rates, r.Rate), append(cvs, r.CV)
		}
		got := groupSummary(t, net.Summary(), "cell")
		checkBand(t, "rate (Hz)", got.Rate, rates)
		checkBand(t, "CV", got.CV, cvs)
	})
}
