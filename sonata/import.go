package sonata

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk"
)

// Simulation is a SONATA network built for spikevk.
type Simulation struct {
	*spikevk.Network
	// Duration is the run time in ms (run.tstop − run.tstart of the
	// simulation config); 0 when there is no simulation config.
	Duration float64
	// Populations are the node populations, as groups, in file order.
	Populations []*spikevk.Group
}

// Open builds the SONATA network of a circuit or simulation config for
// spikevk: point neurons of the models that have a spikevk built-in (see
// Export), static synapses, and virtual populations fed by the spikes
// files of the simulation's inputs. Given a circuit config, the
// simulation config next to it (simulation_config.json) that names it
// gives dt, the run time and the inputs. The seed is cfg's, else the one
// a spikevk export recorded.
func Open(path string, cfg spikevk.Config) (*Simulation, error) {
	sim, circuit, err := configs(path)
	if err != nil {
		return nil, err
	}
	b := &importer{circuit: circuit, sim: sim, pops: map[string]*imported{}}
	if sim != nil {
		var dt float64
		dt, b.duration = sim.run()
		if dt > 0 && cfg.DT == 0 {
			cfg.DT = dt
		}
		if seed, ok := sim.section("spikevk")["seed"].(float64); ok && cfg.Seed == 0 {
			cfg.Seed = uint64(seed)
		}
	}
	b.net = spikevk.New(cfg)
	if err := b.nodes(); err != nil {
		return nil, fmt.Errorf("sonata: %w", err)
	}
	if err := b.edges(); err != nil {
		return nil, fmt.Errorf("sonata: %w", err)
	}
	if err := b.net.Err(); err != nil {
		return nil, fmt.Errorf("sonata: %w", err)
	}
	return &Simulation{Network: b.net, Duration: b.duration, Populations: b.order}, nil
}

// configs reads the simulation and circuit configs of path, a circuit
// config (then the simulation config next to it, simulation_config.json,
// if it names it; else sim is nil) or a simulation config.
func configs(path string) (sim, circuit *config, err error) {
	c, err := readConfig(path)
	if err != nil {
		return nil, nil, fmt.Errorf("sonata: %w", err)
	}
	if _, ok := c.data["networks"]; ok {
		side := filepath.Join(filepath.Dir(path), SimulationConfig)
		if s, err := readConfig(side); err == nil && samePath(s.networkPath(), path) {
			return s, c, nil
		}
		return nil, c, nil
	}
	if circuit, err = readConfig(c.networkPath()); err != nil {
		return nil, nil, fmt.Errorf("sonata: %s: network: %w", path, err)
	}
	return c, circuit, nil
}

// run returns a simulation config's run.dt and run time (tstop − tstart),
// in ms; 0 for what it lacks.
func (c *config) run() (dt, duration float64) {
	run := c.section("run")
	dt, _ = run["dt"].(float64)
	tstop, _ := run["tstop"].(float64)
	tstart, _ := run["tstart"].(float64)
	return dt, tstop - tstart
}

// networkPath is the circuit config a simulation config names.
func (c *config) networkPath() string {
	s, _ := c.data["network"].(string)
	if s == "" {
		return c.file(CircuitConfig)
	}
	return c.file(s)
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	sa, ea := os.Stat(a)
	sb, eb := os.Stat(b)
	return ea == nil && eb == nil && os.SameFile(sa, sb)
}

// importer builds a Simulation.
type importer struct {
	circuit, sim *config
	net          *spikevk.Network
	duration     float64
	pops         map[string]*imported
	order        []*spikevk.Group
}

// imported is a node population built as a group.
type imported struct {
	group  *spikevk.Group
	model  *neuronModel // nil: virtual
	target Target
	// tauMinus is the neurons' NEST tau_minus in ms, the decay time of
	// the postsynaptic trace of their STDP synapses.
	tauMinus float64
}

