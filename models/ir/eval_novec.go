//go:build !(goexperiment.simd && amd64)

package ir

// Without the simd experiment on amd64 there are no vector loops: the
// scalar loops of eval.go compute every element.

var (
	vectorKernels [numOps]kernel
	constKernels  [numOps][2]kernel
)

func vectorFlush(dst, src []float32) int { return 0 }

func vectorUniformity(c []float32) (int, uint8) { return 0, unknown }
