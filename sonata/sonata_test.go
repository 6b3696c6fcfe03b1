package sonata

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/examples"
	"github.com/spikevk/spikevk/netfile"
)

// coba builds the default network (examples/coba) with size neurons on
// the CPU reference.
func coba(t *testing.T, size string) *netfile.Network {
	t.Helper()
	f, err := netfile.Parse("coba.yaml", examples.COBA)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("size", size); err != nil {
		t.Fatal(err)
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// driven is a network with what COBA lacks: current-based neurons, a
// Poisson group, a spike generator, and delays of 0 and more steps.
func driven() *spikevk.Network {
	net := spikevk.New(spikevk.Config{Backend: "cpu", Seed: 7})
	p := net.Group("P", 200, spikevk.Builtin("lif_cuba_exp"))
	p.Set("v", "E_L + rand()*(V_th - E_L)")
	p.Set("tau_m", "(10 + 5*rand())*ms")
	in := net.PoissonGroup("drive", 100, "40*Hz")
	gen := net.SpikeGenerator("kick", 3, []int{0, 1, 2, 0}, []float64{10, 20.5, 30, 55})
	net.Connect("fromdrive", in, p, spikevk.Synapses{Model: "w : amp", OnPre: "I_e_post += w"}, spikevk.FixedProbability(0.2)).
		Set("w", "(20 + 20*rand())*pA").SetDelay("rand()*2*ms")
	net.Connect("fromkick", gen, p, spikevk.Synapses{Model: "w : amp", OnPre: "I_e += w"}, spikevk.AllToAll()).
		Set("w", "300*pA").SetDelay("1.5*ms")
	net.Connect("recurrent", p, p, spikevk.Synapses{Model: "w : amp", OnPre: "I_i_post += w"}, spikevk.FixedProbability(0.05)).
		Set("w", "-30*pA")
	return net
}

// spikes runs net for ms with a spike monitor on every whole group and
// returns their spikes by group name, as "i@t" lists.
func spikes(t *testing.T, net *spikevk.Network, ms float64) map[string][]string {
	t.Helper()
	mons := map[string]*spikevk.SpikeMonitor{}
	for _, g := range net.Groups() {
		mons[g.Name()] = net.SpikeMonitor(g)
	}
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for name, m := range mons {
		i, ts := m.Spikes()
		for k := range i {
			out[name] = append(out[name], fmt.Sprintf("%d@%g", i[k], ts[k]))
		}
		slices.Sort(out[name])
	}
	return out
}

// TestRoundTrip exports a network, opens the export, runs both for the
// same time and wants identical spikes.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target Target
		net    func(t *testing.T) *spikevk.Network
		ms     float64
	}{
		{"coba/nest", NEST, func(t *testing.T) *spikevk.Network { return coba(t, "800").Network }, 300},
		{"coba/pynn", PyNN, func(t *testing.T) *spikevk.Network { return coba(t, "800").Network }, 300},
		{"driven/nest", NEST, func(*testing.T) *spikevk.Network { return driven() }, 200},
		{"driven/pynn", PyNN, func(*testing.T) *spikevk.Network { return driven() }, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			res, err := Export(tc.net(t), dir, Options{Target: tc.target, Duration: tc.ms})
			if err != nil {
				t.Fatal(err)
			}
			sim, err := Open(filepath.Join(dir, CircuitConfig), spikevk.Config{Backend: "cpu"})
			if err != nil {
				t.Fatal(err)
			}
			if sim.Duration != tc.ms {
				t.Errorf("duration %g ms, want %g", sim.Duration, tc.ms)
			}
			want, got := spikes(t, tc.net(t), tc.ms), spikes(t, sim.Network, sim.Duration)
			total := 0
			for name, w := range want {
				total += len(w)
				if !slices.Equal(got[name], w) {
					t.Errorf("group %q: %d spikes after the round trip, %d before, first differences: %v vs %v",
						name, len(got[name]), len(w), head(got[name]), head(w))
				}
			}
			if total == 0 {
				t.Error("no spikes: the test compares nothing")
			}
			t.Logf("%d nodes, %d synapses, %d files, %d bytes, %d spikes", res.Nodes, res.Synapses, len(res.Files), res.Bytes, total)
		})
	}
}

func head(x []string) []string { return x[:min(len(x), 5)] }
