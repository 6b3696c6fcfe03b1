package models

import (
	"testing"

	"github.com/spikevk/spikevk/models/ir"
)

// evaluator runs a step program with inputs and outputs by name.
type evaluator struct {
	p  *ir.Program
	ev *ir.Evaluator
}

func newEvaluator(p *ir.Program) *evaluator { return &evaluator{p: p, ev: ir.NewEvaluator(p)} }

func (e *evaluator) run(t *testing.T, n int, vals map[string][]float32) map[string][]float32 {
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
	if err := e.ev.Run(n, in, out, ir.RNG{}); err != nil {
		t.Fatal(err)
	}
	return res
}
