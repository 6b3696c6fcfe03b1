package viz

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Run is what a run folder holds (spikevk run -out DIR, Network.Record):
// the monitors' spikes, state samples and population rates, in ms and in
// the order metadata.json lists their files.
type Run struct {
	Dir    string
	DT     float64 // ms
	Time   float64 // ms simulated
	Spikes []Spikes
	States []State
	Rates  []Rate
	// Files names the file each of Spikes, States and Rates came from.
	SpikeFiles, StateFiles, RateFiles []string
}

// runMeta is what LoadRun reads of metadata.json.
type runMeta struct {
	DT    float64 `json:"dt_ms"`
	Files []struct {
		File    string            `json:"file"`
		Kind    string            `json:"kind"`
		Group   string            `json:"group"`
		Name    string            `json:"name"`
		N       *int              `json:"n"`
		Units   map[string]string `json:"units"`
		Neurons []int             `json:"neurons"`
	} `json:"files"`
	Summary struct {
		Time   float64 `json:"time_ms"`
		Groups []struct {
			Name string `json:"name"`
			N    int    `json:"neurons"`
		} `json:"groups"`
	} `json:"summary"`
}

// LoadRun reads the run folder dir: metadata.json and the files it lists.
// An error names the file that is missing or damaged.
func LoadRun(dir string) (*Run, error) {
	metaPath := filepath.Join(dir, "metadata.json")
	data, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, fmt.Errorf("viz: run folder %s: %w", dir, err)
	}
	var meta runMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("viz: %s: %w", metaPath, err)
	}
	if !(meta.DT > 0) {
		return nil, fmt.Errorf("viz: %s: dt_ms %g is not a time step", metaPath, meta.DT)
	}
	run := &Run{Dir: dir, DT: meta.DT, Time: meta.Summary.Time}
	for _, f := range meta.Files {
		path := filepath.Join(dir, f.File)
		if f.File == "" || filepath.Base(f.File) != f.File {
			return nil, fmt.Errorf("viz: %s: file name %q", metaPath, f.File)
		}
		name := displayName(f.Group, f.Name)
		switch f.Kind {
		case "spikes":
			s, err := loadSpikes(path, name)
			if err != nil {
				return nil, err
			}
			s.N = groupSize(f.N, f.Group, f.Name, meta, s)
			if err := s.check(); err != nil {
				return nil, fmt.Errorf("viz: %s: %w", path, err)
			}
			run.Spikes, run.SpikeFiles = append(run.Spikes, s), append(run.SpikeFiles, f.File)
		case "state":
			s, err := loadState(path, name, f.Units)
			if err != nil {
				return nil, err
			}
			run.States, run.StateFiles = append(run.States, s), append(run.StateFiles, f.File)
		case "rate":
			r, err := loadRate(path, name, meta.DT)
			if err != nil {
				return nil, err
			}
			run.Rates, run.RateFiles = append(run.Rates, r), append(run.RateFiles, f.File)
		default:
			return nil, fmt.Errorf("viz: %s: %s has kind %q, not spikes, state or rate", metaPath, f.File, f.Kind)
		}
	}
	if run.Time == 0 {
		for _, s := range run.Spikes {
			for _, t := range s.T {
				run.Time = math.Max(run.Time, t+meta.DT)
			}
		}
	}
	return run, nil
}

// displayName is the name figures give a monitored group: the name of a
// whole group, name[lo:hi] for a subgroup (from metadata's `group "E"` or
// `group "E"[0:80]`).
func displayName(group, name string) string {
	if s, old := strings.CutPrefix(group, "group "); old { // metadata of spikevk before Group.Label
		if q, err := strconv.QuotedPrefix(s); err == nil {
			if u, err := strconv.Unquote(q); err == nil {
				return u + s[len(q):]
			}
		}
	}
	if group == "" || strings.HasPrefix(group, "group ") {
		return name
	}
	return group
}

// groupSize is the number of neurons of a monitored group: metadata's n,
// else (metadata before n) a subgroup's [lo:hi] or the whole group's size
// in the summary, else one past the largest neuron that spiked.
func groupSize(n *int, group, name string, meta runMeta, s Spikes) int {
	if n != nil {
		return *n
	}
	if k := strings.LastIndex(group, "["); k >= 0 && strings.HasSuffix(group, "]") {
		var lo, hi int
		if _, err := fmt.Sscanf(group[k:], "[%d:%d]", &lo, &hi); err == nil {
			return hi - lo
		}
	}
	for _, g := range meta.Summary.Groups {
		if g.Name == displayName(group, name) {
			return g.N
		}
	}
	top := int32(-1)
	for _, i := range s.I {
		top = max(top, i)
	}
	return int(top) + 1
}

