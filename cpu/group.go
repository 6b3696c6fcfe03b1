package cpu

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// blockLen is the number of neurons one task of the neuron step updates: a
// multiple of 32, so that tasks write disjoint words of the spike record.
const blockLen = 512

// source says where a program input comes from.
type source uint8

const (
	fromArray  source = iota // an array of the group or projection
	fromTime                 // the time "t"
	fromIndex                // the neuron index "i"
	fromSize                 // the group size "N"
	fromPre                  // an array of the presynaptic neuron (x_pre)
	fromPost                 // an array of the postsynaptic neuron (x_post)
	fromSeries               // a time series of the group (host.SeriesPlan)
)

// input is one input of a program: its source, for arrays the array, and
// whether the program reads it (constant arrays are folded into the
// program, see ir.Specialize, and then left unread).
type input struct {
	from   source
	arr    []float32
	series *host.SeriesPlan
	used   bool
}

// ring is the delay ring of one target array: slot r of neuron i is
// slots[r*N+i].
type ring struct {
	x     []float32
	slots []int64
}

// group is a neuron group of a loaded plan.
type group struct {
	name     string
	n        int
	stream   uint32
	prog     *ir.Program
	arrays   map[string][]float32
	consts   map[string]float32 // the value of each constant array
	in       []input
	out      [][]float32 // the array each output overwrites; nil for the spike output
	spikeOut int         // index of the spike output, -1 without one
	ringLen  int
	targets  map[string]*ring
	rings    []*ring // targets in plan order
	spikes   []uint32
	found    []uint32 // spikes found by each block, at the block's offset
	counts   []int    // number of spikes found by each block
	work     []*stepWorker
	records  []*record
	// checked are the non-Const arrays, searched for faulty values after
	// each step, and checkedNames their names; faults holds each block's
	// first fault of the step.
	checked      [][]float32
	checkedNames []string
	limits       []uint32 // host.FaultLimit of each checked array
	faults       []fault
	// loaded says of each ring whether the step program's evaluators
	// deliver it as they load its target (stepWorker.hook); stored says
	// of each checked array whether they check it as they store it.
	loaded, stored []bool
}

// stepWorker holds one goroutine's evaluator and scratch for the neuron
// step.
type stepWorker struct {
	ev             *ir.Evaluator
	in, out        [][]float32
	t, index, size []float32
	shared         [][]float32 // per input, the value of a shared time series for a block
	err            error
	// lo and slot locate the block being updated and its step's ring
	// slot; faultAt holds, per checked array its evaluator stores, the
	// first faulty neuron of the block (from lo), or -1; spiked is the
	// number of spikes it found.
	lo, slot int
	faultAt  []int
	spiked   int
}

// newGroup checks a group of the plan and copies its arrays.
func newGroup(gp *host.GroupPlan, workers int) (*group, error) {
	g := &group{name: gp.Name, n: gp.N, stream: gp.Stream, prog: gp.Step, ringLen: gp.Ring, spikeOut: -1}
	if err := g.init(gp, workers); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *group) init(gp *host.GroupPlan, workers int) error {
	switch {
	case g.n < 0 || g.n > math.MaxInt32:
		return fmt.Errorf("size %d out of range", g.n)
	case g.prog == nil:
		return errors.New("no step program")
	case g.ringLen < 1:
		return fmt.Errorf("ring of %d slots, want at least 1", g.ringLen)
	}
	if err := gp.CheckSeries(); err != nil {
		return err
	}
	arrays, err := copyArrays(gp.Arrays, g.n, "neurons", g.prog)
	if err != nil {
		return err
	}
	g.arrays = arrays
	g.consts = constValues(gp.Arrays)
	for _, name := range host.FaultOrder(gp) {
		g.checked = append(g.checked, arrays[name])
		g.checkedNames = append(g.checkedNames, name)
		g.limits = append(g.limits, host.FaultLimit(gp, name))
	}
	g.prog = ir.Specialize(g.prog, g.consts)
	for k, name := range g.prog.Inputs {
		in := input{used: g.prog.Uses(k)}
		switch name {
		case host.InputTime:
			in.from = fromTime
		case host.InputIndex:
			in.from = fromIndex
		case host.InputSize:
			in.from = fromSize
		default:
			if sp := findSeries(gp, name); sp != nil {
				in.from, in.series = fromSeries, sp
				break
			}
			a, ok := arrays[name]
			if !ok {
				return fmt.Errorf("step input %q names no array", name)
			}
			in.from, in.arr = fromArray, a
		}
		g.in = append(g.in, in)
	}
	for k, o := range g.prog.Outputs {
		if o.Name == host.OutputSpike {
			g.spikeOut = k
			g.out = append(g.out, nil)
			continue
		}
		a, ok := arrays[o.Name]
		if !ok {
			return fmt.Errorf("step output %q names no array", o.Name)
		}
		g.out = append(g.out, a)
	}
	g.targets = map[string]*ring{}
	for _, x := range gp.Targets {
		a, ok := arrays[x]
		if !ok {
			return fmt.Errorf("target %q names no array", x)
		}
		if constant(gp.Arrays, x) {
			return fmt.Errorf("target %q is a constant array", x)
		}
		if g.targets[x] != nil {
			return fmt.Errorf("target %q given twice", x)
		}
		r := &ring{x: a, slots: make([]int64, g.ringLen*g.n)}
		g.targets[x] = r
		g.rings = append(g.rings, r)
	}
	blocks := (g.n + blockLen - 1) / blockLen
	g.spikes = make([]uint32, 0, g.n)
	g.found = make([]uint32, g.n)
	g.counts = make([]int, blocks)
	g.faults = make([]fault, blocks)
	g.work = make([]*stepWorker, max(1, min(workers, blocks)))
	for w := range g.work {
		g.work[w] = newStepWorker(g.prog, float32(g.n))
		g.hook(g.work[w], gp.Targets)
	}
	return nil
}

