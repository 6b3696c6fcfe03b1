//go:build goexperiment.simd && amd64

package cpu

import (
	"math"
	"simd/archsimd"
)

// Constants of deliver's conversion of fixed-point sums to float64: the
// bits of 1.5·2⁵² plus a, read as a float64, are 1.5·2⁵² + a for every a
// in [−2⁵¹, 2⁵¹), so that subtracting 1.5·2⁵² gives a, exactly.
const (
	magicBits    = 0x4338000000000000 // 1.5·2⁵²
	magic        = 0x1.8p52
	exactFixed   = 1 << 51
	inverseScale = 1.0 / (1 << 32) // 1 / host.FixedScale
)

// deliver adds the ring slots acc to x and clears them, as deliverLoop
// does, for at most blockLen neurons, 8 at a time with AVX2: a sum a in
// [−2⁵¹, 2⁵¹) converts to float64 exactly (magicBits) and from there to
// float32 with the one rounding of host.FromFixed's conversion; the
// groups of 8 with a larger sum take the scalar loop afterwards.
func deliver(x []float32, acc []int64) {
	n := 0
	if hasAVX2 {
		n = len(acc) &^ 7
		var large [blockLen / 8]bool // the groups of 8 the scalar loop takes
		var some bool
		abs := archsimd.BroadcastInt32x8(math.MaxInt32)
		maxDenorm := archsimd.BroadcastInt32x8(1<<23 - 1)
		bits := archsimd.BroadcastInt64x4(magicBits)
		offset := archsimd.BroadcastFloat64x4(magic)
		below, above := archsimd.BroadcastInt64x4(-exactFixed-1), archsimd.BroadcastInt64x4(exactFixed)
		scale := archsimd.BroadcastFloat32x8(inverseScale)
		clear := archsimd.Int64x4{}
		for i := 0; i < n; i += 8 {
			lo := archsimd.LoadInt64x4((*[4]int64)(acc[i : i+4]))
			hi := archsimd.LoadInt64x4((*[4]int64)(acc[i+4 : i+8]))
			if lo.Greater(below).And(above.Greater(lo)).And(hi.Greater(below)).And(above.Greater(hi)).ToBits() != 0xf {
				large[i/8], some = true, true
				continue
			}
			f := archsimd.Float32x8{}.
				SetLo(lo.Add(bits).AsFloat64x4().Sub(offset).ConvertToFloat32()).
				SetHi(hi.Add(bits).AsFloat64x4().Sub(offset).ConvertToFloat32())
			v := archsimd.LoadFloat32x8((*[8]float32)(x[i : i+8])).Add(f.Mul(scale))
			v.Masked(v.AsInt32x8().And(abs).Greater(maxDenorm)).Store((*[8]float32)(x[i : i+8]))
			clear.Store((*[4]int64)(acc[i : i+4]))
			clear.Store((*[4]int64)(acc[i+4 : i+8]))
		}
		archsimd.ClearAVXUpperBits()
		if some {
			for c, l := range large[:n/8] {
				if l {
					deliverLoop(x[8*c:8*c+8], acc[8*c:8*c+8])
				}
			}
		}
	}
	deliverLoop(x[n:], acc[n:])
}
