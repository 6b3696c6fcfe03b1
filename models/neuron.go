package models

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/models/integrate"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// NeuronSpec is a neuron model as a user writes it.
type NeuronSpec struct {
	File       string  // for error positions
	Equations  string  // Brian2 equations
	Threshold  string  // a condition, e.g. "v > -50*mV"; empty: no spikes
	Reset      string  // statements run after a spike, e.g. "v = -65*mV"
	Refractory string  // a duration, e.g. "2*ms"; empty: none
	Method     string  // integration method; empty: exponential_euler where it applies, else euler
	DT         float64 // time step in ms
	// TimeSeries are the functions of time the network provides.
	TimeSeries map[string]TimeSeries
	// Summed are parameters that summed synapse variables set every step
	// ("I_gap_post = … (summed)"): the step reads them every time, like a
	// time series, rather than values derived from them once (hoisted
	// expressions, exact integration's propagators).
	Summed []string
	// Observed are subexpressions that the step outputs, under their own
	// names, as computed from the values at the start of the step (what
	// Brian2's StateMonitor records for a subexpression).
	Observed []string

	// Where each text starts in File, for error positions; the zero Pos
	// means line 1, column 1 of a text of its own.
	EquationsAt, ThresholdAt, ResetAt, RefractoryAt, MethodAt syntax.Pos
}

// at returns p, or the start of a text labelled what in file.
func at(p syntax.Pos, file, what string) syntax.Pos {
	if p.Line > 0 {
		return p
	}
	switch {
	case what != "" && file == "":
		file = what // a text given in code (Go API): "on_pre:1:5"
	case what != "":
		file += " (" + what + ")"
	}
	return syntax.Pos{File: file, Line: 1, Col: 1}
}

// Var is a state variable or parameter of a compiled model.
type Var struct {
	Name string
	Dim  units.Dim
	Bool bool       // a boolean ("boolean" unit)
	Pos  syntax.Pos // where it is declared
}

// Neuron is a compiled neuron model.
type Neuron struct {
	States []Var // integrated or assigned variables, in declaration order
	Params []Var // parameters, in declaration order
	// Subexpressions are the named expressions, in declaration order
	// (NeuronSpec.Observed makes the step output them).
	Subexpressions []Var
	Method         string      // the integration method used
	Step           *ir.Program // one time step; see Compile
	// Rates has the inputs of Step and, for each differential equation
	// linear in its own variable x, an output named x with ∂(dx/dt)/∂x in
	// 1/ms: positive means the variable runs away from a fixed point.
	Rates *ir.Program
	// RefractorySteps is the number of steps a neuron stays refractory
	// after a spike (0: no refractoriness; 1 also for a refractory
	// condition, which then decides how long it lasts).
	RefractorySteps int

	// Exact integration: the coefficients of dx/dt = A·x + c as a program
	// of the parameters, and the inputs Derive computes from them.
	coefficients *ir.Program
	derived      []derivedInput
	dt           float64
	// hoisted computes the step's parameter-only values (ir.Hoist).
	hoisted *ir.Program
	spec    NeuronSpec // what Compile built it from
}

// Hash identifies the compiled model: models with equal hashes share one
// kernel and one shader-cache entry.
func (n *Neuron) Hash() string {
	h := n.Step.Hash()
	if n.coefficients != nil {
		h += "+" + n.coefficients.Hash() + fmt.Sprint(n.dt)
	}
	if n.hoisted != nil {
		h += "+" + n.hoisted.Hash()
	}
	return h
}

// WithSummed compiles the model again with parameters names set every
// step by summed synapse variables (NeuronSpec.Summed).
func (n *Neuron) WithSummed(names []string) (*Neuron, error) {
	spec := n.spec
	spec.Summed = names
	return Compile(spec)
}

// Spec returns the spec the model was compiled from.
func (n *Neuron) Spec() NeuronSpec { return n.spec }

// WithObserved compiles the model again with the subexpressions names as
// outputs of its step (NeuronSpec.Observed).
func (n *Neuron) WithObserved(names []string) (*Neuron, error) {
	spec := n.spec
	spec.Observed = names
	return Compile(spec)
}

// Names of the special inputs and outputs of a step program.
const (
	InputTime   = "t"           // time at the start of the step, in ms
	InputIndex  = "i"           // the neuron's index in its group
	InputSize   = "N"           // the number of neurons in the group (an input only where used)
	Refractory  = "_refractory" // steps of refractoriness left (input and output)
	OutputSpike = "_spike"      // 1 when the neuron spiked in this step
)

