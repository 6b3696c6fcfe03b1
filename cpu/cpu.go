// Package cpu is the reference Backend of spikevk: it executes a host.Plan
// in Go, evaluating every program with the models/ir Evaluator, and so
// defines the results the Vulkan backend must reproduce bit for bit
// (DESIGN.md §2). It spreads the neuron step and the spike propagation of
// each time step over goroutines; ring increments are int64 sums, so the
// results do not depend on the number of workers.
package cpu

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
)

// Options configures a Backend.
type Options struct {
	// Workers is the number of goroutines that share a time step; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// Backend is the CPU reference implementation of host.Backend.
type Backend struct {
	workers int
	key     philox.Key
	dt      float64
	plan    *host.Plan
	loaded  bool
	closed  bool
	groups  []*group
	projs   []*projection
	stats   host.Stats
	batch   *host.Batch // the batch being run
	team    *team       // the goroutines of the batch being run
	fused   bool        // the steps run fused (fusedSteps)
}

// New returns a backend with no plan loaded.
func New(opts Options) *Backend {
	w := opts.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return &Backend{workers: w}
}

// Name returns "cpu".
func (b *Backend) Name() string { return "cpu" }

// Device describes the machine and the number of worker goroutines.
func (b *Backend) Device() string {
	return fmt.Sprintf("Go %s %s/%s, %d workers", runtime.Version(), runtime.GOOS, runtime.GOARCH, b.workers)
}

// errClosed is returned by every method of a closed backend.
var errClosed = errors.New("cpu: backend is closed")

// Load checks the plan, copies its arrays and allocates the delay rings.
// A malformed plan (an input or output that names no array, an array of the
// wrong length, a target outside its group, a delay longer than the ring)
// is an error that names the group, projection or array.
func (b *Backend) Load(p *host.Plan) error {
	switch {
	case b.closed:
		return errClosed
	case b.loaded:
		return errors.New("cpu: load: a backend loads one plan")
	case p == nil:
		return errors.New("cpu: load: nil plan")
	}
	if !(p.DT > 0) {
		return fmt.Errorf("cpu: load: time step %v ms is not positive", p.DT)
	}
	groups := make([]*group, len(p.Groups))
	for gi, gp := range p.Groups {
		if gp == nil {
			return fmt.Errorf("cpu: load: group %d is nil", gi)
		}
		g, err := newGroup(gp, b.workers)
		if err != nil {
			return fmt.Errorf("cpu: load: group %d %q: %w", gi, gp.Name, err)
		}
		groups[gi] = g
	}
	projs := make([]*projection, len(p.Projections))
	for pi, pp := range p.Projections {
		if pp == nil {
			return fmt.Errorf("cpu: load: projection %d is nil", pi)
		}
		pr, err := newProjection(pp, groups, b.workers)
		if err != nil {
			return fmt.Errorf("cpu: load: projection %d %q: %w", pi, pp.Name, err)
		}
		projs[pi] = pr
	}
	if err := newRecords(p, groups); err != nil {
		return fmt.Errorf("cpu: load: %w", err)
	}
	b.plan, b.key, b.dt = p, p.Seed, p.DT
	b.groups, b.projs = groups, projs
	b.fused = b.fusable()
	b.loaded = true
	b.stats.HostBytes = 0
	for _, g := range groups {
		b.stats.HostBytes += g.bytes()
	}
	for _, pr := range projs {
		b.stats.HostBytes += pr.bytes()
	}
	return nil
}

// Run executes steps first … first+steps-1 and returns their spike
// records, samples and faults. The delay rings carry over from the
// previous call, so consecutive calls should continue where the last one
// ended.
func (b *Backend) Run(ctx context.Context, first, steps uint32) (*host.Batch, error) {
	if err := b.ready(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cpu: run from step %d: %w", first, err)
	}
	batch := &host.Batch{First: first, Steps: steps, Spikes: make([][]uint32, len(b.groups))}
	for gi, g := range b.groups {
		batch.Spikes[gi] = make([]uint32, int(steps)*host.Words(g.n))
	}
	batch.Samples = make([][]float32, len(b.plan.Records))
	for r, rp := range b.plan.Records {
		batch.Samples[r] = make([]float32, rp.Len(first, steps))
	}
	batch.Faults = make([]*host.StateError, len(b.groups))
	// The steps run in a goroutine of their own: the caller's may be
	// locked to its thread (a program with a window locks the main
	// goroutine), and a locked goroutine hands over to the team's others
	// through the operating system, which costs more than a phase.
	done := make(chan error)
	go func() { done <- b.steps(first, steps, batch) }()
	if err := <-done; err != nil {
		return nil, err
	}
	return batch, nil
}

// steps runs steps first … first+steps-1 into batch on a team of
// b.workers goroutines.
func (b *Backend) steps(first, steps uint32, batch *host.Batch) error {
	b.batch, b.team = batch, newTeam(b.workers)
	defer func() {
		b.team.stop()
		b.batch, b.team = nil, nil
	}()
	if b.fused {
		return b.fusedSteps(first, steps, batch)
	}
	for s := range steps {
		if err := b.step(first+s, batch, int(s)); err != nil {
			return err
		}
		b.stats.Steps++
	}
	return nil
}

// fusedSteps runs steps as steps does, for a plan whose projections are
// all shared by target (pathway.split), have no OnPost, Step nor
// procedural rows, and whose OnPre reads no presynaptic variable
// (fusable): worker w then propagates step s-1 onto its own neurons and
// goes on to update them in step s with no wait between, since nothing
// else touches them; the team meets once per step instead of twice. The
// last step's spikes are propagated before returning, as in steps.
func (b *Backend) fusedSteps(first, steps uint32, batch *host.Batch) error {
	for k := range steps {
		s := first + k
		tm := host.Time(s, b.dt)
		b.team.do(b.workers, b.workers, func(w, _ int) {
			if k > 0 {
				for _, p := range b.projs {
					p.onPre.share(p, b, s-1, w)
				}
			}
			for gi, g := range b.groups {
				words := host.Words(g.n)
				g.share(b, w, s, tm, batch.Spikes[gi][int(k)*words:int(k+1)*words])
			}
		})
		if k > 0 {
			if err := b.pathwayErrors(s - 1); err != nil {
				return err
			}
		}
		for gi, g := range b.groups {
			f, err := g.finish(b, s)
			if err != nil {
				return fmt.Errorf("cpu: step %d: group %q: %w", s, g.name, err)
			}
			if batch.Faults[gi] == nil {
				batch.Faults[gi] = f
			}
		}
		b.stats.Steps++
	}
	if steps == 0 {
		return nil
	}
	last := first + steps - 1
	b.team.do(b.workers, b.workers, func(w, _ int) {
		for _, p := range b.projs {
			p.onPre.share(p, b, last, w)
		}
	})
	return b.pathwayErrors(last)
}

// pathwayErrors returns the first error of the OnPre pathways in step s.
func (b *Backend) pathwayErrors(s uint32) error {
	for _, p := range b.projs {
		if err := p.onPre.err(); err != nil {
			return fmt.Errorf("cpu: step %d: projection %q: %w", s, p.name, err)
		}
	}
	return nil
}

// fusable reports whether the plan's steps can run fused (fusedSteps).
func (b *Backend) fusable() bool {
	if b.workers < 2 {
		return false
	}
	for _, p := range b.projs {
		if p.step.prog != nil || p.onPost.prog != nil || p.rows != nil {
			return false
		}
		pw := &p.onPre
		if pw.prog == nil {
			continue
		}
		if pw.split == nil {
			return false
		}
		for _, in := range pw.in {
			if in.used && in.from == fromPre {
				return false
			}
		}
	}
	return true
}

// step runs time step s and writes its spikes to record rec of batch.
func (b *Backend) step(s uint32, batch *host.Batch, rec int) error {
	for _, p := range b.projs {
		if err := p.sum(b, s); err != nil {
			return fmt.Errorf("cpu: step %d: projection %q: Step: %w", s, p.name, err)
		}
	}
	tm := host.Time(s, b.dt)
	for gi, g := range b.groups {
		w := host.Words(g.n)
		f, err := g.step(b, s, tm, batch.Spikes[gi][rec*w:(rec+1)*w])
		if err != nil {
			return fmt.Errorf("cpu: step %d: group %q: %w", s, g.name, err)
		}
		if batch.Faults[gi] == nil {
			batch.Faults[gi] = f
		}
	}
	for _, p := range b.projs {
		if err := p.propagate(b, s); err != nil {
			return fmt.Errorf("cpu: step %d: projection %q: %w", s, p.name, err)
		}
	}
	for _, p := range b.projs {
		if err := p.learn(b, s); err != nil {
			return fmt.Errorf("cpu: step %d: projection %q: on_post: %w", s, p.name, err)
		}
	}
	return nil
}

// GroupArray returns a copy of the current contents of array name of
// group gi.
func (b *Backend) GroupArray(gi int, name string) ([]float32, error) {
	if err := b.ready(); err != nil {
		return nil, err
	}
	if gi < 0 || gi >= len(b.groups) {
		return nil, fmt.Errorf("cpu: group %d of %d", gi, len(b.groups))
	}
	g := b.groups[gi]
	a, ok := g.arrays[name]
	if !ok {
		return nil, fmt.Errorf("cpu: group %q has no array %q", g.name, name)
	}
	return append([]float32(nil), a...), nil
}

// ProjectionArray returns a copy of the current contents of array name of
// projection pi.
func (b *Backend) ProjectionArray(pi int, name string) ([]float32, error) {
	if err := b.ready(); err != nil {
		return nil, err
	}
	if pi < 0 || pi >= len(b.projs) {
		return nil, fmt.Errorf("cpu: projection %d of %d", pi, len(b.projs))
	}
	p := b.projs[pi]
	a, ok := p.arrays[name]
	if !ok {
		return nil, fmt.Errorf("cpu: projection %q has no array %q", p.name, name)
	}
	return append([]float32(nil), a...), nil
}

// Stats reports the steps run and the bytes the plan holds (arrays, delay
// rings, connectivity and scratch spike lists); the device counters are 0.
func (b *Backend) Stats() host.Stats { return b.stats }

// Close releases the plan; the backend cannot be used afterwards.
func (b *Backend) Close() error {
	b.closed = true
	b.plan, b.groups, b.projs = nil, nil, nil
	return nil
}

// ready reports whether the backend holds a plan.
func (b *Backend) ready() error {
	switch {
	case b.closed:
		return errClosed
	case !b.loaded:
		return errors.New("cpu: no plan loaded")
	}
	return nil
}
