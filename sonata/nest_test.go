package sonata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestNESTDialect checks an export of COBA against the rules NEST's
// SonataNetwork reads by (nest-simulator hl_api_sonata.py and
// sonata_connector.cpp, ../shared/reference/scale-out.md §2.1), since NEST
// has no Debian package to load it with.
func TestNESTDialect(t *testing.T) {
	dir := t.TempDir()
	net := coba(t, "400")
	if _, err := Export(net.Network, dir, Options{Target: NEST, Duration: 100}); err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var circuit, sim map[string]any
	if err := json.Unmarshal([]byte(read(CircuitConfig)), &circuit); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(read(SimulationConfig)), &sim); err != nil {
		t.Fatal(err)
	}
	if circuit["target_simulator"] != "NEST" {
		t.Errorf("target_simulator %v, want NEST", circuit["target_simulator"])
	}
	if run, _ := sim["run"].(map[string]any); run["dt"] != 0.1 || run["tstop"] != 100.0 {
		t.Errorf("run %v, want dt 0.1 and tstop 100", run)
	}

	// One model_type per CSV, nest: templates, single spaces.
	for _, tc := range []struct{ file, want string }{
		{"network/node_types.csv", "node_type_id model_type model_template dynamics_params pop_name\n" +
			"101 point_neuron nest:iaf_cond_exp E.json E\n102 point_neuron nest:iaf_cond_exp I.json I\n"},
		{"network/edge_types.csv", "edge_type_id model_template dynamics_params\n100 static_synapse exc.json\n101 static_synapse inh.json\n"},
		// NEST names and units (pF, nS, mV, ms, pA); V_m, g_ex and g_in
		// differ per neuron, so they are per node in nodes.h5.
		{"components/point_neuron_models/E.json", `{
  "t_ref": 5.0,
  "E_L": -60.0,
  "C_m": 200.0,
  "g_L": 10.0,
  "V_th": -50.0,
  "V_reset": -60.0,
  "E_ex": 0.0,
  "E_in": -80.0,
  "tau_syn_ex": 5.0,
  "tau_syn_in": 10.0,
  "I_e": 0.0
}
`},
	} {
		if got := read(tc.file); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.file, got, tc.want)
		}
	}

	r, err := openH5(filepath.Join(dir, "network/edges.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if magic, ok, err := r.attrUint("/", "magic"); err != nil || !ok || magic != 0x0A7A {
		t.Errorf("root attribute magic %#x (%v, %v), want 0x0A7A", magic, ok, err)
	}
	for _, tc := range []struct {
		pop      string
		negative bool // NEST: inhibitory conductances are negative weights
	}{{"exc", false}, {"inh", true}} {
		base := "/edges/" + tc.pop
		members, err := r.members(base)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(members)
		want := []string{"0", "edge_group_id", "edge_group_index", "edge_type_id", "source_node_id", "target_node_id"}
		if !slices.Equal(members, want) {
			t.Errorf("%s holds %v, want %v: exactly one edge group", base, members, want)
		}
		for side, pop := range map[string]string{"source_node_id": "neurons", "target_node_id": "neurons"} {
			if got, ok, err := r.attrString(base+"/"+side, "node_population"); got != pop || !ok || err != nil {
				t.Errorf("%s/%s@node_population %q (%v, %v), want %q", base, side, got, ok, err, pop)
			}
		}
		group, _ := r.members(base + "/0")
		if slices.Sort(group); !slices.Equal(group, []string{"delay", "syn_weight"}) {
			t.Errorf("%s/0 holds %v, want delay and syn_weight only (NEST reads no dynamics_params)", base, group)
		}
		w, _, err := r.numbers(base + "/0/syn_weight")
		if err != nil {
			t.Fatal(err)
		}
		d, _, _ := r.numbers(base + "/0/delay")
		for k := range w {
			if (w[k] < 0) != tc.negative || d[k] < 0.1 {
				t.Fatalf("%s synapse %d: weight %g nS, delay %g ms: want %s weights and delays of one step at least",
					tc.pop, k, w[k], d[k], map[bool]string{true: "negative", false: "positive"}[tc.negative])
			}
		}
	}
}

