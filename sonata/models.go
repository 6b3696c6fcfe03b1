package sonata

import (
	"fmt"
	"math"
	"strings"

	"github.com/spikevk/spikevk/models"
)

// Target is the simulator an export is written for: SONATA fixes no
// model names and no units, both are those of the target.
type Target string

// The targets: NEST's SonataNetwork (NEST names and units, signed
// weights) and PyNN's import_from_sonata (PyNN names and units, positive
// conductance weights, receptor_type per edge type).
const (
	NEST Target = "nest"
	PyNN Target = "pynn"
)

// synapseKind is what a model's synapses add to, which fixes the unit
// and sign of their weights in the targets.
type synapseKind int

const (
	// conductance: nS in NEST (inhibitory ones negative), µS in PyNN
	// (positive, receptor_type says which).
	conductance synapseKind = iota
	// current: pA in NEST, nA in PyNN; excitatory positive, inhibitory
	// negative in both.
	current
	// voltage: a jump of the membrane potential in mV (delta synapses),
	// of either sign, into one variable.
	voltage
)

// receptor is a variable of a model that synapses add their weight to.
type receptor struct {
	sv   string // the spikevk variable on_pre adds to
	name string // excitatory or inhibitory; "" for a voltage jump (by the weight's sign)
	// scale is the target's weight per spikevk weight, before units:
	// 1/e for alpha synapses, whose spikevk weight is the jump of the
	// first stage (the conductance peaks at w/e) and whose NEST and PyNN
	// weight is the peak.
	scale float64
}

// neuronModel maps a built-in spikevk model onto its NEST and PyNN
// counterparts.
type neuronModel struct {
	builtin    string
	synapses   synapseKind
	receptors  []receptor
	refractory float64 // the built-in's refractory period in ms
	nest, pynn dialect
}

// dialect is a model in one target.
type dialect struct {
	model string // the target's model name; "" when it has none, for the reason none
	none  string
	// params name each variable in the target, in the order of the
	// dynamics-params JSON.
	params []param
	// tref names the refractory period ("" when the target's model has
	// none, which then keeps the built-in's), trefDefault is its default.
	tref        string
	trefDefault float64
	// zero are spikevk variables the target cannot set: they must start
	// at 0, as they do in the target.
	zero []string
	// noSynapses says the target's model takes synapses that the
	// spikevk model does not have (why is the reason).
	noSynapses string
}

// param is a variable of a target model. In the simplest case name = the
// spikevk variable sv × scale. With to set it is derived: name =
// to(sv, uses…), and sv = from(name, uses…) on import (PyNN's tau_m =
// C_m/g_L gives g_L = C_m/tau_m). With elems set it is a list of the
// spikevk variables elems × scale (NEST's q_stc). With sv empty it is a
// constant of the spikevk model, def. def is the target's default, which
// a file that leaves the variable out means.
type param struct {
	name  string
	sv    string
	scale float64
	def   float64
	uses  []string
	to    func(sv float64, uses []float64) float64
	from  func(target float64, uses []float64) float64
	elems []string
	// listDef is a list's default: nil keeps the built-in's values; pad
	// fills a shorter list.
	listDef []float64
	pad     float64
}

// p is a plain parameter: name = sv × scale.
func p(name, sv string, scale, def float64) param {
	return param{name: name, sv: sv, scale: scale, def: def}
}

// overParam is name = num/sv (PyNN's tau_m = cm/g_L): sv = num/name.
func overParam(name, sv, num string, scale, def float64) param {
	return param{name: name, sv: sv, def: def, uses: []string{num},
		to:   func(x float64, u []float64) float64 { return u[0] / x * scale },
		from: func(y float64, u []float64) float64 { return u[0] / (y / scale) }}
}

// listParam is a list [elems…] × scale.
func listParam(name string, elems []string, scale float64, def []float64, pad float64) param {
	return param{name: name, scale: scale, elems: elems, listDef: def, pad: pad}
}

