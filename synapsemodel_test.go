package spikevk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// A built-in synapse model with another target and one default changed.
func ExampleBuiltinSynapses() {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	in := net.PoissonGroup("in", 10, "20*Hz")
	out := net.Group("out", 1, spikevk.Builtin("lif_coba_exp"))
	tm := net.Connect("tm", in, out, spikevk.BuiltinSynapses("tsodyks_markram").Target("g_i").Default("U", "0.2"), spikevk.AllToAll())
	if err := net.Run(context.Background(), 0); err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"U", "tau_rec", "x"} {
		v, _ := tm.Get(name)
		fmt.Println(name, v[0])
	}
	// Output:
	// U 0.2
	// tau_rec 800
	// x 1
}

// TestSynapseModels: a model file's defaults and initial values reach
// every synapse, Projection.Set overrides them, a weight may follow the
// unit of its target, and on_pre acts on the target chosen.
func TestSynapseModels(t *testing.T) {
	net := spikevk.New(spikevk.Config{Backend: "cpu", Seed: 7})
	defer net.Close()
	in := net.SpikeGenerator("in", 2, []int{0, 1}, []float64{1, 1})
	cur := net.Group("cur", 1, spikevk.Equations{Equations: "dx/dt = -x/(5*ms) : amp"}.Model())
	stdp := net.Connect("stdp", in, cur, spikevk.STDPSynapses("x", "2*pA"), spikevk.AllToAll()).Set("w", "0.25 + 0.5*i")
	lif := net.Group("lif", 1, spikevk.Builtin("lif_coba_exp"))
	tm := net.Connect("tm", in, lif, spikevk.TsodyksMarkram("g_i"), spikevk.AllToAll()).Set("tau_rec", "100*ms")
	xs := net.StateMonitor(cur, []string{"x"}, 0)
	if err := net.Run(context.Background(), 1.2); err != nil {
		t.Fatal(err)
	}
	get := func(p *spikevk.Projection, name string) []float32 {
		v, err := p.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if w, wmax, apost := get(stdp, "w"), get(stdp, "w_max"), get(stdp, "Apost"); w[0] != 0.25 || w[1] != 0.75 || wmax[0] != 2 || apost[0] != float32(-1.05)*float32(0.01) {
		t.Errorf("stdp: w %v, w_max %v pA, Apost %v; want 0.25 and 0.75, 2 pA, -0.0105", w, wmax, apost)
	}
	// The spikes of step 10 arrive at the start of step 11.
	if _, x, _ := xs.Values("x"); len(x) != 12 || x[10][0] != 0 || x[11][0] != 2*(0.25+0.75) {
		t.Errorf("the current target received %v pA, want w·w_max summed in step 11: 2 pA", x)
	}
	if tr, u := get(tm, "tau_rec"), get(tm, "u"); tr[0] != 100 || u[0] != 0.5 {
		t.Errorf("tsodyks_markram: tau_rec %v ms, u %v after one spike; want 100 and U = 0.5", tr[0], u[0])
	}
	if gi, _ := lif.Get("g_i"); gi[0] <= 0 {
		t.Errorf("g_i = %v: the spikes did not reach the target chosen", gi[0])
	}
	if ge, _ := lif.Get("g_e"); ge[0] != 0 {
		t.Errorf("g_e = %v: the file's own target received input", ge[0])
	}
}

// TestSynapseModelErrors: a missing file, an unknown model or parameter,
// a target for synapses without a file, and an error in a file's code
// name what is wrong, and where.
func TestSynapseModelErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nequations: |\n  w : siemens\non_pre: |\n  g_e_post += w*mV\n"), 0o644)
	for _, tc := range []struct {
		syn  spikevk.Synapses
		want string
	}{
		{spikevk.LoadSynapses(filepath.Join(dir, "none.yaml")), "none.yaml: no such file"},
		{spikevk.LoadSynapses(bad), "bad.yaml:5:"},
		{spikevk.BuiltinSynapses("stdp"), `no built-in synapse model "stdp"; the built-in synapse models are stdp_multiplicative, stdp_song2000, tsodyks_markram`},
		{spikevk.BuiltinSynapses("stdp_song2000").Default("tau", "1*ms"), "the synapse model has no parameter tau"},
		{spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}.Target("g_i"), "the synapses come from no model file"},
		{spikevk.BuiltinSynapses("stdp_song2000").Default("w_max", "1*mV"), "w_max"},
		{spikevk.STDPSynapses("g_e", "1*mV/ms**3"), "has no unit of its own"},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		in := net.PoissonGroup("in", 2, "5*Hz")
		out := net.Group("out", 2, spikevk.Builtin("lif_coba_exp"))
		net.Connect("syn", in, out, tc.syn, spikevk.AllToAll())
		err := net.Run(context.Background(), 0)
		net.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `projection "syn"`) {
			t.Errorf("error %v, want one naming the projection and containing %q", err, tc.want)
		}
	}
}

// TestSynapseModelEdited: the texts of a model file's Synapses are the
// model; edit them, and the edit counts, with the file's defaults.
func TestSynapseModelEdited(t *testing.T) {
	tm := spikevk.BuiltinSynapses("tsodyks_markram")
	if !strings.Contains(tm.OnPre, "x -= u*x") || !strings.Contains(tm.Model, "tau_rec : second") {
		t.Fatalf("BuiltinSynapses left the texts empty: %+v", tm)
	}
	tm.OnPre = strings.Replace(tm.OnPre, "x -= u*x", "", 1) // no depletion
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	in := net.SpikeGenerator("in", 1, []int{0, 0}, []float64{1, 2})
	p := net.Connect("tm", in, net.Group("out", 1, spikevk.Builtin("lif_coba_exp")), tm, spikevk.AllToAll())
	if err := net.Run(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	x, _ := p.Get("x")
	u, _ := p.Get("u")
	// Unedited, the second spike would leave x near 0.25.
	if x[0] != 1 || u[0] != 0.5 {
		t.Errorf("after two spikes x = %v, u = %v; want x = 1 (no depletion) and u = U = 0.5 (τ_facil 0.001 ms)", x[0], u[0])
	}
}