// readNPZ opens an .npz file and calls read with it; errors name the file.
func readNPZ(path string, read func(r *npz.Reader) error) error {
	r, err := npz.Open(path)
	if err != nil {
		return fmt.Errorf("viz: %w", err)
	}
	defer r.Close()
	if err := read(r); err != nil {
		return fmt.Errorf("viz: %s: %w", path, err)
	}
	return nil
}

// entry reads array name of r into ptr.
func entry(r *npz.Reader, name string, ptr any) error {
	if !slices.Contains(r.Keys(), name+".npy") {
		return fmt.Errorf("no array %q", name)
	}
	if err := r.Read(name+".npy", ptr); err != nil {
		return fmt.Errorf("array %q: %w", name, err)
	}
	return nil
}

func loadSpikes(path, name string) (Spikes, error) {
	s := Spikes{Name: name}
	err := readNPZ(path, func(r *npz.Reader) error {
		if err := entry(r, "i", &s.I); err != nil {
			return err
		}
		if err := entry(r, "t", &s.T); err != nil {
			return err
		}
		if len(s.I) != len(s.T) {
			return fmt.Errorf("%d neuron indices but %d times", len(s.I), len(s.T))
		}
		for k := range s.T {
			s.T[k] *= 1000
		}
		return nil
	})
	return s, err
}

func loadRate(path, name string, dt float64) (Rate, error) {
	var t, hz []float64
	err := readNPZ(path, func(r *npz.Reader) error {
		if err := entry(r, "t", &t); err != nil {
			return err
		}
		if err := entry(r, "rate", &hz); err != nil {
			return err
		}
		if len(t) != len(hz) {
			return fmt.Errorf("%d times but %d rates", len(t), len(hz))
		}
		return nil
	})
	r := Rate{Name: name, Bin: dt, Hz: hz}
	if len(t) > 0 {
		r.T0 = t[0] * 1000
	}
	return r, err
}

