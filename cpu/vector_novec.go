//go:build !(goexperiment.simd && amd64)

package cpu

// cleanPrefix is 0 without the simd experiment on amd64: the scalar loop
// of firstFaulty looks at every value.
func cleanPrefix(x []float32, limit uint32) int { return 0 }

// copyChecked is copyCheckedLoop without the simd experiment on amd64.
func copyChecked(dst, src []float32, limit uint32) int { return copyCheckedLoop(dst, src, limit, 0) }

// deliver is deliverLoop without the simd experiment on amd64.
func deliver(dst, x []float32, acc []int64) { deliverLoop(dst, x, acc) }

// findSpikes is findSpikesLoop without the simd experiment on amd64.
func findSpikes(out []float32, lo int, found []uint32) int { return findSpikesLoop(out, lo, found) }
