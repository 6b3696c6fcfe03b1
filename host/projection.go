package host

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// compileProjection draws the synapses of p and fills their variables and
// delays; it adds the variables they increment to the targets of the
// postsynaptic group and lengthens its delay ring as needed.
func (c *Compiled) compileProjection(net *Network, p *Projection) (*ProjectionPlan, *models.Synapse, error) {
	for _, r := range []struct {
		what string
		r    Range
	}{{"source", p.Pre}, {"target", p.Post}} {
		if r.r.Group < 0 || r.r.Group >= len(c.Plan.Groups) {
			return nil, nil, fmt.Errorf("%s group %d does not exist", r.what, r.r.Group)
		}
		if n := c.Plan.Groups[r.r.Group].N; r.r.Lo < 0 || r.r.Hi > n || r.r.Lo > r.r.Hi {
			return nil, nil, fmt.Errorf("%s neurons %d…%d are outside group %q of %d", r.what, r.r.Lo, r.r.Hi-1, c.Plan.Groups[r.r.Group].Name, n)
		}
	}
	preG, postG := c.Plan.Groups[p.Pre.Group], c.Plan.Groups[p.Post.Group]
	postM := c.Models[p.Post.Group]
	spec := models.SynapseSpec{Model: p.Model, OnPre: p.OnPre, OnPost: p.OnPost}
	if p.File != nil {
		spec = p.File.Spec()
	}
	spec.Model = summedOnBase(net, p, spec.Model)
	spec.Pre, spec.Post, spec.DT = c.Models[p.Pre.Group].Neuron, postM.Neuron, net.DT
	syn, err := models.CompileSynapse(spec)
	if err != nil {
		return nil, nil, err
	}
	pp := &ProjectionPlan{Name: p.Name, Pre: p.Pre.Group, Post: p.Post.Group, Step: syn.Step,
		Stream: stream("synapses", p.Name), PostStream: stream("synapses on_post", p.Name), StepStream: stream("synapses step", p.Name)}
	if syn.OnPre != nil {
		pp.OnPre = withoutUnusedLastUpdate(syn.OnPre.Program)
		if err := addTargets(syn.OnPre, postG, postM); err != nil {
			return nil, nil, err
		}
	}
	if syn.OnPost != nil {
		if len(syn.OnPost.Effects) > 0 {
			return nil, nil, fmt.Errorf("on_post changes %s: on_post may change synapse variables only", syn.OnPost.Effects[0])
		}
		pp.OnPost = withoutUnusedLastUpdate(syn.OnPost.Program)
	}
	procedural := false
	if net.Procedural && regenerable(p, pp, syn) {
		var err error
		if procedural, err = c.procedural(net, p, pp, syn); err != nil {
			return nil, nil, err
		}
	}
	if !procedural {
		if err := c.connect(net, p, pp); err != nil {
			return nil, nil, err
		}
		if err := c.synapseValues(net, p, pp, syn); err != nil {
			return nil, nil, err
		}
		if err := c.delays(net, p, pp); err != nil {
			return nil, nil, err
		}
	}
	if pp.OnPost != nil && (pp.Delay > 0 || pp.Delays != nil) {
		return nil, nil, fmt.Errorf("on_post with synaptic delays is not supported: on_pre runs when a spike is sent, so it would run before the on_post of postsynaptic spikes that come before the spike arrives")
	}
	if pp.OnPost != nil || pp.SumsInto("post") {
		pp.ColPtr, pp.ColSyn = Transpose(pp.Target, postG.N)
	}
	delayed := pp.Delay > 0 || pp.Delays != nil
	for _, pw := range []struct {
		name    string
		prog    *ir.Program
		delayed bool
	}{{"on_pre", pp.OnPre, delayed}, {"on_post", pp.OnPost, delayed}, {"the model's clock-driven and summed variables", pp.Step, false}} {
		if err := checkNeuronInputs(pw.name, pw.prog, pw.delayed, preG, postG); err != nil {
			return nil, nil, err
		}
	}
	return pp, syn, nil
}

