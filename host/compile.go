package host

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// Compiled is a network compiled into a Plan, with the models behind it.
type Compiled struct {
	Plan     *Plan
	Models   []*models.Model   // one per group
	Synapses []*models.Synapse // one per projection
	Warnings []string          // likely mistakes that do not stop the run
	knobs    map[int][]string  // the knobs of each group with some (markKnobs)
}

// MaxDelaySteps is the longest delay of a synapse, in steps.
const MaxDelaySteps = math.MaxUint16

// Compile checks a network and fills its Plan: the arrays of every group
// (model defaults, then the given parameter values, then initial values),
// the derived values of the models, the synapses drawn by the
// connectivity rules, their variables and delays. The same network and
// seed give the same Plan on every machine.
func Compile(net *Network) (*Compiled, error) {
	if !(net.DT > 0) || math.IsInf(net.DT, 0) {
		return nil, fmt.Errorf("network: time step %v ms must be positive", net.DT)
	}
	c := &Compiled{Plan: &Plan{DT: net.DT, Seed: philox.NewKey(net.Seed)}}
	ss, err := compileSeries(net)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	names := map[string]string{}
	for _, g := range net.Groups {
		if err := unique(names, g.Name, "group"); err != nil {
			return nil, err
		}
		gp, m, err := compileGroup(net, g, ss)
		if err != nil {
			return nil, syntax.Wrap(err, "group %q", g.Name)
		}
		c.Plan.Groups = append(c.Plan.Groups, gp)
		c.Models = append(c.Models, m)
		for _, w := range m.Warnings {
			if !dropped(g, m, w) {
				c.Warnings = append(c.Warnings, fmt.Sprintf("group %q: %s", g.Name, w))
			}
		}
	}
	for _, p := range net.Projections {
		if err := unique(names, p.Name, "projection"); err != nil {
			return nil, err
		}
		pp, syn, err := c.compileProjection(net, p)
		if err != nil {
			return nil, syntax.Wrap(err, "projection %q", p.Name)
		}
		c.Plan.Projections = append(c.Plan.Projections, pp)
		c.Synapses = append(c.Synapses, syn)
	}
	if err := c.compileSums(); err != nil {
		return nil, err
	}
	for gi, g := range c.Plan.Groups {
		markConst(g.Arrays, g.Step)
		for k := range g.Arrays {
			g.Arrays[k].Const = g.Arrays[k].Const && !slices.Contains(g.Targets, g.Arrays[k].Name) && !summed(c.Plan, gi, g.Arrays[k].Name)
		}
	}
	for gi, g := range net.Groups {
		if err := c.markKnobs(gi, g.Knobs); err != nil {
			return nil, syntax.Wrap(err, "group %q", g.Name)
		}
	}
	for _, p := range c.Plan.Projections {
		markConst(p.Arrays, p.OnPre)
		for k := range p.Arrays {
			p.Arrays[k].Const = p.Arrays[k].Const && !Writes(p.OnPost, p.Arrays[k].Name) && !Writes(p.Step, p.Arrays[k].Name)
		}
	}
	return c, nil
}

// dropped reports whether a warning of a group's model does not apply to
// the group: any of PoissonInput's source; one that depends on the model's
// values when the group sets values (probe replaces it); a parameter without a default (which
// compileGroup rejects unless the group sets it); and a state without an
// initial value that the group sets or whose model is written in place
// (equations without a name, where states start at 0 as in Brian2).
func dropped(g *Group, m *models.Model, w models.Warning) bool {
	switch {
	case g.Model.Name == "poissoninput":
		return true // PoissonInput's source spikes every step by design
	case w.Initial:
		return len(g.Values) > 0 // probe gave the group's own
	case w.Unset == "":
		return false
	case slices.ContainsFunc(m.Neuron.Params, func(v models.Var) bool { return v.Name == w.Unset }):
		return true
	}
	return g.Model.Name == "" || setsAll(g, w.Unset)
}

// probeSamples is how many neurons, spread over a group, probe evaluates.
const probeSamples = 16

