package sonata

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/spikevk/spikevk"
)

// edges builds the projections of every edge population.
func (b *importer) edges() error {
	files, err := b.circuit.files("edges", "edges_file", "edge_types_file")
	if err != nil {
		return err
	}
	for _, f := range files {
		types, err := readTypes(f[1], "edge_type_id")
		if err != nil {
			return err
		}
		r, err := openH5(f[0])
		if err != nil {
			return err
		}
		pops, err := r.members("/edges")
		for _, name := range pops {
			if err == nil {
				if err = b.edgePopulation(r, name, types); err != nil {
					err = fmt.Errorf("%s: edge population %q: %w", r.path, name, err)
				}
			}
		}
		r.close()
		if err != nil {
			return err
		}
	}
	return nil
}

// synapse is one edge as spikevk builds it.
type synapse struct {
	i, j  int
	w     float64 // in nS, pA or mV, positive for conductances
	steps int
}

// edgePopulation builds the projections of one edge population: one per
// receptor (excitatory, inhibitory), named after the population, with a
// suffix when it has both.
func (b *importer) edgePopulation(r *h5r, name string, types map[int64]map[string]string) error {
	base := "/edges/" + name
	src, tgt, err := b.endpoints(r, base)
	if err != nil {
		return err
	}
	post := b.pops[tgt.pop]
	if post.model == nil {
		return fmt.Errorf("its target population %q is virtual: virtual nodes receive no synapses", tgt.pop)
	}
	if why := post.model.dialect(post.target).noSynapses; why != "" {
		return fmt.Errorf("its target population %q: %s", tgt.pop, why)
	}
	n := len(src.ids)
	_, typeIDs, err := r.numbers(base + "/edge_type_id")
	if err != nil {
		return err
	}
	group := "0"
	if r.exists(base + "/edge_group_id") {
		_, gids, err := r.numbers(base + "/edge_group_id")
		if err != nil {
			return err
		}
		for _, g := range gids {
			if g != gids[0] {
				return fmt.Errorf("several edge groups: spikevk reads one, as NEST does")
			}
		}
		if len(gids) > 0 {
			group = fmt.Sprint(gids[0])
		}
	}
	weights, delays, err := b.edgeValues(r, base+"/"+group, n, typeIDs, types)
	if err != nil {
		return err
	}
	steps, err := b.delaySteps(r, base, delays)
	if err != nil {
		return err
	}
	dt := b.net.DT()
	byReceptor := map[string][]synapse{}
	var rule *stdpRule
	for k := range n {
		t := types[typeIDs[k]]
		if t == nil {
			return fmt.Errorf("edge %d: edge_type_id %d is not in the edge types file", k, typeIDs[k])
		}
		switch tm := t["model_template"]; {
		case tm == "stdp_synapse" && post.target == NEST:
			if rule == nil {
				if rule, err = b.stdpRule(t); err != nil {
					return fmt.Errorf("edge type %d: %w", typeIDs[k], err)
				}
				rule.typeID = typeIDs[k]
			}
		case tm != "static_synapse" && tm != "pynn:StaticSynapse":
			return fmt.Errorf("edge type %d: model_template %q: spikevk runs static synapses (static_synapse, pynn:StaticSynapse) and NEST's stdp_synapse", typeIDs[k], tm)
		}
		if rule != nil && typeIDs[k] != rule.typeID {
			return fmt.Errorf("edge types %d and %d: spikevk reads an edge population with stdp_synapse edges as one projection, of one edge type", rule.typeID, typeIDs[k])
		}
		w := weights[k]
		receptor := "excitatory"
		if post.target == PyNN {
			receptor = t["receptor_type"]
			if receptor != "excitatory" && receptor != "inhibitory" {
				return fmt.Errorf("edge type %d: receptor_type %q: want excitatory or inhibitory", typeIDs[k], receptor)
			}
		} else if w < 0 {
			receptor = "inhibitory" // NEST picks the receptor by the sign
		}
		w /= weightScale(post.target, post.model.synapses) * post.model.receptorNamed(receptor).scale
		if post.model.synapses == conductance {
			w = math.Abs(w)
		}
		if !(steps[k] >= 0 && steps[k] <= math.MaxUint16) {
			return fmt.Errorf("edge %d: delay %g ms is not 0 … %d steps of %g ms", k, delays[k], math.MaxUint16, dt)
		}
		byReceptor[receptor] = append(byReceptor[receptor], synapse{int(src.ids[k]), int(tgt.ids[k]), w, steps[k]})
	}
	for _, receptor := range []string{"excitatory", "inhibitory"} {
		syns := byReceptor[receptor]
		if len(syns) == 0 && !(n == 0 && receptor == "excitatory") {
			continue
		}
		pname := name
		if len(byReceptor) > 1 {
			pname = name + "_" + receptor[:3]
		}
		if rule != nil {
			if err := b.projectSTDP(pname, b.pops[src.pop].group, post, receptor, syns, rule); err != nil {
				return err
			}
			continue
		}
		b.project(pname, b.pops[src.pop].group, post, receptor, syns)
	}
	return nil
}

