// Package gpu is the Vulkan backend of spikevk: it executes a host.Plan with
// compute kernels generated from the plan's programs, bit for bit like the
// CPU reference (DESIGN.md §2–§3).
//
// Each group has one kernel, one thread per neuron: it adds and clears the
// delay-ring slots of its targets, runs the step program, appends spikes to
// the group's spike list and writes the step's spike record. Each projection
// has one kernel, one thread per possible presynaptic spike, that walks the
// CSR row of a spike and adds the synaptic effects to the postsynaptic delay
// ring with 64-bit integer atomics (or, on a device without them or with
// Options.Ring32, with two 32-bit ones and a carry: the same sums); a
// projection with OnPost has a second
// one, dispatched after every scatter kernel, one thread per possible
// postsynaptic spike, that walks the spike's column of the transposed
// index. A projection with Step (summed and clock-driven synapse
// variables) has up to three more, dispatched before the neuron kernels
// (summed.go). A batch of steps is recorded into one command buffer, submitted
// once and waited for once; the spike records are read back after it.
//
// Memory per group: the non-Const arrays (4 B per neuron each), the delay
// rings (8 B per neuron, target and slot), the spike list (4 B per
// neuron), the spike records of one batch, the faults (12 B per neuron)
// and, for state records, 4 B per neuron and record and the samples of
// one batch (record.go). Per projection: 4 B per synapse for the target
// index, 4 B per presynaptic neuron for the row pointers, 2 B per
// synapse for heterogeneous delays and 4 B per synapse for each non-Const
// array; with OnPost, 4 B per postsynaptic neuron and 4 B per synapse for
// the transposed index, and 4 B per synapse for the presynaptic neuron of
// each synapse where OnPost reads it. With Step, 4 B per neuron and 4 B
// per synapse for the line pointers and column of each gather, 4 B per
// synapse for the targets and the presynaptic neurons where Step reads
// them, and 4 B per synapse and summed variable for the terms where a
// terms kernel keeps them. Const arrays are compiled into the kernels.
package gpu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/shaders"
)

// Batch limits: a submission runs at most maxBatchSteps steps and holds at
// most maxRecordBytes of spike records, so that the host reads records
// back regularly and a submission stays far below the device timeout.
const (
	maxBatchSteps  = 1000
	maxRecordBytes = 64 << 20
)

// Options configure New.
type Options struct {
	// Device selects a device by enumeration index or by a case-insensitive
	// substring of its name; empty: $SPIKEVK_DEVICE, else the best device.
	Device string
	// Validation enables the Khronos validation layer.
	Validation bool
	// OnMessage receives validation messages (nil: standard error).
	OnMessage func(vk.Message)
	// Ring32 adds into the delay rings with 32-bit atomics (a carry from
	// the low word into the high one) even where the device has 64-bit
	// buffer atomics, as it must where it has none; the results are the
	// same bit for bit.
	Ring32 bool
	// RowWalk says how scatter kernels walk the rows of spiking neurons;
	// the default, RowWalkAuto, picks per projection.
	RowWalk RowWalk
}

// RowWalk is how a projection's scatter kernel walks the synapse rows of
// the neurons that spiked. The walks give the same results bit for bit:
// each synapse is visited by one thread, and the ring additions are
// fixed-point atomics, exact in any order.
type RowWalk int

const (
	// RowWalkAuto walks cooperatively on a GPU where a projection's rows
	// hold cooperativeRow synapses or more on average, else serially. A
	// CPU device (lavapipe) walks serially: there a work group per
	// neuron costs more than it saves.
	RowWalkAuto RowWalk = iota
	// RowWalkSerial gives each spike one thread, which walks its row.
	RowWalkSerial
	// RowWalkCooperative gives each spike a work group, whose threads
	// stride over its row (neighbouring threads read neighbouring
	// targets: coalesced), as GeNN's PreSpan and NEST GPU spread a row.
	RowWalkCooperative
)

// cooperativeRow is the mean row length from which RowWalkAuto walks a
// projection cooperatively: half a work group of threads has work.
const cooperativeRow = localSize / 2