// probe replaces, for a group that sets values, the model's warnings that
// depend on values (an unstable rest, an initial state above threshold)
// with those that hold for each of up to probeSamples neurons spread over
// the group (the same check, at the same position; the first neuron's
// message): the same mistake is caught when the parameters come from the
// group rather than from defaults, and values drawn at random (v from a
// normal distribution, a few neurons above threshold) warn of nothing.
func probe(g *Group, m *models.Model, arrays map[string][]float32) (*models.Model, error) {
	if g.N == 0 || len(g.Values) == 0 {
		return m, nil
	}
	var common []models.Warning
	samples := min(g.N, probeSamples)
	for s := range samples {
		k := s * (g.N - 1) / max(samples-1, 1)
		values := map[string]float32{}
		for _, vs := range [][]models.Var{m.Neuron.Params, m.Neuron.States} {
			for _, v := range vs {
				values[v.Name] = arrays[v.Name][k]
			}
		}
		ws, err := m.Probe(values)
		if err != nil {
			return nil, err
		}
		if s == 0 {
			common = ws
			continue
		}
		common = slices.DeleteFunc(common, func(w models.Warning) bool {
			return !slices.ContainsFunc(ws, func(x models.Warning) bool { return x.Pos == w.Pos })
		})
	}
	out := *m
	out.Warnings = append(slices.Clone(m.Warnings), common...)
	return &out, nil
}

// injectError is err, an error of a model that is fine without the
// currents injected into it, told as the currents' error: its position
// is in the model's file, where the currents were written in, not in the
// user's text.
func injectError(g *Group, err error) error {
	msg := err.Error()
	if se, ok := err.(*syntax.Error); ok {
		msg = se.Msg
	}
	var currents []string
	for _, c := range g.Currents {
		text := c.Expr
		if c.Tau > 0 {
			text = fmt.Sprintf("OU(%s, %s, %g ms)", c.Mean, c.SD, c.Tau)
		}
		currents = append(currents, fmt.Sprintf("%s ← %q", c.Var, text))
	}
	return fmt.Errorf("the current injected (%s) does not fit model %s: %s", strings.Join(currents, ", "), modelName(g.Model), msg)
}

// summedInto reports whether a projection of net declares x_post or
// x_pre a summed variable (Brian2's "(summed)" flag) on neurons of g.
func summedInto(net *Network, g *Group, x string) bool {
	for _, p := range net.Projections {
		eqs, err := syntax.ParseEquations(p.Model, "")
		if err != nil {
			continue // compileProjection reports it
		}
		for _, eq := range eqs.Eqs {
			if !eq.HasFlag("summed") {
				continue
			}
			post := eq.Var == x+"_post" && net.Groups[p.Post.Group] == g
			pre := eq.Var == x+"_pre" && net.Groups[p.Pre.Group] == g
			if post || pre {
				return true
			}
		}
	}
	return false
}

// injectedBase is the variable whose base parameter (SetBase) is name,
// where currents are injected into it, else "".
func injectedBase(g *Group, name string) string {
	for _, c := range g.Currents {
		if SetBase(c.Var) == name {
			return c.Var
		}
	}
	return ""
}

// summedOnBase returns the synapse model of p with each summed variable
// x_post or x_pre renamed to its base parameter (SetBase) where currents
// are injected into x, so that the sum and the currents add up.
func summedOnBase(net *Network, p *Projection, model string) string {
	eqs, err := syntax.ParseEquations(model, "")
	if err != nil {
		return model // CompileSynapse reports it
	}
	lines := strings.Split(model, "\n")
	for _, eq := range eqs.Eqs {
		if !eq.HasFlag("summed") {
			continue
		}
		for _, side := range []struct {
			suffix string
			g      *Group
		}{{"_post", net.Groups[p.Post.Group]}, {"_pre", net.Groups[p.Pre.Group]}} {
			x, ok := strings.CutSuffix(eq.Var, side.suffix)
			if !ok || !slices.ContainsFunc(side.g.Currents, func(c Current) bool { return c.Var == x }) {
				continue
			}
			line := &lines[eq.Pos.Line-1]
			*line = regexp.MustCompile(`\b`+regexp.QuoteMeta(eq.Var)+`\b`).ReplaceAllLiteralString(*line, SetBase(x)+side.suffix)
		}
	}
	return strings.Join(lines, "\n")
}

