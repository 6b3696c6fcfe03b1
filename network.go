// Package spikevk simulates spiking neural networks on any Vulkan GPU, with
// a CPU reference backend that gives bit-identical results.
//
// A network is built much as in Brian2: groups of neurons with a model
// written as equations with units (or a built-in one), synapses between
// groups and subgroups with a connectivity rule, weights and delays given as
// expressions with random draws, Poisson inputs and spike monitors. Values
// are expressions of the model language with units ("20*ms",
// "E_L + rand()*(V_th - E_L)"); durations passed to Go are in ms, so
// 1*spikevk.Second is one second.
//
// Calls that build the network record the first error and return it from
// Run, so that a network reads as a list of statements:
//
//	net := spikevk.New(spikevk.Config{Seed: 1})
//	p := net.Group("P", 4000, spikevk.Builtin("lif_coba_exp"))
//	p.Set("v", "E_L + rand()*(V_th - E_L)")
//	exc := net.Connect("exc", p.Slice(0, 3200), p, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
//		spikevk.FixedProbability(0.02))
//	exc.Set("w", "6*nS")
//	spikes := net.SpikeMonitor(p)
//	err := net.Run(ctx, 1*spikevk.Second)
package spikevk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sync"
	"time"

	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
)

// Durations in ms, the unit of Config.DT and Run.
const (
	Ms     = 1.0
	Second = 1000.0
)

// Config sets up a network.
type Config struct {
	DT   float64 // time step in ms; 0 means 0.1 ms
	Seed uint64  // seed of every random draw (connectivity, values, dynamics)
	// Backend is "auto" (or empty: the best Vulkan device, else the CPU
	// reference), "vulkan" or "cpu".
	Backend string
	Device  string // Vulkan device, by index or part of its name
	// Procedural regenerates, on every spike, the rows of the projections
	// that allow it instead of storing them (host.Network.Procedural:
	// fixed_probability synapses whose variables and delay are the same
	// for every synapse): the same synapses and spikes, no memory per
	// synapse, more work per spike.
	Procedural bool
	// Workers is the number of goroutines of the CPU backend; 0 means one
	// per core (GOMAXPROCS). Results do not depend on it.
	Workers int
	// RowWalk says how the Vulkan backend walks the synapse rows of
	// spiking neurons; the zero value picks per projection
	// (gpu.RowWalkAuto). Results are the same either way.
	RowWalk gpu.RowWalk
	// Progress receives a progress bar during Run; nil means standard error
	// when it is a terminal, and none otherwise.
	Progress io.Writer
}

// Network is a network under construction and, from the first Run, a
// simulation.
type Network struct {
	cfg       Config
	desc      host.Network
	groups    []*Group // the whole groups, by index in desc.Groups
	subgroups []*Group // the named subgroups (Subgroup), in order
	closed    bool     // Close was called after a Run
	err       error    // the first error of a building call
	monitors  []monitor
	outDir    string // Record's folder; empty: none
	watchers  []Watcher
	device    *vk.Context // ShareDevice's; nil: the backend opens its own
	tap       gpu.Tap     // ShareDevice's

	knobs []*Knob    // declared knobs (Group.Knob)
	mu    sync.Mutex // held by Run and Knob.Set

	sim *simulation // set by the first Run
}

// New returns an empty network.
func New(cfg Config) *Network {
	if cfg.DT == 0 {
		cfg.DT = 0.1
	}
	return &Network{cfg: cfg, desc: host.Network{DT: cfg.DT, Seed: cfg.Seed, Procedural: cfg.Procedural}}
}

// Err returns the first error of the calls that built the network.
func (n *Network) Err() error { return n.err }

// fail records the first error of a building call.
func (n *Network) fail(format string, args ...any) {
	if n.err == nil {
		n.err = fmt.Errorf(format, args...)
	}
}

