//go:build goexperiment.simd && amd64

package philox

import "simd/archsimd"

// HasBlock8 reports whether Block8 may be called: it needs AVX2.
var HasBlock8 = archsimd.X86.AVX2()

// lanes holds 0 … 7, the offsets of Block8's counters, and swapped the
// lanes that trade places with their neighbours.
var (
	lanes   = [8]uint32{0, 1, 2, 3, 4, 5, 6, 7}
	swapped = [8]uint32{1, 0, 3, 2, 5, 4, 7, 6}
)

// Block8 returns the first two words of Draw(k, stream, index+j, step,
// call) for j = 0 … 7 (w0[j] and w1[j]), computing the eight blocks
// together with AVX2: the same 32-bit multiplies, xors and adds as Block.
func Block8(k Key, stream, index, step, call uint32) (w0, w1 [8]uint32) {
	at, swap := archsimd.LoadUint32x8(&lanes), archsimd.LoadUint32x8(&swapped)
	odd := at.And(archsimd.BroadcastUint32x8(1)).Equal(archsimd.BroadcastUint32x8(1))
	m0, m1 := archsimd.BroadcastUint32x8(mul0), archsimd.BroadcastUint32x8(mul1)
	c0 := archsimd.BroadcastUint32x8(index).Add(at)
	c1, c2, c3 := archsimd.BroadcastUint32x8(step), archsimd.BroadcastUint32x8(stream), archsimd.BroadcastUint32x8(call)
	for r := 0; r < rounds; r++ {
		if r > 0 {
			k[0] += weyl0
			k[1] += weyl1
		}
		hi0, lo0 := mulHiLo(m0, c0, swap, odd)
		hi1, lo1 := mulHiLo(m1, c2, swap, odd)
		c0, c1, c2, c3 = hi1.Xor(c1).Xor(archsimd.BroadcastUint32x8(k[0])), lo1,
			hi0.Xor(c3).Xor(archsimd.BroadcastUint32x8(k[1])), lo0
	}
	c0.Store(&w0)
	c1.Store(&w1)
	archsimd.ClearAVXUpperBits()
	return w0, w1
}

// mulHiLo returns the high and low words of the 64-bit products m·x, lane
// by lane; swap trades each lane with its neighbour and odd marks the odd
// lanes. (Lanes move by permutation: a shift by 32 bits compiles to a
// count in an SSE register, which stalls between the AVX instructions.)
func mulHiLo(m, x, swap archsimd.Uint32x8, odd archsimd.Mask32x8) (hi, lo archsimd.Uint32x8) {
	even := x.MulEvenWiden(m).AsUint32x8().Permute(swap)  // lanes 0, 2, 4, 6
	oddHi := x.Permute(swap).MulEvenWiden(m).AsUint32x8() // lanes 1, 3, 5, 7
	return oddHi.Merge(even, odd), x.Mul(m)
}