// setsAll reports whether the values of g give variable a value in every
// neuron.
func setsAll(g *Group, variable string) bool {
	covered := make([]bool, g.N)
	for _, v := range g.Values {
		if v.Var == variable {
			for i := max(v.Lo, 0); i < min(v.Hi, g.N); i++ {
				covered[i] = true
			}
		}
	}
	return !slices.Contains(covered, false)
}

func unique(seen map[string]string, name, what string) error {
	if name == "" {
		return fmt.Errorf("network: a %s has no name", what)
	}
	if other, ok := seen[name]; ok {
		return fmt.Errorf("network: %s %q has the name of a %s", what, name, other)
	}
	seen[name] = what
	return nil
}

// stream names the random stream of one purpose (the step of a group, the
// values of a variable, the synapses of a projection) by a hash of its
// description, so that adding an object leaves the draws of the others
// alone.
func stream(parts ...string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(strings.Join(parts, "\x00")))
	return h.Sum32()
}

func compileGroup(net *Network, g *Group, ss *series) (*GroupPlan, *models.Model, error) {
	if g.N < 0 {
		return nil, nil, fmt.Errorf("size %d is negative", g.N)
	}
	if g.Model == nil {
		return nil, nil, errors.New("no model")
	}
	whole := g
	g = setOnBase(g)
	file, err := inject(g, net.DT, ss, func(x string) bool { return summedInto(net, whole, x) })
	if err != nil {
		return nil, nil, err
	}
	m, err := models.CheckSeries(file, net.DT, ss.decls)
	if err != nil && file != g.Model {
		if _, plain := models.CheckSeries(g.Model, net.DT, ss.decls); plain == nil {
			return nil, nil, injectError(g, err)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if m, err = observe(m, g.Observe); err != nil {
		return nil, nil, err
	}
	n := m.Neuron
	dims := map[string]units.Dim{}
	kind := map[string]string{}
	for _, v := range n.Params {
		dims[v.Name], kind[v.Name] = v.Dim, "parameter"
	}
	for _, v := range n.States {
		dims[v.Name], kind[v.Name] = v.Dim, "state"
	}
	for _, v := range g.Values {
		if kind[v.Var] == "" {
			return nil, nil, v.errorf("model %s has no variable %q (parameters: %s; states: %s)",
				modelName(g.Model), v.Var, varNames(n.Params), varNames(n.States))
		}
		if v.Lo < 0 || v.Hi > g.N || v.Lo > v.Hi {
			return nil, nil, fmt.Errorf("value of %s: neurons %d…%d are outside the group of %d", v.Var, v.Lo, v.Hi-1, g.N)
		}
	}
	arrays := map[string][]float32{}
	for _, v := range n.Params {
		if d, ok := m.Defaults[v.Name]; ok {
			arrays[v.Name] = fill(g.N, d)
		}
	}
	ev := evaluation{key: philox.NewKey(net.Seed), dims: dims, arrays: arrays, n: g.N}
	if err := ev.apply(g, "parameter", kind); err != nil {
		return nil, nil, err
	}
	for _, v := range n.Params {
		switch {
		case arrays[v.Name] != nil:
		case summedInto(net, whole, v.Name) || summedInto(net, whole, injectedBase(g, v.Name)) || g.Model.Name == "":
			// The projection writes it every step; or the model is written
			// in place, whose variables start at 0 as in Brian2.
			arrays[v.Name] = fill(g.N, 0)
		default:
			return nil, nil, fmt.Errorf("parameter %s of model %s has no default: set it", v.Name, modelName(g.Model))
		}
	}
	for _, s := range file.Initial {
		x, err := ev.eval(Value{Var: s.Name, Hi: g.N, Expr: s.Value}, stream("initial", g.Name, s.Name))
		if err != nil {
			return nil, nil, fmt.Errorf("initial value of %s in model %s: %w", s.Name, modelName(g.Model), err)
		}
		arrays[s.Name] = x
	}
	for _, v := range n.States {
		if arrays[v.Name] == nil {
			arrays[v.Name] = make([]float32, g.N)
		}
	}
	if err := ev.apply(g, "state", kind); err != nil {
		return nil, nil, err
	}
	if m, err = probe(g, m, arrays); err != nil {
		return nil, nil, err
	}
	derived, err := derive(n, g.N, arrays)
	if err != nil {
		return nil, nil, err
	}
	gp := &GroupPlan{Name: g.Name, N: g.N, Stream: stream("group", g.Name), Step: n.Step, Ring: 1}
	for _, vs := range [][]models.Var{n.States, n.Params} {
		for _, v := range vs {
			gp.Arrays = append(gp.Arrays, Array{Name: v.Name, Init: arrays[v.Name]})
		}
	}
	for _, name := range n.Derived() {
		gp.Arrays = append(gp.Arrays, Array{Name: name, Init: derived[name]})
	}
	for _, name := range n.Spec().Observed {
		gp.Arrays = append(gp.Arrays, Array{Name: name, Init: make([]float32, g.N)})
	}
	if slices.Contains(n.Step.Inputs, models.Refractory) {
		gp.Arrays = append(gp.Arrays, Array{Name: models.Refractory, Init: make([]float32, g.N)})
	}
	if gp.Series, err = ss.forGroup(n.Step.Inputs, g.N); err != nil {
		return nil, nil, err
	}
	for _, in := range n.Step.Inputs {
		if in != InputTime && in != InputIndex && in != InputSize && arrayIndex(gp.Arrays, in) < 0 && ss.byInput[in] == "" {
			return nil, nil, fmt.Errorf("the model uses %s, which the network does not provide", in)
		}
	}
	return gp, m, nil
}

// observe compiles the model m again with the subexpressions of names as
// outputs of its step (Group.Observe).
func observe(m *models.Model, names []string) (*models.Model, error) {
	var observed []string
	for _, v := range m.Neuron.Subexpressions {
		if slices.Contains(names, v.Name) {
			observed = append(observed, v.Name)
		}
	}
	if observed == nil {
		return m, nil
	}
	n, err := m.Neuron.WithObserved(observed)
	if err != nil {
		return nil, err
	}
	out := *m
	out.Neuron = n
	return &out, nil
}

// derive computes the derived values of a model, once when every
// parameter is the same for all neurons.
func derive(n *models.Neuron, size int, arrays map[string][]float32) (map[string][]float32, error) {
	if len(n.Derived()) == 0 {
		return map[string][]float32{}, nil
	}
	params := map[string][]float32{}
	uniform := true
	for _, v := range n.Params {
		params[v.Name] = arrays[v.Name]
		uniform = uniform && allEqual(arrays[v.Name])
	}
	if !uniform || size == 0 || n.DerivedPerNeuron() {
		return n.Derive(size, params)
	}
	for name, x := range params {
		params[name] = x[:1]
	}
	one, err := n.Derive(1, params)
	if err != nil {
		return nil, err
	}
	out := map[string][]float32{}
	for name, x := range one {
		out[name] = fill(size, x[0])
	}
	return out, nil
}

func modelName(f *models.File) string {
	if f.Name != "" {
		return f.Name
	}
	return "(equations)"
}

func varNames(vs []models.Var) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Name)
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func arrayIndex(as []Array, name string) int {
	return slices.IndexFunc(as, func(a Array) bool { return a.Name == name })
}

func fill(n int, x float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = x
	}
	return s
}

