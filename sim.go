package spikevk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/ir"
)

// simulation is a built network: its plan loaded on a backend.
type simulation struct {
	net      *Network
	compiled *host.Compiled
	backend  host.Backend
	step     uint64 // the next step
	batch    uint32 // steps per batch
	groups   []*groupStats
	events   []uint64 // synapses leaving each neuron, per group, summed over projections

	buildTime, wall time.Duration
	running         time.Time // the start of the Run in progress; zero: none
	nEvents         uint64
	progress        *progress
	out             *writer          // nil without Network.Record
	fault           *host.StateError // the fault that stopped the simulation
}

// batchBytes bounds the spike records of one batch.
const batchBytes = 32 << 20

// maxBatch is the most steps of one batch.
const maxBatch = 1000

func build(n *Network) (*simulation, error) {
	compiled, err := host.Compile(&n.desc)
	if err != nil {
		return nil, err
	}
	backend, err := openBackend(n.cfg, n.device, n.tap)
	if err != nil {
		return nil, err
	}
	for _, m := range n.monitors {
		if sm, ok := m.(*StateMonitor); ok {
			recs, err := sm.plan(compiled)
			if err != nil {
				backend.Close()
				return nil, err
			}
			compiled.Plan.Records = append(compiled.Plan.Records, recs...)
		}
	}
	if err := backend.Load(compiled.Plan); err != nil {
		backend.Close()
		return nil, err
	}
	s := &simulation{net: n, compiled: compiled, backend: backend, batch: maxBatch}
	if n.outDir != "" {
		if s.out, err = newWriter(n.outDir, n.monitors); err != nil {
			backend.Close()
			return nil, err
		}
	}
	words := 0
	for _, g := range compiled.Plan.Groups {
		s.groups = append(s.groups, newGroupStats(g.N))
		words += host.Words(g.N)
	}
	if words > 0 {
		s.batch = uint32(max(1, min(maxBatch, batchBytes/(4*words))))
	}
	s.events = make([]uint64, 0)
	for gi, g := range compiled.Plan.Groups {
		out := make([]uint64, g.N)
		for _, p := range compiled.Plan.Projections {
			if p.Pre == gi {
				for j := range g.N {
					out[j] += uint64(p.RowPtr[j+1] - p.RowPtr[j])
				}
			}
		}
		s.groups[gi].out = out
	}
	s.progress = newProgress(n.cfg.Progress)
	return s, nil
}

// openBackend opens the backend the configuration asks for, the Vulkan one
// on shared, with tap, when it is set (Network.ShareDevice); "auto" falls
// back to the CPU reference when no Vulkan device opens, unless a device
// was asked for by name or index: then not finding it is an error.
func openBackend(cfg Config, shared *vk.Context, tap gpu.Tap) (host.Backend, error) {
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("config: %d workers: want 0 (one per core) or more", cfg.Workers)
	}
	switch strings.ToLower(cfg.Backend) {
	case "cpu":
		return cpu.New(cpu.Options{Workers: cfg.Workers}), nil
	}
	if shared != nil {
		if err := gpu.Supports(shared.Info()); err != nil {
			return nil, fmt.Errorf("vulkan backend: %w", err)
		}
		b := gpu.NewOn(shared)
		b.SetTap(tap)
		return b, nil
	}
	switch strings.ToLower(cfg.Backend) {
	case "vulkan", "gpu":
		b, err := gpu.New(gpu.Options{Device: cfg.Device, RowWalk: cfg.RowWalk})
		if err != nil {
			return nil, fmt.Errorf("vulkan backend: %w", err)
		}
		return b, nil
	case "", "auto":
		b, err := gpu.New(gpu.Options{Device: cfg.Device, RowWalk: cfg.RowWalk})
		switch {
		case err == nil:
			return b, nil
		case cfg.Device != "":
			return nil, fmt.Errorf("device %q: %w", cfg.Device, err)
		}
		return cpu.New(cpu.Options{Workers: cfg.Workers}), nil
	}
	return nil, fmt.Errorf("unknown backend %q (known: auto, vulkan, cpu)", cfg.Backend)
}

func (s *simulation) run(ctx context.Context, steps uint32) error {
	start := time.Now()
	s.running = start
	defer func() { s.wall += time.Since(start); s.running = time.Time{} }()
	first := s.step
	if s.fault != nil {
		return fmt.Errorf("run: the simulation stopped at a fault: %w", s.fault)
	}
	for done := uint32(0); done < steps; {
		if err := ctx.Err(); err != nil {
			return s.stop(err)
		}
		n := min(s.batch, steps-done)
		b, err := s.backend.Run(ctx, uint32(s.step), n)
		if err != nil {
			return s.stop(err)
		}
		s.record(b)
		s.step += uint64(n)
		done += n
		s.fault = b.Fault()
		if s.fault != nil {
			s.fault.Inputs = s.inputsOf(s.fault)
			s.fault.Hint = s.hintFor(s.fault)
		}
		if s.out != nil {
			if err := s.out.batch(s.net, done == steps || s.fault != nil); err != nil {
				return err
			}
		}
		if s.fault != nil {
			s.progress.done()
			return s.fault
		}
		s.progress.update(float64(s.step-first)/float64(steps), float64(s.step)*s.net.cfg.DT, time.Since(start))
	}
	s.progress.done()
	return nil
}