// hook makes w's evaluator take each block's ring slots, spikes and
// faults as it loads and stores the block (ir.Loader, ir.Storer), with no
// passes of their own: a ring target that the program reads and writes
// (targets lists their names, in the order of rings) is delivered into
// the evaluator instead of the array, which the program's output then
// overwrites; an output array is checked for faults as it is copied; the
// spike output is searched where the evaluator holds it.
func (g *group) hook(w *stepWorker, targets []string) {
	written := map[string]bool{}
	for _, o := range g.prog.Outputs {
		written[o.Name] = true
	}
	g.loaded = make([]bool, len(g.rings))
	for i, r := range g.rings {
		k := slices.Index(g.prog.Inputs, targets[i])
		if k >= 0 && written[targets[i]] {
			g.loaded[i] = w.ev.Load(k, func(dst []float32, lo int) {
				at := w.lo + lo
				deliver(dst, r.x[at:at+len(dst)], r.slots[w.slot+at:w.slot+at+len(dst)])
			})
		}
	}
	g.stored = make([]bool, len(g.checked))
	w.faultAt = make([]int, len(g.checked))
	for k, o := range g.prog.Outputs {
		if k == g.spikeOut {
			w.ev.Store(k, func(src []float32, lo int) {
				at := w.lo + lo
				w.spiked += findSpikes(src, at, g.found[w.lo+w.spiked:])
			})
			continue
		}
		a := slices.Index(g.checkedNames, o.Name)
		if a < 0 {
			continue
		}
		g.stored[a] = true
		arr, limit := g.out[k], g.limits[a]
		w.ev.Store(k, func(src []float32, lo int) {
			at := w.lo + lo
			if i := copyChecked(arr[at:at+len(src)], src, limit); i >= 0 && w.faultAt[a] < 0 {
				w.faultAt[a] = lo + i
			}
		})
	}
}

// newStepWorker returns a worker for the step program p of a group of n
// neurons (group.hook sets where its outputs go).
func newStepWorker(p *ir.Program, n float32) *stepWorker {
	w := &stepWorker{
		ev:     ir.NewEvaluator(p),
		in:     padded(len(p.Inputs)),
		out:    padded(len(p.Outputs)),
		t:      make([]float32, blockLen),
		index:  make([]float32, blockLen),
		size:   make([]float32, blockLen),
		shared: make([][]float32, len(p.Inputs)),
	}
	for k := range w.shared {
		w.shared[k] = make([]float32, blockLen)
	}
	for i := range w.size {
		w.size[i] = n
	}
	return w
}

// padded returns n slices with room after them for a cache line
// (cacheLine): slices of one worker that it sets for every block, kept off
// the lines of another worker's.
func padded(n int) [][]float32 {
	return make([][]float32, n, n+cacheLine/24)
}

// cacheLine is a size in bytes that keeps data written by one goroutine
// off the cache lines of another's (two lines: CPUs fetch lines in pairs).
const cacheLine = 128

// copyArrays checks the arrays of a group or projection (n values each,
// unique names, constant arrays constant and written by no output of p)
// and copies them.
func copyArrays(list []host.Array, n int, what string, p *ir.Program) (map[string][]float32, error) {
	arrays := make(map[string][]float32, len(list))
	for _, a := range list {
		switch a.Name {
		case "", host.InputTime, host.InputIndex, host.InputSize:
			return nil, fmt.Errorf("array name %q is reserved", a.Name)
		}
		if _, dup := arrays[a.Name]; dup {
			return nil, fmt.Errorf("array %q given twice", a.Name)
		}
		if len(a.Init) != n {
			return nil, fmt.Errorf("array %q has %d values for %d %s", a.Name, len(a.Init), n, what)
		}
		if a.Const {
			for _, x := range a.Init {
				if math.Float32bits(x) != math.Float32bits(a.Init[0]) {
					return nil, fmt.Errorf("constant array %q holds different values", a.Name)
				}
			}
			if host.Writes(p, a.Name) {
				return nil, fmt.Errorf("constant array %q is changed by the program", a.Name)
			}
		}
		arrays[a.Name] = append([]float32(nil), a.Init...)
	}
	return arrays, nil
}

