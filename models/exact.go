package models

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/linear"
	"github.com/spikevk/spikevk/models/syntax"
)

// system is dx/dt = A·x + c with A and c free of the states, of time and of
// random draws: registers that depend on parameters at most.
type system struct {
	a [][]ir.Reg
	c []ir.Reg
}

// linearSystem splits the right-hand sides into A·x + c, or says why they
// are not linear with constant coefficients: coefficients that depend on
// the states, on time t or on a varying register (a random draw or a time
// series, scope.varying).
func linearSystem(b *ir.Builder, rates, x []ir.Reg, names []string, t ir.Reg, varying []ir.Reg) (*system, string) {
	sys := &system{a: make([][]ir.Reg, len(rates)), c: make([]ir.Reg, len(rates))}
	forbidden := append([]ir.Reg{t}, x...)
	forbidden = append(forbidden, varying...)
	for i, rest := range rates {
		sys.a[i] = make([]ir.Reg, len(x))
		for j := range x {
			var ok bool
			if sys.a[i][j], rest, ok = b.Linear(rest, x[j]); !ok {
				return nil, fmt.Sprintf("d%s/dt is not linear in %s", names[i], names[j])
			}
		}
		sys.c[i] = rest
		for _, r := range append(append([]ir.Reg{}, sys.a[i]...), rest) {
			for k, f := range forbidden {
				if b.DependsOn(r, f) {
					what := "time"
					switch {
					case k > len(x):
						what = "a random draw or a time series"
					case k > 0:
						what = names[k-1]
					}
					return nil, fmt.Sprintf("a coefficient of d%s/dt depends on %s", names[i], what)
				}
			}
		}
	}
	return sys, ""
}

// exactStep emits x ← P·x + q, where P = exp(A·dt) and q come per neuron
// from Derive, as inputs named derivedP(i, j) and derivedQ(i). Entries that
// are zero for every parameter value (no path in A from j to i) are left
// out.
func (n *Neuron) exactStep(b *ir.Builder, sys *system, names []string, x []ir.Reg, dt float64) []ir.Reg {
	size := len(x)
	isZero := func(r ir.Reg) bool { return b.IsConst(r, 0) }
	// reach[i][j]: state j influences state i over time (i == j included).
	reach := make([][]bool, size)
	for i := range reach {
		reach[i] = make([]bool, size)
		reach[i][i] = true
	}
	for changed := true; changed; {
		changed = false
		for i := range size {
			for j := range size {
				for k := range size {
					if !reach[i][j] && reach[k][j] && !isZero(sys.a[i][k]) {
						reach[i][j], changed = true, true
					}
				}
			}
		}
	}
	var coeffs []ir.Output
	for i := range size {
		for j := range size {
			coeffs = append(coeffs, ir.Output{Name: fmt.Sprintf("a %d %d", i, j), Reg: sys.a[i][j]})
		}
	}
	for i := range size {
		coeffs = append(coeffs, ir.Output{Name: fmt.Sprintf("c %d", i), Reg: sys.c[i]})
	}
	n.coefficients = b.Snapshot(coeffs...)
	n.dt = dt
	n.derived = nil
	next := make([]ir.Reg, size)
	for i := range size {
		sum := ir.Reg(-1)
		add := func(r ir.Reg) {
			if sum < 0 {
				sum = r
			} else {
				sum = b.Op2(ir.OpAdd, sum, r)
			}
		}
		for j := range size {
			if reach[i][j] {
				name := derivedP(names[i], names[j])
				n.derived = append(n.derived, derivedInput{name: name, i: i, j: j})
				add(b.Op2(ir.OpMul, b.Input(name), x[j]))
			}
		}
		constant := false
		for k := range size {
			constant = constant || reach[i][k] && !isZero(sys.c[k])
		}
		if constant {
			name := derivedQ(names[i])
			n.derived = append(n.derived, derivedInput{name: name, i: i, j: -1})
			add(b.Input(name))
		}
		next[i] = sum
	}
	return next
}

func derivedP(xi, xj string) string { return "_P_" + xi + "_" + xj }
func derivedQ(xi string) string     { return "_q_" + xi }

// derivedInput is an input of the step program that Derive computes: entry
// (i, j) of P, or entry i of q when j < 0.
type derivedInput struct {
	name string
	i, j int
}

// Derived lists the inputs of the step program that Derive computes from
// the parameters: the propagator of exact integration and the hoisted
// parameter-only values.
func (n *Neuron) Derived() []string {
	names := make([]string, 0, len(n.derived))
	for _, d := range n.derived {
		names = append(names, d.name)
	}
	if n.hoisted != nil {
		for _, o := range n.hoisted.Outputs {
			names = append(names, o.Name)
		}
	}
	return names
}

