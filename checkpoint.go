package spikevk

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/spikevk/spikevk/host"
)

// checkpointFormat is the value of the entry meta/format.npy of a
// checkpoint file.
const checkpointFormat = "spikevk checkpoint 1"

// Checkpoint is the state of a simulation between two time steps, taken
// by Store or read by LoadCheckpoint: the state of every group and
// projection on the backend (host.State), the step counter, and the
// spike statistics of the summary. Random draws are keyed by the step, so
// nothing else is needed for a restored run to continue bit for bit like
// the uninterrupted one, on either backend.
type Checkpoint struct {
	step        uint64
	dt          float64
	seed        uint64
	plan        *host.Plan // the plan it was taken from, or checked against when read from a file
	fingerprint string     // plan.Fingerprint(), computed when needed
	state       *host.State
	stats       []*groupStats // without out
	events      uint64
	knobs       map[string]string // the values of the knobs that were set, by Knob.Name
	// putRecords gives the monitors the records of a checkpoint file
	// (readRecords); nil for one taken by Store.
	putRecords func()
}

// Time is the simulated time in ms when the checkpoint was taken.
func (c *Checkpoint) Time() float64 { return float64(c.step) * c.dt }

// planFingerprint returns the fingerprint of the plan the checkpoint was
// taken from.
func (c *Checkpoint) planFingerprint() string {
	if c.fingerprint == "" {
		c.fingerprint = c.plan.Fingerprint()
	}
	return c.fingerprint
}

// Store returns a checkpoint of the simulation, in memory, as Brian2's
// Network.store does. The network must have run (a Run of 0 ms builds it).
func (n *Network) Store() (*Checkpoint, error) {
	if n.sim == nil {
		return nil, errors.New("store: the network has not run yet: call Run first")
	}
	s := n.sim
	state, err := s.backend.Save()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	c := &Checkpoint{step: s.step, dt: n.cfg.DT, seed: n.cfg.Seed, plan: s.compiled.Plan, state: state, events: s.nEvents,
		knobs: n.knobValues()}
	for _, g := range s.groups {
		c.stats = append(c.stats, g.clone())
	}
	return c, nil
}

// Restore sets the simulation back to checkpoint c, taken from this
// network or from one built the same way (same groups, models, synapses,
// time step and seed), as Brian2's Network.restore does: the state, the
// time (the next Run continues from c.Time()) and the spike statistics of
// the Summary. The monitors keep what they recorded and go on recording
// after it, so steps run again appear twice in them, with their times; the
// wall time and the backend's Stats keep counting. A simulation stopped by
// a fault (Run) may go on again. A network that has not run yet is built
// first, as by Run(ctx, 0).
func (n *Network) Restore(c *Checkpoint) error {
	if c == nil {
		return errors.New("restore: nil checkpoint")
	}
	if err := n.built(); err != nil {
		return err
	}
	s := n.sim
	p := s.compiled.Plan
	switch {
	case c.dt != n.cfg.DT:
		return fmt.Errorf("restore: the checkpoint has a time step of %g ms, the network %g ms", c.dt, n.cfg.DT)
	case c.seed != n.cfg.Seed:
		return fmt.Errorf("restore: the checkpoint has seed %d, the network seed %d", c.seed, n.cfg.Seed)
	}
	if err := p.CheckState(c.state); err != nil {
		return fmt.Errorf("restore: the checkpoint is of another network: %w", err)
	}
	if c.plan != p && c.planFingerprint() != p.Fingerprint() {
		return errors.New("restore: the checkpoint is of another network: its models, parameters, synapses or state monitors of subexpressions differ")
	}
	if err := s.backend.Restore(c.state); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	s.step, s.nEvents = c.step, c.events
	s.fault = nil
	n.setKnobValues(c.knobs)
	for gi, g := range s.groups {
		g.restore(c.stats[gi])
	}
	return nil
}

// built builds the simulation, as Run(ctx, 0) does, unless it exists.
func (n *Network) built() error {
	if n.sim != nil {
		return nil
	}
	return n.Run(context.Background(), 0)
}