// end is one side of an edge population.
type end struct {
	pop string
	ids []int64
}

// endpoints reads the source and target node ids and their populations.
func (b *importer) endpoints(r *h5r, base string) (src, tgt end, err error) {
	for _, side := range []struct {
		name string
		e    *end
	}{{"source_node_id", &src}, {"target_node_id", &tgt}} {
		path := base + "/" + side.name
		if _, side.e.ids, err = r.numbers(path); err != nil {
			return src, tgt, err
		}
		pop, ok, err := r.attrString(path, "node_population")
		if err != nil {
			return src, tgt, err
		}
		p := b.pops[pop]
		switch {
		case !ok:
			return src, tgt, fmt.Errorf("%s has no node_population attribute", side.name)
		case p == nil:
			return src, tgt, fmt.Errorf("%s: node population %q is in no nodes file", side.name, pop)
		}
		side.e.pop = pop
		for k, id := range side.e.ids {
			if id < 0 || id >= int64(p.group.N()) {
				return src, tgt, fmt.Errorf("edge %d: %s %d outside population %q of %d nodes", k, side.name, id, pop, p.group.N())
			}
		}
	}
	if len(src.ids) != len(tgt.ids) {
		return src, tgt, fmt.Errorf("%d source ids for %d target ids", len(src.ids), len(tgt.ids))
	}
	return src, tgt, nil
}

// edgeValues reads the weight and delay of each edge: per edge from the
// group (delay also from its dynamics_params, as PyNN writes it), else
// the edge type's syn_weight and delay columns, else the type's JSON.
func (b *importer) edgeValues(r *h5r, group string, n int, typeIDs []int64, types map[int64]map[string]string) (w, d []float64, err error) {
	dir := b.circuit.file(stringOr(b.circuit.section("components")["synaptic_models_dir"], "."))
	column := func(name string) ([]float64, error) {
		for _, path := range []string{group + "/" + name, group + "/dynamics_params/" + name} {
			if r.exists(path) {
				x, _, err := r.numbers(path)
				if err == nil && len(x) != n {
					err = fmt.Errorf("%s: %d values for %d edges", path, len(x), n)
				}
				return x, err
			}
		}
		x := make([]float64, n)
		for k := range x {
			t := types[typeIDs[k]]
			if t == nil {
				return nil, fmt.Errorf("edge %d: edge_type_id %d is not in the edge types file", k, typeIDs[k])
			}
			v, ok := t[name]
			if !ok && t["dynamics_params"] != "" {
				p, err := readParams(filepath.Join(dir, t["dynamics_params"]))
				if err != nil {
					return nil, err
				}
				if name == "syn_weight" {
					name = "weight"
				}
				if pv, ok := p[name].(float64); ok {
					x[k] = pv
					continue
				}
			}
			if _, err := fmt.Sscan(v, &x[k]); err != nil {
				return nil, fmt.Errorf("edge type %d: no %s, per edge or per type", typeIDs[k], name)
			}
		}
		return x, nil
	}
	if w, err = column("syn_weight"); err != nil {
		return nil, nil, err
	}
	d, err = column("delay")
	return w, d, err
}

