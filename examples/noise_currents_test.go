package examples_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/spikevk/spikevk"
)

// Parameters of examples/noise_currents (the SpikingNeuralNetworks.jl IF
// neuron of its "Noise input current" tutorial), in mV, ms, pA and Gohm
// (Gohm·pA = mV).
const (
	noiseDT    = 0.1  // ms
	noiseTauM  = 20.0 // ms
	noiseR     = 0.5  // Gohm
	noiseEL    = -70.0
	noiseMean  = 30.0  // pA, both currents
	noiseSD    = 100.0 // pA, white noise: per step
	noiseOUSD  = 10.0  // pA, OU: stationary
	noiseOUTau = 5.0   // ms
)

// passiveVariance is the stationary variance (mV²) of a passive membrane
// integrated by forward Euler, v' = v + dt/τ (E_L - v + R·I), under a
// current I whose deviations from its mean are an AR(1) sequence of
// variance sd² and one-step correlation beta (0: white noise, a new draw
// every step; e^(-dt/τ_I): an Ornstein–Uhlenbeck current updated exactly).
// With α = 1 - dt/τ and c = R·dt/τ, v - ⟨v⟩ = c Σ_m α^m (I_(k-1-m) - ⟨I⟩),
// whose variance is c² sd² (1 + αβ) / ((1 - α²)(1 - αβ)). As dt → 0 it
// tends to R² sd² τ_I/(τ + τ_I) for the OU current; for white noise it is
// R² sd² dt/(2τ - dt), proportional to dt (the noise is not scaled by √dt,
// as in SNN.jl and NEST's noise_generator).
func passiveVariance(sd, beta float64) float64 {
	alpha := 1 - noiseDT/noiseTauM
	c := noiseR * noiseDT / noiseTauM
	return c * c * sd * sd * (1 + alpha*beta) / ((1 - alpha*alpha) * (1 - alpha*beta))
}

// TestNoiseCurrents runs examples/noise_currents for its 2 s and checks
// (1) the injected currents and the membrane potential of the passive
// neurons against their exact stationary mean and variance
// (passiveVariance), from samples 200 ms (10 τ_m) apart, after the first
// 200 ms, in 1,000 neurons: independent Gaussian samples, so the sample
// mean lies within 4 sd/√n of the mean and the sample variance within
// 4 var·√(2/n) of the variance; (2) the firing rate and CV of the
// tutorial's neuron against Brian2 2.5.1 over five seeds
// (testdata/brian2/noise_currents.json): within 4 standard deviations of
// the seeds' mean, widened by √(1 + 1/5) for the uncertainty of that
// mean.
func TestNoiseCurrents(t *testing.T) {
	net := load(t, "noise_currents")
	const every, skip = 200.0, 200.0 // ms
	mons := map[string]*spikevk.StateMonitor{}
	for _, g := range []string{"passive_white", "passive_ou"} {
		mons[g] = net.StateMonitor(net.GroupByName(g), []string{"v", "I"}, every)
	}
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	beta := math.Exp(-noiseDT / noiseOUTau)
	vMean := noiseEL + noiseR*noiseMean
	for _, c := range []struct {
		group, variable string
		mean, variance  float64
	}{
		{"passive_white", "I", noiseMean, noiseSD * noiseSD},
		{"passive_white", "v", vMean, passiveVariance(noiseSD, 0)},
		{"passive_ou", "I", noiseMean, noiseOUSD * noiseOUSD},
		{"passive_ou", "v", vMean, passiveVariance(noiseOUSD, beta)},
	} {
		t.Run(c.group+"/"+c.variable, func(t *testing.T) {
			ts, vs, err := mons[c.group].Values(c.variable)
			if err != nil {
				t.Fatal(err)
			}
			var xs []float64
			for k, tk := range ts {
				if tk < skip {
					continue
				}
				for _, x := range vs[k] {
					xs = append(xs, float64(x))
				}
			}
			n := float64(len(xs))
			mean, variance := meanVariance(xs)
			meanBand := 4 * math.Sqrt(c.variance/n)
			varBand := 4 * c.variance * math.Sqrt(2/n)
			t.Logf("n = %v: mean %.4f (theory %.4f ± %.4f), variance %.4f (theory %.4f ± %.4f), sd %.4f", n, mean, c.mean, meanBand, variance, c.variance, varBand, math.Sqrt(variance))
			if n < 5000 {
				t.Fatalf("only %v samples", n)
			}
			if math.Abs(mean-c.mean) > meanBand {
				t.Errorf("mean %.4f, theory %.4f ± %.4f", mean, c.mean, meanBand)
			}
			if math.Abs(variance-c.variance) > varBand {
				t.Errorf("variance %.4f, theory %.4f ± %.4f", variance, c.variance, varBand)
			}
		})
	}

	t.Run("lif", func(t *testing.T) {
		data, err := os.ReadFile("../testdata/brian2/noise_currents.json")
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			LIF []struct {
				Rate float64 `json:"rate_hz"`
				CV   float64 `json:"cv_isi"`
			} `json:"lif"`
		}
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatal(err)
		}
		var rates, cvs []float64
		for _, r := range ref.LIF {
			rates, cvs = append(rates, r.Rate), append(cvs, r.CV)
		}
		got := groupSummary(t, net.Summary(), "lif")
		checkBand(t, "rate (Hz)", got.Rate, rates)
		checkBand(t, "CV", got.CV, cvs)
	})
}

// meanVariance returns the mean and the (n - 1) variance of xs.
func meanVariance(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

// groupSummary returns the summary of the group called name.
func groupSummary(t *testing.T, s spikevk.Summary, name string) spikevk.GroupSummary {
	t.Helper()
	for _, g := range s.Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %q in the summary", name)
	return spikevk.GroupSummary{}
}

// checkBand checks that got lies within 4 standard deviations of the mean
// of a reference's values over seeds, widened by √(1 + 1/k) for k seeds
// (the uncertainty of that mean), as one more draw from the same
// distribution should.
func checkBand(t *testing.T, what string, got float64, ref []float64) {
	t.Helper()
	mean, variance := meanVariance(ref)
	band := 4 * math.Sqrt(variance*(1+1/float64(len(ref))))
	t.Logf("%s %.4f; reference %.4f ± %.4f over %d seeds", what, got, mean, band, len(ref))
	if !(math.Abs(got-mean) <= band) {
		t.Errorf("%s %.4f, reference %.4f ± %.4f (%d seeds)", what, got, mean, band, len(ref))
	}
}
