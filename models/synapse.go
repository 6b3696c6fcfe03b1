package models

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spikevk/spikevk/models/integrate"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// SynapseSpec is a synapse model as a user writes it for Brian2's Synapses:
// per-synapse parameters and event-driven traces, and the statements run on
// a presynaptic and a postsynaptic spike.
type SynapseSpec struct {
	File   string
	Model  string // e.g. "w : siemens" or STDP traces "dapre/dt = -apre/taupre : 1 (event-driven)"
	OnPre  string // e.g. "g_e_post += w"
	OnPost string
	Pre    *Neuron // the neuron models at each end, for _pre and _post names
	Post   *Neuron
	DT     float64 // time step in ms (for clock-driven and summed variables)

	// Where each text starts in File, for error positions; the zero Pos
	// means line 1, column 1 of a text of its own.
	ModelAt, OnPreAt, OnPostAt syntax.Pos
}

// Synapse is a compiled synapse model.
type Synapse struct {
	Vars   []Var    // per-synapse variables (parameters, event- and clock-driven states)
	OnPre  *Pathway // nil without on_pre code
	OnPost *Pathway // nil without on_post code
	// Step integrates the clock-driven variables and computes the terms of
	// the summed variables every time step; nil if there are none.
	Step *ir.Program
}

// Hash identifies the compiled synapse model.
func (syn *Synapse) Hash() string {
	var h []string
	for _, p := range []*Pathway{syn.OnPre, syn.OnPost} {
		if p != nil {
			h = append(h, p.Program.Hash())
		}
	}
	if syn.Step != nil {
		h = append(h, syn.Step.Hash())
	}
	return strings.Join(h, "+")
}

// Pathway is the code run for each synapse of a spiking neuron. Its
// program's inputs are the synapse's variables, InputLastUpdate, InputTime,
// and neuron variables named with _pre and _post; its outputs are the new
// values of the synapse variables, InputLastUpdate, and one increment per
// entry of Effects, named by the target with "+=" appended: the runtime
// adds these increments to the target neurons (in fixed point, so that
// simultaneous spikes sum the same on every backend).
type Pathway struct {
	Program *ir.Program
	Effects []Effect
}

// Effect is a neuron variable that a pathway increments.
type Effect struct {
	Side string // "post" or "pre"
	Var  string
	Dim  units.Dim
}

// InputLastUpdate is the time (ms) at which a synapse's event-driven
// variables were last brought up to date.
const InputLastUpdate = "lastupdate"

// CompileSynapse checks spec and builds its pathways.
func CompileSynapse(spec SynapseSpec) (*Synapse, error) {
	eqs, err := syntax.ParseEquationsAt(spec.Model, at(spec.ModelAt, spec.File, "model"))
	if err != nil {
		return nil, err
	}
	syn := &Synapse{}
	var eventDriven, clockDriven, summed, subexprs []*syntax.Equation
	for _, eq := range eqs.Eqs {
		v, err := declare(eq)
		if err != nil {
			return nil, err
		}
		if (strings.HasSuffix(eq.Var, "_pre") || strings.HasSuffix(eq.Var, "_post")) && !eq.HasFlag("summed") {
			return nil, errorf(eq.Pos, "%s: a name ending in _pre or _post means a neuron variable; name the synapse variable otherwise (e.g. %s)",
				eq.Var, strings.NewReplacer("_pre", "pre", "_post", "post").Replace(eq.Var))
		}
		switch {
		case eq.Kind == syntax.Parameter:
		case eq.Kind == syntax.Differential && eq.HasFlag("event-driven"):
			eventDriven = append(eventDriven, eq)
		case eq.Kind == syntax.Differential && eq.HasFlag("clock-driven"):
			clockDriven = append(clockDriven, eq)
		case eq.Kind == syntax.Differential:
			return nil, errorf(eq.Pos, "d%s/dt: a synaptic equation must be (clock-driven) or (event-driven)", eq.Var)
		case eq.HasFlag("summed"):
			summed = append(summed, eq)
			continue
		default:
			subexprs = append(subexprs, eq)
			continue
		}
		syn.Vars = append(syn.Vars, v)
	}
	if len(clockDriven)+len(summed) > 0 {
		step, err := compileSynapseStep(spec, syn, clockDriven, summed, subexprs)
		if err != nil {
			return nil, err
		}
		syn.Step = step
	}
	for _, code := range []struct {
		src  string
		side string
		dst  **Pathway
	}{{spec.OnPre, "post", &syn.OnPre}, {spec.OnPost, "pre", &syn.OnPost}} {
		if strings.TrimSpace(code.src) == "" {
			continue
		}
		p, err := compilePathway(spec, syn, eventDriven, subexprs, code.src, code.side)
		if err != nil {
			return nil, err
		}
		*code.dst = p
	}
	return syn, nil
}

