package gpu

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models/ir"
)

// localSize is the work-group size of every kernel. A neuron work group
// covers exactly two words of a spike record.
const localSize = 64

// rowBlock is the number of synapses of a row one scatter thread walks: a
// row is split into blocks along the second dispatch dimension. Lavapipe
// ends every loop of an invocation once the loops together ran 65,535
// iterations (one counter for all loops, so nesting loops does not help),
// and the walk is the only loop of a scatter kernel.
const rowBlock = 32768

// header is the start of every kernel: extensions, the portable math, the
// random generator, the IR helpers and the fixed-point conversions of
// host.ToFixed and host.AddFixed.
const header = `#version 450
#extension GL_ARB_gpu_shader_int64 : require
%s
#include "pmath.glsl"
#include "philox.glsl"
` + ir.GLSLHelpers + `
// spk_fixed is host.ToFixed: x * 2^32 clamped to ±2^62 (NaN to -2^62),
// truncated toward zero.
int64_t spk_fixed(float x) {
	precise float y = x * uintBitsToFloat(0x4f800000u);
	float lim = uintBitsToFloat(0x5e800000u);
	y = y > -lim ? y : -lim;
	y = y < lim ? y : lim;
	return int64_t(y);
}

// spk_add_fixed is host.AddFixed: x + float(a) * 2^-32, each result
// flushed like the IR's sums.
float spk_add_fixed(float x, int64_t a) {
	precise float f = ir_flush(float(a) * uintBitsToFloat(0x2f800000u));
	precise float s = x + f;
	return ir_flush(s);
}

layout(local_size_x = 64) in;
layout(push_constant) uniform Push { uint row; } pc;
`

// binding is one storage buffer of a kernel: the device buffer bound to it,
// by name, and how the source declares it.
type binding struct {
	name      string // e.g. "vars"; the loader binds the buffer of that name
	qualifier string // "readonly " or ""
	block     string // e.g. "float vars[];"
}

// layout is the storage buffers of a kernel, in binding order. A source
// generator picks it from the buffers its kind of kernel may bind; the
// source declares it and the loader binds it, so that both follow one list.
type layout []binding

// ring32 returns l with the delay ring declared as 32-bit words, the low
// then the high word of each int64 slot, for kernels that add into it with
// 32-bit atomics (Options.Ring32): the buffer's bytes stay those of an
// int64 array.
func (l layout) ring32() layout {
	out := slices.Clone(l)
	for k := range out {
		if out[k].name == "ring" {
			out[k].block = "uint ring[];"
		}
	}
	return out
}

// ringAdd32 adds the int64 v into slot o of a ring of 32-bit words: the
// carry of the low word's atomic add goes into the high word's, so that
// the sum is exact in any order, as the 64-bit atomic add's.
const ringAdd32 = `void spk_ring_add(uint o, int64_t v) {
	uvec2 p = unpackUint2x32(uint64_t(v));
	uint old = atomicAdd(ring[2u * o], p.x);
	atomicAdd(ring[2u * o + 1u], p.y + (old + p.x < old ? 1u : 0u));
}
`

// only returns the bindings of l that use names, in the order of l.
func (l layout) only(use map[string]bool) layout {
	var out layout
	for _, x := range l {
		if use[x.name] {
			out = append(out, x)
		}
	}
	return out
}

// has reports whether l binds the buffer named name.
func (l layout) has(name string) bool {
	return slices.ContainsFunc(l, func(x binding) bool { return x.name == name })
}

// declare writes the buffer declarations, bindings 0, 1, … in order.
func (l layout) declare(b *strings.Builder) {
	for k, d := range l {
		fmt.Fprintf(b, "layout(std430, binding = %d) %sbuffer B%d { %s };\n", k, d.qualifier, k, d.block)
	}
}

