package cpu

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// synBlock is the number of synapses the OnPre program is evaluated for at
// once, and synChunk the number of synaptic events below which one
// goroutine propagates a projection's spikes.
const (
	synBlock = 1024
	synChunk = 1024
)

// projection is a projection of a loaded plan.
type projection struct {
	name      string
	pre, post *group
	stream    uint32
	rowPtr    []uint32
	target    []uint32
	delay     uint32
	delays    []uint16
	prog      *ir.Program // nil: no OnPre code
	draws     bool        // the program draws random numbers: blocks hold consecutive synapses
	arrays    map[string][]float32
	in        []input
	out       []effect
	events    []int // events[q] is the number of synapses of spikes 0 … q-1
	work      []*synWorker
}

// effect is where an OnPre output goes: a projection array, or a ring of
// the postsynaptic group.
type effect struct {
	arr  []float32
	ring *ring
}

// synWorker holds one goroutine's evaluator and scratch for propagation:
// the synapse and presynaptic neuron of each element of the block.
type synWorker struct {
	ev      *ir.Evaluator
	syn     []uint32
	pre     []uint32
	in, out [][]float32
	err     error
}

// newProjection checks a projection of the plan and copies its arrays.
func newProjection(pp *host.ProjectionPlan, groups []*group, workers int) (*projection, error) {
	p := &projection{name: pp.Name, stream: pp.Stream, rowPtr: pp.RowPtr, target: pp.Target,
		delay: pp.Delay, delays: pp.Delays, prog: pp.OnPre}
	if err := p.init(pp, groups, workers); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *projection) init(pp *host.ProjectionPlan, groups []*group, workers int) error {
	if pp.Pre < 0 || pp.Pre >= len(groups) || pp.Post < 0 || pp.Post >= len(groups) {
		return fmt.Errorf("groups %d → %d of %d", pp.Pre, pp.Post, len(groups))
	}
	p.pre, p.post = groups[pp.Pre], groups[pp.Post]
	if err := p.checkRows(); err != nil {
		return err
	}
	if err := p.checkDelays(); err != nil {
		return err
	}
	arrays, err := copyArrays(pp.Arrays, len(p.target), "synapses", p.prog)
	if err != nil {
		return err
	}
	p.arrays = arrays
	if p.prog == nil {
		return nil // a projection without on_pre code: spikes change nothing
	}
	p.draws = p.prog.Draws > 0
	consts := map[string]float32{}
	for _, name := range p.prog.Inputs {
		if k, ok := p.constant(name, pp.Arrays); ok {
			consts[name] = k
		}
	}
	p.prog = ir.Specialize(p.prog, consts)
	for k, name := range p.prog.Inputs {
		in, err := p.source(name)
		if err != nil {
			return err
		}
		in.used = p.prog.Uses(k)
		p.in = append(p.in, in)
	}
	for _, o := range p.prog.Outputs {
		if x, ok := strings.CutSuffix(o.Name, host.SuffixEffect); ok {
			r := p.post.targets[x]
			if r == nil {
				return fmt.Errorf("output %q: %q is not a target of group %q", o.Name, x, p.post.name)
			}
			p.out = append(p.out, effect{ring: r})
			continue
		}
		a, ok := arrays[o.Name]
		if !ok {
			return fmt.Errorf("output %q names no array", o.Name)
		}
		p.out = append(p.out, effect{arr: a})
	}
	p.events = make([]int, 0, p.pre.n+1)
	p.work = make([]*synWorker, max(1, min(workers, chunks(len(p.target), workers))))
	for w := range p.work {
		p.work[w] = newSynWorker(p.prog)
	}
	return nil
}

// checkRows checks the compressed sparse rows against the group sizes.
func (p *projection) checkRows() error {
	if len(p.rowPtr) != p.pre.n+1 {
		return fmt.Errorf("%d row pointers for %d presynaptic neurons, want %d", len(p.rowPtr), p.pre.n, p.pre.n+1)
	}
	if p.rowPtr[0] != 0 || int(p.rowPtr[p.pre.n]) != len(p.target) {
		return fmt.Errorf("rows span synapses %d … %d, want 0 … %d", p.rowPtr[0], p.rowPtr[p.pre.n], len(p.target))
	}
	for j := range p.pre.n {
		if p.rowPtr[j+1] < p.rowPtr[j] {
			return fmt.Errorf("row %d ends at %d before it starts at %d", j, p.rowPtr[j+1], p.rowPtr[j])
		}
	}
	for k, i := range p.target {
		if int(i) >= p.post.n {
			return fmt.Errorf("synapse %d targets neuron %d of group %q of %d", k, i, p.post.name, p.post.n)
		}
	}
	return nil
}

// checkDelays checks that every delay fits the postsynaptic rings.
func (p *projection) checkDelays() error {
	longest := uint64(p.delay)
	if p.delays != nil {
		if len(p.delays) != len(p.target) {
			return fmt.Errorf("%d delays for %d synapses", len(p.delays), len(p.target))
		}
		longest = 0
		for _, d := range p.delays {
			longest = max(longest, uint64(d))
		}
	}
	if longest >= uint64(p.post.ringLen) {
		return fmt.Errorf("delay of %d steps does not fit the %d-slot rings of group %q", longest, p.post.ringLen, p.post.name)
	}
	return nil
}