// compilePathway lowers on_pre (target side "post") or on_post (target
// side "pre") code.
func compilePathway(spec SynapseSpec, syn *Synapse, eventDriven, subexprs []*syntax.Equation, src, target string) (*Pathway, error) {
	what, pos := "on_pre", spec.OnPreAt
	if target == "pre" {
		what, pos = "on_post", spec.OnPostAt
	}
	stmts, err := syntax.ParseStatementsAt(src, at(pos, spec.File, what))
	if err != nil {
		return nil, err
	}
	b, s := synapseScope(spec, syn, subexprs)
	t := s.syms[InputTime].reg
	// Bring the event-driven variables from lastupdate to t: each must be
	// linear in itself with coefficients free of other variables, and is
	// advanced exactly: x ← x + (a·x + c)·Δt·exprel(a·Δt).
	last := b.Input(InputLastUpdate)
	elapsed := b.Op2(ir.OpSub, t, last)
	advanced := map[string]ir.Reg{}
	for _, eq := range eventDriven {
		v, err := s.lower(eq.Expr)
		if err != nil {
			return nil, err
		}
		x := s.syms[eq.Var]
		if want := x.dim.Div(units.BaseDim(units.Time)); v.bool || !v.dim.Equal(want) {
			return nil, errorf(eq.Expr.Position(), "d%s/dt must be in %s, but the right-hand side is %s", eq.Var, want, kindOf(v.bool, v.dim))
		}
		a, _, ok := b.Linear(v.reg, x.reg)
		if !ok || dependsOnState(b, a, s, eventDriven) {
			return nil, errorf(eq.Expr.Position(), "event-driven d%s/dt must be linear in %s with constant coefficients", eq.Var, eq.Var)
		}
		step := b.Op2(ir.OpMul, v.reg, b.Op2(ir.OpMul, elapsed, b.Exprel(b.Op2(ir.OpMul, a, elapsed))))
		advanced[eq.Var] = b.Op2(ir.OpAdd, x.reg, step)
	}
	for name, r := range advanced {
		s.syms[name] = &symbol{dim: s.syms[name].dim, reg: r}
	}
	effects := map[string]ir.Reg{}
	p := &Pathway{}
	isSynVar := map[string]bool{}
	for _, v := range syn.Vars {
		isSynVar[v.Name] = true
	}
	for _, st := range stmts {
		name := st.Var
		if !isSynVar[name] && !strings.HasSuffix(name, "_pre") && !strings.HasSuffix(name, "_post") {
			name += "_post" // Brian: an unsuffixed neuron variable is the postsynaptic one
		}
		sym, ok := s.syms[name]
		if !ok {
			return nil, errorf(st.Pos, "%s is neither a synapse variable nor a variable of the neurons", st.Var)
		}
		v, err := s.lower(st.Expr)
		if err != nil {
			return nil, err
		}
		if v.bool || !v.dim.Equal(sym.dim) && st.Op != "*=" && st.Op != "/=" {
			return nil, errorf(st.Pos, "%s is in %s but the value is %s", st.Var, sym.dim, kindOf(v.bool, v.dim))
		}
		if isSynVar[name] {
			val, err := assign(b, st, sym.reg, v)
			if err != nil {
				return nil, err
			}
			s.syms[name] = &symbol{dim: sym.dim, reg: val}
			continue
		}
		side := name[strings.LastIndex(name, "_")+1:]
		if side != target || st.Op != "+=" && st.Op != "-=" {
			return nil, errorf(st.Pos, "%s may only change %s-synaptic variables, and only with += or -=, so that simultaneous spikes add up the same on every device", what, target)
		}
		inc := v.reg
		if st.Op == "-=" {
			inc = b.Op1(ir.OpNeg, inc)
		}
		if prev, ok := effects[name]; ok {
			inc = b.Op2(ir.OpAdd, prev, inc)
		} else {
			base := strings.TrimSuffix(name, "_"+side)
			p.Effects = append(p.Effects, Effect{Side: side, Var: base, Dim: sym.dim})
		}
		effects[name] = inc
	}
	for _, v := range syn.Vars {
		b.Output(v.Name, s.syms[v.Name].reg)
	}
	b.Output(InputLastUpdate, t)
	for _, e := range p.Effects {
		b.Output(e.Var+"_"+e.Side+"+=", effects[e.Var+"_"+e.Side])
	}
	p.Program = b.Program()
	return p, nil
}

