package gpu

import (
	"fmt"
	"strings"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
)

// learnBindings are the buffers a learn kernel may bind, in binding order.
var learnBindings = layout{
	{"clock", "readonly ", "uint clock_base;"},
	{"spikes", "readonly ", "uint count[2]; uint list[];"},
	{"colptr", "readonly ", "uint colptr[];"},
	{"colsyn", "readonly ", "uint colsyn[];"},
	{"preof", "readonly ", "uint preof[];"},
	{"syn", "", "float syn[];"},
	{"pre", "readonly ", "float pre[];"},
	{"post", "readonly ", "float post[];"},
}

// learnSource is the kernel of step 3 of host.Plan for projection pp:
// thread (n, b) walks block b of the column of spike n of the Post group
// and runs OnPost for each synapse of it. It returns the source and the
// buffers it binds.
func learnSource(p *host.Plan, pp *host.ProjectionPlan, syn, pre, post *arrays) (string, layout, error) {
	prog := pp.OnPost
	same := pp.Pre == pp.Post
	use := map[string]bool{"clock": true, "spikes": true, "colptr": true, "colsyn": true}
	preBuf := "pre"
	if same {
		preBuf = "post"
	}
	inputs, reads, err := pathwayInputs(prog, "OnPost", syn, pre, post, preBuf, "preof[k]", "post", "i")
	if err != nil {
		return "", nil, err
	}
	use["preof"], use[preBuf] = reads.pre, use[preBuf] || reads.pre
	use["post"] = use["post"] || reads.post
	use["syn"] = use["syn"] || reads.syn
	outputs := make([]string, len(prog.Outputs))
	for k, o := range prog.Outputs {
		if strings.HasSuffix(o.Name, "+=") {
			return "", nil, fmt.Errorf("OnPost output %q: OnPost has no effects on neurons", o.Name)
		}
		lv, ok, err := syn.write(prog, k, "syn", "k")
		if err != nil {
			return "", nil, err
		}
		if !ok {
			lv = sink
		}
		use["syn"] = use["syn"] || lv != sink
		outputs[k] = lv
	}
	body := programGLSL(p, prog, inputs, outputs, pp.PostStream, "k")

	l := learnBindings.only(use)
	var b strings.Builder
	fmt.Fprintf(&b, header, "")
	l.declare(&b)
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
	bufs := map[string]vk.Binding{"clock": b.clock, "spikes": post.spikes, "colptr": colPtr, "colsyn": colSyn,
		"syn": dp.syn, "pre": pre.vars, "post": post.vars}
	if l.has("preof") {
		if bufs["preof"], err = upload(b, owner, "presynaptic neurons", preOf(pp)); err != nil {
			return err
		}
	}
	if dp.learn, err = b.bind("learn "+pp.Name, src, l.buffers(bufs)); err != nil {
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
