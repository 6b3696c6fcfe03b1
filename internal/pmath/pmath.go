package pmath

import (
	"math"
	"math/bits"
)

// Bit patterns and masks of float32 values.
const (
	signBit   = 0x80000000 // the sign bit
	absMask   = 0x7fffffff // every bit but the sign
	mantMask  = 0x007fffff // the 23 stored significand bits
	minNormal = 0x00800000 // 2⁻¹²⁶, the smallest normal magnitude; also the hidden significand bit
	oneBits   = 0x3f800000 // 1
	infBits   = 0x7f800000 // +Inf
	nanBits   = 0x7fc00000 // the quiet NaN every function returns for a NaN result
)

// Thresholds, compared with the bits of a magnitude (for non-negative
// float32 values, the order of the bits is the order of the values).
const (
	expBig   = 0x42b20000 // 89: e**x overflows above it and underflows below −89
	expTiny  = 0x2b800000 // 2⁻⁴⁰: e**r rounds to 1 for |r| below it
	sqrt2    = 0x3fb504f3 // float32(√2) = 1.41421354
	tanhTiny = 0x39800000 // 2⁻¹²: tanh(x) rounds to x below it
	tanhMid  = 0x3f200000 // 0.625: polynomial below, exponential above
	tanhBig  = 0x4111999a // 9.1: tanh(x) rounds to 1 above it
	powBigY  = 0x53800000 // 2⁴⁰: |y·log x| ≥ 2¹⁶ for x ≠ 1 above it
	powTiny  = 0x32800000 // 2⁻²⁶: x**y rounds to 1 for |y·log x| below it
	pi4      = 0x3f490fdb // float32(π/4), just above π/4
	sinTiny  = 0x39800000 // 2⁻¹²: sin r rounds to r and cos r to 1 below it
)

// Range reduction constants. ln 2 = ln2Hi + ln2Lo, with ln2Hi holding 16
// significant bits so that n·ln2Hi is exact for |n| < 2⁸ (the split of
// fdlibm's e_expf.c). π/4 ≈ pi4Hi + pi4Lo, with pi4Hi holding 12 significant
// bits so that its product with a 12-bit number is exact.
const (
	log2e float32 = 1.442695
	ln2Hi float32 = 0.69314575
	ln2Lo float32 = 1.4286068e-06
	pi4Hi float32 = 0.7854004
	pi4Lo float32 = -2.2272275e-06
)

// splitter is 2¹²+1, Veltkamp's constant that splits a float32 into two
// halves of 12 significant bits (Dekker 1971).
const splitter float32 = 4097

// Minimax polynomial coefficients of Cephes' single precision library,
// by Stephen L. Moshier (Cephes Math Library 2.2, expf.c, logf.c,
// tanhf.c, sinf.c), rounded to float32.
const (
	// e**r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (expf.c).
	expP0 float32 = 0.00019875691
	expP1 float32 = 0.0013981999
	expP2 float32 = 0.008333452
	expP3 float32 = 0.041665796
	expP4 float32 = 0.16666666
	expP5 float32 = 0.5

	// log(1+f) ≈ f − f²/2 + f³·P(f) on √½−1 ≤ f < √2−1 (logf.c).
	logP0 float32 = 0.070376836
	logP1 float32 = -0.1151461
	logP2 float32 = 0.116769984
	logP3 float32 = -0.12420141
	logP4 float32 = 0.14249323
	logP5 float32 = -0.16668057
	logP6 float32 = 0.20000714
	logP7 float32 = -0.24999994
	logP8 float32 = 0.3333333

	// tanh x ≈ x + x³·P(x²) on |x| < 0.625 (tanhf.c).
	tanhP0 float32 = -0.0057049887
	tanhP1 float32 = 0.020639088
	tanhP2 float32 = -0.053739715
	tanhP3 float32 = 0.13331442
	tanhP4 float32 = -0.3333328

	// sin r ≈ r + r³·P(r²) and cos r ≈ 1 − r²/2 + r⁴·Q(r²) on |r| ≤ π/4
	// (sinf.c).
	sinP0 float32 = -0.00019515296
	sinP1 float32 = 0.008332161
	sinP2 float32 = -0.16666655
	cosP0 float32 = 2.4433157e-05
	cosP1 float32 = -0.0013887316
	cosP2 float32 = 0.041666646
)