// synapseScope starts a program that sees the time, the synapse's
// variables and subexpressions, and the neurons' variables as name_pre and
// name_post.
func synapseScope(spec SynapseSpec, syn *Synapse, subexprs []*syntax.Equation) (*ir.Builder, *scope) {
	b := ir.NewBuilder()
	s := newScope(b)
	s.dt = spec.DT
	s.syms[InputTime] = &symbol{dim: units.BaseDim(units.Time), reg: b.Input(InputTime)}
	for _, v := range syn.Vars {
		s.syms[v.Name] = &symbol{dim: v.Dim, bool: v.Bool, reg: b.Input(v.Name)}
	}
	sides := map[string]*Neuron{"pre": spec.Pre, "post": spec.Post}
	for _, side := range []string{"pre", "post"} {
		if n := sides[side]; n != nil {
			for _, v := range append(append([]Var{}, n.States...), n.Params...) {
				s.syms[v.Name+"_"+side] = &symbol{dim: v.Dim, bool: v.Bool, reg: b.Input(v.Name + "_" + side)}
			}
			neuronSubexpressions(s, n, side)
		}
	}
	for _, eq := range subexprs {
		v, _ := declare(eq) // checked by the caller
		s.syms[eq.Var] = &symbol{dim: v.Dim, bool: v.Bool, expr: eq.Expr}
	}
	return b, s
}

// neuronSubexpressions makes the subexpressions of neuron n usable as
// name_side (r_pre of a rate unit), as in Brian2: each is its expression
// with the neuron's names read on that side, lowered where it is used.
func neuronSubexpressions(s *scope, n *Neuron, side string) {
	if len(n.Subexpressions) == 0 {
		return
	}
	eqs, err := syntax.ParseEquations(n.spec.Equations, n.spec.File)
	if err != nil {
		return // the neuron compiled, so it parses
	}
	names := map[string]bool{}
	for _, vs := range [][]Var{n.States, n.Params, n.Subexpressions} {
		for _, v := range vs {
			names[v.Name] = true
		}
	}
	for _, eq := range eqs.Eqs {
		if eq.Kind != syntax.Subexpression || s.syms[eq.Var+"_"+side] != nil {
			continue
		}
		v, err := declare(eq)
		if err != nil {
			continue
		}
		s.syms[eq.Var+"_"+side] = &symbol{dim: v.Dim, bool: v.Bool, expr: onSide(eq.Expr, names, side)}
	}
}

// onSide returns e with the names of a neuron renamed name_side (and its
// index i the synapse's j on the post side).
func onSide(e syntax.Expr, names map[string]bool, side string) syntax.Expr {
	switch x := e.(type) {
	case *syntax.Ident:
		switch {
		case names[x.Name]:
			return &syntax.Ident{Name: x.Name + "_" + side, Pos: x.Pos}
		case x.Name == InputIndex && side == "post": // the neuron's own index is j on the post side
			return &syntax.Ident{Name: "j", Pos: x.Pos}
		}
	case *syntax.Unary:
		return &syntax.Unary{Op: x.Op, X: onSide(x.X, names, side), Pos: x.Pos}
	case *syntax.Binary:
		return &syntax.Binary{Op: x.Op, X: onSide(x.X, names, side), Y: onSide(x.Y, names, side), Pos: x.Pos}
	case *syntax.Call:
		args := make([]syntax.Expr, len(x.Args))
		for k, a := range x.Args {
			args[k] = onSide(a, names, side)
		}
		return &syntax.Call{Func: x.Func, Args: args, Pos: x.Pos}
	}
	return e
}

