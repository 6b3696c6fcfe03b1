package sonata

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// Options say what Export writes.
type Options struct {
	Target   Target  // NEST when empty
	Duration float64 // ms of the run simulation_config.json describes (run.tstop); positive
}

// Result says what Export wrote.
type Result struct {
	Files    []string // relative to the folder, in the order written
	Bytes    int64    // their total size
	Nodes    int      // neurons and virtual nodes
	Synapses int
	// Warnings say where a target cannot hold what spikevk simulates
	// (a delay below one step).
	Warnings []string
}

// Layout of an export folder, relative to it.
const (
	CircuitConfig    = "circuit_config.json"
	SimulationConfig = "simulation_config.json"
	nodeSetsFile     = "node_sets.json"
	networkDir       = "network"
	neuronDir        = "components/point_neuron_models"
	synapseDir       = "components/synaptic_models"
	inputSpikes      = "inputs/spikes.h5"
)

// delayStepsName holds, on an edge population, the delays in steps that
// spikevk simulates where they are below the one step NEST and NEURON
// accept (which the delay dataset then holds): an attribute when the
// projection has one delay, else a uint16 dataset.
const delayStepsName = "spikevk_delay_steps"

// population is a node population: a whole group of the network.
type population struct {
	group int // in the plan
	name  string
	model *neuronModel // nil: virtual
	// refractory is the group's refractory period in ms (the
	// built-in's, or the one a file gave).
	refractory float64
	spikes     [][]uint32 // virtual: the steps each node spikes in
	types      []nodeType
	typeOf     []uint64 // node_type_id of each node
	virtual    bool
	// perNode are the target's variables that differ within a node
	// type, perType the others' values by node type (see values).
	perNode []perNode
	perType []map[string]any
	// tauMinus is NEST's tau_minus of the neurons, the decay time of the
	// postsynaptic trace of their STDP synapses; NaN without them.
	tauMinus float64
}

// tauMinusName names it in NEST.
const tauMinusName = "tau_minus"

// nodeType is a contiguous run of a population's nodes (a named
// subgroup, or the whole group) with one node_type_id.
type nodeType struct {
	id     uint64
	name   string // pop_name
	lo, hi int
}

// exporter holds what Export gathers before it writes.
type exporter struct {
	desc     *host.Network
	compiled *host.Compiled
	net      *spikevk.Network
	dir      string
	opt      Options
	pops     []*population // by plan group index
	res      Result
}

// Export writes the network as a SONATA circuit and simulation into dir
// (created if needed), for opt.Target: the connectivity, weights, delays,
// parameters and initial values are those spikevk simulates for the
// network's seed, read from the built network (Export builds it with a
// Run of 0 ms when it has not run). Poisson groups and spike generators
// become virtual populations whose spikes, those spikevk draws for the
// run, fill a SONATA spikes file. Groups whose model has no NEST or PyNN
// built-in counterpart (equations, gap junctions, plasticity, injected
// currents) are refused with an error that names them and says why.
func Export(net *spikevk.Network, dir string, opt Options) (*Result, error) {
	switch opt.Target {
	case "":
		opt.Target = NEST
	case NEST, PyNN:
	default:
		return nil, fmt.Errorf("sonata: target %q: want nest or pynn", opt.Target)
	}
	if !(opt.Duration > 0) || math.IsInf(opt.Duration, 0) {
		return nil, fmt.Errorf("sonata: run time %g ms: the simulation needs a positive duration", opt.Duration)
	}
	desc, compiled, err := net.Built()
	if err != nil {
		if err := net.Run(context.Background(), 0); err != nil {
			return nil, err
		}
		if desc, compiled, err = net.Built(); err != nil {
			return nil, err
		}
	}
	e := &exporter{desc: desc, compiled: compiled, net: net, dir: dir, opt: opt}
	if err := e.populations(); err != nil {
		return nil, err
	}
	edges, err := e.projections()
	if err != nil {
		return nil, err
	}
	if err := e.virtualSpikes(); err != nil {
		return nil, err
	}
	for _, d := range []string{networkDir, neuronDir, synapseDir, filepath.Dir(inputSpikes)} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("sonata: %w", err)
		}
	}
	if err := e.write(edges); err != nil {
		return nil, err
	}
	for _, f := range e.res.Files {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			e.res.Bytes += st.Size()
		}
	}
	return &e.res, nil
}

