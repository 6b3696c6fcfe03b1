package examples_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// load builds an example's network file on the CPU backend, with -set
// overrides as pairs.
func load(t *testing.T, example string, sets ...string) *netfile.Network {
	t.Helper()
	f, err := netfile.Load(filepath.Join(example, example+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k+1 < len(sets); k += 2 {
		if err := f.Set(sets[k], sets[k+1]); err != nil {
			t.Fatal(err)
		}
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	return net
}

// sameSpikes runs two networks for ms and checks that the groups called
// name spike alike, spike for spike.
func sameSpikes(t *testing.T, a, b *spikevk.Network, name string, ms float64) {
	t.Helper()
	ma, mb := a.SpikeMonitor(a.GroupByName(name)), b.SpikeMonitor(b.GroupByName(name))
	for _, net := range []*spikevk.Network{a, b} {
		if err := net.Run(context.Background(), ms); err != nil {
			t.Fatal(err)
		}
	}
	ia, ta := ma.Spikes()
	ib, tb := mb.Spikes()
	if len(ia) == 0 || !slices.Equal(ia, ib) || !slices.Equal(ta, tb) {
		t.Errorf("%s: %d spikes from the file, %d from the Go API", name, len(ia), len(ib))
	}
}

// TestBenchmarkFiles checks that examples/coba and examples/cuba build the
// networks of spikevk.COBA and spikevk.CUBA, whose statistics
// TestBenchmarkActivity compares with Brian2 2.5.1 (testdata/brian2).
func TestBenchmarkFiles(t *testing.T) {
	for _, tt := range []struct {
		example string
		build   func(spikevk.Config, int, float64) *spikevk.Network
	}{{"coba", spikevk.COBA}, {"cuba", spikevk.CUBA}} {
		t.Run(tt.example, func(t *testing.T) {
			net := load(t, tt.example, "seed", "2")
			ref := tt.build(spikevk.Config{Seed: 2, Backend: "cpu"}, 4000, 0.02)
			defer ref.Close()
			sameSpikes(t, net.Network, ref, "neurons", 200)
		})
	}
}
