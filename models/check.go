package models

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// Model is a checked model file: the compiled neuron, its default
// parameters and initial state in internal units, and warnings about
// likely mistakes.
type Model struct {
	File     *File
	Neuron   *Neuron
	Defaults map[string]float32 // parameter defaults
	Initial  map[string]float32 // initial values of the states (0 where none is given)
	Warnings []Warning
}

// Warning is a likely mistake that does not stop a model from running.
type Warning struct {
	Pos syntax.Pos
	Msg string
	// Unset names the variable of a warning that it has no default or
	// initial value, which a network that sets it can drop.
	Unset string
	// Initial marks a warning that depends on the model's defaults and
	// initial values (Probe), which a network that sets values replaces.
	Initial bool
}

func (w Warning) String() string {
	if w.Pos.Line == 0 {
		return "warning: " + w.Msg
	}
	return w.Pos.String() + ": warning: " + w.Msg
}

// Check compiles a model file for time step dt (ms), evaluates its
// parameter defaults and initial values, and looks for the mistakes of the
// seeds: a resting state that runs away (a leak with the wrong sign), a
// parameter or state never given a value, an initial state above threshold.
func Check(f *File, dt float64) (*Model, error) {
	return CheckSeries(f, dt, nil)
}

// CheckSeries is Check for a model whose equations may call the given
// time series (NeuronSpec.TimeSeries).
func CheckSeries(f *File, dt float64, series map[string]TimeSeries) (*Model, error) {
	spec := f.Spec(dt)
	spec.TimeSeries = series
	n, err := Compile(spec)
	if err != nil {
		return nil, err
	}
	m := &Model{File: f, Neuron: n, Defaults: map[string]float32{}, Initial: map[string]float32{}}
	dims := map[string]Var{}
	for _, v := range n.Params {
		dims[v.Name] = v
	}
	if err := m.evaluate(f.Parameters, dims, m.Defaults, "parameter"); err != nil {
		return nil, err
	}
	states := map[string]Var{}
	for _, v := range n.States {
		states[v.Name] = v
	}
	if err := m.evaluate(f.Initial, states, m.Initial, "state variable"); err != nil {
		return nil, err
	}
	for _, v := range n.Params {
		if _, ok := m.Defaults[v.Name]; !ok {
			m.warn(v.Pos, "parameter %s has no default: every group must set it", v.Name)
			m.Warnings[len(m.Warnings)-1].Unset = v.Name
		}
	}
	for _, v := range n.States {
		if _, ok := m.Initial[v.Name]; !ok {
			m.warn(v.Pos, "state variable %s has no initial value and starts at 0", v.Name)
			m.Warnings[len(m.Warnings)-1].Unset = v.Name
			m.Initial[v.Name] = 0
		}
	}
	return m, m.stability()
}