// Model names of the groups spikevk makes itself (see the root package).
const (
	poissonModel        = "poisson"
	spikeGeneratorModel = "spikegenerator"
	poissonInputModel   = "poissoninput"
)

// populations classifies the groups: neurons of a model that travels, or
// virtual nodes (Poisson groups, spike generators).
func (e *exporter) populations() error {
	for gi, g := range e.desc.Groups {
		p := &population{group: gi, name: g.Name, tauMinus: math.NaN()}
		switch {
		case g.Model != nil && g.Model.Name == poissonInputModel:
			return fmt.Errorf("sonata: group %q: a PoissonInput draws a count per target and step, which no SONATA input holds: use a PoissonGroup with synapses", g.Name)
		case g.Model != nil && (g.Model.Name == poissonModel || g.Model.Name == spikeGeneratorModel):
			p.virtual = true
		default:
			m, err := modelOf(g.Model, e.opt.Target)
			if err != nil {
				return fmt.Errorf("sonata: group %q: %w", g.Name, err)
			}
			if len(g.Currents) > 0 {
				return fmt.Errorf("sonata: group %q: injected currents (%s) do not travel: SONATA inputs are spikes", g.Name, g.Currents[0].Var)
			}
			p.model = m
			if p.refractory, err = e.refractory(g.Model, m); err != nil {
				return fmt.Errorf("sonata: group %q: %w", g.Name, err)
			}
			if err := e.zeroStates(gi, m); err != nil {
				return fmt.Errorf("sonata: group %q: %w", g.Name, err)
			}
		}
		p.types = e.nodeTypes(gi, g)
		p.typeOf = make([]uint64, g.N)
		for _, t := range p.types {
			for k := t.lo; k < t.hi; k++ {
				p.typeOf[k] = t.id
			}
		}
		if p.model != nil {
			var err error
			if p.perNode, p.perType, err = e.values(p); err != nil {
				return err
			}
		}
		e.pops = append(e.pops, p)
		e.res.Nodes += g.N
	}
	return nil
}

// refractory is the refractory period of a group of model f, the
// built-in m's or a constant duration.
func (e *exporter) refractory(f *models.File, m *neuronModel) (float64, error) {
	b, err := models.Builtin(m.builtin)
	if err != nil {
		return 0, err
	}
	if f.Refractory == b.Refractory {
		return m.refractory, nil
	}
	d := m.dialect(e.opt.Target)
	if d.tref == "" {
		return 0, fmt.Errorf("refractory period %q: %s's %s has none to set (spikevk's %s has %g ms)", f.Refractory, targetName(e.opt.Target), d.model, m.builtin, m.refractory)
	}
	ms, ok := strings.CutSuffix(strings.ReplaceAll(f.Refractory, " ", ""), "*ms")
	v, err := strconv.ParseFloat(ms, 64)
	if !ok || err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("refractory period %q: only a duration in ms (such as 2*ms) travels to %s's %s", f.Refractory, targetName(e.opt.Target), d.model)
	}
	return v, nil
}

// zeroStates checks that the variables the target cannot set start at 0.
func (e *exporter) zeroStates(gi int, m *neuronModel) error {
	d := m.dialect(e.opt.Target)
	for _, a := range e.compiled.Plan.Groups[gi].Arrays {
		if !slices.Contains(d.zero, a.Name) {
			continue
		}
		for i, x := range a.Init {
			if x != 0 {
				return fmt.Errorf("%s of neuron %d starts at %g: %s's %s cannot set it, so it must start at 0", a.Name, i, x, targetName(e.opt.Target), d.model)
			}
		}
	}
	return nil
}

