package spikevk_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// poissonInputRun runs 200 integrators for 100 ms (1,000 steps, 999 of
// which receive input), one group fed by inversion (λ = n·p = 0.2 per
// step) and one by the normal approximation (λ = 100), and returns the
// final v of each.
func poissonInputRun(t *testing.T, backend string) (small, large []float32) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Seed: 3, Backend: backend})
	defer net.Close()
	m := spikevk.Equations{Equations: "dv/dt = 0*mV/ms : volt"}.Model()
	a := net.Group("a", 200, m).PoissonInput("v", 1000, "2*Hz", "1*mV")
	b := net.Group("b", 200, m).PoissonInput("v", 100000, "10*Hz", "0.01*mV")
	if err := net.Run(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	small, err := a.Get("v")
	if err != nil {
		t.Fatal(err)
	}
	large, err = b.Get("v")
	if err != nil {
		t.Fatal(err)
	}
	return small, large
}

// meanVar returns the mean and variance of x.
func meanVar(x []float32) (mean, variance float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, variance / float64(len(x)-1)
}

// TestPoissonInput: the sums of 999 binomial counts have the mean and
// variance of Binomial(999·n, p) (within 5 standard errors of the mean,
// 30% on the variance), bit for bit the same on the CPU and Vulkan.
func TestPoissonInput(t *testing.T) {
	var runs [][]float32
	for _, backend := range []string{"cpu", "vulkan"} {
		if backend == "vulkan" {
			vulkanOrSkip(t)
		}
		small, large := poissonInputRun(t, backend)
		for _, c := range []struct {
			v        []float32
			n, p, mV float64
			name     string
		}{{small, 1000, 2e-4, 1, "inversion"}, {large, 100000, 1e-3, 0.01, "normal"}} {
			wantMean := 999 * c.n * c.p * c.mV
			wantVar := 999 * c.n * c.p * (1 - c.p) * c.mV * c.mV
			mean, variance := meanVar(c.v)
			t.Logf("%s %s: mean %g mV (want %g), variance %g (want %g)", backend, c.name, mean, wantMean, variance, wantVar)
			if math.Abs(mean-wantMean) > 5*math.Sqrt(wantVar/float64(len(c.v))) || math.Abs(variance/wantVar-1) > 0.3 {
				t.Errorf("%s %s: mean %g mV, variance %g; want %g, %g", backend, c.name, mean, variance, wantMean, wantVar)
			}
		}
		runs = append(runs, append(small, large...))
	}
	if len(runs) == 2 && !slices.Equal(runs[0], runs[1]) {
		t.Error("the CPU and Vulkan differ")
	}
}

// TestPoissonInputErrors: a rate that is not a constant rate, or that
// gives a probability above 1 per step, is an error naming the group.
func TestPoissonInputErrors(t *testing.T) {
	for _, c := range []struct{ rate, want string }{
		{"5*mV", `group "g": Poisson input to v: rate "5*mV"`},
		{"20*kHz", `group "g": Poisson input to v: rate 20*kHz gives a probability of 2 per step`},
		{"-1*Hz", `not a rate from 0 on`},
	} {
		net := spikevk.New(spikevk.Config{})
		net.Group("g", 2, spikevk.Equations{Equations: "dv/dt = 0*mV/ms : volt"}.Model()).PoissonInput("v", 10, c.rate, "1*mV")
		err := net.Run(context.Background(), 1)
		net.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rate %s: error %v, want %q", c.rate, err, c.want)
		}
	}
}

// TestPoissonInputCounts: the counts of single steps follow Binomial(3,
// 1/2) (frequencies 1/8, 3/8, 3/8, 1/8 within 0.01 over 100,000 draws),
// sampled before a reset to 0 that ends every step, the same on the CPU
// and Vulkan.
func TestPoissonInputCounts(t *testing.T) {
	var runs [][]int
	for _, backend := range []string{"cpu", "vulkan"} {
		if backend == "vulkan" {
			vulkanOrSkip(t)
		}
		net := spikevk.New(spikevk.Config{Seed: 5, Backend: backend})
		g := net.Group("g", 50, spikevk.Equations{Equations: "dv/dt = 0*mV/ms : volt", Threshold: "t >= 0*ms", Reset: "v = 0*mV"}.Model()).
			PoissonInput("v", 3, "5*kHz", "1*mV")
		m := net.StateMonitor(g, []string{"v"}, 0)
		y := sample(t, net, m, 200, "v")
		net.Close()
		counts := make([]int, 4)
		for _, row := range y[1:] {
			for _, v := range row {
				if k := int(v); float32(k) == v && k >= 0 && k <= 3 {
					counts[k]++
				} else {
					t.Fatalf("%s: count %g mV", backend, v)
				}
			}
		}
		total := float64(len(y)-1) * 50
		for k, want := range []float64{1. / 8, 3. / 8, 3. / 8, 1. / 8} {
			if f := float64(counts[k]) / total; math.Abs(f-want) > 0.01 {
				t.Errorf("%s: count %d in %.4f of the steps, want %.4f", backend, k, f, want)
			}
		}
		runs = append(runs, counts)
	}
	if len(runs) == 2 && !slices.Equal(runs[0], runs[1]) {
		t.Error("the CPU and Vulkan differ")
	}
}
