package gpu

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// gatherLimit is the longest column (or row) a gather thread walks: the
// walk is its only loop, and lavapipe ends every loop of an invocation once
// the loops together ran 65,535 iterations. A longer line is an error
// rather than a two-level sum, which would change the order of the
// additions: lines that long are far beyond gap-junction networks.
const gatherLimit = 65535

// stepKernels are the kernels of step 0 of host.Plan for a projection with
// Step. When Step has clock-driven variables, or its code loops (random
// draws, division, square roots…, whose loops count against gatherLimit),
// a terms kernel, one thread per synapse, runs Step, writes the new
// values of the clock-driven variables and keeps every synapse's terms
// (4 B per synapse and summed variable); the gathers then only add them
// up. Otherwise each gather evaluates the terms itself as it walks. There
// is one gather per side with summed variables, one thread per neuron of
// that side's group, walking its column (post) or row (pre) in order of
// synapse id: the sums are those of the CPU reference bit for bit.
type stepKernels struct {
	terms        *vk.Bound // nil: the gathers evaluate Step
	termGroups   [3]uint32
	gathers      []*vk.Bound
	gatherGroups [][3]uint32
}

// stepKind is what a step-0 kernel does.
type stepKind int

const (
	termsKernel stepKind = iota // thread per synapse k: runs Step, keeps the terms
	gatherPost                  // thread per postsynaptic neuron i: sums along column i
	gatherPre                   // thread per presynaptic neuron j: sums along row j
)

// stepBindings are the buffers a step-0 kernel may bind, in binding order.
var stepBindings = layout{
	{"clock", "readonly ", "uint clock_base;"},
	{"ptr", "readonly ", "uint ptr[];"},
	{"line", "readonly ", "uint line[];"},
	{"target", "readonly ", "uint target[];"},
	{"preof", "readonly ", "uint preof[];"},
	{"syn", "", "float syn[];"},
	{"terms", "", "float terms[];"},
	{"pre", "", "float pre[];"},
	{"post", "", "float post[];"},
}