// hintFor suggests the likely cause of a runaway value of a group that an
// explicit method integrates: a time step too long for its fastest time
// constant makes such methods diverge.
func (s *simulation) hintFor(e *host.StateError) string {
	if e.Inputs != "" {
		return ""
	}
	for gi, g := range s.compiled.Plan.Groups {
		if g.Name != e.Group {
			continue
		}
		switch m := s.compiled.Models[gi].Neuron.Method; m {
		case "euler", "rk2", "rk4", "heun", "milstein", "euler_maruyama":
			return fmt.Sprintf("the group integrates with %s, an explicit method, which diverges when dt (%g ms) is long for the model's fastest time constant: try a smaller dt, or method exact or exponential_euler where the equations allow", m, s.net.cfg.DT)
		}
	}
	return ""
}

// inputsOf names the projections whose spikes increment the variable of
// a fault through the rings, when it is one such: they are what saturated.
func (s *simulation) inputsOf(e *host.StateError) string {
	var names []string
	for gi, g := range s.compiled.Plan.Groups {
		if g.Name != e.Group || !slices.Contains(g.Targets, e.Var) {
			continue
		}
		for _, pp := range s.compiled.Plan.Projections {
			if pp.Post == gi && pp.OnPre != nil && slices.ContainsFunc(pp.OnPre.Outputs, func(o ir.Output) bool { return o.Name == e.Var+"_post+=" }) {
				names = append(names, fmt.Sprintf("projection %q", pp.Name))
			}
		}
	}
	return strings.Join(names, ", ")
}

// stop returns err, the reason a run stops early, after writing the files
// of Network.Record with what the monitors hold.
func (s *simulation) stop(err error) error {
	if s.out == nil {
		return err
	}
	return errors.Join(err, s.out.flush(s.net))
}

// record hands a batch to the statistics and the monitors.
func (s *simulation) record(b *host.Batch) {
	for gi, g := range s.compiled.Plan.Groups {
		words := host.Words(g.N)
		st := s.groups[gi]
		for k := range b.Steps {
			step := uint64(b.First) + uint64(k)
			forEachSpike(b.Spikes[gi][int(k)*words:int(k+1)*words], func(i int) {
				st.spike(i, step)
				s.nEvents += st.out[i]
			})
		}
	}
	upToFault := b
	if f := b.Fault(); f != nil { // the monitors keep nothing after the fault
		view := *b
		view.Steps = f.Step - b.First + 1
		upToFault = &view
	}
	for _, m := range s.net.monitors {
		m.record(upToFault, s.compiled.Plan)
	}
	for _, w := range s.net.watchers {
		w(uint64(b.First), int(b.Steps), b.Spikes)
	}
}

// forEachSpike calls fn with the index of every set bit of a spike record.
func forEachSpike(record []uint32, fn func(i int)) {
	for w, word := range record {
		for word != 0 {
			bit := bits.TrailingZeros32(word)
			fn(w*32 + bit)
			word &= word - 1
		}
	}
}

// groupStats accumulates the spikes of a group for the summary.
type groupStats struct {
	spikes        uint64
	count         []uint32
	last          []uint64 // step of the last spike + 1; 0: none yet
	isiSum, isiSq []float64
	out           []uint64 // synapses leaving each neuron
}

func newGroupStats(n int) *groupStats {
	return &groupStats{count: make([]uint32, n), last: make([]uint64, n), isiSum: make([]float64, n), isiSq: make([]float64, n)}
}

func (g *groupStats) spike(i int, step uint64) {
	g.spikes++
	g.count[i]++
	if g.last[i] > 0 {
		isi := float64(step + 1 - g.last[i])
		g.isiSum[i] += isi
		g.isiSq[i] += isi * isi
	}
	g.last[i] = step + 1
}

// progress draws a progress bar on a terminal.
type progress struct {
	w    io.Writer // nil: no bar
	last time.Time
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			w = os.Stderr
		}
	}
	return &progress{w: w}
}

func (p *progress) update(frac, ms float64, wall time.Duration) {
	if p.w == nil || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("·", width-int(frac*width))
	fmt.Fprintf(p.w, "\r%s %3.0f%%  t = %.1f s  wall %.1f s ", bar, 100*frac, ms/1000, wall.Seconds())
}

func (p *progress) done() {
	if p.w != nil && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
