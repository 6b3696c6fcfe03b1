package netfile

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
	"go.yaml.in/yaml/v3"
)

// Network is a network built from a file, with its run schedule.
type Network struct {
	*spikevk.Network
	Name, Description string
	Output            string           // the output folder the file names; empty: none
	Schedule          []Segment        // what Run does, in order
	Spikes            []*spikevk.Group // the groups of the spike monitors, in file order
	Segments          []SegmentSummary // after Run: each segment of the schedule
	done              int              // segments run to their end
	start             spikevk.Summary  // when the current segment began
}

// Segment is a part of the schedule: changes of parameters (knobs), then
// a run of Duration ms.
type Segment struct {
	Duration float64
	Changes  []Change
}

// Change gives a knob a value before a segment.
type Change struct {
	Knob  *spikevk.Knob
	Value string
	At    syntax.Pos
}

// Duration is the total time of the schedule, in ms.
func (n *Network) Duration() float64 {
	d := 0.0
	for _, s := range n.Schedule {
		d += s.Duration
	}
	return d
}

// Run runs the schedule: each segment's changes, then its run; Segments
// then describes each segment run. An error names the change or segment.
func (n *Network) Run(ctx context.Context) error { return n.RunEvery(ctx, 0, nil) }

// RunEvery runs what is left of the schedule from the time the network is
// at: from its start, or, after LoadCheckpoint and SetProgress, from the
// checkpoint on (a segment begun before it does not apply its changes
// again: the knobs hold their values from the file). With every > 0 it
// calls save whenever the simulated time reaches a multiple of every ms
// (Progress then tells how far the schedule is), to write a checkpoint.
// The runs in between continue each other bit for bit, so the result is
// that of Run. A schedule run to its end has nothing left: Run again does
// nothing.
func (n *Network) RunEvery(ctx context.Context, every float64, save func() error) error {
	dt := n.DT()
	steps := func(ms float64) uint64 { return uint64(math.Round(ms / dt)) }
	if err := n.Network.Run(ctx, 0); err != nil { // builds it, for the summaries
		return err
	}
	now := steps(n.Summary().Time)
	if now == 0 {
		n.Segments, n.done = nil, 0
	}
	var each uint64
	if every > 0 {
		each = max(steps(every), 1)
	}
	first := uint64(0)
	for k, s := range n.Schedule {
		last := first + steps(s.Duration)
		if k < n.done {
			first = last
			continue
		}
		if now == first {
			for _, c := range s.Changes {
				if err := c.Knob.Set(c.Value); err != nil {
					return fmt.Errorf("%s: %w", c.At, err)
				}
			}
			n.start = n.Summary()
		}
		for now < last {
			next := last
			if each > 0 {
				next = min(last, (now/each+1)*each)
			}
			err := n.Network.Run(ctx, float64(next-now)*dt)
			now = steps(n.Summary().Time)
			if err == nil && each > 0 && now%each == 0 && save != nil {
				err = n.checkpoint(k, now == last, save)
			}
			if err != nil {
				n.Segments = append(n.Segments, segmentSummary(k, n.start, n.Summary()))
				if len(n.Schedule) > 1 {
					return fmt.Errorf("schedule segment %d: %w", k+1, err)
				}
				return err
			}
		}
		n.Segments = append(n.Segments, segmentSummary(k, n.start, n.Summary()))
		n.done, first = k+1, last
	}
	return nil
}

// checkpoint calls save while Progress tells that the segments before k
// are done, and k too where it has ended.
func (n *Network) checkpoint(k int, ended bool, save func() error) error {
	done, segments := n.done, n.Segments
	defer func() { n.done, n.Segments = done, segments }()
	n.done = k
	if ended {
		n.Segments = append(slices.Clip(segments), segmentSummary(k, n.start, n.Summary()))
		n.done = k + 1
	}
	return save()
}

// Progress is how far a schedule has run, for a checkpoint: the segments
// done and where the current one began, so that a run resumed from the
// checkpoint (SetProgress) reports every segment as the uninterrupted one.
type Progress struct {
	Done  []SegmentSummary `json:"segments_done"`
	Start float64          `json:"segment_start_ms"` // the time the current segment began
	// Spikes are each group's spikes when the current segment began.
	Spikes []uint64 `json:"segment_start_spikes"`
}

// Progress returns how far the schedule has run; inside RunEvery's save,
// how far it is at that checkpoint.
func (n *Network) Progress() Progress {
	p := Progress{Done: slices.Clone(n.Segments[:min(n.done, len(n.Segments))]), Start: n.start.Time}
	for _, g := range n.start.Groups {
		p.Spikes = append(p.Spikes, g.Spikes)
	}
	return p
}