// Compile checks spec and builds its step program. The program's inputs
// are the states, the parameters, InputTime, InputIndex, InputSize where
// used, the time series (SeriesInput), the inputs Derive computes
// (Derived) and, with refractoriness, Refractory; its outputs are the
// states' new values, OutputSpike and, with refractoriness, Refractory.
//
// One step follows Brian2: the refractory count goes down; the equations
// are integrated (those marked "unless refractory" hold still while the
// count is above zero); the threshold is tested (not while refractory);
// the reset runs for neurons that spiked, and their count is set to
// RefractorySteps.
func Compile(spec NeuronSpec) (*Neuron, error) {
	if !(spec.DT > 0) || math.IsInf(spec.DT, 0) {
		return nil, fmt.Errorf("models: time step %v ms must be positive", spec.DT)
	}
	eqs, err := syntax.ParseEquationsAt(spec.Equations, at(spec.EquationsAt, spec.File, ""))
	if err != nil {
		return nil, err
	}
	b := ir.NewBuilder()
	s := newScope(b)
	s.dt = spec.DT
	s.series = spec.TimeSeries
	n := &Neuron{spec: spec}
	var diffs []*syntax.Equation
	declared := map[string]*syntax.Equation{}
	for _, eq := range eqs.Eqs {
		declared[eq.Var] = eq
		if err := checkFlags(eq); err != nil {
			return nil, err
		}
	}
	// Declarations first, so that equations may use names defined below them.
	for _, eq := range eqs.Eqs {
		v, err := declare(eq)
		if err != nil {
			return nil, err
		}
		if _, isUnit := units.Lookup(eq.Var); isUnit {
			return nil, errorf(eq.Pos, "%q is the name of a unit; choose another name", eq.Var)
		}
		if _, isFunc := funcArity[eq.Var]; isFunc {
			return nil, errorf(eq.Pos, "%q is the name of a function; choose another name", eq.Var)
		}
		switch eq.Kind {
		case syntax.Parameter:
			n.Params = append(n.Params, v)
			s.syms[eq.Var] = &symbol{dim: v.Dim, bool: v.Bool, reg: b.Input(eq.Var)}
			if slices.Contains(spec.Summed, eq.Var) {
				s.varying = append(s.varying, s.syms[eq.Var].reg)
			}
		case syntax.Differential:
			if v.Bool {
				return nil, errorf(eq.UnitPos, "a differential equation cannot be boolean")
			}
			n.States = append(n.States, v)
			diffs = append(diffs, eq)
			s.syms[eq.Var] = &symbol{dim: v.Dim, reg: b.Input(eq.Var)}
		case syntax.Subexpression:
			n.Subexpressions = append(n.Subexpressions, v)
			s.syms[eq.Var] = &symbol{dim: v.Dim, bool: v.Bool, expr: eq.Expr, constantOverDT: eq.HasFlag("constant over dt")}
		}
	}
	for _, name := range []string{InputTime, InputIndex, InputSize} {
		if _, taken := declared[name]; taken {
			return nil, errorf(declared[name].Pos, "%q is a reserved name", name)
		}
	}
	tReg := b.Input(InputTime)
	s.syms[InputTime] = &symbol{dim: units.BaseDim(units.Time), reg: tReg}
	s.syms["dt"] = &symbol{dim: units.BaseDim(units.Time), reg: b.Const(spec.DT)}
	s.syms[InputIndex] = &symbol{reg: b.Input(InputIndex)}
	if err := checkSubexpressions(s, eqs); err != nil {
		return nil, err
	}
	observed, err := observe(s, spec.Observed, declared)
	if err != nil {
		return nil, err
	}

	var notRefr ir.Reg
	haveRefr := spec.Refractory != ""
	var count ir.Reg
	if haveRefr {
		steps, cond, isCond, err := refractoriness(s, spec)
		if err != nil {
			return nil, err
		}
		n.RefractorySteps = steps
		switch {
		case !isCond && steps == 0:
			haveRefr = false // a refractory period of 0 ms
		case !isCond:
			count = b.Op2(ir.OpSub, b.Input(Refractory), b.Const(1))
			count = b.Op2(ir.OpMax, count, b.Const(0))
		default:
			// A condition: refractory after a spike until it is first false.
			n.RefractorySteps = 1
			still := b.Op2(ir.OpAnd, b.Op2(ir.OpGt, b.Input(Refractory), b.Const(0)), cond)
			count = b.Select(still, b.Const(1), b.Const(0))
		}
		if haveRefr {
			notRefr = b.Op2(ir.OpLe, count, b.Const(0))
		}
	}

	next, err := integrateStates(b, s, n, spec, diffs)
	if err != nil {
		return nil, err
	}
	for i, eq := range diffs {
		if haveRefr && eq.HasFlag("unless refractory") {
			next[i] = b.Select(notRefr, next[i], s.syms[eq.Var].reg)
		}
	}
	// Threshold and reset see the integrated values.
	for i, eq := range diffs {
		s.syms[eq.Var] = &symbol{dim: n.States[i].Dim, reg: next[i]}
	}
	spike := b.Op2(ir.OpLt, b.Const(1), b.Const(0)) // false
	if spec.Threshold != "" {
		spike, err = condition(s, spec.Threshold, at(spec.ThresholdAt, spec.File, "threshold"), "threshold")
		if err != nil {
			return nil, err
		}
		if haveRefr {
			spike = b.Op2(ir.OpAnd, spike, notRefr)
		}
	}
	if err := reset(s, spec, spike, n); err != nil {
		return nil, err
	}
	for _, v := range n.States {
		b.Output(v.Name, s.syms[v.Name].reg)
	}
	b.Output(OutputSpike, spike)
	if haveRefr {
		b.Output(Refractory, b.Select(spike, b.Const(float64(n.RefractorySteps)), count))
	}
	for k, name := range spec.Observed {
		b.Output(name, observed[k])
	}
	fixed := map[string]bool{}
	for _, v := range n.Params {
		fixed[v.Name] = !slices.Contains(spec.Summed, v.Name)
	}
	for _, d := range n.derived {
		fixed[d.name] = true
	}
	n.Step, n.hoisted = ir.Hoist(b.Program(), func(name string) bool { return fixed[name] }, "_d")
	if len(n.hoisted.Outputs) == 0 {
		n.hoisted = nil
	}
	return n, nil
}