// value is the parameter's value in the target from the spikevk values v.
func (p param) value(v map[string]float64) float64 {
	if p.to == nil {
		return v[p.sv] * p.scale
	}
	uses := make([]float64, len(p.uses))
	for k, u := range p.uses {
		uses[k] = v[u]
	}
	return p.to(v[p.sv], uses)
}

// variables are the spikevk variables p reads.
func (p param) variables() []string {
	if p.elems != nil {
		return p.elems
	}
	if p.sv == "" {
		return nil
	}
	return append([]string{p.sv}, p.uses...)
}

// Defaults: NEST's model docs and sources (models/*.cpp) and PyNN's
// standardmodels/cells.py. Units: spikevk's internal ones (mV, ms, nS,
// pA, pF, kHz) are NEST's, except NEST's rates (1/s); PyNN has nF, µS and
// nA (pyNN/nest/standardmodels/cells.py: cm×1000 → C_m, i_offset×1000 →
// I_e).
var neuronModels = []neuronModel{
	{
		builtin: "lif_coba_exp", synapses: conductance, refractory: 5,
		receptors: []receptor{{"g_e", "excitatory", 1}, {"g_i", "inhibitory", 1}},
		nest: dialect{model: "iaf_cond_exp", tref: "t_ref", trefDefault: 2, params: []param{
			p("V_m", "v", 1, -70), p("E_L", "E_L", 1, -70), p("C_m", "C_m", 1, 250), p("g_L", "g_L", 1, 16.6667),
			p("V_th", "V_th", 1, -55), p("V_reset", "V_reset", 1, -60), p("E_ex", "E_e", 1, 0), p("E_in", "E_i", 1, -85),
			p("tau_syn_ex", "tau_e", 1, 0.2), p("tau_syn_in", "tau_i", 1, 2), p("I_e", "I", 1, 0),
			p("g_ex", "g_e", 1, 0), p("g_in", "g_i", 1, 0)}},
		pynn: dialect{model: "IF_cond_exp", tref: "tau_refrac", trefDefault: 0.1, params: []param{
			p("v", "v", 1, -65), p("v_rest", "E_L", 1, -65), p("cm", "C_m", 1e-3, 1), overParam("tau_m", "g_L", "C_m", 1, 20),
			p("v_thresh", "V_th", 1, -50), p("v_reset", "V_reset", 1, -65), p("e_rev_E", "E_e", 1, 0), p("e_rev_I", "E_i", 1, -70),
			p("tau_syn_E", "tau_e", 1, 5), p("tau_syn_I", "tau_i", 1, 5), p("i_offset", "I", 1e-3, 0),
			p("gsyn_exc", "g_e", 1e-3, 0), p("gsyn_inh", "g_i", 1e-3, 0)}},
	},
	{
		builtin: "lif_coba_alpha", synapses: conductance, refractory: 2,
		receptors: []receptor{{"x_e", "excitatory", 1 / math.E}, {"x_i", "inhibitory", 1 / math.E}},
		nest: dialect{model: "iaf_cond_alpha", tref: "t_ref", trefDefault: 2, params: []param{
			p("V_m", "v", 1, -70), p("E_L", "E_L", 1, -70), p("C_m", "C_m", 1, 250), p("g_L", "g_L", 1, 16.6667),
			p("V_th", "V_th", 1, -55), p("V_reset", "V_reset", 1, -60), p("E_ex", "E_e", 1, 0), p("E_in", "E_i", 1, -85),
			p("tau_syn_ex", "tau_e", 1, 0.2), p("tau_syn_in", "tau_i", 1, 2), p("I_e", "I", 1, 0),
			p("g_ex", "g_e", 1, 0), alphaSlope("dg_ex", "x_e", "tau_e"),
			p("g_in", "g_i", 1, 0), alphaSlope("dg_in", "x_i", "tau_i")}},
		pynn: dialect{model: "IF_cond_alpha", tref: "tau_refrac", trefDefault: 0.1, zero: []string{"g_e", "x_e", "g_i", "x_i"}, params: []param{
			p("v", "v", 1, -65), p("v_rest", "E_L", 1, -65), p("cm", "C_m", 1e-3, 1), overParam("tau_m", "g_L", "C_m", 1, 20),
			p("v_thresh", "V_th", 1, -50), p("v_reset", "V_reset", 1, -65), p("e_rev_E", "E_e", 1, 0), p("e_rev_I", "E_i", 1, -70),
			p("tau_syn_E", "tau_e", 1, 0.3), p("tau_syn_I", "tau_i", 1, 0.5), p("i_offset", "I", 1e-3, 0)}},
	},
	{
		builtin: "lif_cuba_exp", synapses: current, refractory: 2,
		receptors: []receptor{{"I_e", "excitatory", 1}, {"I_i", "inhibitory", 1}},
		nest: dialect{model: "iaf_psc_exp", tref: "t_ref", trefDefault: 2, params: []param{
			p("V_m", "v", 1, -70), p("E_L", "E_L", 1, -70), p("C_m", "C_m", 1, 250), p("tau_m", "tau_m", 1, 10),
			p("V_th", "V_th", 1, -55), p("V_reset", "V_reset", 1, -70),
			p("tau_syn_ex", "tau_e", 1, 2), p("tau_syn_in", "tau_i", 1, 2), p("I_e", "I", 1, 0),
			p("I_syn_ex", "I_e", 1, 0), p("I_syn_in", "I_i", 1, 0)}},
		pynn: dialect{model: "IF_curr_exp", tref: "tau_refrac", trefDefault: 0.1, params: []param{
			p("v", "v", 1, -65), p("v_rest", "E_L", 1, -65), p("cm", "C_m", 1e-3, 1), p("tau_m", "tau_m", 1, 20),
			p("v_thresh", "V_th", 1, -50), p("v_reset", "V_reset", 1, -65),
			p("tau_syn_E", "tau_e", 1, 5), p("tau_syn_I", "tau_i", 1, 5), p("i_offset", "I", 1e-3, 0),
			p("isyn_exc", "I_e", 1e-3, 0), p("isyn_inh", "I_i", 1e-3, 0)}},
	},
	{
		// spikevk's adex has no synaptic variables: synapses add to v
		// (NEST's aeif_psc_delta); PyNN's AdEx has conductance synapses.
		builtin: "adex", synapses: voltage, refractory: 0,
		receptors: []receptor{{"v", "", 1}},
		nest: dialect{model: "aeif_psc_delta", tref: "t_ref", trefDefault: 0, params: []param{
			p("V_m", "v", 1, -70.6), p("w", "w", 1, 0), p("C_m", "C", 1, 281), p("g_L", "g_L", 1, 30), p("E_L", "E_L", 1, -70.6),
			p("V_th", "V_T", 1, -50.4), p("Delta_T", "Delta_T", 1, 2), p("tau_w", "tau_w", 1, 144), p("a", "a", 1, 4),
			p("b", "b", 1, 80.5), p("V_reset", "V_r", 1, -60), p("V_peak", "V_peak", 1, 0), p("I_e", "I", 1, 0)}},
		pynn: dialect{model: "EIF_cond_exp_isfa_ista", tref: "tau_refrac", trefDefault: 0.1,
			noSynapses: "PyNN's EIF_cond_exp_isfa_ista takes conductance synapses, which spikevk's adex does not have (its synapses add to v, NEST's aeif_psc_delta)",
			params: []param{
				p("v", "v", 1, -70.6), p("w", "w", 1e-3, 0), p("cm", "C", 1e-3, 0.281), overParam("tau_m", "g_L", "C", 1, 9.3667),
				p("v_rest", "E_L", 1, -70.6), p("v_thresh", "V_T", 1, -50.4), p("delta_T", "Delta_T", 1, 2), p("tau_w", "tau_w", 1, 144),
				p("a", "a", 1, 4), p("b", "b", 1e-3, 0.0805), p("v_reset", "V_r", 1, -70.6), p("v_spike", "V_peak", 1, -40),
				p("i_offset", "I", 1e-3, 0)}},
	},
	{
		// I is a voltage (the drive is I/ms), numerically NEST's I_e in
		// pA and PyNN's i_offset in nA × 1000 (Cm = 0.001 nF).
		builtin: "izhikevich", synapses: voltage, refractory: 0,
		receptors: []receptor{{"v", "", 1}},
		nest: dialect{model: "izhikevich", params: []param{
			p("V_m", "v", 1, -65), p("U_m", "u", 1, -13), p("a", "a", 1, 0.02), p("b", "b", 1, 0.2),
			p("c", "c", 1, -65), p("d", "d", 1, 8), p("I_e", "I", 1, 0), {name: "V_th", def: 30}}},
		pynn: dialect{model: "Izhikevich", params: []param{
			p("v", "v", 1, -70), p("u", "u", 1, -14), p("a", "a", 1, 0.02), p("b", "b", 1, 0.2),
			p("c", "c", 1, -65), p("d", "d", 1, 2), p("i_offset", "I", 1e-3, 0)}},
	},
	{
		builtin: "hh_traub", synapses: conductance, refractory: 3,
		receptors: []receptor{{"g_e", "excitatory", 1}, {"g_i", "inhibitory", 1}},
		nest: dialect{model: "hh_cond_exp_traub", tref: "t_ref", trefDefault: 2, zero: []string{"g_e", "g_i"}, params: []param{
			p("V_m", "v", 1, -60), p("Act_m", "m", 1, 9.895563096746586e-09), p("Inact_h", "h", 1, 0.999999999106396),
			p("Act_n", "n", 1, 2.551577051602551e-07),
			p("C_m", "C_m", 1, 200), p("g_L", "g_l", 1, 10), p("E_L", "E_l", 1, -60), p("g_Na", "g_na", 1, 20000),
			p("E_Na", "E_na", 1, 50), p("g_K", "g_kd", 1, 6000), p("E_K", "E_k", 1, -90), p("V_T", "V_T", 1, -63),
			p("E_ex", "E_e", 1, 0), p("E_in", "E_i", 1, -80), p("tau_syn_ex", "tau_e", 1, 5), p("tau_syn_in", "tau_i", 1, 10),
			p("I_e", "I", 1, 0)}},
		pynn: dialect{model: "HH_cond_exp", params: []param{
			p("v", "v", 1, -65), p("m", "m", 1, 0), p("h", "h", 1, 1), p("n", "n", 1, 0),
			p("cm", "C_m", 1e-3, 0.2), p("g_leak", "g_l", 1e-3, 0.01), p("e_rev_leak", "E_l", 1, -65), p("gbar_Na", "g_na", 1e-3, 20),
			p("e_rev_Na", "E_na", 1, 50), p("gbar_K", "g_kd", 1e-3, 6), p("e_rev_K", "E_k", 1, -90), p("v_offset", "V_T", 1, -63),
			p("e_rev_E", "E_e", 1, 0), p("e_rev_I", "E_i", 1, -80), p("tau_syn_E", "tau_e", 1, 0.2), p("tau_syn_I", "tau_i", 1, 2),
			p("i_offset", "I", 1e-3, 0), p("gsyn_exc", "g_e", 1e-3, 0), p("gsyn_inh", "g_i", 1e-3, 0)}},
	},
	gif("gif_cond_exp", conductance, "g_ex", "g_in"),
	gif("gif_psc_exp", current, "I_syn_ex", "I_syn_in"),
}

