package cpu

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// synBlock is the number of synapses a pathway's program is evaluated for
// at once, and synChunk the number of synaptic events below which one
// goroutine runs a pathway for a step's spikes.
const (
	synBlock = 1024
	synChunk = 1024
)

// projection is a projection of a loaded plan.
type projection struct {
	name      string
	pre, post *group
	rowPtr    []uint32
	target    []uint32
	preOf     []uint32 // the presynaptic neuron of each synapse; nil without OnPost and Step
	delay     uint32
	delays    []uint16
	arrays    map[string][]float32
	onPre     pathway
	onPost    pathway
	step      stepper
	// rows regenerates the rows of a procedural projection
	// (host.ProjectionPlan.Rows); target then holds the rows of the
	// step's spikes, spike q's at rowOf[q] … rowOf[q+1]-1, and a synapse
	// is numbered by its place there.
	rows  *host.Rows
	rowOf []uint32
}

// pathway is OnPre or OnPost of a loaded projection: the program run for
// the synapses of a line (a row or a column) of each spike of one group.
type pathway struct {
	prog    *ir.Program // nil: no code
	draws   bool        // the program draws random numbers: blocks hold consecutive synapses
	stream  uint32
	spikers *group   // the group whose spikes run the pathway
	ptr     []uint32 // the lines: the synapses of neuron j are line[ptr[j]] … line[ptr[j+1]-1]
	line    []uint32 // nil: the synapses themselves (rows)
	delayed bool     // "t" is the time of arrival, Time(s+delay)
	in      []input
	out     []effect
	// direct, where every effect of the program is a constant or the
	// value of a synapse array and it changes no array (directEffects),
	// holds each output's effect: the synapses then add it without
	// running the program.
	direct []directEffect
	events []int // events[q] is the number of synapses of spikes 0 … q-1
	work   []*synWorker
	// split, for OnPre where every row lists its targets in increasing
	// order, holds the bounds of the postsynaptic neurons each worker of
	// the postsynaptic group updates (worker w: split[w] … split[w+1]-1):
	// worker w then runs the synapses onto its own neurons, adding to
	// their ring slots, which no other worker touches and which stay in
	// its core's cache for the delivery of the next steps.
	split []uint32
}

// minSplit is the least number of synaptic events in a step for which the
// workers share a pathway by target (pathway.split): below it one
// goroutine runs them all, faster than handing them out.
const minSplit = 256

// effect is where a pathway output goes: a projection array, or a ring of
// the postsynaptic group; neither for an output that keeps the value it
// read.
type effect struct {
	arr  []float32
	ring *ring
}

// synWorker holds one goroutine's evaluator and scratch for a pathway:
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
	p := &projection{name: pp.Name, rowPtr: pp.RowPtr, target: pp.Target, delay: pp.Delay, delays: pp.Delays, rows: pp.Rows}
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
	arrays, err := copyArrays(pp.Arrays, pp.ArrayLen(), "synapses", pp.OnPre)
	if err != nil {
		return err
	}
	p.arrays = arrays
	p.onPre = pathway{prog: pp.OnPre, stream: pp.Stream, spikers: p.pre, ptr: p.rowPtr, delayed: true}
	if err := p.onPre.init(p, pp.Arrays, workers); err != nil {
		return fmt.Errorf("OnPre: %w", err)
	}
	if p.rows != nil && (pp.Step != nil || pp.OnPost != nil || pp.Delays != nil || pp.OnPre != nil && pp.OnPre.Draws > 0) {
		return errors.New("procedural rows with per-synapse delays, random draws, on_post or clock-driven variables")
	}
	if pp.Step != nil {
		if err := p.initStep(pp, workers); err != nil {
			return err
		}
	}
	if pp.OnPost == nil {
		return nil
	}
	if err := p.checkColumns(pp); err != nil {
		return err
	}
	for _, a := range pp.Arrays {
		if a.Const && host.Writes(pp.OnPost, a.Name) {
			return fmt.Errorf("constant array %q is changed by OnPost", a.Name)
		}
	}
	p.setPreOf()
	p.onPost = pathway{prog: pp.OnPost, stream: pp.PostStream, spikers: p.post, ptr: pp.ColPtr, line: pp.ColSyn}
	if err := p.onPost.init(p, pp.Arrays, workers); err != nil {
		return fmt.Errorf("OnPost: %w", err)
	}
	return nil
}

