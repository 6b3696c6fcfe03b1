package host

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
)

// inject returns the model of group g with its currents (Group.Currents)
// written into the equations: each parameter that receives currents
// becomes the subexpression of their sum, and each Ornstein–Uhlenbeck
// source adds a state variable. Without currents it is g.Model. summed
// reports whether a projection sums into a variable of g.
func inject(g *Group, dt float64, ss *series, summed func(x string) bool) (*models.File, error) {
	if len(g.Currents) == 0 {
		return g.Model, nil
	}
	f, err := injectFor(g, dt, "euler", summed)
	if err != nil || !slices.ContainsFunc(g.Currents, func(c Current) bool { return c.Tau > 0 }) {
		return f, err
	}
	m, err := models.CheckSeries(f, dt, ss.decls)
	if err != nil {
		return nil, err
	}
	switch m.Neuron.Method {
	case "euler":
		return f, nil
	case "exponential_euler":
		return injectFor(g, dt, m.Neuron.Method, summed)
	}
	return nil, fmt.Errorf("an Ornstein–Uhlenbeck current needs the euler or exponential_euler method, but model %s integrates with %s",
		modelName(g.Model), m.Neuron.Method)
}

// injectFor writes the currents of g into its model for an integration
// method, euler or exponential_euler, that updates the Ornstein–Uhlenbeck
// states exactly. A variable that the group also sets, or that a
// projection sums into (summed), keeps those values in a parameter of its
// own (SetBase) that the currents add to.
func injectFor(g *Group, dt float64, method string, summed func(x string) bool) (*models.File, error) {
	f := g.Model
	eqs, err := syntax.ParseEquations(f.Equations, f.Path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(f.Equations, "\n")
	sums := map[string][]string{}
	var order []string
	out := *f
	out.Initial = slices.Clone(f.Initial)
	for _, c := range g.Currents {
		k := slices.IndexFunc(eqs.Eqs, func(eq *syntax.Equation) bool { return eq.Var == c.Var })
		if k < 0 {
			return nil, fmt.Errorf("inject into %s: model %s has no variable %s", c.Var, modelName(f), c.Var)
		}
		eq := eqs.Eqs[k]
		if eq.Kind != syntax.Parameter {
			what := "state variable"
			if eq.Kind == syntax.Subexpression {
				what = "subexpression"
			}
			return nil, fmt.Errorf("inject into %s: it is a %s of model %s, not a parameter", c.Var, what, modelName(f))
		}
		if sums[c.Var] == nil {
			order = append(order, c.Var)
		}
		term := "(" + c.Expr + ")"
		if c.Tau > 0 {
			state := fmt.Sprintf("%s_ou%d", c.Var, len(sums[c.Var]))
			lines = append(lines, ouEquation(state, c, eq.Unit, dt, method))
			out.Initial = append(out.Initial, models.Setting{Name: state, Value: c.Mean})
			term = state
		}
		if c.Hi > 0 {
			term = fmt.Sprintf("int(i >= %d and i < %d)*%s", c.Lo, c.Hi, term)
		}
		sums[c.Var] = append(sums[c.Var], term)
	}
	out.Parameters = slices.Clone(f.Parameters)
	for _, v := range order {
		eq := eqs.Eqs[slices.IndexFunc(eqs.Eqs, func(eq *syntax.Equation) bool { return eq.Var == v })]
		sum := strings.Join(sums[v], " + ")
		base := SetBase(v)
		if !slices.ContainsFunc(g.Values, func(x Value) bool { return x.Var == base }) && !summed(v) {
			lines[eq.Pos.Line-1] = v + " = " + sum + " : " + eq.Unit
			out.Parameters = slices.DeleteFunc(out.Parameters, func(s models.Setting) bool { return s.Name == v })
			continue
		}
		// The group sets v too, or a projection sums into it: those values
		// add to the currents, as a parameter of their own that keeps v's
		// default.
		if slices.ContainsFunc(eqs.Eqs, func(e *syntax.Equation) bool { return e.Var == base }) {
			return nil, fmt.Errorf("inject into %s: the group sets %s or sums into it, whose value would need the name %s, which model %s uses", v, v, base, modelName(f))
		}
		lines[eq.Pos.Line-1] = v + " = " + base + " + " + sum + " : " + eq.Unit
		lines = append(lines, base+" : "+eq.Unit)
		for k := range out.Parameters {
			if out.Parameters[k].Name == v {
				out.Parameters[k].Name = base
			}
		}
	}
	out.Equations = strings.Join(lines, "\n")
	return &out, nil
}

// SetBase names the parameter that holds the value a group sets for a
// variable currents are injected into, or the sum projections make of
// it: the currents add to it.
func SetBase(v string) string { return v + "_set" }

// setOnBase returns g with the values it gives a variable that currents
// are injected into moved to that variable's base parameter (SetBase).
func setOnBase(g *Group) *Group {
	injected := map[string]bool{}
	for _, c := range g.Currents {
		injected[c.Var] = true
	}
	if !slices.ContainsFunc(g.Values, func(v Value) bool { return injected[v.Var] }) {
		return g
	}
	out := *g
	out.Values = slices.Clone(g.Values)
	for k := range out.Values {
		if injected[out.Values[k].Var] {
			out.Values[k].Var = SetBase(out.Values[k].Var)
		}
	}
	return &out
}

// ouEquation is the equation of an Ornstein–Uhlenbeck state that method
// integrates exactly with a = e^(-dt/τ): Euler's x + dt·f is exact for
// f = ((m-x)·(1-a) + sd·sqrt(1-a²)·n)/dt, exponential Euler's
// x∞ + (x-x∞)·a for x∞ = m + sd·sqrt((1+a)/(1-a))·n, with n ~ N(0, 1)
// drawn once per step.
func ouEquation(state string, c Current, unit string, dt float64, method string) string {
	a := math.Exp(-dt / c.Tau)
	if method == "exponential_euler" {
		return fmt.Sprintf("d%s/dt = ((%s) + (%s)*%v*randn() - %s)/(%v*ms) : %s",
			state, c.Mean, c.SD, math.Sqrt((1+a)/(1-a)), state, c.Tau, unit)
	}
	return fmt.Sprintf("d%s/dt = (((%s) - %s)*%v + (%s)*%v*randn())/ms : %s",
		state, c.Mean, state, (1-a)/dt, c.SD, math.Sqrt(1-a*a)/dt, unit)
}