// source resolves an OnPre input.
func (p *projection) source(name string) (input, error) {
	if name == host.InputTime {
		return input{from: fromTime}, nil
	}
	if x, ok := strings.CutSuffix(name, host.SuffixPre); ok {
		a, ok := p.pre.arrays[x]
		if !ok {
			return input{}, fmt.Errorf("input %q: group %q has no array %q", name, p.pre.name, x)
		}
		return input{from: fromPre, arr: a}, nil
	}
	if x, ok := strings.CutSuffix(name, host.SuffixPost); ok {
		a, ok := p.post.arrays[x]
		if !ok {
			return input{}, fmt.Errorf("input %q: group %q has no array %q", name, p.post.name, x)
		}
		return input{from: fromPost, arr: a}, nil
	}
	a, ok := p.arrays[name]
	if !ok {
		return input{}, fmt.Errorf("input %q names no array", name)
	}
	return input{from: fromArray, arr: a}, nil
}

// constant returns the value of OnPre input name where it reads a constant
// array: of the projection (own), or of the pre- or postsynaptic group.
func (p *projection) constant(name string, own []host.Array) (float32, bool) {
	consts := constValues(own)
	if name == host.InputTime {
		return 0, false
	}
	if x, ok := strings.CutSuffix(name, host.SuffixPre); ok {
		consts, name = p.pre.consts, x
	} else if x, ok := strings.CutSuffix(name, host.SuffixPost); ok {
		consts, name = p.post.consts, x
	}
	k, ok := consts[name]
	return k, ok
}

func newSynWorker(p *ir.Program) *synWorker {
	w := &synWorker{
		ev:  ir.NewEvaluator(p),
		syn: make([]uint32, synBlock),
		pre: make([]uint32, synBlock),
		in:  make([][]float32, len(p.Inputs)),
		out: make([][]float32, len(p.Outputs)),
	}
	for k := range w.in {
		w.in[k] = make([]float32, synBlock)
	}
	for k := range w.out {
		w.out[k] = make([]float32, synBlock)
	}
	return w
}

// chunks is the number of tasks that share the propagation of events
// synaptic events on workers goroutines.
func chunks(events, workers int) int {
	if workers == 1 || events < 2*synChunk {
		return 1
	}
	return min(events/synChunk, 4*workers)
}

// bytes is the host memory the projection holds.
func (p *projection) bytes() int64 {
	n := 4*int64(len(p.rowPtr)+len(p.target)+cap(p.events)) + 2*int64(len(p.delays))
	for _, a := range p.arrays {
		n += 4 * int64(len(a))
	}
	return n
}

// propagate runs step 2 of the plan's time step s for the projection: the
// OnPre program for every synapse of every spike of the presynaptic group.
func (p *projection) propagate(b *Backend, s uint32) error {
	if p.prog == nil {
		return nil
	}
	spikes := p.pre.spikes
	p.events = append(p.events[:0], 0)
	for q, j := range spikes {
		p.events = append(p.events, p.events[q]+int(p.rowPtr[j+1]-p.rowPtr[j]))
	}
	total := p.events[len(spikes)]
	n := chunks(total, len(p.work))
	parallel(n, len(p.work), func(w, c int) {
		p.work[w].run(p, b, s, total*c/n, total*(c+1)/n, n > 1)
	})
	for _, w := range p.work {
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// run propagates synaptic events a … b-1 of step s, counted over the
// rows of the spike list in order; shared says whether other goroutines
// add to the same rings.
func (w *synWorker) run(p *projection, be *Backend, s uint32, a, b int, shared bool) {
	if a >= b {
		return
	}
	spikes := p.pre.spikes
	q, _ := slices.BinarySearch(p.events, a+1) // the first spike whose row ends after event a
	q--
	m := 0
	for a < b {
		j := spikes[q]
		k := p.rowPtr[j] + uint32(a-p.events[q])
		end := p.rowPtr[j] + uint32(min(b, p.events[q+1])-p.events[q])
		if p.draws && m > 0 {
			w.flush(p, be, s, m, shared) // a block of random draws holds one row
			m = 0
		}
		for ; k < end; k++ {
			if m == synBlock {
				w.flush(p, be, s, m, shared)
				m = 0
			}
			w.syn[m], w.pre[m] = k, j
			m++
		}
		a = min(b, p.events[q+1])
		q++
	}
	w.flush(p, be, s, m, shared)
}

// flush runs the OnPre program for the m synapses of the block and applies
// its outputs.
func (w *synWorker) flush(p *projection, be *Backend, s uint32, m int, shared bool) {
	if m == 0 || w.err != nil {
		return
	}
	syn := w.syn[:m]
	for k, in := range p.in {
		if !in.used {
			continue
		}
		buf := w.in[k][:m]
		switch in.from {
		case fromArray:
			for e, x := range syn {
				buf[e] = in.arr[x]
			}
		case fromPre:
			for e, j := range w.pre[:m] {
				buf[e] = in.arr[j]
			}
		case fromPost:
			for e, x := range syn {
				buf[e] = in.arr[p.target[x]]
			}
		case fromTime:
			for e, x := range syn {
				buf[e] = host.Time(s+p.delayOf(x), be.dt)
			}
		}
	}
	rng := ir.RNG{Key: be.key, Stream: p.stream, First: syn[0], Step: s}
	if err := w.ev.Run(m, w.in, w.out, rng); err != nil {
		w.err = err
		return
	}
	n, ringLen := p.post.n, uint32(p.post.ringLen)
	for k, o := range p.out {
		vals := w.out[k][:m]
		if o.ring == nil {
			for e, x := range syn {
				o.arr[x] = vals[e]
			}
			continue
		}
		for e, x := range syn {
			v := host.ToFixed(vals[e])
			if v == 0 {
				continue
			}
			at := int((s+1+p.delayOf(x))%ringLen)*n + int(p.target[x])
			if shared {
				atomic.AddInt64(&o.ring.slots[at], v)
			} else {
				o.ring.slots[at] += v
			}
		}
	}
}

// delayOf is the delay of synapse k in steps.
func (p *projection) delayOf(k uint32) uint32 {
	if p.delays != nil {
		return uint32(p.delays[k])
	}
	return p.delay
}
