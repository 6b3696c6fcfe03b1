package ir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adversarial returns the values where vector and scalar float code part
// ways: zeros of both signs, denormals, values on either side of 2⁻¹²⁶
// and 2⁻¹²⁵, the ends of the range, infinities and NaNs with payloads and
// signs, with the booleans 1 and 0 and a few ordinary numbers.
func adversarial() []float32 {
	bits := []uint32{
		0x00000000, 0x80000000, // ±0
		0x00000001, 0x80000001, 0x00400000, 0x007fffff, 0x807fffff, // denormals
		0x00800000, 0x80800000, 0x00800001, 0x00ffffff, 0x01000000, 0x81000001, // near 2⁻¹²⁶, 2⁻¹²⁵
		0x7f7fffff, 0xff7fffff, 0x7f000000, // near the largest
		0x7f800000, 0xff800000, // ±Inf
		0x7fc00000, 0xffc00000, 0x7fc12345, 0xffd00001, 0x7f800001, 0xff812345, // NaNs, quiet and signaling
	}
	vals := []float32{1, -1, 0.5, 2, 3, 1.0 / 3, -1e-20, 1e20, 0x1p-63, 0x1p63}
	for _, b := range bits {
		vals = append(vals, math.Float32frombits(b))
	}
	return vals
}

// blockwise runs kernel k on the elements of a, b and c (as many as a
// has; b and c may be nil) one block at a time and returns its results.
func blockwise(k kernel, a, b, c []float32) []float32 {
	out := make([]float32, len(a))
	var d, x, y, z block
	for lo := 0; lo < len(a); lo += blockLen {
		x, y, z = block{}, block{}, block{}
		copy(x[:], a[lo:])
		if b != nil {
			copy(y[:], b[lo:])
		}
		if c != nil {
			copy(z[:], c[lo:])
		}
		k(&d, &x, &y, &z)
		copy(out[lo:], d[:])
	}
	return out
}

// TestVectorLoops checks the vector loops (eval_simd.go) against the
// scalar loops bit for bit: every kernel on every pair of adversarial
// values and on random bit patterns, also with the result written over
// operand a, the kernels for a constant operand with every adversarial
// value as the constant, and the flush of inputs on lengths 0 to 40 at
// several offsets.
func TestVectorLoops(t *testing.T) {
	vals := adversarial()
	r := rand.New(rand.NewPCG(5, 6))
	var a, b, c []float32
	for _, x := range vals {
		for _, y := range vals {
			a, b = append(a, x), append(b, y)
			c = append(c, vals[r.IntN(len(vals))])
		}
	}
	for range 256 {
		a = append(a, math.Float32frombits(r.Uint32()))
		b = append(b, math.Float32frombits(r.Uint32()))
		c = append(c, vals[r.IntN(len(vals))])
	}
	// Zero dividends of both signs among ordinary ones, over normal
	// divisors: vectors that Div's vector loop takes whole.
	for i := range 64 {
		x := []float32{0, 1.5, float32(math.Copysign(0, -1)), -3, 0}[i%5]
		a = append(a, x)
		b = append(b, []float32{3, -0.5, 0x1p-126, -0x1p127 * 1.5, 7e-20, 1, -2}[i%7])
		c = append(c, vals[r.IntN(len(vals))])
	}
	check := func(name string, got, want []float32) {
		t.Helper()
		for i := range want {
			if g, w := math.Float32bits(got[i]), math.Float32bits(want[i]); g != w {
				t.Fatalf("%s: element %d (%#08x, %#08x, %#08x) = %#08x, want %#08x",
					name, i, math.Float32bits(a[i]), math.Float32bits(b[i]), math.Float32bits(c[i]), g, w)
			}
		}
	}
	for op := range numOps {
		k := vectorKernels[op]
		if k == nil {
			continue
		}
		want := make([]float32, len(a))
		switch op.arity() {
		case 1:
			loop1(op, want, a)
		case 2:
			loop2(op, want, a, b)
		case 3:
			selectLoop(want, c, a, b)
		}
		operands := [][]float32{a, b, c}[:op.arity()]
		if op == OpSelect {
			operands = [][]float32{c, a, b}
		}
		operands = append(operands, nil, nil)
		check(op.String(), blockwise(k, operands[0], operands[1], operands[2]), want)
		over := func(dst, x, y, z *block) { k(x, x, y, z); *dst = *x } // the result replaces operand a
		check(op.String()+" over a", blockwise(over, operands[0], operands[1], operands[2]), want)
	}
	for op := range numOps {
		for side, k := range constKernels[op] {
			if k == nil {
				continue
			}
			for _, v := range vals {
				konst := make([]float32, len(a))
				for i := range konst {
					konst[i] = v
				}
				x, y := konst, b
				if side == 1 {
					x, y = a, konst
				}
				want := make([]float32, len(a))
				loop2(op, want, x, y)
				check(fmt.Sprintf("%s with constant operand %d = %#08x", op, side, math.Float32bits(v)), blockwise(k, x, y, nil), want)
			}
		}
	}
	for n := range 41 {
		for _, lo := range []int{0, 1, 5, 8, 13, len(a) - n} {
			x := a[lo : lo+n]
			want, got := make([]float32, n), make([]float32, n)
			flushLoop(want, x)
			flushInput(got, x)
			check(fmt.Sprintf("flush of %d elements from %d", n, lo), got, want)
		}
	}
}

