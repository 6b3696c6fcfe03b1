package sonata

import (
	"fmt"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// stdpMu maps spikevk's built-in pair STDP onto NEST's stdp_synapse
// (Gütig et al. 2003 with all-to-all pair traces): its exponents of the
// weight dependence, 0 (additive, hard bounds: Song et al. 2000) or 1
// (multiplicative, soft bounds). w ∈ [0, 1] is NEST's w/Wmax, Apre its
// lambda, −Apost/Apre its alpha, taupre its tau_plus and taupost the
// postsynaptic neuron's tau_minus.
var stdpMu = map[string]float64{"stdp_song2000": 0, "stdp_multiplicative": 1}

// stdpOf returns the built-in STDP model of p's synapses, if they are one
// unchanged (but for its target).
func stdpOf(p *host.Projection) (*models.SynapseFile, bool) {
	f := p.File
	if f == nil {
		return nil, false
	}
	if _, ok := stdpMu[f.Name]; !ok {
		return nil, false
	}
	b, err := models.BuiltinSynapse(f.Name)
	if err == nil && f.Target != b.Target {
		b, err = b.WithTarget(f.Target)
	}
	if err != nil || b.Equations != f.Equations || b.OnPre != f.OnPre || b.OnPost != f.OnPost {
		return nil, false
	}
	return f, true
}

// stdpParams are the edge type's stdp_synapse parameters for the
// projection of plan pp with synapses f, the postsynaptic tau_minus and
// Wmax, by which NEST's weights are spikevk's w;
// every parameter must be one value for all synapses and the traces must
// start at 0.
func stdpParams(pp *host.ProjectionPlan, f *models.SynapseFile) (params []jsonEntry, tauMinus, wmax float64, err error) {
	one := map[string]float64{}
	for _, a := range pp.Arrays {
		switch a.Name {
		case "apre", "apost":
			if slices.ContainsFunc(a.Init, func(x float32) bool { return x != 0 }) {
				return nil, 0, 0, fmt.Errorf("the trace %s starts above 0: NEST's stdp_synapse starts its traces at 0", a.Name)
			}
		case "w_max", "taupre", "taupost", "Apre", "Apost":
			if len(a.Init) == 0 || slices.ContainsFunc(a.Init, func(x float32) bool { return x != a.Init[0] }) {
				return nil, 0, 0, fmt.Errorf("%s differs between synapses: NEST's stdp_synapse takes it once per edge type", a.Name)
			}
			one[a.Name] = decimal(a.Init[0])
		}
	}
	for _, name := range []string{"w_max", "taupre", "taupost", "Apre", "Apost"} {
		if _, ok := one[name]; !ok {
			return nil, 0, 0, fmt.Errorf("the plan holds no %s", name)
		}
	}
	if one["Apre"] == 0 {
		return nil, 0, 0, fmt.Errorf("Apre is 0: NEST's stdp_synapse scales depression by alpha = -Apost/Apre")
	}
	mu := stdpMu[f.Name]
	return []jsonEntry{{"tau_plus", one["taupre"]}, {"lambda", one["Apre"]}, {"alpha", -one["Apost"] / one["Apre"]},
		{"mu_plus", mu}, {"mu_minus", mu}, {"Wmax", one["w_max"]}}, one["taupost"], one["w_max"], nil
}

// jsonEntry is one entry of a dynamics-params JSON, in order.
type jsonEntry struct {
	name  string
	value float64
}
