//go:build !(goexperiment.simd && amd64)

package cpu

// cleanPrefix is 0 without the simd experiment on amd64: the scalar loop
// of firstFaulty looks at every value.
func cleanPrefix(x []float32, limit uint32) int { return 0 }