// init specializes the pathway's program to the constant arrays and
// resolves its inputs and outputs; only OnPre may have effects.
func (pw *pathway) init(p *projection, own []host.Array, workers int) error {
	if pw.prog == nil {
		return nil // no code: spikes change nothing
	}
	pw.draws = pw.prog.Draws > 0
	consts := map[string]float32{}
	for _, name := range pw.prog.Inputs {
		if k, ok := p.constant(name, own); ok {
			consts[name] = k
		}
	}
	orig := pw.prog
	pw.prog = ir.Specialize(pw.prog, consts)
	for k, name := range pw.prog.Inputs {
		in, err := p.source(name)
		if err != nil {
			return err
		}
		in.used = pw.prog.Uses(k)
		pw.in = append(pw.in, in)
	}
	for _, o := range pw.prog.Outputs {
		if x, ok := strings.CutSuffix(o.Name, host.SuffixEffect); ok && pw.delayed {
			r := p.post.targets[x]
			if r == nil {
				return fmt.Errorf("output %q: %q is not a target of group %q", o.Name, x, p.post.name)
			}
			pw.out = append(pw.out, effect{ring: r})
			continue
		}
		a, ok := p.arrays[o.Name]
		if !ok {
			return fmt.Errorf("output %q names no array", o.Name)
		}
		if !host.Writes(orig, o.Name) {
			a = nil // the value it had: nothing to write
		}
		pw.out = append(pw.out, effect{arr: a})
	}
	pw.direct = directEffects(pw.prog, pw.out, pw.in)
	pw.events = make([]int, 0, pw.spikers.n+1)
	n := max(1, min(workers, chunks(p.synapses(), workers)))
	if pw.delayed && (p.rows != nil || p.sortedRows()) {
		post := p.post
		blocks, wn := len(post.counts), len(post.work)
		for w := range wn + 1 {
			pw.split = append(pw.split, uint32(min(post.n, blockLen*(blocks*w/wn))))
		}
		n = max(n, wn)
	}
	pw.work = make([]*synWorker, n)
	for w := range pw.work {
		pw.work[w] = newSynWorker(pw.prog)
	}
	return nil
}

// checkColumns checks the transposed index against the rows: column i
// lists, in increasing order, the synapses that end on neuron i.
func (p *projection) checkColumns(pp *host.ProjectionPlan) error {
	if len(pp.ColPtr) != p.post.n+1 || len(pp.ColSyn) != len(p.target) {
		return fmt.Errorf("transposed index of %d column pointers and %d synapses, want %d and %d",
			len(pp.ColPtr), len(pp.ColSyn), p.post.n+1, len(p.target))
	}
	colPtr, colSyn := host.Transpose(p.target, p.post.n)
	if !slices.Equal(colPtr, pp.ColPtr) || !slices.Equal(colSyn, pp.ColSyn) {
		return errors.New("the transposed index does not match the rows")
	}
	return nil
}

// synapses is the number of synapses of the projection.
func (p *projection) synapses() int {
	if p.rows != nil {
		return p.rows.Count
	}
	return len(p.target)
}