// SetProgress sets how far the schedule has run, as Progress told it when
// the checkpoint the network was loaded from was taken.
func (n *Network) SetProgress(p Progress) error {
	groups := len(n.Summary().Groups)
	switch {
	case len(p.Done) > len(n.Schedule):
		return fmt.Errorf("progress: %d segments done, the schedule has %d", len(p.Done), len(n.Schedule))
	case len(p.Spikes) != groups:
		return fmt.Errorf("progress: spikes of %d groups, the network has %d", len(p.Spikes), groups)
	case p.Start > n.Summary().Time:
		return fmt.Errorf("progress: the segment began at %g ms, after the network's time of %g ms", p.Start, n.Summary().Time)
	}
	n.Segments, n.done = slices.Clone(p.Done), len(p.Done)
	for k := range n.Segments {
		for g := range n.Segments[k].Groups {
			n.Segments[k].Groups[g].CV = math.NaN()
		}
	}
	n.start = spikevk.Summary{Time: p.Start}
	for _, s := range p.Spikes {
		n.start.Groups = append(n.start.Groups, spikevk.GroupSummary{Spikes: s})
	}
	return nil
}

// SegmentSummary is the activity of the groups during one segment of the
// schedule.
type SegmentSummary struct {
	Segment int                    `json:"segment"` // from 1
	Start   float64                `json:"start_ms"`
	End     float64                `json:"end_ms"`
	Groups  []spikevk.GroupSummary `json:"groups"` // spikes and rates in the segment (no CV: null)
}

// segmentSummary is segment k from the summaries before and after it.
func segmentSummary(k int, before, after spikevk.Summary) SegmentSummary {
	seg := SegmentSummary{Segment: k + 1, Start: before.Time, End: after.Time}
	for gi, g := range after.Groups {
		if gi < len(before.Groups) {
			g.Spikes -= before.Groups[gi].Spikes
		}
		g.Rate, g.CV = 0, math.NaN()
		if d := after.Time - before.Time; g.N > 0 && d > 0 {
			g.Rate = float64(g.Spikes) / float64(g.N) / (d / 1000)
		}
		seg.Groups = append(seg.Groups, g)
	}
	return seg
}

// builder builds a network from a file.
type builder struct {
	f   *File
	sc  *scope
	net *spikevk.Network
	out *Network
	dt  float64
	// poisson holds the names of the Poisson groups, whose rate is the
	// parameter rates.
	poisson map[string]bool
}

// Build builds the network of f with cfg's backend, device and progress
// writer; the file gives the time step, the seed, when cfg names no
// backend the backend, and procedural: true sets cfg.Procedural. Nothing runs: the first Run draws the synapses.
func (f *File) Build(cfg spikevk.Config) (*Network, error) {
	b := &builder{f: f, sc: &scope{consts: map[string]constant{}}, out: &Network{}, poisson: map[string]bool{}}
	top := map[string]*yaml.Node{}
	if err := f.fields(f.root, "a network file", topKeys, func(key string, _, v *yaml.Node) error {
		top[key] = v
		return nil
	}); err != nil {
		return nil, err
	}
	if n := top["constants"]; n != nil {
		if err := f.entries(n, "constants", func(name string, k, v *yaml.Node) error {
			text, err := f.text(v, "constant "+name)
			if err != nil {
				return err
			}
			return b.sc.define(name, text, f.pos(v))
		}); err != nil {
			return nil, err
		}
	}
	for key, dst := range map[string]*string{"name": &b.out.Name, "description": &b.out.Description, "output": &b.out.Output} {
		if n := top[key]; n != nil {
			text, err := f.text(n, key)
			if err != nil {
				return nil, err
			}
			*dst = text
		}
	}
	b.dt = 0.1
	if n := top["dt"]; n != nil {
		dt, err := b.quantity(n, "dt", dimTime)
		if err != nil {
			return nil, err
		}
		if !(dt > 0) {
			return nil, f.errorf(n, "dt must be positive")
		}
		b.dt = dt
	}
	cfg.DT = b.dt
	cfg.Seed = 0
	if n := top["seed"]; n != nil {
		seed, err := strconv.ParseUint(n.Value, 10, 64)
		if err != nil || n.Kind != yaml.ScalarNode {
			return nil, f.errorf(n, "seed must be a whole number from 0 on")
		}
		cfg.Seed = seed
	}
	if n := top["backend"]; n != nil && cfg.Backend == "" {
		text, err := f.text(n, "backend")
		if err != nil {
			return nil, err
		}
		cfg.Backend = text
	}
	if n := top["procedural"]; n != nil {
		switch n.Value {
		case "true":
			cfg.Procedural = true
		case "false": // -procedural still sets it
		default:
			return nil, f.errorf(n, "procedural is true or false")
		}
	}
	b.net = spikevk.New(cfg)
	b.out.Network = b.net
	steps := []struct {
		key string
		fn  func(*yaml.Node) error
	}{
		{"timed_arrays", b.timedArrays}, {"groups", b.groups}, {"subgroups", b.subgroups},
		{"synapses", b.synapses}, {"monitors", b.monitors},
	}
	if top["groups"] == nil {
		return nil, fmt.Errorf("%s: no groups", f.Path)
	}
	for _, s := range steps {
		if n := top[s.key]; n != nil {
			if err := s.fn(n); err != nil {
				return nil, err
			}
		}
	}
	if err := b.schedule(top["schedule"], top["duration"]); err != nil {
		return nil, err
	}
	return b.out, nil
}

