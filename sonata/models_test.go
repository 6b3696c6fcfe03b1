package sonata

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// modelCase is a network of one built-in model under Poisson input into
// its excitatory and inhibitory synapses, for the round trip and the
// PyNN comparison.
type modelCase struct {
	model    string
	set      string // the group's set: block, YAML flow
	nestSet  string // more of it for NEST only (states PyNN cannot set)
	exc, inh string // on_pre and weight of each drive's synapses ("" none)
	unit     string // of the weights
}

var modelCases = []modelCase{
	{"lif_coba_alpha", "{v: E_L + rand()*(V_th - E_L), tau_e: 2*ms, tau_i: 5*ms, I: 150*pA*rand()}", "g_e: rand()*nS, x_e: rand()*nS",
		"x_e_post += w|(1 + 2*rand())*nS", "x_i_post += w|3*nS", "siemens"},
	{"adex", "{v: E_L + rand()*10*mV, I: (600 + 400*rand())*pA}", "", "v_post += w|(1 + rand())*mV", "v_post += w|-1.5*mV", "volt"},
	{"izhikevich", "{v: -65*mV + rand()*10*mV, I: (2 + 6*rand())*mV}", "", "v_post += w|(2 + 2*rand())*mV", "v_post += w|-2*mV", "volt"},
	{"hh_traub", "{v: E_l + rand()*5*mV, I: 100*pA*rand()}", "", "g_e_post += w|(3 + 3*rand())*nS", "g_i_post += w|20*nS", "siemens"},
	{"gif_cond_exp", "{v: E_L + rand()*5*mV, I: (50 + 100*rand())*pA}", "g_ex: rand()*nS", "g_ex_post += w|(2 + 2*rand())*nS", "g_in_post += w|4*nS", "siemens"},
	{"gif_psc_exp", "{v: E_L + rand()*5*mV, I: (50 + 100*rand())*pA}", "", "I_syn_ex_post += w|(40 + 40*rand())*pA", "I_syn_in_post += w|-60*pA", "amp"},
}

// yaml is the network of c with n neurons "N", for target t: PyNN's
// AdEx takes no synapses of spikevk's adex, so there it runs on its
// currents alone.
func (c modelCase) yaml(n int, t Target) string {
	var b strings.Builder
	set := c.set
	if t == NEST && c.nestSet != "" {
		set = strings.TrimSuffix(set, "}") + ", " + c.nestSet + "}"
	}
	fmt.Fprintf(&b, "name: %s\ndt: 0.1*ms\nseed: 3\ngroups:\n  N: {model: %s, n: %d, set: %s}\n", c.model, c.model, n, set)
	if c.model == "adex" && t == PyNN {
		return b.String()
	}
	b.WriteString("  dexc: {n: 100, rate: 60*Hz}\n  dinh: {n: 50, rate: 40*Hz}\nsynapses:\n")
	for _, s := range []struct{ name, pre, code string }{{"exc", "dexc", c.exc}, {"inh", "dinh", c.inh}} {
		onPre, w, _ := strings.Cut(s.code, "|")
		fmt.Fprintf(&b, "  %s: {pre: %s, post: N, model: \"w : %s\", on_pre: %s, connect: {p: 0.2}, set: {w: %s}, delay: (0.5 + rand())*ms}\n",
			s.name, s.pre, c.unit, onPre, w)
	}
	return b.String()
}