// Backend runs a host.Plan on a Vulkan device. It implements host.Backend.
// Its methods must not be called concurrently.
type Backend struct {
	ctx     *vk.Context
	owns    bool // Close closes ctx
	tap     Tap
	plan    *host.Plan
	clock   *vk.Buffer[uint32] // the first step of the running batch
	groups  []*group
	projs   []*projection
	kernels map[string]*vk.Kernel // by source
	closers []func()
	// ring32: the rings are added into with 32-bit atomics (Options.Ring32).
	ring32  bool
	rowWalk RowWalk

	capacity uint32       // steps per batch
	full     *vk.Sequence // a batch of capacity steps
	part     *vk.Sequence // the last shorter batch
	partLen  uint32
	next     uint32 // the step after the last one run
	stats    host.Stats
	closed   bool
}

// group is a GroupPlan on the device.
type group struct {
	plan    *host.GroupPlan
	arrays  *arrays
	vars    *vk.Buffer[float32] // non-Const arrays, array a of neuron i at a*N+i
	ring    *vk.Buffer[int64]   // [target][slot][N]
	spikes  *vk.Buffer[uint32]  // counters of even and odd steps, then the list
	records *vk.Buffer[uint32]  // [batch step][Words(N)]
	kernel  *vk.Bound
	groups  [3]uint32
	// recs are the group's records; sampleMap, samples and fault their
	// buffers and the fault buffer (record.go).
	recs      []*groupRecord
	sampleMap *vk.Buffer[uint32]
	samples   *vk.Buffer[float32]
	fault     *vk.Buffer[uint32]
	series    *vk.Buffer[float32] // the values of the group's time series, one after another (seriesData)
}

// projection is a ProjectionPlan on the device.
type projection struct {
	plan   *host.ProjectionPlan
	arrays *arrays
	syn    *vk.Buffer[float32] // non-Const arrays, array a of synapse k at a*S+k
	kernel *vk.Bound           // nil without OnPre
	groups [3]uint32
	learn  *vk.Bound // nil without OnPost
	// learnGroups are the work groups of learn: one thread per
	// postsynaptic neuron and rowBlock synapses of its column.
	learnGroups [3]uint32
	step        *stepKernels // nil without Step (summed.go)
}

// New opens a Vulkan device and returns a backend that owns it.
func New(opts Options) (*Backend, error) {
	c, err := vk.NewContext(vk.Options{Device: opts.Device, Validation: opts.Validation, OnMessage: opts.OnMessage})
	if err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	if err := checkFeatures(c.Info()); err != nil {
		c.Close()
		return nil, err
	}
	b := NewOn(c)
	b.owns = true
	b.ring32 = b.ring32 || opts.Ring32
	b.rowWalk = opts.RowWalk
	return b, nil
}

// NewOn returns a backend that runs on c; c stays open after Close.
func NewOn(c *vk.Context) *Backend {
	return &Backend{ctx: c, kernels: map[string]*vk.Kernel{}, ring32: !c.Info().Int64Atomics}
}

// Ring32 reports whether the delay rings are added into with 32-bit
// atomics (Options.Ring32, or a device without 64-bit buffer atomics).
func (b *Backend) Ring32() bool { return b.ring32 }

// ForceRowWalk makes a backend of NewOn, before its Load, walk rows as w
// (Options.RowWalk), and returns it.
func (b *Backend) ForceRowWalk(w RowWalk) *Backend {
	b.rowWalk = w
	return b
}

// cooperative reports whether projection pp, of a presynaptic group of n
// neurons, walks its rows cooperatively: a work group per neuron must
// fit the device's maxComputeWorkGroupCount[0].
func (b *Backend) cooperative(pp *host.ProjectionPlan, n int) bool {
	fits := n <= int(b.ctx.Info().MaxComputeWorkGroupCount[0])
	switch b.rowWalk {
	case RowWalkSerial:
		return false
	case RowWalkCooperative:
		return fits || n == 0
	}
	return fits && n > 0 && b.ctx.Info().Type != vk.CPU && len(pp.Target) >= cooperativeRow*n
}