// compileSums checks the summed variables of the plan's projections
// (checkSums) and compiles the neuron models of their groups again so that
// their steps read them every step (models.NeuronSpec.Summed), with the
// derived inputs of the new steps.
func (c *Compiled) compileSums() error {
	if err := checkSums(c.Plan); err != nil {
		return err
	}
	for gi, gp := range c.Plan.Groups {
		var names []string
		for _, a := range gp.Arrays {
			if summed(c.Plan, gi, a.Name) {
				names = append(names, a.Name)
			}
		}
		if names == nil {
			continue
		}
		m := *c.Models[gi]
		n, err := m.Neuron.WithSummed(names)
		if err != nil {
			return syntax.Wrap(err, "group %q", gp.Name)
		}
		old := m.Neuron.Derived()
		params := map[string][]float32{}
		for _, a := range gp.Arrays {
			params[a.Name] = a.Init
		}
		derived, err := derive(n, gp.N, params)
		if err != nil {
			return syntax.Wrap(err, "group %q", gp.Name)
		}
		gp.Arrays = slices.DeleteFunc(gp.Arrays, func(a Array) bool { return slices.Contains(old, a.Name) })
		for _, name := range n.Derived() {
			gp.Arrays = append(gp.Arrays, Array{Name: name, Init: derived[name]})
		}
		gp.Step, m.Neuron = n.Step, n
		c.Models[gi] = &m
	}
	return nil
}

// checkSums checks the summed variables of the plan's projections, and
// lists in each projection's Adds the sums into a variable that an earlier
// projection also sums: no Step program reads a summed variable, so that
// step 0 of the Plan needs no double buffer.
func checkSums(p *Plan) error {
	type variable struct {
		group int
		name  string
	}
	summedBy := map[variable]string{}
	for _, pp := range p.Projections {
		pp.Adds = nil
		if pp.Step == nil {
			continue
		}
		for _, o := range pp.Step.Outputs {
			side, x, ok := Summed(o.Name)
			if !ok {
				continue
			}
			v := variable{pp.Post, x}
			if side == "pre" {
				v.group = pp.Pre
			}
			if _, dup := summedBy[v]; dup {
				pp.Adds = append(pp.Adds, o.Name)
				continue
			}
			summedBy[v] = pp.Name
		}
	}
	for _, pp := range p.Projections {
		if pp.Step == nil {
			continue
		}
		for k, in := range pp.Step.Inputs {
			v := variable{pp.Pre, strings.TrimSuffix(in, SuffixPre)}
			if x, ok := strings.CutSuffix(in, SuffixPost); ok {
				v = variable{pp.Post, x}
			} else if !strings.HasSuffix(in, SuffixPre) {
				continue
			}
			if other, ok := summedBy[v]; ok && pp.Step.Uses(k) {
				return fmt.Errorf("projection %q: the synapse model reads %s, which projection %q sums: summed variables are set every step and cannot be read by synapses", pp.Name, in, other)
			}
		}
	}
	return nil
}

// summed reports whether a Step of p sums into variable name of group g.
func summed(p *Plan, g int, name string) bool {
	for _, pp := range p.Projections {
		if pp.Step == nil {
			continue
		}
		for _, o := range pp.Step.Outputs {
			if side, x, ok := Summed(o.Name); ok && x == name && (side == "post" && pp.Post == g || side == "pre" && pp.Pre == g) {
				return true
			}
		}
	}
	return false
}

