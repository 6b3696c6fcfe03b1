//go:build goexperiment.simd && amd64

package ir

import (
	"simd/archsimd"
	"testing"
)

// TestVectorLoopsRun checks that the vector loops run where the CPU has
// AVX2, so that TestVectorLoops compares them and not the scalar loops
// with themselves.
func TestVectorLoopsRun(t *testing.T) {
	if !archsimd.X86.AVX2() {
		t.Skip("no AVX2: the scalar loops compute every element")
	}
	x := make([]float32, 21)
	for op := range numOps {
		var n int
		switch op {
		case OpNeg, OpNot, OpExp:
			n = vector1(op, x, x)
		case OpAdd, OpSub, OpMul, OpDiv, OpMin, OpMax, OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr:
			n = vector2(op, x, x, x)
		case OpSelect:
			n = vectorSelect(x, x, x, x)
		case OpInput:
			n = vectorFlush(x, x)
		default:
			continue
		}
		if n != 16 {
			t.Errorf("%s: the vector loop computed %d of 21 elements, want 16", op, n)
		}
	}
}