// alphaSlope is NEST's dg of an alpha synapse, the first stage over its
// time constant: dg = x/tau, x = dg·tau.
func alphaSlope(name, x, tau string) param {
	return param{name: name, sv: x, uses: []string{tau},
		to:   func(x float64, u []float64) float64 { return x / u[0] },
		from: func(dg float64, u []float64) float64 { return dg * u[0] }}
}

// gif maps the two GIF models onto NEST's (PyNN's GIF_cond_exp takes its
// elements as arrays, which import_from_sonata reads as one value per
// neuron, and has three of each).
func gif(builtin string, kind synapseKind, exc, inh string) neuronModel {
	params := []param{
		p("V_m", "v", 1, -70), p("C_m", "C_m", 1, 80), p("g_L", "g_L", 1, 4), p("E_L", "E_L", 1, -70),
		p("V_reset", "V_reset", 1, -55), p("V_T_star", "V_T_star", 1, -35), p("Delta_V", "Delta_V", 1, 0.5),
		p("lambda_0", "lambda_0", 1e3, 1), // 1/s
		// NEST has no elements by default: none jump, and the time
		// constants of missing ones do not matter (1 ms).
		listParam("q_stc", []string{"q_stc_1", "q_stc_2"}, 1, []float64{0, 0}, 0),
		listParam("tau_stc", []string{"tau_stc_1", "tau_stc_2"}, 1, nil, 1),
		listParam("q_sfa", []string{"q_sfa_1", "q_sfa_2"}, 1, []float64{0, 0}, 0),
		listParam("tau_sfa", []string{"tau_sfa_1", "tau_sfa_2"}, 1, nil, 1),
		p("tau_syn_ex", "tau_syn_ex", 1, 2), p("tau_syn_in", "tau_syn_in", 1, 2), p("I_e", "I", 1, 0),
	}
	zero := []string{"eta_1", "eta_2", "gamma_1", "gamma_2"}
	if kind == conductance {
		params = append(params, p("E_ex", "E_ex", 1, 0), p("E_in", "E_in", 1, -85), p("g_ex", "g_ex", 1, 0), p("g_in", "g_in", 1, 0))
	} else {
		zero = append(zero, exc, inh) // NEST cannot set its synaptic currents
	}
	return neuronModel{
		builtin: builtin, synapses: kind, refractory: 4,
		receptors: []receptor{{exc, "excitatory", 1}, {inh, "inhibitory", 1}},
		nest:      dialect{model: builtin, tref: "t_ref", trefDefault: 4, zero: zero, params: params},
		pynn: dialect{none: "PyNN's GIF_cond_exp has three stc and sfa elements, given as arrays that import_from_sonata " +
			"reads as one value per neuron; export it for NEST"},
	}
}