// ForceRing32 makes a backend of NewOn, before its Load, add into the
// rings with 32-bit atomics as Options.Ring32 does, and returns it.
func (b *Backend) ForceRing32() *Backend {
	b.ring32 = true
	return b
}

// Supports reports whether the device has what the backend needs, as New
// checks; call it before NewOn.
func Supports(d vk.DeviceInfo) error { return checkFeatures(d) }

// Tap is called after each submission of Run with its steps first …
// first+n-1 and, per group, the device buffer that holds their spike
// records, [step][Words(N)] as host.Batch holds them, on the backend's
// context: work submitted there before it returns (a live view's binning
// kernel) sees them before the next submission overwrites them.
type Tap func(first, n uint32, records []vk.Binding) error

// SetTap makes Run call tap after each submission (nil: none).
func (b *Backend) SetTap(tap Tap) { b.tap = tap }

func (b *Backend) recordBuffers() []vk.Binding {
	out := make([]vk.Binding, len(b.groups))
	for k, g := range b.groups {
		out[k] = g.records
	}
	return out
}

// checkFeatures reports a device that lacks what the delay rings need:
// 64-bit integers in shaders (64-bit atomics are optional: Options.Ring32).
func checkFeatures(d vk.DeviceInfo) error {
	if !d.Int64 {
		return fmt.Errorf("gpu: device %s lacks 64-bit integers in shaders (shaderInt64), which the fixed-point delay rings need", d.Name)
	}
	return nil
}

// Name is "vulkan".
func (b *Backend) Name() string { return "vulkan" }

// Device names the Vulkan device.
func (b *Backend) Device() string { return b.ctx.Info().Name }

// Load allocates the plan's buffers, uploads its initial state and builds
// its kernels. On error nothing stays allocated.
func (b *Backend) Load(p *host.Plan) error {
	switch {
	case b.closed:
		return errors.New("gpu: Load after Close")
	case b.plan != nil:
		return errors.New("gpu: a plan is already loaded")
	case p == nil:
		return errors.New("gpu: nil plan")
	case !(p.DT > 0) || math.IsInf(p.DT, 1):
		return fmt.Errorf("gpu: time step %v ms; it must be positive and finite", p.DT)
	}
	if err := checkFeatures(b.ctx.Info()); err != nil {
		return err
	}
	b.plan = p
	if err := b.load(); err != nil {
		b.release()
		b.plan = nil
		return err
	}
	return nil
}

func (b *Backend) load() error {
	p := b.plan
	var err error
	if b.clock, err = alloc[uint32](b, "plan", "clock", 1, vk.HostVisible); err != nil {
		return err
	}
	for _, g := range p.Groups {
		if g == nil {
			return errors.New("gpu: nil group")
		}
		dg, err := b.loadGroup(g)
		if err != nil {
			return err
		}
		b.groups = append(b.groups, dg)
	}
	if err := b.loadRecords(); err != nil {
		return err
	}
	b.capacity = b.batchCapacity()
	for _, dg := range b.groups {
		if err := b.allocRecords(dg); err != nil {
			return err
		}
		if err := b.allocSamples(dg); err != nil {
			return err
		}
		if err := b.buildNeuron(dg); err != nil {
			return fmt.Errorf("gpu: group %q: %w", dg.plan.Name, err)
		}
	}
	for _, pp := range p.Projections {
		if pp == nil {
			return errors.New("gpu: nil projection")
		}
		dp, err := b.loadProjection(pp)
		if err != nil {
			return err
		}
		b.projs = append(b.projs, dp)
	}
	if b.full, err = b.ctx.NewSequence("batch", false); err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	b.closers = append(b.closers, b.full.Close)
	if b.part, err = b.ctx.NewSequence("partial batch", false); err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	b.closers = append(b.closers, b.part.Close)
	return b.record(b.full, b.capacity)
}

