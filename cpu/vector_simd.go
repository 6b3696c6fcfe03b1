//go:build goexperiment.simd && amd64

package cpu

import (
	"math"
	"math/bits"
	"simd/archsimd"
)

// hasAVX2 reports whether the vector loops of this file run.
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

// copyChecked copies src to dst and returns the index of the first value
// of src that is faulty (host.Faulty with limit), or -1, copying and
// looking at 8 values at a time with AVX2; the scalar loop takes the
// rest.
func copyChecked(dst, src []float32, limit uint32) int {
	n, first := 0, -1
	if hasAVX2 {
		abs := archsimd.BroadcastInt32x8(math.MaxInt32)
		bound := archsimd.BroadcastInt32x8(int32(limit))
		n = len(src) &^ 7
		dst = dst[:len(src)]
		for i := 0; i < n; i += 8 {
			v := archsimd.LoadFloat32x8((*[8]float32)(src[i : i+8]))
			v.Store((*[8]float32)(dst[i : i+8]))
			if first < 0 && v.AsInt32x8().And(abs).Greater(bound).ToBits() != 0 {
				first = i
			}
		}
		archsimd.ClearAVXUpperBits()
	}
	if first >= 0 {
		copy(dst[n:], src[n:])
		return first + firstFaulty(src[first:first+8], limit)
	}
	return copyCheckedLoop(dst[n:], src[n:], limit, n)
}

// findSpikes writes the indices lo+i of the neurons i whose spike output
// out[i] is true (not 0) to found, in order, and returns their number,
// looking at 8 neurons at a time with AVX2.
func findSpikes(out []float32, lo int, found []uint32) int {
	n, m := 0, 0
	if hasAVX2 {
		n = len(out) &^ 7
		zero := archsimd.Float32x8{}
		for i := 0; i < n; i += 8 {
			spiked := archsimd.LoadFloat32x8((*[8]float32)(out[i : i+8])).NotEqual(zero).ToBits()
			for ; spiked != 0; spiked &= spiked - 1 {
				found[m] = uint32(lo + i + bits.TrailingZeros8(spiked))
				m++
			}
		}
		archsimd.ClearAVXUpperBits()
	}
	return m + findSpikesLoop(out[n:], lo+n, found[m:])
}

// Constants of deliver's conversion of fixed-point sums to float64: the
// bits of 1.5·2⁵² plus a, read as a float64, are 1.5·2⁵² + a for every a
// in [−2⁵¹, 2⁵¹), so that subtracting 1.5·2⁵² gives a, exactly.
const (
	magicBits    = 0x4338000000000000 // 1.5·2⁵²
	magic        = 0x1.8p52
	exactFixed   = 1 << 51
	inverseScale = 1.0 / (1 << 32) // 1 / host.FixedScale
)

// deliver sets dst to x plus the ring slots acc and clears them, as
// deliverLoop does, for at most blockLen neurons, 8 at a time with AVX2
// (dst may be x): a sum a in [−2⁵¹, 2⁵¹) converts to float64 exactly
// (magicBits) and from there to float32 with the one rounding of
// host.FromFixed's conversion; the groups of 8 with a larger sum take the
// scalar loop afterwards.
func deliver(dst, x []float32, acc []int64) {
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
			v.Masked(v.AsInt32x8().And(abs).Greater(maxDenorm)).Store((*[8]float32)(dst[i : i+8]))
			clear.Store((*[4]int64)(acc[i : i+4]))
			clear.Store((*[4]int64)(acc[i+4 : i+8]))
		}
		archsimd.ClearAVXUpperBits()
		if some {
			for c, l := range large[:n/8] {
				if l {
					deliverLoop(dst[8*c:8*c+8], x[8*c:8*c+8], acc[8*c:8*c+8])
				}
			}
		}
	}
	deliverLoop(dst[n:], x[n:], acc[n:])
}
