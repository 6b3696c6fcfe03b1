package spikevk

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/spikevk/spikevk/internal/atomicfile"
)

// Record makes every Run stream the recordings to the folder dir, which it
// creates: the spikes of every SpikeMonitor and the samples of every
// StateMonitor recorded so far, and metadata.json, at the end of each Run
// (also one stopped by its context or a fault) and during it after a batch
// of steps once a second has passed since the last write, or longer when
// writing takes long: at most a tenth of the wall time goes to writing,
// however long the run. Each file is rewritten whole under a temporary
// name and renamed, so a crash leaves the files of the last write, each
// complete:
//
//   - spikes_<group>.npz: i (int32, neuron index in the monitored group)
//     and t (float64, time in seconds), as SpikeMonitor.WriteNPZ writes;
//   - state_<group>.npz: t (float64, seconds), neurons (int32, indices in
//     the monitored group) and one array per variable, [sample][neuron]
//     (float64, in SI units: volt, siemens, amp…);
//   - rate_<group>.npz: t (float64, seconds) and rate (float64, Hz) of
//     every step, as Brian2's PopulationRateMonitor;
//   - metadata.json: the Summary, seed, dt, spikevk's and Go's versions,
//     backend and device, and each file with its kind, its group (name,
//     size and offset in the whole group), and for a state file the
//     neurons, the sampling interval and the SI unit of each variable.
//
// A second monitor of the same group writes <kind>_<group>_2.npz, and so on.
func (n *Network) Record(dir string) {
	if n.building("record to " + dir) {
		n.outDir = dir
	}
}

// writer writes the recordings of a simulation to a folder.
type writer struct {
	dir   string
	files []string  // per monitor of the network, its file
	next  time.Time // during a run, no write before it
	dirty bool      // the monitors hold more than the files
}

// Write intervals: at least minWriteGap, and writeGapFactor times as long
// as the last write took.
const (
	minWriteGap    = time.Second
	writeGapFactor = 9
)

// batch notes a batch of the run, and writes the files when it is the
// last one of the run (final) or when the last write is long enough ago.
func (w *writer) batch(n *Network, final bool) error {
	w.dirty = true
	if !final && time.Now().Before(w.next) {
		return nil
	}
	return w.flush(n)
}

// flush writes the files if the monitors hold more than they do.
func (w *writer) flush(n *Network) error {
	if !w.dirty {
		return nil
	}
	start := time.Now()
	if err := w.write(n); err != nil {
		return err
	}
	w.dirty = false
	w.next = time.Now().Add(max(minWriteGap, writeGapFactor*time.Since(start)))
	return nil
}

// newWriter creates dir and names the file of each monitor.
func newWriter(dir string, monitors []monitor) (*writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return &writer{dir: dir, files: fileNames(dir, monitors)}, nil
}

// fileNames names the file of each monitor in dir: <kind>_<group>.npz, a
// second monitor of the same kind and group <kind>_<group>_2.npz, and so on.
func fileNames(dir string, monitors []monitor) []string {
	var files []string
	seen := map[string]int{}
	for _, m := range monitors {
		base := m.base()
		seen[base]++
		if seen[base] > 1 {
			base += fmt.Sprintf("_%d", seen[base])
		}
		files = append(files, filepath.Join(dir, base+".npz"))
	}
	return files
}

// RecordFiles lists the files Record writes for the monitors, in the
// order they were added (metadata.json besides); nil without Record.
func (n *Network) RecordFiles() []string {
	if n.outDir == "" {
		return nil
	}
	return fileNames(n.outDir, n.monitors)
}