// stepSource writes the kernel of kind for projection pp; inline says
// whether a gather evaluates Step itself. It returns the source and the
// buffers it binds.
func stepSource(p *host.Plan, pp *host.ProjectionPlan, kind stepKind, inline bool, syn, pre, post *arrays) (string, layout, error) {
	prog := pp.Step
	use := map[string]bool{"clock": true, "ptr": kind != termsKernel, "line": kind == gatherPost}
	same := pp.Pre == pp.Post
	preBuf, postBuf := "pre", "post"
	if same {
		postBuf = "pre"
	}
	side := map[stepKind]string{gatherPost: "post", gatherPre: "pre"}[kind]
	evaluates := kind == termsKernel || inline
	var body, pre0, accs, adds, stores strings.Builder
	sums := 0 // summed outputs so far, the slot of each in terms
	outputs := make([]string, len(prog.Outputs))
	for k, o := range prog.Outputs {
		s, x, ok := host.Summed(o.Name)
		if !ok {
			outputs[k] = sink
			if kind == termsKernel {
				lv, ok, err := syn.write(prog, k, "syn", "k")
				if err != nil {
					return "", nil, err
				}
				if !ok {
					return "", nil, fmt.Errorf("Step output %q names no array of the projection", o.Name)
				}
				outputs[k] = lv
				use["syn"] = use["syn"] || lv != sink
			}
			continue
		}
		m := sums
		sums++
		term := fmt.Sprintf("terms[%du + k]", m*pp.Synapses())
		switch {
		case kind == termsKernel:
			outputs[k], use["terms"] = term, true
		case s != side:
			outputs[k] = sink
		default:
			g, buf := post, postBuf
			if s == "pre" {
				g, buf = pre, preBuf
			}
			a, ok := g.byName[x]
			if !ok || a.Const {
				return "", nil, fmt.Errorf("Step output %q: summed variable %q is not a non-Const array of group %q", o.Name, x, p.Groups[map[string]int{"pre": pp.Pre, "post": pp.Post}[s]].Name)
			}
			use[buf] = true
			outputs[k] = fmt.Sprintf("term%d", m)
			fmt.Fprintf(&accs, "\tprecise float acc%d = 0.0;\n", m)
			if !inline {
				use["terms"] = true
				fmt.Fprintf(&pre0, "\t\tfloat term%d = %s;\n", m, term)
			} else {
				fmt.Fprintf(&pre0, "\t\tfloat term%d;\n", m)
			}
			fmt.Fprintf(&adds, "\t\tacc%d = ir_flush(acc%d + term%d);\n", m, m, m)
			if slices.Contains(pp.Adds, o.Name) {
				fmt.Fprintf(&stores, "\t%s[%du + me] = ir_flush(%s[%du + me] + acc%d);\n", buf, g.slot[x]*g.n, buf, g.slot[x]*g.n, m)
			} else {
				fmt.Fprintf(&stores, "\t%s[%du + me] = acc%d;\n", buf, g.slot[x]*g.n, m)
			}
		}
	}
	if evaluates {
		inputs, reads, err := pathwayInputs(prog, "Step", syn, pre, post, preBuf, "pj", postBuf, "tgt")
		if err != nil {
			return "", nil, err
		}
		use[preBuf] = use[preBuf] || reads.pre
		use["preof"] = use["preof"] || reads.pre && kind != gatherPre
		use[postBuf] = use[postBuf] || reads.post
		use["target"] = use["target"] || reads.post && kind != gatherPost
		use["syn"] = use["syn"] || reads.syn
		body.WriteString(programGLSL(p, prog, inputs, outputs, pp.StepStream, "k"))
	}
	locals := "\t\tfloat " + sink + ";\n"
	if use["preof"] {
		locals += "\t\tuint pj = preof[k];\n"
	} else if kind == gatherPre {
		locals += "\t\tuint pj = me;\n"
	}
	if use["target"] {
		locals += "\t\tuint tgt = target[k];\n"
	} else if kind == gatherPost {
		locals += "\t\tuint tgt = me;\n"
	}

	l := stepBindings.only(use)
	var b strings.Builder
	fmt.Fprintf(&b, header, "")
	l.declare(&b)
	n := map[stepKind]int{termsKernel: pp.Synapses(), gatherPost: p.Groups[pp.Post].N, gatherPre: p.Groups[pp.Pre].N}[kind]
	fmt.Fprintf(&b, `void main() {
	uint me = gl_GlobalInvocationID.x;
	uint step = clock_base + pc.row;
	if (me >= %du) {
		return;
	}
	precise float t_now = float(step) * %s;
`, n, floatLiteral(float32(p.DT)))
	inner := locals + pre0.String() + indent(body.String(), "\t\t") + adds.String()
	switch kind {
	case termsKernel:
		fmt.Fprintf(&b, "\t{\n\t\tuint k = me;\n%s\t}\n}\n", inner)
	case gatherPost:
		fmt.Fprintf(&b, "%s\tfor (uint c = ptr[me]; c < ptr[me + 1u]; c++) {\n\t\tuint k = line[c];\n%s\t}\n%s}\n", accs.String(), inner, stores.String())
	case gatherPre:
		fmt.Fprintf(&b, "%s\tfor (uint k = ptr[me]; k < ptr[me + 1u]; k++) {\n%s\t}\n%s}\n", accs.String(), inner, stores.String())
	}
	return b.String(), l, nil
}

// hasClockDriven reports whether Step has outputs other than summed terms.
func hasClockDriven(prog *ir.Program) bool {
	for _, o := range prog.Outputs {
		if _, _, ok := host.Summed(o.Name); !ok {
			return true
		}
	}
	return false
}