// mine reports whether g is a group of n, recording an error naming what
// when it is not (nil, or another network's: its indices mean nothing here).
func (n *Network) mine(g *Group, what string) bool {
	switch {
	case g == nil:
		n.fail("%s: no group (nil)", what)
		return false
	case g.net != n:
		n.fail("%s: %s belongs to another network", what, g)
		return false
	}
	return true
}

// nameRe is what a name of a group or projection may be: an identifier,
// as in Brian2 (names become file names: spikes_<name>.npz).
var nameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// named reports whether name may name a group or projection, recording an
// error naming what when it may not.
func (n *Network) named(name, what string) bool {
	if len(name) > 200 || !nameRe.MatchString(name) {
		n.fail("%s %q: a name is a letter or _ then letters, digits and _ (it names files)", what, name)
		return false
	}
	return true
}

// building reports whether the network may still change, recording an
// error naming what when it may not.
func (n *Network) building(what string) bool {
	if n.sim != nil {
		n.fail("%s: the network cannot change after its first Run", what)
		return false
	}
	return n.err == nil
}

// DT is the time step in ms.
func (n *Network) DT() float64 { return n.cfg.DT }

// Run simulates duration ms more, continuing where the previous Run
// stopped. The first Run builds the network: it draws the synapses, fills
// the arrays and loads them onto the backend. Cancelling ctx stops the run
// after the current batch of steps; the monitors keep what was recorded.
// Between Runs, knobs (Group.Knob) may change parameters; Run and
// Knob.Set exclude each other: a Run while another Run or a Set is in
// progress returns an error and changes nothing.
//
// A value of a neuron that becomes NaN, infinite or larger in magnitude
// than 1e30 (host.Runaway), or a variable that synapses increment beyond
// 5.4e8 units (host.Saturated: its inputs were clamped or wrapped in the
// fixed-point rings), stops the run after its batch of steps with a
// *host.StateError naming the group, neuron, variable, time and, for a
// saturated input, the projections that feed it; the monitors and the
// files of Record keep the batch up to the step of the fault (Summary
// counts the whole batch, and Summary.Fault says where it went wrong),
// and later Runs return the error again until Restore.
func (n *Network) Run(ctx context.Context, duration float64) error {
	if !n.mu.TryLock() {
		return errors.New("run: the network is running already (a Run on another goroutine, or a Knob.Set): one Run at a time")
	}
	defer n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	if n.closed {
		return errors.New("run: the network is closed (Close): build a new one")
	}
	if !(duration >= 0) {
		return fmt.Errorf("run: duration %g ms is negative (or NaN): a Run goes forward", duration)
	}
	steps := math.Round(duration / n.cfg.DT)
	if math.Abs(duration/n.cfg.DT-steps) > 1e-6*math.Max(1, steps) {
		return fmt.Errorf("run: duration %g ms is not a whole number of time steps of %g ms", duration, n.cfg.DT)
	}
	if n.sim == nil {
		start := time.Now()
		sim, err := build(n)
		if err != nil {
			return err
		}
		sim.buildTime = time.Since(start)
		n.sim = sim
	}
	if n.sim.step+uint64(steps) > math.MaxUint32 {
		return errors.New("run: more than 2^32 time steps in all")
	}
	return n.sim.run(ctx, uint32(steps))
}

// Warnings lists likely mistakes found when the network was built (by the
// first Run): a model whose rest is unstable, a weight that is 0 for every
// synapse.
func (n *Network) Warnings() []string {
	if n.sim == nil {
		return nil
	}
	return n.sim.compiled.Warnings
}

// Close releases the backend. The monitors keep their records.
func (n *Network) Close() error {
	if n.sim == nil || n.closed {
		return nil
	}
	n.closed = true
	return n.sim.backend.Close()
}

// GroupByName returns the whole group or the named subgroup (Subgroup)
// called name, or nil.
func (n *Network) GroupByName(name string) *Group {
	for k, g := range n.desc.Groups {
		if g.Name == name {
			return n.groups[k]
		}
	}
	for _, g := range n.subgroups {
		if g.label == name {
			return g
		}
	}
	return nil
}
