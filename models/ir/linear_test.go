package ir

import "testing"

func TestLinear(t *testing.T) {
	b := NewBuilder()
	v, g, el, e, tau := b.Input("v"), b.Input("g"), b.Input("EL"), b.Input("E"), b.Input("tau")
	leak := b.Op2(OpSub, el, v)                // EL - v
	syn := b.Op2(OpMul, g, b.Op2(OpSub, e, v)) // g*(E - v)
	cases := []struct {
		name string
		f    Reg
		ok   bool
	}{
		{"conductance LIF", b.Op2(OpDiv, b.Op2(OpAdd, leak, syn), tau), true},
		{"v*v", b.Op2(OpMul, v, v), false},
		{"exp(v)", b.Op1(OpExp, v), false},
		{"select on g", b.Select(b.Op2(OpGt, g, el), b.Op1(OpNeg, v), tau), true},
		{"select on v", b.Select(b.Op2(OpGt, v, el), v, tau), false},
		{"division by v", b.Op2(OpDiv, tau, v), false},
		{"free of v", tau, true},
	}
	for k, tc := range cases {
		a, c, ok := b.Linear(tc.f, v)
		if ok != tc.ok {
			t.Errorf("%s: linear = %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if b.DependsOn(a, v) || b.DependsOn(c, v) {
			t.Errorf("%s: a coefficient depends on v", tc.name)
		}
		b.Output(string(rune('a'+k))+"f", tc.f)
		b.Output(string(rune('a'+k))+"lin", b.Op2(OpAdd, b.Op2(OpMul, a, v), c))
	}
	// a·v + c must equal f (up to rounding) wherever it is evaluated.
	p := b.Program()
	in := [][]float32{{0.5, -70}, {2, 0}, {-65, -65}, {0, -80}, {10, 5}}
	out := make([][]float32, len(p.Outputs))
	for k := range out {
		out[k] = make([]float32, 2)
	}
	if err := NewEvaluator(p).Run(2, in, out, RNG{}); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < len(out); k += 2 {
		for i := range 2 {
			if d := out[k][i] - out[k+1][i]; d > 1e-4 || d < -1e-4 {
				t.Errorf("%s at element %d: f = %v but a·v + c = %v", p.Outputs[k].Name, i, out[k][i], out[k+1][i])
			}
		}
	}
}

// BenchmarkLinearChain splits a sum of n terms, each of which depends on x,
// as a 400 KB equation line makes Linear do; it took time quadratic in n
// before DependsOn kept its pass (78 s for 400 KB).
func BenchmarkLinearChain(b *testing.B) {
	const n = 20000
	for range b.N {
		bl := NewBuilder()
		x := bl.Input("x")
		f := x
		for k := range n {
			f = bl.Op2(OpAdd, f, bl.Op2(OpMul, bl.Const(float64(k%7)), x))
		}
		if _, _, ok := bl.Linear(f, x); !ok {
			b.Fatal("not linear")
		}
	}
	b.ReportMetric(n, "terms")
}