// addTargets adds the variables a pathway increments to the targets of the
// postsynaptic group.
func addTargets(pw *models.Pathway, post *GroupPlan, m *models.Model) error {
	for _, e := range pw.Effects {
		if e.Side != "post" {
			return fmt.Errorf("on_pre changes %s_%s: only postsynaptic variables can be incremented yet", e.Var, e.Side)
		}
		isState := slices.ContainsFunc(m.Neuron.States, func(v models.Var) bool { return v.Name == e.Var })
		isParam := slices.ContainsFunc(m.Neuron.Params, func(v models.Var) bool { return v.Name == e.Var })
		switch {
		case isParam && m.Neuron.DerivesFrom(e.Var):
			return fmt.Errorf("on_pre adds to %s_post, a parameter of group %q that values computed once before the run depend on (model %s): make %s a state variable (d%s/dt = 0/second : ...) or add to another one",
				e.Var, post.Name, modelName(m.File), e.Var, e.Var)
		case !isState && !isParam:
			return fmt.Errorf("on_pre adds to %s_post, but %s is not a state variable or parameter of group %q (model %s; states: %s; parameters: %s)",
				e.Var, e.Var, post.Name, modelName(m.File), varNames(m.Neuron.States), varNames(m.Neuron.Params))
		}
		if !slices.Contains(post.Targets, e.Var) {
			post.Targets = append(post.Targets, e.Var)
		}
	}
	return nil
}

// connect draws the synapses and stores them as rows of the whole
// presynaptic group, with targets numbered in the whole postsynaptic group.
func (c *Compiled) connect(net *Network, p *Projection, pp *ProjectionPlan) error {
	nPre, nPost := p.Pre.Hi-p.Pre.Lo, p.Post.Hi-p.Post.Lo
	rowPtr, target, err := Connect(p.Conn, nPre, nPost, p.Pre.Group == p.Post.Group, p.Pre.Lo-p.Post.Lo,
		c.Plan.Seed, stream("connect", p.Name))
	if err != nil {
		return err
	}
	for k := range target {
		target[k] += uint32(p.Post.Lo)
	}
	whole := make([]uint32, c.Plan.Groups[p.Pre.Group].N+1)
	for j := range whole {
		switch {
		case j <= p.Pre.Lo:
			whole[j] = 0
		case j <= p.Pre.Hi:
			whole[j] = rowPtr[j-p.Pre.Lo]
		default:
			whole[j] = rowPtr[nPre]
		}
	}
	pp.RowPtr, pp.Target = whole, target
	return nil
}

// regenerable reports whether projection p, compiled to pp and syn so
// far, may be procedural (Network.Procedural) as far as its rule and its
// synapse model go; its values and delay decide the rest (procedural).
func regenerable(p *Projection, pp *ProjectionPlan, syn *models.Synapse) bool {
	if p.Conn.Rule != FixedProbability || !(p.Conn.P > 0 && p.Conn.P < 1) || pp.OnPre == nil || pp.OnPre.Draws > 0 ||
		pp.OnPost != nil || pp.Step != nil || usesLastUpdate(pp.OnPre) || p.Delay.Array != nil {
		return false
	}
	for _, v := range syn.Vars {
		if Writes(pp.OnPre, v.Name) {
			return false
		}
	}
	for _, v := range p.Values {
		if v.Array != nil {
			return false
		}
	}
	return true
}