// expCases returns the arguments where pmath.Exp changes course: ±0,
// denormals, NaNs and infinities (adversarial), either side of ±89
// (expBig), of the overflow and underflow thresholds and of ±2⁻⁴⁰
// (expTiny), and of (k + ½)·ln 2 for every k in range, where the
// reduction's ⌊h·log₂e + ½⌋ steps.
func expCases() []float32 {
	vals := adversarial()
	near := func(x float32, d int32) {
		for i := -d; i <= d; i++ {
			vals = append(vals, math.Float32frombits(uint32(int32(math.Float32bits(x))+i)))
		}
	}
	overflow := math.Float32frombits(0x42b17217)  // 88.72283, the largest x with e**x finite
	underflow := math.Float32frombits(0xc2aeac4f) // −87.33654, the smallest with e**x > 0
	for _, x := range []float32{89, -89, overflow, underflow, 0x1p-40, -0x1p-40} {
		near(x, 16)
	}
	for k := -130; k <= 130; k++ {
		near(float32((float64(k)+0.5)*math.Ln2), 4)
	}
	return vals
}

// checkExp compares the kernel of OpExp with loop1(OpExp) on x bit for
// bit.
func checkExp(t *testing.T, x []float32) {
	t.Helper()
	got, want := blockwise(kernels[OpExp], x, nil, nil), make([]float32, len(x))
	loop1(OpExp, want, x)
	for i := range x {
		if g, w := math.Float32bits(got[i]), math.Float32bits(want[i]); g != w {
			t.Fatalf("exp(%g = %#08x) = %#08x, want %#08x", x[i], math.Float32bits(x[i]), g, w)
		}
	}
}

// TestVectorExp checks the vector exp against pmath.Exp bit for bit on
// expCases and on every 97th float32 bit pattern.
func TestVectorExp(t *testing.T) {
	checkExp(t, expCases())
	x := make([]float32, 1<<16)
	for lo := uint64(0); lo < 1<<32; lo += 97 * uint64(len(x)) {
		for i := range x {
			x[i] = math.Float32frombits(uint32(lo + 97*uint64(i)))
		}
		checkExp(t, x)
	}
}

// FuzzVectorExp checks the vector exp against pmath.Exp bit for bit on 8
// consecutive bit patterns from b.
func FuzzVectorExp(f *testing.F) {
	for _, x := range adversarial() {
		f.Add(math.Float32bits(x))
	}
	f.Fuzz(func(t *testing.T, b uint32) {
		x := make([]float32, 8)
		for i := range x {
			x[i] = math.Float32frombits(b + uint32(i))
		}
		checkExp(t, x)
	})
}

// BenchmarkExp measures the kernel of OpExp on a block of arguments in
// [−16, 4), the vector loop where there is one.
func BenchmarkExp(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	var a, dst block
	for i := range a {
		a[i] = r.Float32()*20 - 16
	}
	for b.Loop() {
		kernels[OpExp](&dst, &a, nil, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*blockLen), "ns/element")
}