// neuronFlags lists the flags each kind of equation of a neuron model may
// carry, as in Brian2.
var neuronFlags = map[syntax.Kind][]string{
	syntax.Differential:  {"unless refractory"},
	syntax.Subexpression: {"shared", "constant over dt"},
	syntax.Parameter:     {"constant", "shared", "linked"},
}

func checkFlags(eq *syntax.Equation) error {
	for _, f := range eq.Flags {
		if !slices.Contains(neuronFlags[eq.Kind], f.Name) {
			switch f.Name {
			case "clock-driven", "event-driven", "summed":
				return errorf(f.Pos, "flag %q belongs in synapse models, not in a neuron model", f.Name)
			}
			return errorf(f.Pos, "a %s cannot be %q (allowed: %s)", eq.Kind, f.Name, strings.Join(neuronFlags[eq.Kind], ", "))
		}
	}
	return nil
}

// declare reads an equation's unit field.
func declare(eq *syntax.Equation) (Var, error) {
	v := Var{Name: eq.Var, Pos: eq.Pos}
	switch eq.Unit {
	case "boolean":
		v.Bool = true
		return v, nil
	case "integer":
		return v, nil
	}
	u, err := units.Parse(eq.Unit)
	if err != nil {
		return v, errorf(eq.UnitPos, "%v", err)
	}
	v.Dim = u.Dim
	return v, nil
}

// checkSubexpressions lowers every subexpression once, so that their
// errors are reported even when nothing uses them.
func checkSubexpressions(s *scope, eqs *syntax.Equations) error {
	for _, eq := range eqs.Eqs {
		if eq.Kind == syntax.Subexpression {
			if _, err := s.ident(&syntax.Ident{Name: eq.Var, Pos: eq.Pos}); err != nil {
				return err
			}
		}
	}
	return nil
}

// observe lowers the observed subexpressions with the values at the start
// of the step. A subexpression lowers to the same random draws wherever it
// is used, so an observed noisy current is the one the step integrates.
func observe(s *scope, names []string, declared map[string]*syntax.Equation) ([]ir.Reg, error) {
	regs := make([]ir.Reg, len(names))
	for k, name := range names {
		eq := declared[name]
		if eq == nil || eq.Kind != syntax.Subexpression {
			return nil, fmt.Errorf("models: %q is not a subexpression of the model", name)
		}
		if slices.Contains(names[:k], name) {
			return nil, fmt.Errorf("models: subexpression %q observed twice", name)
		}
		v, err := s.ident(&syntax.Ident{Name: name, Pos: eq.Pos})
		if err != nil {
			return nil, err
		}
		regs[k] = v.reg
	}
	return regs, nil
}

