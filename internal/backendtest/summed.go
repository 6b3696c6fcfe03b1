package backendtest

import (
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// summedTests are the conformance tests of Step (step 0 of host.Plan):
// summed and clock-driven synapse variables; Run runs them.
var summedTests = []struct {
	name string
	test func(t *testing.T, nb func(t *testing.T) host.Backend)
}{
	{"SummedOrder", testSummedOrder},
	{"ClockDriven", testClockDriven},
	{"BadSummed", testBadSummed},
}

// coupled holds v and has a parameter I that a summed variable sets; it
// never changes v and never spikes.
var coupled = models.NeuronSpec{Equations: "v : volt\nI : amp", DT: dt}

// stepProjection is a projection of plan p with rows and the Step program
// of synapse model model between groups pre and post, with its
// transposed index; vals gives the synapse arrays (0 for those it lacks).
func stepProjection(t testing.TB, p *host.Plan, name string, pre, post int, rows [][]uint32, model string, vals map[string][]float32) *host.ProjectionPlan {
	t.Helper()
	nr := Compile(t, coupled)
	s, err := models.CompileSynapse(models.SynapseSpec{Model: model, Pre: nr, Post: nr, DT: dt})
	if err != nil {
		t.Fatal(err)
	}
	pp := &host.ProjectionPlan{Name: name, Pre: pre, Post: post, Step: s.Step, StepStream: 99, RowPtr: []uint32{0}}
	for _, r := range rows {
		pp.Target = append(pp.Target, r...)
		pp.RowPtr = append(pp.RowPtr, uint32(len(pp.Target)))
	}
	pp.ColPtr, pp.ColSyn = host.Transpose(pp.Target, p.Groups[post].N)
	for _, v := range s.Vars {
		x := vals[v.Name]
		if x == nil {
			x = make([]float32, len(pp.Target))
		}
		pp.Arrays = append(pp.Arrays, host.Array{Name: v.Name, Init: x})
	}
	p.Projections = append(p.Projections, pp)
	return pp
}

// gapPlan is a plan of a group "a" of 4 and a group "b" of 3 coupled
// neurons with initial voltages va and vb and I = 7 pA, and a projection
// a → b with the given rows.
func gapPlan(t testing.TB, va, vb []float32, rows [][]uint32, model string, vals map[string][]float32) *host.Plan {
	t.Helper()
	nr := Compile(t, coupled)
	p := &host.Plan{DT: dt}
	p.Groups = append(p.Groups,
		Group(t, "a", len(va), nr, map[string][]float32{"v": va, "I": Fill(len(va), 7)}),
		Group(t, "b", len(vb), nr, map[string][]float32{"v": vb, "I": Fill(len(vb), 7)}))
	stepProjection(t, p, "gap", 0, 1, rows, model, vals)
	return p
}

// testSummedOrder checks that x_post and x_pre are the sums of their
// synapses' terms, added in order of synapse id along each column and
// row, in a step where the order changes the float32 result, and 0 for
// neurons without synapses.
func testSummedOrder(t *testing.T, nb func(t *testing.T) host.Backend) {
	va := []float32{1e8, -1e8, 3, 1}
	vb := []float32{0, 5, 0}
	rows := [][]uint32{{2, 0}, {0}, {}, {0, 2}} // column 0: synapses 1, 2, 3; column 1: none
	w := []float32{1, 1, 1, 1, 0.5}
	p := gapPlan(t, va, vb, rows, "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)\nI_pre = w*(v_post - v_pre) : amp (summed)",
		map[string][]float32{"w": w})
	pp := p.Projections[0]
	pre := []uint32{0, 0, 1, 3, 3}
	term := func(k int, side string) float32 {
		a, b := va[pre[k]], vb[pp.Target[k]]
		if side == "pre" {
			a, b = b, a
		}
		return float32(w[k] * float32(a-b))
	}
	sumLine := func(ks []uint32, side string) float32 {
		acc := float32(0)
		for _, k := range ks {
			acc = host.SumTerm(acc, term(int(k), side))
		}
		return acc
	}
	wantB := make([]float32, len(vb))
	for i := range vb {
		wantB[i] = sumLine(pp.ColSyn[pp.ColPtr[i]:pp.ColPtr[i+1]], "post")
	}
	if reversed := host.SumTerm(host.SumTerm(term(3, "post"), term(2, "post")), term(1, "post")); reversed == wantB[0] {
		t.Fatalf("the terms of column 0 sum to %v in either order: the test does not check the order", reversed)
	}
	wantA := make([]float32, len(va))
	for j := range va {
		var ks []uint32
		for k := pp.RowPtr[j]; k < pp.RowPtr[j+1]; k++ {
			ks = append(ks, k)
		}
		wantA[j] = sumLine(ks, "pre")
	}
	if wantB[1] != 0 || wantA[2] != 0 {
		t.Fatal("neurons without synapses must have a sum of 0")
	}
	b := load(t, nb, p)
	run(t, b, p, 0, 2)
	checkBits(t, "I of b", groupArray(t, b, 1, "I"), wantB)
	checkBits(t, "I of a", groupArray(t, b, 0, "I"), wantA)
}

// testClockDriven checks that a clock-driven ramp dx/dt = 1/ms advances
// by dt every step, and that a summed term reads x at the start of the
// step.
func testClockDriven(t *testing.T, nb func(t *testing.T) host.Backend) {
	rows := [][]uint32{{0}, {1}, {}, {1}}
	p := gapPlan(t, make([]float32, 4), make([]float32, 3), rows,
		"dx/dt = 1/ms : 1 (clock-driven)\nI_post = x*pA : amp (summed)", map[string][]float32{"x": {0, 1, 2}})
	const steps = 25
	b := load(t, nb, p)
	run(t, b, p, 0, steps)
	x := []float32{0, 1, 2}
	var before []float32
	for range steps {
		before = append([]float32(nil), x...)
		for k := range x {
			x[k] = float32(x[k] + float32(dt))
		}
	}
	checkBits(t, "x", projectionArray(t, b, 0, "x"), x)
	checkBits(t, "I of b", groupArray(t, b, 1, "I"), []float32{before[0], host.SumTerm(before[1], before[2]), 0})
}

// testBadSummed checks that Load rejects a Step that sums into a
// constant array or lacks the transposed index.
func testBadSummed(t *testing.T, nb func(t *testing.T) host.Backend) {
	valid := func() *host.Plan {
		return gapPlan(t, make([]float32, 4), make([]float32, 3), [][]uint32{{0}, {1}, {}, {1}},
			"w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)", nil)
	}
	rejects(t, nb, valid, []badPlan{
		{"constant summed variable", func(p *host.Plan) {
			for k := range p.Groups[1].Arrays {
				p.Groups[1].Arrays[k].Const = p.Groups[1].Arrays[k].Name == "I"
			}
		}},
		{"no transposed index", func(p *host.Plan) { p.Projections[0].ColPtr, p.Projections[0].ColSyn = nil, nil }},
	})
}
