// Package ir is the instruction form of model code that both backends run:
// a Program is a list of float32 and boolean instructions in single
// assignment form. The CPU reference evaluates it over blocks of elements
// (Evaluator) and the GPU backend emits it as GLSL (GLSL); both perform the
// same IEEE float32 operations in the same order, so their results are
// bit-identical (DESIGN.md §2).
//
// Semantics, chosen so that every Vulkan device agrees with Go:
//   - +, − and × round to nearest float32, then a result below the smallest
//     normal float32 in magnitude becomes +0 (devices may flush denormals or
//     keep them; flushing explicitly makes both behaviours agree, and no
//     value in a program is ever denormal). Inputs and constants are
//     flushed likewise.
//   - Division, exp, log, sqrt, tanh, pow, sin and cos are the portable
//     functions of internal/pmath (GLSL: shaders/include/pmath.glsl).
//   - min(a, b) is a < b ? a : b and max(a, b) is a > b ? a : b, also for
//     NaN and signed zeros.
//   - rand() and randn() draw from Philox4x32-10 keyed by (seed, stream,
//     element index, step, call), one block per call (internal/philox).
//
// Identical instructions are shared (hash-consing), and Hash identifies a
// program so that identical models share one pipeline.
package ir

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
)

// Op is an instruction's operation.
type Op uint8

// The operations. The comment gives the operands and the result type.
const (
	OpInput  Op = iota // named input → float
	OpConst            // constant K → float
	OpNeg              // −a
	OpAdd              // a + b
	OpSub              // a − b
	OpMul              // a × b
	OpDiv              // a / b (pmath.Div)
	OpExp              // exp(a)
	OpLog              // log(a)
	OpSqrt             // sqrt(a)
	OpTanh             // tanh(a)
	OpSin              // sin(a)
	OpCos              // cos(a)
	OpPow              // a ** b
	OpAbs              // |a|
	OpFloor            // floor(a)
	OpCeil             // ceil(a)
	OpTrunc            // a rounded toward zero
	OpMin              // a < b ? a : b
	OpMax              // a > b ? a : b
	OpLt               // a < b → bool
	OpLe               // a <= b → bool
	OpGt               // a > b → bool
	OpGe               // a >= b → bool
	OpEq               // a == b → bool
	OpNe               // a != b → bool
	OpAnd              // bool a and bool b → bool
	OpOr               // bool a or bool b → bool
	OpNot              // not bool a → bool
	OpSelect           // bool a ? b : c → float
	OpRand             // uniform [0, 1) deviate number K → float
	OpRandn            // standard normal deviate number K → float
	numOps
)

var opNames = [numOps]string{"input", "const", "neg", "add", "sub", "mul", "div", "exp", "log", "sqrt", "tanh", "sin", "cos",
	"pow", "abs", "floor", "ceil", "trunc", "min", "max", "lt", "le", "gt", "ge", "eq", "ne", "and", "or", "not", "select", "rand", "randn"}

func (o Op) String() string {
	if o < numOps {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// arity is the number of register operands of each op.
func (o Op) arity() int {
	switch o {
	case OpInput, OpConst, OpRand, OpRandn:
		return 0
	case OpNeg, OpExp, OpLog, OpSqrt, OpTanh, OpSin, OpCos, OpAbs, OpFloor, OpCeil, OpTrunc, OpNot:
		return 1
	case OpSelect:
		return 3
	}
	return 2
}

// Type is the type of a register.
type Type uint8

// Register types.
const (
	Float Type = iota
	Bool
)

// result is the type an op produces; operands is the type it needs for
// operand k.
func (o Op) result() Type {
	switch o {
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr, OpNot:
		return Bool
	}
	return Float
}

func (o Op) operand(k int) Type {
	switch o {
	case OpAnd, OpOr, OpNot:
		return Bool
	case OpSelect:
		if k == 0 {
			return Bool
		}
	}
	return Float
}

// Reg names the result of an instruction.
type Reg int32

// Instr is one instruction: Op applied to registers A, B, C (as many as
// the op takes), with K the constant of OpConst, or the deviate number of
// OpRand and OpRandn, and N the input index of OpInput.
type Instr struct {
	Op      Op
	A, B, C Reg
	K       float32
	N       int32
}

// Output is a named result of a program.
type Output struct {
	Name string
	Reg  Reg
}

// Program is a finished list of instructions with its inputs and outputs.
type Program struct {
	Code    []Instr
	Inputs  []string // names of the inputs, by OpInput's N
	Outputs []Output
	Draws   int // number of random deviates per element
}

// Type returns the type of register r.
func (p *Program) Type(r Reg) Type { return p.Code[r].Op.result() }

// Hash identifies the program: equal hashes mean equal code, inputs and
// outputs.
func (p *Program) Hash() string {
	h := sha256.New()
	var buf [20]byte
	for _, in := range p.Code {
		buf[0] = byte(in.Op)
		binary.LittleEndian.PutUint32(buf[1:], uint32(in.A))
		binary.LittleEndian.PutUint32(buf[5:], uint32(in.B))
		binary.LittleEndian.PutUint32(buf[9:], uint32(in.C))
		binary.LittleEndian.PutUint32(buf[13:], math.Float32bits(in.K))
		binary.LittleEndian.PutUint16(buf[17:], uint16(in.N))
		h.Write(buf[:19])
	}
	for _, s := range p.Inputs {
		fmt.Fprintf(h, "in %q\n", s)
	}
	for _, o := range p.Outputs {
		fmt.Fprintf(h, "out %q %d\n", o.Name, o.Reg)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// String lists the program, one instruction a line.
func (p *Program) String() string {
	var s []byte
	for r, in := range p.Code {
		s = fmt.Appendf(s, "r%d = %s", r, in.Op)
		switch in.Op {
		case OpInput:
			s = fmt.Appendf(s, " %s", p.Inputs[in.N])
		case OpConst:
			s = fmt.Appendf(s, " %v", in.K)
		case OpRand, OpRandn:
			s = fmt.Appendf(s, " #%d", int(in.K))
		}
		for _, a := range []Reg{in.A, in.B, in.C}[:in.Op.arity()] {
			s = fmt.Appendf(s, " r%d", a)
		}
		s = append(s, '\n')
	}
	for _, o := range p.Outputs {
		s = fmt.Appendf(s, "%s = r%d\n", o.Name, o.Reg)
	}
	return string(s)
}

// minNormal is the smallest normal float32.
const minNormal = 0x1p-126

// flush returns +0 for a value below the smallest normal in magnitude. It
// compares the magnitude bits once: a branch that is well predicted, as
// such values are rare, and x stays in its register otherwise.
func flush(x float32) float32 {
	if math.Float32bits(x)&^(1<<31) < math.Float32bits(minNormal) {
		return 0
	}
	return x
}

// Uses reports whether the program reads its input k: programs keep every
// input of their model in Inputs, also those they never read.
func (p *Program) Uses(k int) bool {
	for r, in := range p.Code {
		if in.Op != OpInput || int(in.N) != k {
			continue
		}
		for _, o := range p.Outputs {
			if o.Reg == Reg(r) {
				return true
			}
		}
		for _, use := range p.Code[r+1:] {
			if slices.Contains([]Reg{use.A, use.B, use.C}[:use.Op.arity()], Reg(r)) {
				return true
			}
		}
	}
	return false
}
