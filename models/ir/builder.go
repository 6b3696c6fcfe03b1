package ir

import (
	"fmt"
	"math"
)

// Builder assembles a Program. Identical instructions are emitted once.
// Type errors (a boolean where a number is needed, a register from another
// builder) are programmer errors and panic; the model compiler checks
// user input before it builds.
type Builder struct {
	p      Program
	seen   map[Instr]Reg
	inputs map[string]Reg
	outs   map[string]bool
	deps   map[Reg][]bool // DependsOn's answers for x, by register
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{seen: map[Instr]Reg{}, inputs: map[string]Reg{}, outs: map[string]bool{}}
}

func (b *Builder) emit(in Instr) Reg {
	for k, r := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
		if r < 0 || int(r) >= len(b.p.Code) {
			panic(fmt.Sprintf("ir: %s operand %d: register r%d does not exist", in.Op, k, r))
		}
		if got, want := b.p.Code[r].Op.result(), in.Op.operand(k); got != want {
			panic(fmt.Sprintf("ir: %s operand %d: r%d has the wrong type", in.Op, k, r))
		}
	}
	if r, ok := b.seen[in]; ok {
		return r
	}
	r := Reg(len(b.p.Code))
	b.p.Code = append(b.p.Code, in)
	b.seen[in] = r
	return r
}

// Input returns the register holding the named input.
func (b *Builder) Input(name string) Reg {
	if r, ok := b.inputs[name]; ok {
		return r
	}
	b.p.Inputs = append(b.p.Inputs, name)
	r := b.emit(Instr{Op: OpInput, N: int32(len(b.p.Inputs) - 1)})
	b.inputs[name] = r
	return r
}

// Const returns a register holding k rounded to float32 (and flushed to +0
// below the smallest normal).
func (b *Builder) Const(k float64) Reg {
	v := flush(float32(k))
	if v != v {
		v = float32(math.NaN()) // one NaN, so that all NaN constants are shared
	}
	return b.emit(Instr{Op: OpConst, K: v})
}

// Op1 applies a one-operand op.
func (b *Builder) Op1(op Op, a Reg) Reg { return b.check(op, 1, Instr{Op: op, A: a}) }

// Op2 applies a two-operand op.
func (b *Builder) Op2(op Op, a, c Reg) Reg { return b.check(op, 2, Instr{Op: op, A: a, B: c}) }

// Select returns cond ? a : c.
func (b *Builder) Select(cond, a, c Reg) Reg {
	return b.check(OpSelect, 3, Instr{Op: OpSelect, A: cond, B: a, C: c})
}

// Rand returns a new uniform deviate in [0, 1), different for each call.
func (b *Builder) Rand() Reg { return b.draw(OpRand) }

// Randn returns a new standard normal deviate, different for each call.
func (b *Builder) Randn() Reg { return b.draw(OpRandn) }

func (b *Builder) draw(op Op) Reg {
	b.p.Draws++
	return b.emit(Instr{Op: op, K: float32(b.p.Draws - 1)})
}

func (b *Builder) check(op Op, n int, in Instr) Reg {
	if op >= numOps || op.arity() != n || op == OpSelect && n != 3 {
		panic(fmt.Sprintf("ir: %s does not take %d operands", op, n))
	}
	return b.emit(in)
}

// Output names register r as a result; a boolean result (a threshold
// condition) is written as 1 or 0. Each name may be given once.
func (b *Builder) Output(name string, r Reg) {
	if b.outs[name] {
		panic(fmt.Sprintf("ir: output %q given twice", name))
	}
	b.outs[name] = true
	b.p.Outputs = append(b.p.Outputs, Output{Name: name, Reg: r})
}

// Program returns the program built so far, with the instructions no
// output depends on removed.
func (b *Builder) Program() *Program {
	return prune(&b.p)
}

// prune drops dead instructions and renumbers registers. Inputs are kept,
// even if unused, so that the input list stays as declared.
func prune(p *Program) *Program {
	live := make([]bool, len(p.Code))
	for _, o := range p.Outputs {
		live[o.Reg] = true
	}
	for r := len(p.Code) - 1; r >= 0; r-- {
		in := p.Code[r]
		if in.Op == OpInput {
			live[r] = true
		}
		if !live[r] {
			continue
		}
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			live[a] = true
		}
	}
	out := &Program{Inputs: append([]string(nil), p.Inputs...), Draws: p.Draws}
	newReg := make([]Reg, len(p.Code))
	for r, in := range p.Code {
		if !live[r] {
			continue
		}
		in.A, in.B, in.C = newReg[in.A], newReg[in.B], newReg[in.C]
		newReg[r] = Reg(len(out.Code))
		out.Code = append(out.Code, in)
	}
	for _, o := range p.Outputs {
		out.Outputs = append(out.Outputs, Output{Name: o.Name, Reg: newReg[o.Reg]})
	}
	return out
}

// Snapshot returns a program computing the given outputs from the
// instructions built so far, leaving the builder's own outputs alone.
func (b *Builder) Snapshot(outputs ...Output) *Program {
	p := Program{Code: b.p.Code, Inputs: b.p.Inputs, Outputs: outputs, Draws: b.p.Draws}
	return prune(&p)
}

// IsConstant reports whether register r depends on no input and no random
// draw.
func (b *Builder) IsConstant(r Reg) bool {
	for _, in := range b.p.Code {
		if in.Op == OpInput || in.Op == OpRand || in.Op == OpRandn {
			if x := b.emit(in); b.DependsOn(r, x) {
				return false
			}
		}
	}
	return true
}

// Exprel emits (eᶻ − 1)/z, which is 1 at z = 0: the series
// 1 + z/2 + z²/6 + z³/24 + z⁴/120 for |z| < 0.1 (error below z⁵/720 ≈
// 1.4e-8), where eᶻ − 1 would cancel, and the quotient elsewhere.
func (b *Builder) Exprel(z Reg) Reg {
	series := b.Const(1.0 / 120)
	for _, k := range []float64{1.0 / 24, 1.0 / 6, 0.5, 1} {
		series = b.Op2(OpAdd, b.Const(k), b.Op2(OpMul, z, series))
	}
	quotient := b.Op2(OpDiv, b.Op2(OpSub, b.Op1(OpExp, z), b.Const(1)), z)
	small := b.Op2(OpLt, b.Op1(OpAbs, z), b.Const(0.1))
	return b.Select(small, series, quotient)
}
