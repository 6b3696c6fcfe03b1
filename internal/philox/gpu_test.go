package philox_test

import (
	"math"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/internal/philox"
)

// gpuKernel draws, for neuron i at step s, the Philox block of
// (stream 3, index i, step s, call 0) and the deviates made from it.
const gpuKernel = `#version 450
#include "pmath.glsl"
#include "philox.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) writeonly buffer Words { uvec4 words[]; };
layout(std430, binding = 1) writeonly buffer Dev { vec4 dev[]; };
layout(push_constant) uniform P { uint n; uint seed_lo; uint seed_hi; uint step; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) return;
	uvec4 w = ph_draw(ph_key(pc.seed_lo, pc.seed_hi), 3u, i, pc.step, 0u);
	words[i] = w;
	dev[i] = vec4(ph_uniform(w.x), ph_uniform_open(w.y), ph_normal(w.z, w.w), 0.0);
}
`

// TestGPUBitIdentical checks 10^6 Philox blocks and their uniform, open
// uniform and normal deviates: the Vulkan device and Go must agree bit for bit.
func TestGPUBitIdentical(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	n := 1 << 20
	if testing.Short() {
		n = 1 << 14
	}
	const seed, step = uint64(0x0123456789abcdef), 777
	seedLo, seedHi := uint32(seed&0xffffffff), uint32(seed>>32)
	k := gputest.Kernel(t, c, gpuKernel, vk.KernelSpec{Name: "philox", Buffers: 2, PushBytes: 16})
	words := gputest.Buffer[uint32](t, c, "words", 4*n, vk.DeviceLocal)
	dev := gputest.Buffer[float32](t, c, "dev", 4*n, vk.DeviceLocal)
	bound, err := k.Bind(words, dev)
	if err != nil {
		t.Fatal(err)
	}
	gputest.Run(t, c, bound, []uint32{uint32(n), seedLo, seedHi, step}, vk.Groups(n, 64))
	gw, err := words.Download()
	if err != nil {
		t.Fatal(err)
	}
	gd, err := dev.Download()
	if err != nil {
		t.Fatal(err)
	}
	key := philox.NewKey(seed)
	bad := 0
	for i := range n {
		w := philox.Draw(key, 3, uint32(i), step, 0)
		want := [3]float32{philox.Uniform(w[0]), philox.UniformOpen(w[1]), philox.Normal(w[2], w[3])}
		got := [3]float32{gd[4*i], gd[4*i+1], gd[4*i+2]}
		same := [4]uint32(gw[4*i:4*i+4]) == w
		for j := range want {
			same = same && math.Float32bits(got[j]) == math.Float32bits(want[j])
		}
		if !same {
			if bad++; bad <= 10 {
				t.Errorf("index %d: GPU words %x deviates %v, Go %x %v", i, gw[4*i:4*i+4], got, w, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d draws differ", bad, n)
	}
}
