package cpu

import (
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// TestDirectEffects: a pathway whose effects are constants or synapse
// arrays read as they are adds them without its program (an output that
// keeps its value counts as none); an effect computed per synapse, one
// read from another source, or an output that changes an array leaves the
// program to run.
func TestDirectEffects(t *testing.T) {
	r := &ring{}
	w, v := []float32{1, 2}, []float32{3, 4}
	build := func(effect func(b *ir.Builder) ir.Reg) *ir.Program {
		b := ir.NewBuilder()
		b.Input("w") // the inputs in the order of in
		b.Input("v_post")
		b.Output("g"+host.SuffixEffect, effect(b))
		b.Output("w", b.Input("w"))
		return b.Program()
	}
	in := []input{{from: fromArray, arr: w}, {from: fromPost, arr: v}}
	constant := build(func(b *ir.Builder) ir.Reg { return b.Const(6) })
	weight := build(func(b *ir.Builder) ir.Reg { return b.Input("w") })
	post := build(func(b *ir.Builder) ir.Reg { return b.Input("v_post") })
	scaled := build(func(b *ir.Builder) ir.Reg { return b.Op2(ir.OpMul, b.Input("w"), b.Const(2)) })
	for _, tc := range []struct {
		name  string
		p     *ir.Program
		out   []effect
		fixed int64
		arr   []float32
		none  bool
	}{
		{name: "constant", p: constant, out: []effect{{ring: r}, {}}, fixed: host.ToFixed(6)},
		{name: "synapse array", p: weight, out: []effect{{ring: r}, {}}, arr: w},
		{name: "postsynaptic array", p: post, out: []effect{{ring: r}, {}}, none: true},
		{name: "computed", p: scaled, out: []effect{{ring: r}, {}}, none: true},
		{name: "array written", p: constant, out: []effect{{ring: r}, {arr: w}}, none: true},
	} {
		got := directEffects(tc.p, tc.out, in)
		switch {
		case tc.none && got != nil:
			t.Errorf("%s: direct effects %v, want none", tc.name, got)
		case tc.none:
		case got == nil:
			t.Errorf("%s: no direct effects", tc.name)
		case got[0].fixed != tc.fixed || !sameArray(got[0].arr, tc.arr) || got[1].fixed != 0 || got[1].arr != nil:
			t.Errorf("%s: %+v, want fixed %d, array %v, and none for the unchanged output", tc.name, got, tc.fixed, tc.arr)
		}
	}
}

// sameArray reports whether x and y are both nil or the same array.
func sameArray(x, y []float32) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return len(x) == len(y) && &x[0] == &y[0]
}