// write rewrites every file from what the monitors of n hold.
func (w *writer) write(n *Network) error {
	meta := metadata{Spikevk: Version(), Go: runtime.Version(), Seed: n.cfg.Seed, DT: n.cfg.DT, Summary: n.Summary()}
	meta.Backend, meta.Device = meta.Summary.Backend, meta.Summary.Device
	for k, m := range n.monitors {
		f, err := m.writeFile(w.files[k], n.cfg.DT)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		f.File = filepath.Base(w.files[k])
		meta.Files = append(meta.Files, f)
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("record: metadata: %w", err)
	}
	path := filepath.Join(w.dir, "metadata.json")
	if err := atomicfile.Write(path, func(tmp string) error { return os.WriteFile(tmp, append(data, '\n'), 0o644) }); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// metadata is the contents of metadata.json.
type metadata struct {
	Spikevk string     `json:"spikevk"` // module version, "(devel)" in a build from a work tree
	Go      string     `json:"go"`
	Backend string     `json:"backend"`
	Device  string     `json:"device"`
	Seed    uint64     `json:"seed"`
	DT      float64    `json:"dt_ms"`
	Files   []fileMeta `json:"files"`
	Summary Summary    `json:"summary"`
}

// fileMeta describes one file of the recordings.
type fileMeta struct {
	File  string `json:"file"`
	Kind  string `json:"kind"`  // "spikes", "state" or "rate"
	Group string `json:"group"` // the monitored group, as Group.Label names it: E, neurons[0:100]
	// Name, N and Offset place the monitored group: the name of its whole
	// group, its number of neurons and the index in the whole group of its
	// first neuron (0 unless it is a subgroup), so that a raster of several
	// monitors can stack them with their sizes.
	Name    string            `json:"name"`
	N       int               `json:"n"`
	Offset  int               `json:"offset"`
	Neurons []int             `json:"neurons,omitempty"`  // state: indices in the group
	Every   float64           `json:"every_ms,omitempty"` // state: ms between samples
	Units   map[string]string `json:"units,omitempty"`    // state: SI unit of each variable
}

// groupMeta is the description of a file of kind recorded from g.
func groupMeta(kind string, g *Group) fileMeta {
	return fileMeta{Kind: kind, Group: g.Label(), Name: g.whole(), N: g.N(), Offset: g.Offset()}
}

// Version is the version of the spikevk module in this binary: a tag, a
// pseudo-version, or "(devel)" in a build from a work tree.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if bi.Main.Path == modulePath {
		return bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			return d.Version
		}
	}
	return "unknown"
}

// modulePath is the path of the spikevk module.
const modulePath = "github.com/spikevk/spikevk"

func (m *StateMonitor) base() string { return "state_" + m.g.Name() }

// writeFile writes the samples to a NumPy .npz file: t (float64,
// seconds), neurons (int32, indices in the monitored group) and one array
// [sample][neuron] per variable, float64 in SI units. The file appears
// complete or not at all.
func (m *StateMonitor) writeFile(path string, dt float64) (fileMeta, error) {
	f := groupMeta("state", m.g)
	f.Neurons, f.Every, f.Units = m.neurons, float64(m.every)*dt, map[string]string{}
	for a, v := range m.vars {
		f.Units[v] = m.units[a].String()
	}
	return f, m.writeNPZ(path)
}

func (m *StateMonitor) writeNPZ(path string) error {
	t := make([]float64, len(m.steps))
	neurons := make([]int32, len(m.neurons))
	for k, i := range m.neurons {
		neurons[k] = int32(i)
	}
	entries := []entry{{"t.npy", t}, {"neurons.npy", neurons}}
	for a, name := range m.vars {
		ts, v, err := m.Values(name)
		if err != nil {
			return err
		}
		for k := range ts {
			t[k] = ts[k] / 1000
		}
		scale := m.units[a].InternalScale()
		si := make([]float64, 0, len(v)*len(m.neurons))
		for _, row := range v {
			for _, x := range row {
				si = append(si, float64(x)/scale)
			}
		}
		entries = append(entries, entry{name + ".npy", matrix(si, len(v), len(m.neurons))})
	}
	return writeNPZ(path, entries)
}

// matrix is values, rows × cols in row-major order, for npy: a
// mat.Dense, which npy writes without inspecting every element, unless it
// is empty (mat.Dense has no empty matrices).
func matrix(values []float64, rows, cols int) any {
	if rows == 0 || cols == 0 {
		return emptyMatrix{rows, cols} // gonum has no empty matrix; writeNPY writes its shape
	}
	return mat.NewDense(rows, cols, values)
}

func (m *RateMonitor) base() string { return "rate_" + m.g.Name() }

// writeFile writes the rates to a NumPy .npz file: t (float64, seconds)
// and rate (float64, Hz). The file appears complete or not at all.
func (m *RateMonitor) writeFile(path string, _ float64) (fileMeta, error) {
	return groupMeta("rate", m.g), m.writeNPZ(path)
}

func (m *RateMonitor) writeNPZ(path string) error {
	t, hz := m.Rates()
	for k := range t {
		t[k] /= 1000
	}
	if hz == nil {
		hz = []float64{}
	}
	return writeNPZ(path, []entry{{"t.npy", t}, {"rate.npy", hz}})
}

func (m *SpikeMonitor) base() string { return "spikes_" + m.g.Name() }

// writeFile writes the spikes as WriteNPZ does.
func (m *SpikeMonitor) writeFile(path string, _ float64) (fileMeta, error) {
	return groupMeta("spikes", m.g), m.WriteNPZ(path)
}
