//go:build goexperiment.simd && amd64

package ir

import (
	"simd/archsimd"

	"github.com/spikevk/spikevk/internal/pmath"
)

// The vector loops compute 8 elements at a time with AVX2 and return how
// many elements they computed: a multiple of 8, and 0 for the ops they
// leave to the scalar loops or where the CPU lacks AVX2. Each gives every
// element the bits the scalar loop of eval.go gives it, NaN payloads and
// signed zeros included:
//
//   - +, − and × are the same IEEE operations as the scalar ones, with the
//     operands in the same order (a NaN result carries the payload of the
//     first NaN operand), and flush like flush;
//   - min and max choose with a comparison, as pick does: the hardware's
//     VMINPS and VMAXPS would do the same, but the compiler treats them as
//     commutative and may swap their operands, which changes the result
//     for NaN and for zeros of either sign;
//   - no product is fused with a sum.
//
// Each loop ends with VZEROUPPER, so that the scalar SSE code after it
// pays no penalty for the dirty upper halves of the vector registers.

// hasAVX2 reports whether the vector loops run.
var hasAVX2 = archsimd.X86.AVX2()

// Bits of float32 values, as int32 for the integer vector operations.
const (
	signBits      = -1 << 31
	absBits       = 1<<31 - 1
	maxDenormBits = 1<<23 - 1  // the largest denormal
	oneBits       = 0x3f800000 // 1
)

// vec is the vector of elements i to i+7 of s.
func vec(s []float32, i int) archsimd.Float32x8 {
	return archsimd.LoadFloat32x8((*[8]float32)(s[i : i+8]))
}

// put stores v into elements i to i+7 of s.
func put(s []float32, i int, v archsimd.Float32x8) {
	v.Store((*[8]float32)(s[i : i+8]))
}

// flushVec is flush for every element of v; abs and maxDenorm hold
// absBits and maxDenormBits.
func flushVec(v archsimd.Float32x8, abs, maxDenorm archsimd.Int32x8) archsimd.Float32x8 {
	return v.Masked(v.AsInt32x8().And(abs).Greater(maxDenorm))
}

// vectorFlush sets dst[i] to flush(src[i]).
func vectorFlush(dst, src []float32) int {
	if !hasAVX2 {
		return 0
	}
	n := len(src) &^ 7
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	for i := 0; i < n; i += 8 {
		put(dst, i, flushVec(vec(src, i), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// vector1 applies the one-operand ops Neg and Not to a.
func vector1(op Op, dst, a []float32) int {
	if !hasAVX2 {
		return 0
	}
	n := len(a) &^ 7
	switch op {
	case OpNeg:
		sign := archsimd.BroadcastInt32x8(signBits)
		for i := 0; i < n; i += 8 {
			put(dst, i, vec(a, i).AsInt32x8().Xor(sign).AsFloat32x8())
		}
	case OpNot:
		zero, one := archsimd.Float32x8{}, archsimd.BroadcastFloat32x8(1)
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).Equal(zero)))
		}
	default:
		return 0
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// vector2 applies the two-operand ops but Pow to a and b.
func vector2(op Op, dst, a, b []float32) int {
	if !hasAVX2 {
		return 0
	}
	n := len(a) &^ 7
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	zero, one := archsimd.Float32x8{}, archsimd.BroadcastFloat32x8(1)
	switch op {
	case OpAdd:
		for i := 0; i < n; i += 8 {
			put(dst, i, flushVec(vec(a, i).Add(vec(b, i)), abs, maxDenorm))
		}
	case OpSub:
		for i := 0; i < n; i += 8 {
			put(dst, i, flushVec(vec(a, i).Sub(vec(b, i)), abs, maxDenorm))
		}
	case OpMul:
		for i := 0; i < n; i += 8 {
			put(dst, i, flushVec(vec(a, i).Mul(vec(b, i)), abs, maxDenorm))
		}
	case OpDiv:
		vectorDiv(dst[:n], a[:n], b[:n])
	case OpMin:
		for i := 0; i < n; i += 8 {
			x, y := vec(a, i), vec(b, i)
			put(dst, i, x.Merge(y, x.Less(y)))
		}
	case OpMax:
		for i := 0; i < n; i += 8 {
			x, y := vec(a, i), vec(b, i)
			put(dst, i, x.Merge(y, x.Greater(y)))
		}
	case OpLt:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).Less(vec(b, i))))
		}
	case OpLe:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).LessEqual(vec(b, i))))
		}
	case OpGt:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).Greater(vec(b, i))))
		}
	case OpGe:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).GreaterEqual(vec(b, i))))
		}
	case OpEq:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).Equal(vec(b, i))))
		}
	case OpNe:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).NotEqual(vec(b, i))))
		}
	case OpAnd:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).NotEqual(zero).And(vec(b, i).NotEqual(zero))))
		}
	case OpOr:
		for i := 0; i < n; i += 8 {
			put(dst, i, one.Masked(vec(a, i).NotEqual(zero).Or(vec(b, i).NotEqual(zero))))
		}
	default:
		return 0
	}
	archsimd.ClearAVXUpperBits()
	return n
}

// vectorDiv sets dst[i] to pmath.Div(a[i], b[i]); len(a) is a multiple of
// 8. Where pmath.Div takes its fast path for all 8 elements (normal
// operands, quotients of magnitude 2⁻¹²⁵ or more) the vector's quotients
// are its results; other vectors are computed by pmath.Div itself.
func vectorDiv(dst, a, b []float32) {
	minNormal := archsimd.BroadcastFloat32x8(0x1p-126)
	maxNormal := archsimd.BroadcastFloat32x8(0x1p127 * (2 - 0x1p-23))
	minQuotient := archsimd.BroadcastFloat32x8(0x1p-125)
	abs := archsimd.BroadcastInt32x8(absBits)
	for i := 0; i+8 <= len(a); i += 8 {
		x, y := vec(a, i), vec(b, i)
		q := x.Div(y)
		ax := x.AsInt32x8().And(abs).AsFloat32x8()
		ay := y.AsInt32x8().And(abs).AsFloat32x8()
		aq := q.AsInt32x8().And(abs).AsFloat32x8()
		// Ordered comparisons: false for NaN.
		fast := ax.GreaterEqual(minNormal).And(ax.LessEqual(maxNormal)).
			And(ay.GreaterEqual(minNormal)).And(ay.LessEqual(maxNormal)).
			And(aq.GreaterEqual(minQuotient))
		if fast.ToBits() == 0xff {
			put(dst, i, q)
			continue
		}
		archsimd.ClearAVXUpperBits()
		for j := i; j < i+8; j++ {
			dst[j] = pmath.Div(a[j], b[j])
		}
	}
}

// vectorSelect sets dst[i] to x[i] where the bits of c[i] are not 0 and
// to y[i] elsewhere, as selectLoop does.
func vectorSelect(dst, c, x, y []float32) int {
	if !hasAVX2 {
		return 0
	}
	n := len(c) &^ 7
	zero := archsimd.Int32x8{}
	for i := 0; i < n; i += 8 {
		put(dst, i, vec(y, i).Merge(vec(x, i), vec(c, i).AsInt32x8().Equal(zero)))
	}
	archsimd.ClearAVXUpperBits()
	return n
}
