package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/models/ir"
)

// stepKernel wraps a neuron's step program in a compute shader. Every
// input lives in one structure-of-arrays buffer (input k of neuron i at
// k*n + i); outputs named like an input overwrite it, and the spike output
// adds to a per-neuron count. The time comes as a push constant.
func stepKernel(n *Neuron) string {
	p := n.Step
	body := p.GLSL(ir.GLSLEnv{
		Input: func(k int) string {
			if p.Inputs[k] == InputTime {
				return "pc.t"
			}
			return fmt.Sprintf("vars[%du * pc.n + i]", k)
		},
		Output: func(k int) string {
			name := p.Outputs[k].Name
			if name == OutputSpike {
				return "spike"
			}
			return fmt.Sprintf("vars[%du * pc.n + i]", slices.Index(p.Inputs, name))
		},
		Key: "uvec2(1u, 0u)", Stream: "0u", Index: "i", Step: "pc.step",
		Prefix: "t",
	})
	return `#version 450
#include "pmath.glsl"
#include "philox.glsl"
` + ir.GLSLHelpers + `
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer Vars { float vars[]; };
layout(std430, binding = 1) buffer Spikes { uint count[]; };
layout(push_constant) uniform P { uint n; float t; uint step; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) return;
	float spike;
` + body + `	count[i] += uint(spike);
}
`
}

// testDrive is the range of the input I each built-in gets in the
// exactness test, chosen so that spiking models spike.
var testDrive = map[string][2]float32{
	"lif_cuba_exp": {350, 700}, "lif_coba_exp": {80, 300}, "lif_coba_alpha": {200, 500}, "adex": {400, 1000},
	"izhikevich": {3, 15}, "adex_noise": {300, 700}, "hh_traub": {0, 800}, "fitzhugh_nagumo": {0.2, 1.6}, "rate_sigmoid": {0, 1},
	"hh_1952": {0.05, 0.2}, // A/m², 5 to 20 uA/cm²

	"gif_psc_exp":         {150, 500},
	"gif_cond_exp":        {150, 500},
	"lif_two_compartment": {1000, 3000},

	"ball_and_stick": {700, 1500}, // pA into the soma; rheobase near 820 pA
	"manor_io":       {-10, 10},   // pA; subthreshold, never spikes
}

// TestGPUExactness runs every built-in model for 10^4 steps on the CPU and
// on the Vulkan device, from its defaults and initial values each spread by
// ±10% per neuron and with a random drive: states and spike counts must be
// identical bit for bit.
func TestGPUExactness(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	const size, steps, dt = 200, 10000, 0.1
	files, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/adex_noise.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := ParseFile("testdata/adex_noise.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, noisy)
	for mi, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			m, err := Check(f, dt)
			if err != nil {
				t.Fatal(err)
			}
			n := m.Neuron
			r := rand.New(rand.NewPCG(uint64(mi), 99))
			p := n.Step
			vals := map[string][]float32{}
			for _, name := range p.Inputs {
				v := make([]float32, size)
				for i := range v {
					switch name {
					case InputIndex:
						v[i] = float32(i)
					case InputTime, Refractory:
					case "I":
						lo, hi := testDrive[f.Name][0], testDrive[f.Name][1]
						v[i] = lo + float32(r.Float64())*(hi-lo)
					default:
						x, ok := m.Defaults[name]
						if !ok {
							x = m.Initial[name]
						}
						v[i] = x * float32(0.9+0.2*r.Float64())
					}
				}
				vals[name] = v
			}
			derived, err := n.Derive(size, vals)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range derived {
				vals[k] = v
			}
			flat := make([]float32, 0, len(p.Inputs)*size)
			for _, name := range p.Inputs {
				flat = append(flat, vals[name]...)
			}
			varsBuf := gputest.Buffer[float32](t, c, "vars", len(flat), vk.DeviceLocal)
			countBuf := gputest.Buffer[uint32](t, c, "count", size, vk.DeviceLocal)
			if err := varsBuf.Upload(flat); err != nil {
				t.Fatal(err)
			}
			if err := countBuf.Upload(make([]uint32, size)); err != nil {
				t.Fatal(err)
			}
			k := gputest.Kernel(t, c, stepKernel(n), vk.KernelSpec{Name: "step", Buffers: 2, PushBytes: 12})
			bound, err := k.Bind(varsBuf, countBuf)
			if err != nil {
				t.Fatal(err)
			}
			seq, err := c.NewSequence("steps", false)
			if err != nil {
				t.Fatal(err)
			}
			defer seq.Close()
			for s := range steps {
				push := struct {
					N    uint32
					T    float32
					Step uint32
				}{size, float32(float64(s) * dt), uint32(s)}
				if err := seq.Dispatch(bound, push, vk.Groups(size, 64)); err != nil {
					t.Fatal(err)
				}
			}
			if err := seq.Run(); err != nil {
				t.Fatal(err)
			}
			gotVars, err := varsBuf.Download()
			if err != nil {
				t.Fatal(err)
			}
			gotCount, err := countBuf.Download()
			if err != nil {
				t.Fatal(err)
			}

			final, spikes := sim(t, n, dt, size, steps, vals, nil)
			total := 0
			for i := range size {
				total += len(spikes[i])
				if gotCount[i] != uint32(len(spikes[i])) {
					t.Errorf("neuron %d: %d spikes on the GPU, %d on the CPU", i, gotCount[i], len(spikes[i]))
				}
				for _, v := range n.States {
					g := gotVars[slices.Index(p.Inputs, v.Name)*size+i]
					w := final[v.Name][i]
					if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
						t.Errorf("neuron %d: %s = %v on the GPU, %v on the CPU", i, v.Name, g, w)
					}
				}
			}
			t.Logf("%s (%s): %d spikes from %d neurons in %d steps", f.Name, n.Method, total, size, steps)
			if total == 0 && f.Threshold != "" {
				t.Error("no neuron spiked: the comparison covers no threshold or reset")
			}
		})
	}
}