// buffers returns the device buffers of l in binding order, each by its
// name from bufs.
func (l layout) buffers(bufs map[string]vk.Binding) []vk.Binding {
	out := make([]vk.Binding, len(l))
	for k, x := range l {
		buf, ok := bufs[x.name]
		if !ok {
			panic("gpu: no device buffer for binding " + x.name)
		}
		out[k] = buf
	}
	return out
}

// floatLiteral writes k by its bits, so that GLSL reads exactly that float32.
func floatLiteral(k float32) string {
	return fmt.Sprintf("uintBitsToFloat(0x%08xu)", math.Float32bits(k))
}

// keyLiteral writes a Philox key as a uvec2.
func keyLiteral(k philox.Key) string {
	return fmt.Sprintf("uvec2(0x%08xu, 0x%08xu)", k[0], k[1])
}

// usedInputs reports which inputs of p it reads (ir.Program.Uses): a
// program keeps every input of its model, and the kernels read only these.
func usedInputs(p *ir.Program) []bool {
	used := make([]bool, len(p.Inputs))
	for k := range used {
		used[k] = p.Uses(k)
	}
	return used
}

// pathwayInputs returns the GLSL expression of every input of a synapse
// program (on_pre, on_post or the per-step program) named what: "t_now"
// for the time, x_pre and x_post from the pre- and postsynaptic groups'
// arrays (buffer preBuf at index preIndex, postBuf at postIndex), other
// names from the projection's arrays at synapse k. Inputs the program
// never reads become 0.0. It also reports which buffers the expressions
// index: the kernel needs those.
func pathwayInputs(prog *ir.Program, what string, syn, pre, post *arrays, preBuf, preIndex, postBuf, postIndex string) ([]string, pathwayReads, error) {
	used := usedInputs(prog)
	inputs := make([]string, len(prog.Inputs))
	var reads pathwayReads
	for k, name := range prog.Inputs {
		e, ok, reads1 := "t_now", true, (*bool)(nil)
		switch {
		case name == host.InputTime:
		case strings.HasSuffix(name, host.SuffixPre):
			e, ok = pre.read(strings.TrimSuffix(name, host.SuffixPre), preBuf, preIndex)
			reads1 = &reads.pre
		case strings.HasSuffix(name, host.SuffixPost):
			e, ok = post.read(strings.TrimSuffix(name, host.SuffixPost), postBuf, postIndex)
			reads1 = &reads.post
		default:
			e, ok = syn.read(name, "syn", "k")
			reads1 = &reads.syn
		}
		if !ok {
			return nil, reads, fmt.Errorf("%s has input %q, which is neither a projection array nor an array of the pre- or postsynaptic group", what, name)
		}
		if !used[k] {
			e = "0.0"
		}
		if reads1 != nil && strings.Contains(e, "[") { // not a constant or unread
			*reads1 = true
		}
		inputs[k] = e
	}
	return inputs, reads, nil
}

// pathwayReads says which buffers the inputs of a synapse program index:
// the presynaptic group's, the postsynaptic group's, the projection's.
type pathwayReads struct{ pre, post, syn bool }

// sink is the local that receives outputs no array keeps.
const sink = "spk_sink"

// arrays indexes the arrays of a group or a projection: the slot of each
// non-Const array in the packed buffer, and every array by name.
type arrays struct {
	byName map[string]*host.Array
	slot   map[string]int
	n      int // elements per array
}

func newArrays(list []host.Array, n int) (*arrays, error) {
	a := &arrays{byName: map[string]*host.Array{}, slot: map[string]int{}, n: n}
	for k := range list {
		x := &list[k]
		if _, dup := a.byName[x.Name]; dup {
			return nil, fmt.Errorf("array %q appears twice", x.Name)
		}
		if len(x.Init) != n {
			return nil, fmt.Errorf("array %q has %d values for %d elements", x.Name, len(x.Init), n)
		}
		a.byName[x.Name] = x
		if !x.Const {
			a.slot[x.Name] = len(a.slot)
			continue
		}
		for _, v := range x.Init {
			if math.Float32bits(v) != math.Float32bits(x.Init[0]) {
				return nil, fmt.Errorf("array %q is marked Const but its values differ", x.Name)
			}
		}
	}
	return a, nil
}

