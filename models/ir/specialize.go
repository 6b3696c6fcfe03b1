package ir

import "math"

// Specialize returns p with each input named in consts replaced by that
// constant, flushed as inputs are, and every instruction whose operands are
// all constants folded into a constant, computed by the code the Evaluator
// runs, so that the result is bit for bit the same for every element. The
// CPU backend uses it for parameters that hold one value for all elements.
//
// Inputs, output names and Draws stay as they are (a constant input stays
// in Inputs, unread, and an output that became constant reads a constant
// register). Booleans have no constant instruction: a constant condition
// picks a Select's operand, simplifies an And, Or or Not (boolean registers
// hold exactly 1 or 0), and becomes a constant 1 or 0 where it is an output.
// Constants keep their bits: a -0 or a NaN computed from constants stays
// as it is.
func Specialize(p *Program, consts map[string]float32) *Program {
	b := NewBuilder()
	constReg := map[uint32]Reg{} // by the constant's bits: the Builder would share -0 with +0
	constant := func(k float32) Reg {
		r, ok := constReg[math.Float32bits(k)]
		if !ok {
			r = Reg(len(b.p.Code))
			b.p.Code = append(b.p.Code, Instr{Op: OpConst, K: k})
			constReg[math.Float32bits(k)] = r
		}
		return r
	}
	for _, name := range p.Inputs { // keep the input order
		b.Input(name)
	}
	reg := make([]Reg, len(p.Code))
	known := make([]bool, len(p.Code)) // the value is val, the same for every element
	val := make([]float32, len(p.Code))
	for r, in := range p.Code {
		switch {
		case in.Op == OpInput:
			k, ok := consts[p.Inputs[in.N]]
			known[r], val[r] = ok, flush(k)
			reg[r] = b.Input(p.Inputs[in.N])
		case in.Op == OpConst:
			known[r], val[r] = true, in.K
		case in.Op == OpRand || in.Op == OpRandn:
			reg[r] = b.emit(Instr{Op: in.Op, K: in.K})
		case allKnown(in, known):
			known[r], val[r] = true, fold(in, val)
		default:
			known[r], val[r], reg[r] = b.partial(in, known, val, reg)
		}
		if known[r] && in.Op.result() == Float {
			reg[r] = constant(val[r])
		}
	}
	for _, o := range p.Outputs {
		r := reg[o.Reg]
		if known[o.Reg] && p.Type(o.Reg) == Bool {
			r = constant(val[o.Reg])
		}
		b.Output(o.Name, r)
	}
	b.p.Draws = p.Draws
	return b.Program()
}

// allKnown reports whether every operand of in is known.
func allKnown(in Instr, known []bool) bool {
	for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
		if !known[a] {
			return false
		}
	}
	return true
}

// partial emits in, some operands of which may be known, and returns
// whether its result is known, that value, and otherwise its register.
// Only a known boolean operand needs care, since it has no register.
func (b *Builder) partial(in Instr, known []bool, val []float32, reg []Reg) (bool, float32, Reg) {
	switch in.Op {
	case OpSelect:
		if known[in.A] {
			x := in.C
			if val[in.A] != 0 {
				x = in.B
			}
			return known[x], val[x], reg[x]
		}
	case OpAnd, OpOr:
		x, y := in.A, in.B
		if known[x] {
			x, y = y, x
		}
		if known[y] {
			// x and 1 = x, x and 0 = 0; x or 0 = x, x or 1 = 1.
			if (val[y] != 0) == (in.Op == OpAnd) {
				return false, 0, reg[x]
			}
			return true, val[y], 0
		}
	}
	in.A, in.B, in.C = reg[in.A], reg[in.B], reg[in.C]
	return false, 0, b.emit(in)
}

// fold computes an instruction with known operands as the Evaluator does.
func fold(in Instr, val []float32) float32 {
	var dst, a, b, c block
	fill(&a, val[in.A])
	fill(&b, val[in.B])
	fill(&c, val[in.C])
	compute(in.Op, &dst, &a, &b, &c)
	return dst[0]
}
