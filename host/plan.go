// Package host is the runtime of spikevk: it compiles a network into a Plan
// (arrays, connectivity and the programs of each time step), drives a
// Backend through the time steps in batches, and reads the spike records
// back once per batch. The Plan is the whole contract between the runtime
// and a backend: the CPU reference (cpu/) and the Vulkan backend (gpu/)
// execute it with the same semantics, bit for bit (DESIGN.md §2–§3).
package host

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models/ir"
)

// Plan is a network compiled for a backend.
//
// One time step, numbered s from 0, runs in this order on every backend:
//
//  0. For each projection with a Step program, in order, for every
//     synapse k: Step runs with the inputs of OnPre, except that "t" =
//     Time(s, DT); its outputs named like a projection array overwrite it
//     (clock-driven variables), and each output "x_post=Σ" is synapse
//     k's term of the summed variable x of the Post group: for each
//     neuron i of that group, x[i] is set to the terms of the synapses of
//     column i (k = ColSyn[c], c = ColPtr[i] … ColPtr[i+1]-1, ascending
//     synapse ids) added one at a time in that order in float32 from +0
//     (SumTerm), so 0 for a neuron without synapses. When an earlier
//     projection sums into the same variable (the output is in Adds),
//     x[i] = SumTerm(x[i], that sum) instead: several projections' sums
//     add up in projection order. Float addition is not associative:
//     the order is part of the contract. An output
//     "x_pre=Σ" sets x of the Pre group the same way over row j (k =
//     RowPtr[j] … RowPtr[j+1]-1). Random draws use key Seed, the
//     projection's StepStream, element index k and step s. This phase
//     runs before anything else of step s, so Step reads the neuron
//     values as step s-1 left them. It needs no double buffer: nothing
//     writes a neuron array while it runs except the summed variables,
//     which no Step program reads (host.Compile checks it), and every synapse reads and
//     writes only its own projection arrays. As in Brian2, a summed
//     variable is a parameter that this phase overwrites every step.
//  1. For each group, in order, one thread per neuron i:
//     for each Target x of the group, x[i] += FromFixed(ring[x][s mod Ring][i]),
//     and the slot is cleared; then the group's Step program runs, with
//     the inputs "t" = Time(s, DT), "i" = float32(i), "N" = float32(N) and
//     every other input read from the array of that name or, for the
//     Input of a Series, from its values at step s; outputs named
//     like an array overwrite it; output "_spike" (1 or 0) appends i to the
//     group's spike list of step s and sets bit i of the group's spike
//     record for step s. Random draws use key Seed, the group's Stream,
//     element index i and step s. The group's Records sample its arrays
//     after the ring inputs, before the Step program, or after it with
//     AfterStep (RecordPlan); after it, a faulty value of a non-Const array is a fault of the batch
//     (Runaway, Batch.Faults).
//  2. For each projection, in order, for each spike of its Pre group in
//     step s, for each synapse k of that neuron's row: the OnPre program
//     runs with inputs read from the projection's arrays (at k), "t" =
//     Time(s+d, DT) where d is the synapse's delay in steps, the
//     pre- and postsynaptic neurons' arrays for inputs named x_pre and
//     x_post; outputs named like a projection array overwrite it, and each
//     output "x_post+=" adds ToFixed(value) to ring[x][(s+1+d) mod Ring]
//     of the postsynaptic neuron in the Post group. Random draws use key
//     Seed, the projection's Stream, element index k and step s.
//  3. For each projection with OnPost, in order, for each spike of its
//     Post group in step s, for each synapse k of that neuron's column
//     (k = ColSyn[ColPtr[i]] … ColSyn[ColPtr[i+1]-1]): the OnPost program
//     runs with the inputs of OnPre, except that "t" = Time(s, DT)
//     (postsynaptic events have no delay), and its outputs overwrite the
//     projection's arrays. Random draws use key Seed, the projection's
//     PostStream, element index k and step s. OnPost has no effects on
//     neurons.
//
// As in Brian2, whose Synapses run on_pre before on_post, a synapse whose
// both neurons spike in step s sees OnPre first, then OnPost. A projection
// with OnPost has no delays, so that both pathways of a synapse run in the
// order of their events (host.Compile rejects the others).
//
// A projection without OnPre and OnPost does nothing. Outputs named like
// a Const array are always the unchanged input (host.Writes): a backend
// skips them. Every delay is shorter than the post group's Ring.
//
// So a spike in step s with delay d reaches its target at the start of
// step s+1+d, before the target integrates (Brian2 delivers it at the end
// of step s+d, after the threshold test: the same step of the next
// threshold crossing, except that Brian's reset of a neuron that spikes in
// step s+d wipes the input, where here the input lands after the reset).
type Plan struct {
	DT          float64    // time step in ms
	Seed        philox.Key // key of every random draw
	Groups      []*GroupPlan
	Projections []*ProjectionPlan
	Records     []*RecordPlan // state samples taken on the device
}

