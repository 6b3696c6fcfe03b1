package host

import (
	"fmt"
	"math"
	"slices"

	"github.com/spikevk/spikevk/models/ir"
)

// RecordPlan asks a backend to sample arrays of a group on the device: in
// every step s with s mod Every = 0, the values of Arrays for Neurons (no
// index twice), taken after the ring inputs of step s are added and before
// the Step program runs, as Brian2's StateMonitor records at the start of
// a step. A Const array is sampled too (its value). With AfterStep, the
// samples are taken after the Step program of step s instead: the values
// it wrote in step s, such as the subexpressions it outputs for
// Group.Observe.
//
// The samples of a batch are in Batch.Samples, one slice per record: for
// each sampled step of the batch in order, for each array of Arrays, for
// each neuron of Neurons, one value; so value a of neuron n at the k-th
// sampled step is at (k·len(Arrays) + a)·len(Neurons) + n.
type RecordPlan struct {
	Group   int // index into Plan.Groups
	Arrays  []string
	Neurons []uint32
	Every   uint32 // at least 1
	// AfterStep samples after the Step program rather than before it.
	AfterStep bool
}

// Sampled is the number of steps of first … first+steps-1 that r samples.
func (r *RecordPlan) Sampled(first, steps uint32) int {
	e := uint64(r.Every)
	end := uint64(first) + uint64(steps)
	return int((end+e-1)/e - (uint64(first)+e-1)/e)
}

// Len is the number of values of a batch of first … first+steps-1.
func (r *RecordPlan) Len(first, steps uint32) int {
	return r.Sampled(first, steps) * len(r.Arrays) * len(r.Neurons)
}

// Check reports a record that does not fit the plan p: a group out of
// range, an array the group lacks, a neuron outside it or given twice, or
// Every 0. The error names the group and the array or neuron.
func (r *RecordPlan) Check(p *Plan) error {
	if r.Group < 0 || r.Group >= len(p.Groups) {
		return fmt.Errorf("record of group %d: the plan has %d groups", r.Group, len(p.Groups))
	}
	g := p.Groups[r.Group]
	if r.Every == 0 {
		return fmt.Errorf("record of group %q: every 0 steps", g.Name)
	}
	for k, name := range r.Arrays {
		if !slices.ContainsFunc(g.Arrays, func(a Array) bool { return a.Name == name }) {
			return fmt.Errorf("record of group %q: no array %q", g.Name, name)
		}
		if slices.Contains(r.Arrays[:k], name) {
			return fmt.Errorf("record of group %q: array %q given twice", g.Name, name)
		}
	}
	seen := make(map[uint32]bool, len(r.Neurons))
	for _, i := range r.Neurons {
		if int64(i) >= int64(g.N) {
			return fmt.Errorf("record of group %q: neuron %d of %d", g.Name, i, g.N)
		}
		if seen[i] {
			return fmt.Errorf("record of group %q: neuron %d given twice", g.Name, i)
		}
		seen[i] = true
	}
	return nil
}

// Runaway is the largest magnitude a state value may reach: a value x of a
// non-Const group array with |x| > Runaway after a step, or not finite, is
// a fault (Batch.Faults). Backends compare the bits: float32bits(x) with
// the sign bit cleared greater than float32bits(Runaway), which holds for
// infinities and every NaN.
const Runaway float32 = 1e30

// Saturated is the largest magnitude a variable that synapses increment
// through the rings (GroupPlan.Targets) may reach: one increment is clamped
// at ±2^30 units before it becomes fixed point, and a slot's sum wraps
// past ±2^31 units, so a value near them means inputs were clamped or
// wrapped. It is a fault like Runaway for those arrays; half the clamp,
// 5.4e8 units (nS, pA, mV), is far beyond any real input.
const Saturated float32 = 1 << 29

// FaultLimit is the bits of the largest magnitude of array name of g
// (Runaway, or Saturated for a ring target): a value whose bits with the
// sign cleared are greater is a fault.
func FaultLimit(g *GroupPlan, name string) uint32 {
	if slices.Contains(g.Targets, name) {
		return math.Float32bits(Saturated)
	}
	return math.Float32bits(Runaway)
}

// FaultOrder lists the arrays of g that the backends check for faults, in
// the order they check them: the ring targets first, so that a saturated
// input is the fault of its step rather than the runaway value it causes
// in the same step, then the others the step program writes (the states),
// in the order of Arrays. Parameters and the values derived from them are
// left out: the step never changes them, and a derived value may be
// infinite or NaN where the program only uses it in a branch not taken
// (1/x where x is 0 in arctan); a fault they cause shows in a state.
func FaultOrder(g *GroupPlan) []string {
	var first, rest []string
	for _, a := range g.Arrays {
		switch {
		case a.Const:
		case slices.Contains(g.Targets, a.Name):
			first = append(first, a.Name)
		case g.Step != nil && slices.ContainsFunc(g.Step.Outputs, func(o ir.Output) bool { return o.Name == a.Name }):
			rest = append(rest, a.Name)
		}
	}
	return append(first, rest...)
}

// Faulty reports whether x is not finite or larger in magnitude than the
// limit whose bits are limit (FaultLimit).
func Faulty(x float32, limit uint32) bool {
	return math.Float32bits(x)&0x7fffffff > limit
}

// StateError is the first fault of a group in a batch: the step s with a
// faulty value (see Runaway and Saturated) after the group's Step program
// ran, the lowest neuron with one in that step, and its first faulty array
// in the order of FaultOrder.
type StateError struct {
	Group  string
	Neuron int // index in the group
	Var    string
	Step   uint32
	Time   float32 // ms at the start of Step: Time(Step, DT)
	Value  float32
	// Inputs names the projections that increment Var, for a saturated
	// one (the root package fills it); empty: none given.
	Inputs string
	// Hint is the likely cause, when one is known (the root package fills
	// it); empty: none.
	Hint string
}

func (e *StateError) Error() string {
	what := "NaN"
	switch {
	case math.IsInf(float64(e.Value), 1):
		what = "+Inf"
	case math.IsInf(float64(e.Value), -1):
		what = "-Inf"
	case math.Abs(float64(e.Value)) <= float64(Runaway):
		what = fmt.Sprintf("%g saturates the fixed-point range of synaptic input (|x| > %g): its synapses deliver far too much", e.Value, Saturated)
	case !math.IsNaN(float64(e.Value)):
		what = fmt.Sprintf("%g runs away (|x| > %g)", e.Value, Runaway)
	}
	if e.Inputs != "" {
		what += " (inputs from " + e.Inputs + ")"
	}
	if e.Hint != "" {
		what += "; " + e.Hint
	}
	return fmt.Sprintf("group %q, neuron %d, variable %s at t = %g ms (step %d): %s", e.Group, e.Neuron, e.Var, e.Time, e.Step, what)
}

// Fault returns the first fault of the batch: the earliest step, and in
// that step the group with the lowest index; nil when there is none.
func (b *Batch) Fault() *StateError {
	var first *StateError
	for _, e := range b.Faults {
		if e != nil && (first == nil || e.Step < first.Step) {
			first = e
		}
	}
	return first
}