// compileSynapseStep builds the per-step program of clock-driven
// variables and summed variables. Its outputs are the clock-driven
// variables' new values and, for each summed variable x_post (or x_pre),
// an output "x_post=Σ" with this synapse's term: the runtime sets the
// neuron variable to the sum of the terms of its synapses every step.
func compileSynapseStep(spec SynapseSpec, syn *Synapse, clockDriven, summed, subexprs []*syntax.Equation) (*ir.Program, error) {
	if !(spec.DT > 0) {
		return nil, fmt.Errorf("models: synapse model %s: clock-driven and summed variables need the time step DT", spec.File)
	}
	b, s := synapseScope(spec, syn, subexprs)
	s.syms["dt"] = &symbol{dim: units.BaseDim(units.Time), reg: b.Const(spec.DT)}
	names := make([]string, len(clockDriven))
	x := make([]ir.Reg, len(clockDriven))
	method := integrate.ExponentialEuler
	for i, eq := range clockDriven {
		names[i], x[i] = eq.Var, s.syms[eq.Var].reg
	}
	states := make([]Var, len(clockDriven))
	for i, eq := range clockDriven {
		states[i], _ = declare(eq)
		v, err := s.lower(eq.Expr)
		if err != nil {
			return nil, err
		}
		if want := states[i].Dim.Div(units.BaseDim(units.Time)); v.bool || !v.dim.Equal(want) {
			return nil, errorf(eq.Expr.Position(), "d%s/dt must be in %s, but the right-hand side is %s", eq.Var, want, kindOf(v.bool, v.dim))
		}
		if _, _, ok := b.Linear(v.reg, x[i]); !ok {
			method = integrate.Euler
		}
	}
	// Summed terms use the values at the start of the step.
	var outs []ir.Output
	for _, eq := range summed {
		v, _ := declare(eq)
		side := eq.Var[strings.LastIndex(eq.Var, "_")+1:]
		target, ok := s.syms[eq.Var]
		neuron := map[string]*Neuron{"pre": spec.Pre, "post": spec.Post}[side]
		if !ok || neuron == nil || !neuron.usesParam(strings.TrimSuffix(eq.Var, "_"+side)) {
			return nil, errorf(eq.Pos, "summed variable %s must name a parameter of the pre- or postsynaptic neurons, such as I_gap_post", eq.Var)
		}
		if !target.dim.Equal(v.Dim) {
			return nil, errorf(eq.UnitPos, "%s is in %s in the neuron model, not %s", eq.Var, target.dim, v.Dim)
		}
		term, err := s.lower(eq.Expr)
		if err != nil {
			return nil, err
		}
		if term.bool || !term.dim.Equal(v.Dim) {
			return nil, errorf(eq.Expr.Position(), "%s is in %s but its expression is %s", eq.Var, v.Dim, kindOf(term.bool, term.dim))
		}
		outs = append(outs, ir.Output{Name: eq.Var + "=Σ", Reg: term.reg})
	}
	n := &Neuron{States: states}
	next, err := integrate.Step(b, method, names, x, s.syms[InputTime].reg, s.syms["dt"].reg, rhs(s, n, clockDriven))
	if err != nil {
		return nil, err
	}
	for i, name := range names {
		b.Output(name, next[i])
	}
	for _, o := range outs {
		b.Output(o.Name, o.Reg)
	}
	return b.Program(), nil
}

// assign applies one statement to a register.
func assign(b *ir.Builder, st syntax.Stmt, old ir.Reg, v value) (ir.Reg, error) {
	switch st.Op {
	case "=":
		return v.reg, nil
	case "+=":
		return b.Op2(ir.OpAdd, old, v.reg), nil
	case "-=":
		return b.Op2(ir.OpSub, old, v.reg), nil
	case "*=", "/=":
		if !v.dim.IsDimensionless() {
			return 0, errorf(st.Pos, "%s %s needs a dimensionless factor, not %s", st.Var, st.Op, v.dim)
		}
		op := ir.OpMul
		if st.Op == "/=" {
			op = ir.OpDiv
		}
		return b.Op2(op, old, v.reg), nil
	}
	return 0, errorf(st.Pos, "%q is not supported here", st.Op)
}

// dependsOnState reports whether r depends on an event-driven variable or
// on a neuron variable of either side; synapse parameters are allowed.
func dependsOnState(b *ir.Builder, r ir.Reg, s *scope, eventDriven []*syntax.Equation) bool {
	var names []string
	for _, eq := range eventDriven {
		names = append(names, eq.Var)
	}
	for name := range s.syms {
		if strings.HasSuffix(name, "_pre") || strings.HasSuffix(name, "_post") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if b.DependsOn(r, s.syms[name].reg) {
			return true
		}
	}
	return false
}

// String describes a pathway's effects, for messages.
func (e Effect) String() string { return fmt.Sprintf("%s_%s (%s)", e.Var, e.Side, e.Dim) }