// fourOverPi holds the binary digits of 4/π, 32 a word, most significant
// first, after a zero word: bit i of the expansion (of weight 2⁻ⁱ, the
// leading 1 of 4/π = 1.27… being bit 0) is bit 31−(i+32)%32 of word
// (i+32)/32. They are the digits of 2/π published with fdlibm's
// k_rem_pio2.c, shifted by one place.
var fourOverPi = [8]uint32{0, 0xa2f9836e, 0x4e441529, 0xfc2757d1, 0xf534ddc0, 0xdb629599, 0x3c439041, 0xfe5163ab}

// flush returns the float32 bits b with a denormal magnitude replaced by
// zero of the same sign, as a GPU that flushes denormals would see them.
func flush(b uint32) uint32 {
	if b&absMask < minNormal {
		return b & signBit
	}
	return b
}

// twoSum returns s = a+b rounded and the exact rounding error e, so that
// s + e = a + b exactly (Knuth's TwoSum).
func twoSum(a, b float32) (s, e float32) {
	s = a + b
	v := s - a
	e = (a - (s - v)) + (b - v)
	return s, e
}

// fastTwoSum is twoSum for |a| ≥ |b| or a = 0 (Dekker's Fast2Sum).
func fastTwoSum(a, b float32) (s, e float32) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// split returns hi and lo with hi + lo = a exactly and 12 significant bits
// in each (Veltkamp's splitting); |a| must be below 2¹¹³.
func split(a float32) (hi, lo float32) {
	c := float32(splitter * a)
	hi = c - (c - a)
	lo = a - hi
	return hi, lo
}

// prodErr returns a·b − p exactly, where p is the rounded product a·b
// (Dekker's TwoProduct, which needs no fused multiply-add). No partial
// product may overflow or become denormal.
func prodErr(a, b, p float32) float32 {
	ah, al := split(a)
	bh, bl := split(b)
	e := float32(ah*bh) - p
	e = e + float32(ah*bl)
	e = e + float32(al*bh)
	e = e + float32(al*bl)
	return e
}

// scale returns p·2ⁿ for a positive normal p, built by adding n to the
// exponent field: +Inf where that overflows and +0 where the result would
// be denormal.
func scale(p float32, n int32) float32 {
	b := math.Float32bits(p)
	e := int32(b>>23) + n
	if e <= 0 {
		return 0
	}
	if e >= 255 {
		return math.Float32frombits(infBits)
	}
	return math.Float32frombits(b&mantMask | uint32(e)<<23)
}

// Exp returns eˣ.
//
// Special cases: Exp(NaN) = NaN, Exp(+Inf) = +Inf, Exp(−Inf) = +0. Results
// above the largest float32 are +Inf; results below 2⁻¹²⁶ (x below about
// −87.34) are +0, never denormal. A denormal x is treated as 0.
func Exp(x float32) float32 {
	b := flush(math.Float32bits(x))
	a := b & absMask
	switch {
	case a > infBits:
		return math.Float32frombits(nanBits)
	case a >= expBig && b < signBit:
		return math.Float32frombits(infBits)
	case a >= expBig:
		return 0
	}
	return expCore(math.Float32frombits(b), 0)
}

