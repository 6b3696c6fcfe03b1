package gpu

import (
	"fmt"
	"strings"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// learnLayout says which optional buffers a learn kernel binds.
type learnLayout struct {
	preOf, syn, pre, post bool
}

// bindings are the buffers of a learn kernel, in binding order.
func (l learnLayout) bindings() []binding {
	bs := []binding{
		{"readonly ", "uint clock_base;"},
		{"readonly ", "uint count[2]; uint list[];"},
		{"readonly ", "uint colptr[];"},
		{"readonly ", "uint colsyn[];"},
	}
	add := func(on bool, q, block string) {
		if on {
			bs = append(bs, binding{q, block})
		}
	}
	add(l.preOf, "readonly ", "uint preof[];")
	add(l.syn, "", "float syn[];")
	add(l.pre, "readonly ", "float pre[];")
	add(l.post, "readonly ", "float post[];")
	return bs
}

// learnSource is the kernel of step 3 of host.Plan for projection pp:
// thread (n, b) walks block b of the column of spike n of the Post group
// and runs OnPost for each synapse of it. It returns the source and the
// buffers it binds.
func learnSource(p *host.Plan, pp *host.ProjectionPlan, syn, pre, post *arrays) (string, learnLayout, error) {
	prog := pp.OnPost
	same := pp.Pre == pp.Post
	var l learnLayout
	preBuf := "pre"
	if same {
		preBuf = "post"
	}
	inputs, err := pathwayInputs(prog, "OnPost", syn, pre, post, preBuf, "preof[k]", "post", "i")
	if err != nil {
		return "", l, err
	}
	for k, name := range prog.Inputs {
		if !strings.Contains(inputs[k], "[") { // a constant, the time or unread
			continue
		}
		switch {
		case strings.HasSuffix(name, host.SuffixPre):
			l.preOf = true
			l.pre = l.pre || !same
			l.post = l.post || same
		case strings.HasSuffix(name, host.SuffixPost):
			l.post = true
		default:
			l.syn = true
		}
	}
	outputs := make([]string, len(prog.Outputs))
	for k, o := range prog.Outputs {
		if strings.HasSuffix(o.Name, "+=") {
			return "", l, fmt.Errorf("OnPost output %q: OnPost has no effects on neurons", o.Name)
		}
		lv, ok, err := syn.write(prog, k, "syn", "k")
		if err != nil {
			return "", l, err
		}
		if !ok {
			lv = sink
		}
		l.syn = l.syn || lv != sink
		outputs[k] = lv
	}
	body := prog.GLSL(ir.GLSLEnv{
		Input:  func(k int) string { return inputs[k] },
		Output: func(k int) string { return outputs[k] },
		Key:    keyLiteral(p.Seed), Stream: fmt.Sprintf("%du", pp.PostStream), Index: "k", Step: "step",
		Prefix: "r",
	})

	var b strings.Builder
	fmt.Fprintf(&b, header, "")
	declare(&b, l.bindings())
	fmt.Fprintf(&b, `void main() {
	uint n = gl_GlobalInvocationID.x;
	uint step = clock_base + pc.row;
	if (n >= count[step & 1u]) {
		return;
	}
	uint i = list[n];
	uint first = colptr[i] + gl_WorkGroupID.y * %du;
	uint last = colptr[i + 1u];
	if (first >= last) {
		return;
	}
	uint end = last - first > %du ? first + %du : last;
	precise float t_now = float(step) * %s;
	for (uint c = first; c < end; c++) {
		uint k = colsyn[c];
		float %s;
%s	}
}
`, rowBlock, rowBlock, rowBlock, floatLiteral(float32(p.DT)), sink, indent(body, "\t\t"))
	return b.String(), l, nil
}

// loadLearn builds the learn kernel of dp, which has OnPost: it uploads
// the transposed index and, where OnPost reads the presynaptic neuron, the
// presynaptic neuron of every synapse.
func (b *Backend) loadLearn(dp *projection, owner string) error {
	pp := dp.plan
	pre, post := b.groups[pp.Pre], b.groups[pp.Post]
	if err := checkColumns(pp, post.plan.N); err != nil {
		return err
	}
	longest := 0
	for i := range post.plan.N {
		longest = max(longest, int(pp.ColPtr[i+1]-pp.ColPtr[i]))
	}
	var err error
	if dp.learnGroups, err = b.checkGroups(owner, post.plan.N, max(1, (longest+rowBlock-1)/rowBlock)); err != nil {
		return err
	}
	src, l, err := learnSource(b.plan, pp, dp.arrays, pre.arrays, post.arrays)
	if err != nil {
		return fmt.Errorf("gpu: %s: %w", owner, err)
	}
	colPtr, err := upload(b, owner, "column pointers", pp.ColPtr)
	if err != nil {
		return err
	}
	colSyn, err := upload(b, owner, "column synapses", pp.ColSyn)
	if err != nil {
		return err
	}
	bufs := []vk.Binding{b.clock, post.spikes, colPtr, colSyn}
	if l.preOf {
		preOf := make([]uint32, pp.Synapses())
		for j := range pre.plan.N {
			for k := pp.RowPtr[j]; k < pp.RowPtr[j+1]; k++ {
				preOf[k] = uint32(j)
			}
		}
		buf, err := upload(b, owner, "presynaptic neurons", preOf)
		if err != nil {
			return err
		}
		bufs = append(bufs, buf)
	}
	for _, x := range []struct {
		on  bool
		buf vk.Binding
	}{{l.syn, dp.syn}, {l.pre, pre.vars}, {l.post, post.vars}} {
		if x.on {
			bufs = append(bufs, x.buf)
		}
	}
	if dp.learn, err = b.bind("learn "+pp.Name, src, bufs); err != nil {
		return fmt.Errorf("gpu: %s: %w", owner, err)
	}
	return nil
}

// checkColumns reports a transposed index that does not list, for each
// postsynaptic neuron in increasing order, the synapses that end on it.
func checkColumns(pp *host.ProjectionPlan, n int) error {
	if len(pp.ColPtr) != n+1 || len(pp.ColSyn) != len(pp.Target) {
		return fmt.Errorf("transposed index of %d column pointers and %d synapses, want %d and %d",
			len(pp.ColPtr), len(pp.ColSyn), n+1, len(pp.Target))
	}
	colPtr, colSyn := host.Transpose(pp.Target, n)
	for i, x := range colPtr {
		if pp.ColPtr[i] != x {
			return fmt.Errorf("column pointer %d is %d, want %d", i, pp.ColPtr[i], x)
		}
	}
	for c, k := range colSyn {
		if pp.ColSyn[c] != k {
			return fmt.Errorf("column entry %d is synapse %d, want %d", c, pp.ColSyn[c], k)
		}
	}
	return nil
}
