package models

import (
	"fmt"
	"math"
	"math/rand/v2"
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
		Prefix: "t",
	})
	return `#version 450
#include "pmath.glsl"
` + ir.GLSLHelpers + `
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer Vars { float vars[]; };
layout(std430, binding = 1) buffer Spikes { uint count[]; };
layout(push_constant) uniform P { uint n; float t; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i >= pc.n) return;
	float spike;
` + body + `	count[i] += uint(spike);
}
`
}

// exactnessModels are models with the dynamics of the built-in library,
// each with ranges for random initial states and parameters.
var exactnessModels = []struct {
	name   string
	spec   NeuronSpec
	ranges map[string][2]float32
}{
	{"conductance LIF (COBA)", NeuronSpec{
		Equations: `dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v) + I)/C : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
gl : siemens
El : volt
Ee : volt
Ei : volt
I : amp
C : farad
taue : second
taui : second`,
		Threshold: "v > -50*mV", Reset: "v = -60*mV", Refractory: "5*ms"},
		map[string][2]float32{"v": {-70, -45}, "ge": {0, 20}, "gi": {0, 80}, "gl": {8, 12}, "El": {-62, -58}, "Ee": {0, 0},
			"Ei": {-80, -80}, "I": {100, 250}, "C": {180, 220}, "taue": {5, 5}, "taui": {10, 10}}},
	{"AdEx", NeuronSpec{
		Equations: `dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) - w + I)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
gL : siemens
EL : volt
DeltaT : volt
VT : volt
a : siemens
tauw : second
I : amp
C : farad
b : amp
Vr : volt`,
		Threshold: "v > 0*mV", Reset: "v = Vr; w += b"},
		map[string][2]float32{"v": {-70, -50}, "w": {0, 50}, "gL": {10, 30}, "EL": {-72, -68}, "DeltaT": {1.5, 2.5}, "VT": {-52, -48},
			"a": {0, 4}, "tauw": {20, 300}, "I": {400, 900}, "C": {150, 300}, "b": {0, 80}, "Vr": {-60, -45}}},
	{"Izhikevich", NeuronSpec{
		Equations: `dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I)/ms : volt
du/dt = a*(b*v - u)/ms : volt
a : 1
b : 1
c : volt
d : volt
I : volt`,
		Threshold: "v >= 30*mV", Reset: "v = c; u += d", Method: "euler"},
		map[string][2]float32{"v": {-70, -60}, "u": {-15, -10}, "a": {0.02, 0.1}, "b": {0.2, 0.25}, "c": {-65, -50}, "d": {2, 8}, "I": {5, 15}}},
	{"Hodgkin–Huxley (Traub–Miles)", NeuronSpec{
		Equations: `dv/dt = (gl*(El - v) - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms*(1 - m) - 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms*(1 - n) - 0.5*exp((10*mV - v + VT)/(40*mV))/ms*n : 1
dh/dt = 0.128*exp((17*mV - v + VT)/(18*mV))/ms*(1 - h) - 4/(1 + exp((40*mV - v + VT)/(5*mV)))/ms*h : 1
gl : siemens
El : volt
g_na : siemens
g_kd : siemens
ENa : volt
EK : volt
VT : volt
I : amp
Cm : farad`,
		Threshold: "v > -20*mV and v < 0*mV"},
		map[string][2]float32{"v": {-70, -55}, "m": {0, 0.1}, "n": {0, 0.1}, "h": {0.5, 1}, "gl": {9, 11}, "El": {-60, -60}, "g_na": {19000, 21000},
			"g_kd": {5500, 6500}, "ENa": {50, 50}, "EK": {-90, -90}, "VT": {-63, -63}, "I": {0, 800}, "Cm": {190, 210}}},
}

// TestGPUExactness runs each model for 10^4 steps from random states and
// parameters on the CPU and on the Vulkan device: states and spike counts
// must be identical bit for bit.
func TestGPUExactness(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	const size, steps, dt = 200, 10000, 0.1
	for mi, m := range exactnessModels {
		t.Run(m.name, func(t *testing.T) {
			spec := m.spec
			spec.DT = dt
			n, err := Compile(spec)
			if err != nil {
				t.Fatal(err)
			}
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
					default:
						lo, hi := m.ranges[name][0], m.ranges[name][1]
						v[i] = lo + float32(r.Float64())*(hi-lo)
					}
				}
				vals[name] = v
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
			k := gputest.Kernel(t, c, stepKernel(n), vk.KernelSpec{Name: "step", Buffers: 2, PushBytes: 8})
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
					N uint32
					T float32
				}{size, float32(float64(s) * dt)}
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
			t.Logf("%s (%s): %d spikes from %d neurons in %d steps", m.name, n.Method, total, size, steps)
			if total == 0 {
				t.Error("no neuron spiked: the comparison covers no threshold or reset")
			}
		})
	}
}