// batchCapacity is the number of steps per submission: at most
// maxBatchSteps, with all spike records and all samples each within
// maxRecordBytes and each of their buffers within one storage-buffer
// binding.
func (b *Backend) batchCapacity() uint32 {
	limit := int64(b.ctx.Info().MaxStorageBufferRange)
	capacity, total := int64(maxBatchSteps), int64(0)
	for _, g := range b.groups {
		bytes := int64(4 * host.Words(g.plan.N))
		total += bytes
		if bytes > 0 {
			capacity = min(capacity, limit/bytes)
		}
	}
	if total > 0 {
		capacity = min(capacity, maxRecordBytes/total)
	}
	for capacity > 1 {
		largest, all := b.sampleBytes(uint32(capacity))
		if largest <= limit && all <= maxRecordBytes {
			break
		}
		capacity /= 2
	}
	return uint32(max(capacity, 1))
}

// alloc allocates a buffer of n elements for owner (`group "exc"`), checking
// it against the device's storage-buffer range and counting its bytes.
func alloc[T vk.Scalar](b *Backend, owner, name string, n int, m vk.Memory) (*vk.Buffer[T], error) {
	var zero T
	bytes := int64(n) * int64(unsafe.Sizeof(zero))
	if limit := int64(b.ctx.Info().MaxStorageBufferRange); bytes > limit {
		return nil, fmt.Errorf("gpu: %s: %s buffer needs %d bytes, more than the device's maxStorageBufferRange of %d bytes",
			owner, name, bytes, limit)
	}
	if m == vk.DeviceLocal {
		if err := checkHeap(b.ctx.Info(), b.stats.DeviceBytes, bytes); err != nil {
			return nil, fmt.Errorf("gpu: %s: %s buffer: %w", owner, name, err)
		}
	}
	buf, err := vk.NewBuffer[T](b.ctx, owner+" "+name, n, m)
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %s buffer (%d bytes): %w", owner, name, bytes, err)
	}
	b.closers = append(b.closers, buf.Close)
	if buf.Chunks() > 1 {
		return nil, fmt.Errorf("gpu: %s: %s buffer needs %d bytes, more than one binding of %d elements allows",
			owner, name, bytes, buf.ChunkLen())
	}
	b.stats.DeviceBytes += bytes
	return buf, nil
}

// checkHeap reports a buffer of bytes that, with the bytes held already,
// does not fit in the device's largest device-local heap: an error before
// the driver's out-of-memory, saying what was asked and what there is.
func checkHeap(d vk.DeviceInfo, held, bytes int64) error {
	if heap := d.DeviceLocalBytes; heap > 0 && uint64(held+bytes) > heap {
		return fmt.Errorf("needs %s, and with the %s the network holds already that is more than the %s of device memory %s has",
			gib(bytes), gib(held), gib(int64(heap)), d.Name)
	}
	return nil
}

// gib writes a size in bytes as GiB (MiB below one GiB).
func gib(bytes int64) string {
	if bytes < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(bytes)/(1<<30))
}

// upload allocates a device-local buffer holding data.
func upload[T vk.Scalar](b *Backend, owner, name string, data []T) (*vk.Buffer[T], error) {
	buf, err := alloc[T](b, owner, name, len(data), vk.DeviceLocal)
	if err != nil {
		return nil, err
	}
	if err := buf.Upload(data); err != nil {
		return nil, fmt.Errorf("gpu: %s: upload %s: %w", owner, name, err)
	}
	return buf, nil
}

// packed is the non-Const arrays of a, packed structure-of-arrays.
func packed(list []host.Array, a *arrays) []float32 {
	out := make([]float32, 0, len(a.slot)*a.n)
	for _, x := range list {
		if !x.Const {
			out = append(out, x.Init...)
		}
	}
	return out
}

// checkGroups returns the work groups of a dispatch of n threads of
// localSize along x and blocks along y, and reports one that needs more
// than the device allows.
func (b *Backend) checkGroups(owner string, n, blocks int) ([3]uint32, error) {
	limit := b.ctx.Info().MaxComputeWorkGroupCount
	groups := (n + localSize - 1) / localSize
	if groups > int(limit[0]) {
		return [3]uint32{}, fmt.Errorf("gpu: %s: %d threads need %d work groups of %d, more than the device's maxComputeWorkGroupCount[0] of %d",
			owner, n, groups, localSize, limit[0])
	}
	if blocks > int(limit[1]) {
		return [3]uint32{}, fmt.Errorf("gpu: %s: a row of up to %d synapses needs %d work groups of %d synapses, more than the device's maxComputeWorkGroupCount[1] of %d",
			owner, blocks*rowBlock, blocks, rowBlock, limit[1])
	}
	return [3]uint32{uint32(groups), uint32(blocks), 1}, nil
}

