package spikevk_test

import (
	"context"
	"maps"
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestConnectSubgroups checks the connectivity rules through the API on
// overlapping subgroups: indices count from each subgroup's start, and the
// neuron that is both source and target is not connected to itself.
func TestConnectSubgroups(t *testing.T) {
	syn := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
	tests := []struct {
		name  string
		rule  spikevk.Rule
		check func(t *testing.T, i, j []int)
	}{
		{"in-degree", spikevk.FixedInDegree(5), func(t *testing.T, i, j []int) {
			in := map[int]int{}
			for _, x := range j {
				in[x]++
			}
			for post := range 50 {
				if in[post] != 5 {
					t.Fatalf("target %d has %d sources, want 5", post, in[post])
				}
			}
		}},
		{"out-degree", spikevk.FixedOutDegree(7), func(t *testing.T, i, j []int) {
			if len(i) != 50*7 {
				t.Fatalf("%d synapses, want %d", len(i), 50*7)
			}
		}},
		{"all-to-all", spikevk.AllToAll(), func(t *testing.T, i, j []int) {
			if len(i) != 50*50-10 { // 10 neurons (50…59) are in both
				t.Fatalf("%d synapses, want %d", len(i), 50*50-10)
			}
		}},
		{"total", spikevk.FixedTotal(123), func(t *testing.T, i, j []int) {
			if len(i) != 123 {
				t.Fatalf("%d synapses, want 123", len(i))
			}
		}},
		{"pairs", spikevk.Pairs([]int{0, 49, 3}, []int{1, 0, 3}), func(t *testing.T, i, j []int) {
			want := [][2]int{{0, 1}, {3, 3}, {49, 0}}
			for k := range want {
				if i[k] != want[k][0] || j[k] != want[k][1] {
					t.Fatalf("synapse %d: %d→%d, want %v", k, i[k], j[k], want[k])
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := spikevk.New(spikevk.Config{Seed: 4, Backend: "cpu"})
			g := net.Group("g", 100, spikevk.Builtin("lif_coba_exp"))
			p := net.Connect("p", g.Slice(10, 60), g.Slice(50, 100), syn, tt.rule).Set("w", "1*nS")
			if err := net.Run(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			i, j, err := p.Synapses()
			if err != nil {
				t.Fatal(err)
			}
			for k := range i {
				if i[k] < 0 || i[k] >= 50 || j[k] < 0 || j[k] >= 50 {
					t.Fatalf("synapse %d→%d outside the subgroups", i[k], j[k])
				}
				if tt.name != "pairs" && 10+i[k] == 50+j[k] {
					t.Fatalf("autapse of neuron %d", 10+i[k])
				}
			}
			tt.check(t, i, j)
		})
	}
}

// TestDelays sends one spike through synapses with given delays and checks
// when each target's conductance jumps: a spike in step s with delay d
// arrives at the start of step s+1+d.
func TestDelays(t *testing.T) {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	src := net.Group("src", 1, spikevk.Equations{Equations: "dv/dt = 1/ms : 1", Threshold: "v > 0.95 and v < 1.05"}.Model())
	dst := net.Group("dst", 4, spikevk.Equations{Equations: "dg/dt = 0*nS/ms : siemens"}.Model())
	net.Connect("c", src, dst, spikevk.Synapses{Model: "w : siemens", OnPre: "g_post += w"}, spikevk.AllToAll()).
		Set("w", "(j + 1)*nS").SetDelayArray([]float64{0, 0.1, 0.5, 2.5}, "ms")
	spikes := net.SpikeMonitor(src)
	var arrivals [4]float64
	for step := 0; step < 60; step++ {
		if err := net.Run(context.Background(), 0.1); err != nil {
			t.Fatal(err)
		}
		g, err := dst.Get("g")
		if err != nil {
			t.Fatal(err)
		}
		for k, x := range g {
			if x != 0 && arrivals[k] == 0 {
				arrivals[k] = float64(step)
				if x != float32(k+1) {
					t.Errorf("target %d got %v nS, want %d", k, x, k+1)
				}
			}
		}
	}
	_, ts := spikes.Spikes()
	if len(ts) != 1 {
		t.Fatalf("%d source spikes, want 1", len(ts))
	}
	s := ts[0] / 0.1 // the step of the spike
	for k, d := range []float64{0, 1, 5, 25} {
		if want := s + 1 + d; arrivals[k] != float64(int(want+0.5)) {
			t.Errorf("target %d (delay %v steps): input seen after step %v, want %v", k, d, arrivals[k], want)
		}
	}
}

// TestWeightDistributions draws weights from the distributions users
// write as expressions and checks their moments.
func TestWeightDistributions(t *testing.T) {
	tests := []struct {
		expr     string
		mean, sd float64
		lo, hi   float64
		tolMean  float64
		tolSD    float64
	}{
		{"6*nS", 6, 0, 6, 6, 0, 0},
		{"rand()*4*nS", 2, 4 / math.Sqrt(12), 0, 4, 0.02, 0.02},
		{"6*nS + 1.5*nS*randn()", 6, 1.5, math.Inf(-1), math.Inf(1), 0.02, 0.02},
		// lognormal: exp(mu + s·N) with mu = log(6), s = 0.5: mean 6·e^(s²/2), sd mean·sqrt(e^(s²)-1).
		{"exp(log(6) + 0.5*randn())*nS", 6 * math.Exp(0.125), 6 * math.Exp(0.125) * math.Sqrt(math.Exp(0.25)-1), 0, math.Inf(1), 0.04, 0.06},
		{"clip(6*nS + 3*nS*randn(), 0*nS, 8*nS)", math.NaN(), math.NaN(), 0, 8, 0, 0},
	}
	for _, tt := range tests {
		net := spikevk.New(spikevk.Config{Seed: 11, Backend: "cpu"})
		g := net.Group("g", 300, spikevk.Builtin("lif_coba_exp"))
		p := net.Connect("p", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll()).Set("w", tt.expr)
		if err := net.Run(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		w, err := p.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		var s, s2 float64
		for _, x := range w {
			if float64(x) < tt.lo || float64(x) > tt.hi {
				t.Fatalf("%s: weight %v outside [%v, %v]", tt.expr, x, tt.lo, tt.hi)
			}
			s += float64(x)
			s2 += float64(x) * float64(x)
		}
		n := float64(len(w))
		mean := s / n
		sd := math.Sqrt(s2/n - mean*mean)
		if !math.IsNaN(tt.mean) && (math.Abs(mean-tt.mean) > tt.tolMean*tt.mean+1e-6 || math.Abs(sd-tt.sd) > tt.tolSD*tt.sd+1e-6) {
			t.Errorf("%s: mean %.4f sd %.4f, want %.4f and %.4f", tt.expr, mean, sd, tt.mean, tt.sd)
		}
	}
}

// TestPairsValuesInGivenOrder: values given per pair follow the pairs as
// given, not the synapses' order (grouped by source), as in Brian2.
func TestPairsValuesInGivenOrder(t *testing.T) {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	g := net.Group("g", 2, spikevk.Builtin("lif_coba_exp"))
	p := net.Connect("c", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
		spikevk.Pairs([]int{0, 1, 0, 1}, []int{0, 1, 1, 0})).SetArray("w", []float64{1, 2, 3, 4}, "nS").
		SetDelayArray([]float64{0.1, 0.2, 0.3, 0.4}, "ms")
	if err := net.Run(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	i, j, _ := p.Synapses()
	w, _ := p.Get("w")
	got := map[[2]int]float32{}
	for k := range i {
		got[[2]int{i[k], j[k]}] = w[k]
	}
	want := map[[2]int]float32{{0, 0}: 1, {1, 1}: 2, {0, 1}: 3, {1, 0}: 4}
	if !maps.Equal(got, want) {
		t.Errorf("weights by pair %v, want %v", got, want)
	}
}

// TestOnPreTargets: on_pre may add to a state variable or, as in Brian2,
// to a parameter, unless values computed once before the run depend on
// that parameter (the propagator of exact integration does, on I of
// lif_cuba_exp); an unknown target is an error naming the variables.
func TestOnPreTargets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		model  spikevk.Model
		target string
		unit   string // of the target
		want   string // error; empty: none
	}{
		{"a parameter", spikevk.Equations{Equations: "v : 1"}.Model(), "v", "1", ""},
		{"a parameter of an explicit method", spikevk.Equations{Equations: "dx/dt = (I - x)/(10*ms) : 1\nI : 1", Method: "euler"}.Model(), "I", "1", ""},
		{"a parameter of the propagator", spikevk.Builtin("lif_cuba_exp"), "I", "pA", "values computed once before the run depend on"},
		{"a subexpression", spikevk.Equations{Equations: "dv/dt = -v/(10*ms) : 1\ns = 2*v : 1"}.Model(), "s", "1", "s is not a state variable or parameter of group"},
		{"no such variable", spikevk.Builtin("lif_cuba_exp"), "u", "1", "u_post is neither a synapse variable nor a variable of the neurons"},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		src := net.SpikeGenerator("src", 1, []int{0}, []float64{1})
		tgt := net.Group("tgt", 1, tc.model)
		w := map[string]string{"1": "w : 1", "pA": "w : amp"}[tc.unit]
		net.Connect("s", src, tgt, spikevk.Synapses{Model: w, OnPre: tc.target + "_post += w"}, spikevk.AllToAll()).Set("w", "2*"+tc.unit)
		err := net.Run(context.Background(), 3)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "":
			if x, _ := tgt.Get(tc.target); x[0] != 2 {
				t.Errorf("%s: %s = %v after one spike of weight 2", tc.name, tc.target, x[0])
			}
		case err == nil || !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		net.Close()
	}
}