// apiErr returns the network's error, positioned at n when the error does
// not carry a position itself, once a building call at n failed.
func (b *builder) apiErr(n *yaml.Node) error {
	err := b.net.Err()
	if err == nil {
		return nil
	}
	var se *syntax.Error
	if errors.As(err, &se) && se.Pos.File != "" {
		return err
	}
	return fmt.Errorf("%s: %w", b.f.pos(n), err)
}

// quantity evaluates the constant n in the internal unit of want.
func (b *builder) quantity(n *yaml.Node, what string, want units.Dim) (float64, error) {
	text, err := b.f.text(n, what)
	if err != nil {
		return 0, err
	}
	q, err := b.sc.evaluate(text, b.f.pos(n))
	if err != nil {
		return 0, err
	}
	if !q.dim.Equal(want) {
		return 0, b.f.errorf(n, "%s must be in %s, but %q is in %s", what, want, text, q.dim)
	}
	return q.v, nil
}

// duration evaluates n as a time in ms, from 0 on.
func (b *builder) duration(n *yaml.Node, what string) (float64, error) {
	d, err := b.quantity(n, what, dimTime)
	if err == nil && d < 0 {
		err = b.f.errorf(n, "%s is negative", what)
	}
	return d, err
}

// maxCount bounds sizes and counts.
const maxCount = math.MaxInt32

// count evaluates n as a whole number from 0 on.
func (b *builder) count(n *yaml.Node, what string) (int, error) {
	v, err := b.quantity(n, what, dimless)
	if err != nil {
		return 0, err
	}
	if v < 0 || v != math.Trunc(v) || v > maxCount {
		return 0, b.f.errorf(n, "%s must be a whole number from 0 to %d, not %g", what, maxCount, v)
	}
	return int(v), nil
}

// expr returns the expression n with the constants substituted, and where
// it starts.
func (b *builder) expr(n *yaml.Node, what string) (string, syntax.Pos, error) {
	text, err := b.f.text(n, what)
	if err != nil {
		return "", syntax.Pos{}, err
	}
	at := b.f.pos(n)
	if n.Style == 0 && strings.Count(text, "(") != strings.Count(text, ")") && b.inFlow(n) {
		return "", at, b.f.errorf(n, "%s: %q has unbalanced parentheses: in a {…} mapping YAML ends a value at its first comma, so quote an expression with commas (\"clip(x, 0, 1)\")", what, text)
	}
	sub, err := b.sc.substitute(text, at)
	return sub, at, err
}

// inFlow reports whether the scalar n is a value of a flow mapping ({…}).
func (b *builder) inFlow(n *yaml.Node) bool {
	var find func(p *yaml.Node) bool
	find = func(p *yaml.Node) bool {
		for _, c := range p.Content {
			if c == n {
				return p.Style&yaml.FlowStyle != 0
			}
			if find(c) {
				return true
			}
		}
		return false
	}
	return find(b.f.root)
}