func (b *Backend) loadGroup(g *host.GroupPlan) (*group, error) {
	owner := fmt.Sprintf("group %q", g.Name)
	switch {
	case g.N < 0:
		return nil, fmt.Errorf("gpu: %s: negative size %d", owner, g.N)
	case g.Step == nil:
		return nil, fmt.Errorf("gpu: %s: no step program", owner)
	case g.Ring < 1:
		return nil, fmt.Errorf("gpu: %s: ring of %d slots; it needs at least 1", owner, g.Ring)
	}
	a, err := newArrays(g.Arrays, g.N)
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	for k, x := range g.Targets {
		arr, ok := a.byName[x]
		if !ok || arr.Const {
			return nil, fmt.Errorf("gpu: %s: target %q is not a non-Const array of the group", owner, x)
		}
		if slices.Contains(g.Targets[:k], x) {
			return nil, fmt.Errorf("gpu: %s: target %q appears twice", owner, x)
		}
	}
	dg := &group{plan: g, arrays: a}
	if dg.groups, err = b.checkGroups(owner, g.N, 1); err != nil {
		return nil, err
	}
	if dg.vars, err = upload(b, owner, "state", packed(g.Arrays, a)); err != nil {
		return nil, err
	}
	ringLen := int64(len(g.Targets)) * int64(g.Ring) * int64(g.N)
	if limit := int64(b.ctx.Info().MaxStorageBufferRange) / 8; ringLen > limit {
		return nil, fmt.Errorf("gpu: %s: delay rings of %d targets × %d slots × %d neurons exceed the device's maxStorageBufferRange of %d bytes",
			owner, len(g.Targets), g.Ring, g.N, limit*8)
	}
	if dg.ring, err = upload(b, owner, "delay ring", make([]int64, ringLen)); err != nil {
		return nil, err
	}
	if dg.spikes, err = upload(b, owner, "spike list", make([]uint32, 2+g.N)); err != nil {
		return nil, err
	}
	if len(g.Series) > 0 {
		if err := g.CheckSeries(); err != nil {
			return nil, fmt.Errorf("gpu: %s: %w", owner, err)
		}
		if dg.series, err = upload(b, owner, "time series", seriesData(g)); err != nil {
			return nil, err
		}
	}
	return dg, nil
}

func (b *Backend) allocRecords(dg *group) error {
	var err error
	n := int(b.capacity) * host.Words(dg.plan.N)
	dg.records, err = alloc[uint32](b, fmt.Sprintf("group %q", dg.plan.Name), "spike records", n, vk.HostVisible)
	return err
}

// buildNeuron compiles and binds the neuron kernel of dg.
func (b *Backend) buildNeuron(dg *group) error {
	src, l, err := neuronSource(b.plan, dg, b.ring32)
	if err != nil {
		return err
	}
	bufs := map[string]vk.Binding{"clock": b.clock, "spikes": dg.spikes, "record": dg.records, "fault": dg.fault,
		"vars": dg.vars, "ring": dg.ring, "smap": dg.sampleMap, "samples": dg.samples, "series": dg.series}
	dg.kernel, err = b.bind("neuron "+dg.plan.Name, src, l.buffers(bufs))
	return err
}

