//go:build !(goexperiment.simd && amd64)

package ir

// Without the simd experiment on amd64 there are no vector loops: the
// scalar loops of eval.go compute every element.

var (
	vectorKernels [numOps]kernel
	constKernels  [numOps][2]kernel
)

func vectorFlush(dst, src []float32) int { return 0 }

func vectorCountTrue(c []float32) (n, count int) { return 0, 0 }