// read returns the GLSL expression for array name at element index of
// buffer buf, and whether the array exists.
func (a *arrays) read(name, buf, index string) (string, bool) {
	x, ok := a.byName[name]
	if !ok {
		return "", false
	}
	if x.Const {
		if len(x.Init) == 0 {
			return floatLiteral(0), true
		}
		return floatLiteral(x.Init[0]), true
	}
	return fmt.Sprintf("%s[%du + %s]", buf, a.slot[name]*a.n, index), true
}

// write returns the lvalue for output k of p when it is named like an
// array: the sink for an unchanged value, an error for a Const array.
func (a *arrays) write(p *ir.Program, k int, buf, index string) (string, bool, error) {
	name := p.Outputs[k].Name
	x, ok := a.byName[name]
	if !ok {
		return "", false, nil
	}
	if !host.Writes(p, name) {
		return sink, true, nil
	}
	if x.Const {
		return "", true, fmt.Errorf("array %q is marked Const but the program writes it", name)
	}
	return fmt.Sprintf("%s[%du + %s]", buf, a.slot[name]*a.n, index), true, nil
}

// programGLSL is prog in GLSL, reading input k from the expression
// inputs[k] and writing output k to the lvalue outputs[k], its random
// draws keyed by the plan's seed, stream, the element index (a GLSL
// expression) and the step.
func programGLSL(p *host.Plan, prog *ir.Program, inputs, outputs []string, stream uint32, index string) string {
	return prog.GLSL(ir.GLSLEnv{
		Input:  func(k int) string { return inputs[k] },
		Output: func(k int) string { return outputs[k] },
		Key:    keyLiteral(p.Seed), Stream: fmt.Sprintf("%du", stream), Index: index, Step: "step",
		Prefix: "r",
	})
}

// neuronBindings are the buffers a neuron kernel may bind, in binding
// order.
var neuronBindings = layout{
	{"clock", "readonly ", "uint clock_base;"},
	{"spikes", "", "uint count[2]; uint list[];"},
	{"record", "", "uint record[];"},
	{"fault", "", "uint fault[];"},
	{"vars", "", "float vars[];"},
	{"ring", "", "int64_t ring[];"},
	{"smap", "readonly ", "uint smap[];"},
	{"samples", "", "float samples[];"},
	{"series", "readonly ", "float series[];"},
}