// clone copies the statistics of g, without out.
func (g *groupStats) clone() *groupStats {
	return &groupStats{spikes: g.spikes, count: slices.Clone(g.count), last: slices.Clone(g.last),
		isiSum: slices.Clone(g.isiSum), isiSq: slices.Clone(g.isiSq)}
}

// restore copies the statistics of c, of a group of the same size, into g.
func (g *groupStats) restore(c *groupStats) {
	g.spikes = c.spikes
	copy(g.count, c.count)
	copy(g.last, c.last)
	copy(g.isiSum, c.isiSum)
	copy(g.isiSq, c.isiSq)
}

// SaveCheckpoint writes a checkpoint of the simulation (Store) to path, a
// NumPy .npz file that numpy.load opens. It appears complete or not at
// all: it is written under a temporary name next to path and renamed.
// Its entries:
//
//	meta/format.npy                  "spikevk checkpoint 1"
//	meta/step.npy                    uint64: steps run (the time is step·dt)
//	meta/dt.npy                      float64: time step in ms
//	meta/seed.npy                    uint64: Config.Seed
//	meta/plan.npy                    string: hex SHA-256 of the network's structure (host.Plan.Fingerprint)
//	group/<name>/<array>.npy         float32 [N]: each variable that is not one constant
//	group/<name>/ring/<target>.npy   int64 [slots, N]: the delay ring of each synaptic target, in units of 2^-32
//	projection/<name>/<array>.npy    float32 [synapses]: each synaptic variable that is not one constant
//	summary/<name>/spikes.npy        uint64: spikes of the group so far
//	summary/<name>/count.npy         uint32 [N]: spikes of each neuron
//	summary/<name>/last.npy          uint64 [N]: step of each neuron's last spike + 1 (0: none)
//	summary/<name>/isi_sum.npy       float64 [N]: sum of the interspike intervals in steps
//	summary/<name>/isi_sq.npy        float64 [N]: sum of their squares
//	summary/events.npy               uint64: synaptic events so far
//	knob/<group>.<param>.npy         string: the value last given to a knob (Knob.Set), for each knob set
//	monitor/<k>/what.npy             string: monitor k (in the order they were added): kind, group, selection
//	monitor/<k>/i.npy, t.npy         int32, float64 (ms): a spike monitor's spikes so far
//	monitor/<k>/rates.npy, steps.npy float64 (Hz), uint32: a rate monitor's rates so far
//	monitor/<k>/steps.npy, data.npy  uint32, float32 (internal units) [sample, variable, neuron]: a state monitor's samples
//
// Slot r of a ring holds the input that arrives at the start of the next
// step s with s mod slots = r.
func (n *Network) SaveCheckpoint(path string) error {
	c, err := n.Store()
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	entries, err := c.entries()
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	return writeNPZ(path, append(entries, n.recordEntries()...))
}

// entries lists the arrays of the checkpoint file of c, in the order of
// SaveCheckpoint's list.
func (c *Checkpoint) entries() ([]entry, error) {
	out := []entry{
		{"meta/format.npy", checkpointFormat},
		{"meta/step.npy", c.step},
		{"meta/dt.npy", c.dt},
		{"meta/seed.npy", c.seed},
		{"meta/plan.npy", c.planFingerprint()},
	}
	for gi, g := range c.state.Groups {
		for _, a := range g.Arrays {
			out = append(out, entry{groupEntry(g.Name, a.Name), a.Values})
		}
		gp := c.plan.Groups[gi]
		for x, r := range g.Rings {
			slots := make([][]int64, gp.Ring)
			for k := range slots {
				slots[k] = r[k*gp.N : (k+1)*gp.N]
			}
			out = append(out, entry{ringEntry(g.Name, gp.Targets[x]), slots})
		}
	}
	for _, p := range c.state.Projections {
		for _, a := range p.Arrays {
			out = append(out, entry{projectionEntry(p.Name, a.Name), a.Values})
		}
	}
	for gi, g := range c.state.Groups {
		st := c.stats[gi]
		out = append(out,
			entry{summaryEntry(g.Name, "spikes"), st.spikes},
			entry{summaryEntry(g.Name, "count"), st.count},
			entry{summaryEntry(g.Name, "last"), st.last},
			entry{summaryEntry(g.Name, "isi_sum"), st.isiSum},
			entry{summaryEntry(g.Name, "isi_sq"), st.isiSq})
	}
	out = append(out, entry{"summary/events.npy", c.events})
	for _, name := range slices.Sorted(maps.Keys(c.knobs)) {
		out = append(out, entry{knobEntry(name), c.knobs[name]})
	}
	seen := map[string]bool{}
	for _, e := range out {
		if seen[e.name] {
			return nil, fmt.Errorf("two arrays are called %s: rename a group or a projection", e.name)
		}
		seen[e.name] = true
	}
	return out, nil
}

