package host

import (
	"fmt"
	"slices"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/units"
)

// A knob is a parameter of a group that may change between two runs of
// steps (Group.Knobs): Compile keeps its array, and every derived array of
// the group (Models.Neuron.Derived: propagators and hoisted
// parameter-only values such as exp(-dt/tau)), out of the Const arrays, so
// that no backend folds them into its programs, and Retune computes their
// new contents, which the runtime writes with Backend.SetGroupArray. A
// knob's arrays are part of the State, so checkpoints carry its value.

// GroupModel checks the model of group gi of net as Compile does (currents
// injected, the network's time series declared) without filling any
// array, so that a knob can be checked while the network is being built.
func GroupModel(net *Network, gi int) (*models.Model, error) {
	g := net.Groups[gi]
	if g.Model == nil {
		return nil, fmt.Errorf("group %q: no model", g.Name)
	}
	ss, err := compileSeries(net)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	file, err := inject(g, net.DT, ss, func(x string) bool { return summedInto(net, g, x) })
	if err != nil {
		return nil, fmt.Errorf("group %q: %w", g.Name, err)
	}
	m, err := models.CheckSeries(file, net.DT, ss.decls)
	if err != nil {
		return nil, fmt.Errorf("group %q: %w", g.Name, err)
	}
	return m, nil
}

// CheckKnob reports why parameter name of model m cannot be a knob: it is
// not a parameter (a state variable, a subexpression such as a parameter
// with an injected current, or no variable at all); the error lists the
// parameters.
func CheckKnob(m *models.Model, name string) error {
	n := m.Neuron
	has := func(vs []models.Var) bool {
		return slices.ContainsFunc(vs, func(v models.Var) bool { return v.Name == name })
	}
	params := varNames(n.Params)
	switch {
	case has(n.Params):
		return nil
	case has(n.States):
		return fmt.Errorf("knob %s: %s is a state variable of model %s, and a knob changes a parameter (parameters: %s)",
			name, name, modelName(m.File), params)
	case has(n.Subexpressions):
		return fmt.Errorf("knob %s: %s is a subexpression of model %s (computed every step, e.g. from an injected current or a time series), not a parameter (parameters: %s)",
			name, name, modelName(m.File), params)
	}
	return fmt.Errorf("knob %s: model %s has no parameter %s (parameters: %s)", name, modelName(m.File), name, params)
}

// CheckKnobValue compiles the value v of knob v.Var of model m, as
// Retune would evaluate it, and reports an error (a unit that does not
// fit, an unknown name) without evaluating it. An array value is checked
// by Retune.
func CheckKnobValue(m *models.Model, v Value) error {
	if v.Expr == "" {
		return nil
	}
	dims := knobDims(m.Neuron)
	names := map[string]units.Dim{"i": units.Dimensionless, "N": units.Dimensionless}
	for name, d := range dims {
		names[name] = d
	}
	_, err := models.CompileExpr(models.ExprSpec{Text: v.Expr, Names: names, Want: dims[v.Var], What: "value of " + v.Var})
	return err
}

// knobDims maps the parameters of n, the names a knob's value may use
// besides i and N, to their dimensions.
func knobDims(n *models.Neuron) map[string]units.Dim {
	dims := map[string]units.Dim{}
	for _, v := range n.Params {
		dims[v.Name] = v.Dim
	}
	return dims
}

// markKnobs checks the knobs of group gi and takes their arrays and the
// group's derived arrays out of the Const ones.
func (c *Compiled) markKnobs(gi int, knobs []string) error {
	gp := c.Plan.Groups[gi]
	for _, name := range knobs {
		if err := CheckKnob(c.Models[gi], name); err != nil {
			return err
		}
		if slices.Contains(gp.Targets, name) || summed(c.Plan, gi, name) {
			return fmt.Errorf("knob %s: synapses change %s in every step", name, name)
		}
	}
	if len(knobs) == 0 {
		return nil
	}
	derived := c.Models[gi].Neuron.Derived()
	for k := range gp.Arrays {
		if a := &gp.Arrays[k]; slices.Contains(knobs, a.Name) || slices.Contains(derived, a.Name) {
			a.Const = false
		}
	}
	if c.knobs == nil {
		c.knobs = map[int][]string{}
	}
	c.knobs[gi] = slices.Clone(knobs)
	return nil
}

// Retune computes the arrays of group gi that change when its knob v.Var
// takes the value v for neurons v.Lo … v.Hi-1 from step step on: the
// knob's array and every derived array, filled as Compile fills them for
// a network built with those values, so that a run continues exactly as
// one of that network would. params holds the current value of every
// parameter of the group (N each, as Backend.GroupArray returns them);
// an expression may use them, i (the index from v.Lo), N (v.Hi - v.Lo),
// rand() and randn() (drawn from a stream of the group, knob and step).
// Retune changes nothing; the caller writes the arrays it returns. An
// error of the expression is returned as CompileExpr reports it ("the
// value of I must be in A…"), for the caller to name the knob.
func (c *Compiled) Retune(gi int, v Value, step uint64, params map[string][]float32) ([]ArrayState, error) {
	if gi < 0 || gi >= len(c.Plan.Groups) {
		return nil, fmt.Errorf("retune: group %d of %d", gi, len(c.Plan.Groups))
	}
	gp := c.Plan.Groups[gi]
	n := c.Models[gi].Neuron
	if !slices.Contains(c.knobs[gi], v.Var) {
		return nil, fmt.Errorf("group %q: %s is not a knob of the group", gp.Name, v.Var)
	}
	if v.Lo < 0 || v.Hi > gp.N || v.Lo > v.Hi {
		return nil, fmt.Errorf("group %q: knob %s: neurons %d…%d are outside the group of %d", gp.Name, v.Var, v.Lo, v.Hi-1, gp.N)
	}
	arrays := map[string][]float32{}
	for _, p := range n.Params {
		x := params[p.Name]
		if len(x) != gp.N {
			return nil, fmt.Errorf("group %q: knob %s: %d values of parameter %s for %d neurons", gp.Name, v.Var, len(x), p.Name, gp.N)
		}
		arrays[p.Name] = x
	}
	ev := evaluation{key: c.Plan.Seed, dims: knobDims(n), arrays: arrays, n: gp.N}
	x, err := ev.eval(v, stream("knob", gp.Name, v.Var, fmt.Sprint(step)))
	if err != nil {
		return nil, err // it names the value of v.Var; the caller names the knob
	}
	knob := slices.Clone(arrays[v.Var])
	copy(knob[v.Lo:v.Hi], x)
	arrays[v.Var] = knob
	derived, err := derive(n, gp.N, arrays)
	if err != nil {
		return nil, fmt.Errorf("group %q: knob %s: derived values: %w", gp.Name, v.Var, err)
	}
	out := []ArrayState{{Name: v.Var, Values: knob}}
	for _, name := range n.Derived() {
		out = append(out, ArrayState{Name: name, Values: derived[name]})
	}
	return out, nil
}