func (b *Backend) loadProjection(pp *host.ProjectionPlan) (*projection, error) {
	owner := fmt.Sprintf("projection %q", pp.Name)
	if err := b.checkProjection(pp); err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	a, err := newArrays(pp.Arrays, pp.ArrayLen())
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	dp := &projection{plan: pp, arrays: a}
	if dp.syn, err = upload(b, owner, "synapse state", packed(pp.Arrays, a)); err != nil {
		return nil, err
	}
	if pp.OnPost != nil {
		if err := b.loadLearn(dp, owner); err != nil {
			return nil, err
		}
	}
	if pp.Step != nil {
		if err := b.loadStep(dp, owner); err != nil {
			return nil, err
		}
	}
	if pp.OnPre == nil {
		return dp, nil
	}
	pre, post := b.groups[pp.Pre], b.groups[pp.Post]
	longest := 0
	for j := range pre.plan.N {
		longest = max(longest, int(pp.RowPtr[j+1]-pp.RowPtr[j]))
	}
	coop := pp.Rows == nil && b.cooperative(pp, pre.plan.N)
	block, threads := rowBlock, pre.plan.N
	if coop {
		block, threads = rowBlock*localSize, pre.plan.N*localSize
	}
	blocks := max(1, (longest+block-1)/block)
	if pp.Rows != nil {
		blocks = 1 // a thread draws its spike's whole row
	}
	if dp.groups, err = b.checkGroups(owner, threads, blocks); err != nil {
		return nil, err
	}
	src, l, err := scatterSource(b.plan, pp, a, pre.arrays, post.arrays, b.ring32, coop)
	if err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	bufs := map[string]vk.Binding{"clock": b.clock, "spikes": pre.spikes,
		"syn": dp.syn, "pre": pre.vars, "post": post.vars, "ring": post.ring}
	if l.has("rowptr") {
		if bufs["rowptr"], err = upload(b, owner, "row pointers", pp.RowPtr); err != nil {
			return nil, err
		}
		if bufs["target"], err = upload(b, owner, "targets", pp.Target); err != nil {
			return nil, err
		}
	}
	if l.has("delays") {
		if bufs["delays"], err = upload(b, owner, "delays", packDelays(pp.Delays)); err != nil {
			return nil, err
		}
	}
	if dp.kernel, err = b.bind("scatter "+pp.Name, src, l.buffers(bufs)); err != nil {
		return nil, fmt.Errorf("gpu: %s: %w", owner, err)
	}
	return dp, nil
}

// checkProjection reports a projection whose connectivity does not fit
// its groups.
func (b *Backend) checkProjection(pp *host.ProjectionPlan) error {
	groups := len(b.groups)
	if pp.Pre < 0 || pp.Pre >= groups || pp.Post < 0 || pp.Post >= groups {
		return fmt.Errorf("groups %d → %d out of range for %d groups", pp.Pre, pp.Post, groups)
	}
	pre, post := b.groups[pp.Pre].plan, b.groups[pp.Post].plan
	if len(pp.RowPtr) != pre.N+1 {
		return fmt.Errorf("%d row pointers for %d presynaptic neurons (want N+1)", len(pp.RowPtr), pre.N)
	}
	for j := range pre.N {
		if pp.RowPtr[j] > pp.RowPtr[j+1] {
			return fmt.Errorf("row pointers decrease at neuron %d", j)
		}
	}
	if last := pp.RowPtr[pre.N]; int64(last) != int64(pp.Synapses()) {
		return fmt.Errorf("row pointers end at %d for %d synapses", last, pp.Synapses())
	}
	if r := pp.Rows; r != nil {
		switch {
		case pp.Target != nil || r.PreLo < 0 || r.PostLo < 0 || r.PreLo+r.NPre > pre.N || r.PostLo+r.NPost > post.N:
			return fmt.Errorf("procedural rows of %d → %d neurons from %d → %d, with %d targets, for groups of %d → %d",
				r.NPre, r.NPost, r.PreLo, r.PostLo, len(pp.Target), pre.N, post.N)
		case pp.Delays != nil || pp.OnPost != nil || pp.Step != nil || pp.OnPre != nil && pp.OnPre.Draws > 0:
			return errors.New("procedural rows with per-synapse delays, random draws, on_post or clock-driven variables")
		}
	}
	for k, t := range pp.Target {
		if int(t) >= post.N {
			return fmt.Errorf("synapse %d targets neuron %d of %d", k, t, post.N)
		}
	}
	if pp.Delays == nil {
		if int64(pp.Delay) >= int64(post.Ring) {
			return fmt.Errorf("delay %d steps does not fit group %q's ring of %d slots", pp.Delay, post.Name, post.Ring)
		}
		return nil
	}
	if len(pp.Delays) != len(pp.Target) {
		return fmt.Errorf("%d delays for %d synapses", len(pp.Delays), len(pp.Target))
	}
	for k, d := range pp.Delays {
		if int(d) >= post.Ring {
			return fmt.Errorf("synapse %d: delay %d steps does not fit group %q's ring of %d slots", k, d, post.Name, post.Ring)
		}
	}
	return nil
}