// nodeTypes splits group gi into the named subgroups that tile it, in
// order, or returns the whole group as one type.
func (e *exporter) nodeTypes(gi int, g *host.Group) []nodeType {
	first := uint64(100*(gi+1) + 1)
	whole := []nodeType{{id: first, name: g.Name, lo: 0, hi: g.N}}
	var tiles []nodeType
	for _, s := range e.net.Subgroups() {
		if s.Whole().Name() == g.Name {
			tiles = append(tiles, nodeType{name: s.Name(), lo: s.Offset(), hi: s.Offset() + s.N()})
		}
	}
	slices.SortFunc(tiles, func(a, b nodeType) int { return a.lo - b.lo })
	at := 0
	for k := range tiles {
		if tiles[k].lo != at || tiles[k].hi <= tiles[k].lo {
			return whole
		}
		at = tiles[k].hi
		tiles[k].id = first + uint64(k)
	}
	if at != g.N || len(tiles) == 0 {
		return whole
	}
	return tiles
}

// edges is a projection ready to write.
type edges struct {
	name            string
	typeID          uint32
	pre, post       *population
	src, tgt        []uint64
	weight, delay   []float64
	steps           []uint16 // delays in steps when some is 0 and they differ; else nil
	uniformSteps    bool     // every delay is 0 steps: the attribute says so
	receptor        string   // excitatory or inhibitory
	kind            synapseKind
	template        string
	dynamicsParams  string
	params          []jsonEntry // of the edge type's JSON
	synapseVariable string
}

var (
	declRe = regexp.MustCompile(`^([A-Za-z_]\w*)\s*:\s*[A-Za-z0-9_*/ ]+$`)
	incRe  = regexp.MustCompile(`^([A-Za-z_]\w*?)(_post)?\s*\+=\s*([A-Za-z_]\w*)$`)
)

