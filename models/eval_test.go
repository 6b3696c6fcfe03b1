package models

import (
	"testing"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models/ir"
)

// evaluator runs a step program with inputs and outputs by name.
type evaluator struct {
	p  *ir.Program
	ev *ir.Evaluator
}

func newEvaluator(p *ir.Program) *evaluator { return &evaluator{p: p, ev: ir.NewEvaluator(p)} }

func (e *evaluator) run(t *testing.T, n int, vals map[string][]float32, rng ir.RNG) map[string][]float32 {
	t.Helper()
	in := make([][]float32, len(e.p.Inputs))
	for k, name := range e.p.Inputs {
		v, ok := vals[name]
		if !ok {
			t.Fatalf("no values for input %q", name)
		}
		in[k] = v
	}
	out := make([][]float32, len(e.p.Outputs))
	res := map[string][]float32{}
	for k, o := range e.p.Outputs {
		out[k] = make([]float32, n)
		res[o.Name] = out[k]
	}
	if err := e.ev.Run(n, in, out, rng); err != nil {
		t.Fatal(err)
	}
	return res
}

// testRNG keys the random draws of step s in tests: seed 1, stream 0.
func testRNG(s int) ir.RNG { return ir.RNG{Key: philox.NewKey(1), Step: uint32(s)} }

// defaults returns, for size neurons, every input of the model's step
// program set to the parameter's default or the state's initial value (0
// for the others: time, index, refractory count, derived inputs).
func defaults(m *Model, size int) map[string][]float32 {
	vals := map[string][]float32{}
	for _, name := range m.Neuron.Step.Inputs {
		x, ok := m.Defaults[name]
		if !ok {
			x = m.Initial[name]
		}
		v := make([]float32, size)
		for i := range v {
			v[i] = x
		}
		vals[name] = v
	}
	return vals
}

// builtinModel checks a built-in model at time step dt.
func builtinModel(t *testing.T, name string, dt float64) *Model {
	t.Helper()
	f, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// intervals returns the inter-spike intervals in ms of spikes given as
// step numbers.
func intervals(spikes []int, dt float64) []float64 {
	var isi []float64
	for k := 1; k < len(spikes); k++ {
		isi = append(isi, float64(spikes[k]-spikes[k-1])*dt)
	}
	return isi
}

// countIf counts the elements of xs for which keep holds.
func countIf(xs []float64, keep func(float64) bool) int {
	n := 0
	for _, x := range xs {
		if keep(x) {
			n++
		}
	}
	return n
}
