//go:build goexperiment.simd && amd64

package ir

import (
	"math"
	"simd/archsimd"

	"github.com/spikevk/spikevk/internal/pmath"
)

// The vector loops compute 8 elements at a time with AVX2: the kernels of
// the ops that have one, for whole blocks, and the flush of inputs, which
// returns how many elements it computed (a multiple of 8, 0 without
// AVX2). Each gives every element the bits the scalar loop of eval.go
// gives it, NaN payloads and signed zeros included:
//
//   - +, − and × are the same IEEE operations as the scalar ones, with the
//     operands in the same order (a NaN result carries the payload of the
//     first NaN operand), and flush like flush;
//   - min and max choose with a comparison, as pick does: the hardware's
//     VMINPS and VMAXPS would do the same, but the compiler treats them as
//     commutative and may swap their operands, which changes the result
//     for NaN and for zeros of either sign;
//   - no product is fused with a sum;
//   - exp takes the steps of pmath.Exp with the same float32 roundings.
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

// at is the vector of elements i to i+7 of b; in the loops of the
// kernels, i ≤ blockLen−8 proves it in bounds.
func at(b *block, i int) archsimd.Float32x8 {
	return archsimd.LoadFloat32x8((*[8]float32)(b[i : i+8]))
}

// set stores v into elements i to i+7 of b.
func set(b *block, i int, v archsimd.Float32x8) {
	v.Store((*[8]float32)(b[i : i+8]))
}

// vectorKernels are the kernels with vector loops, for the ops Neg, Abs,
// Floor, Ceil, Trunc, Not, Exp, Select and the two-operand ops but Pow;
// none without AVX2.
var vectorKernels = func() [numOps]kernel {
	var ks [numOps]kernel
	if !hasAVX2 {
		return ks
	}
	ks[OpNeg] = negKernel
	ks[OpAbs] = absKernel
	ks[OpFloor] = floorKernel
	ks[OpCeil] = ceilKernel
	ks[OpTrunc] = truncKernel
	ks[OpNot] = notKernel
	ks[OpExp] = func(dst, a, _, _ *block) {
		vectorExp(dst[:], a[:])
		archsimd.ClearAVXUpperBits()
	}
	ks[OpDiv] = func(dst, a, b, _ *block) {
		vectorDiv(dst[:], a[:], b[:])
		archsimd.ClearAVXUpperBits()
	}
	ks[OpAdd] = addKernel
	ks[OpSub] = subKernel
	ks[OpMul] = mulKernel
	ks[OpMin] = minKernel
	ks[OpMax] = maxKernel
	ks[OpLt] = ltKernel
	ks[OpLe] = leKernel
	ks[OpGt] = gtKernel
	ks[OpGe] = geKernel
	ks[OpEq] = eqKernel
	ks[OpNe] = neKernel
	ks[OpAnd] = andKernel
	ks[OpOr] = orKernel
	ks[OpSelect] = selectKernel
	return ks
}()

// constKernels are the kernels of ops one of whose operands is a
// constant: constKernels[op][0] where operand a is, [1] where b is. They
// read the constant once from its slot, so that each loop loads one block
// instead of two; none without AVX2.
var constKernels = func() [numOps][2]kernel {
	var ks [numOps][2]kernel
	if !hasAVX2 {
		return ks
	}
	ks[OpAdd] = [2]kernel{addConstA, addConstB}
	ks[OpSub] = [2]kernel{subConstA, subConstB}
	ks[OpMul] = [2]kernel{mulConstA, mulConstB}
	ks[OpDiv][1] = divConstB
	return ks
}()

