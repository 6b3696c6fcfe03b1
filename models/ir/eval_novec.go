//go:build !(goexperiment.simd && amd64)

package ir

// Without the simd experiment on amd64 there are no vector loops: these
// compute nothing, and the scalar loops of eval.go compute every element.

func vectorFlush(dst, src []float32) int      { return 0 }
func vector1(op Op, dst, a []float32) int     { return 0 }
func vector2(op Op, dst, a, b []float32) int  { return 0 }
func vectorSelect(dst, c, x, y []float32) int { return 0 }