// checkRows checks the compressed sparse rows against the group sizes.
func (p *projection) checkRows() error {
	if len(p.rowPtr) != p.pre.n+1 {
		return fmt.Errorf("%d row pointers for %d presynaptic neurons, want %d", len(p.rowPtr), p.pre.n, p.pre.n+1)
	}
	if p.rowPtr[0] != 0 || int(p.rowPtr[p.pre.n]) != p.synapses() {
		return fmt.Errorf("rows span synapses %d … %d, want 0 … %d", p.rowPtr[0], p.rowPtr[p.pre.n], p.synapses())
	}
	for j := range p.pre.n {
		if p.rowPtr[j+1] < p.rowPtr[j] {
			return fmt.Errorf("row %d ends at %d before it starts at %d", j, p.rowPtr[j+1], p.rowPtr[j])
		}
	}
	if r := p.rows; r != nil {
		if p.target != nil || r.PreLo < 0 || r.PostLo < 0 || r.PreLo+r.NPre > p.pre.n || r.PostLo+r.NPost > p.post.n {
			return fmt.Errorf("procedural rows of %d → %d neurons from %d → %d, with %d targets, for groups of %d → %d",
				r.NPre, r.NPost, r.PreLo, r.PostLo, len(p.target), p.pre.n, p.post.n)
		}
		return nil
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

// source resolves a pathway input.
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

// constant returns the value of pathway input name where it reads a constant
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

// directEffect is an output's effect that needs no program: fixed, a
// constant in fixed point, or, where arr is not nil, the value of the
// synapse array arr (ToFixed gives the same for it as for its flushed
// value, which the program would read). An output without an effect
// adds 0.
type directEffect struct {
	fixed int64
	arr   []float32
}

// directEffects returns the effect of each output of program p, with
// outputs out and inputs in, where every effect is a constant register or
// a synapse array read as it is, and no output changes an array; nil
// elsewhere.
func directEffects(p *ir.Program, out []effect, in []input) []directEffect {
	direct := make([]directEffect, len(out))
	for k, o := range p.Outputs {
		switch c := p.Code[o.Reg]; {
		case out[k].arr != nil:
			return nil
		case out[k].ring == nil:
		case c.Op == ir.OpConst:
			direct[k].fixed = host.ToFixed(c.K)
		case c.Op == ir.OpInput && in[c.N].from == fromArray:
			direct[k].arr = in[c.N].arr
		default:
			return nil
		}
	}
	return direct
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
	n := 4*int64(len(p.rowPtr)+len(p.target)+len(p.preOf)+cap(p.onPre.events)+cap(p.onPost.events)) + 2*int64(len(p.delays))
	if p.onPost.prog != nil {
		n += 4 * int64(len(p.onPost.ptr)+len(p.onPost.line))
	}
	for _, sm := range p.step.sums {
		n += 4 * int64(len(sm.terms))
	}
	for _, a := range p.arrays {
		n += 4 * int64(len(a))
	}
	return n
}

// propagate runs step 2 of the plan's time step s for the projection: the
// OnPre program for every synapse of every spike of the presynaptic group.
func (p *projection) propagate(b *Backend, s uint32) error { return p.onPre.run(p, b, s) }

// learn runs step 3 of the plan's time step s for the projection: the
// OnPost program for every synapse of every spike of the postsynaptic
// group.
func (p *projection) learn(b *Backend, s uint32) error { return p.onPost.run(p, b, s) }

// run runs the pathway for every synapse of every spike of its group in
// step s.
func (pw *pathway) run(p *projection, b *Backend, s uint32) error {
	if pw.prog == nil {
		return nil
	}
	if p.rows != nil {
		return pw.regenerate(p, b, s)
	}
	spikes := pw.spikers.spikes
	pw.events = append(pw.events[:0], 0)
	for q, j := range spikes {
		pw.events = append(pw.events, pw.events[q]+int(pw.ptr[j+1]-pw.ptr[j]))
	}
	total := pw.events[len(spikes)]
	if pw.split != nil && total >= minSplit {
		n := len(pw.split) - 1
		b.team.do(n, n, func(w, _ int) {
			pw.work[w].runSplit(p, pw, b, s, pw.split[w], pw.split[w+1])
		})
		return pw.err()
	}
	n := chunks(total, len(pw.work))
	b.team.do(n, len(pw.work), func(w, c int) {
		pw.work[w].run(p, pw, b, s, total*c/n, total*(c+1)/n, n > 1)
	})
	return pw.err()
}

// share runs worker w's share (pathway.split) of the pathway for step s's
// spikes; a worker beyond the shares has none.
func (pw *pathway) share(p *projection, b *Backend, s uint32, w int) {
	if pw.prog == nil || w+1 >= len(pw.split) {
		return
	}
	pw.work[w].runSplit(p, pw, b, s, pw.split[w], pw.split[w+1])
}

// err returns the first error of the pathway's workers.
func (pw *pathway) err() error {
	for _, w := range pw.work {
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// runSplit runs pathway pw, whose rows list their targets in increasing
// order, for the synapses of step s's spikes onto the postsynaptic neurons
// lo … hi-1, which no other goroutine adds to. The rows of a procedural
// projection are those regenerate drew.
func (w *synWorker) runSplit(p *projection, pw *pathway, be *Backend, s uint32, lo, hi uint32) {
	m := 0
	for q, j := range pw.spikers.spikes {
		start, stop := pw.ptr[j], pw.ptr[j+1]
		if p.rows != nil {
			start, stop = p.rowOf[q], p.rowOf[q+1]
		}
		row := p.target[start:stop]
		first, _ := slices.BinarySearch(row, lo)
		end, _ := slices.BinarySearch(row[first:], hi)
		for c := start + uint32(first); c < start+uint32(first+end); c++ {
			if m == synBlock || pw.draws && m > 0 && c != w.syn[m-1]+1 {
				w.flush(p, pw, be, s, m, false) // a block of random draws holds consecutive synapses
				m = 0
			}
			w.syn[m], w.pre[m] = c, j
			m++
		}
	}
	w.flush(p, pw, be, s, m, false)
}

// regenerate runs OnPre for the synapses of step s's spikes of a
// procedural projection: the workers draw their rows (host.Rows) into
// place, a share of the spikes each, then run them with runSplit, shared
// by target, where they share the postsynaptic neurons.
func (pw *pathway) regenerate(p *projection, b *Backend, s uint32) error {
	spikes := pw.spikers.spikes
	p.rowOf = append(p.rowOf[:0], 0)
	for q, j := range spikes {
		p.rowOf = append(p.rowOf, p.rowOf[q]+uint32(p.rows.Len(int(j))))
	}
	total := int(p.rowOf[len(spikes)])
	p.target = slices.Grow(p.target[:0], total)[:total]
	// Each worker draws the rows of a share of the spikes in place: the
	// rows' lengths are known (host.Rows.Len), so are their places.
	n := 1
	if pw.split != nil && total >= minSplit {
		n = len(pw.split) - 1
	}
	var short atomic.Bool
	b.team.do(n, n, func(_, c int) {
		for q := len(spikes) * c / n; q < len(spikes)*(c+1)/n; q++ {
			at, end := p.rowOf[q], p.rowOf[q+1]
			if row := p.rows.Row(p.target[at:at:end], int(spikes[q])); len(row) != int(end-at) {
				short.Store(true) // cannot happen: Len is the length Row draws
			}
		}
	})
	if short.Load() {
		return errors.New("a drawn row differs in length from the plan's")
	}
	if n > 1 {
		b.team.do(n, n, func(w, c int) {
			pw.work[w].runSplit(p, pw, b, s, pw.split[c], pw.split[c+1])
		})
	} else {
		pw.work[0].runSplit(p, pw, b, s, 0, uint32(p.post.n))
	}
	return pw.err()
}

// sortedRows reports whether every row lists its targets in increasing
// order (repeats allowed).
func (p *projection) sortedRows() bool {
	for j := range p.pre.n {
		if !slices.IsSorted(p.target[p.rowPtr[j]:p.rowPtr[j+1]]) {
			return false
		}
	}
	return true
}

// run runs pathway pw for synaptic events a … b-1 of step s, counted over
// the lines of the spike list in order; shared says whether other
// goroutines add to the same rings.
func (w *synWorker) run(p *projection, pw *pathway, be *Backend, s uint32, a, b int, shared bool) {
	if a >= b {
		return
	}
	spikes := pw.spikers.spikes
	q, _ := slices.BinarySearch(pw.events, a+1) // the first spike whose line ends after event a
	q--
	m := 0
	for a < b {
		j := spikes[q]
		c := pw.ptr[j] + uint32(a-pw.events[q])
		end := pw.ptr[j] + uint32(min(b, pw.events[q+1])-pw.events[q])
		for ; c < end; c++ {
			k, pre := c, j
			if pw.line != nil {
				k = pw.line[c]
				pre = p.preOf[k]
			}
			if m == synBlock || pw.draws && m > 0 && k != w.syn[m-1]+1 {
				w.flush(p, pw, be, s, m, shared) // a block of random draws holds consecutive synapses
				m = 0
			}
			w.syn[m], w.pre[m] = k, pre
			m++
		}
		a = min(b, pw.events[q+1])
		q++
	}
	w.flush(p, pw, be, s, m, shared)
}

// flush runs the pathway's program for the m synapses of the block and
// applies its outputs.
func (w *synWorker) flush(p *projection, pw *pathway, be *Backend, s uint32, m int, shared bool) {
	if m == 0 || w.err != nil {
		return
	}
	syn := w.syn[:m]
	if pw.direct != nil {
		for k, o := range pw.out {
			if d := pw.direct[k]; o.ring != nil && (d.arr != nil || d.fixed != 0) {
				p.add(o.ring, s, syn, nil, d, shared)
			}
		}
		return
	}
	for k, in := range pw.in {
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
				d := uint32(0)
				if pw.delayed {
					d = p.delayOf(x)
				}
				buf[e] = host.Time(s+d, be.dt)
			}
		}
	}
	rng := ir.RNG{Key: be.key, Stream: pw.stream, First: syn[0], Step: s}
	if err := w.ev.Run(m, w.in, w.out, rng); err != nil {
		w.err = err
		return
	}
	for k, o := range pw.out {
		vals := w.out[k][:m]
		switch {
		case o.ring != nil:
			p.add(o.ring, s, syn, vals, directEffect{}, shared)
		case o.arr != nil:
			for e, x := range syn {
				o.arr[x] = vals[e]
			}
		}
	}
}

// add adds the effects vals of synapses syn, spiking in step s, to the
// ring: at the slot of step s+1+delay of each synapse, at its target.
// Where vals is nil the synapses add the direct effect d instead.
func (p *projection) add(r *ring, s uint32, syn []uint32, vals []float32, d directEffect, shared bool) {
	n, ringLen := p.post.n, uint32(p.post.ringLen)
	next := (s + 1) % ringLen // the slot of delay 0; delays are below ringLen
	slots := r.slots
	if p.delays == nil {
		next = (next + p.delay) % ringLen
		slots = r.slots[int(next)*n : int(next+1)*n]
	}
	for e, x := range syn {
		v := d.fixed
		switch {
		case vals != nil:
			v = host.ToFixed(vals[e])
		case d.arr != nil:
			v = host.ToFixed(d.arr[x])
		}
		if v == 0 {
			continue
		}
		at := int(p.target[x])
		if p.delays != nil {
			slot := next + uint32(p.delays[x])
			if slot >= ringLen {
				slot -= ringLen
			}
			at += int(slot) * n
		}
		if shared {
			atomic.AddInt64(&slots[at], v)
		} else {
			slots[at] += v
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
