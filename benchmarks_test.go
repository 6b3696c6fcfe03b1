package spikevk_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/spikevk/spikevk"
	"gonum.org/v1/gonum/stat"
)

// brian2Benchmarks is testdata/brian2/benchmarks.json, written by
// testdata/brian2/make_benchmarks.py: the rate and CV of the COBA and CUBA
// networks in Brian2 for three seeds.
type brian2Benchmarks struct {
	Version string `json:"brian2"`
	COBA    []struct {
		Rate float64 `json:"rate_hz"`
		CV   float64 `json:"cv_isi"`
	}
	CUBA []struct {
		Rate float64 `json:"rate_hz"`
		CV   float64 `json:"cv_isi"`
	}
}

// TestBenchmarkActivity runs the COBA and CUBA networks of Brette et al.
// (2007) for 1 s over three seeds and compares them with the same networks
// in Brian2 (which draws other random numbers, so only statistics can
// agree): the mean rate and the mean CV of the interspike intervals over
// the seeds must agree within four standard errors of the difference of
// the means (each side's seed-to-seed spread, at least 2% of the mean).
// Every 100 ms must also have spikes: the activity sustains itself, as
// the paper describes.
func TestBenchmarkActivity(t *testing.T) {
	if testing.Short() {
		t.Skip("six 4,000-neuron networks for 1 s")
	}
	data, err := os.ReadFile("testdata/brian2/benchmarks.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref brian2Benchmarks
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	nets := []struct {
		name  string
		build func(spikevk.Config, int, float64) *spikevk.Network
		rate  []float64
		cv    []float64
	}{{name: "COBA", build: spikevk.COBA}, {name: "CUBA", build: spikevk.CUBA}}
	for _, r := range ref.COBA {
		nets[0].rate, nets[0].cv = append(nets[0].rate, r.Rate), append(nets[0].cv, r.CV)
	}
	for _, r := range ref.CUBA {
		nets[1].rate, nets[1].cv = append(nets[1].rate, r.Rate), append(nets[1].cv, r.CV)
	}
	for _, n := range nets {
		var rates, cvs []float64
		for seed := uint64(1); seed <= 3; seed++ {
			net := n.build(spikevk.Config{Seed: seed, Backend: benchmarkBackend}, 4000, 0.02)
			rate := net.RateMonitor(net.GroupByName("neurons"))
			if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
				t.Fatal(err)
			}
			net.Close()
			g := net.Summary().Groups[0]
			rates, cvs = append(rates, g.Rate), append(cvs, g.CV)
			_, hz := rate.Rates()
			for bin := range 10 {
				if stat.Mean(hz[bin*1000:(bin+1)*1000], nil) == 0 {
					t.Errorf("%s seed %d: no spikes in %d…%d ms", n.name, seed, bin*100, (bin+1)*100)
				}
			}
		}
		agree(t, n.name+" rate (Hz)", rates, n.rate)
		agree(t, n.name+" CV of ISI", cvs, n.cv)
	}
}

// agree checks that the means of two small samples differ by at most four
// standard errors of their difference.
func agree(t *testing.T, what string, ours, brian []float64) {
	t.Helper()
	se := func(x []float64) float64 {
		sd := math.Max(stat.StdDev(x, nil), 0.02*math.Abs(stat.Mean(x, nil)))
		return sd * sd / float64(len(x))
	}
	diff, bound := stat.Mean(ours, nil)-stat.Mean(brian, nil), 4*math.Sqrt(se(ours)+se(brian))
	t.Logf("%s: spikevk %.3f (%.3v), Brian2 %.3f (%.3v)", what, stat.Mean(ours, nil), ours, stat.Mean(brian, nil), brian)
	if math.Abs(diff) > bound {
		t.Errorf("%s: spikevk %.3f, Brian2 %.3f: they differ by %.3f, more than %.3f", what, stat.Mean(ours, nil), stat.Mean(brian, nil), diff, bound)
	}
}

// benchmarkBackend runs the statistics tests: the CPU reference, which
// needs no device (the Vulkan backend gives the same spikes, TestCOBAExact).
const benchmarkBackend = "cpu"
