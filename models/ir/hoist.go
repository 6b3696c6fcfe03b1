package ir

import "fmt"

// Hoist moves the work that depends only on fixed inputs (parameters that
// do not change during a run) out of a program. It returns the program
// with each hoisted value replaced by a new input, and a program that
// computes those inputs from the fixed ones; the host evaluates it once
// (EvalFloat64) instead of every element doing it every step. Values that
// depend on no input at all stay, as constants, and so do booleans. Like
// every input, a hoisted value is flushed when read, so a -0 enters as +0.
func Hoist(p *Program, fixed func(input string) bool, prefix string) (step, derive *Program) {
	isFixed := make([]bool, len(p.Code))
	usesInput := make([]bool, len(p.Code))
	for r, in := range p.Code {
		switch in.Op {
		case OpInput:
			isFixed[r], usesInput[r] = fixed(p.Inputs[in.N]), true
			continue
		case OpRand, OpRandn:
			continue
		}
		// Booleans stay in the step (inputs are numbers); their operands
		// may be hoisted.
		isFixed[r] = in.Op.result() == Float
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			isFixed[r] = isFixed[r] && isFixed[a]
			usesInput[r] = usesInput[r] || usesInput[a]
		}
	}
	// Hoist the fixed values that something not fixed uses, or that are
	// outputs; inputs themselves need no hoisting.
	hoisted := make([]bool, len(p.Code))
	mark := func(r Reg) {
		if isFixed[r] && usesInput[r] && p.Code[r].Op != OpInput {
			hoisted[r] = true
		}
	}
	for r, in := range p.Code {
		if !isFixed[r] {
			for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
				mark(a)
			}
		}
	}
	for _, o := range p.Outputs {
		mark(o.Reg)
	}
	db := NewBuilder()
	sb := NewBuilder()
	for _, name := range p.Inputs { // keep the input order
		sb.Input(name)
	}
	dreg := make([]Reg, len(p.Code))
	sreg := make([]Reg, len(p.Code))
	for r, in := range p.Code {
		if isFixed[r] {
			dreg[r] = copyInstr(db, p, in, dreg)
		}
		if hoisted[r] {
			name := fmt.Sprintf("%s%d", prefix, len(db.p.Outputs))
			db.Output(name, dreg[r])
			sreg[r] = sb.Input(name)
			continue
		}
		if !isFixed[r] || !usesInput[r] || in.Op == OpInput {
			sreg[r] = copyInstr(sb, p, in, sreg)
		}
	}
	for _, o := range p.Outputs {
		sb.Output(o.Name, sreg[o.Reg])
	}
	return sb.Program(), db.Program()
}

// copyInstr emits instruction in of p into b, with operands renamed by reg.
func copyInstr(b *Builder, p *Program, in Instr, reg []Reg) Reg {
	switch in.Op {
	case OpInput:
		return b.Input(p.Inputs[in.N])
	case OpConst:
		return b.emit(Instr{Op: OpConst, K: in.K})
	case OpRand, OpRandn:
		b.p.Draws = max(b.p.Draws, int(in.K)+1)
		return b.emit(Instr{Op: in.Op, K: in.K})
	}
	out := Instr{Op: in.Op}
	ops := []*Reg{&out.A, &out.B, &out.C}
	for k, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
		*ops[k] = reg[a]
	}
	return b.emit(out)
}
