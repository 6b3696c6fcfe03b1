package ir

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestBuilderSharesAndPrunes(t *testing.T) {
	b := NewBuilder()
	v, tau := b.Input("v"), b.Input("tau")
	x1 := b.Op2(OpDiv, v, tau)
	x2 := b.Op2(OpDiv, v, tau)
	if x1 != x2 {
		t.Errorf("identical instructions got registers r%d and r%d", x1, x2)
	}
	if b.Input("v") != v || b.Const(0.5) != b.Const(0.5) {
		t.Error("inputs or constants are not shared")
	}
	b.Op1(OpExp, v) // dead
	b.Output("dv", b.Op1(OpNeg, x1))
	p := b.Program()
	want := "r0 = input v\nr1 = input tau\nr2 = div r0 r1\nr3 = neg r2\ndv = r3\n"
	if got := p.String(); got != want {
		t.Errorf("program:\n%s\nwant:\n%s", got, want)
	}
}

func TestHash(t *testing.T) {
	build := func(k float64, out string) *Program {
		b := NewBuilder()
		b.Output(out, b.Op2(OpMul, b.Input("v"), b.Const(k)))
		return b.Program()
	}
	a, same, otherK, otherOut := build(2, "v"), build(2, "v"), build(3, "v"), build(2, "w")
	if a.Hash() != same.Hash() {
		t.Error("equal programs hash differently")
	}
	if a.Hash() == otherK.Hash() || a.Hash() == otherOut.Hash() {
		t.Error("different programs hash alike")
	}
}

func TestBuilderPanicsOnTypeErrors(t *testing.T) {
	for name, f := range map[string]func(b *Builder){
		"bool operand to add": func(b *Builder) {
			c := b.Op2(OpLt, b.Input("x"), b.Input("y"))
			b.Op2(OpAdd, c, b.Input("x"))
		},
		"float condition":  func(b *Builder) { b.Select(b.Input("x"), b.Input("x"), b.Input("x")) },
		"missing register": func(b *Builder) { b.Op1(OpExp, 99) },
		"wrong arity":      func(b *Builder) { b.Op1(OpAdd, b.Input("x")) },
		"output twice": func(b *Builder) {
			b.Output("x", b.Input("x"))
			b.Output("x", b.Input("x"))
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f(NewBuilder())
		}()
	}
}

// TestSemantics pins the float32 rules every backend follows.
func TestSemantics(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	for _, tc := range []struct {
		name string
		op   Op
		x, y float32
		want float32
	}{
		{"denormal product flushed", OpMul, 1e-20, 1e-20, 0},
		{"denormal difference flushed", OpSub, 0x1.8p-126, 0x1p-126, 0},
		{"-0 sum is +0", OpAdd, negZero, negZero, 0},
		{"normal product kept", OpMul, 0x1p-63, 0x1p-63, 0x1p-126},
		{"min with NaN first", OpMin, nan, 1, 1},
		{"min with NaN second", OpMin, 1, nan, nan},
		{"max picks second on tie", OpMax, negZero, 0, 0},
		{"division by zero", OpDiv, 1, 0, inf},
		{"abs of -0", OpAbs, negZero, 0, 0},
		{"floor", OpFloor, -1.5, 0, -2},
		{"trunc", OpTrunc, -1.5, 0, -1},
		{"less than is 1", OpLt, 1, 2, 1},
		{"NaN compares false", OpGe, nan, nan, 0},
		{"not-equal NaN", OpNe, nan, nan, 1},
		{"input denormal flushed", OpAdd, 1e-40, 0, 0},
	} {
		b := NewBuilder()
		x, y := b.Input("x"), b.Input("y")
		var r Reg
		if tc.op.arity() == 1 {
			r = b.Op1(tc.op, x)
		} else {
			r = b.Op2(tc.op, x, y)
		}
		b.Output("r", r)
		out := []float32{0}
		if err := NewEvaluator(b.Program()).Run(1, [][]float32{{tc.x}, {tc.y}}, [][]float32{out}, RNG{}); err != nil {
			t.Fatal(err)
		}
		if math.Float32bits(out[0]) != math.Float32bits(tc.want) && !(out[0] != out[0] && tc.want != tc.want) {
			t.Errorf("%s: %s(%v, %v) = %v, want %v", tc.name, tc.op, tc.x, tc.y, out[0], tc.want)
		}
	}
}

