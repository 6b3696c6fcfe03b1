//go:build goexperiment.simd && amd64

package cpu

import (
	"math"
	"simd/archsimd"
)

// hasAVX2 reports whether cleanPrefix runs.
var hasAVX2 = archsimd.X86.AVX2()

// cleanPrefix returns the length of a prefix of x, a multiple of 8, whose
// values are not faulty (host.Faulty with limit), looking at 8 values at a
// time with AVX2; the scalar loop takes the rest.
func cleanPrefix(x []float32, limit uint32) int {
	if !hasAVX2 {
		return 0
	}
	abs := archsimd.BroadcastInt32x8(math.MaxInt32)
	bound := archsimd.BroadcastInt32x8(int32(limit))
	n := len(x) &^ 7
	i := 0
	for ; i < n; i += 8 {
		v := archsimd.LoadFloat32x8((*[8]float32)(x[i : i+8])).AsInt32x8()
		if v.And(abs).Greater(bound).ToBits() != 0 {
			break
		}
	}
	archsimd.ClearAVXUpperBits()
	return i
}
