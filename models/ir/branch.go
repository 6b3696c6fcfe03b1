package ir

// An Evaluator computes both sides of every select, as the GPU does, but
// where a select's condition is the same for every element of a block it
// skips the instructions that only the other side needs: the exact
// exponential of exponential Euler where every neuron takes the series of
// exprel, the whole update of a block of refractory neurons. Skipped
// results are never read, so skipping changes no bit.

// guard makes an instruction skippable: only side side (true: the value a
// select takes where its condition holds) of select sel needs it.
type guard struct {
	sel  int // index of the select in Evaluator.conds
	side bool
}

// Uniformity of a select's condition over a block.
const (
	unknown uint8 = iota
	allTrue
	allFalse
	mixed
)

// minSkipped is the least cost of the instructions a select's side needs
// alone for the Evaluator to test its condition: the test reads the
// condition once, as about two instructions do.
const minSkipped = 4

// cost is the weight of an instruction in minSkipped: the transcendental
// functions and division cost several simple ones.
func cost(op Op) int {
	switch op {
	case OpExp, OpLog, OpPow, OpDiv, OpTanh, OpSin, OpCos, OpSqrt, OpRand, OpRandn:
		return 4
	}
	return 1
}

// schedule returns the order in which an Evaluator runs the live
// instructions of p but constants: operands before the instructions that
// read them, and a select's condition before everything only its sides
// need, so that the condition is known when they are reached (a
// depth-first walk from the outputs that visits a select's condition
// first).
func schedule(p *Program, live []bool) []Reg {
	var order []Reg
	seen := make([]bool, len(p.Code))
	var visit func(r Reg)
	visit = func(r Reg) {
		if seen[r] {
			return
		}
		seen[r] = true
		in := p.Code[r]
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			visit(a)
		}
		if in.Op != OpConst && live[r] {
			order = append(order, r)
		}
	}
	for _, o := range p.Outputs {
		visit(o.Reg)
	}
	return order
}

// guards returns the guards of each instruction of p and the selects they
// name (the registers of their conditions, by guard.sel).
func guards(p *Program, live []bool) (gs [][]guard, conds []Reg) {
	users := make([][]Reg, len(p.Code))
	external := make([]bool, len(p.Code)) // an output
	for _, o := range p.Outputs {
		external[o.Reg] = true
	}
	for r, in := range p.Code {
		if !live[r] {
			continue
		}
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			users[a] = append(users[a], Reg(r))
		}
	}
	gs = make([][]guard, len(p.Code))
	mine := make([]bool, len(p.Code))
	for s, in := range p.Code {
		if in.Op != OpSelect || !live[s] {
			continue
		}
		sel := -1
		for _, side := range []bool{true, false} {
			o := in.C
			if side {
				o = in.B
			}
			set := alone(p, Reg(s), o, users, external, mine)
			total := 0
			for _, r := range set {
				total += cost(p.Code[r].Op)
			}
			if total < minSkipped {
				continue
			}
			if sel < 0 {
				sel = len(conds)
				conds = append(conds, in.A)
			}
			for _, r := range set {
				gs[r] = append(gs[r], guard{sel, side})
			}
		}
	}
	return gs, conds
}

// alone returns the instructions that only operand o of select s needs:
// o, when s alone reads it and only as o, and every instruction below it
// that only those read. mine is scratch, all false on return.
func alone(p *Program, s, o Reg, users [][]Reg, external, mine []bool) []Reg {
	in := p.Code[s]
	if p.Code[o].Op == OpConst || external[o] || o == in.A || o == in.B && o == in.C {
		return nil
	}
	for _, u := range users[o] {
		if u != s {
			return nil
		}
	}
	set := []Reg{o}
	mine[o] = true
	for r := int(o) - 1; r >= 0; r-- {
		if p.Code[r].Op == OpConst || external[r] || len(users[r]) == 0 {
			continue
		}
		only := true
		for _, u := range users[r] {
			only = only && mine[u]
		}
		if only {
			mine[r] = true
			set = append(set, Reg(r))
		}
	}
	for _, r := range set {
		mine[r] = false
	}
	return set
}

// skip reports whether the guards of an instruction let the Evaluator
// skip it in the block of m elements being run.
func (e *Evaluator) skip(gs []guard, m int) bool {
	for _, g := range gs {
		u := e.state[g.sel]
		if u == unknown {
			u = uniformity(e.conds[g.sel][:m])
			e.state[g.sel] = u
		}
		if u == allFalse && g.side || u == allTrue && !g.side {
			return true
		}
	}
	return false
}

// uniformity says whether the booleans c (at least one) are all true,
// all false or mixed, with the vector loop (eval_simd.go) for as many as
// it takes; it stops at the first that differs from the others.
func uniformity(c []float32) uint8 {
	n, u := vectorUniformity(c)
	for _, x := range c[n:] {
		v := allFalse
		if x != 0 {
			v = allTrue
		}
		switch {
		case u == unknown:
			u = v
		case u != v:
			return mixed
		}
	}
	return u
}