// dialect is m in t.
func (m *neuronModel) dialect(t Target) *dialect {
	if t == NEST {
		return &m.nest
	}
	return &m.pynn
}

// params are the target's variables of m.
func (m *neuronModel) params(t Target) []param { return m.dialect(t).params }

// template is m's model_template in t.
func (m *neuronModel) template(t Target) string {
	if t == NEST {
		return "nest:" + m.nest.model
	}
	return "pynn:" + m.pynn.model
}

// receptor is the receptor of m that a synapse adding to sv reaches.
func (m *neuronModel) receptor(sv string) (receptor, error) {
	var names []string
	for _, r := range m.receptors {
		if r.sv == sv {
			return r, nil
		}
		names = append(names, r.sv)
	}
	return receptor{}, fmt.Errorf("on_pre adds to %s, which is not a synaptic input of %s (%s)", sv, m.builtin, strings.Join(names, ", "))
}

// receptorNamed is the receptor of m a target names (excitatory,
// inhibitory): for a voltage model its only one.
func (m *neuronModel) receptorNamed(name string) receptor {
	for _, r := range m.receptors {
		if r.name == name || r.name == "" {
			return r
		}
	}
	return m.receptors[0]
}

// weightScale converts a spikevk weight of kind k (nS, pA or mV) to t's
// unit.
func weightScale(t Target, k synapseKind) float64 {
	if t == NEST || k == voltage {
		return 1
	}
	return 1e-3
}

