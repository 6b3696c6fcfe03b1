package cpu

import (
	"slices"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// TestConstantEffects: a pathway whose effects are all constants adds
// them in fixed point without its program, an output that keeps its
// value counts as none, and an effect computed per synapse or an output
// that changes an array leaves the program to run.
func TestConstantEffects(t *testing.T) {
	r := &ring{}
	arr := make([]float32, 1)
	build := func(effect func(b *ir.Builder) ir.Reg) *ir.Program {
		b := ir.NewBuilder()
		b.Output("g"+host.SuffixEffect, effect(b))
		b.Output("w", b.Input("w"))
		return b.Program()
	}
	constant := build(func(b *ir.Builder) ir.Reg { return b.Const(6) })
	perSynapse := build(func(b *ir.Builder) ir.Reg { return b.Input("w") })
	for _, tc := range []struct {
		name string
		p    *ir.Program
		out  []effect
		want []int64
	}{
		{"constant", constant, []effect{{ring: r}, {}}, []int64{host.ToFixed(6), 0}},
		{"per synapse", perSynapse, []effect{{ring: r}, {}}, nil},
		{"array written", constant, []effect{{ring: r}, {arr: arr}}, nil},
	} {
		if got := constantEffects(tc.p, tc.out); !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