func addConstA(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(a[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(k.Add(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func addConstB(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(b[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Add(k), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func subConstA(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(a[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(k.Sub(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func subConstB(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(b[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Sub(k), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func mulConstA(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(a[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(k.Mul(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func mulConstB(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	k := archsimd.BroadcastFloat32x8(b[0])
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Mul(k), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

// divConstB is vectorDiv for a constant divisor: where it is normal, only
// the dividends and quotients decide the fast path.
func divConstB(dst, a, b, _ *block) {
	if d := math.Float32bits(b[0]) & absBits; d < 0x00800000 || d >= infBits {
		vectorDiv(dst[:], a[:], b[:])
		archsimd.ClearAVXUpperBits()
		return
	}
	minNormal := archsimd.BroadcastFloat32x8(0x1p-126)
	maxNormal := archsimd.BroadcastFloat32x8(0x1p127 * (2 - 0x1p-23))
	minQuotient := archsimd.BroadcastFloat32x8(0x1p-125)
	abs := archsimd.BroadcastInt32x8(absBits)
	k, zero := archsimd.BroadcastFloat32x8(b[0]), archsimd.Float32x8{}
	for i := 0; i <= blockLen-8; i += 8 {
		x := at(a, i)
		q := x.Div(k)
		ax := x.AsInt32x8().And(abs).AsFloat32x8()
		aq := q.AsInt32x8().And(abs).AsFloat32x8()
		fast := ax.GreaterEqual(minNormal).And(ax.LessEqual(maxNormal)).And(aq.GreaterEqual(minQuotient)).
			Or(ax.Equal(zero)) // ±0/k is the zero of pmath.Div's sign
		if fast.ToBits() == 0xff {
			set(dst, i, q)
			continue
		}
		archsimd.ClearAVXUpperBits()
		for j := i; j < i+8; j++ {
			dst[j] = pmath.Div(a[j], b[0])
		}
	}
	archsimd.ClearAVXUpperBits()
}

func negKernel(dst, a, _, _ *block) {
	sign := archsimd.BroadcastInt32x8(signBits)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(a, i).AsInt32x8().Xor(sign).AsFloat32x8())
	}
	archsimd.ClearAVXUpperBits()
}

func absKernel(dst, a, _, _ *block) {
	abs := archsimd.BroadcastInt32x8(absBits)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(a, i).AsInt32x8().And(abs).AsFloat32x8())
	}
	archsimd.ClearAVXUpperBits()
}

// floorKernel, ceilKernel and truncKernel round as float64's functions
// do for float32 operands: exactly, keeping signed zeros, infinities and
// NaN payloads (quieted).
func floorKernel(dst, a, _, _ *block) {
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(a, i).Floor())
	}
	archsimd.ClearAVXUpperBits()
}

func ceilKernel(dst, a, _, _ *block) {
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(a, i).Ceil())
	}
	archsimd.ClearAVXUpperBits()
}

func truncKernel(dst, a, _, _ *block) {
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(a, i).Trunc())
	}
	archsimd.ClearAVXUpperBits()
}

func notKernel(dst, a, _, _ *block) {
	zero, one := archsimd.Float32x8{}, archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).Equal(zero)))
	}
	archsimd.ClearAVXUpperBits()
}

func addKernel(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Add(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func subKernel(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Sub(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func mulKernel(dst, a, b, _ *block) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, flushVec(at(a, i).Mul(at(b, i)), abs, maxDenorm))
	}
	archsimd.ClearAVXUpperBits()
}

func minKernel(dst, a, b, _ *block) {
	for i := 0; i <= blockLen-8; i += 8 {
		x, y := at(a, i), at(b, i)
		set(dst, i, x.Merge(y, x.Less(y)))
	}
	archsimd.ClearAVXUpperBits()
}

func maxKernel(dst, a, b, _ *block) {
	for i := 0; i <= blockLen-8; i += 8 {
		x, y := at(a, i), at(b, i)
		set(dst, i, x.Merge(y, x.Greater(y)))
	}
	archsimd.ClearAVXUpperBits()
}

func ltKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).Less(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func leKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).LessEqual(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func gtKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).Greater(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func geKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).GreaterEqual(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func eqKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).Equal(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func neKernel(dst, a, b, _ *block) {
	one := archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).NotEqual(at(b, i))))
	}
	archsimd.ClearAVXUpperBits()
}

func andKernel(dst, a, b, _ *block) {
	zero, one := archsimd.Float32x8{}, archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).NotEqual(zero).And(at(b, i).NotEqual(zero))))
	}
	archsimd.ClearAVXUpperBits()
}

func orKernel(dst, a, b, _ *block) {
	zero, one := archsimd.Float32x8{}, archsimd.BroadcastFloat32x8(1)
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, one.Masked(at(a, i).NotEqual(zero).Or(at(b, i).NotEqual(zero))))
	}
	archsimd.ClearAVXUpperBits()
}