// TestRefused checks that what has no NEST or PyNN counterpart is
// refused with an error naming the group or projection and why.
func TestRefused(t *testing.T) {
	static := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
	for _, tc := range []struct {
		name  string
		build func(net *spikevk.Network)
		want  []string
	}{
		{"equations", func(net *spikevk.Network) {
			net.Group("rate", 10, spikevk.Equations{Equations: "dv/dt = -v/(10*ms) : volt", Threshold: "v > 1*mV"}.Model())
		}, []string{`group "rate"`, "written as equations", "NESTML"}},
		{"other built-in", func(net *spikevk.Network) {
			net.Group("fhn", 10, spikevk.Builtin("fitzhugh_nagumo"))
		}, []string{`group "fhn"`, `"fitzhugh_nagumo"`, "no NEST built-in", "lif_coba_alpha, lif_cuba_exp, adex, izhikevich, hh_traub, gif_cond_exp"}},
		{"injected current", func(net *spikevk.Network) {
			net.Group("P", 10, spikevk.Builtin("lif_coba_exp")).Inject("I", spikevk.DC("100*pA"))
		}, []string{`group "P"`, "injected currents"}},
		{"PoissonInput", func(net *spikevk.Network) {
			net.Group("P", 10, spikevk.Builtin("lif_coba_exp")).PoissonInput("g_e", 100, "5*Hz", "1*nS")
		}, []string{"PoissonInput", "PoissonGroup"}},
		{"gap junctions", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("gap", p, p, spikevk.Synapses{Model: "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)"}, spikevk.OneToOne())
		}, []string{`projection "gap"`, "gap junctions"}},
		{"plasticity", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("stdp", p, p, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w", OnPost: "w += 0.1*nS"}, spikevk.FixedProbability(0.5))
		}, []string{`projection "stdp"`, "on_post", "plasticity"}},
		{"STDP with a trace above 0", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("stdp", p, p, spikevk.BuiltinSynapses("stdp_song2000"), spikevk.FixedProbability(0.5)).Set("apre", "0.1")
		}, []string{`projection "stdp"`, "stdp_song2000", "apre starts above 0"}},
		{"STDP rule per synapse", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("stdp", p, p, spikevk.BuiltinSynapses("stdp_song2000"), spikevk.FixedProbability(0.5)).Set("taupre", "(10 + 10*rand())*ms")
		}, []string{`projection "stdp"`, "taupre differs between synapses"}},
		{"other variable", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("tov", p, p, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.FixedProbability(0.5))
		}, []string{`projection "tov"`, "not a synaptic input of lif_coba_exp (g_e, g_i)"}},
		{"state the target cannot set", func(net *spikevk.Network) {
			net.Group("G", 10, spikevk.Builtin("gif_psc_exp")).Set("eta_1", "10*pA")
		}, []string{`group "G"`, "eta_1 of neuron 0 starts at 10", "gif_psc_exp cannot set it"}},
		{"list parameter per neuron", func(net *spikevk.Network) {
			net.Group("G", 10, spikevk.Builtin("gif_cond_exp")).Set("q_stc_1", "rand()*pA")
		}, []string{`group "G"`, "q_stc_1 differs between neurons", "q_stc as one list per node type"}},
		{"refractory condition", func(net *spikevk.Network) {
			f, err := builtinFile("lif_coba_exp")
			if err != nil {
				panic(err)
			}
			f.Refractory = "v > V_th"
			net.Group("P", 10, spikevk.FileModel(f))
		}, []string{`group "P"`, `refractory period "v > V_th"`, "only a duration in ms"}},
		{"negative conductance", func(net *spikevk.Network) {
			p := net.Group("P", 10, spikevk.Builtin("lif_coba_exp"))
			net.Connect("neg", p, p, static, spikevk.FixedProbability(0.5)).Set("w", "-1*nS")
		}, []string{`projection "neg"`, "negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			tc.build(net)
			_, err := Export(net, t.TempDir(), Options{Duration: 10})
			if err == nil {
				t.Fatal("exported")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
