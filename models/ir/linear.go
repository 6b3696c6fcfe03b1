package ir

// DependsOn reports whether register r depends on register x. Operands
// come before the instructions that use them, so one pass from x over the
// code answers for every register; the pass is kept, and extended as the
// code grows, so that the questions of Linear on a long expression cost
// linear time in all.
func (b *Builder) DependsOn(r, x Reg) bool {
	if r < x {
		return false
	}
	if b.deps == nil {
		b.deps = map[Reg][]bool{}
	}
	d := b.deps[x]
	if d == nil {
		d = []bool{true} // d[k]: register x+k depends on x
	}
	for k := Reg(len(d)) + x; int(k) < len(b.p.Code); k++ {
		in := b.p.Code[k]
		v := false
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			if a >= x && d[a-x] {
				v = true
				break
			}
		}
		d = append(d, v)
	}
	b.deps[x] = d
	return d[r-x]
}

// Linear splits f into a·x + c with a and c independent of x, emitting a
// and c. It reports false when f is not linear in x (x under a function, a
// product or quotient of two x-dependent terms, a condition on x). This is
// the analysis behind exponential Euler and exact integration.
func (b *Builder) Linear(f, x Reg) (a, c Reg, ok bool) {
	if !b.DependsOn(f, x) {
		return b.Const(0), f, true
	}
	if f == x {
		return b.Const(1), b.Const(0), true
	}
	in := b.p.Code[f]
	switch in.Op {
	case OpNeg:
		if a, c, ok = b.Linear(in.A, x); ok {
			return b.neg(a), b.neg(c), true
		}
	case OpAdd, OpSub:
		a1, c1, ok1 := b.Linear(in.A, x)
		a2, c2, ok2 := b.Linear(in.B, x)
		if ok1 && ok2 {
			if in.Op == OpSub {
				a2, c2 = b.neg(a2), b.neg(c2)
			}
			return b.add(a1, a2), b.add(c1, c2), true
		}
	case OpMul:
		u, v := in.A, in.B
		if b.DependsOn(u, x) {
			u, v = v, u
		}
		if !b.DependsOn(u, x) {
			if a, c, ok = b.Linear(v, x); ok {
				return b.mul(u, a), b.mul(u, c), true
			}
		}
	case OpDiv:
		if !b.DependsOn(in.B, x) {
			if a, c, ok = b.Linear(in.A, x); ok {
				return b.div(a, in.B), b.div(c, in.B), true
			}
		}
	case OpSelect:
		if !b.DependsOn(in.A, x) {
			a1, c1, ok1 := b.Linear(in.B, x)
			a2, c2, ok2 := b.Linear(in.C, x)
			if ok1 && ok2 {
				return b.Select(in.A, a1, a2), b.Select(in.A, c1, c2), true
			}
		}
	}
	return 0, 0, false
}

// IsConst reports whether r is the constant k.
func (b *Builder) IsConst(r Reg, k float32) bool {
	in := b.p.Code[r]
	return in.Op == OpConst && in.K == k
}

// add, neg, mul and div emit the op but skip additions of 0 and products
// with 1 (and products with 0, which Linear only produces for coefficients
// known to be zero), so that analysed code stays as short as written code.
func (b *Builder) add(x, y Reg) Reg {
	switch {
	case b.IsConst(x, 0):
		return y
	case b.IsConst(y, 0):
		return x
	}
	return b.Op2(OpAdd, x, y)
}

func (b *Builder) neg(x Reg) Reg {
	if b.IsConst(x, 0) {
		return x
	}
	return b.Op1(OpNeg, x)
}

func (b *Builder) mul(x, y Reg) Reg {
	switch {
	case b.IsConst(x, 0) || b.IsConst(y, 0):
		return b.Const(0)
	case b.IsConst(x, 1):
		return y
	case b.IsConst(y, 1):
		return x
	}
	return b.Op2(OpMul, x, y)
}

func (b *Builder) div(x, y Reg) Reg {
	if b.IsConst(x, 0) {
		return x
	}
	return b.Op2(OpDiv, x, y)
}