func TestRandomDraws(t *testing.T) {
	b := NewBuilder()
	u1, u2 := b.Rand(), b.Rand()
	b.Output("u1", u1)
	b.Output("u2", u2)
	b.Output("z", b.Randn())
	p := b.Program()
	const n = 1000
	run := func(rng RNG) [][]float32 {
		out := [][]float32{make([]float32, n), make([]float32, n), make([]float32, n)}
		if err := NewEvaluator(p).Run(n, nil, out, rng); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, again, later := run(RNG{Step: 1}), run(RNG{Step: 1}), run(RNG{Step: 2})
	var sum float64
	for i := range n {
		if a[0][i] != again[0][i] || a[2][i] != again[2][i] {
			t.Fatal("the same key, step and index gave different draws")
		}
		if a[0][i] == a[1][i] || a[0][i] == later[0][i] {
			t.Fatalf("element %d: two calls or two steps gave the same draw %v", i, a[0][i])
		}
		if a[0][i] < 0 || a[0][i] >= 1 {
			t.Fatalf("uniform %v outside [0, 1)", a[0][i])
		}
		sum += float64(a[0][i])
	}
	// Mean of 1000 uniforms: standard error 0.0091; 5 of them.
	if mean := sum / n; math.Abs(mean-0.5) > 0.046 {
		t.Errorf("mean of uniforms %v", mean)
	}
}

func TestRunChecksLengths(t *testing.T) {
	b := NewBuilder()
	b.Output("y", b.Input("x"))
	e := NewEvaluator(b.Program())
	for _, tc := range []struct {
		in, out [][]float32
		msg     string
	}{
		{nil, [][]float32{make([]float32, 4)}, "takes 1 inputs and 1 outputs"},
		{[][]float32{make([]float32, 3)}, [][]float32{make([]float32, 4)}, `input "x" has 3 elements`},
		{[][]float32{make([]float32, 4)}, [][]float32{make([]float32, 2)}, `output "y" has 2 elements`},
	} {
		if err := e.Run(4, tc.in, tc.out, RNG{}); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("err = %v, want %q", err, tc.msg)
		}
	}
}

// TestBlocks checks that results do not depend on where block boundaries
// fall: element i computed alone equals element i computed in a long run.
func TestBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	p := randomProgram(r, 30)
	const n = 3*blockLen + 17
	in := [][]float32{randomInputs(r, n), randomInputs(r, n), randomInputs(r, n)}
	out := make([][]float32, len(p.Outputs))
	for k := range out {
		out[k] = make([]float32, n)
	}
	e := NewEvaluator(p)
	if err := e.Run(n, in, out, RNG{Step: 9}); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, blockLen - 1, blockLen, 2*blockLen + 5, n - 1} {
		one := make([][]float32, len(p.Outputs))
		for k := range one {
			one[k] = make([]float32, 1)
		}
		if err := e.Run(1, [][]float32{in[0][i:], in[1][i:], in[2][i:]}, one, RNG{Step: 9, First: uint32(i)}); err != nil {
			t.Fatal(err)
		}
		for k := range one {
			if g, w := one[k][0], out[k][i]; math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
				t.Errorf("element %d output %d: alone %v, in a run %v", i, k, g, w)
			}
		}
	}
}

// FuzzEvaluate builds random well-typed programs from the fuzzer's seeds
// and evaluates them on its inputs: no panic, and GLSL generation covers
// every instruction.
func FuzzEvaluate(f *testing.F) {
	f.Add(uint64(1), uint64(2), float32(1), float32(-2), float32(0.5))
	f.Fuzz(func(t *testing.T, s1, s2 uint64, x, y, z float32) {
		p := randomProgram(rand.New(rand.NewPCG(s1, s2)), 20)
		out := make([][]float32, len(p.Outputs))
		for k := range out {
			out[k] = make([]float32, 1)
		}
		if err := NewEvaluator(p).Run(1, [][]float32{{x}, {y}, {z}}, out, RNG{}); err != nil {
			t.Fatal(err)
		}
		src := p.GLSL(GLSLEnv{Input: func(int) string { return "x" }, Output: func(int) string { return "y" }, Prefix: "t"})
		if got := strings.Count(src, ";\n"); got != len(p.Code)+len(p.Outputs) {
			t.Fatalf("GLSL has %d statements for %d instructions and %d outputs", got, len(p.Code), len(p.Outputs))
		}
	})
}

func TestUses(t *testing.T) {
	b := NewBuilder()
	x, y := b.Input("x"), b.Input("y")
	b.Input("unused")
	b.Output("x", x)
	b.Output("z", b.Op2(OpMul, y, b.Const(2)))
	p := b.Program()
	for k, want := range []bool{true, true, false} {
		if got := p.Uses(k); got != want {
			t.Errorf("Uses(%d) (%s) = %v, want %v", k, p.Inputs[k], got, want)
		}
	}
}
