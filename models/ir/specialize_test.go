package ir

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSpecialize(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	nan := math.Float32frombits(0x7fc01234) // a NaN with a payload, kept as it is
	for _, tc := range []struct {
		name   string
		build  func(b *Builder) // output "y" from inputs x and k
		k      float32
		x      float32
		want   float32
		consts int // constant instructions left
		ops    int // other instructions left, the two inputs included
	}{
		{"folded product", func(b *Builder) { b.Output("y", b.Op2(OpMul, b.Input("k"), b.Const(3))) }, 2, 0, 6, 1, 2},
		{"folded chain", func(b *Builder) {
			k := b.Input("k")
			b.Output("y", b.Op2(OpAdd, b.Input("x"), b.Op1(OpExp, b.Op2(OpDiv, k, b.Const(4)))))
		}, 4, 1, 1 + float32(math.E), 1, 3},
		{"denormal input flushed", func(b *Builder) { b.Output("y", b.Op2(OpAdd, b.Input("k"), b.Input("x"))) }, 1e-40, 5, 5, 1, 3},
		{"-0 input flushed to +0", func(b *Builder) { b.Output("y", b.Op2(OpDiv, b.Const(1), b.Input("k"))) }, negZero, 0, float32(math.Inf(1)), 1, 2},
		{"NaN bits kept", func(b *Builder) { b.Output("y", b.Op1(OpNeg, b.Input("k"))) }, nan, 0, -nan, 1, 2},
		{"output of a constant input", func(b *Builder) { b.Output("y", b.Input("k")) }, 7, 0, 7, 1, 2},
		{"select on a constant condition", func(b *Builder) {
			k, x := b.Input("k"), b.Input("x")
			b.Output("y", b.Select(b.Op2(OpLt, k, b.Const(1)), x, b.Op1(OpNeg, x)))
		}, 0, 3, 3, 0, 2},
		{"and with true", func(b *Builder) {
			k, x := b.Input("k"), b.Input("x")
			b.Output("y", b.Op2(OpAnd, b.Op2(OpGt, x, b.Const(0)), b.Op2(OpGt, k, b.Const(0))))
		}, 1, 2, 1, 1, 3},
		{"or with true", func(b *Builder) {
			k, x := b.Input("k"), b.Input("x")
			b.Output("y", b.Op2(OpOr, b.Op2(OpGt, x, b.Const(0)), b.Op2(OpGt, k, b.Const(0))))
		}, 1, -2, 1, 1, 2},
		{"constant boolean output", func(b *Builder) { b.Output("y", b.Op1(OpNot, b.Op2(OpEq, b.Input("k"), b.Const(0)))) }, 3, 0, 1, 1, 2},
		{"nothing constant", func(b *Builder) { b.Output("y", b.Op2(OpSub, b.Input("x"), b.Const(1))) }, 0, 3, 2, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder()
			b.Input("x")
			b.Input("k")
			tc.build(b)
			p := Specialize(b.Program(), map[string]float32{"k": tc.k})
			if len(p.Inputs) != 2 || p.Inputs[0] != "x" || p.Inputs[1] != "k" {
				t.Fatalf("inputs %v, want [x k]", p.Inputs)
			}
			consts, ops := 0, 0
			for _, in := range p.Code {
				if in.Op == OpConst {
					consts++
				} else {
					ops++
				}
			}
			if consts != tc.consts || ops != tc.ops {
				t.Errorf("%d constants and %d other instructions, want %d and %d:\n%s", consts, ops, tc.consts, tc.ops, p)
			}
			if p.Uses(1) {
				t.Errorf("the constant input is still read:\n%s", p)
			}
			out := [][]float32{{0}}
			if err := NewEvaluator(p).Run(1, [][]float32{{tc.x}, nil}, out, RNG{}); err != nil {
				t.Fatal(err)
			}
			if got := out[0][0]; math.Float32bits(got) != math.Float32bits(tc.want) {
				t.Errorf("y = %v (%#x), want %v (%#x)", got, math.Float32bits(got), tc.want, math.Float32bits(tc.want))
			}
		})
	}
}

// TestSpecializeDraws checks that random draws keep their numbers and the
// program its Draws when draws before them are removed.
func TestSpecializeDraws(t *testing.T) {
	b := NewBuilder()
	k := b.Input("k")
	first, second := b.Rand(), b.Randn()
	b.Output("y", b.Select(b.Op2(OpGt, k, b.Const(0)), second, first))
	p := Specialize(b.Program(), map[string]float32{"k": 1})
	if p.Draws != 2 {
		t.Errorf("Draws = %d, want 2", p.Draws)
	}
	for _, in := range p.Code {
		if in.Op == OpRand {
			t.Errorf("the unused uniform draw is left:\n%s", p)
		}
		if in.Op == OpRandn && in.K != 1 {
			t.Errorf("the normal draw is number %v, want 1", in.K)
		}
	}
}

// TestSpecializeRandom checks on random programs that a specialized
// program computes, bit for bit, what the program computes with the
// constants as inputs.
func TestSpecializeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = blockLen + 9
	for trial := range 300 {
		p := randomProgram(r, 5+r.IntN(60))
		consts := map[string]float32{}
		in := make([][]float32, len(p.Inputs))
		for k, name := range p.Inputs {
			in[k] = randomInputs(r, n)
			if r.IntN(3) > 0 {
				consts[name] = in[k][0]
				for i := range in[k] {
					in[k][i] = in[k][0]
				}
			}
		}
		s := Specialize(p, consts)
		if !slices.Equal(s.Inputs, p.Inputs) || s.Draws != p.Draws || len(s.Outputs) != len(p.Outputs) || nonConst(s) > nonConst(p) {
			t.Fatalf("trial %d: inputs %v, %d draws, %d outputs, %d instructions not constants from %v, %d, %d, %d",
				trial, s.Inputs, s.Draws, len(s.Outputs), nonConst(s), p.Inputs, p.Draws, len(p.Outputs), nonConst(p))
		}
		want, got := run(t, p, n, in), run(t, s, n, in)
		for k, o := range p.Outputs {
			if s.Outputs[k].Name != o.Name {
				t.Fatalf("trial %d: output %d is %q, want %q", trial, k, s.Outputs[k].Name, o.Name)
			}
			for i := range n {
				if math.Float32bits(got[k][i]) != math.Float32bits(want[k][i]) {
					t.Fatalf("trial %d: output %q element %d: %v specialized, %v not, with constants %v\n%s\nspecialized:\n%s",
						trial, o.Name, i, got[k][i], want[k][i], consts, p, s)
				}
			}
		}
	}
}

// nonConst is the number of instructions of p other than constants.
func nonConst(p *Program) int {
	n := 0
	for _, in := range p.Code {
		if in.Op != OpConst {
			n++
		}
	}
	return n
}

// run evaluates p for n elements.
func run(t *testing.T, p *Program, n int, in [][]float32) [][]float32 {
	t.Helper()
	out := make([][]float32, len(p.Outputs))
	for k := range out {
		out[k] = make([]float32, n)
	}
	if err := NewEvaluator(p).Run(n, in, out, RNG{Key: [2]uint32{1, 2}, Step: 5}); err != nil {
		t.Fatal(err)
	}
	return out
}
