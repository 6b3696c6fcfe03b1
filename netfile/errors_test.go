package netfile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// base is a small network that the error cases change.
const base = `dt: 0.1*ms
groups:
  neurons:
    model: lif_coba_exp
    n: 10
subgroups:
  E: neurons[0:8]
synapses:
  exc:
    pre: E
    post: neurons
    model: "w : siemens"
    on_pre: g_e_post += w
    connect: {p: 0.5}
    set: {w: 6*nS}
`

// TestErrors checks that mistakes are reported at their file:line:col,
// with the name that was probably meant.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown key", "groups:", "grups:", `net.yaml:2:1: a network file: unknown key "grups" (did you mean "groups"?)`},
		{"unknown group key", "    n: 10", "    nn: 10", `net.yaml:5:5: group "neurons": unknown key "nn" (did you mean "n"?)`},
		{"duplicate key", "    n: 10", "    n: 10\n    n: 20", `net.yaml:6:5: group "neurons": n is given twice`},
		{"dt unit", "dt: 0.1*ms", "dt: 0.1*mV", `net.yaml:1:5: dt must be in s, but "0.1*mV" is in V`},
		{"size", "    n: 10", "    n: 10.5", `net.yaml:5:8: group "neurons": n must be a whole number`},
		{"unknown builtin", "model: lif_coba_exp", "model: lif_coba_xp", `net.yaml:4:12: group "neurons": `},
		{"unknown pre", "    pre: E", "    pre: Ex", `net.yaml:10:10: synapses "exc": pre: no group or subgroup "Ex" (did you mean "E"?)`},
		{"bad slice", "neurons[0:8]", "neurons[0:80]", `net.yaml:7:6: subgroup "E": slice 0:80 is outside the 10 neurons of neurons`},
		{"slice syntax", "neurons[0:8]", "neurons[0-8]", `net.yaml:7:6: subgroup "E": "neurons[0-8]" is not a slice`},
		{"rule", "{p: 0.5}", "{p: 1.5}", `net.yaml:14:18: synapses "exc": connect: p = 1.5 is not a probability`},
		{"two rules", "{p: 0.5}", "{p: 0.5, in_degree: 2}", `net.yaml:14:14: synapses "exc": connect: give one rule`},
		{"rule name", "{p: 0.5}", "one_to_on", `"one_to_on" is not a rule (all, one_to_one, or a mapping such as {p: 0.02}) (did you mean "one_to_one"?)`},
		{"weight unit", "{w: 6*nS}", "{w: 6*mV}", `net.yaml:15:14: projection "exc": value of w: the value of w must be in S, but "6*mV" is in V`},
		{"unknown variable", "    n: 10", "    n: 10\n    set: {V_th: -50*mV, V_thresh: 1*mV}", `net.yaml:6:35: group "neurons": model lif_coba_exp has no variable "V_thresh"`},
		{"on_pre", "on_pre: g_e_post += w", "on_pre: g_e_post += w +", `net.yaml:13:`},
		{"missing file", "    model: lif_coba_exp\n    n: 10", "    n: 10\n    spikes: nope.npz", `net.yaml:5:13: group "neurons": spikes: stat nope.npz: no such file`},
		{"missing model file", "model: lif_coba_exp", "model: nope.yaml", `net.yaml:4:12: group "neurons": model file: `},
		{"inline equations", "    model: lif_coba_exp\n", "    model: |\n      dv/dt = -v/tau : volt\n      tau : second\n    threshold: v > \n", `net.yaml:7:`},
		{"threshold with builtin", "    n: 10", "    n: 10\n    threshold: v > 1*mV", `net.yaml:6:16: group "neurons": threshold belongs to equations written in place`},
		{"constant", "dt: 0.1*ms", "dt: 0.1*ms\nconstants:\n  N: 10", `net.yaml:3:6: constant "N" has a name the model language gives a meaning`},
		{"unknown constant", "    n: 10", "    n: size", `net.yaml:5:8: unknown name "size" in a constant expression`},
		{"schedule", "dt: 0.1*ms", "dt: 0.1*ms\nschedule:\n  - duration: 10*ms\n    set: {neuron.I: 5*pA}", `net.yaml:4:11: schedule segment 1: "neuron.I" is not group.parameter (did you mean "neurons"?)`},
		{"schedule duration", "dt: 0.1*ms", "dt: 0.1*ms\nschedule:\n  - set: {}", `net.yaml:3:5: schedule segment 1: no duration`},
		{"duration and schedule", "dt: 0.1*ms", "dt: 0.1*ms\nduration: 1*ms\nschedule:\n  - duration: 1*ms", `net.yaml:2:11: duration: the schedule gives the durations`},
		{"not a mapping", "    n: 10", "    n: [10]", `net.yaml:5:8: group "neurons": n must be a value`},
		{"procedural", "dt: 0.1*ms", "dt: 0.1*ms\nprocedural: yes", `net.yaml:2:13: procedural is true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("base has no %q", tt.old)
			}
			err := buildAndRun(strings.Replace(base, tt.old, tt.new, 1))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant one containing\n  %s", err, tt.want)
			}
		})
	}
}

// buildAndRun parses, builds and runs a network file's text for 0 ms on
// the CPU backend.
func buildAndRun(text string) error {
	f, err := netfile.Parse("net.yaml", []byte(text))
	if err != nil {
		return err
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		return err
	}
	defer net.Close()
	return net.Network.Run(context.Background(), 0)
}

// TestSetErrors checks the errors of -set paths.
func TestSetErrors(t *testing.T) {
	for _, tt := range []struct{ path, value, want string }{
		{"neuronz.v", "1*mV", `-set neuronz.v: neuronz is not a key, constant, group, subgroup or synapses of net.yaml (did you mean "neurons"?)`},
		{"size", "3", "-set size: no constant size in net.yaml"},
		{"exc.w", "6*mV", "-set exc.w:1:1: "},
		{"neurons..v", "1", "-set neurons..v: empty name"},
	} {
		f, err := netfile.Parse("net.yaml", []byte(base))
		if err != nil {
			t.Fatal(err)
		}
		err = f.Set(tt.path, tt.value)
		if err == nil {
			err = buildAndRunFile(f)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("-set %s=%s: error %v, want one containing %q", tt.path, tt.value, err, tt.want)
		}
	}
}

func buildAndRunFile(f *netfile.File) error {
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		return err
	}
	defer net.Close()
	return net.Network.Run(context.Background(), 0)
}

// TestInjectAndSet checks that currents listed for one variable add up,
// and that a value set for a variable that currents drive adds to them.
func TestInjectAndSet(t *testing.T) {
	for _, text := range []string{
		"    n: 10\n    inject: {I: [{dc: 100*pA}, {dc: 50*pA}]}",
		"    n: 10\n    inject: {I: {dc: 100*pA}}\n    set: {I: 5*pA}",
	} {
		if err := buildAndRun(strings.Replace(base, "    n: 10", text, 1)); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

// TestFlowComma checks the hint for an expression with commas in a flow
// mapping, which YAML cuts at the first comma.
func TestFlowComma(t *testing.T) {
	text := strings.Replace(base, "    n: 10", "    n: 10\n    set: {v: -60*mV + clip(i, 0, 5)*mV}", 1)
	err := buildAndRun(text)
	if err == nil || !strings.Contains(err.Error(), "quote an expression with commas") {
		t.Errorf("error %v, want the hint to quote", err)
	}
	quoted := strings.Replace(base, "    n: 10", "    n: 10\n    set: {v: \"-60*mV + clip(i, 0, 5)*mV\"}", 1)
	if err := buildAndRun(quoted); err != nil {
		t.Errorf("quoted: %v", err)
	}
}

// TestConstantsInModel checks that constants reach the parameters and
// initial values of a model written in place, and parameters of a
// built-in synapse model.
func TestConstantsInModel(t *testing.T) {
	text := `constants:
  tau_c: 20*ms
  v0: -60*mV
groups:
  g:
    model: |
      dv/dt = -v/tau : volt
      dg/dt = -g/(5*ms) : siemens
      tau : second
    parameters: {tau: {value: tau_c, doc: time constant}}
    initial: {v: v0}
    n: 2
synapses:
  s:
    pre: g
    post: g
    model: stdp_song2000
    target: g
    parameters: {w_max: 2*nS}
    connect: all
`
	f, err := netfile.Parse("net.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Network.Run(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	tau, _ := net.GroupByName("g").Get("tau")
	v, _ := net.GroupByName("g").Get("v")
	if tau[0] != 20 || v[1] != -60 {
		t.Errorf("tau %v ms, v %v mV: want 20 and -60", tau, v)
	}
	bad := strings.Replace(text, "{w_max: 2*nS}", "{w_maks: 2*nS}", 1)
	if err := buildAndRun(bad); err == nil || !strings.Contains(err.Error(), "no parameter w_maks") {
		t.Errorf("unknown synapse parameter: %v", err)
	}
}

// TestSetList checks -set paths through a list.
func TestSetList(t *testing.T) {
	text := strings.Replace(base, "    n: 10", "    n: 10\n    poisson_input:\n      - {target: g_e, n: 100, rate: 5*Hz, weight: 1*nS}", 1)
	f, err := netfile.Parse("net.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Set("neurons.poisson_input.0.rate", "3*mV"); err != nil {
		t.Fatal(err)
	}
	if err := buildAndRunFile(f); err == nil || !strings.Contains(err.Error(), `rate "3*mV": the rate must be in Hz`) {
		t.Errorf("a rate in mV set through the list: %v", err)
	}
	if err := f.Set("neurons.poisson_input.1.rate", "3*Hz"); err == nil || !strings.Contains(err.Error(), "is a list of 1: 1 is not an index") {
		t.Errorf("index past the list: %v", err)
	}
}

// TestConstantFunctions: sizes may come from constants rounded with
// int(), floor() or ceil(), as a scaled network writes them.
func TestConstantFunctions(t *testing.T) {
	for _, tc := range []struct {
		expr string
		n    int
	}{{"int(20683*scale + 0.5)", 2068}, {"floor(20683*scale)", 2068}, {"ceil(20683*scale)", 2069}, {"int(-2.5) + 5", 3}} {
		text := "constants:\n  scale: 0.1\ngroups:\n  g: {model: lif_cuba_exp, n: " + tc.expr + "}\n"
		f, err := netfile.Parse("net.yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		net, err := f.Build(spikevk.Config{Backend: "cpu"})
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if n := net.GroupByName("g").N(); n != tc.n {
			t.Errorf("n: %s = %d, want %d", tc.expr, n, tc.n)
		}
		net.Close()
	}
}
