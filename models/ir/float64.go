package ir

import (
	"fmt"
	"math"
)

// EvalFloat64 evaluates a program for one element in float64 with the
// standard library's math, for values the host derives once (such as the
// coefficients of an exactly integrated linear system) rather than the
// per-step computation, which must follow the float32 rules. Programs with
// random draws are rejected.
func EvalFloat64(p *Program, inputs []float64) ([]float64, error) {
	if len(inputs) != len(p.Inputs) {
		return nil, fmt.Errorf("ir: program takes %d inputs, got %d", len(p.Inputs), len(inputs))
	}
	r := make([]float64, len(p.Code))
	truth := func(c bool) float64 {
		if c {
			return 1
		}
		return 0
	}
	for i, in := range p.Code {
		a, b, c := r[in.A], r[in.B], r[in.C]
		var v float64
		switch in.Op {
		case OpInput:
			v = inputs[in.N]
		case OpConst:
			v = float64(in.K)
		case OpNeg:
			v = -a
		case OpAdd:
			v = a + b
		case OpSub:
			v = a - b
		case OpMul:
			v = a * b
		case OpDiv:
			v = a / b
		case OpExp:
			v = math.Exp(a)
		case OpLog:
			v = math.Log(a)
		case OpSqrt:
			v = math.Sqrt(a)
		case OpTanh:
			v = math.Tanh(a)
		case OpSin:
			v = math.Sin(a)
		case OpCos:
			v = math.Cos(a)
		case OpPow:
			v = math.Pow(a, b)
		case OpAbs:
			v = math.Abs(a)
		case OpFloor:
			v = math.Floor(a)
		case OpCeil:
			v = math.Ceil(a)
		case OpTrunc:
			v = math.Trunc(a)
		case OpMin:
			v = b
			if a < b {
				v = a
			}
		case OpMax:
			v = b
			if a > b {
				v = a
			}
		case OpLt:
			v = truth(a < b)
		case OpLe:
			v = truth(a <= b)
		case OpGt:
			v = truth(a > b)
		case OpGe:
			v = truth(a >= b)
		case OpEq:
			v = truth(a == b)
		case OpNe:
			v = truth(a != b)
		case OpAnd:
			v = truth(a != 0 && b != 0)
		case OpOr:
			v = truth(a != 0 || b != 0)
		case OpNot:
			v = truth(a == 0)
		case OpSelect:
			v = c
			if a != 0 {
				v = b
			}
		case OpRand, OpRandn:
			return nil, fmt.Errorf("ir: a random draw cannot be evaluated once on the host")
		}
		r[i] = v
	}
	out := make([]float64, len(p.Outputs))
	for k, o := range p.Outputs {
		out[k] = r[o.Reg]
	}
	return out, nil
}
