package pmath_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/internal/pmath"
)

// gpuKernel evaluates one pmath function, chosen by specialization constant
// 0, on every element: r[i] = f(a[i]) or f(a[i], b[i]).
const gpuKernel = `#version 450
#include "pmath.glsl"
layout(local_size_x = 64) in;
layout(constant_id = 0) const uint FN = 0u;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer R { float r[]; };
layout(push_constant) uniform P { uint n; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) return;
	float x = a[i];
	float y = b[i];
	float v = 0.0;
	switch (FN) {
	case 0u: v = pm_exp(x); break;
	case 1u: v = pm_log(x); break;
	case 2u: v = pm_sqrt(x); break;
	case 3u: v = pm_div(x, y); break;
	case 4u: v = pm_tanh(x); break;
	case 5u: v = pm_pow(x, y); break;
	case 6u: v = pm_sin(x); break;
	case 7u: v = pm_cos(x); break;
	}
	r[i] = v;
}
`

// gpuCases lists each function with its Go twin and an input generator:
// values spread log-uniformly over the function's range, arbitrary bit
// patterns, and the special values.
var gpuCases = []struct {
	name string
	f    func(x, y float32) float32
	gen  func(r *rand.Rand) (x, y float32)
}{
	{"exp", func(x, _ float32) float32 { return pmath.Exp(x) }, func(r *rand.Rand) (float32, float32) { return signed(r, 1e-8, 100), 0 }},
	{"log", func(x, _ float32) float32 { return pmath.Log(x) }, func(r *rand.Rand) (float32, float32) { return logUniform(r, 1e-38, 3e38), 0 }},
	{"sqrt", func(x, _ float32) float32 { return pmath.Sqrt(x) }, func(r *rand.Rand) (float32, float32) { return logUniform(r, 1e-38, 3e38), 0 }},
	{"div", pmath.Div, func(r *rand.Rand) (float32, float32) { return signed(r, 1e-19, 1e19), signed(r, 1e-19, 1e19) }},
	{"tanh", func(x, _ float32) float32 { return pmath.Tanh(x) }, func(r *rand.Rand) (float32, float32) { return signed(r, 1e-8, 50), 0 }},
	{"pow", pmath.Pow, func(r *rand.Rand) (float32, float32) { return logUniform(r, 1e-6, 1e6), signed(r, 1e-3, 6) }},
	{"sin", func(x, _ float32) float32 { return pmath.Sin(x) }, func(r *rand.Rand) (float32, float32) { return signed(r, 1e-6, 1e4), 0 }},
	{"cos", func(x, _ float32) float32 { return pmath.Cos(x) }, func(r *rand.Rand) (float32, float32) { return signed(r, 1e-6, 1e4), 0 }},
}

func logUniform(r *rand.Rand, lo, hi float64) float32 {
	return float32(math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo))))
}

func signed(r *rand.Rand, lo, hi float64) float32 {
	v := logUniform(r, lo, hi)
	if r.IntN(2) == 0 {
		return -v
	}
	return v
}

var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 2, float32(math.Pi), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1.1754944e-38, -1.1754944e-38, 88.72, -87.33, 89, -104}

// gpuInputs returns n inputs: special values and their pairs, 1/8 arbitrary
// bit patterns, the rest from gen.
func gpuInputs(n int, gen func(*rand.Rand) (float32, float32)) (xs, ys []float32) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, a := range specials {
		for _, b := range specials {
			xs, ys = append(xs, a), append(ys, b)
		}
	}
	for len(xs) < n {
		var x, y float32
		if len(xs)%8 == 0 {
			x, y = math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32())
		} else {
			x, y = gen(r)
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

// TestGPUBitIdentical evaluates every function on 10^6 inputs with the GLSL
// twin on the Vulkan device and requires the same bits as Go (any NaN
// matches any NaN).
func TestGPUBitIdentical(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	n := 1 << 20
	if testing.Short() {
		n = 1 << 14
	}
	a := gputest.Buffer[float32](t, c, "a", n, vk.DeviceLocal)
	b := gputest.Buffer[float32](t, c, "b", n, vk.DeviceLocal)
	out := gputest.Buffer[float32](t, c, "r", n, vk.DeviceLocal)
	for fn, tc := range gpuCases {
		t.Run(tc.name, func(t *testing.T) {
			k := gputest.Kernel(t, c, gpuKernel, vk.KernelSpec{Name: "pmath_" + tc.name, Buffers: 3, PushBytes: 4, Spec: []uint32{uint32(fn)}})
			xs, ys := gpuInputs(n, tc.gen)
			if err := a.Upload(xs); err != nil {
				t.Fatal(err)
			}
			if err := b.Upload(ys); err != nil {
				t.Fatal(err)
			}
			bound, err := k.Bind(a, b, out)
			if err != nil {
				t.Fatal(err)
			}
			gputest.Run(t, c, bound, []uint32{uint32(n)}, vk.Groups(n, 64))
			got, err := out.Download()
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for i, g := range got {
				want := tc.f(xs[i], ys[i])
				if math.Float32bits(g) == math.Float32bits(want) || g != g && want != want {
					continue
				}
				if bad++; bad <= 10 {
					t.Errorf("%s(%v, %v) [bits %#08x, %#08x]: GPU %v (%#08x), Go %v (%#08x)",
						tc.name, xs[i], ys[i], math.Float32bits(xs[i]), math.Float32bits(ys[i]), g, math.Float32bits(g), want, math.Float32bits(want))
				}
			}
			if bad > 0 {
				t.Errorf("%s: %d of %d results differ", tc.name, bad, n)
			}
		})
	}
}

// BenchmarkGPU measures each function on the Vulkan device, 2^20 elements
// per dispatch; ns/element includes the buffer reads and the write.
func BenchmarkGPU(b *testing.B) {
	c := gputest.Context(b, vk.Options{})
	const n = 1 << 20
	a := gputest.Buffer[float32](b, c, "a", n, vk.DeviceLocal)
	y := gputest.Buffer[float32](b, c, "b", n, vk.DeviceLocal)
	out := gputest.Buffer[float32](b, c, "r", n, vk.DeviceLocal)
	for fn, tc := range gpuCases {
		xs, ys := gpuInputs(n, tc.gen)
		if err := a.Upload(xs); err != nil {
			b.Fatal(err)
		}
		if err := y.Upload(ys); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			k := gputest.Kernel(b, c, gpuKernel, vk.KernelSpec{Name: "pmath_" + tc.name, Buffers: 3, PushBytes: 4, Spec: []uint32{uint32(fn)}})
			bound, err := k.Bind(a, y, out)
			if err != nil {
				b.Fatal(err)
			}
			seq, err := c.NewSequence("pmath", false)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(seq.Close)
			if err := seq.Dispatch(bound, []uint32{n}, vk.Groups(n, 64)); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := seq.Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/element")
		})
	}
}
