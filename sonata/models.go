package sonata

import (
	"fmt"
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

// neuronModel maps a built-in spikevk model onto its NEST and PyNN
// counterparts.
type neuronModel struct {
	builtin     string
	nest, pynn  string
	conductance bool   // synapses add conductances (else currents)
	exc, inh    string // the variables that excitatory and inhibitory synapses increment
	// nestParams and pynnParams name each variable in the target, in
	// the order of the dynamics-params JSON.
	nestParams, pynnParams []param
	// refractory is the built-in's refractory period in ms, which NEST's
	// t_ref and PyNN's tau_refrac carry; nestTref and pynnTref are the
	// targets' defaults.
	refractory, nestTref, pynnTref float64
}

// param is a variable of a target model: name = the spikevk variable ×
// scale, or, with over set, name = sv / over (PyNN's tau_m = C_m/g_L);
// def is the target's default, which a file that leaves the variable out
// means.
type param struct {
	name  string
	sv    string
	scale float64
	over  string
	def   float64
}

// value is the parameter's value in the target from the spikevk values v.
func (p param) value(v map[string]float64) float64 {
	if p.over != "" {
		return v[p.sv] / v[p.over]
	}
	return v[p.sv] * p.scale
}

// trefNEST and trefPyNN name the refractory period in the targets.
const (
	trefNEST = "t_ref"
	trefPyNN = "tau_refrac"
)

// Defaults: NEST's model docs (iaf_cond_exp, iaf_psc_exp) and PyNN's
// standardmodels/cells.py. Units: spikevk's internal ones (mV, ms, nS, pA, pF) are NEST's; PyNN
// has nF, µS and nA (pyNN/nest/standardmodels/cells.py: cm×1000 → C_m,
// i_offset×1000 → I_e).
var neuronModels = []neuronModel{
	{
		builtin: "lif_coba_exp", nest: "iaf_cond_exp", pynn: "IF_cond_exp", conductance: true,
		exc: "g_e", inh: "g_i", refractory: 5, nestTref: 2, pynnTref: 0.1,
		nestParams: []param{{"V_m", "v", 1, "", -70}, {"E_L", "E_L", 1, "", -70}, {"C_m", "C_m", 1, "", 250}, {"g_L", "g_L", 1, "", 16.6667},
			{"V_th", "V_th", 1, "", -55}, {"V_reset", "V_reset", 1, "", -60}, {"E_ex", "E_e", 1, "", 0}, {"E_in", "E_i", 1, "", -85},
			{"tau_syn_ex", "tau_e", 1, "", 0.2}, {"tau_syn_in", "tau_i", 1, "", 2}, {"I_e", "I", 1, "", 0},
			{"g_ex", "g_e", 1, "", 0}, {"g_in", "g_i", 1, "", 0}},
		pynnParams: []param{{"v", "v", 1, "", -65}, {"v_rest", "E_L", 1, "", -65}, {"cm", "C_m", 1e-3, "", 1}, {"tau_m", "C_m", 0, "g_L", 20},
			{"v_thresh", "V_th", 1, "", -50}, {"v_reset", "V_reset", 1, "", -65}, {"e_rev_E", "E_e", 1, "", 0}, {"e_rev_I", "E_i", 1, "", -70},
			{"tau_syn_E", "tau_e", 1, "", 5}, {"tau_syn_I", "tau_i", 1, "", 5}, {"i_offset", "I", 1e-3, "", 0},
			{"gsyn_exc", "g_e", 1e-3, "", 0}, {"gsyn_inh", "g_i", 1e-3, "", 0}},
	},
	{
		builtin: "lif_cuba_exp", nest: "iaf_psc_exp", pynn: "IF_curr_exp",
		exc: "I_e", inh: "I_i", refractory: 2, nestTref: 2, pynnTref: 0.1,
		nestParams: []param{{"V_m", "v", 1, "", -70}, {"E_L", "E_L", 1, "", -70}, {"C_m", "C_m", 1, "", 250}, {"tau_m", "tau_m", 1, "", 10},
			{"V_th", "V_th", 1, "", -55}, {"V_reset", "V_reset", 1, "", -70},
			{"tau_syn_ex", "tau_e", 1, "", 2}, {"tau_syn_in", "tau_i", 1, "", 2}, {"I_e", "I", 1, "", 0},
			{"I_syn_ex", "I_e", 1, "", 0}, {"I_syn_in", "I_i", 1, "", 0}},
		pynnParams: []param{{"v", "v", 1, "", -65}, {"v_rest", "E_L", 1, "", -65}, {"cm", "C_m", 1e-3, "", 1}, {"tau_m", "tau_m", 1, "", 20},
			{"v_thresh", "V_th", 1, "", -50}, {"v_reset", "V_reset", 1, "", -65},
			{"tau_syn_E", "tau_e", 1, "", 5}, {"tau_syn_I", "tau_i", 1, "", 5}, {"i_offset", "I", 1e-3, "", 0},
			{"isyn_exc", "I_e", 1e-3, "", 0}, {"isyn_inh", "I_i", 1e-3, "", 0}},
	},
}

// unit is the internal unit of a spikevk variable of these models.
func unit(sv string) string {
	switch sv {
	case "v", "E_L", "V_th", "V_reset", "E_e", "E_i":
		return "mV"
	case "C_m":
		return "pF"
	case "g_L", "g_e", "g_i":
		return "nS"
	case "tau_m", "tau_e", "tau_i":
		return "ms"
	}
	return "pA" // I, I_e, I_i
}

// params are the target's variables of m.
func (m *neuronModel) params(t Target) []param {
	if t == NEST {
		return m.nestParams
	}
	return m.pynnParams
}

// template is m's model_template in t.
func (m *neuronModel) template(t Target) string {
	if t == NEST {
		return "nest:" + m.nest
	}
	return "pynn:" + m.pynn
}

// weightScale converts a spikevk weight (nS or pA) to t's unit.
func weightScale(t Target) float64 {
	if t == NEST {
		return 1
	}
	return 1e-3
}

// modelOf returns the mapping of a group's model: a built-in one, unchanged.
func modelOf(f *models.File) (*neuronModel, error) {
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
		if f.Equations != b.Equations || f.Threshold != b.Threshold || f.Reset != b.Reset ||
			f.Refractory != b.Refractory || f.Method != b.Method {
			return nil, fmt.Errorf("model %q differs from the built-in one of that name: changed equations have no NEST or PyNN counterpart (port them with NESTML or NMODL)", f.Name)
		}
		return m, nil
	}
	var names []string
	for _, m := range neuronModels {
		names = append(names, m.builtin)
	}
	what := fmt.Sprintf("model %q", f.Name)
	if f.Name == "" {
		what = "a model written as equations"
	}
	return nil, fmt.Errorf("%s has no NEST or PyNN built-in counterpart: the models that travel are %s (port others with NESTML or NMODL)",
		what, strings.Join(names, ", "))
}

// modelByTemplate finds the mapping of a model_template such as
// "nest:iaf_cond_exp" or "pynn:IF_cond_exp".
func modelByTemplate(tmpl string) (*neuronModel, Target, error) {
	prefix, name, _ := strings.Cut(tmpl, ":")
	for k := range neuronModels {
		m := &neuronModels[k]
		switch {
		case prefix == "nest" && name == m.nest:
			return m, NEST, nil
		case prefix == "pynn" && name == m.pynn:
			return m, PyNN, nil
		}
	}
	var names []string
	for _, m := range neuronModels {
		names = append(names, "nest:"+m.nest, "pynn:"+m.pynn)
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