// procedural makes pp procedural (ProjectionPlan.Rows) when every synapse
// variable and the delay have one value for all synapses: their
// expressions, evaluated for two synapses with different indices, draw
// nothing and agree. It reports whether it did.
func (c *Compiled) procedural(net *Network, p *Projection, pp *ProjectionPlan, syn *models.Synapse) (bool, error) {
	dims := map[string]units.Dim{"delay": units.BaseDim(units.Time)}
	for _, v := range syn.Vars {
		dims[v.Name] = v.Dim
	}
	ev := evaluation{key: c.Plan.Seed, dims: dims, arrays: map[string][]float32{}, n: 2,
		index: func(k int) [2]float32 { return [2]float32{float32(k), float32(2 * k)} }}
	one := func(v Value, strm uint32) (float32, bool, error) {
		v.Lo, v.Hi = 0, 2
		x, random, err := ev.evalDraws(v, strm)
		if err != nil || random || math.Float32bits(x[0]) != math.Float32bits(x[1]) {
			return 0, false, err
		}
		ev.arrays[v.Var] = x
		return x[0], true, nil
	}
	values := map[string]float32{}
	for k, v := range p.Values {
		if _, ok := dims[v.Var]; !ok || v.Var == "delay" {
			return false, nil // synapseValues reports it
		}
		x, ok, err := one(v, stream("synapse value", p.Name, v.Var, fmt.Sprint(k)))
		if err != nil || !ok {
			return false, nil // synapseValues reports errors
		}
		values[v.Var] = x
	}
	delay := uint32(0)
	if d := p.Delay; d.Expr != "" {
		d.Var = "delay"
		ms, ok, err := one(d, stream("delay", p.Name))
		if err != nil || !ok {
			return false, nil // delays reports errors
		}
		steps := math.Round(float64(ms) / net.DT)
		if !(ms >= 0) || math.Abs(float64(ms)/net.DT-steps) > 1e-3 || steps > MaxDelaySteps {
			return false, nil
		}
		delay = uint32(steps)
	}
	nPre, nPost := p.Pre.Hi-p.Pre.Lo, p.Post.Hi-p.Post.Lo
	rows, err := NewRows(p.Conn, nPre, nPost, p.Pre.Group == p.Post.Group, p.Pre.Lo-p.Post.Lo,
		c.Plan.Seed, stream("connect", p.Name), p.Pre.Lo, p.Post.Lo)
	if err != nil {
		return false, err
	}
	pp.Rows = rows
	pp.RowPtr = make([]uint32, c.Plan.Groups[p.Pre.Group].N+1)
	for j := range pp.RowPtr[1:] {
		pp.RowPtr[j+1] = pp.RowPtr[j] + uint32(rows.Len(j))
	}
	for _, v := range syn.Vars {
		pp.Arrays = append(pp.Arrays, Array{Name: v.Name, Init: []float32{values[v.Name]}})
	}
	if readsLastUpdate(pp.OnPre) { // an input on_pre keeps unread
		pp.Arrays = append(pp.Arrays, Array{Name: models.InputLastUpdate, Init: []float32{0}})
	}
	pp.Delay = delay
	post := c.Plan.Groups[p.Post.Group]
	post.Ring = max(post.Ring, int(delay)+1)
	return true, nil
}

// synapseValues fills the synapse variables: 0 unless a value is given.
func (c *Compiled) synapseValues(net *Network, p *Projection, pp *ProjectionPlan, syn *models.Synapse) error {
	n := pp.Synapses()
	pre := preIndex(pp.RowPtr, n)
	dims := map[string]units.Dim{}
	arrays := map[string][]float32{}
	for _, v := range syn.Vars {
		dims[v.Name] = v.Dim
		arrays[v.Name] = make([]float32, n)
	}
	ev := evaluation{key: c.Plan.Seed, dims: dims, arrays: map[string][]float32{}, n: n,
		index: func(k int) [2]float32 {
			return [2]float32{float32(int(pre[k]) - p.Pre.Lo), float32(int(pp.Target[k]) - p.Post.Lo)}
		}}
	for k, v := range p.Values {
		if _, ok := dims[v.Var]; !ok {
			return v.errorf("the synapse model has no variable %q (variables: %s)", v.Var, varNames(syn.Vars))
		}
		v.Array = inSynapseOrder(p.Conn, v.Array)
		v.Lo, v.Hi = 0, n
		x, err := ev.eval(v, stream("synapse value", p.Name, v.Var, fmt.Sprint(k)))
		if err != nil {
			return syntax.Wrap(err, "value of %s", v.Var)
		}
		if k := slices.IndexFunc(x, func(f float32) bool { return f != f || f > math.MaxFloat32 || f < -math.MaxFloat32 }); k >= 0 {
			return v.errorf("value of %s is %g for synapse %d (%d → %d): not a finite number", v.Var, x[k], k, int(pre[k])-p.Pre.Lo, int(pp.Target[k])-p.Post.Lo)
		}
		arrays[v.Var] = x
		ev.arrays[v.Var] = x
	}
	params := parameters(p.Model)
	for _, v := range syn.Vars {
		pp.Arrays = append(pp.Arrays, Array{Name: v.Name, Init: arrays[v.Name]})
		if n > 0 && params[v.Name] && !Writes(pp.OnPre, v.Name) && allEqual(arrays[v.Name]) && arrays[v.Name][0] == 0 && (reads(pp.OnPre, v.Name) || reads(pp.Step, v.Name) && !Writes(pp.Step, v.Name)) && !meantZero(p, v.Name) {
			zero := strings.ReplaceAll(units.Format(0, v.Dim), " ", "*")
			c.Warnings = append(c.Warnings, fmt.Sprintf("projection %q: synapse parameter %s is 0 for every synapse; set it (a constant, %s = %s, says 0 is meant)", p.Name, v.Name, v.Name, zero))
		}
	}
	if readsLastUpdate(pp.OnPre) || readsLastUpdate(pp.OnPost) {
		pp.Arrays = append(pp.Arrays, Array{Name: models.InputLastUpdate, Init: make([]float32, n)})
	}
	return nil
}