func allEqual(x []float32) bool {
	for _, v := range x {
		if math.Float32bits(v) != math.Float32bits(x[0]) {
			return false
		}
	}
	return true
}

// markConst marks the arrays that program p never changes and that hold
// one value throughout.
func markConst(as []Array, p *ir.Program) {
	for k := range as {
		as[k].Const = !Writes(p, as[k].Name) && allEqual(as[k].Init)
	}
}

// Writes reports whether program p may change the variable name: whether
// it has an output of that name other than the unchanged input.
func Writes(p *ir.Program, name string) bool {
	if p == nil {
		return false
	}
	for _, o := range p.Outputs {
		if o.Name != name {
			continue
		}
		in := p.Code[o.Reg]
		if in.Op != ir.OpInput || p.Inputs[in.N] != name {
			return true
		}
	}
	return false
}

// evaluation computes values over the elements of a group or projection.
type evaluation struct {
	key    philox.Key
	dims   map[string]units.Dim   // names an expression may use
	arrays map[string][]float32   // their values, one per element
	n      int                    // elements
	index  func(k int) [2]float32 // i and j of element k (synapses); nil: i counts from the range's start
}

// apply applies the group's values of variables of one kind, in order.
func (ev *evaluation) apply(g *Group, what string, kind map[string]string) error {
	for k, v := range g.Values {
		if kind[v.Var] != what {
			continue
		}
		x, err := ev.eval(v, stream("value", g.Name, v.Var, fmt.Sprint(k)))
		if err != nil {
			return syntax.Wrap(err, "value of %s", v.Var)
		}
		if ev.arrays[v.Var] == nil {
			ev.arrays[v.Var] = make([]float32, g.N)
		}
		copy(ev.arrays[v.Var][v.Lo:v.Hi], x)
	}
	return nil
}

