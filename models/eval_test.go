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