// parameters are the names a synapse model declares as parameters (not
// traces or other states, which start at 0 by design).
func parameters(model string) map[string]bool {
	out := map[string]bool{}
	if eqs, err := syntax.ParseEquations(model, ""); err == nil {
		for _, eq := range eqs.Eqs {
			if eq.Kind == syntax.Parameter {
				out[eq.Var] = true
			}
		}
	}
	return out
}

// meantZero reports whether the last value p gives variable x is a
// constant (an expression of numbers and units, or an array): a zero then
// is what the user wrote, such as an uncoupled control's weight.
func meantZero(p *Projection, x string) bool {
	for k := len(p.Values) - 1; k >= 0; k-- {
		v := p.Values[k]
		if v.Var != x {
			continue
		}
		if v.Array != nil {
			return true
		}
		e, err := syntax.ParseExpr(v.Expr)
		if err != nil {
			return false
		}
		for _, name := range syntax.Identifiers(e) {
			if _, unit := units.Lookup(name); !unit {
				return false
			}
		}
		return true
	}
	return false
}

// preIndex returns the presynaptic neuron of every synapse.
func preIndex(rowPtr []uint32, n int) []uint32 {
	pre := make([]uint32, n)
	for j := 0; j+1 < len(rowPtr); j++ {
		for k := rowPtr[j]; k < rowPtr[j+1]; k++ {
			pre[k] = uint32(j)
		}
	}
	return pre
}

// inSynapseOrder returns values given one per pair of a Pairs rule, in
// the order of the pairs, in the order of the synapses instead: grouped
// by source, targets ascending, pairs given twice in the order given (a
// stable sort, as Connect's). Other rules' values are in synapse order
// already, as are values that are not one per pair.
func inSynapseOrder(c Connectivity, values []float64) []float64 {
	if c.Rule != Pairs || values == nil || len(values) != len(c.I) || len(c.I) != len(c.J) {
		return values
	}
	order := make([]int, len(c.I))
	for s := range order {
		order[s] = s
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c.I[a] != c.I[b] {
			return c.I[a] - c.I[b]
		}
		return c.J[a] - c.J[b]
	})
	out := make([]float64, len(values))
	for k, s := range order {
		out[k] = values[s]
	}
	return out
}