// integrateStates emits the integrated values of the differential
// equations with the chosen or default method.
func integrateStates(b *ir.Builder, s *scope, n *Neuron, spec NeuronSpec, diffs []*syntax.Equation) ([]ir.Reg, error) {
	// "constant over dt" subexpressions are evaluated once, at the start of
	// the step, and keep that value through every stage of the method.
	var once []string
	for name, sym := range s.syms {
		if sym.expr != nil && sym.constantOverDT {
			once = append(once, name)
		}
	}
	slices.Sort(once) // a fixed order, so that the program (and its hash) is too
	for _, name := range once {
		sym := s.syms[name]
		v, err := s.ident(&syntax.Ident{Name: name, Pos: sym.expr.Position()})
		if err != nil {
			return nil, err
		}
		s.syms[name] = &symbol{dim: sym.dim, bool: sym.bool, reg: v.reg}
	}
	names := make([]string, len(diffs))
	x := make([]ir.Reg, len(diffs))
	for i, eq := range diffs {
		names[i], x[i] = eq.Var, s.syms[eq.Var].reg
	}
	// Check dimensions once, and find out whether exponential Euler applies.
	rates := make([]ir.Reg, len(diffs))
	for i, eq := range diffs {
		v, err := s.lower(eq.Expr)
		if err != nil {
			return nil, err
		}
		want := n.States[i].Dim.Div(units.BaseDim(units.Time))
		if v.bool || !v.dim.Equal(want) {
			return nil, errorf(eq.Expr.Position(), "d%s/dt must be in %s (%s per second), but the right-hand side is %s",
				eq.Var, want, n.States[i].Dim, kindOf(v.bool, v.dim))
		}
		rates[i] = v.reg
	}
	noise, err := noiseKind(b, s, rates, x, names, diffs)
	if err != nil {
		return nil, err
	}
	if noise != deterministic {
		return stochasticStep(b, s, n, spec, noise, diffs, names, x)
	}
	method := integrate.ExponentialEuler
	var slopes []ir.Output
	for i := range diffs {
		if a, _, ok := b.Linear(rates[i], x[i]); ok {
			slopes = append(slopes, ir.Output{Name: names[i], Reg: a})
		} else {
			method = integrate.Euler
		}
	}
	n.Rates = b.Snapshot(slopes...)
	if spec.Method == "exact" || spec.Method == "" {
		sys, why := linearSystem(b, rates, x, names, s.syms[InputTime].reg, s.varying)
		if sys != nil {
			n.Method = "exact"
			return n.exactStep(b, sys, names, x, spec.DT), nil
		}
		if spec.Method == "exact" {
			return nil, &syntax.Error{Pos: at(spec.MethodAt, spec.File, "method"),
				Msg: fmt.Sprintf("exact integration needs linear equations with constant coefficients: %s; use exponential_euler, euler, rk2 or rk4", why)}
		}
	}
	if spec.Method != "" {
		m, err := integrate.ParseMethod(spec.Method)
		if err != nil {
			return nil, &syntax.Error{Pos: at(spec.MethodAt, spec.File, "method"), Msg: err.Error()}
		}
		method = m
	}
	n.Method = method.String()
	return integrate.Step(b, method, names, x, s.syms[InputTime].reg, s.syms["dt"].reg, rhs(s, n, diffs))
}

// rhs returns the right-hand sides of the differential equations as an
// integrate.RHS.
func rhs(s *scope, n *Neuron, diffs []*syntax.Equation) integrate.RHS {
	return func(b *ir.Builder, xs []ir.Reg, t ir.Reg) []ir.Reg {
		// Rebind the states (and t) and lower the right-hand sides again;
		// the builder shares identical instructions, so stage 1 costs nothing.
		saved := map[string]*symbol{}
		for i, eq := range diffs {
			saved[eq.Var] = s.syms[eq.Var]
			s.syms[eq.Var] = &symbol{dim: n.States[i].Dim, reg: xs[i]}
		}
		saved[InputTime] = s.syms[InputTime]
		s.syms[InputTime] = &symbol{dim: units.BaseDim(units.Time), reg: t}
		out := make([]ir.Reg, len(diffs))
		for i, eq := range diffs {
			v, _ := s.lower(eq.Expr) // checked above
			out[i] = v.reg
		}
		for name, sym := range saved {
			s.syms[name] = sym
		}
		return out
	}
}

