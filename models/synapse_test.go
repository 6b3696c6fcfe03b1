package models

import (
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models/ir"
)

const stdpModel = `w : 1
dapre/dt = -apre/taupre : 1 (event-driven)
dapost/dt = -apost/taupost : 1 (event-driven)
taupre : second
taupost : second
dApre : 1
dApost : 1
wmax : 1`

func stdpSynapse(t *testing.T) *Synapse {
	post, err := Builtin("lif_coba_exp")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(post, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	syn, err := CompileSynapse(SynapseSpec{
		File: "stdp", Model: stdpModel,
		OnPre:  "g_e += w*nS\napre += dApre\nw = clip(w + apost, 0, wmax)",
		OnPost: "apost += dApost\nw = clip(w + apre, 0, wmax)",
		Pre:    m.Neuron, Post: m.Neuron,
	})
	if err != nil {
		t.Fatal(err)
	}
	return syn
}

// fire runs a pathway for one synapse at time tm and updates its state.
func fire(t *testing.T, p *Pathway, state map[string]float32, tm float32) map[string]float32 {
	t.Helper()
	prog := p.Program
	in := make([][]float32, len(prog.Inputs))
	for k, name := range prog.Inputs {
		in[k] = []float32{state[name]}
	}
	in[indexOf(prog.Inputs, InputTime)][0] = tm
	out := make([][]float32, len(prog.Outputs))
	for k := range out {
		out[k] = []float32{0}
	}
	if err := ir.NewEvaluator(prog).Run(1, in, out, ir.RNG{}); err != nil {
		t.Fatal(err)
	}
	res := map[string]float32{}
	for k, o := range prog.Outputs {
		res[o.Name] = out[k][0]
		if _, isState := state[o.Name]; isState {
			state[o.Name] = out[k][0]
		}
	}
	return res
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// TestSTDPPairs: with traces starting at zero, a pre spike 10 ms before a
// post spike changes w by dApre·exp(-10/taupre), and a post spike 10 ms
// before a pre spike by dApost·exp(-10/taupost) (Song et al. 2000; models.md
// §6.4: Δw = A±·e^(-0.5) for Δt = ±10 ms with tau = 20 ms).
func TestSTDPPairs(t *testing.T) {
	syn := stdpSynapse(t)
	if len(syn.OnPre.Effects) != 1 || syn.OnPre.Effects[0].Var != "g_e" || syn.OnPre.Effects[0].Side != "post" {
		t.Fatalf("on_pre effects %v, want g_e_post", syn.OnPre.Effects)
	}
	start := func() map[string]float32 {
		return map[string]float32{"w": 0.5, "apre": 0, "apost": 0, InputLastUpdate: 0, "taupre": 20, "taupost": 20, "dApre": 0.01, "dApost": -0.0105, "wmax": 1}
	}
	s := start()
	res := fire(t, syn.OnPre, s, 100)
	if res["g_e_post+="] != 0.5 {
		t.Errorf("on_pre adds %v nS to g_e, want 0.5 (w·nS, taken before w changes)", res["g_e_post+="])
	}
	fire(t, syn.OnPost, s, 110)
	if got, want := float64(s["w"]-0.5), 0.01*math.Exp(-0.5); math.Abs(got-want) > 1e-7 {
		t.Errorf("pre then post: Δw = %.8f, want %.8f", got, want)
	}
	s = start()
	fire(t, syn.OnPost, s, 100)
	fire(t, syn.OnPre, s, 110)
	if got, want := float64(s["w"]-0.5), -0.0105*math.Exp(-0.5); math.Abs(got-want) > 1e-7 {
		t.Errorf("post then pre: Δw = %.8f, want %.8f", got, want)
	}
	s = start()
	s["w"] = 0.999
	fire(t, syn.OnPre, s, 100)
	fire(t, syn.OnPost, s, 100.5)
	if s["w"] != 1 {
		t.Errorf("w = %v, want clipped to wmax = 1", s["w"])
	}
}

func TestSynapseErrors(t *testing.T) {
	post, _ := Builtin("lif_coba_exp")
	m, err := Check(post, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		model, onPre, onPost, msg string
	}{
		{"w : volt", "v = w", "", "on_pre may only change post-synaptic variables, and only with += or -="},
		{"w : volt", "v_pre += w", "", "on_pre may only change post-synaptic variables"},
		{"w : siemens", "g_e += w*mV", "", "g_e is in S but the value is in"},
		{"w : 1", "x += w", "", "x is neither a synapse variable nor a variable of the neurons"},
		{"w : 1\ndx/dt = x*x/ms : 1 (event-driven)", "w += x", "", "event-driven dx/dt must be linear in x"},
		{"w : 1\ndx/dt = -x/ms : 1", "w += x", "", "must be (clock-driven) or (event-driven)"},
		{"w : 1\ntau_pre : second\ndx/dt = -x/tau_pre : 1 (event-driven)", "w += x", "", "tau_pre: a name ending in _pre or _post means a neuron variable; name the synapse variable otherwise (e.g. taupre)"},
	} {
		_, err := CompileSynapse(SynapseSpec{File: "syn", Model: tc.model, OnPre: tc.onPre, OnPost: tc.onPost, Pre: m.Neuron, Post: m.Neuron})
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q / %q: err = %v, want %q", tc.model, tc.onPre, err, tc.msg)
		}
	}
	// The seed 002 form: an unsuffixed target is the postsynaptic variable.
	syn, err := CompileSynapse(SynapseSpec{Model: "w : siemens", OnPre: "g_i -= w", Pre: m.Neuron, Post: m.Neuron})
	if err != nil || syn.OnPre.Effects[0].Var != "g_i" {
		t.Fatalf("g_i -= w: %v", err)
	}
}

// gapNeuron is a leaky neuron with a gap-junction current parameter.
func gapNeuron(t *testing.T) *Neuron {
	n, err := Compile(NeuronSpec{Equations: "dv/dt = (E - v)/(10*ms) + I_gap/(100*pF) : volt\nE : volt\nI_gap : amp", DT: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSummedAndClockDriven: a gap junction's summed term is
// g_c·(v_pre - v_post) with the values at the start of the step, and a
// clock-driven variable decays as exp(-t/tau) (exactly, by exponential
// Euler, up to float32 rounding).
func TestSummedAndClockDriven(t *testing.T) {
	n := gapNeuron(t)
	syn, err := CompileSynapse(SynapseSpec{File: "gap", DT: 0.1, Pre: n, Post: n,
		Model: "g_c : siemens\nI_gap_post = g_c*(v_pre - v_post) : amp (summed)\ndx/dt = -x/tau : 1 (clock-driven)\ntau : second"})
	if err != nil {
		t.Fatal(err)
	}
	p := syn.Step
	vals := map[string]float32{"g_c": 2, "v_pre": -50, "v_post": -60, "x": 1, "tau": 5}
	state := map[string]float32{}
	for k, v := range vals {
		state[k] = v
	}
	var term float32
	for range 100 {
		in := make([][]float32, len(p.Inputs))
		for k, name := range p.Inputs {
			in[k] = []float32{state[name]}
		}
		out := make([][]float32, len(p.Outputs))
		for k := range out {
			out[k] = []float32{0}
		}
		if err := ir.NewEvaluator(p).Run(1, in, out, ir.RNG{}); err != nil {
			t.Fatal(err)
		}
		for k, o := range p.Outputs {
			if o.Name == "I_gap_post=Σ" {
				term = out[k][0]
			} else {
				state[o.Name] = out[k][0]
			}
		}
	}
	if term != 20 {
		t.Errorf("gap-junction term %v pA, want 2 nS × 10 mV = 20 pA", term)
	}
	if got, want := float64(state["x"]), math.Exp(-10.0/5); math.Abs(got-want) > 1e-6 {
		t.Errorf("x after 10 ms = %v, want %v", got, want)
	}
	for _, tc := range []struct{ model, msg string }{
		{"I_gap = v_pre*nS : amp (summed)", "must name a parameter of the pre- or postsynaptic neurons"},
		{"I_gap_post = v_pre*nS : volt (summed)", "I_gap_post is in A in the neuron model, not V"},
		{"E_post = v_pre : volt (summed)", ""},
		{"v_post = v_pre : volt (summed)", "must name a parameter"},
	} {
		_, err := CompileSynapse(SynapseSpec{File: "gap", DT: 0.1, Pre: n, Post: n, Model: tc.model})
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.model, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err = %v, want %q", tc.model, err, tc.msg)
		}
	}
	if _, err := CompileSynapse(SynapseSpec{Model: "dx/dt = -x/ms : 1 (clock-driven)", Pre: n, Post: n}); err == nil || !strings.Contains(err.Error(), "need the time step") {
		t.Errorf("clock-driven without DT: err = %v", err)
	}
}