func groupEntry(group, array string) string     { return "group/" + group + "/" + array + ".npy" }
func ringEntry(group, target string) string     { return "group/" + group + "/ring/" + target + ".npy" }
func projectionEntry(proj, array string) string { return "projection/" + proj + "/" + array + ".npy" }
func knobEntry(knob string) string              { return "knob/" + knob + ".npy" }
func summaryEntry(group, statistic string) string {
	return "summary/" + group + "/" + statistic + ".npy"
}

// LoadCheckpoint restores the simulation (Restore) from a file written by
// SaveCheckpoint from this network or one built the same way. A network
// that has not run yet is built first, as by Run(ctx, 0). A file of
// another network (other groups, models, synapses, time step or seed) is
// an error, and so is a damaged one; both leave the simulation as it was.
// Where the network has the monitors the file has records of (the same
// number, in order, of the same kinds, groups and selections), they get
// those records in place of theirs, so that a run resumed from the file
// records and writes what one never interrupted does; otherwise they keep
// theirs, as with Restore.
func (n *Network) LoadCheckpoint(path string) error {
	if err := n.built(); err != nil {
		return err
	}
	c, err := n.readCheckpoint(path)
	if err != nil {
		return fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	if err := n.Restore(c); err != nil {
		return fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	c.putRecords()
	return nil
}

// readCheckpoint reads a checkpoint file for the network's plan, checking
// its metadata first.
func (n *Network) readCheckpoint(path string) (*Checkpoint, error) {
	if err := checkEntries(path); err != nil {
		return nil, err
	}
	r, err := npz.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var format string
	if err := r.Read("meta/format.npy", &format); err != nil {
		return nil, fmt.Errorf("not a spikevk checkpoint: %w", err)
	}
	if format != checkpointFormat {
		return nil, fmt.Errorf("format %q, want %q", format, checkpointFormat)
	}
	c := &Checkpoint{}
	for _, m := range []struct {
		name string
		ptr  any
	}{{"meta/step.npy", &c.step}, {"meta/dt.npy", &c.dt}, {"meta/seed.npy", &c.seed}, {"meta/plan.npy", &c.fingerprint}} {
		if err := r.Read(m.name, m.ptr); err != nil {
			return nil, err
		}
	}
	p := n.sim.compiled.Plan
	switch {
	case c.dt != n.cfg.DT:
		return nil, fmt.Errorf("the checkpoint has a time step of %g ms, the network %g ms", c.dt, n.cfg.DT)
	case c.seed != n.cfg.Seed:
		return nil, fmt.Errorf("the checkpoint has seed %d, the network seed %d", c.seed, n.cfg.Seed)
	case c.fingerprint != p.Fingerprint():
		return nil, errors.New("the checkpoint is of another network: its groups, models, parameters, synapses or state monitors of subexpressions differ")
	case c.step > uint64(^uint32(0)):
		return nil, fmt.Errorf("step %d is past 2^32", c.step)
	}
	c.plan, c.state = p, p.NewState()
	for gi, g := range c.state.Groups {
		for k := range g.Arrays {
			a := &g.Arrays[k]
			if err := readExactly(r, groupEntry(g.Name, a.Name), a.Values); err != nil {
				return nil, err
			}
		}
		for x, ring := range g.Rings {
			if err := readExactly(r, ringEntry(g.Name, p.Groups[gi].Targets[x]), ring); err != nil {
				return nil, err
			}
		}
	}
	for _, pr := range c.state.Projections {
		for k := range pr.Arrays {
			a := &pr.Arrays[k]
			if err := readExactly(r, projectionEntry(pr.Name, a.Name), a.Values); err != nil {
				return nil, err
			}
		}
	}
	for _, g := range p.Groups {
		st, err := readStats(r, g)
		if err != nil {
			return nil, err
		}
		c.stats = append(c.stats, st)
	}
	if err := r.Read("summary/events.npy", &c.events); err != nil {
		return nil, err
	}
	if c.putRecords, err = n.readRecords(r); err != nil {
		return nil, err
	}
	c.knobs = map[string]string{}
	for _, k := range n.knobs {
		name := knobEntry(k.Name())
		if !slices.Contains(r.Keys(), name) {
			continue // not set when the checkpoint was taken
		}
		var v string
		if err := r.Read(name, &v); err != nil {
			return nil, err
		}
		c.knobs[k.Name()] = v
	}
	return c, nil
}

// readStats reads the summary statistics of group g.
func readStats(r *npz.Reader, g *host.GroupPlan) (*groupStats, error) {
	st := newGroupStats(g.N)
	if err := r.Read(summaryEntry(g.Name, "spikes"), &st.spikes); err != nil {
		return nil, err
	}
	if err := readExactly(r, summaryEntry(g.Name, "count"), st.count); err != nil {
		return nil, err
	}
	if err := readExactly(r, summaryEntry(g.Name, "last"), st.last); err != nil {
		return nil, err
	}
	if err := readExactly(r, summaryEntry(g.Name, "isi_sum"), st.isiSum); err != nil {
		return nil, err
	}
	if err := readExactly(r, summaryEntry(g.Name, "isi_sq"), st.isiSq); err != nil {
		return nil, err
	}
	return st, nil
}

// checkEntries reads every entry of the archive at path to its end, which
// verifies its checksum, and checks that the shape its .npy header claims
// fits in its bytes, before anything is allocated for it: a damaged or
// forged entry is an error that names it.
func checkEntries(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer z.Close()
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("entry %s: %w", f.Name, err)
		}
		var head [4096]byte
		n, _ := io.ReadFull(rc, head[:])
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("entry %s is damaged: %w", f.Name, err)
		}
		if need, ok := npyBytes(head[:n]); ok && need > f.UncompressedSize64 {
			return fmt.Errorf("entry %s claims %d bytes of data in %d", f.Name, need, f.UncompressedSize64)
		}
	}
	return nil
}