// nameRe is what spikevk accepts as a group or projection name.
var nameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// nodes builds a group per node population.
func (b *importer) nodes() error {
	files, err := b.circuit.files("nodes", "nodes_file", "node_types_file")
	if err != nil {
		return err
	}
	for _, f := range files {
		types, err := readTypes(f[1], "node_type_id")
		if err != nil {
			return err
		}
		r, err := openH5(f[0])
		if err != nil {
			return err
		}
		err = b.nodeFile(r, types)
		r.close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *importer) nodeFile(r *h5r, types map[int64]map[string]string) error {
	pops, err := r.members("/nodes")
	if err != nil {
		return err
	}
	for _, name := range pops {
		if err := b.population(r, name, types); err != nil {
			return fmt.Errorf("%s: population %q: %w", r.path, name, err)
		}
	}
	return nil
}

// population builds the group of one node population.
func (b *importer) population(r *h5r, name string, types map[int64]map[string]string) error {
	if !nameRe.MatchString(name) || b.pops[name] != nil {
		return fmt.Errorf("spikevk names a group with letters, digits and _, once")
	}
	base := "/nodes/" + name
	_, typeIDs, err := r.numbers(base + "/node_type_id")
	if err != nil {
		return err
	}
	n := len(typeIDs)
	groupIndex := make([]int64, n)
	for k := range groupIndex {
		groupIndex[k] = int64(k)
	}
	group := "0"
	if r.exists(base + "/node_group_id") {
		_, gids, err := r.numbers(base + "/node_group_id")
		if err != nil {
			return err
		}
		if len(gids) != n {
			return fmt.Errorf("%d node_group_id for %d nodes", len(gids), n)
		}
		for _, g := range gids {
			if g != gids[0] {
				return fmt.Errorf("several node groups: spikevk reads one per population")
			}
		}
		if n > 0 {
			group = strconv.FormatInt(gids[0], 10)
		}
		if _, groupIndex, err = r.numbers(base + "/node_group_index"); err != nil {
			return err
		}
	}
	var m *neuronModel
	var target Target
	virtual := false
	for k, id := range typeIDs {
		t := types[id]
		if t == nil {
			return fmt.Errorf("node %d: node_type_id %d is not in the node types file", k, id)
		}
		if t["model_type"] == "virtual" {
			virtual = true
			continue
		}
		tm, tt, err := modelByTemplate(t["model_template"])
		if err != nil {
			return fmt.Errorf("node type %d: %w", id, err)
		}
		if m != nil && tm != m {
			return fmt.Errorf("node types of models %s and %s: a spikevk group has one model (split them into populations)", m.builtin, tm.builtin)
		}
		m, target = tm, tt
	}
	if virtual && m != nil {
		return fmt.Errorf("virtual and point neuron nodes mixed: a spikevk group is one or the other")
	}
	p := &imported{model: m, target: target}
	if virtual {
		idx, times, err := b.inputSpikes(name, n)
		if err != nil {
			return err
		}
		p.group = b.net.SpikeGenerator(name, n, idx, times)
	} else if p.group, p.tauMinus, err = b.neurons(r, name, n, typeIDs, types, base+"/"+group, groupIndex, m, target); err != nil {
		return err
	}
	b.pops[name] = p
	b.order = append(b.order, p.group)
	b.subgroups(p.group, typeIDs, types)
	return nil
}

// neurons builds a group of point neurons: each variable from its node
// type's JSON, or its per-node dataset, or the target's default.
func (b *importer) neurons(r *h5r, name string, n int, typeIDs []int64, types map[int64]map[string]string,
	group string, groupIndex []int64, m *neuronModel, target Target) (*spikevk.Group, float64, error) {
	dir := b.circuit.file(stringOr(b.circuit.section("components")["point_neuron_models_dir"], "."))
	typeParams := map[int64]map[string]any{}
	for _, id := range typeIDs {
		if _, ok := typeParams[id]; ok {
			continue
		}
		typeParams[id] = map[string]any{}
		if js := types[id]["dynamics_params"]; js != "" && js != "NULL" {
			p, err := readParams(filepath.Join(dir, js))
			if err != nil {
				return nil, 0, err
			}
			typeParams[id] = p
		}
	}
	d := m.dialect(target)
	tauMinus := math.NaN()
	for id, p := range typeParams {
		v, ok := p[tauMinusName].(float64)
		if !ok {
			v = 20 // NEST's default
		}
		if !math.IsNaN(tauMinus) && v != tauMinus {
			return nil, 0, fmt.Errorf("node type %d: %s %g ms differs from another type's %g ms: spikevk gives one STDP rule per projection", id, tauMinusName, v, tauMinus)
		}
		tauMinus = v
	}
	refractory := m.refractory
	if d.tref != "" {
		refractory = math.NaN()
		for id, p := range typeParams {
			v, ok := p[d.tref].(float64)
			if !ok {
				v = d.trefDefault
			}
			if !math.IsNaN(refractory) && v != refractory {
				return nil, 0, fmt.Errorf("node type %d: %s %g ms differs from another type's %g ms: spikevk's %s has one refractory period per group", id, d.tref, v, refractory, m.builtin)
			}
			refractory = v
		}
	}
	perNode := map[string][]float64{}
	for _, prm := range d.params {
		path := group + "/dynamics_params/" + prm.name
		if !r.exists(path) {
			continue
		}
		if prm.elems != nil || prm.sv == "" {
			return nil, 0, fmt.Errorf("%s: spikevk reads %s once per node type (in its JSON)", path, prm.name)
		}
		x, _, err := r.numbers(path)
		if err != nil {
			return nil, 0, err
		}
		v := make([]float64, n)
		for k, gi := range groupIndex {
			if gi < 0 || gi >= int64(len(x)) {
				return nil, 0, fmt.Errorf("node %d: node_group_index %d outside %s (%d values)", k, gi, path, len(x))
			}
			v[k] = x[gi]
		}
		perNode[prm.name] = v
	}
	value := func(prm param, k int) (float64, error) {
		if v, ok := perNode[prm.name]; ok {
			return v[k], nil
		}
		switch v := typeParams[typeIDs[k]][prm.name].(type) {
		case float64:
			return v, nil
		case nil:
			return prm.def, nil
		}
		return 0, fmt.Errorf("node type %d: %s is not a number", typeIDs[k], prm.name)
	}
	sv := map[string][]float64{}
	var order []string // the spikevk variables, in the order the target lists them
	set := func(name string, x []float64) {
		if sv[name] == nil {
			order = append(order, name)
		}
		sv[name] = x
	}
	for _, prm := range d.params { // plain values and lists first: derived ones use them
		switch {
		case prm.elems != nil:
			for e, el := range prm.elems {
				x := make([]float64, n)
				keep := true
				for k := range x {
					list, err := listValue(typeParams[typeIDs[k]][prm.name], prm, typeIDs[k])
					if err != nil {
						return nil, 0, err
					}
					if list == nil {
						continue
					}
					keep = false
					x[k] = prm.pad / prm.scale
					if e < len(list) {
						x[k] = list[e] / prm.scale
					}
				}
				if !keep {
					set(el, x)
				}
			}
		case prm.sv == "":
			for k := range n {
				v, err := value(prm, k)
				if err != nil {
					return nil, 0, err
				}
				if v != prm.def {
					return nil, 0, fmt.Errorf("node type %d: %s %g: spikevk's %s has %g", typeIDs[k], prm.name, v, m.builtin, prm.def)
				}
			}
		case prm.from == nil:
			x := make([]float64, n)
			for k := range x {
				v, err := value(prm, k)
				if err != nil {
					return nil, 0, err
				}
				x[k] = v / prm.scale
			}
			set(prm.sv, x)
		}
	}
	for _, prm := range d.params {
		if prm.from == nil {
			continue
		}
		x := make([]float64, n)
		uses := make([]float64, len(prm.uses))
		for k := range x {
			v, err := value(prm, k)
			if err != nil {
				return nil, 0, err
			}
			for u, name := range prm.uses {
				uses[u] = sv[name][k]
			}
			x[k] = prm.from(v, uses)
		}
		set(prm.sv, x)
	}
	model, err := modelFor(m, refractory)
	if err != nil {
		return nil, 0, err
	}
	g := b.net.Group(name, n, model)
	for _, x := range order {
		u, err := unitOf(m.builtin, x)
		if err != nil {
			return nil, 0, err
		}
		g.SetArray(x, sv[x], u)
	}
	return g, tauMinus, nil
}

// listValue is the list a node type's JSON gives for prm, nil when it
// gives none; a list longer than spikevk's elements is an error.
func listValue(v any, prm param, typeID int64) ([]float64, error) {
	if v == nil {
		if prm.listDef != nil {
			return prm.listDef, nil
		}
		return nil, nil
	}
	list, ok := v.([]float64)
	if !ok || len(list) > len(prm.elems) {
		return nil, fmt.Errorf("node type %d: %s: want a list of up to %d numbers (spikevk's elements %s)", typeID, prm.name, len(prm.elems), strings.Join(prm.elems, ", "))
	}
	return list, nil
}

// stringOr is v when it is a non-empty string, else def.
func stringOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// modelFor returns the built-in model of m with the refractory period ms.
func modelFor(m *neuronModel, ms float64) (spikevk.Model, error) {
	if ms == m.refractory {
		return spikevk.Builtin(m.builtin), nil
	}
	if !(ms >= 0) || math.IsInf(ms, 0) {
		return spikevk.Model{}, fmt.Errorf("refractory period %g ms is not a duration", ms)
	}
	f, err := builtinFile(m.builtin)
	if err != nil {
		return spikevk.Model{}, err
	}
	f.Refractory = strconv.FormatFloat(ms, 'g', -1, 64) + "*ms"
	return spikevk.FileModel(f), nil
}

// subgroups names the contiguous runs of nodes of one node type after
// its pop_name, as an export writes them.
func (b *importer) subgroups(g *spikevk.Group, typeIDs []int64, types map[int64]map[string]string) {
	for lo := 0; lo < len(typeIDs); {
		hi := lo
		for hi < len(typeIDs) && typeIDs[hi] == typeIDs[lo] {
			hi++
		}
		name := types[typeIDs[lo]]["pop_name"]
		whole := lo == 0 && hi == len(typeIDs)
		if !whole && nameRe.MatchString(name) && b.net.GroupByName(name) == nil &&
			!slices.ContainsFunc(typeIDs[hi:], func(id int64) bool { return types[id]["pop_name"] == name }) {
			b.net.Subgroup(name, g.Slice(lo, hi))
		}
		lo = hi
	}
}
