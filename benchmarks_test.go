package spikevk_test

import (
	"context"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestBenchmarkActivity runs the COBA and CUBA networks of Brette et al.
// (2007) for 1 s over three seeds and checks what the paper describes:
// self-sustained, asynchronous irregular activity. No rate was published
// (reference/models.md §2), so the bounds are broad: a mean rate between 2
// and 60 Hz, a mean CV of the interspike intervals between 0.5 and 1.5, and
// spikes in every 100 ms.
func TestBenchmarkActivity(t *testing.T) {
	if testing.Short() {
		t.Skip("1 s of two 4,000-neuron networks on the CPU")
	}
	nets := map[string]func(spikevk.Config, int, float64) *spikevk.Network{"COBA": spikevk.COBA, "CUBA": spikevk.CUBA}
	for name, build := range nets {
		for seed := uint64(1); seed <= 3; seed++ {
			net := build(spikevk.Config{Seed: seed, Backend: "cpu"}, 4000, 0.02)
			rate := net.RateMonitor(net.GroupByName("neurons"))
			if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
				t.Fatal(err)
			}
			g := net.Summary().Groups[0]
			t.Logf("%s seed %d: %.2f Hz, CV %.3f", name, seed, g.Rate, g.CV)
			if g.Rate < 2 || g.Rate > 60 || g.CV < 0.5 || g.CV > 1.5 {
				t.Errorf("%s seed %d: rate %.2f Hz and CV %.3f outside 2…60 Hz and 0.5…1.5", name, seed, g.Rate, g.CV)
			}
			_, hz := rate.Rates()
			for bin := 0; bin < 10; bin++ {
				sum := 0.0
				for _, r := range hz[bin*1000 : (bin+1)*1000] {
					sum += r
				}
				if sum == 0 {
					t.Errorf("%s seed %d: no spikes in %d…%d ms", name, seed, bin*100, (bin+1)*100)
				}
			}
		}
	}
}