// evalBlock is the number of elements evaluated at once.
const evalBlock = 4096

// eval computes v for elements v.Lo … v.Hi-1.
func (ev *evaluation) eval(v Value, strm uint32) ([]float32, error) {
	x, _, err := ev.evalDraws(v, strm)
	return x, err
}

// evalDraws is eval, also reporting whether the value has random draws.
func (ev *evaluation) evalDraws(v Value, strm uint32) ([]float32, bool, error) {
	want := ev.dims[v.Var]
	count := v.Hi - v.Lo
	if v.Expr == "" {
		x, err := arrayValue(v, want, count)
		return x, false, err
	}
	names := map[string]units.Dim{"i": units.Dimensionless}
	if ev.index != nil {
		names["j"] = units.Dimensionless
	} else {
		names["N"] = units.Dimensionless
	}
	for name, d := range ev.dims {
		if ev.arrays[name] != nil {
			names[name] = d
		}
	}
	p, err := models.CompileExpr(models.ExprSpec{Text: v.Expr, At: v.At, Names: names, Want: want, What: "value of " + v.Var})
	if err != nil {
		return nil, false, err
	}
	out := make([]float32, count)
	e := ir.NewEvaluator(p)
	in := make([][]float32, len(p.Inputs))
	scratch := make([][]float32, len(p.Inputs))
	for lo := 0; lo < count; lo += evalBlock {
		m := min(evalBlock, count-lo)
		for k, name := range p.Inputs {
			in[k] = ev.input(name, v.Lo, v.Lo+lo, m, count, &scratch[k])
		}
		rng := ir.RNG{Key: ev.key, Stream: strm, First: uint32(v.Lo + lo)}
		if err := e.Run(m, in, [][]float32{out[lo : lo+m]}, rng); err != nil {
			return nil, false, err
		}
	}
	return out, p.Draws > 0, nil
}

// input returns input name of the elements first … first+m-1 of a range
// that starts at element base and holds count elements.
func (ev *evaluation) input(name string, base, first, m, count int, scratch *[]float32) []float32 {
	if x := ev.arrays[name]; x != nil && name != "i" && name != "j" && name != "N" {
		return x[first : first+m]
	}
	if cap(*scratch) < m {
		*scratch = make([]float32, m)
	}
	s := (*scratch)[:m]
	for k := range s {
		switch {
		case name == "N":
			s[k] = float32(count)
		case ev.index != nil && name == "i":
			s[k] = ev.index(first + k)[0]
		case ev.index != nil:
			s[k] = ev.index(first + k)[1]
		default:
			s[k] = float32(first + k - base)
		}
	}
	return s
}

func arrayValue(v Value, want units.Dim, count int) ([]float32, error) {
	if len(v.Array) != count {
		return nil, fmt.Errorf("%d values for %d elements", len(v.Array), count)
	}
	u := units.Unit{Scale: 1, Dim: units.Dimensionless}
	if v.Unit != "" && v.Unit != "1" {
		var err error
		if u, err = units.Parse(v.Unit); err != nil {
			return nil, fmt.Errorf("unit %q: %w", v.Unit, err)
		}
	}
	if !u.Dim.Equal(want) {
		return nil, fmt.Errorf("values in %s, but the variable is in %s", u.Dim, want)
	}
	scale := u.Internal()
	out := make([]float32, count)
	for k, x := range v.Array {
		out[k] = float32(x * scale)
	}
	return out, nil
}