// loadStep builds the step-0 kernels of dp, which has Step.
func (b *Backend) loadStep(dp *projection, owner string) error {
	pp := dp.plan
	pre, post := b.groups[pp.Pre], b.groups[pp.Post]
	bufs := map[string]vk.Binding{"clock": b.clock, "syn": dp.syn, "pre": pre.vars, "post": post.vars}
	sums := 0
	for _, o := range pp.Step.Outputs {
		if _, _, ok := host.Summed(o.Name); ok {
			sums++
		}
	}
	// The terms kernel's source shows whether Step's code calls functions
	// that loop (pmath, philox).
	probe, _, err := stepSource(b.plan, pp, termsKernel, false, dp.arrays, pre.arrays, post.arrays)
	if err != nil {
		return fmt.Errorf("gpu: %s: %w", owner, err)
	}
	body := probe[strings.Index(probe, "void main()"):]
	inline := !hasClockDriven(pp.Step) && !strings.Contains(body, "pm_") && !strings.Contains(body, "ph_")
	dp.step = &stepKernels{}
	if !inline {
		if sums > 0 {
			if bufs["terms"], err = alloc[float32](b, owner, "summed terms", sums*pp.Synapses(), vk.DeviceLocal); err != nil {
				return err
			}
		}
		if dp.step.termGroups, err = b.checkGroups(owner, pp.Synapses(), 1); err != nil {
			return err
		}
		if dp.step.terms, err = b.bindStep(dp, termsKernel, false, bufs, owner); err != nil {
			return err
		}
	}
	for _, side := range []string{"post", "pre"} {
		if !pp.SumsInto(side) {
			continue
		}
		kind, g, ptr, line := gatherPost, post, pp.ColPtr, pp.ColSyn
		if side == "pre" {
			kind, g, ptr, line = gatherPre, pre, pp.RowPtr, nil
		} else if err := checkColumns(pp, g.plan.N); err != nil {
			return fmt.Errorf("gpu: %s: %w", owner, err)
		}
		for i := range g.plan.N {
			if l := ptr[i+1] - ptr[i]; l > gatherLimit {
				return fmt.Errorf("gpu: %s: the summed variables of neuron %d of group %q add up %d synapses, more than the %d one thread may walk (lavapipe ends a thread's loops after 65,535 iterations)",
					owner, i, g.plan.Name, l, gatherLimit)
			}
		}
		if bufs["ptr"], err = upload(b, owner, side+" line pointers of Step", ptr); err != nil {
			return err
		}
		delete(bufs, "line")
		if line != nil {
			if bufs["line"], err = upload(b, owner, "column synapses of Step", line); err != nil {
				return err
			}
		}
		groups, err := b.checkGroups(owner, g.plan.N, 1)
		if err != nil {
			return err
		}
		k, err := b.bindStep(dp, kind, inline, bufs, owner)
		if err != nil {
			return err
		}
		dp.step.gathers = append(dp.step.gathers, k)
		dp.step.gatherGroups = append(dp.step.gatherGroups, groups)
	}
	return nil
}

// bindStep compiles one step-0 kernel of dp and binds the buffers it
// uses, uploading the targets and presynaptic neurons of the synapses
// when it first needs them.
func (b *Backend) bindStep(dp *projection, kind stepKind, inline bool, bufs map[string]vk.Binding, owner string) (*vk.Bound, error) {
	pp := dp.plan
	pre, post := b.groups[pp.Pre], b.groups[pp.Post]
	src, l, err := stepSource(b.plan, pp, kind, inline, dp.arrays, pre.arrays, post.arrays)
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	if l.has("target") && bufs["target"] == nil {
		if bufs["target"], err = upload(b, owner, "targets of Step", pp.Target); err != nil {
			return nil, err
		}
	}
	if l.has("preof") && bufs["preof"] == nil {
		if bufs["preof"], err = upload(b, owner, "presynaptic neurons of Step", preOf(pp)); err != nil {
			return nil, err
		}
	}
	name := map[stepKind]string{termsKernel: "terms ", gatherPost: "gather ", gatherPre: "gather pre "}[kind]
	k, err := b.bind(name+pp.Name, src, l.buffers(bufs))
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	return k, nil
}

// preOf is the presynaptic neuron of every synapse of pp.
func preOf(pp *host.ProjectionPlan) []uint32 {
	out := make([]uint32, pp.Synapses())
	for j := 0; j+1 < len(pp.RowPtr); j++ {
		for k := pp.RowPtr[j]; k < pp.RowPtr[j+1]; k++ {
			out[k] = uint32(j)
		}
	}
	return out
}

// recordStep records the step-0 kernels of every projection for batch row
// row: each terms kernel, then each gather.
func (b *Backend) recordStep(seq *vk.Sequence, row uint32) error {
	for _, p := range b.projs {
		if p.step == nil {
			continue
		}
		if p.step.terms != nil {
			if err := seq.Dispatch(p.step.terms, row, p.step.termGroups); err != nil {
				return fmt.Errorf("gpu: %w", err)
			}
		}
		for k, g := range p.step.gathers {
			if err := seq.Dispatch(g, row, p.step.gatherGroups[k]); err != nil {
				return fmt.Errorf("gpu: %w", err)
			}
		}
	}
	return nil
}