// build builds the network of c.
func (c modelCase) build(t *testing.T, n int, target Target) *netfile.Network {
	t.Helper()
	f, err := netfile.Parse(c.model+".yaml", []byte(c.yaml(n, target)))
	if err != nil {
		t.Fatal(err)
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// targets are those c's model has a counterpart in.
func (c modelCase) targets(t *testing.T) []Target {
	f, err := builtinFile(c.model)
	if err != nil {
		t.Fatal(err)
	}
	var out []Target
	for _, target := range []Target{NEST, PyNN} {
		if _, err := modelOf(f, target); err == nil {
			out = append(out, target)
		}
	}
	return out
}

// TestModelsRoundTrip exports each model that travels, for each target
// it has, opens the export and wants the spikes of the original.
func TestModelsRoundTrip(t *testing.T) {
	for _, c := range modelCases {
		for _, target := range c.targets(t) {
			t.Run(c.model+"/"+string(target), func(t *testing.T) {
				dir := t.TempDir()
				if _, err := Export(c.build(t, 60, target).Network, dir, Options{Target: target, Duration: 200}); err != nil {
					t.Fatal(err)
				}
				sim, err := Open(filepath.Join(dir, CircuitConfig), spikevk.Config{Backend: "cpu"})
				if err != nil {
					t.Fatal(err)
				}
				want, got := spikes(t, c.build(t, 60, target).Network, 200), spikes(t, sim.Network, sim.Duration)
				if len(want["N"]) < 60 {
					t.Fatalf("%d spikes of N in 200 ms: the test compares too little", len(want["N"]))
				}
				for name, w := range want {
					if !slices.Equal(got[name], w) {
						t.Errorf("group %q: %d spikes after the round trip, %d before, first: %v vs %v", name, len(got[name]), len(w), head(got[name]), head(w))
					}
				}
			})
		}
	}
}

// TestModelsNEST checks the NEST dialect of each model against NEST's
// own names (models/<name>.cpp get/set of NEST 3.10): the keys of its
// node type JSON, and the weights' units and signs.
func TestModelsNEST(t *testing.T) {
	for _, tc := range []struct {
		model, template string
		keys            []string // in the JSON (values per neuron go to nodes.h5)
		perNode         []string
		excW, inhW      func(w float64) bool // the NEST weights of the exc and inh edges
	}{
		{"lif_coba_alpha", "iaf_cond_alpha",
			[]string{"t_ref", "E_L", "C_m", "g_L", "V_th", "V_reset", "E_ex", "E_in", "tau_syn_ex", "tau_syn_in", "g_in", "dg_in"},
			[]string{"V_m", "I_e", "g_ex", "dg_ex"},
			// the peak conductance: spikevk's jump of x_e over e
			func(w float64) bool { return w >= 1/math.E*0.999 && w <= 3/math.E*1.001 },
			func(w float64) bool { return math.Abs(w+3/math.E) < 1e-6 }},
		{"adex", "aeif_psc_delta",
			[]string{"t_ref", "w", "C_m", "g_L", "E_L", "V_th", "Delta_T", "tau_w", "a", "b", "V_reset", "V_peak"},
			[]string{"V_m", "I_e"},
			func(w float64) bool { return w >= 1 && w <= 2 }, func(w float64) bool { return w == -1.5 }},
		{"izhikevich", "izhikevich",
			[]string{"U_m", "a", "b", "c", "d", "V_th"}, []string{"V_m", "I_e"},
			func(w float64) bool { return w >= 2 && w <= 4 }, func(w float64) bool { return w == -2 }},
		{"hh_traub", "hh_cond_exp_traub",
			[]string{"t_ref", "Act_m", "Inact_h", "Act_n", "C_m", "g_L", "E_L", "g_Na", "E_Na", "g_K", "E_K", "V_T", "E_ex", "E_in", "tau_syn_ex", "tau_syn_in"},
			[]string{"V_m", "I_e"},
			func(w float64) bool { return w >= 3 && w <= 6 }, func(w float64) bool { return w == -20 }},
		{"gif_cond_exp", "gif_cond_exp",
			[]string{"t_ref", "C_m", "g_L", "E_L", "V_reset", "V_T_star", "Delta_V", "lambda_0", "q_stc", "tau_stc", "q_sfa", "tau_sfa",
				"tau_syn_ex", "tau_syn_in", "E_ex", "E_in", "g_in"},
			[]string{"V_m", "I_e", "g_ex"},
			func(w float64) bool { return w >= 2 && w <= 4 }, func(w float64) bool { return w == -4 }},
		{"gif_psc_exp", "gif_psc_exp",
			[]string{"t_ref", "C_m", "g_L", "E_L", "V_reset", "V_T_star", "Delta_V", "lambda_0", "q_stc", "tau_stc", "q_sfa", "tau_sfa",
				"tau_syn_ex", "tau_syn_in"},
			[]string{"V_m", "I_e"},
			func(w float64) bool { return w >= 40 && w <= 80 }, func(w float64) bool { return w == -60 }},
	} {
		t.Run(tc.model, func(t *testing.T) {
			c := modelCases[slices.IndexFunc(modelCases, func(c modelCase) bool { return c.model == tc.model })]
			dir := t.TempDir()
			if _, err := Export(c.build(t, 40, NEST).Network, dir, Options{Target: NEST, Duration: 100}); err != nil {
				t.Fatal(err)
			}
			csv, err := os.ReadFile(filepath.Join(dir, "network/node_types.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if want := "101 point_neuron nest:" + tc.template + " N.json N\n"; !strings.HasSuffix(string(csv), want) {
				t.Errorf("node_types.csv %q, want the line %q", csv, want)
			}
			raw, err := os.ReadFile(filepath.Join(dir, neuronDir, "N.json"))
			if err != nil {
				t.Fatal(err)
			}
			var params map[string]any
			if err := json.Unmarshal(raw, &params); err != nil {
				t.Fatalf("N.json: %v\n%s", err, raw)
			}
			var keys []string
			for k := range params {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			want := slices.Clone(tc.keys)
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Errorf("N.json has %v, want %v", keys, want)
			}
			if strings.HasPrefix(tc.model, "gif") {
				// NEST's lists; the rate in 1/s.
				if q, _ := params["q_stc"].([]any); len(q) != 2 || q[0] != 56.7 {
					t.Errorf("q_stc %v, want [56.7, -6.9] (pA)", params["q_stc"])
				}
				if params["lambda_0"] != 1.0 {
					t.Errorf("lambda_0 %v, want 1 (1/s)", params["lambda_0"])
				}
			}
			r, err := openH5(filepath.Join(dir, networkDir, "nodes.h5"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			for _, name := range tc.perNode {
				if !r.exists("/nodes/N/0/dynamics_params/" + name) {
					t.Errorf("nodes.h5 has no per-node %s", name)
				}
			}
			e, err := openH5(filepath.Join(dir, networkDir, "edges.h5"))
			if err != nil {
				t.Fatal(err)
			}
			defer e.close()
			for _, side := range []struct {
				pop string
				ok  func(float64) bool
			}{{"exc", tc.excW}, {"inh", tc.inhW}} {
				w, _, err := e.numbers("/edges/" + side.pop + "/0/syn_weight")
				if err != nil {
					t.Fatal(err)
				}
				if len(w) == 0 {
					t.Fatalf("edge population %s is empty", side.pop)
				}
				for k, x := range w {
					if !side.ok(x) {
						t.Fatalf("%s: syn_weight[%d] = %g: wrong unit or sign for NEST's %s", side.pop, k, x, tc.template)
					}
				}
			}
		})
	}
}

// TestRefusedPyNN checks what the PyNN dialect refuses that NEST's takes.
func TestRefusedPyNN(t *testing.T) {
	for _, tc := range []struct {
		model string
		want  []string
	}{
		{"gif_cond_exp", []string{`group "N"`, "no PyNN counterpart", "export it for NEST"}},
		{"adex", []string{`projection "exc"`, "EIF_cond_exp_isfa_ista takes conductance synapses"}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			c := modelCases[slices.IndexFunc(modelCases, func(c modelCase) bool { return c.model == tc.model })]
			_, err := Export(c.build(t, 10, NEST).Network, t.TempDir(), Options{Target: PyNN, Duration: 10})
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
	t.Run("voltage jumps of both signs", func(t *testing.T) {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		g := net.Group("N", 10, spikevk.Builtin("izhikevich"))
		net.Connect("mixed", g, g, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.AllToAll()).Set("w", "(rand() - 0.5)*mV")
		_, err := Export(net, t.TempDir(), Options{Target: PyNN, Duration: 10})
		if err == nil || !strings.Contains(err.Error(), `projection "mixed"`) || !strings.Contains(err.Error(), "split the projection") {
			t.Errorf("error %v, want one naming the projection and saying to split it", err)
		}
		if _, err := Export(net, t.TempDir(), Options{Target: NEST, Duration: 10}); err != nil {
			t.Errorf("NEST: %v (its izhikevich takes both signs)", err)
		}
	})
}

// TestNESTManifest resolves every path of an export's configs as NEST's
// SonataNetwork._parse_config does (hl_api_sonata.py, NEST 3.5–3.10: a
// manifest entry's $BASE_DIR becomes ".", the entry is made absolute
// from the config's folder; a value starting with "$" has every entry
// replaced, then loses its first character) and wants files that exist.
func TestNESTManifest(t *testing.T) {
	dir := t.TempDir()
	if _, err := Export(driven(), dir, Options{Target: NEST, Duration: 50}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{CircuitConfig, SimulationConfig} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var conf map[string]any
		if err := json.Unmarshal(raw, &conf); err != nil {
			t.Fatal(err)
		}
		manifest := map[string]string{}
		var keys []string
		for k, v := range conf["manifest"].(map[string]any) {
			v := strings.ReplaceAll(v.(string), "$BASE_DIR", ".")
			manifest[strings.TrimPrefix(k, "$")] = filepath.Join(dir, v)
			keys = append(keys, strings.TrimPrefix(k, "$"))
		}
		slices.Sort(keys) // Python keeps the file's order; Go writes keys sorted
		var walk func(key string, x any)
		walk = func(key string, x any) {
			switch v := x.(type) {
			case map[string]any:
				for k, e := range v {
					if k != "manifest" {
						walk(k, e)
					}
				}
			case []any:
				for _, e := range v {
					walk(key, e)
				}
			case string:
				if !strings.HasPrefix(v, "$") {
					return
				}
				for _, k := range keys {
					v = strings.ReplaceAll(v, k, manifest[k])
				}
				v = v[1:]
				if key == "output_dir" {
					return
				}
				if _, err := os.Stat(v); err != nil {
					t.Errorf("%s: %s resolves, as NEST reads it, to %s, which is missing", name, key, v)
				}
			}
		}
		walk("", conf)
	}
}

// TestSTDPRoundTrip exports the built-in pair STDP rules for NEST
// (stdp_synapse), opens the export and wants the spikes and the final
// weights of the original; PyNN's import builds static synapses only.
func TestSTDPRoundTrip(t *testing.T) {
	build := func() (*spikevk.Network, []*spikevk.Projection) {
		net := spikevk.New(spikevk.Config{Backend: "cpu", Seed: 5})
		in := net.PoissonGroup("drive", 200, "15*Hz")
		a := net.Group("A", 30, spikevk.Builtin("lif_coba_exp"))
		b := net.Group("B", 30, spikevk.Builtin("hh_traub"))
		add := net.Connect("add", in, a, spikevk.BuiltinSynapses("stdp_song2000"), spikevk.FixedProbability(0.3)).
			Set("w_max", "4*nS").Set("Apre", "0.02")
		mul := net.Connect("mul", in, b, spikevk.BuiltinSynapses("stdp_multiplicative").Target("g_e"), spikevk.FixedProbability(0.3)).
			Set("w_max", "8*nS").Set("taupost", "30*ms").Set("w", "0.5")
		return net, []*spikevk.Projection{add, mul}
	}
	net, _ := build()
	dir := t.TempDir()
	if _, err := Export(net, dir, Options{Target: NEST, Duration: 500}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, synapseDir, "mul.json"))
	if err != nil {
		t.Fatal(err)
	}
	var params map[string]float64
	if err := json.Unmarshal(raw, &params); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"tau_plus": 20, "lambda": 0.01, "alpha": 1.05, "mu_plus": 1, "mu_minus": 1, "Wmax": 8}
	for k, v := range want {
		if math.Abs(params[k]-v) > 1e-6*v { // float32: Apost = -1.05*Apre is -0.010499999 in spikevk
			t.Errorf("mul.json: %s = %v, want %v", k, params[k], v)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, neuronDir, "B.json")); err != nil || !strings.Contains(string(raw), `"tau_minus": 30.0`) {
		t.Errorf("B.json lacks tau_minus 30 (taupost): %s %v", raw, err)
	}
	sim, err := Open(filepath.Join(dir, CircuitConfig), spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	orig, projs := build()
	wantSpikes, gotSpikes := spikes(t, orig, 500), spikes(t, sim.Network, 500)
	for _, g := range []string{"A", "B"} {
		if len(wantSpikes[g]) == 0 || !slices.Equal(gotSpikes[g], wantSpikes[g]) {
			t.Errorf("group %s: %d spikes after the round trip, %d before", g, len(gotSpikes[g]), len(wantSpikes[g]))
		}
	}
	for _, p := range projs {
		w0, err := p.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		q := sim.ProjectionByName(p.Name())
		if q == nil {
			t.Fatalf("the import has no projection %s", p.Name())
		}
		w1, err := q.Get("w")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(w0, w1) {
			t.Errorf("%s: final weights differ after the round trip", p.Name())
		}
	}
	if _, err := Export(net, t.TempDir(), Options{Target: PyNN, Duration: 10}); err == nil || !strings.Contains(err.Error(), "static synapses only") {
		t.Errorf("PyNN export: %v, want an error saying its import builds static synapses only", err)
	}
}