// neuronSource is the kernel of step 1 of host.Plan for group dg: one
// thread per neuron adds and clears the ring slots of its targets, writes
// the samples of the group's records, runs the step program, appends spikes
// to the list of this step's parity, checks its state for faults (see
// record.go) and builds the step's spike record in shared memory. It
// returns the source and the buffers it binds.
func neuronSource(p *host.Plan, dg *group, ring32 bool) (string, layout, error) {
	g, a := dg.plan, dg.arrays
	prog := g.Step
	used := usedInputs(prog)
	inputs := make([]string, len(prog.Inputs))
	for k, name := range prog.Inputs {
		switch name {
		case host.InputTime:
			inputs[k] = "t_now"
		case host.InputIndex:
			inputs[k] = "float(i)"
		case host.InputSize:
			inputs[k] = floatLiteral(float32(g.N))
		default:
			if e, ok := seriesRead(g, name); ok {
				inputs[k] = e
				break
			}
			e, ok := a.read(name, "vars", "i")
			if !ok {
				return "", nil, fmt.Errorf("the step program has input %q, which is not an array of the group", name)
			}
			inputs[k] = e
		}
		if !used[k] {
			inputs[k] = "0.0"
		}
	}
	outputs := make([]string, len(prog.Outputs))
	for k, o := range prog.Outputs {
		if o.Name == host.OutputSpike {
			outputs[k] = "spike"
			continue
		}
		lv, ok, err := a.write(prog, k, "vars", "i")
		if err != nil {
			return "", nil, err
		}
		if !ok {
			lv = sink
		}
		outputs[k] = lv
	}
	body := programGLSL(p, prog, inputs, outputs, g.Stream, "i")

	recs := len(dg.recs) > 0
	l := neuronBindings.only(map[string]bool{"clock": true, "spikes": true, "record": true, "fault": true,
		"vars": len(a.slot) > 0, "ring": len(g.Targets) > 0, "smap": recs, "samples": recs, "series": len(g.Series) > 0})
	if ring32 {
		l = l.ring32()
	}
	var b strings.Builder
	fmt.Fprintf(&b, header, "")
	l.declare(&b)
	if hasTable(g) {
		b.WriteString(tableSource)
	}
	fmt.Fprintf(&b, `shared uint words[2];
shared uint base;
void main() {
	const uint N = %du;
	const uint W = %du;
	const uint RING = %du;
	uint i = gl_GlobalInvocationID.x;
	uint lid = gl_LocalInvocationID.x;
	uint step = clock_base + pc.row;
	bool spiked = false;
	if (lid < 2u) {
		words[lid] = 0u;
	}
	memoryBarrierShared();
	barrier();
	if (i == 0u) {
		count[(step + 1u) & 1u] = 0u;
	}
	if (i < N) {
		uint slot = step %% RING;
`, g.N, host.Words(g.N), g.Ring)
	for x, name := range g.Targets {
		v, _ := a.read(name, "vars", "i")
		if ring32 {
			fmt.Fprintf(&b, "\t\t{\n\t\t\tuint o = (%du + slot) * N + i;\n\t\t\t%s = spk_add_fixed(%s, int64_t(packUint2x32(uvec2(ring[2u * o], ring[2u * o + 1u]))));\n\t\t\tring[2u * o] = 0u;\n\t\t\tring[2u * o + 1u] = 0u;\n\t\t}\n",
				x*g.Ring, v, v)
			continue
		}
		fmt.Fprintf(&b, "\t\t{\n\t\t\tuint o = (%du + slot) * N + i;\n\t\t\t%s = spk_add_fixed(%s, ring[o]);\n\t\t\tring[o] = int64_t(0);\n\t\t}\n",
			x*g.Ring, v, v)
	}
	b.WriteString(sampleCode(dg, false))
	fmt.Fprintf(&b, `		precise float t_now = float(step) * %s;
		float spike = 0.0;
		float %s;
%s%s		if (spike != 0.0) {
			spiked = true;
			atomicOr(words[lid >> 5u], 1u << (lid & 31u));
		}
%s	}
	memoryBarrierShared();
	barrier();
	if (lid < 2u) {
		uint w = gl_WorkGroupID.x * 2u + lid;
		if (w < W) {
			record[pc.row * W + w] = words[lid];
		}
	}
	// The work group's spikes take one place in the list, with one
	// atomic, in the order of their neurons.
	if (lid == 0u) {
		uint n = bitCount(words[0]) + bitCount(words[1]);
		base = n > 0u ? atomicAdd(count[step & 1u], n) : 0u;
	}
	memoryBarrierShared();
	barrier();
	if (spiked) {
		uint below = lid < 32u ? bitCount(words[0] & ((1u << lid) - 1u))
			: bitCount(words[0]) + bitCount(words[1] & ((1u << (lid - 32u)) - 1u));
		list[base + below] = i;
	}
}
`, floatLiteral(float32(p.DT)), sink, indent(body, "\t\t"), sampleCode(dg, true), faultCode(dg))
	return b.String(), l, nil
}

