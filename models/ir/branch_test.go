package ir

import (
	"math"
	"testing"
)

// TestBranchSkip checks that skipping the side of a select that no
// element of a block takes changes no bit: a program whose sides are
// needed by the select alone (so that blocks skip them) gives the results
// of the same program with the sides also as outputs (so that nothing is
// skipped), on blocks where the condition holds everywhere, nowhere, in
// places, and on a last, partial block.
func TestBranchSkip(t *testing.T) {
	build := func(expose bool) *Program {
		b := NewBuilder()
		x, y := b.Input("x"), b.Input("y")
		cond := b.Op2(OpGt, x, b.Const(0))
		hot := b.Op2(OpAdd, b.Op2(OpMul, b.Op1(OpExp, x), b.Const(2)), b.Op1(OpLog, y))
		cold := b.Op2(OpDiv, b.Op1(OpSqrt, y), x)
		b.Output("z", b.Select(cond, hot, cold))
		if expose {
			b.Output("hot", hot)
			b.Output("cold", cold)
		}
		return b.Program()
	}
	skipping, full := NewEvaluator(build(false)), NewEvaluator(build(true))
	if len(skipping.conds) != 1 || len(full.conds) != 0 {
		t.Fatalf("%d and %d guarded selects, want 1 and 0", len(skipping.conds), len(full.conds))
	}
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), math.Float32frombits(1), 1e-30, 3, 88}
	n := 3*blockLen + 37
	x, y := make([]float32, n), make([]float32, n)
	for i := range n {
		v := special[i%len(special)]
		switch b := i / blockLen; {
		case b == 0 || b == 3: // the condition holds everywhere
			x[i] = float32(i%7) + 0.5
		case b == 1: // nowhere
			x[i] = -float32(i % 5)
		default: // in places
			x[i] = v - 1
		}
		y[i] = special[(i*5)%len(special)]
	}
	got, want := make([]float32, n), make([]float32, n)
	if err := skipping.Run(n, [][]float32{x, y}, [][]float32{got}, RNG{}); err != nil {
		t.Fatal(err)
	}
	if err := full.Run(n, [][]float32{x, y}, [][]float32{want, make([]float32, n), make([]float32, n)}, RNG{}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("element %d (x %v, y %v): %#08x, want %#08x", i, x[i], y[i], math.Float32bits(got[i]), math.Float32bits(want[i]))
		}
	}
}

// TestUniformity: the uniformity of a block's condition, from the vector
// loop and the scalar one, for lengths that are and are not multiples of
// 8, with the odd one out at each place.
func TestUniformity(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 16, 37, blockLen} {
		for _, base := range []float32{0, 1} {
			c := make([]float32, n)
			for i := range c {
				c[i] = base
			}
			want := allFalse
			if base == 1 {
				want = allTrue
			}
			if got := uniformity(c); got != want {
				t.Errorf("%d elements all %v: %d, want %d", n, base, got, want)
			}
			for _, odd := range []int{0, n / 2, n - 1} {
				if n == 1 {
					break
				}
				c[odd] = 1 - base
				if got := uniformity(c); got != mixed {
					t.Errorf("%d elements %v but element %d: %d, want mixed", n, base, odd, got)
				}
				c[odd] = base
			}
		}
	}
}
