package ir

import (
	"math"
	"slices"
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

// TestLoadStore: a Loader replaces an input and a Storer an output, block
// by block, with the values Run reads and writes without them; a loaded
// input that only one side of a select needs is loaded in every block,
// also where the block skips that side; an input the program never reads
// is not loaded, nor one two instructions read.
func TestLoadStore(t *testing.T) {
	b := NewBuilder()
	x, y := b.Input("x"), b.Input("y")
	b.Input("unread")
	cond := b.Op2(OpGt, x, b.Const(0))
	b.Output("z", b.Select(cond, b.Op2(OpMul, x, b.Const(2)), b.Op1(OpSqrt, y))) // y: the false side only
	b.Output("w", b.Op2(OpAdd, x, b.Const(1)))
	p := b.Program()
	n := 2*blockLen + 9
	x0, y0 := make([]float32, n), make([]float32, n)
	for i := range n {
		x0[i] = float32(i%blockLen) - 3 // blocks whose condition is mixed, and the rest all true
		if i >= blockLen {
			x0[i] = float32(i)
		}
		y0[i] = float32(i%11) * 1e-39 // denormals: loaded values are flushed
	}
	want := [][]float32{make([]float32, n), make([]float32, n)}
	if err := NewEvaluator(p).Run(n, [][]float32{x0, y0, nil}, want, RNG{}); err != nil {
		t.Fatal(err)
	}
	e := NewEvaluator(p)
	var loaded []int
	if !e.Load(1, func(dst []float32, lo int) {
		loaded = append(loaded, lo)
		flushInput(dst, y0[lo:lo+len(dst)])
	}) {
		t.Fatal("input y was not loaded")
	}
	if e.Load(2, func([]float32, int) { t.Error("the unread input was loaded") }) {
		t.Error("Load took the unread input")
	}
	z := make([]float32, n)
	e.Store(0, func(src []float32, lo int) { copy(z[lo:], src) })
	w := make([]float32, n)
	if err := e.Run(n, [][]float32{x0, nil, nil}, [][]float32{nil, w}, RNG{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded, []int{0, blockLen, 2 * blockLen}) {
		t.Errorf("y loaded for the blocks at %v, want every block", loaded)
	}
	for i := range n {
		if math.Float32bits(z[i]) != math.Float32bits(want[0][i]) || math.Float32bits(w[i]) != math.Float32bits(want[1][i]) {
			t.Fatalf("element %d: z %v, w %v, want %v, %v", i, z[i], w[i], want[0][i], want[1][i])
		}
	}

	twice := &Program{Inputs: []string{"x"}, Code: []Instr{{Op: OpInput}, {Op: OpInput}, {Op: OpAdd, A: 0, B: 1}}, Outputs: []Output{{Name: "y", Reg: 2}}}
	if NewEvaluator(twice).Load(0, func([]float32, int) {}) {
		t.Error("Load took an input two instructions read")
	}
}