func (m *Model) warn(pos syntax.Pos, format string, args ...any) {
	m.Warnings = append(m.Warnings, Warning{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// evaluate computes settings in order; each may use units and the values
// of earlier settings and of the defaults.
func (m *Model) evaluate(settings []Setting, vars map[string]Var, into map[string]float32, what string) error {
	for _, s := range settings {
		v, ok := vars[s.Name]
		if !ok {
			return posErr(s.Pos, "%s is not a %s of this model", s.Name, what)
		}
		e, err := syntax.ParseExprAt(s.Value, s.Pos)
		if err != nil {
			return err
		}
		b := ir.NewBuilder()
		sc := newScope(b)
		for _, known := range []map[string]float32{m.Defaults, into} {
			for name, val := range known {
				sc.syms[name] = &symbol{dim: m.dimOf(name), reg: b.Const(float64(val))}
			}
		}
		val, err := sc.lower(e)
		if err != nil {
			return err
		}
		if val.bool || !val.dim.Equal(v.Dim) {
			return posErr(s.Pos, "%s is in %s but its value is %s", s.Name, v.Dim, kindOf(val.bool, val.dim))
		}
		x, err := constantValue(b, val.reg)
		if err != nil {
			return posErr(s.Pos, "the value of %s %v (random draws belong in a network's initial values)", s.Name, err)
		}
		switch f := float32(x); {
		case math.IsNaN(x):
			return posErr(s.Pos, "the value of %s, %s, is not a number (NaN: log(0)·0, 0/0, sqrt of a negative?)", s.Name, s.Value)
		case math.IsInf(float64(f), 0):
			return posErr(s.Pos, "the value of %s, %s, is %g, not a finite float32 (log(0), a division by 0, or a magnitude beyond 3.4e38 in spikevk's units)", s.Name, s.Value, x)
		default:
			into[s.Name] = f
		}
	}
	return nil
}

func (m *Model) stateVar(name string) Var {
	for _, v := range m.Neuron.States {
		if v.Name == name {
			return v
		}
	}
	return Var{}
}

func (m *Model) dimOf(name string) units.Dim {
	for _, vs := range [][]Var{m.Neuron.Params, m.Neuron.States} {
		for _, v := range vs {
			if v.Name == name {
				return v.Dim
			}
		}
	}
	return units.Dimensionless
}

// stability evaluates the threshold and the slopes ∂(dx/dt)/∂x at the
// initial state with the default parameters.
// Probe runs the checks that depend on values (an unstable rest, an
// initial state above the threshold) with values instead of the model's
// defaults and initial values: a network's parameters and initial state
// of one neuron. It returns their warnings.
func (m *Model) Probe(values map[string]float32) ([]Warning, error) {
	p := *m
	p.Warnings, p.Defaults, p.Initial = nil, map[string]float32{}, map[string]float32{}
	for _, v := range m.Neuron.Params {
		p.Defaults[v.Name] = values[v.Name]
	}
	for _, v := range m.Neuron.States {
		p.Initial[v.Name] = values[v.Name]
	}
	if err := p.stability(); err != nil {
		return nil, err
	}
	for k := range p.Warnings {
		p.Warnings[k].Initial = false
	}
	return p.Warnings, nil
}

func (m *Model) stability() error {
	n := m.Neuron
	known := map[string][]float32{}
	for _, values := range []map[string]float32{m.Defaults, m.Initial} {
		for name, v := range values {
			known[name] = []float32{v}
		}
	}
	for _, p := range n.Params {
		if _, ok := known[p.Name]; !ok {
			return nil // a parameter without default: nothing to evaluate
		}
	}
	derived, err := n.Derive(1, known)
	if err != nil {
		return err
	}
	for name, v := range derived {
		known[name] = v
	}
	vals := func(p *ir.Program) ([][]float32, bool) {
		in := make([][]float32, len(p.Inputs))
		for k, name := range p.Inputs {
			var v float32
			vs, ok := known[name]
			if ok {
				v = vs[0]
			}
			if !ok && name != InputTime && name != InputIndex && name != Refractory {
				return nil, false // a parameter without default: nothing to evaluate
			}
			in[k] = []float32{v}
		}
		return in, true
	}
	in, ok := vals(n.Step)
	if !ok {
		return nil
	}
	out := make([][]float32, len(n.Step.Outputs))
	for k := range out {
		out[k] = []float32{0}
	}
	if err := ir.NewEvaluator(n.Step).Run(1, in, out, ir.RNG{}); err != nil {
		return err
	}
	for k, o := range n.Step.Outputs {
		if o.Name == OutputSpike && out[k][0] != 0 {
			m.warn(m.File.at["threshold"], "the initial state is above the threshold: every neuron spikes in the first step")
			m.Warnings[len(m.Warnings)-1].Initial = true
		}
	}
	in, _ = vals(n.Rates)
	out = make([][]float32, len(n.Rates.Outputs))
	for k := range out {
		out[k] = []float32{0}
	}
	if err := ir.NewEvaluator(n.Rates).Run(1, in, out, ir.RNG{}); err != nil {
		return err
	}
	for k, o := range n.Rates.Outputs {
		if a := out[k][0]; a > 0 {
			m.warn(m.stateVar(o.Name).Pos, "d%s/dt grows with %s (slope +%.3g/ms at the initial state): the resting state is unstable; check the sign of the leak term", o.Name, o.Name, a)
			m.Warnings[len(m.Warnings)-1].Initial = true
		}
	}
	return nil
}
