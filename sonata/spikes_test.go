package sonata

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWriteReadSpikes writes spikes unsorted and wants them back sorted
// by time, then node id, population by population.
func TestWriteReadSpikes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spikes.h5")
	in := []SpikePopulation{
		{Name: "E", NodeIDs: []int64{3, 1, 2, 0}, Times: []float64{2.5, 0.1, 0.1, 7}},
		{Name: "empty", NodeIDs: []int64{}, Times: []float64{}},
	}
	if err := WriteSpikes(path, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSpikes(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []SpikePopulation{
		{Name: "E", NodeIDs: []int64{1, 2, 3, 0}, Times: []float64{0.1, 0.1, 2.5, 7}},
		{Name: "empty", NodeIDs: []int64{}, Times: []float64{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %+v, want %+v", got, want)
	}
}

// TestReadSpikesLayouts reads the layouts and units other writers use,
// and wants a clear error naming the file for each malformed one.
func TestReadSpikesLayouts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(w *h5w)
		want  []SpikePopulation
		err   string
	}{
		{"old layout in seconds", func(w *h5w) {
			w.group("/spikes")
			w.dataset("/spikes/gids", []uint32{4, 5})
			w.dataset("/spikes/timestamps", []float64{0.001, 0.5})
			w.attrString("/spikes/timestamps", "units", "s")
		}, []SpikePopulation{{Name: "spikes", NodeIDs: []int64{4, 5}, Times: []float64{1, 500}}}, ""},
		{"gids in a population", func(w *h5w) {
			w.group("/spikes")
			w.group("/spikes/cortex")
			w.dataset("/spikes/cortex/gids", []uint64{1})
			w.dataset("/spikes/cortex/timestamps", []float64{3})
		}, []SpikePopulation{{Name: "cortex", NodeIDs: []int64{1}, Times: []float64{3}}}, ""},
		{"no spikes group", func(w *h5w) { w.group("/nodes") }, nil, "no group /spikes"},
		{"no population", func(w *h5w) { w.group("/spikes"); w.group("/spikes/x") }, nil, "no population with timestamps"},
		{"lengths differ", func(w *h5w) {
			w.group("/spikes")
			w.group("/spikes/p")
			w.dataset("/spikes/p/node_ids", []uint64{1, 2})
			w.dataset("/spikes/p/timestamps", []float64{3})
		}, nil, "2 node ids for 1 timestamps"},
		{"no node ids", func(w *h5w) {
			w.group("/spikes")
			w.group("/spikes/p")
			w.dataset("/spikes/p/timestamps", []float64{3})
		}, nil, "no dataset /spikes/p/gids"},
		{"negative id", func(w *h5w) {
			w.group("/spikes")
			w.group("/spikes/p")
			w.dataset("/spikes/p/node_ids", []float64{0, -1})
			w.dataset("/spikes/p/timestamps", []float64{3, 4})
		}, nil, "spike 1 has node id -1"},
		{"unknown unit", func(w *h5w) {
			w.group("/spikes")
			w.group("/spikes/p")
			w.dataset("/spikes/p/node_ids", []uint64{0})
			w.dataset("/spikes/p/timestamps", []float64{3})
			w.attrString("/spikes/p/timestamps", "units", "us")
		}, nil, `in "us": want ms or s`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.h5")
			w := createH5(path)
			tc.write(w)
			if err := w.close(); err != nil {
				t.Fatal(err)
			}
			got, err := ReadSpikes(path)
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), path)):
				t.Fatalf("error %v, want one naming %s and saying %q", err, path, tc.err)
			case !reflect.DeepEqual(got, tc.want):
				t.Errorf("read %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestReadSpikesFiles wants errors naming a missing or non-HDF5 file.
func TestReadSpikesFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "spikes.txt")
	if err := os.WriteFile(text, []byte("0 1.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.h5"), "missing.h5: no such file"},
		{text, "spikes.txt: not an HDF5 file"},
	} {
		if _, err := ReadSpikes(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadSpikes(%s): %v, want %q", tc.path, err, tc.want)
		}
	}
	if err := WriteSpikes(filepath.Join(dir, "bad.h5"), []SpikePopulation{{Name: "p", NodeIDs: []int64{-2}, Times: []float64{1}}}); err == nil ||
		!strings.Contains(err.Error(), "bad.h5") || !strings.Contains(err.Error(), "node id -2") {
		t.Errorf("WriteSpikes with id -2: %v", err)
	}
}

// TestReadRunInfo exports a network with virtual populations and reads
// dt, run time and sizes back from either config.
func TestReadRunInfo(t *testing.T) {
	dir := t.TempDir()
	if _, err := Export(driven(), dir, Options{Target: PyNN, Duration: 120}); err != nil {
		t.Fatal(err)
	}
	want := &RunInfo{DT: 0.1, Duration: 120, Sizes: map[string]int{"P": 200, "drive": 100, "kick": 3}}
	for _, config := range []string{CircuitConfig, SimulationConfig} {
		got, err := ReadRunInfo(filepath.Join(dir, config))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", config, got, want)
		}
	}
	if _, err := ReadRunInfo(filepath.Join(dir, "nope.json")); err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("a missing config: %v", err)
	}
}
