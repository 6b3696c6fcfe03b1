package ir

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/internal/philox"
)

// kernelFor wraps a program in a compute shader: inputs and outputs are
// structure-of-arrays in one buffer each (value k of element i at k*n + i).
func kernelFor(p *Program) string {
	body := p.GLSL(GLSLEnv{
		Input:  func(k int) string { return fmt.Sprintf("inp[%du * pc.n + i]", k) },
		Output: func(k int) string { return fmt.Sprintf("outp[%du * pc.n + i]", k) },
		Key:    "uvec2(pc.seed_lo, pc.seed_hi)", Stream: "pc.stream", Index: "i", Step: "pc.step",
		Prefix: "t",
	})
	return `#version 450
#include "pmath.glsl"
#include "philox.glsl"
` + GLSLHelpers + `
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer In { float inp[]; };
layout(std430, binding = 1) writeonly buffer Out { float outp[]; };
layout(push_constant) uniform P { uint n; uint seed_lo; uint seed_hi; uint stream; uint step; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) return;
` + body + `}
`
}

// TestGPUMatchesCPU generates random programs that use every op, runs each
// on the Vulkan device through its GLSL and on the CPU evaluator, and
// requires bit-identical outputs on inputs of every kind (any NaN matches
// any NaN).
func TestGPUMatchesCPU(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	const n, programs = 4096, 24
	r := rand.New(rand.NewPCG(7, 11))
	in := gputest.Buffer[float32](t, c, "in", 3*n, vk.DeviceLocal)
	out := gputest.Buffer[float32](t, c, "out", 4*n, vk.DeviceLocal)
	seen := map[Op]bool{}
	for prog := range programs {
		p := randomProgram(r, 40)
		for _, in := range p.Code {
			seen[in.Op] = true
		}
		inputs := [][]float32{randomInputs(r, n), randomInputs(r, n), randomInputs(r, n)}
		flat := append(append(append([]float32(nil), inputs[0]...), inputs[1]...), inputs[2]...)
		if err := in.Upload(flat); err != nil {
			t.Fatal(err)
		}
		k := gputest.Kernel(t, c, kernelFor(p), vk.KernelSpec{Name: fmt.Sprintf("ir%d", prog), Buffers: 2, PushBytes: 20})
		bound, err := k.Bind(in, out)
		if err != nil {
			t.Fatal(err)
		}
		const seed, stream, step = uint64(0xfeedbeefcafe), 5, 123
		gputest.Run(t, c, bound, []uint32{n, uint32(seed & 0xffffffff), uint32(seed >> 32), stream, step}, vk.Groups(n, 64))
		got, err := out.Download()
		if err != nil {
			t.Fatal(err)
		}
		want := make([][]float32, 4)
		for k := range want {
			want[k] = make([]float32, n)
		}
		rng := RNG{Key: philox.NewKey(seed), Stream: stream, Step: step}
		if err := NewEvaluator(p).Run(n, inputs, want, rng); err != nil {
			t.Fatal(err)
		}
		bad := 0
		for k := range want {
			for i := range n {
				g, w := got[k*n+i], want[k][i]
				if math.Float32bits(g) == math.Float32bits(w) || g != g && w != w {
					continue
				}
				if bad++; bad <= 5 {
					t.Errorf("program %d output %s element %d (inputs %v %v %v): GPU %v (%#08x), CPU %v (%#08x)",
						prog, p.Outputs[k].Name, i, inputs[0][i], inputs[1][i], inputs[2][i], g, math.Float32bits(g), w, math.Float32bits(w))
				}
			}
		}
		if bad > 0 {
			t.Fatalf("program %d: %d results differ; program:\n%s", prog, bad, p)
		}
	}
	for op := OpNeg; op < numOps; op++ {
		if !seen[op] {
			t.Errorf("no generated program used %s", op)
		}
	}
}
