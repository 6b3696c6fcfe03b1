package ir

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/internal/pmath"
)

// blockLen is the number of elements an Evaluator processes per pass over
// the instructions: long enough for tight loops, short enough for the
// registers to stay in cache.
const blockLen = 256

// RNG locates a program's random draws: element i of a call to Run draws
// from Philox with key Key and counter (Stream, First+i, Step, call).
type RNG struct {
	Key    philox.Key
	Stream uint32
	First  uint32 // index of element 0
	Step   uint32
}

// Evaluator runs a program on the CPU, one block of elements at a time,
// instruction by instruction. It keeps its scratch registers between runs;
// it is not safe for concurrent use (make one per goroutine).
type Evaluator struct {
	p    *Program
	regs [][blockLen]float32 // booleans are stored as 1 or 0
}

// NewEvaluator returns an evaluator for p.
func NewEvaluator(p *Program) *Evaluator {
	return &Evaluator{p: p, regs: make([][blockLen]float32, len(p.Code))}
}

// Run evaluates the program for n elements: inputs[k] holds input k
// (Program.Inputs order) and outputs[k] receives output k; each has at
// least n elements.
func (e *Evaluator) Run(n int, inputs, outputs [][]float32, rng RNG) error {
	p := e.p
	if len(inputs) != len(p.Inputs) || len(outputs) != len(p.Outputs) {
		return fmt.Errorf("ir: program takes %d inputs and %d outputs, got %d and %d", len(p.Inputs), len(p.Outputs), len(inputs), len(outputs))
	}
	for k, in := range inputs {
		if len(in) < n {
			return fmt.Errorf("ir: input %q has %d elements, want %d", p.Inputs[k], len(in), n)
		}
	}
	for k, out := range outputs {
		if len(out) < n {
			return fmt.Errorf("ir: output %q has %d elements, want %d", p.Outputs[k].Name, len(out), n)
		}
	}
	for lo := 0; lo < n; lo += blockLen {
		m := min(blockLen, n-lo)
		for r, in := range p.Code {
			e.exec(in, e.regs[r][:m], inputs, lo, rng)
		}
		for k, o := range p.Outputs {
			copy(outputs[k][lo:lo+m], e.regs[o.Reg][:m])
		}
	}
	return nil
}

// exec computes one instruction for the m elements starting at lo.
func (e *Evaluator) exec(in Instr, dst []float32, inputs [][]float32, lo int, rng RNG) {
	m := len(dst)
	a, b, c := e.regs[in.A][:m], e.regs[in.B][:m], e.regs[in.C][:m]
	switch in.Op {
	case OpInput:
		for i, x := range inputs[in.N][lo : lo+m] {
			dst[i] = flush(x)
		}
	case OpConst:
		for i := range dst {
			dst[i] = in.K
		}
	case OpNeg:
		for i := range dst {
			dst[i] = -a[i]
		}
	case OpAdd:
		for i := range dst {
			dst[i] = flush(a[i] + b[i])
		}
	case OpSub:
		for i := range dst {
			dst[i] = flush(a[i] - b[i])
		}
	case OpMul:
		for i := range dst {
			dst[i] = flush(float32(a[i] * b[i]))
		}
	case OpDiv:
		apply2(dst, a, b, pmath.Div)
	case OpPow:
		apply2(dst, a, b, pmath.Pow)
	case OpExp:
		apply1(dst, a, pmath.Exp)
	case OpLog:
		apply1(dst, a, pmath.Log)
	case OpSqrt:
		apply1(dst, a, pmath.Sqrt)
	case OpTanh:
		apply1(dst, a, pmath.Tanh)
	case OpSin:
		apply1(dst, a, pmath.Sin)
	case OpCos:
		apply1(dst, a, pmath.Cos)
	case OpAbs:
		apply1(dst, a, func(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) })
	case OpFloor:
		apply1(dst, a, func(x float32) float32 { return float32(math.Floor(float64(x))) })
	case OpCeil:
		apply1(dst, a, func(x float32) float32 { return float32(math.Ceil(float64(x))) })
	case OpTrunc:
		apply1(dst, a, func(x float32) float32 { return float32(math.Trunc(float64(x))) })
	case OpMin:
		apply2(dst, a, b, func(x, y float32) float32 { return pick(x < y, x, y) })
	case OpMax:
		apply2(dst, a, b, func(x, y float32) float32 { return pick(x > y, x, y) })
	case OpLt:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x < y) })
	case OpLe:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x <= y) })
	case OpGt:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x > y) })
	case OpGe:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x >= y) })
	case OpEq:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x == y) })
	case OpNe:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x != y) })
	case OpAnd:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x != 0 && y != 0) })
	case OpOr:
		apply2(dst, a, b, func(x, y float32) float32 { return truth(x != 0 || y != 0) })
	case OpNot:
		apply1(dst, a, func(x float32) float32 { return truth(x == 0) })
	case OpSelect:
		for i := range dst {
			dst[i] = pick(a[i] != 0, b[i], c[i])
		}
	case OpRand, OpRandn:
		call := uint32(in.K)
		for i := range dst {
			w := philox.Draw(rng.Key, rng.Stream, rng.First+uint32(lo+i), rng.Step, call)
			if in.Op == OpRand {
				dst[i] = philox.Uniform(w[0])
			} else {
				dst[i] = philox.Normal(w[0], w[1])
			}
		}
	}
}

func apply1(dst, a []float32, f func(float32) float32) {
	for i := range dst {
		dst[i] = f(a[i])
	}
}

func apply2(dst, a, b []float32, f func(float32, float32) float32) {
	for i := range dst {
		dst[i] = f(a[i], b[i])
	}
}

func pick(c bool, x, y float32) float32 {
	if c {
		return x
	}
	return y
}

func truth(c bool) float32 {
	if c {
		return 1
	}
	return 0
}