// condition lowers a threshold-like condition.
func condition(s *scope, src string, pos syntax.Pos, what string) (ir.Reg, error) {
	e, err := syntax.ParseExprAt(src, pos)
	if err != nil {
		return 0, err
	}
	v, err := s.lower(e)
	if err != nil {
		return 0, err
	}
	if !v.bool {
		return 0, errorf(e.Position(), "the %s must be a condition such as \"v > -50*mV\", not a number", what)
	}
	return v.reg, nil
}

// refractoriness reads the refractory period: a duration, returned in
// steps, or a condition (as in Brian2, e.g. "v > -20*mV": a neuron stays
// refractory after a spike while it holds), returned as a register.
func refractoriness(s *scope, spec NeuronSpec) (steps int, cond ir.Reg, isCond bool, err error) {
	pos := at(spec.RefractoryAt, spec.File, "refractory")
	e, err := syntax.ParseExprAt(spec.Refractory, pos)
	if err != nil {
		return 0, 0, false, err
	}
	v, err := s.lower(e)
	if err != nil {
		return 0, 0, false, err
	}
	if v.bool {
		return 0, v.reg, true, nil
	}
	if !v.dim.Equal(units.BaseDim(units.Time)) {
		return 0, 0, false, errorf(pos, "the refractory period must be a duration or a condition, not %s", kindOf(v.bool, v.dim))
	}
	ms, err := constantValue(s.b, v.reg)
	if err != nil {
		return 0, 0, false, errorf(pos, "the refractory period must be a constant duration such as \"2*ms\" (or a condition)")
	}
	n := math.Round(ms / spec.DT)
	if ms < 0 || math.Abs(n*spec.DT-ms) > 1e-6*math.Max(ms, spec.DT) {
		return 0, 0, false, errorf(pos, "the refractory period %g ms is not a whole number of time steps of %g ms", ms, spec.DT)
	}
	return int(n), 0, false, nil
}

// constantValue evaluates a register that depends on no input.
func constantValue(b *ir.Builder, r ir.Reg) (float64, error) {
	if !b.IsConstant(r) {
		return 0, fmt.Errorf("must be a constant")
	}
	p := b.Snapshot(ir.Output{Name: "value", Reg: r})
	inputs := make([][]float32, len(p.Inputs)) // unused by r
	for k := range inputs {
		inputs[k] = []float32{0}
	}
	out := []float32{0}
	if err := ir.NewEvaluator(p).Run(1, inputs, [][]float32{out}, ir.RNG{}); err != nil {
		return 0, err
	}
	return float64(out[0]), nil
}

// reset lowers the reset statements, each applied only where spike holds;
// later statements see the values earlier ones assigned.
func reset(s *scope, spec NeuronSpec, spike ir.Reg, n *Neuron) error {
	if spec.Reset == "" {
		return nil
	}
	stmts, err := syntax.ParseStatementsAt(spec.Reset, at(spec.ResetAt, spec.File, "reset"))
	if err != nil {
		return err
	}
	isState := map[string]bool{}
	for _, v := range n.States {
		isState[v.Name] = true
	}
	b := s.b
	for _, st := range stmts {
		if !isState[st.Var] {
			return errorf(st.Pos, "the reset can only assign state variables (%s is not one)", st.Var)
		}
		sym := s.syms[st.Var]
		v, err := s.lower(st.Expr)
		if err != nil {
			return err
		}
		if v.bool || !v.dim.Equal(sym.dim) && st.Op != "*=" && st.Op != "/=" {
			return errorf(st.Pos, "%s is in %s but the value assigned is %s", st.Var, sym.dim, kindOf(v.bool, v.dim))
		}
		val := v.reg
		switch st.Op {
		case "=":
		case "+=":
			val = b.Op2(ir.OpAdd, sym.reg, v.reg)
		case "-=":
			val = b.Op2(ir.OpSub, sym.reg, v.reg)
		case "*=", "/=":
			if !v.dim.IsDimensionless() {
				return errorf(st.Pos, "%s %s needs a dimensionless factor, not %s", st.Var, st.Op, v.dim)
			}
			op := ir.OpMul
			if st.Op == "/=" {
				op = ir.OpDiv
			}
			val = b.Op2(op, sym.reg, v.reg)
		default:
			return errorf(st.Pos, "the reset does not support %q", st.Op)
		}
		s.syms[st.Var] = &symbol{dim: sym.dim, reg: b.Select(spike, val, sym.reg)}
	}
	return nil
}