// weightUnit is the internal unit of a weight of kind k.
func weightUnit(k synapseKind) (decl, unit string) {
	switch k {
	case conductance:
		return "w : siemens", "nS"
	case current:
		return "w : amp", "pA"
	}
	return "w : volt", "mV"
}

// modelOf returns the mapping of a group's model for target t: a
// built-in one, unchanged.
func modelOf(f *models.File, t Target) (*neuronModel, error) {
	if f == nil {
		return nil, fmt.Errorf("no model")
	}
	for k := range neuronModels {
		m := &neuronModels[k]
		if f.Name != m.builtin {
			continue
		}
		b, err := models.Builtin(m.builtin)
		if err != nil {
			return nil, err
		}
		if f.Equations != b.Equations || f.Threshold != b.Threshold || f.Reset != b.Reset || f.Method != b.Method {
			return nil, fmt.Errorf("model %q differs from the built-in one of that name: changed equations have no NEST or PyNN counterpart (port them with NESTML or NMODL)", f.Name)
		}
		if m.dialect(t).model == "" {
			return nil, fmt.Errorf("model %q has no %s counterpart (%s)", f.Name, targetName(t), m.dialect(t).none)
		}
		return m, nil
	}
	var names []string
	for _, m := range neuronModels {
		if m.dialect(t).model != "" {
			names = append(names, m.builtin)
		}
	}
	what := fmt.Sprintf("model %q", f.Name)
	if f.Name == "" {
		what = "a model written as equations"
	}
	return nil, fmt.Errorf("%s has no %s built-in counterpart: the models that travel are %s (port others with NESTML or NMODL)",
		what, targetName(t), strings.Join(names, ", "))
}

