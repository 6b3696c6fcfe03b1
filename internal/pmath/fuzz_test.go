package pmath

import (
	"math"
	"testing"
)

// flushed returns x with a denormal value replaced by zero of its sign, as
// the functions read their arguments.
func flushed(x float32) float32 {
	return math.Float32frombits(flush(math.Float32bits(x)))
}

// FuzzDiv checks Div against float64 division of the flushed operands,
// rounded to float32, with denormal quotients flushed.
func FuzzDiv(f *testing.F) {
	for _, c := range [][2]uint32{{oneBits, 0x40400000}, {minNormal, 0x40000000}, {0x7f7fffff, 0x3f000000},
		{0, 0}, {infBits, 0x00000001}, {0x80000001, nanBits}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, ba, bb uint32) {
		a, b := math.Float32frombits(ba), math.Float32frombits(bb)
		got := Div(a, b)
		want := float32(float64(flushed(a)) / float64(flushed(b)))
		switch aw := math.Abs(float64(want)); {
		case math.IsNaN(float64(want)):
			want = math.Float32frombits(nanBits)
		case aw < 0x1p-126:
			want = float32(math.Copysign(0, float64(want)))
		case aw == 0x1p-126 && got == 0:
			return // rounds up to 2⁻¹²⁶ among denormals only
		}
		if !same(got, want) {
			t.Fatalf("Div(%g, %g) = %g (%#08x), want %g (%#08x)", a, b, got, math.Float32bits(got), want,
				math.Float32bits(want))
		}
	})
}

// FuzzSqrt checks Sqrt against the float64 square root of the flushed
// argument, rounded to float32.
func FuzzSqrt(f *testing.F) {
	for _, b := range []uint32{oneBits, 0x40000000, minNormal, 0x7f7fffff, 0, signBit, 0x00000001, 0xbf800000, infBits} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b uint32) {
		x := math.Float32frombits(b)
		got, want := Sqrt(x), float32(math.Sqrt(float64(flushed(x))))
		if math.IsNaN(float64(want)) {
			want = math.Float32frombits(nanBits)
		}
		if !same(got, want) {
			t.Fatalf("Sqrt(%g) = %g (%#08x), want %g (%#08x)", x, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	})
}

// FuzzFunctions checks, for any arguments, that no function panics or
// returns a denormal or a NaN other than 0x7fc00000, and that results lie
// in their functions' ranges.
func FuzzFunctions(f *testing.F) {
	for _, c := range [][2]uint32{{oneBits, 0x40400000}, {0xc0000000, 0x40400000}, {0x00000001, 0x80000001},
		{infBits, nanBits}, {0x7f7fffff, 0x7f7fffff}, {0x3f800001, 0x4f000000}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, bx, by uint32) {
		x, y := math.Float32frombits(bx), math.Float32frombits(by)
		for _, c := range []struct {
			name   string
			r      float32
			lo, hi float64
		}{
			{"Exp", Exp(x), 0, math.Inf(1)},
			{"Log", Log(x), math.Inf(-1), math.Inf(1)},
			{"Sqrt", Sqrt(x), 0, math.Inf(1)},
			{"Div", Div(x, y), math.Inf(-1), math.Inf(1)},
			{"Tanh", Tanh(x), -1, 1},
			{"Pow", Pow(x, y), math.Inf(-1), math.Inf(1)},
			{"Sin", Sin(x), -1, 1},
			{"Cos", Cos(x), -1, 1},
		} {
			b := math.Float32bits(c.r)
			switch {
			case b&absMask > infBits:
				if b != nanBits {
					t.Errorf("%s(%g, %g) = NaN %#08x, want %#08x", c.name, x, y, b, uint32(nanBits))
				}
			case b&absMask != 0 && b&absMask < minNormal:
				t.Errorf("%s(%g, %g) = %g is denormal", c.name, x, y, c.r)
			case float64(c.r) < c.lo || float64(c.r) > c.hi:
				t.Errorf("%s(%g, %g) = %g, outside [%g, %g]", c.name, x, y, c.r, c.lo, c.hi)
			}
		}
	})
}
