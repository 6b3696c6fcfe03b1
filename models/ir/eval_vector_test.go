package ir

import (
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

// TestVectorLoops checks the vector loops (eval_simd.go) against the
// scalar loops bit for bit: every pair of adversarial values, random bit
// patterns, lengths 0 to 40 at several offsets, and results written over
// an operand.
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
	type span struct{ lo, n int }
	spans := []span{{0, len(a)}}
	for n := range 41 {
		for _, lo := range []int{0, 1, 5, 8, 13, len(a) - n} {
			spans = append(spans, span{lo, n})
		}
	}
	check := func(name string, s span, got, want []float32) {
		t.Helper()
		for i := range want {
			if g, w := math.Float32bits(got[i]), math.Float32bits(want[i]); g != w {
				t.Fatalf("%s, %d elements from %d: element %d (%#08x, %#08x, %#08x) = %#08x, want %#08x",
					name, s.n, s.lo, i, math.Float32bits(a[s.lo+i]), math.Float32bits(b[s.lo+i]), math.Float32bits(c[s.lo+i]), g, w)
			}
		}
	}
	for _, s := range spans {
		x, y, z := a[s.lo:s.lo+s.n], b[s.lo:s.lo+s.n], c[s.lo:s.lo+s.n]
		want, got := make([]float32, s.n), make([]float32, s.n)
		flushLoop(want, x)
		flushInput(got, x)
		check("flush", s, got, want)
		selectLoop(want, z, x, y)
		choose(got, z, x, y)
		check("select", s, got, want)
		for op := range numOps {
			over := append([]float32(nil), x...) // the result replaces operand a
			switch op.arity() {
			case 1:
				loop1(op, want, x)
				apply1(op, got, x)
				apply1(op, over, over)
			case 2:
				loop2(op, want, x, y)
				apply2(op, got, x, y)
				apply2(op, over, over, y)
			default:
				continue
			}
			check(op.String(), s, got, want)
			check(op.String()+" over a", s, over, want)
		}
	}
}