// statements are the non-empty lines of code, comments removed.
func statements(code string) []string {
	var out []string
	for line := range strings.SplitSeq(code, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// static checks that p is a static synapse, one weight variable w that
// on_pre adds to a variable of the target: the variable and w.
func static(p *host.Projection) (target, w string, err error) {
	model, onPre, onPost := p.Model, p.OnPre, p.OnPost
	if p.File != nil {
		s := p.File.Spec()
		model, onPre, onPost = s.Model, s.OnPre, s.OnPost
	}
	const why = "only static synapses (model \"w : siemens\" or \"w : amp\", on_pre \"g_e_post += w\") travel through SONATA"
	decls, pre := statements(model), statements(onPre)
	switch {
	case strings.Contains(model, "(summed)"):
		return "", "", fmt.Errorf("summed variables (gap junctions) have no NEST or PyNN counterpart in SONATA; %s", why)
	case len(statements(onPost)) > 0:
		return "", "", fmt.Errorf("on_post (plasticity) does not travel yet: %s", why)
	case len(decls) != 1 || !declRe.MatchString(decls[0]) || strings.Contains(decls[0], "/dt"):
		return "", "", fmt.Errorf("synapse model %q: %s", model, why)
	case len(pre) != 1 || !incRe.MatchString(pre[0]):
		return "", "", fmt.Errorf("on_pre %q: %s", onPre, why)
	}
	w = declRe.FindStringSubmatch(decls[0])[1]
	m := incRe.FindStringSubmatch(pre[0])
	if m[3] != w {
		return "", "", fmt.Errorf("on_pre %q adds %s, not the weight %s: %s", onPre, m[3], w, why)
	}
	return m[1], w, nil
}

// projections checks every projection and converts its synapses.
func (e *exporter) projections() ([]*edges, error) {
	var out []*edges
	for k, p := range e.desc.Projections {
		ed, err := e.projection(k, p)
		if err != nil {
			return nil, fmt.Errorf("sonata: projection %q: %w", p.Name, err)
		}
		out = append(out, ed)
		e.res.Synapses += len(ed.src)
	}
	return out, nil
}

func (e *exporter) projection(k int, p *host.Projection) (*edges, error) {
	pp := e.compiled.Plan.Projections[k]
	pre, post := e.pops[pp.Pre], e.pops[pp.Post]
	if post.virtual {
		return nil, fmt.Errorf("its target %q is a Poisson group or spike generator, a virtual population in SONATA, which receives no synapses", post.name)
	}
	variable, w, err := static(p)
	rule, plastic := stdpOf(p)
	switch {
	case plastic && e.opt.Target == PyNN:
		return nil, fmt.Errorf("%s: PyNN's import_from_sonata builds static synapses only (export it for NEST, whose stdp_synapse is this rule)", rule.Name)
	case plastic:
		variable, w = rule.Target, "w"
	case err != nil:
		return nil, err
	}
	m := post.model
	if why := m.dialect(e.opt.Target).noSynapses; why != "" {
		return nil, fmt.Errorf("its target %q: %s", post.name, why)
	}
	r, err := m.receptor(variable)
	if err != nil {
		return nil, err
	}
	ed := &edges{name: p.Name, typeID: uint32(100 + k), pre: pre, post: post, kind: m.synapses, receptor: r.name, synapseVariable: variable}
	var weights []float32
	for _, a := range pp.Arrays {
		if a.Name == w {
			weights = a.Init
		}
	}
	target := pp.Targets()
	n := len(target)
	if len(weights) != n && len(weights) != 1 {
		return nil, fmt.Errorf("the plan holds %d weights for %d synapses", len(weights), n)
	}
	if ed.kind == voltage {
		if ed.receptor, err = receptorBySign(weights, e.opt.Target); err != nil {
			return nil, err
		}
	}
	wmax := 1.0 // NEST's STDP weights are w·Wmax, in [0, Wmax]
	ed.template, ed.dynamicsParams = "static_synapse", p.Name+".json"
	if e.opt.Target == PyNN {
		ed.template = "pynn:StaticSynapse"
	}
	if plastic {
		if ed.receptor != "excitatory" || ed.kind == voltage {
			return nil, fmt.Errorf("%s onto %s: NEST's stdp_synapse takes positive conductance or current weights", rule.Name, variable)
		}
		var tm float64
		if ed.params, tm, wmax, err = stdpParams(pp, rule); err != nil {
			return nil, fmt.Errorf("%s: %w", rule.Name, err)
		}
		if !math.IsNaN(post.tauMinus) && post.tauMinus != tm {
			return nil, fmt.Errorf("%s: taupost %g ms differs from %g ms of another projection onto %q: NEST keeps one tau_minus per neuron", rule.Name, tm, post.tauMinus, post.name)
		}
		post.tauMinus, ed.template = tm, "stdp_synapse"
		for k := range ed.params {
			if ed.params[k].name == "Wmax" {
				ed.params[k].value *= r.scale // in NEST's weights (alpha synapses: the peak)
			}
		}
	}
	scale := weightScale(e.opt.Target, ed.kind) * r.scale * wmax
	ed.src, ed.tgt = make([]uint64, 0, n), make([]uint64, n)
	ed.weight, ed.delay = make([]float64, n), make([]float64, n)
	zero, differ := 0, false
	for row := 0; row+1 < len(pp.RowPtr); row++ {
		for range pp.RowPtr[row+1] - pp.RowPtr[row] {
			ed.src = append(ed.src, uint64(row))
		}
	}
	for s := range n {
		ed.tgt[s] = uint64(target[s])
		x := float64(weights[min(s, len(weights)-1)])
		if err := checkSign(x, ed); err != nil {
			return nil, fmt.Errorf("synapse %d (%d → %d): %w", s, ed.src[s], ed.tgt[s], err)
		}
		if ed.receptor == "inhibitory" && ed.kind == conductance && e.opt.Target == NEST {
			x = -x // NEST: inhibitory conductances are negative weights
		}
		ed.weight[s] = x * scale
		steps := pp.Delay
		if pp.Delays != nil {
			steps = uint32(pp.Delays[s])
		}
		if steps == 0 {
			zero++
		}
		differ = differ || steps != pp.Delay
		ed.delay[s] = float64(max(steps, 1)) * e.desc.DT
	}
	if zero > 0 {
		if differ {
			ed.steps = pp.Delays
		} else {
			ed.uniformSteps = true
		}
		e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
			"projection %q: %d synapses have no delay (spikevk delivers their spikes at the start of the next step); %s accepts one step at least, so edges.h5 gives them %g ms and %s keeps spikevk's 0 for a round trip",
			p.Name, zero, targetName(e.opt.Target), e.desc.DT, delayStepsName))
	}
	return ed, nil
}