func loadState(path, name string, units map[string]string) (State, error) {
	s := State{Name: name}
	err := readNPZ(path, func(r *npz.Reader) error {
		if err := entry(r, "t", &s.T); err != nil {
			return err
		}
		for k := range s.T {
			s.T[k] *= 1000
		}
		var neurons []int32
		if err := entry(r, "neurons", &neurons); err != nil {
			return err
		}
		for _, i := range neurons {
			s.Neurons = append(s.Neurons, int(i))
		}
		var vars []string
		for _, key := range r.Keys() {
			if v, ok := strings.CutSuffix(key, ".npy"); ok && v != "t" && v != "neurons" {
				vars = append(vars, v)
			}
		}
		// In metadata's order would be nicer, but JSON objects have none:
		// v first, then by name.
		slices.SortFunc(vars, func(a, b string) int {
			if (a == "v") != (b == "v") {
				if a == "v" {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		})
		for _, v := range vars {
			values, err := matrixEntry(r, v, len(s.T), len(s.Neurons))
			if err != nil {
				return err
			}
			s.Vars = append(s.Vars, Var{Name: v, Unit: units[v], Values: values})
		}
		return nil
	})
	return s, err
}

// matrixEntry reads array name, [rows][cols] float64.
func matrixEntry(r *npz.Reader, name string, rows, cols int) ([][]float64, error) {
	h := r.Header(name + ".npy")
	if h == nil {
		return nil, fmt.Errorf("no array %q", name)
	}
	shape := h.Descr.Shape
	if len(shape) != 2 || shape[0] != rows || shape[1] != cols {
		return nil, fmt.Errorf("array %q has shape %v, want [%d %d] (samples × neurons)", name, shape, rows, cols)
	}
	out := make([][]float64, rows)
	if rows == 0 || cols == 0 {
		for k := range out {
			out[k] = []float64{}
		}
		return out, nil
	}
	var m mat.Dense
	if err := r.Read(name+".npy", &m); err != nil {
		return nil, fmt.Errorf("array %q: %w", name, err)
	}
	for k := range out {
		out[k] = mat.Row(nil, k, &m)
	}
	return out, nil
}

// Standard writes the standard figures of run into dir, in format "png"
// or "svg", and returns the paths written:
//
//   - raster: the raster of every spike monitor, stacked, with their
//     population rates below (bins of DefaultBin ms);
//   - rate: the population rate of every rate monitor (or, without one,
//     of every spike monitor) in 1 ms bins smoothed with a Gaussian of
//     σ = 2 ms;
//   - state_<group>: the traces of each state file (its name with the
//     format's extension), spikes marked from the spike file of the same
//     group;
//   - phase_<group>: when a state file holds v and w, the first neuron's
//     trajectory in the (v, w) plane;
//   - isi: the interspike-interval and CV histograms of every spike monitor.
//
// Weight histograms (WeightPlot) are not among them: run folders hold no
// weights.
func Standard(run *Run, dir, format string) ([]string, error) {
	if format != "png" && format != "svg" {
		return nil, fmt.Errorf("viz: figure format %q is neither png nor svg", format)
	}
	var written []string
	save := func(f *Figure, base string) error {
		path := filepath.Join(dir, base+"."+format)
		if err := f.Save(path); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	t1 := run.Time
	if t1 <= 0 {
		t1 = run.DT
	}
	if len(run.Spikes) > 0 {
		f, err := RasterRateFigure(run.Spikes, 0, t1)
		if err != nil {
			return written, err
		}
		if err := save(f, "raster"); err != nil {
			return written, err
		}
	}
	rates := run.Rates
	if len(rates) == 0 {
		for _, s := range run.Spikes {
			r, err := SpikeRate(s, 0, t1, run.DT)
			if err != nil {
				return written, err
			}
			rates = append(rates, r)
		}
	}
	if len(rates) > 0 {
		p, err := RatePlot(rates, RateOptions{Bin: 1, Smooth: 2})
		if err != nil {
			return written, err
		}
		if err := save(Single(p), "rate"); err != nil {
			return written, err
		}
	}
	for k, s := range run.States {
		opt := TraceOptions{}
		for _, sp := range run.Spikes {
			if sp.Name == s.Name {
				opt.Spikes = sp
			}
		}
		f, err := TraceFigure(s, opt)
		if err != nil {
			return written, fmt.Errorf("%s: %w", run.StateFiles[k], err)
		}
		base := strings.TrimSuffix(run.StateFiles[k], ".npz")
		if err := save(f, base); err != nil {
			return written, err
		}
		v, w := s.Var("v"), s.Var("w")
		if v == nil || w == nil || len(s.Neurons) == 0 || len(s.T) < 2 {
			continue
		}
		xs, xu := column(v, 0)
		ys, yu := column(w, 0)
		p, err := PhasePlane(xs, ys, PhaseOptions{X: "v", Y: "w", XUnit: xu, YUnit: yu})
		if err != nil {
			return written, err
		}
		p.Title.Text = fmt.Sprintf("%s, neuron %d: %s", s.Name, s.Neurons[0], p.Title.Text)
		f = Single(p)
		f.Width, f.Height = 6*vg.Inch, 6*vg.Inch
		if err := save(f, "phase_"+strings.TrimPrefix(base, "state_")); err != nil {
			return written, err
		}
	}
	if len(run.Spikes) > 0 {
		if err := save(ISIFigure(run.Spikes), "isi"); err != nil {
			return written, err
		}
	}
	if len(written) == 0 {
		return nil, errors.New("viz: the run folder holds no recordings to draw")
	}
	return written, nil
}

// column returns neuron k's values of v in its display unit.
func column(v *Var, k int) ([]float64, string) {
	scale, unit := displayUnit(v.Unit, largest(v.Values))
	out := make([]float64, len(v.Values))
	for j, row := range v.Values {
		out[j] = row[k] * scale
	}
	return out, unit
}

// RasterRateFigure returns the raster of the trains from t0 to t1 ms above
// their population rates in bins of DefaultBin ms (or of the whole span,
// when it is shorter) in the same colours, the standard overview of a
// run.
func RasterRateFigure(trains []Spikes, t0, t1 float64) (*Figure, error) {
	raster, err := RasterPlot(trains, t0, t1)
	if err != nil {
		return nil, err
	}
	var rates []Rate
	for _, s := range trains {
		r, err := SpikeRate(s, t0, t1, min(DefaultBin, t1-t0))
		if err != nil {
			return nil, err
		}
		rates = append(rates, r)
	}
	bin := min(DefaultBin, t1-t0)
	rate, err := RatePlot(rates, RateOptions{Bin: bin, Bare: true})
	if err != nil {
		return nil, err
	}
	raster.X.Label.Text = ""
	raster.X.Tick.Marker = ticks{Unlabelled: true}
	rate.X.Min, rate.X.Max = t0, t1
	rate.Y.Label.Text = fmt.Sprintf("rate (Hz)\n%.3g ms bins", bin)
	f := Stack([]*plot.Plot{raster, rate}, 2.6, 1)
	f.Height = 6 * vg.Inch
	return f, nil
}