// constValues returns the value of each constant array of list.
func constValues(list []host.Array) map[string]float32 {
	consts := map[string]float32{}
	for _, a := range list {
		if a.Const && len(a.Init) > 0 {
			consts[a.Name] = a.Init[0]
		}
	}
	return consts
}

// constant reports whether the array called name in list is constant.
func constant(list []host.Array, name string) bool {
	for _, a := range list {
		if a.Name == name {
			return a.Const
		}
	}
	return false
}

// bytes is the host memory the group holds.
func (g *group) bytes() int64 {
	n := int64(0)
	for _, a := range g.arrays {
		n += 4 * int64(len(a))
	}
	for _, r := range g.rings {
		n += 8 * int64(len(r.slots))
	}
	return n + 4*int64(cap(g.spikes)+len(g.found))
}

// step runs step 1 of the plan's time step s for the group: delivers the
// ring slot of s, takes the samples of its records, runs the step program,
// fills the spike list and the spike record rec, and returns the first
// faulty value after the step, or nil.
func (g *group) step(b *Backend, s uint32, tm float32, rec []uint32) (*host.StateError, error) {
	b.team.do(len(g.work), len(g.work), func(w, _ int) { g.share(b, w, s, tm, rec) })
	return g.finish(b, s)
}

// share updates worker w's share of the group's blocks in step s (the
// same every step: team.work's division of the blocks among len(g.work)
// workers); a worker beyond them has none.
func (g *group) share(b *Backend, w int, s uint32, tm float32, rec []uint32) {
	if w >= len(g.work) {
		return
	}
	slot := int(s%uint32(g.ringLen)) * g.n
	blocks, n := len(g.counts), len(g.work)
	for c := blocks * w / n; c < blocks*(w+1)/n; c++ {
		g.block(g.work[w], c, slot, s, tm, b, rec)
	}
}

// finish ends step s once every share is updated: it gathers the spike
// list and returns the first faulty value, or the first error.
func (g *group) finish(b *Backend, s uint32) (*host.StateError, error) {
	g.spikes = g.spikes[:0]
	for c, n := range g.counts {
		g.spikes = append(g.spikes, g.found[c*blockLen:c*blockLen+n]...)
	}
	for _, w := range g.work {
		if w.err != nil {
			return nil, w.err
		}
	}
	return g.firstFault(s, b.dt), nil
}

// block updates neurons c·blockLen … of the group with worker w.
func (g *group) block(w *stepWorker, c, slot int, s uint32, tm float32, b *Backend, rec []uint32) {
	lo := c * blockLen
	hi := min(lo+blockLen, g.n)
	n := hi - lo
	g.counts[c] = 0
	w.lo, w.slot, w.spiked = lo, slot, 0
	sampled := false // a record samples the block before the step: the rings are delivered first
	for _, r := range g.records {
		sampled = sampled || r.samples(s, false)
	}
	for i, r := range g.rings {
		if !g.loaded[i] || sampled { // delivered again as it is loaded: it adds 0
			deliver(r.x[lo:hi], r.x[lo:hi], r.slots[slot+lo:slot+hi])
		}
	}
	for _, r := range g.records {
		r.sample(b.batch, s, lo, hi, false)
	}
	for k, in := range g.in {
		if !in.used {
			continue
		}
		switch in.from {
		case fromArray:
			w.in[k] = in.arr[lo:hi]
		case fromTime:
			for i := range n {
				w.t[i] = tm
			}
			w.in[k] = w.t
		case fromIndex:
			for i := range n {
				w.index[i] = float32(lo + i)
			}
			w.in[k] = w.index
		case fromSize:
			w.in[k] = w.size
		case fromSeries:
			w.in[k] = seriesValues(in.series, s, lo, hi, g.n, w.shared[k])
		}
	}
	for k, dst := range g.out {
		if dst != nil {
			w.out[k] = dst[lo:hi] // the evaluator reads a block's inputs before it writes its outputs
		}
	}
	for a := range w.faultAt {
		w.faultAt[a] = -1
	}
	rng := ir.RNG{Key: b.key, Stream: g.stream, First: uint32(lo), Step: s}
	if err := w.ev.Run(n, w.in, w.out, rng); err != nil {
		w.err = err
		return
	}
	for _, r := range g.records {
		r.sample(b.batch, s, lo, hi, true)
	}
	g.faults[c] = g.check(lo, hi, w.faultAt)
	if g.spikeOut < 0 {
		return
	}
	for _, j := range g.found[lo : lo+w.spiked] {
		rec[j/32] |= 1 << (j % 32)
	}
	g.counts[c] = w.spiked
}

// findSpikesLoop is findSpikes's scalar loop.
func findSpikesLoop(out []float32, lo int, found []uint32) int {
	m := 0
	for i, x := range out {
		if x != 0 {
			found[m] = uint32(lo + i)
			m++
		}
	}
	return m
}

// deliverLoop sets dst to x plus the ring slots acc, host.AddFixed, and
// clears them; dst may be x.
func deliverLoop(dst, x []float32, acc []int64) {
	dst, x = dst[:len(acc)], x[:len(acc)]
	for i, a := range acc {
		dst[i] = host.AddFixed(x[i], a)
		acc[i] = 0
	}
}
