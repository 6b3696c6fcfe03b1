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
	for _, op := range []Op{OpNeg, OpAbs, OpNot, OpExp, OpAdd, OpSub, OpMul, OpDiv, OpMin, OpMax, OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr, OpSelect} {
		if vectorKernels[op] == nil {
			t.Errorf("%s has no vector loop", op)
		}
	}
	for _, op := range []Op{OpAdd, OpSub, OpMul} {
		if constKernels[op][0] == nil || constKernels[op][1] == nil {
			t.Errorf("%s has no vector loops for constant operands", op)
		}
	}
	if constKernels[OpDiv][1] == nil {
		t.Error("div has no vector loop for a constant divisor")
	}
	x := make([]float32, 21)
	if n := vectorFlush(x, x); n != 16 {
		t.Errorf("the flush of inputs computed %d of 21 elements, want 16", n)
	}
}