// modelByTemplate finds the mapping of a model_template such as
// "nest:iaf_cond_exp" or "pynn:IF_cond_exp".
func modelByTemplate(tmpl string) (*neuronModel, Target, error) {
	prefix, name, _ := strings.Cut(tmpl, ":")
	for k := range neuronModels {
		m := &neuronModels[k]
		switch {
		case prefix == "nest" && name != "" && name == m.nest.model:
			return m, NEST, nil
		case prefix == "pynn" && name != "" && name == m.pynn.model:
			return m, PyNN, nil
		}
	}
	var names []string
	for _, m := range neuronModels {
		for _, t := range []Target{NEST, PyNN} {
			if m.dialect(t).model != "" {
				names = append(names, m.template(t))
			}
		}
	}
	return nil, "", fmt.Errorf("model_template %q is not one spikevk runs (%s)", tmpl, strings.Join(names, ", "))
}

// builtinFile returns a copy of the built-in model file name.
func builtinFile(name string) (*models.File, error) {
	f, err := models.Builtin(name)
	if err != nil {
		return nil, err
	}
	c := *f
	return &c, nil
}

// internalUnits are the internal units of the dimensions the built-ins'
// variables have.
var internalUnits = map[string]string{
	"volt": "mV", "siemens": "nS", "amp": "pA", "farad": "pF", "second": "ms", "Hz": "kHz", "1": "1",
}

// unitOf is the internal unit of variable sv of a built-in model, read
// from its declarations ("C : farad", "dv/dt = … : volt").
func unitOf(builtin, sv string) (string, error) {
	f, err := models.Builtin(builtin)
	if err != nil {
		return "", err
	}
	for line := range strings.SplitSeq(f.Equations, "\n") {
		k := strings.LastIndex(line, ":")
		if k < 0 {
			continue
		}
		name, _, _ := strings.Cut(line[:k], "=")
		name = strings.TrimSpace(name)
		if strings.HasPrefix(name, "d") && strings.HasSuffix(name, "/dt") {
			name = name[1 : len(name)-3]
		}
		if name != sv {
			continue
		}
		dim, _, _ := strings.Cut(strings.TrimSpace(line[k+1:]), " ")
		if u, ok := internalUnits[dim]; ok {
			return u, nil
		}
		return "", fmt.Errorf("%s: variable %s has unit %q", builtin, sv, dim)
	}
	return "", fmt.Errorf("%s: no variable %s", builtin, sv)
}