// delaySteps converts delays to steps, where spikevk's own delays below
// one step (delayStepsName) do not replace them.
func (b *importer) delaySteps(r *h5r, base string, delays []float64) ([]int, error) {
	dt := b.net.DT()
	steps := make([]int, len(delays))
	for k, d := range delays {
		s := math.Round(d / dt)
		if math.Abs(d/dt-s) > 1e-6*math.Max(1, s) || s > math.MaxInt32 {
			return nil, fmt.Errorf("edge %d: delay %g ms is not a whole number of steps of %g ms", k, d, dt)
		}
		steps[k] = int(s)
	}
	if r.exists(base + "/" + delayStepsName) {
		_, own, err := r.numbers(base + "/" + delayStepsName)
		if err != nil {
			return nil, err
		}
		if len(own) != len(steps) {
			return nil, fmt.Errorf("%s: %d values for %d edges", delayStepsName, len(own), len(steps))
		}
		for k := range steps {
			steps[k] = int(own[k])
		}
		return steps, nil
	}
	own, ok, err := r.attrUint(base, delayStepsName)
	if err != nil {
		return nil, err
	}
	if ok {
		for k := range steps {
			steps[k] = int(own)
		}
	}
	return steps, nil
}

// stdpRule is an edge type of NEST's stdp_synapse as spikevk's STDP.
type stdpRule struct {
	typeID int64
	name   string // stdp_song2000 or stdp_multiplicative
	params map[string]any
}

// stdpRule reads the stdp_synapse parameters of edge type t: mu_plus and
// mu_minus both 0 are stdp_song2000, both 1 stdp_multiplicative (see
// stdpMu); NEST's defaults fill what the JSON leaves out.
func (b *importer) stdpRule(t map[string]string) (*stdpRule, error) {
	r := &stdpRule{params: map[string]any{"tau_plus": 20.0, "lambda": 0.01, "alpha": 1.0, "mu_plus": 1.0, "mu_minus": 1.0, "Wmax": 100.0}}
	if js := t["dynamics_params"]; js != "" && js != "NULL" {
		dir := b.circuit.file(stringOr(b.circuit.section("components")["synaptic_models_dir"], "."))
		p, err := readParams(filepath.Join(dir, js))
		if err != nil {
			return nil, err
		}
		for k, v := range p {
			if _, ok := r.params[k]; !ok && k != "weight" && k != "delay" {
				return nil, fmt.Errorf("stdp_synapse parameter %s: spikevk's STDP has tau_plus, lambda, alpha, mu_plus, mu_minus and Wmax", k)
			}
			r.params[k] = v
		}
	}
	for name, mu := range stdpMu {
		if r.params["mu_plus"] == mu && r.params["mu_minus"] == mu {
			r.name = name
		}
	}
	if r.name == "" {
		return nil, fmt.Errorf("stdp_synapse with mu_plus %v and mu_minus %v: spikevk has them both 0 (stdp_song2000) or both 1 (stdp_multiplicative)", r.params["mu_plus"], r.params["mu_minus"])
	}
	for k, v := range r.params {
		if _, ok := v.(float64); !ok {
			return nil, fmt.Errorf("stdp_synapse parameter %s is not a number", k)
		}
	}
	return r, nil
}