// Array is a named float32 array of a group (one value per neuron) or a
// projection (one value per synapse) with its initial contents.
type Array struct {
	Name string
	Init []float32
	// Const marks an array that no program changes, that no synapse
	// increments, and whose values are all equal: a backend may hold it as
	// one constant.
	Const bool
}

// GroupPlan is a group of neurons that share a step program.
type GroupPlan struct {
	Name   string
	N      int
	Stream uint32      // RNG stream of Step
	Step   *ir.Program // one time step (models.Neuron.Step)
	Arrays []Array     // every input of Step other than "t", "i" and "N"
	// Targets are the arrays that synapses increment, one delay ring each.
	Targets []string
	Ring    int // slots per delay ring: the longest delay in steps + 1 (at least 1)
	Series  []SeriesPlan
}

// SeriesPlan is a time series that a group's Step reads as its input
// Input: in step s, value k = min(s / StepsPerValue, K-1) of its K values
// (integer division), the same for every neuron, or, PerNeuron, value k
// of neuron i at Values[k·N + i].
//
// A spike table (Spikes, with PerNeuron) is instead 1 for neuron i in the
// steps listed for it and 0 in the others: Values[i] … Values[i+1]-1
// (N+1 offsets) index, from Values[N+1] on, neuron i's steps in
// increasing order. Offsets and steps are whole numbers below
// MaxTableValue, exact in float32; a backend looks step s up by binary
// search, so a table is stateless.
type SeriesPlan struct {
	Input         string
	Values        []float32
	PerNeuron     bool
	StepsPerValue uint32 // at least 1
	Spikes        bool
}

// MaxTableValue bounds the offsets and steps of a spike table (2^24):
// every whole number below it is exact in float32.
const MaxTableValue = 1 << 24