// delays converts the delays to whole steps. Delays drawn at random are
// rounded to the nearest step; given ones must be whole steps.
func (c *Compiled) delays(net *Network, p *Projection, pp *ProjectionPlan) error {
	d := p.Delay
	if d.Expr == "" && d.Array == nil {
		return nil
	}
	d.Array = inSynapseOrder(p.Conn, d.Array)
	n := pp.Synapses()
	pre := preIndex(pp.RowPtr, n)
	ev := evaluation{key: c.Plan.Seed, dims: map[string]units.Dim{"delay": units.BaseDim(units.Time)}, arrays: map[string][]float32{}, n: n,
		index: func(k int) [2]float32 {
			return [2]float32{float32(int(pre[k]) - p.Pre.Lo), float32(int(pp.Target[k]) - p.Post.Lo)}
		}}
	d.Var, d.Lo, d.Hi = "delay", 0, n
	ms, random, err := ev.evalDraws(d, stream("delay", p.Name))
	if err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	steps := make([]uint16, n)
	longest := 0
	for k, x := range ms {
		s := math.Round(float64(x) / net.DT)
		switch {
		case !(x >= 0):
			return fmt.Errorf("delay of synapse %d is %g ms; delays must be 0 or more", k, x)
		case !random && math.Abs(float64(x)/net.DT-s) > 1e-3:
			return fmt.Errorf("delay %g ms is not a whole number of time steps of %g ms", x, net.DT)
		case s > MaxDelaySteps:
			return fmt.Errorf("delay %g ms is %g steps; the longest delay is %d steps", x, s, MaxDelaySteps)
		}
		steps[k] = uint16(s)
		longest = max(longest, int(s))
	}
	if n > 0 && slices.Max(steps) == slices.Min(steps) {
		pp.Delay = uint32(steps[0])
	} else if n > 0 {
		pp.Delays = steps
	}
	post := c.Plan.Groups[p.Post.Group]
	post.Ring = max(post.Ring, longest+1)
	return nil
}

// checkNeuronInputs checks the neuron variables program prog (called
// name) reads: they must exist and, for a pathway of a projection with
// delays (delayed), not be read at all: on_pre runs when the spike is
// sent rather than when it arrives (Brian2 runs it on arrival, and would
// read the values of that later step).
func checkNeuronInputs(name string, prog *ir.Program, delayed bool, pre, post *GroupPlan) error {
	if prog == nil {
		return nil
	}
	for k, in := range prog.Inputs {
		if !prog.Uses(k) {
			continue
		}
		g, base := pre, strings.TrimSuffix(in, SuffixPre)
		if strings.HasSuffix(in, SuffixPost) {
			g, base = post, strings.TrimSuffix(in, SuffixPost)
		} else if !strings.HasSuffix(in, SuffixPre) {
			continue
		}
		if arrayIndex(g.Arrays, base) < 0 {
			return fmt.Errorf("%s reads %s, but group %q has no variable %s", name, in, g.Name, base)
		}
		if delayed {
			return fmt.Errorf("%s reads %s: with delays, on_pre would read the neuron's value when the spike is sent, where Brian2 reads it when the spike arrives; reading neuron variables is not supported with delays", name, in)
		}
	}
	return nil
}

// reads reports whether program p has input name.
func reads(p *ir.Program, name string) bool {
	return p != nil && slices.Contains(p.Inputs, name)
}

// readsLastUpdate reports whether pathway p reads InputLastUpdate.
func readsLastUpdate(p *ir.Program) bool {
	return p != nil && slices.Contains(p.Inputs, models.InputLastUpdate)
}

// usesLastUpdate reports whether pathway p reads InputLastUpdate and uses
// it (a program keeps the inputs of its model, used or not).
func usesLastUpdate(p *ir.Program) bool {
	k := slices.Index(p.Inputs, models.InputLastUpdate)
	return k >= 0 && p.Uses(k)
}

// withoutUnusedLastUpdate drops the output lastupdate of a pathway without
// event-driven variables: nothing reads it, and storing it would cost 4
// bytes per synapse and a write per event.
func withoutUnusedLastUpdate(p *ir.Program) *ir.Program {
	if k := slices.Index(p.Inputs, models.InputLastUpdate); k >= 0 && p.Uses(k) {
		return p
	}
	q := *p
	q.Outputs = slices.DeleteFunc(slices.Clone(p.Outputs), func(o ir.Output) bool { return o.Name == models.InputLastUpdate })
	return &q
}