// numbers reads a list of constants in the internal unit of dim.
func (b *builder) numbers(n *yaml.Node, what string, dim units.Dim) ([]float64, error) {
	items, err := b.f.list(n, what)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(items))
	for k, it := range items {
		if out[k], err = b.quantity(it, what, dim); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// counts reads a list of whole numbers.
func (b *builder) counts(n *yaml.Node, what string) ([]int, error) {
	items, err := b.f.list(n, what)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(items))
	for k, it := range items {
		if out[k], err = b.count(it, what); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Keys of the entries of a network file.
var (
	modelKeys = []string{"threshold", "reset", "refractory", "method", "parameters", "initial"}
	groupKeys = append([]string{"model", "n", "set", "inject", "poisson_input", "rate", "spikes", "elm"}, modelKeys...)
	synKeys   = []string{"pre", "post", "model", "on_pre", "on_post", "parameters", "initial", "target", "connect", "set", "delay"}
)

// nameRe matches a model's name; anything else in a model key is a path
// (ending in .yaml) or equations.
var nameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func isPath(s string) bool { return strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") }

func (b *builder) groups(n *yaml.Node) error {
	return b.f.entries(n, "groups", func(name string, k, v *yaml.Node) error {
		if err := b.group(name, k, v); err != nil {
			return err
		}
		return b.apiErr(k)
	})
}

func (b *builder) group(name string, key, n *yaml.Node) error {
	f := b.f
	what := fmt.Sprintf("group %q", name)
	keys := map[string]*yaml.Node{}
	if err := f.fields(n, what, groupKeys, func(k string, _, v *yaml.Node) error {
		keys[k] = v
		return nil
	}); err != nil {
		return err
	}
	if keys["n"] == nil {
		return f.errorf(key, "%s: no size (n)", what)
	}
	size, err := b.count(keys["n"], what+": n")
	if err != nil {
		return err
	}
	var g *spikevk.Group
	switch {
	case keys["rate"] != nil:
		if err := b.only(keys, what, "a Poisson group (rate)", "n", "rate", "set"); err != nil {
			return err
		}
		rate, at, err := b.expr(keys["rate"], what+": rate")
		if err != nil {
			return err
		}
		g = b.net.PoissonGroupAt(name, size, rate, at)
		b.poisson[name] = true
	case keys["elm"] != nil:
		if err := b.only(keys, what, "an ELM group (elm)", "n", "elm", "set"); err != nil {
			return err
		}
		if g, err = b.elm(name, size, keys["elm"]); err != nil {
			return err
		}
	case keys["spikes"] != nil:
		if err := b.only(keys, what, "a spike generator (spikes)", "n", "spikes"); err != nil {
			return err
		}
		if g, err = b.spikeGenerator(name, size, keys["spikes"]); err != nil {
			return err
		}
	default:
		m, err := b.model(what, keys)
		if err != nil {
			return err
		}
		g = b.net.Group(name, size, m)
	}
	if err := b.apiErr(key); err != nil {
		return err
	}
	if s := keys["set"]; s != nil {
		if err := b.values(g, s, what); err != nil {
			return err
		}
	}
	if s := keys["inject"]; s != nil {
		if err := b.inject(g, s, what); err != nil {
			return err
		}
	}
	if s := keys["poisson_input"]; s != nil {
		if err := b.poissonInputs(g, s, what); err != nil {
			return err
		}
	}
	return nil
}

// elm is a group of Expressive Leaky Memory neurons: {weights: file.npz,
// inputs: group}, the inputs' neuron k feeding synapse k.
func (b *builder) elm(name string, size int, n *yaml.Node) (*spikevk.Group, error) {
	what := fmt.Sprintf("group %q: elm", name)
	_, nodes, err := b.params(n, what, []string{"weights", "inputs"}, []string{"weights"})
	if err != nil {
		return nil, err
	}
	path := b.f.resolve(nodes["weights"].Value)
	if err := readSmall(path); err != nil {
		return nil, b.f.errorf(nodes["weights"], "%s: weights: %v", what, err)
	}
	var inputs *spikevk.Group
	if in := nodes["inputs"]; in != nil {
		if inputs, err = b.target(in, what+": inputs"); err != nil {
			return nil, err
		}
	}
	return b.net.ELMGroup(name, size, path, inputs), nil
}

// only checks that keys holds only the allowed keys, for a group of kind.
func (b *builder) only(keys map[string]*yaml.Node, what, kind string, allowed ...string) error {
	for k, v := range keys {
		if !contains(allowed, k) {
			return b.f.errorf(v, "%s: %s takes %s, not %s", what, kind, strings.Join(allowed, ", "), k)
		}
	}
	return nil
}

// model returns the model of a group: built in, a file, or equations with
// the model keys.
func (b *builder) model(what string, keys map[string]*yaml.Node) (spikevk.Model, error) {
	f := b.f
	mn := keys["model"]
	if mn == nil {
		return spikevk.Model{}, f.errorf(keys["n"], "%s: no model (a built-in name such as lif_coba_exp, a model file, or equations)", what)
	}
	text, err := f.text(mn, what+": model")
	if err != nil {
		return spikevk.Model{}, err
	}
	inline := !nameRe.MatchString(text) && !isPath(text)
	if !inline {
		for _, k := range modelKeys {
			if keys[k] != nil {
				return spikevk.Model{}, f.errorf(keys[k], "%s: %s belongs to equations written in place; model %s brings its own", what, k, text)
			}
		}
	}
	switch {
	case isPath(text):
		path := f.resolve(text)
		if err := readSmall(path); err != nil {
			return spikevk.Model{}, f.errorf(mn, "%s: model file: %v", what, err)
		}
		return spikevk.LoadModel(path), nil
	case !inline:
		if _, err := models.Builtin(text); err != nil {
			return spikevk.Model{}, f.errorf(mn, "%s: %v", what, err)
		}
		return spikevk.Builtin(text), nil
	}
	if err := b.declared(mn, what); err != nil {
		return spikevk.Model{}, err
	}
	node := &yaml.Node{Kind: yaml.MappingNode, Line: mn.Line, Column: mn.Column}
	node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "equations"}, b.code(mn))
	for _, k := range modelKeys {
		if v := keys[k]; v != nil {
			node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, b.code(v))
		}
	}
	mf, err := models.ParseFileNode(f.Path, node, f.lines)
	if err != nil {
		return spikevk.Model{}, err
	}
	return spikevk.FileModel(mf), nil
}