// Spiking reports whether the spike table sp lists step s for neuron i,
// by binary search over the neuron's steps as whole numbers.
func (sp *SeriesPlan) Spiking(s uint32, i, n int) bool {
	lo, hi := uint32(sp.Values[i]), uint32(sp.Values[i+1])
	for lo < hi {
		mid := (lo + hi) / 2
		x := uint32(sp.Values[n+1+int(mid)])
		switch {
		case x == s:
			return true
		case x < s:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return false
}

// At is the index in Values of the value series sp gives neuron i of a
// group of n in step s.
func (sp *SeriesPlan) At(s uint32, i, n int) int {
	if !sp.PerNeuron {
		return int(min(s/sp.StepsPerValue, uint32(len(sp.Values)-1)))
	}
	k := int(min(s/sp.StepsPerValue, uint32(len(sp.Values)/n-1)))
	return k*n + i
}

// ProjectionPlan is a set of synapses from one group to another, stored
// as compressed sparse rows: the synapses of presynaptic neuron j are
// k = RowPtr[j] … RowPtr[j+1]-1, and synapse k ends on neuron Target[k] of
// the Post group. A projection with OnPost, or whose Step sums into the
// Post group, also holds the transposed index: the synapses that end on
// postsynaptic neuron i are ColSyn[c] for c = ColPtr[i] … ColPtr[i+1]-1,
// in increasing order.
type ProjectionPlan struct {
	Name       string
	Pre, Post  int // indices into Plan.Groups
	Stream     uint32
	PostStream uint32   // RNG stream of OnPost
	RowPtr     []uint32 // len Pre's N + 1
	Target     []uint32
	// Delay is the delay of every synapse in steps when Delays is nil;
	// otherwise Delays holds one per synapse.
	Delay  uint32
	Delays []uint16
	OnPre  *ir.Program
	OnPost *ir.Program // nil: postsynaptic spikes change nothing
	// Step integrates the clock-driven variables and computes the terms
	// of the summed variables every step (step 0); nil: none.
	Step       *ir.Program
	StepStream uint32 // RNG stream of Step
	// Adds lists the summed outputs of Step ("x_post=Σ") whose variable an
	// earlier projection also sums: their sums add to the variable
	// instead of setting it.
	Adds   []string
	ColPtr []uint32 // len Post's N + 1 with OnPost or a sum into Post, else nil
	ColSyn []uint32
	Arrays []Array // every input of OnPre, OnPost and Step that is not "t" nor named x_pre or x_post
	// Rows, when set, regenerates the rows instead of Target, which is
	// nil (procedural connectivity, Network.Procedural): RowPtr still
	// counts each row's synapses, and every array is constant, with one
	// value (ArrayLen).
	Rows *Rows
}

// Targets returns the target of every synapse, in row order: Target, or
// for a procedural projection its rows drawn again.
func (p *ProjectionPlan) Targets() []uint32 {
	if p.Rows == nil {
		return p.Target
	}
	target := make([]uint32, 0, p.Rows.Count)
	for j := range len(p.RowPtr) - 1 {
		target = p.Rows.Row(target, j)
	}
	return target
}

// ArrayLen is the number of values of each of the projection's arrays:
// one per synapse, or one for a procedural projection.
func (p *ProjectionPlan) ArrayLen() int {
	if p.Rows != nil {
		return 1
	}
	return len(p.Target)
}

// Transpose returns the transposed index of synapses that end on neurons
// target[k] of a group of n: ColPtr and ColSyn of a ProjectionPlan.
func Transpose(target []uint32, n int) (colPtr, colSyn []uint32) {
	colPtr = make([]uint32, n+1)
	for _, i := range target {
		colPtr[i+1]++
	}
	for i := range n {
		colPtr[i+1] += colPtr[i]
	}
	colSyn = make([]uint32, len(target))
	next := slices.Clone(colPtr[:n])
	for k, i := range target {
		colSyn[next[i]] = uint32(k)
		next[i]++
	}
	return colPtr, colSyn
}

// Synapses is the number of synapses of the projection.
func (p *ProjectionPlan) Synapses() int {
	if p.Rows != nil {
		return p.Rows.Count
	}
	return len(p.Target)
}

// Bytes is the memory the projection's synapses need: row pointers,
// targets, the transposed index, per-synapse delays and the arrays that are not constant.
func (p *ProjectionPlan) Bytes() int64 {
	b := 4*int64(len(p.RowPtr)+len(p.Target)+len(p.ColPtr)+len(p.ColSyn)) + 2*int64(len(p.Delays))
	for _, a := range p.Arrays {
		if !a.Const {
			b += 4 * int64(len(a.Init))
		}
	}
	return b
}

// Names of the special inputs and outputs of the programs of a Plan.
const (
	InputTime    = "t"
	InputIndex   = "i"
	InputSize    = "N"
	OutputSpike  = "_spike"
	SuffixPre    = "_pre"
	SuffixPost   = "_post"
	SuffixEffect = "_post+=" // an OnPre output that adds to a target's ring
	SuffixSum    = "=Σ"      // a Step output that is a term of a summed variable
)

// Summed returns the side ("pre" or "post") and the neuron variable of a
// Step output named x_pre=Σ or x_post=Σ; ok is false for other outputs.
func Summed(output string) (side, x string, ok bool) {
	name, ok := strings.CutSuffix(output, SuffixSum)
	if !ok {
		return "", "", false
	}
	if x, ok := strings.CutSuffix(name, SuffixPost); ok {
		return "post", x, true
	}
	if x, ok := strings.CutSuffix(name, SuffixPre); ok {
		return "pre", x, true
	}
	return "", "", false
}

// SumsInto reports whether p's Step has a summed output on side ("pre"
// or "post").
func (p *ProjectionPlan) SumsInto(side string) bool {
	if p.Step == nil {
		return false
	}
	for _, o := range p.Step.Outputs {
		if s, _, ok := Summed(o.Name); ok && s == side {
			return true
		}
	}
	return false
}

// Time is the time in ms at the start of step s: float32(s)·float32(dt),
// computed in float32 on every backend, never by accumulation.
func Time(s uint32, dt float64) float32 {
	return float32(float32(s) * float32(dt))
}

// FixedScale is the fixed-point scale of the delay rings: a ring holds
// 2^32 counts per internal unit (nS, pA, mV…): a resolution of 2.3e-10
// units and a range of ±2.1e9 units per slot. Sums of int64 are exact and
// independent of order, so simultaneous inputs add up the same on every
// backend (DESIGN.md §2).
const FixedScale = 1 << 32

// fixedLimit clamps one increment to ±2^30 units before conversion.
const fixedLimit = 1 << 62

// ToFixed converts one increment to fixed point: x·2^32 clamped to
// ±2^62 (NaN becomes -2^62) and truncated toward zero. GLSL:
// int64_t(min(max(x * 4294967296.0, -0x1p62), 0x1p62)) with min and max as
// a < b ? a : b and a > b ? a : b.
func ToFixed(x float32) int64 {
	y := float32(x * FixedScale)
	if !(y > -fixedLimit) {
		y = -fixedLimit
	}
	if !(y < fixedLimit) {
		y = fixedLimit
	}
	return int64(y)
}

// FromFixed converts a ring slot back to a value: float32(a)·2^-32, with
// results below the smallest normal float32 flushed to +0 (models/ir).
func FromFixed(a int64) float32 {
	return flush(float32(float32(a) * (1.0 / FixedScale)))
}

// AddFixed is the update of step 1 of a Plan: x + FromFixed(a) in float32,
// flushed like every sum of the IR.
func AddFixed(x float32, a int64) float32 {
	return flush(float32(x + FromFixed(a)))
}

// SumTerm is one addition of step 0 of a Plan: acc + x in float32,
// flushed like every sum of the IR. GLSL: ir_flush(acc + x), precise.
func SumTerm(acc, x float32) float32 {
	return flush(float32(acc + x))
}

func flush(x float32) float32 {
	if x < math.SmallestNonzeroFloat32*(1<<23) && x > -math.SmallestNonzeroFloat32*(1<<23) {
		return 0
	}
	return x
}

// Words is the number of 32-bit words of a spike record of n neurons.
func Words(n int) int { return (n + 31) / 32 }

// Batch is what a backend returns for a run of steps.
type Batch struct {
	First, Steps uint32
	// Spikes holds, per group, Steps records of Words(N) words each: bit
	// i%32 of word i/32 of record s is set when neuron i spiked in step
	// First+s.
	Spikes [][]uint32
	// Samples holds, per record of Plan.Records, the values it sampled in
	// the batch, laid out as RecordPlan describes.
	Samples [][]float32
	// Faults holds, per group, the first fault of the batch (see Runaway),
	// or nil. A backend runs every step of a batch with a fault.
	Faults []*StateError
}

// Backend executes a Plan.
type Backend interface {
	// Name is "cpu" or "vulkan"; Device describes what it runs on.
	Name() string
	Device() string
	// Load allocates the plan's arrays, builds its kernels and uploads the
	// initial state. A backend loads one plan.
	Load(p *Plan) error
	// Run executes steps first … first+steps-1 and returns their spike
	// records. It checks ctx before it starts; a batch once started runs
	// to its end.
	Run(ctx context.Context, first, steps uint32) (*Batch, error)
	// GroupArray and ProjectionArray return the current contents of an
	// array of a group or a projection, by their index in the plan.
	GroupArray(group int, name string) ([]float32, error)
	ProjectionArray(proj int, name string) ([]float32, error)
	// SetGroupArray replaces the contents of a non-Const array of a group
	// (one value per neuron) between two Runs: the next step Run runs
	// reads them, as if the previous step had written them (a knob:
	// Group.Knobs). An unknown group or array, a Const array (a backend
	// may have folded it into its programs) and a number of values other
	// than N are errors that change nothing.
	SetGroupArray(group int, name string, values []float32) error
	// Save returns a copy of the state after the last step run (State).
	Save() (*State, error)
	// Restore replaces the state with s, saved by any backend from the
	// same plan, so that the next Run continues from the step after the
	// one s was saved at as if the steps had run here. A state that does
	// not fit the plan (Plan.CheckState) is an error and changes nothing.
	Restore(s *State) error
	// Stats reports counters for benchmarks.
	Stats() Stats
	Close() error
}

// Stats counts what a backend did, for benchmarks and the run summary.
type Stats struct {
	Steps       uint64 `json:"steps"`        // time steps run
	Dispatches  uint64 `json:"dispatches"`   // kernel dispatches (0 on the CPU)
	Barriers    uint64 `json:"barriers"`     // memory barriers between dispatches
	Syncs       uint64 `json:"syncs"`        // host waits for the device (one per batch)
	DeviceBytes int64  `json:"device_bytes"` // bytes of device memory the plan holds
	HostBytes   int64  `json:"host_bytes"`   // bytes of host memory the backend holds for the plan
}
