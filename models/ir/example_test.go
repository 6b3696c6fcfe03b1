package ir_test

import (
	"fmt"

	"github.com/spikevk/spikevk/models/ir"
)

// A leaky integrator step v += (EL - v) * (dt/tau), built once and run on
// the CPU; the same program emits GLSL for the GPU.
func Example() {
	b := ir.NewBuilder()
	v, el := b.Input("v"), b.Input("EL")
	dv := b.Op2(ir.OpMul, b.Op2(ir.OpSub, el, v), b.Const(0.01)) // dt/tau = 0.1 ms / 10 ms
	b.Output("v", b.Op2(ir.OpAdd, v, dv))
	p := b.Program()

	vs, els, next := []float32{-50, -70}, []float32{-65, -65}, make([]float32, 2)
	if err := ir.NewEvaluator(p).Run(2, [][]float32{vs, els}, [][]float32{next}, ir.RNG{}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(next)
	// Output:
	// [-50.15 -69.95]
}