// Derive computes the derived inputs of size neurons from their parameters
// (values maps every parameter to one value per neuron, in internal
// units), in float64, rounded to float32: for exact integration, P =
// exp(A·dt) and q by models/linear; and every value of the step that
// depends on parameters only (ir.Hoist), such as a decay factor
// exp(-dt/tau). Call it again when parameters change.
func (n *Neuron) Derive(size int, values map[string][]float32) (map[string][]float32, error) {
	out, err := n.derivePropagators(size, values)
	if err != nil || n.hoisted == nil {
		return out, err
	}
	p := n.hoisted
	for _, o := range p.Outputs {
		out[o.Name] = make([]float32, size)
	}
	in := make([]float64, len(p.Inputs))
	for k := range size {
		for m, name := range p.Inputs {
			v, ok := values[name]
			if !ok {
				v, ok = out[name]
			}
			if !ok || len(v) <= k {
				return nil, fmt.Errorf("models: derive: no value of parameter %s for neuron %d", name, k)
			}
			in[m] = float64(v[k])
		}
		r, err := ir.EvalFloat64(p, in)
		if err != nil {
			return nil, err
		}
		for j, o := range p.Outputs {
			out[o.Name][k] = float32(r[j])
		}
	}
	return out, nil
}

// derivePropagators computes P and q of exact integration.
func (n *Neuron) derivePropagators(size int, values map[string][]float32) (map[string][]float32, error) {
	out := map[string][]float32{}
	if len(n.derived) == 0 {
		return out, nil
	}
	for _, d := range n.derived {
		out[d.name] = make([]float32, size)
	}
	p := n.coefficients
	in := make([]float64, len(p.Inputs))
	states := len(n.States)
	a := make([][]float64, states)
	for i := range a {
		a[i] = make([]float64, states)
	}
	c := make([]float64, states)
	for k := range size {
		for m, name := range p.Inputs {
			v, ok := values[name]
			switch {
			case name == InputIndex:
				in[m] = float64(k)
				continue
			case name == InputSize:
				in[m] = float64(size)
				continue
			case !ok || len(v) <= k:
				in[m] = 0 // the coefficients do not use it: they are free of states and time
				if n.usesParam(name) {
					return nil, fmt.Errorf("models: derive: no value of parameter %s for neuron %d", name, k)
				}
				continue
			}
			in[m] = float64(v[k])
		}
		r, err := ir.EvalFloat64(p, in)
		if err != nil {
			return nil, err
		}
		for i := range states {
			for j := range states {
				a[i][j] = r[i*states+j]
			}
			c[i] = r[states*states+i]
		}
		pm, q, err := linear.Propagator(a, c, n.dt)
		if ce, ok := err.(*linear.CoefficientError); ok {
			st := n.States[ce.Row]
			what := "its constant term"
			if ce.Col < states {
				what = "its coefficient of " + n.States[ce.Col].Name
			}
			why := "a parameter it uses is 0 where it divides, infinite, or too large (|value·dt| above 1e30)"
			if odd := culprits(p, in, n, ce, states); len(odd) > 0 {
				why = strings.Join(odd, ", ") + " makes it so"
			}
			return nil, &syntax.Error{Pos: st.Pos, Msg: fmt.Sprintf("d%s/dt: %s is %g for neuron %d: %s", st.Name, what, ce.Value, k, why)}
		}
		if err != nil {
			return nil, fmt.Errorf("models: neuron %d: %w", k, err)
		}
		for _, d := range n.derived {
			if d.j < 0 {
				out[d.name][k] = float32(q[d.i])
			} else {
				out[d.name][k] = float32(pm[d.i][d.j])
			}
		}
	}
	return out, nil
}

// culprits names the parameters whose value (0, or not finite) makes the
// coefficient of ce not finite: those that, set to 1 alone, make it
// finite.
func culprits(p *ir.Program, in []float64, n *Neuron, ce *linear.CoefficientError, states int) []string {
	entry := ce.Row*states + ce.Col
	if ce.Col >= states {
		entry = states*states + ce.Row
	}
	var out []string
	try := slices.Clone(in)
	for m, name := range p.Inputs {
		v := in[m]
		if !n.usesParam(name) || v != 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
			continue
		}
		try[m] = 1
		if r, err := ir.EvalFloat64(p, try); err == nil && !math.IsInf(r[entry], 0) && !math.IsNaN(r[entry]) {
			out = append(out, fmt.Sprintf("%s = %g", name, v))
		}
		try[m] = v
	}
	return out
}

// DerivesFrom reports whether the derived inputs (Derived) depend on the
// parameter name: a value that changes during a run must not.
func (n *Neuron) DerivesFrom(name string) bool {
	for _, p := range []*ir.Program{n.coefficients, n.hoisted} {
		if k := slices.Index(inputsOf(p), name); k >= 0 && p.Uses(k) {
			return true
		}
	}
	return false
}

// inputsOf is the inputs of p, none where p is nil.
func inputsOf(p *ir.Program) []string {
	if p == nil {
		return nil
	}
	return p.Inputs
}

// DerivedPerNeuron reports whether the derived inputs depend on the
// neuron's index or the group's size (a drive such as i*nA), so that
// Derive needs the whole group even where all parameters are equal; it
// then takes i from the position in values and N from size.
func (n *Neuron) DerivedPerNeuron() bool {
	return n.coefficients != nil && slices.ContainsFunc(n.coefficients.Inputs, func(name string) bool {
		return name == InputIndex || name == InputSize
	})
}

// usesParam reports whether name is a parameter of the model.
func (n *Neuron) usesParam(name string) bool {
	for _, v := range n.Params {
		if v.Name == name {
			return true
		}
	}
	return false
}
