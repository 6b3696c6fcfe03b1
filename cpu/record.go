package cpu

import (
	"fmt"

	"github.com/spikevk/spikevk/host"
)

// record is a host.RecordPlan of a group: the arrays it samples and the
// position+1 in Neurons of each neuron of the group (0: not sampled).
type record struct {
	index  int // in Plan.Records
	plan   *host.RecordPlan
	arrays [][]float32
	pos    []uint32
}

// newRecords checks the plan's records and attaches each to its group.
func newRecords(p *host.Plan, groups []*group) error {
	for r, rp := range p.Records {
		if rp == nil {
			return fmt.Errorf("record %d is nil", r)
		}
		if err := rp.Check(p); err != nil {
			return err
		}
		g := groups[rp.Group]
		rec := &record{index: r, plan: rp, pos: make([]uint32, g.n)}
		for _, name := range rp.Arrays {
			rec.arrays = append(rec.arrays, g.arrays[name])
		}
		for k, i := range rp.Neurons {
			rec.pos[i] = uint32(k + 1)
		}
		g.records = append(g.records, rec)
	}
	return nil
}

// sample writes the values of neurons lo … hi-1 at step s to batch, if r
// samples step s at this point of the step: before the Step program
// (after false) or after it.
func (r *record) sample(batch *host.Batch, s uint32, lo, hi int, after bool) {
	if !r.samples(s, after) {
		return
	}
	m := len(r.plan.Neurons)
	k := r.plan.Sampled(batch.First, s-batch.First)
	dst := batch.Samples[r.index][k*len(r.arrays)*m:]
	for i := lo; i < hi; i++ {
		p := r.pos[i]
		if p == 0 {
			continue
		}
		for a, arr := range r.arrays {
			dst[a*m+int(p)-1] = arr[i]
		}
	}
}

// samples reports whether r samples step s before the Step program
// (after false) or after it.
func (r *record) samples(s uint32, after bool) bool {
	return s%r.plan.Every == 0 && r.plan.AfterStep == after
}

// fault is the first faulty value a block found in a step.
type fault struct {
	neuron, array int // array: index into group.checked; -1: none
}

// check finds the first neuron of lo … hi-1 with a faulty value in a
// non-Const array (host.Runaway), and its first such array: each array is
// scanned on its own, below the lowest neuron found so far, so an array
// later in order wins only with a lower neuron.
func (g *group) check(lo, hi int, faultAt []int) fault {
	f := fault{neuron: hi, array: -1}
	for a, arr := range g.checked {
		i := faultAt[a] // the first of the block, found as the evaluator stored it
		switch {
		case !g.stored[a]:
			i = firstFaulty(arr[lo:f.neuron], g.limits[a])
		case lo+i >= f.neuron:
			i = -1
		}
		if i >= 0 {
			f = fault{lo + i, a}
		}
	}
	return f
}

// firstFaulty returns the index of the first faulty value of x (beyond
// the limit whose bits are limit, host.FaultLimit), or -1.
func firstFaulty(x []float32, limit uint32) int {
	for i := cleanPrefix(x, limit); i < len(x); i++ {
		if host.Faulty(x[i], limit) {
			return i
		}
	}
	return -1
}

// copyCheckedLoop is copyChecked's scalar loop for src, the values from
// index offset on: it returns offset plus the index of the first faulty
// value, or -1.
func copyCheckedLoop(dst, src []float32, limit uint32, offset int) int {
	copy(dst, src)
	if i := firstFaulty(src, limit); i >= 0 {
		return offset + i
	}
	return -1
}

// firstFault returns the first fault the blocks found in step s, or nil.
func (g *group) firstFault(s uint32, dt float64) *host.StateError {
	for _, f := range g.faults {
		if f.array >= 0 {
			x := g.checked[f.array][f.neuron]
			return &host.StateError{Group: g.name, Neuron: f.neuron, Var: g.checkedNames[f.array], Step: s, Time: host.Time(s, dt), Value: x}
		}
	}
	return nil
}