// scatterBindings are the buffers a scatter kernel may bind, in binding
// order.
var scatterBindings = layout{
	{"clock", "readonly ", "uint clock_base;"},
	{"spikes", "readonly ", "uint count[2]; uint list[];"},
	{"rowptr", "readonly ", "uint rowptr[];"},
	{"target", "readonly ", "uint target[];"},
	{"delays", "readonly ", "uint delays[];"},
	{"syn", "", "float syn[];"},
	{"pre", "readonly ", "float pre[];"},
	{"post", "readonly ", "float post[];"},
	{"ring", "", "int64_t ring[];"},
}

// scatterSource is the kernel of step 2 of host.Plan for projection pp:
// thread (n, b) walks block b of the CSR row of spike n of the Pre group,
// runs OnPre for each synapse and adds its effects to the Post group's
// ring. With coop, work group (n, b) does, each of its threads taking
// every localSize-th synapse of a block localSize times as long. It
// returns the source and the buffers it binds.
func scatterSource(p *host.Plan, pp *host.ProjectionPlan, syn, pre, post *arrays, ring32, coop bool) (string, layout, error) {
	prog := pp.OnPre
	postGroup := p.Groups[pp.Post]
	same := pp.Pre == pp.Post
	rows := pp.Rows
	use := map[string]bool{"clock": true, "spikes": true, "rowptr": rows == nil, "target": rows == nil,
		"delays": pp.Delays != nil, "syn": len(syn.slot) > 0, "pre": len(pre.slot) > 0, "post": !same && len(post.slot) > 0}
	postBuf := "post"
	if same {
		postBuf = "pre"
	}
	inputs, _, err := pathwayInputs(prog, "OnPre", syn, pre, post, "pre", "j", postBuf, "tgt")
	if err != nil {
		return "", nil, err
	}
	outputs := make([]string, len(prog.Outputs))
	var decls, effects strings.Builder
	for k, o := range prog.Outputs {
		if strings.HasSuffix(o.Name, "+=") {
			target, ok := strings.CutSuffix(o.Name, host.SuffixEffect)
			if !ok {
				return "", nil, fmt.Errorf("OnPre output %q: only postsynaptic increments (x%s) are supported", o.Name, host.SuffixEffect)
			}
			x := slices.Index(postGroup.Targets, target)
			if x < 0 {
				return "", nil, fmt.Errorf("OnPre increments %q, which is not a target of group %q", target, postGroup.Name)
			}
			use["ring"] = true
			outputs[k] = fmt.Sprintf("eff%d", k)
			fmt.Fprintf(&decls, "\t\tfloat eff%d;\n", k)
			add := "atomicAdd(ring[%s], %s);"
			if ring32 {
				add = "spk_ring_add(%s, %s);"
			}
			fmt.Fprintf(&effects, "\t\t"+add+"\n", fmt.Sprintf("(%du + slot) * NPOST + tgt", x*postGroup.Ring), fmt.Sprintf("spk_fixed(eff%d)", k))
			continue
		}
		lv, ok, err := syn.write(prog, k, "syn", "k")
		if err != nil {
			return "", nil, err
		}
		if !ok {
			lv = sink
		}
		outputs[k] = lv
	}
	body := programGLSL(p, prog, inputs, outputs, pp.Stream, "k")
	delay := fmt.Sprintf("%du", pp.Delay)
	if use["delays"] {
		delay = "(delays[k >> 1u] >> ((k & 1u) << 4u)) & 0xffffu"
	}

	l := scatterBindings.only(use)
	var b strings.Builder
	if ring32 && use["ring"] {
		l = l.ring32()
		fmt.Fprintf(&b, header, "")
		l.declare(&b)
		b.WriteString(ringAdd32)
	} else {
		fmt.Fprintf(&b, header, "#extension GL_EXT_shader_atomic_int64 : require")
		l.declare(&b)
	}
	if rows != nil {
		fmt.Fprintf(&b, proceduralScatter, postGroup.N, postGroup.Ring, rows.PreLo, rows.NPre, rows.NPost, rows.PostLo,
			exclusionGLSL(rows), keyLiteral(rows.Key), rows.Stream, floatLiteral(rows.Scale), delay, floatLiteral(float32(p.DT)), sink)
		fmt.Fprintf(&b, "%s%s%s\t}\n}\n", decls.String(), indent(body, "\t\t"), effects.String())
		return b.String(), l, nil
	}
	spike, lane, stride, block := "gl_GlobalInvocationID.x", "0u", "1u", rowBlock
	if coop {
		spike, lane, stride, block = "gl_WorkGroupID.x", "gl_LocalInvocationID.x", fmt.Sprintf("%du", localSize), rowBlock*localSize
	}
	fmt.Fprintf(&b, `void main() {
	const uint NPOST = %du;
	const uint RING = %du;
	uint n = %s;
	uint step = clock_base + pc.row;
	if (n >= count[step & 1u]) {
		return;
	}
	uint j = list[n];
	uint first = rowptr[j] + gl_WorkGroupID.y * %du;
	uint last = rowptr[j + 1u];
	if (first >= last) {
		return;
	}
	uint end = last - first > %du ? first + %du : last;
	uint slot0 = step %% RING;
	for (uint k = first + %s; k < end; k += %s) {
		uint tgt = target[k];
		uint d = %s;
		uint slot = (slot0 + 1u + d) %% RING;
		precise float t_now = float(step + d) * %s;
		float %s;
`, postGroup.N, postGroup.Ring, spike, block, block, block, lane, stride, delay, floatLiteral(float32(p.DT)), sink)
	fmt.Fprintf(&b, "%s%s%s\t}\n}\n", decls.String(), indent(body, "\t\t"), effects.String())
	return b.String(), l, nil
}