// packDelays packs delays two per word, synapse 2w in the low half of word w.
func packDelays(d []uint16) []uint32 {
	out := make([]uint32, (len(d)+1)/2)
	for k, x := range d {
		out[k/2] |= uint32(x) << (16 * (k % 2))
	}
	return out
}

// bind compiles src (once per distinct source) and binds bufs to it.
func (b *Backend) bind(name, src string, bufs []vk.Binding) (*vk.Bound, error) {
	k, ok := b.kernels[src]
	if !ok {
		code, err := shaders.Compile(name, src, shaders.Options{})
		if err != nil {
			return nil, err
		}
		k, err = b.ctx.NewKernel(vk.KernelSpec{Name: name, Code: code, Buffers: len(bufs), PushBytes: 4})
		if err != nil {
			return nil, err
		}
		b.kernels[src] = k
		b.closers = append(b.closers, k.Close)
	}
	return k.Bind(bufs...)
}

// record fills seq with steps time steps: the step-0 kernels of every
// projection with Step, every group's neuron kernel, then every
// projection's scatter kernel, then every learn kernel, per step.
func (b *Backend) record(seq *vk.Sequence, steps uint32) error {
	if err := seq.Reset(); err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	for row := range steps {
		if err := b.recordStep(seq, row); err != nil {
			return err
		}
		for _, g := range b.groups {
			if err := seq.Dispatch(g.kernel, row, g.groups); err != nil {
				return fmt.Errorf("gpu: %w", err)
			}
		}
		for _, p := range b.projs {
			if p.kernel == nil {
				continue
			}
			if err := seq.Dispatch(p.kernel, row, p.groups); err != nil {
				return fmt.Errorf("gpu: %w", err)
			}
		}
		for _, p := range b.projs {
			if p.learn == nil {
				continue
			}
			if err := seq.Dispatch(p.learn, row, p.learnGroups); err != nil {
				return fmt.Errorf("gpu: %w", err)
			}
		}
	}
	if err := seq.Record(); err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	return nil
}

// Run executes steps first … first+steps-1 in batches of at most the
// backend's capacity, one submission each, and returns their records.
func (b *Backend) Run(ctx context.Context, first, steps uint32) (*host.Batch, error) {
	if b.plan == nil {
		return nil, errors.New("gpu: Run before Load")
	}
	out := &host.Batch{First: first, Steps: steps, Spikes: make([][]uint32, len(b.groups)),
		Samples: make([][]float32, len(b.plan.Records)), Faults: make([]*host.StateError, len(b.groups))}
	for k, g := range b.groups {
		out.Spikes[k] = make([]uint32, int(steps)*host.Words(g.plan.N))
	}
	for r, rp := range b.plan.Records {
		out.Samples[r] = make([]float32, rp.Len(first, steps))
	}
	if first != b.next {
		// The spike counter of step first was not zeroed by step first-1.
		for _, g := range b.groups {
			if err := g.spikes.Write(int(first&1), []uint32{0}); err != nil {
				return nil, fmt.Errorf("gpu: group %q: reset spike counter: %w", g.plan.Name, err)
			}
		}
	}
	for done := uint32(0); done < steps; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(steps-done, b.capacity)
		if err := b.batch(first+done, n); err != nil {
			return nil, err
		}
		for k, g := range b.groups {
			w := host.Words(g.plan.N)
			if err := g.records.Read(0, out.Spikes[k][int(done)*w:int(done+n)*w]); err != nil {
				return nil, fmt.Errorf("gpu: group %q: read spike records: %w", g.plan.Name, err)
			}
		}
		if err := b.readRecords(out, first+done, n, done); err != nil {
			return nil, err
		}
		if b.tap != nil {
			if err := b.tap(first+done, n, b.recordBuffers()); err != nil {
				return nil, fmt.Errorf("gpu: tap of steps %d to %d: %w", first+done, first+done+n-1, err)
			}
		}
		done += n
	}
	return out, nil
}

