package ir

import (
	"math"
	"math/rand/v2"
)

// randomProgram builds a well-typed program of about size instructions over
// inputs x, y and z, drawing every op, with three float outputs and one
// boolean output. Tests use it to compare evaluators on code nobody wrote
// by hand.
func randomProgram(r *rand.Rand, size int) *Program {
	b := NewBuilder()
	floats := []Reg{b.Input("x"), b.Input("y"), b.Input("z"), b.Const(0.5), b.Const(-3), b.Const(1e-30)}
	var bools []Reg
	pickF := func() Reg { return floats[r.IntN(len(floats))] }
	for len(bools) == 0 || size > 0 {
		size--
		op := Op(2 + r.IntN(int(numOps)-2)) // any op but input and const
		var reg Reg
		switch {
		case op == OpRand || op == OpRandn:
			reg = b.draw(op)
		case op == OpSelect:
			if len(bools) == 0 {
				continue
			}
			reg = b.Select(bools[r.IntN(len(bools))], pickF(), pickF())
		case op.operand(0) == Bool:
			if len(bools) == 0 {
				continue
			}
			if op.arity() == 1 {
				reg = b.Op1(op, bools[r.IntN(len(bools))])
			} else {
				reg = b.Op2(op, bools[r.IntN(len(bools))], bools[r.IntN(len(bools))])
			}
		case op.arity() == 1:
			reg = b.Op1(op, pickF())
		default:
			reg = b.Op2(op, pickF(), pickF())
		}
		if op.result() == Bool {
			bools = append(bools, reg)
		} else {
			floats = append(floats, reg)
		}
	}
	n := len(floats)
	b.Output("a", floats[n-1])
	b.Output("b", floats[n-2])
	b.Output("c", floats[r.IntN(n)])
	b.Output("flag", bools[len(bools)-1])
	return b.Program()
}

// randomInputs returns n values of every kind: moderate numbers, wide
// magnitudes, arbitrary bit patterns and special values.
func randomInputs(r *rand.Rand, n int) []float32 {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0x1p-126, 3e38}
	out := make([]float32, n)
	for i := range out {
		switch r.IntN(8) {
		case 0:
			out[i] = specials[r.IntN(len(specials))]
		case 1:
			out[i] = math.Float32frombits(r.Uint32())
		case 2:
			out[i] = float32(math.Exp(r.Float64()*160 - 80))
		default:
			out[i] = float32(r.NormFloat64() * 10)
		}
	}
	return out
}