// expCore returns e**(h+l) for |h| < 89 and |l| ≤ 2⁻²⁰·|h|: Cody–Waite
// reduction h = n·ln2 + r with n = ⌊h·log₂e + ½⌋, the Cephes polynomial on
// r+l, and n added to the exponent bits.
func expCore(h, l float32) float32 {
	z := float32(math.Floor(float64(float32(h*log2e) + 0.5)))
	r := h - float32(z*ln2Hi)
	r = r - float32(z*ln2Lo)
	r = r + l
	if math.Float32bits(r)&absMask < expTiny {
		r = 0
	}
	r2 := float32(r * r)
	p := float32(expP0*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	p = float32(p*r2) + r
	p = p + 1
	return scale(p, int32(z))
}

// Log returns the natural logarithm of x.
//
// Special cases: Log(NaN) = NaN, Log(x < 0) = NaN, Log(±0) = −Inf,
// Log(+Inf) = +Inf. A denormal x is treated as 0 of its sign, so its
// logarithm is −Inf.
func Log(x float32) float32 {
	b := flush(math.Float32bits(x))
	switch {
	case b&absMask > infBits:
		return math.Float32frombits(nanBits)
	case b&absMask == 0:
		return math.Float32frombits(signBit | infBits)
	case b >= signBit:
		return math.Float32frombits(nanBits)
	case b == infBits:
		return math.Float32frombits(infBits)
	}
	hi, _ := logExt(x)
	return hi
}

// logExt returns log x as an unevaluated sum hi + lo, |lo| ≤ ulp(hi)/2,
// accurate to about 2⁻²⁸ relative, for a positive normal finite x. It
// writes x = 2^q·(1+f) with √½ ≤ 1+f < √2 and sums q·ln2 + f − f²/2 +
// f³·P(f) (Cephes logf.c) with error-free transformations.
func logExt(x float32) (hi, lo float32) {
	b := math.Float32bits(x)
	q := int32(b>>23) - 127
	m := b&mantMask | oneBits
	if m >= sqrt2 {
		m -= minNormal
		q++
	}
	f := math.Float32frombits(m) - 1
	fq := float32(q)
	ff := float32(f * f)
	ffe := prodErr(f, f, ff)
	p := float32(logP0*f) + logP1
	p = float32(p*f) + logP2
	p = float32(p*f) + logP3
	p = float32(p*f) + logP4
	p = float32(p*f) + logP5
	p = float32(p*f) + logP6
	p = float32(p*f) + logP7
	p = float32(p*f) + logP8
	g := float32(float32(p*f) * ff)
	s, se := twoSum(f, float32(-0.5*ff))
	hi, he := twoSum(float32(fq*ln2Hi), s)
	lo = se + he
	lo = lo + float32(-0.5*ffe)
	lo = lo + g
	lo = lo + float32(fq*ln2Lo)
	return fastTwoSum(hi, lo)
}

// Sqrt returns the square root of x, correctly rounded: for every normal
// x ≥ 0 it equals float32(math.Sqrt(float64(x))).
//
// Special cases: Sqrt(±0) = ±0, Sqrt(+Inf) = +Inf, Sqrt(x < 0) = NaN,
// Sqrt(NaN) = NaN. A denormal x is treated as 0 of its sign.
func Sqrt(x float32) float32 {
	// Fast path: the float64 square root of a float32, rounded to float32,
	// is correctly rounded (53 ≥ 2·24 + 2 bits), and a normal positive x
	// has a normal root.
	if bx := math.Float32bits(x); bx-minNormal < infBits-minNormal {
		return float32(math.Sqrt(float64(x)))
	}
	b := flush(math.Float32bits(x))
	switch {
	case b&absMask > infBits || b > signBit:
		return math.Float32frombits(nanBits)
	case b&absMask == 0 || b == infBits:
		return math.Float32frombits(b)
	}
	e := int32(b>>23) - 127
	m := b&mantMask | minNormal
	if e&1 != 0 {
		m += m
	}
	e >>= 1
	m += m
	// Digit-by-digit square root, one result bit an iteration: 24
	// significand bits and a rounding bit (fdlibm's e_sqrtf.c), without
	// branches: k is all ones where the bit is 1 (t ≤ m; both stay below
	// 2³¹).
	q, s, r := uint32(0), uint32(0), uint32(0x01000000)
	for i := 0; i < 25; i++ {
		t := s + r
		k := ^uint32(int32(m-t) >> 31)
		s += (r + r) & k
		m -= t & k
		q += r & k
		m += m
		r >>= 1
	}
	// A square root is never halfway between two float32 values, so the
	// rounding bit alone decides.
	q += q & 1
	return math.Float32frombits(uint32(int32(q>>1) + 0x3f000000 + e<<23))
}

// Div returns a/b, correctly rounded: whenever the quotient is a normal
// float32 or overflows, it equals float32(float64(a) / float64(b)).
//
// Quotients whose magnitude, rounded to 24 significant bits, is below
// 2⁻¹²⁶ are zero of the quotient's sign, never denormal. Denormal operands
// are treated as zero of their sign. Special cases follow IEEE 754:
// NaN operands, 0/0 and ±Inf/±Inf give NaN; x/±0 and ±Inf/y give ±Inf;
// ±0/y and x/±Inf give ±0, signs by the usual rule.
func Div(a, b float32) float32 {
	// Fast path: for normal finite operands the hardware's division is the
	// correctly rounded IEEE quotient; it agrees with the long division
	// below except where the quotient is near or below the smallest normal
	// (2⁻¹²⁵ leaves a margin), which the long division below handles.
	if ea, eb := math.Float32bits(a)>>23&0xff, math.Float32bits(b)>>23&0xff; ea-1 < 254 && eb-1 < 254 {
		if q := a / b; math.Float32bits(q)&absMask >= 2*minNormal {
			return q
		}
	}
	ba := flush(math.Float32bits(a))
	bb := flush(math.Float32bits(b))
	sign := (ba ^ bb) & signBit
	aa, ab := ba&absMask, bb&absMask
	switch {
	case aa > infBits || ab > infBits || aa == ab && (aa == 0 || aa == infBits):
		return math.Float32frombits(nanBits)
	case aa == infBits || ab == 0:
		return math.Float32frombits(sign | infBits)
	case aa == 0 || ab == infBits:
		return math.Float32frombits(sign)
	}
	ma := aa&mantMask | minNormal
	mb := ab&mantMask | minNormal
	e := int32(aa>>23) - int32(ab>>23) + 127
	if ma < mb {
		ma += ma
		e--
	}
	// Restoring long division, one quotient bit an iteration: 24
	// significand bits and a rounding bit; what remains of ma is the
	// sticky bit.
	q := uint32(0)
	for i := 0; i < 25; i++ {
		q += q
		if ma >= mb {
			ma -= mb
			q++
		}
		ma += ma
	}
	rbit := q & 1
	q >>= 1
	if rbit != 0 && (ma != 0 || q&1 != 0) {
		q++
	}
	if e > 254 {
		return math.Float32frombits(sign | infBits)
	}
	if e < 0 {
		return math.Float32frombits(sign)
	}
	r := int32(q) + (e-1)<<23
	if r < minNormal {
		return math.Float32frombits(sign)
	}
	if r >= infBits {
		return math.Float32frombits(sign | infBits)
	}
	return math.Float32frombits(sign | uint32(r))
}

// Tanh returns the hyperbolic tangent of x.
//
// Special cases: Tanh(±0) = ±0, Tanh(±Inf) = ±1, Tanh(NaN) = NaN. A
// denormal x is treated as 0 of its sign.
func Tanh(x float32) float32 {
	b := flush(math.Float32bits(x))
	a := b & absMask
	switch {
	case a > infBits:
		return math.Float32frombits(nanBits)
	case a < tanhTiny:
		return math.Float32frombits(b)
	case a >= tanhBig:
		return math.Float32frombits(b&signBit | oneBits)
	}
	z := math.Float32frombits(a)
	var t float32
	if a < tanhMid {
		zz := float32(z * z)
		p := float32(tanhP0*zz) + tanhP1
		p = float32(p*zz) + tanhP2
		p = float32(p*zz) + tanhP3
		p = float32(p*zz) + tanhP4
		t = float32(float32(p*zz)*z) + z
	} else {
		// tanh z = 1 − 2/(e²ᶻ + 1)
		d := expCore(z+z, 0) + 1
		t = 1 - Div(2, d)
	}
	return math.Float32frombits(math.Float32bits(t) | b&signBit)
}

// Pow returns xʸ for real x and y.
//
// It computes e**(y·log x) with log x as a sum of two float32 values and
// the product y·log x exact, so the error grows only slowly with |y·log x|
// (see the package documentation).
//
// Special cases follow Go's math.Pow (and C99): Pow(x, ±0) = 1 and
// Pow(1, y) = 1 for any x and y, NaN included; otherwise a NaN operand
// gives NaN. A finite x < 0 gives NaN unless y is an integer, then
// ±|x|ʸ, negative for odd y. Pow(±0, y) is ±Inf for odd integers y < 0,
// +Inf for other y < 0, ±0 for odd integers y > 0 and +0 for other y > 0;
// Pow(±Inf, y) is Pow(±0, −y). Pow(−1, ±Inf) = 1; Pow(x, +Inf) is +Inf
// for |x| > 1 and +0 for |x| < 1, and the reverse for Pow(x, −Inf).
// Results beyond the float32 range are ±Inf, and results of magnitude below
// 2⁻¹²⁶ are ±0, never denormal. Denormal operands are treated as 0 of
// their sign.
func Pow(x, y float32) float32 {
	bx := flush(math.Float32bits(x))
	by := flush(math.Float32bits(y))
	ax, ay := bx&absMask, by&absMask
	switch {
	case ay == 0 || bx == oneBits:
		return 1
	case ax > infBits || ay > infBits:
		return math.Float32frombits(nanBits)
	}
	sign := uint32(0)
	if bx >= signBit {
		k := intKind(ay)
		if k == 0 && ax != 0 && ax != infBits {
			return math.Float32frombits(nanBits)
		}
		if k == 2 {
			sign = signBit
		}
	}
	return math.Float32frombits(math.Float32bits(powAbs(ax, by)) | sign)
}

// intKind classifies a magnitude a (the bits of a nonzero y, not NaN and
// not denormal): 0 if y is not an integer, 1 if it is an even integer or
// infinite, 2 if it is an odd integer.
func intKind(a uint32) uint32 {
	e := int32(a>>23) - 127
	if e < 0 {
		return 0
	}
	if e >= 24 {
		return 1
	}
	m := a&mantMask | minNormal
	if m<<uint32(e)&mantMask != 0 {
		return 0
	}
	return 1 + m>>uint32(23-e)&1
}

// powAbs returns |x|ʸ for the bits ax of |x| (zero, normal or infinite)
// and by of y (nonzero, normal or infinite, not NaN).
func powAbs(ax, by uint32) float32 {
	ay := by & absMask
	yNeg := by >= signBit
	// up says whether |x|ʸ > 1, for finite x ≠ 0 and x ≠ 1.
	up := (ax > oneBits) != yNeg
	inf, zero := math.Float32frombits(infBits), float32(0)
	switch {
	case ax == oneBits:
		return 1
	case ax == 0 && yNeg, ax == infBits && !yNeg:
		return inf
	case ax == 0 || ax == infBits:
		return zero
	case ay >= powBigY && up:
		return inf
	case ay >= powBigY:
		return zero
	}
	lh, ll := logExt(math.Float32frombits(ax))
	y := math.Float32frombits(by)
	// th may be denormal for a tiny y; flushed or not, it is then below
	// powTiny and the result 1.
	th := float32(y * lh)
	at := math.Float32bits(th) & absMask
	switch {
	case at >= expBig && up:
		return inf
	case at >= expBig:
		return zero
	case at < powTiny:
		return 1
	}
	tl := prodErr(y, lh, th)
	tl = tl + float32(y*ll)
	return expCore(th, tl)
}

// Sin returns the sine of x (radians), accurate for every finite x: the
// argument reduction is exact.
//
// Special cases: Sin(±0) = ±0, Sin(±Inf) = NaN, Sin(NaN) = NaN. A denormal
// x is treated as 0 of its sign.
func Sin(x float32) float32 {
	b := flush(math.Float32bits(x))
	a := b & absMask
	if a >= infBits {
		return math.Float32frombits(nanBits)
	}
	q, r := reduce(a)
	return math.Float32frombits(math.Float32bits(quadrant(q, r)) ^ b&signBit)
}

// Cos returns the cosine of x (radians), accurate for every finite x: the
// argument reduction is exact.
//
// Special cases: Cos(±Inf) = NaN, Cos(NaN) = NaN. A denormal x is treated
// as 0.
func Cos(x float32) float32 {
	a := flush(math.Float32bits(x)) & absMask
	if a >= infBits {
		return math.Float32frombits(nanBits)
	}
	q, r := reduce(a)
	return quadrant(q+1, r)
}

// quadrant returns sin(r + q·π/2) for |r| ≤ π/4.
func quadrant(q uint32, r float32) float32 {
	var y float32
	if q&1 == 0 {
		y = sinPoly(r)
	} else {
		y = cosPoly(r)
	}
	if q&2 != 0 {
		y = -y
	}
	return y
}

// sinPoly returns sin r for |r| ≤ π/4 (Cephes sinf.c).
func sinPoly(r float32) float32 {
	if math.Float32bits(r)&absMask < sinTiny {
		return r
	}
	z := float32(r * r)
	p := float32(sinP0*z) + sinP1
	p = float32(p*z) + sinP2
	p = float32(float32(p*z) * r)
	return p + r
}

// cosPoly returns cos r for |r| ≤ π/4 (Cephes sinf.c).
func cosPoly(r float32) float32 {
	if math.Float32bits(r)&absMask < sinTiny {
		return 1
	}
	z := float32(r * r)
	p := float32(cosP0*z) + cosP1
	p = float32(p*z) + cosP2
	p = float32(float32(p*z) * z)
	p = p - float32(0.5*z)
	return p + 1
}

// reduce returns q and r with |x| = (q mod 4)·π/2 + r and |r| ≤ π/4, for
// the bits a of a finite |x|. Below π/4 it returns r = |x|. Above, it
// multiplies the 24-bit significand of |x| by the 96 bits of 4/π that
// matter for its exponent, in exact integer arithmetic (Payne and Hanek
// 1983, as in fdlibm's k_rem_pio2.c), keeps the octant and the top 64
// bits of the fraction, and turns the fraction into r.
func reduce(a uint32) (q uint32, r float32) {
	if a < pi4 {
		return 0, math.Float32frombits(a)
	}
	// |x| = m·2^(k−150) for the exponent field k. The bits of 4/π of
	// weight 2^(153−k) and above only add multiples of 8 octants to
	// m·2^(k−150)·4/π, so the 96-bit window w0:w1:w2 starts just below
	// them, at bit k−152 of the expansion, bit k−120 of fourOverPi.
	m := a&mantMask | minNormal
	p := (a >> 23) - 120
	i, s := p>>5, p&31
	w0 := fourOverPi[i]<<s | fourOverPi[i+1]>>1>>(31-s)
	w1 := fourOverPi[i+1]<<s | fourOverPi[i+2]>>1>>(31-s)
	w2 := fourOverPi[i+2]<<s | fourOverPi[i+3]>>1>>(31-s)
	// m·(w0:w1:w2) = |x|·4/π·2⁹³ modulo 8·2⁹³; only its low 96 bits
	// c1:c2:l2 are needed: the octant is the top 3 bits of c1.
	h1, l1 := bits.Mul32(m, w1)
	h2, l2 := bits.Mul32(m, w2)
	c2, carry := bits.Add32(l1, h2, 0)
	c1 := m*w0 + h1 + carry
	j := c1 >> 29
	hi := c1<<3 | c2>>29
	lo := c2<<3 | l2>>29
	q = (j + 1) >> 1
	// In an odd octant, r = (fraction − 1)·π/4: negate hi:lo modulo 2⁶⁴.
	neg := j & 1
	if neg != 0 {
		hi = ^hi
		if lo == 0 {
			hi++
		}
		lo = -lo
	}
	// Normalise hi:lo so that bit 31 of hi is set; the fraction is then
	// (hi·2⁻³² + lo·2⁻⁶⁴)·2⁻ᵗ.
	t := uint32(0)
	if hi == 0 {
		hi, lo, t = lo, 0, 32
	}
	if hi == 0 {
		return q, 0
	}
	n := uint32(bits.LeadingZeros32(hi))
	hi = hi<<n | lo>>1>>(31-n)
	lo <<= n
	t += n
	// fh: the top 12 bits of the fraction; fl: the next 23.
	fh := math.Float32frombits((126-t)<<23 | hi>>8&0x7ff000)
	fl := math.Float32frombits(oneBits|(hi&0xfffff)<<3|lo>>29) - 1
	fl = float32(fl * math.Float32frombits((115-t)<<23))
	c := float32(fh*pi4Lo) + float32(fl*pi4Hi)
	c = c + float32(fl*pi4Lo)
	r = float32(fh*pi4Hi) + c
	return q, math.Float32frombits(math.Float32bits(r) | neg<<31)
}