// batch runs steps first … first+n-1 in one submission.
func (b *Backend) batch(first, n uint32) error {
	seq := b.full
	if n != b.capacity {
		seq = b.part
		if b.partLen != n {
			b.partLen = 0
			if err := b.record(seq, n); err != nil {
				return err
			}
			b.partLen = n
		}
	}
	if err := b.clock.Write(0, []uint32{first}); err != nil {
		return fmt.Errorf("gpu: set clock: %w", err)
	}
	if err := seq.Submit(); err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	if err := seq.Wait(); err != nil {
		return fmt.Errorf("gpu: steps %d to %d: %w", first, first+n-1, err)
	}
	st := seq.Stats()
	b.stats.Steps += uint64(n)
	b.stats.Dispatches += uint64(st.Dispatches)
	b.stats.Barriers += uint64(st.Barriers)
	b.stats.Syncs++
	b.next = first + n
	return nil
}

// GroupArray returns the current values of array name of group g.
func (b *Backend) GroupArray(g int, name string) ([]float32, error) {
	if b.plan == nil {
		return nil, errors.New("gpu: GroupArray before Load")
	}
	if g < 0 || g >= len(b.groups) {
		return nil, fmt.Errorf("gpu: group %d out of range for %d groups", g, len(b.groups))
	}
	dg := b.groups[g]
	vals, err := readArray(dg.arrays, dg.vars, name)
	if err != nil {
		return nil, fmt.Errorf("gpu: group %q: %w", dg.plan.Name, err)
	}
	return vals, nil
}

// ProjectionArray returns the current values of array name of projection p.
func (b *Backend) ProjectionArray(p int, name string) ([]float32, error) {
	if b.plan == nil {
		return nil, errors.New("gpu: ProjectionArray before Load")
	}
	if p < 0 || p >= len(b.projs) {
		return nil, fmt.Errorf("gpu: projection %d out of range for %d projections", p, len(b.projs))
	}
	dp := b.projs[p]
	vals, err := readArray(dp.arrays, dp.syn, name)
	if err != nil {
		return nil, fmt.Errorf("gpu: projection %q: %w", dp.plan.Name, err)
	}
	return vals, nil
}

// readArray reads one array from the packed buffer buf.
func readArray(a *arrays, buf *vk.Buffer[float32], name string) ([]float32, error) {
	x, ok := a.byName[name]
	if !ok {
		return nil, fmt.Errorf("no array %q", name)
	}
	if x.Const {
		return append([]float32(nil), x.Init...), nil
	}
	out := make([]float32, a.n)
	if err := buf.Read(a.slot[name]*a.n, out); err != nil {
		return nil, fmt.Errorf("read array %q: %w", name, err)
	}
	return out, nil
}

// Stats reports the steps, dispatches, barriers and submissions run so far
// and the device memory the plan holds.
func (b *Backend) Stats() host.Stats { return b.stats }

// Close releases the plan's device objects, and the device when New opened
// it.
func (b *Backend) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	b.release()
	b.plan = nil
	if b.owns {
		b.ctx.Close()
	}
	return nil
}

// release frees everything Load allocated, in reverse order.
func (b *Backend) release() {
	for k := len(b.closers) - 1; k >= 0; k-- {
		b.closers[k]()
	}
	b.closers = nil
	b.groups, b.projs = nil, nil
	b.kernels = map[string]*vk.Kernel{}
	b.clock, b.full, b.part = nil, nil, nil
	b.partLen, b.next = 0, 0
	b.stats = host.Stats{}
}