// code returns the node n with the constants substituted in its code:
// a text, or the values of a mapping of parameters or initial values.
func (b *builder) code(n *yaml.Node) *yaml.Node {
	c := *n
	switch n.Kind {
	case yaml.ScalarNode:
		c.Value = b.sc.substituteCode(n.Value)
	case yaml.MappingNode: // parameters and initial values: name → value or {value, doc}
		c.Content = slices.Clone(n.Content)
		for k := 1; k < len(c.Content); k += 2 {
			if c.Content[k-1].Value != "doc" {
				c.Content[k] = b.code(c.Content[k])
			}
		}
	}
	return &c
}

// declared checks that the equations of node n declare no constant.
func (b *builder) declared(n *yaml.Node, what string) error {
	eqs, err := syntax.ParseEquations(n.Value, b.f.Path)
	if err != nil {
		return nil // the model's own parse reports it, at its position
	}
	for _, eq := range eqs.Eqs {
		if _, ok := b.sc.consts[eq.Var]; ok {
			return b.f.errorf(n, "%s: %s is both a constant of the file and a variable of the equations; rename one", what, eq.Var)
		}
	}
	return nil
}

// values applies a set mapping: variable → expression or {file, unit}.
func (b *builder) values(g *spikevk.Group, n *yaml.Node, what string) error {
	return b.f.entries(n, what+": set", func(variable string, k, v *yaml.Node) error {
		if v.Kind == yaml.MappingNode {
			values, unit, err := b.arrayValue(v, what+": set "+variable)
			if err != nil {
				return err
			}
			g.SetArrayAt(variable, values, unit, b.f.pos(v))
			return b.apiErr(k)
		}
		expr, at, err := b.expr(v, what+": set "+variable)
		if err != nil {
			return err
		}
		g.SetAt(variable, expr, at)
		return b.apiErr(k)
	})
}

// arrayValue reads {file: path, unit: u, array: name}: one value per
// element from an array file.
func (b *builder) arrayValue(n *yaml.Node, what string) ([]float64, string, error) {
	var file, unit, array string
	err := b.f.fields(n, what, []string{"file", "unit", "array"}, func(k string, _, v *yaml.Node) error {
		t, err := b.f.text(v, what+": "+k)
		switch k {
		case "file":
			file = t
		case "unit":
			unit = t
		case "array":
			array = t
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if file == "" {
		return nil, "", b.f.errorf(n, "%s: no file", what)
	}
	if unit == "" {
		unit = "1"
	}
	if _, err := units.Parse(unit); err != nil {
		return nil, "", b.f.errorf(child(n, "unit"), "%s: unit: %v", what, err)
	}
	a, err := readArray(b.f.resolve(file), array)
	if err != nil {
		return nil, "", b.f.errorf(child(n, "file"), "%s: %v", what, err)
	}
	if len(a.shape) != 1 {
		return nil, "", b.f.errorf(child(n, "file"), "%s: array of shape %v, want one value per element", what, a.shape)
	}
	return a.data, unit, nil
}