// selectKernel sets dst[i] to x[i] where the bits of c[i] are not 0 and
// to y[i] elsewhere, as selectLoop does.
func selectKernel(dst, c, x, y *block) {
	zero := archsimd.Int32x8{}
	for i := 0; i <= blockLen-8; i += 8 {
		set(dst, i, at(y, i).Merge(at(x, i), at(c, i).AsInt32x8().Equal(zero)))
	}
	archsimd.ClearAVXUpperBits()
}

// vectorDiv sets dst[i] to pmath.Div(a[i], b[i]); len(a) is a multiple of
// 8. Where each of 8 elements has normal operands and a quotient of
// magnitude 2⁻¹²⁵ or more (pmath.Div's fast path) or a zero dividend and a
// normal divisor, the vector's quotients are its results; other vectors
// are computed by pmath.Div itself.
func vectorDiv(dst, a, b []float32) {
	minNormal := archsimd.BroadcastFloat32x8(0x1p-126)
	maxNormal := archsimd.BroadcastFloat32x8(0x1p127 * (2 - 0x1p-23))
	minQuotient := archsimd.BroadcastFloat32x8(0x1p-125)
	abs, zero := archsimd.BroadcastInt32x8(absBits), archsimd.Float32x8{}
	for i := 0; i+8 <= len(a); i += 8 {
		x, y := vec(a, i), vec(b, i)
		q := x.Div(y)
		ax := x.AsInt32x8().And(abs).AsFloat32x8()
		ay := y.AsInt32x8().And(abs).AsFloat32x8()
		aq := q.AsInt32x8().And(abs).AsFloat32x8()
		// Ordered comparisons: false for NaN. ±0/y for a normal y is the
		// zero of pmath.Div's sign.
		normalY := ay.GreaterEqual(minNormal).And(ay.LessEqual(maxNormal))
		fast := ax.GreaterEqual(minNormal).And(ax.LessEqual(maxNormal)).And(aq.GreaterEqual(minQuotient)).
			Or(ax.Equal(zero)).And(normalY)
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

// pmath.Exp's constants (internal/pmath/pmath.go), copied: TestVectorExp
// fails if they part ways.
const (
	infBits = 0x7f800000 // +Inf
	nanBits = 0x7fc00000 // the NaN pmath.Exp returns
	expBig  = 0x42b20000 // 89
	expTiny = 0x2b800000 // 2⁻⁴⁰

	log2e float32 = 1.442695
	ln2Hi float32 = 0.69314575
	ln2Lo float32 = 1.4286068e-06
	expP0 float32 = 0.00019875691
	expP1 float32 = 0.0013981999
	expP2 float32 = 0.008333452
	expP3 float32 = 0.041665796
	expP4 float32 = 0.16666666
	expP5 float32 = 0.5
)

// vectorExp sets dst[i] to pmath.Exp(a[i]); len(a) is a multiple of 8. It
// takes the steps of pmath.Exp and expCore on all 8 elements, each a
// separately rounded float32 operation as there, and then puts NaN, +Inf
// and +0 where pmath.Exp returns them before the reduction.
func vectorExp(dst, a []float32) {
	abs, maxDenorm := archsimd.BroadcastInt32x8(absBits), archsimd.BroadcastInt32x8(maxDenormBits)
	inf, nan := archsimd.BroadcastInt32x8(infBits), archsimd.BroadcastInt32x8(nanBits)
	belowBig, belowTiny := archsimd.BroadcastInt32x8(expBig-1), archsimd.BroadcastInt32x8(expTiny-1)
	zero, minus1, maxExp := archsimd.Int32x8{}, archsimd.BroadcastInt32x8(-1), archsimd.BroadcastInt32x8(254)
	half, one := archsimd.BroadcastFloat32x8(0.5), archsimd.BroadcastFloat32x8(1)
	l2e, hi, lo := archsimd.BroadcastFloat32x8(log2e), archsimd.BroadcastFloat32x8(ln2Hi), archsimd.BroadcastFloat32x8(ln2Lo)
	p0, p1, p2 := archsimd.BroadcastFloat32x8(expP0), archsimd.BroadcastFloat32x8(expP1), archsimd.BroadcastFloat32x8(expP2)
	p3, p4, p5 := archsimd.BroadcastFloat32x8(expP3), archsimd.BroadcastFloat32x8(expP4), archsimd.BroadcastFloat32x8(expP5)
	for i := 0; i+8 <= len(a); i += 8 {
		h := flushVec(vec(a, i), abs, maxDenorm)
		// z = ⌊t + ½⌋ for t = h·log₂e rounded: pmath.Exp's float64 sum
		// t + ½ is exact for |t| ≥ 2⁻²² and between 0 and 1 below, so its
		// floor is that. In float32, t + ½ may round up to the next
		// integer (t = ½ − 2⁻²⁵); instead z = ⌊t⌋ + 1 where t ≥ ⌊t⌋ + ½ and
		// ⌊t⌋ elsewhere, ⌊t⌋ + ½ being exact for |t| < 2²². Neither is −0.
		// (No h with |h| < 89 gives that t, a search of all of them
		// found, but this needs no search.)
		t := h.Mul(l2e)
		f := t.Floor()
		z := f.Add(one.Masked(t.GreaterEqual(f.Add(half))))
		r := h.Sub(z.Mul(hi))
		r = r.Sub(z.Mul(lo))
		// expCore's r + l (l = 0) only turns −0 into +0, which this
		// does with the other |r| < 2⁻⁴⁰.
		r = r.Masked(r.AsInt32x8().And(abs).Greater(belowTiny))
		r2 := r.Mul(r)
		p := p0.Mul(r).Add(p1)
		p = p.Mul(r).Add(p2)
		p = p.Mul(r).Add(p3)
		p = p.Mul(r).Add(p4)
		p = p.Mul(r).Add(p5)
		p = p.Mul(r2).Add(r)
		p = p.Add(one)
		// scale: p is positive and normal; its exponent field plus n
		// is e, the result +0 for e ≤ 0 and +Inf for e ≥ 255.
		n := z.ConvertToInt32()
		pb := p.AsInt32x8()
		e := pb.ShiftAllRight(23).Add(n)
		y := pb.Add(n.ShiftAllLeft(23)).Masked(e.Greater(zero))
		y = inf.Merge(y, e.Greater(maxExp))
		// The cases of pmath.Exp: NaN, and +Inf or +0 from 89 up.
		b := h.AsInt32x8()
		m := b.And(abs)
		y = inf.Masked(b.Greater(minus1)).Merge(y, m.Greater(belowBig))
		y = nan.Merge(y, m.Greater(inf))
		put(dst, i, y.AsFloat32x8())
	}
}

// vectorUniformity returns how many elements of c it looked at, a
// multiple of 8 (all of them once they are mixed), and their uniformity
// (unknown for none).
func vectorUniformity(c []float32) (int, uint8) {
	if !hasAVX2 {
		return 0, unknown
	}
	n, u := len(c)&^7, unknown
	zero := archsimd.Float32x8{}
	for i := 0; i < n; i += 8 {
		v := mixed
		switch vec(c, i).NotEqual(zero).ToBits() {
		case 0xff:
			v = allTrue
		case 0:
			v = allFalse
		}
		if v == mixed || u != unknown && u != v {
			archsimd.ClearAVXUpperBits()
			return len(c), mixed
		}
		u = v
	}
	archsimd.ClearAVXUpperBits()
	return n, u
}