// The item size and shape of a .npy header.
var (
	npyDescr = regexp.MustCompile(`'descr':\s*'[<>|=]?[a-zA-Z](\d+)'`)
	npyShape = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)
)

// npyBytes reads the shape and item size of a .npy header and returns the
// bytes of data it claims; false when the header is not one it reads
// (the npy reader then reports it).
func npyBytes(b []byte) (uint64, bool) {
	if len(b) < 10 || string(b[1:6]) != "NUMPY" {
		return 0, false
	}
	start, size := 10, int(b[8])|int(b[9])<<8
	if b[6] >= 2 && len(b) >= 12 {
		start, size = 12, int(b[8])|int(b[9])<<8|int(b[10])<<16|int(b[11])<<24
	}
	if start+size > len(b) {
		return 0, false
	}
	h := string(b[start : start+size])
	descr, shape := npyDescr.FindStringSubmatch(h), npyShape.FindStringSubmatch(h)
	if descr == nil || shape == nil {
		return 0, false
	}
	item, err := strconv.ParseUint(descr[1], 10, 64)
	if err != nil {
		return 0, false
	}
	total := item
	for _, d := range strings.Split(shape[1], ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		v, err := strconv.ParseUint(d, 10, 64)
		if err != nil {
			return 0, false
		}
		if v != 0 && total > math.MaxUint64/v {
			return math.MaxUint64, true
		}
		total *= v
	}
	return total, true
}

// readExactly reads entry name of r into dst, which must be as long as
// the entry.
func readExactly[T any](r *npz.Reader, name string, dst []T) error {
	var v []T
	if err := r.Read(name, &v); err != nil {
		return err
	}
	if len(v) != len(dst) {
		return fmt.Errorf("entry %s holds %d values, the network needs %d", name, len(v), len(dst))
	}
	copy(dst, v)
	return nil
}