// receptorBySign is the receptor of voltage jumps of these weights in
// target t: excitatory for positive ones, inhibitory for negative ones;
// PyNN takes one receptor_type per edge population, NEST one port for
// both signs.
func receptorBySign(weights []float32, t Target) (string, error) {
	pos := slices.ContainsFunc(weights, func(w float32) bool { return w > 0 })
	neg := slices.ContainsFunc(weights, func(w float32) bool { return w < 0 })
	switch {
	case pos && neg && t == PyNN:
		return "", fmt.Errorf("its weights have both signs: PyNN gives an edge population one receptor_type (excitatory for positive jumps, inhibitory for negative ones), so split the projection")
	case neg && !pos:
		return "inhibitory", nil
	}
	return "excitatory", nil
}

// checkSign checks that a weight's sign matches its receptor as the target
// needs it: conductances are positive; NEST picks the receptor of a
// current-based synapse by the weight's sign.
func checkSign(w float64, ed *edges) error {
	switch {
	case ed.kind == conductance && w < 0:
		return fmt.Errorf("weight %g nS onto %s is negative: conductances are positive in NEST and PyNN", w, ed.synapseVariable)
	case ed.kind == current && ed.receptor == "excitatory" && w < 0:
		return fmt.Errorf("weight %g pA onto %s is negative: NEST and PyNN send negative current weights to the inhibitory synapse", w, ed.synapseVariable)
	case ed.kind == current && ed.receptor == "inhibitory" && w > 0:
		return fmt.Errorf("weight %g pA onto %s is positive: NEST and PyNN send positive current weights to the excitatory synapse", w, ed.synapseVariable)
	}
	return nil
}

// targetName is t as its users write it.
func targetName(t Target) string {
	if t == NEST {
		return "NEST"
	}
	return "PyNN"
}

// virtualSpikes fills the spikes of the virtual populations: those of a
// spike generator from its table, those of Poisson groups by simulating
// them alone on the CPU reference, which draws what the whole network
// draws (each group's random stream is keyed by its name).
func (e *exporter) virtualSpikes() error {
	steps := uint32(math.Round(e.opt.Duration / e.desc.DT))
	sub := &host.Network{DT: e.desc.DT, Seed: e.desc.Seed, Series: e.desc.Series}
	var poisson []*population
	for _, p := range e.pops {
		g := e.desc.Groups[p.group]
		switch {
		case !p.virtual:
		case g.Model.Name == spikeGeneratorModel:
			series := e.desc.Series[strings.TrimSuffix(g.Model.Threshold, "(t, i) > 0.5")]
			if series == nil || series.Spikes == nil {
				return fmt.Errorf("sonata: group %q: its spike table is missing", g.Name)
			}
			p.spikes = make([][]uint32, g.N)
			for i, s := range series.Spikes {
				for _, st := range s {
					if st < steps {
						p.spikes[i] = append(p.spikes[i], st)
					}
				}
			}
		default:
			sub.Groups = append(sub.Groups, g)
			poisson = append(poisson, p)
		}
	}
	if len(poisson) == 0 {
		return nil
	}
	compiled, err := host.Compile(sub)
	if err != nil {
		return fmt.Errorf("sonata: Poisson groups: %w", err)
	}
	b := cpu.New(cpu.Options{})
	defer b.Close()
	if err := b.Load(compiled.Plan); err != nil {
		return fmt.Errorf("sonata: Poisson groups: %w", err)
	}
	for _, p := range poisson {
		p.spikes = make([][]uint32, e.desc.Groups[p.group].N)
	}
	for first := uint32(0); first < steps; first += 1000 {
		n := min(1000, steps-first)
		batch, err := b.Run(context.Background(), first, n)
		if err != nil {
			return fmt.Errorf("sonata: Poisson groups: %w", err)
		}
		for k, p := range poisson {
			words := host.Words(len(p.spikes))
			rec := batch.Spikes[k]
			for s := range n {
				for i := range p.spikes {
					if rec[int(s)*words+i/32]&(1<<(i%32)) != 0 {
						p.spikes[i] = append(p.spikes[i], first+s)
					}
				}
			}
		}
	}
	return nil
}
