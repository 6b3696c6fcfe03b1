package spikevk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestModelWarningsInNetworks checks that a network drops the warnings of
// its models that do not apply to it: parameters without a default that
// the group sets, and states without an initial value in equations written
// in place (which start at 0, as in Brian2) or that the group sets. A model
// file with a name keeps the warning for a state nobody sets.
func TestModelWarningsInNetworks(t *testing.T) {
	eqs := "dv/dt = (E_L - v)/tau : volt\ndx/dt = -x/tau : 1\nE_L : volt\ntau : second"
	file := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(file, []byte("name: m\nequations: |\n  "+strings.ReplaceAll(eqs, "\n", "\n  ")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		model spikevk.Model
		set   []string
		want  string // a warning; empty: none
	}{
		{"equations", spikevk.Equations{Equations: eqs}.Model(), []string{"E_L", "tau"}, ""},
		{"named file, states set", spikevk.LoadModel(file), []string{"E_L", "tau", "v", "x"}, ""},
		{"named file, x unset", spikevk.LoadModel(file), []string{"E_L", "tau", "v"}, "state variable x has no initial value"},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		g := net.Group("g", 4, tt.model)
		for _, v := range tt.set {
			g.Set(v, map[string]string{"E_L": "-65*mV", "tau": "10*ms", "v": "-65*mV", "x": "1"}[v])
		}
		if err := net.Run(context.Background(), 0); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := strings.Join(net.Warnings(), "\n")
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%s: warnings %q, want %q", tt.name, got, tt.want)
		}
		net.Close()
	}
}

// TestSummedNeedsNoDefault checks that a parameter a projection sums into
// (Brian2's "(summed)") needs no value of its own, as in Brian2: two cells
// coupled by a gap junction, the second at rest, the first held above it,
// and the second's I_gap pulls it up.
func TestSummedNeedsNoDefault(t *testing.T) {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	cells := net.Group("cells", 2, spikevk.Equations{Equations: `dv/dt = (-70*mV - v)/(10*ms) + I_gap/(100*pF) + I_hold/(100*pF) : volt
I_gap : amp
I_hold : amp`}.Model())
	cells.Set("v", "-70*mV").Set("I_hold", "int(i == 0)*200*pA")
	net.Connect("gap", cells, cells, spikevk.Synapses{Model: "w : siemens\nI_gap_post = w*(v_pre - v_post) : amp (summed)"},
		spikevk.Pairs([]int{0, 1}, []int{1, 0})).Set("w", "1*nS")
	if err := net.Run(context.Background(), 50); err != nil {
		t.Fatal(err)
	}
	v, err := cells.Get("v")
	if err != nil {
		t.Fatal(err)
	}
	if !(v[1] > -70) || !(v[0] > v[1]) {
		t.Errorf("v = %v mV: the junction does not pull the second cell up", v)
	}
}

// TestThresholdWarningInNetworks: the warning that the initial state is
// above the threshold is about the model's own initial values; a group
// that sets its initial state drops it, and PoissonInput's source (which
// spikes every step by design) never shows it, nor appears in Summary.
func TestThresholdWarningInNetworks(t *testing.T) {
	model := spikevk.Equations{Equations: "dv/dt = -v/(10*ms) : volt", Threshold: "v > -50*mV", Reset: "v = -70*mV"}.Model()
	for _, tt := range []struct {
		name string
		set  bool
		want bool
	}{{"v unset", false, true}, {"v set", true, false}} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		g := net.Group("g", 3, model)
		if tt.set {
			g.Set("v", "-70*mV")
		}
		net.Group("h", 2, spikevk.Builtin("lif_coba_exp")).PoissonInput("g_e", 100, "5*Hz", "1*nS")
		if err := net.Run(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(net.Warnings(), "\n")
		if strings.Contains(got, "above the threshold") != tt.want || strings.Contains(got, "poissoninput") {
			t.Errorf("%s: warnings %q", tt.name, got)
		}
		if sum := net.Summary(); len(sum.Groups) != 2 || sum.Neurons != 5 || sum.Synapses != 0 || len(sum.Projections) != 0 {
			t.Errorf("%s: the summary shows PoissonInput's own group or synapses: %d groups, %d neurons, %d synapses",
				tt.name, len(sum.Groups), sum.Neurons, sum.Synapses)
		}
		net.Close()
	}
}

// TestUnstableRestWithGroupValues: the wrong-sign leak of seed 001 warns
// when written with spikevk.Equations and its parameters set on the group
// (no defaults), as it does in a model file; the right sign does not.
func TestUnstableRestWithGroupValues(t *testing.T) {
	for _, tt := range []struct {
		leak string
		want bool
	}{{"(v - E_L)/tau", true}, {"(E_L - v)/tau", false}} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		net.Group("g", 3, spikevk.Equations{Equations: "dv/dt = " + tt.leak + " : volt\nE_L : volt\ntau : second"}.Model()).
			Set("E_L", "-70*mV").Set("tau", "10*ms").Set("v", "-70*mV + 1*mV")
		if err := net.Run(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(net.Warnings(), "\n")
		if strings.Contains(got, "the resting state is unstable") != tt.want {
			t.Errorf("dv/dt = %s: warnings %q", tt.leak, got)
		}
		net.Close()
	}
}
