package spikevk_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

func cpuCOBA(size int, seed uint64) *spikevk.Network {
	return spikevk.COBA(spikevk.Config{Seed: seed, Backend: "cpu"}, size, 80.0/float64(size))
}

// TestRunContinues checks that two runs give the same spikes as one run of
// their total length.
func TestRunContinues(t *testing.T) {
	spikes := func(durations ...float64) ([]int32, []float64) {
		net := cpuCOBA(500, 3)
		m := net.SpikeMonitor(net.GroupByName("neurons"))
		for _, d := range durations {
			if err := net.Run(context.Background(), d); err != nil {
				t.Fatal(err)
			}
		}
		return m.Spikes()
	}
	i1, t1 := spikes(100)
	i2, t2 := spikes(33.3, 0, 66.7)
	if len(i1) == 0 {
		t.Fatal("no spikes")
	}
	if !slices.Equal(i1, i2) || !slices.Equal(t1, t2) {
		t.Errorf("runs of 33.3, 0 and 66.7 ms give %d spikes, one run of 100 ms %d", len(i2), len(i1))
	}
}

func TestCancel(t *testing.T) {
	net := cpuCOBA(500, 3)
	m := net.SpikeMonitor(net.GroupByName("neurons"))
	if err := net.Run(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	kept := m.Count()
	if err := net.Run(ctx, 100); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v, want context.Canceled", err)
	}
	if m.Count() != kept || net.Summary().Time != 10 {
		t.Errorf("a cancelled run changed the records (%d spikes, %g ms)", m.Count(), net.Summary().Time)
	}
}

// TestMonitors checks a monitor of a subgroup with selected neurons and a
// rate monitor against a monitor of the whole group.
func TestMonitors(t *testing.T) {
	net := cpuCOBA(500, 5)
	all := net.GroupByName("neurons")
	whole := net.SpikeMonitor(all)
	some := net.SpikeMonitor(all.Slice(100, 200), 0, 5, 99)
	rate := net.RateMonitor(all.Slice(100, 200))
	if err := net.Run(context.Background(), 200); err != nil {
		t.Fatal(err)
	}
	wi, wt := whole.Spikes()
	var wantI []int32
	var wantT []float64
	count := map[float64]int{}
	for k, i := range wi {
		if i >= 100 && i < 200 {
			count[wt[k]]++
			if i == 100 || i == 105 || i == 199 {
				wantI, wantT = append(wantI, i-100), append(wantT, wt[k])
			}
		}
	}
	gi, gt := some.Spikes()
	if len(wantI) == 0 || !slices.Equal(gi, wantI) || !slices.Equal(gt, wantT) {
		t.Errorf("selected monitor has %d spikes, want %d", len(gi), len(wantI))
	}
	times, hz := rate.Rates()
	if len(hz) != 2000 || times[1] != float64(float32(0.1)) {
		t.Fatalf("%d rates, second at %v ms", len(hz), times[1])
	}
	for k, r := range hz {
		if want := float64(count[times[k]]) / 100 / 1e-4; math.Abs(r-want) > 1e-9 {
			t.Fatalf("rate at %v ms = %v Hz, want %v", times[k], r, want)
		}
	}
	s := net.Summary()
	if s.Groups[0].Spikes != uint64(whole.Count()) || s.Time != 200 || s.Synapses == 0 || s.Events == 0 {
		t.Errorf("summary %+v disagrees with the monitor (%d spikes)", s, whole.Count())
	}
}

func TestAPIErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		build func(net *spikevk.Network) error
		want  string
	}{
		{"unknown model", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_nope"))
			return net.Run(ctx, 1)
		}, "lif_nope"},
		{"unknown variable", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp")).Set("V_thresh", "-50*mV")
			return net.Run(ctx, 1)
		}, `group "g": model lif_coba_exp has no variable "V_thresh"`},
		{"slice", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp")).Slice(5, 11)
			return net.Run(ctx, 1)
		}, "slice 5:11 outside its 10 neurons"},
		{"target", func(net *spikevk.Network) error {
			g := net.Group("g", 10, spikevk.Builtin("lif_cuba_exp"))
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll())
			return net.Run(ctx, 1)
		}, `projection "c"`},
		{"duration", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			return net.Run(ctx, 0.25)
		}, "not a whole number of time steps"},
		{"nan weight", func(net *spikevk.Network) error {
			g := net.Group("g", 3, spikevk.Builtin("lif_coba_exp"))
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll()).Set("w", "sqrt(-1*nS*nS)")
			return net.Run(ctx, 1)
		}, `projection "c": value of w is NaN for synapse 0 (0 → 1): not a finite number`},
		{"negative duration", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			return net.Run(ctx, -5)
		}, "duration -5 ms is negative"},
		{"run after close", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			if err := net.Run(ctx, 1); err != nil {
				return err
			}
			net.Close()
			return net.Run(ctx, 1)
		}, "the network is closed"},
		{"backend", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			return net.Run(ctx, 1)
		}, `unknown backend "quantum"`},
		{"workers", func(net *spikevk.Network) error {
			net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			return net.Run(ctx, 1)
		}, "-2 workers: want 0 (one per core) or more"},
		{"change after run", func(net *spikevk.Network) error {
			g := net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			if err := net.Run(ctx, 1); err != nil {
				return err
			}
			g.Set("v", "-70*mV")
			return net.Run(ctx, 1)
		}, "cannot change after its first Run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := spikevk.Config{Backend: "cpu"}
			switch tt.name {
			case "backend":
				cfg.Backend = "quantum"
			case "workers":
				cfg.Workers = -2
			}
			net := spikevk.New(cfg)
			defer net.Close()
			err := tt.build(net)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestPoissonGroup checks the rate and the interspike intervals of Poisson
// sources: in steps of dt a spike comes with probability p = r·dt, so the
// intervals are geometric with mean 1/p steps and CV sqrt(1-p). Only each
// neuron's first ten intervals are used: they end long before the run
// does, so the window does not cut off the long ones.
func TestPoissonGroup(t *testing.T) {
	const n, rate, duration, dt = 1000, 40.0, 2000.0, 0.1
	net := spikevk.New(spikevk.Config{Seed: 9, Backend: "cpu"})
	g := net.PoissonGroup("p", n, "40*Hz")
	m := net.SpikeMonitor(g)
	if err := net.Run(context.Background(), duration); err != nil {
		t.Fatal(err)
	}
	p := rate * dt / 1000
	steps := duration / dt
	mean, sd := n*steps*p, math.Sqrt(n*steps*p*(1-p))
	if got := float64(m.Count()); math.Abs(got-mean) > 4*sd {
		t.Errorf("%v spikes, want %v ± %v", got, mean, 4*sd)
	}
	ii, tt := m.Spikes()
	last := map[int32]float64{}
	seen := map[int32]int{}
	var isi []float64
	for k, i := range ii {
		if l, ok := last[i]; ok && seen[i] <= 10 {
			isi = append(isi, math.Round((tt[k]-l)/dt))
		}
		last[i] = tt[k]
		seen[i]++
	}
	var s, s2 float64
	for _, x := range isi {
		s += x
		s2 += x * x
	}
	k := float64(len(isi))
	mu := s / k
	cv := math.Sqrt(s2/k-mu*mu) / mu
	if k != 10*n {
		t.Fatalf("%v intervals, want %d", k, 10*n)
	}
	// The mean of k geometric intervals has sd sqrt(1-p)/p/sqrt(k).
	if want, se := 1/p, math.Sqrt(1-p)/p/math.Sqrt(k); math.Abs(mu-want) > 4*se {
		t.Errorf("mean interval %v steps, want %v ± %v", mu, want, 4*se)
	}
	if want := math.Sqrt(1 - p); math.Abs(cv-want) > 0.04 {
		t.Errorf("CV of intervals %v, want %v ± 0.04", cv, want)
	}
}