// projectSTDP adds the plastic projection of syns onto the receptor of
// post: w = NEST's weight/Wmax, taupost the neurons' tau_minus.
func (b *importer) projectSTDP(name string, pre *spikevk.Group, post *imported, receptor string, syns []synapse, r *stdpRule) error {
	rc := post.model.receptorNamed(receptor)
	if receptor != "excitatory" || post.model.synapses == voltage {
		return fmt.Errorf("stdp_synapse onto %s: spikevk's STDP takes positive conductance or current weights", rc.sv)
	}
	v := func(k string) float64 { return r.params[k].(float64) }
	wmax := v("Wmax") / rc.scale
	i, j := make([]int, len(syns)), make([]int, len(syns))
	w, d := make([]float64, len(syns)), make([]float64, len(syns))
	for k, s := range syns {
		i[k], j[k], w[k] = s.i, s.j, s.w/wmax
		d[k] = float64(s.steps) * b.net.DT()
	}
	_, u := weightUnit(post.model.synapses)
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	p := b.net.Connect(name, pre, post.group, spikevk.BuiltinSynapses(r.name).Target(rc.sv), spikevk.Pairs(i, j))
	p.SetArray("w", w, "1")
	p.Set("w_max", num(wmax)+"*"+u).Set("taupre", num(v("tau_plus"))+"*ms").Set("taupost", num(post.tauMinus)+"*ms").
		Set("Apre", num(v("lambda"))).Set("Apost", num(-v("alpha")*v("lambda")))
	p.SetDelayArray(d, "ms")
	return nil
}

// project adds the projection of syns onto the receptor of post.
func (b *importer) project(name string, pre *spikevk.Group, post *imported, receptor string, syns []synapse) {
	variable := post.model.receptorNamed(receptor).sv
	decl, u := weightUnit(post.model.synapses)
	i, j := make([]int, len(syns)), make([]int, len(syns))
	w, d := make([]float64, len(syns)), make([]float64, len(syns))
	delayed := false
	for k, s := range syns {
		i[k], j[k], w[k] = s.i, s.j, s.w
		d[k] = float64(s.steps) * b.net.DT()
		delayed = delayed || s.steps > 0
	}
	p := b.net.Connect(name, pre, post.group, spikevk.Synapses{Model: decl, OnPre: variable + "_post += w"}, spikevk.Pairs(i, j))
	p.SetArray("w", w, u)
	if delayed {
		p.SetDelayArray(d, "ms")
	}
}

// inputSpikes reads the spikes of the virtual population pop from the
// simulation's inputs of type spikes whose node set is pop (or names
// it): /spikes/<pop>/{node_ids|gids, timestamps}, or the older
// /spikes/{gids, timestamps}.
func (b *importer) inputSpikes(pop string, n int) ([]int, []float64, error) {
	if b.sim == nil {
		return nil, nil, nil
	}
	sets := map[string]any{}
	if s, _ := b.sim.data["node_sets_file"].(string); s != "" {
		if c, err := readConfig(b.sim.file(s)); err == nil {
			sets = c.data
		}
	}
	var idx []int
	var times []float64
	for name, in := range b.sim.section("inputs") {
		m, _ := in.(map[string]any)
		set, _ := m["node_set"].(string)
		if def, ok := sets[set].(map[string]any); ok {
			set, _ = def["population"].(string)
		}
		if m["input_type"] != "spikes" || set != pop {
			continue
		}
		file, _ := m["input_file"].(string)
		r, err := openH5(b.sim.file(file))
		if err != nil {
			return nil, nil, fmt.Errorf("input %q: %w", name, err)
		}
		i, t, err := readSpikes(r, pop)
		r.close()
		if err != nil {
			return nil, nil, fmt.Errorf("input %q: %w", name, err)
		}
		for k, id := range i {
			if id < 0 || id >= int64(n) {
				return nil, nil, fmt.Errorf("input %q: spike %d: node %d outside the %d nodes", name, k, id, n)
			}
			idx = append(idx, int(id))
		}
		times = append(times, t...)
	}
	return idx, times, nil
}