// proceduralScatter is the start of the scatter kernel of a procedural
// projection (host.Rows): thread n draws the row of spike n as
// host.Rows.Row does, word by word (philox, ph_uniform_open, pm_log,
// geometric skipping), and runs OnPre for each synapse it finds; its
// synapse index k is 0, where every synapse array is a constant.
const proceduralScatter = `void main() {
	const uint NPOST = %du;
	const uint RING = %du;
	const uint PRELO = %du;
	const uint NPRE = %du;
	const int64_t M = int64_t(%du);
	const uint POSTLO = %du;
	uint n = gl_GlobalInvocationID.x;
	uint step = clock_base + pc.row;
	if (n >= count[step & 1u]) {
		return;
	}
	uint j = list[n];
	uint r = j - PRELO;
	if (j < PRELO || r >= NPRE) {
		return;
	}
	int64_t f = %s;
	int64_t m = f >= 0 ? M - 1 : M;
	int64_t v = -1;
	uvec4 words = uvec4(0u);
	uint slot0 = step %% RING;
	uint k = 0u;
	for (uint w = 0u; ; w++) {
		if ((w & 3u) == 0u) {
			words = ph_draw(%s, %du, r, w >> 2u, 0u);
		}
		precise float gap = pm_log(ph_uniform_open(words[w & 3u])) * %s;
		if (gap >= 4294967296.0) {
			break;
		}
		v += 1 + int64_t(gap);
		if (v >= m) {
			break;
		}
		uint tgt = uint(f >= 0 && v >= f ? v + 1 : v) + POSTLO;
		uint d = %s;
		uint slot = (slot0 + 1u + d) %% RING;
		precise float t_now = float(step + d) * %s;
		float %s;
`

// exclusionGLSL is the GLSL expression, in the row r of the range, of the
// postsynaptic neuron (of the range) that host.Rows leaves out, or -1.
func exclusionGLSL(rows *host.Rows) string {
	if !rows.Excluded {
		return "-1"
	}
	return fmt.Sprintf("int64_t(r) + %d >= 0 && int64_t(r) + %d < M ? int64_t(r) + %d : -1", rows.Shift, rows.Shift, rows.Shift)
}

// indent prefixes every line of s with tab.
func indent(s, tab string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString(tab)
		b.WriteString(line)
	}
	return b.String()
}
