//go:build !nohdf5

package main

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/sonata"
	"github.com/spikevk/spikevk/viz"
)

// TestImportSpikes converts SONATA spikes files into run folders, with
// and without the export's config, and reads them back as spikevk plot
// does; each bad input must give an error naming it.
func TestImportSpikes(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "export")
	var out, errOut bytes.Buffer
	if code := run([]string{"export", "-sonata", export, "-target", "pynn", "-set", "size=500", "-t", "100"}, &out, &errOut); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	config := filepath.Join(export, "simulation_config.json")
	spikes := func(name string, pops ...sonata.SpikePopulation) string {
		path := filepath.Join(dir, name)
		if err := sonata.WriteSpikes(path, pops); err != nil {
			t.Fatal(err)
		}
		return path
	}
	two := spikes("two.h5",
		sonata.SpikePopulation{Name: "E", NodeIDs: []int64{9, 0, 3}, Times: []float64{12.5, 0.3, 40}},
		sonata.SpikePopulation{Name: "I", NodeIDs: []int64{}, Times: []float64{}})
	neurons := spikes("neurons.h5", sonata.SpikePopulation{Name: "neurons", NodeIDs: []int64{499, 7}, Times: []float64{1, 2}})
	far := spikes("far.h5", sonata.SpikePopulation{Name: "neurons", NodeIDs: []int64{500}, Times: []float64{1}})
	other := spikes("other.h5", sonata.SpikePopulation{Name: "cortex", NodeIDs: []int64{0}, Times: []float64{1}})

	type group struct {
		name string
		n    int
		i    []int32
		t    []float64 // ms
	}
	for _, tc := range []struct {
		name   string
		args   []string
		dt, ms float64
		groups []group
		err    string
	}{
		{"no config", []string{two, "-out", filepath.Join(dir, "a"), "-dt", "0.05"}, 0.05, 40,
			[]group{{"E", 10, []int32{0, 9, 3}, []float64{0.3, 12.5, 40}}, {"I", 0, []int32{}, []float64{}}}, ""},
		{"config", []string{neurons, "-config", config, "-out", filepath.Join(dir, "b")}, 0.1, 100,
			[]group{{"neurons", 500, []int32{499, 7}, []float64{1, 2}}}, ""},
		{"run time", []string{neurons, "-config", config, "-t", "50", "-out", filepath.Join(dir, "c")}, 0.1, 50,
			[]group{{"neurons", 500, []int32{499, 7}, []float64{1, 2}}}, ""},
		{"no file", []string{"-out", dir}, 0, 0, nil, "name the SONATA spikes file"},
		{"missing file", []string{filepath.Join(dir, "missing.h5")}, 0, 0, nil, "missing.h5"},
		{"not HDF5", []string{config}, 0, 0, nil, "simulation_config.json: not an HDF5 file"},
		{"id past the population", []string{far, "-config", config}, 0, 0, nil, "far.h5: population \"neurons\": spike 0 has node id 500, the config has 500 nodes"},
		{"unknown population", []string{other, "-config", config}, 0, 0, nil, "other.h5: population \"cortex\" is not a node population"},
		{"bad config", []string{neurons, "-config", filepath.Join(dir, "none.json")}, 0, 0, nil, "none.json"},
		{"negative dt", []string{neurons, "-dt", "-1"}, 0, 0, nil, "-dt -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"import-spikes"}, tc.args...), &out, &errOut)
			if tc.err != "" {
				if code != 1 || !strings.Contains(errOut.String(), tc.err) {
					t.Fatalf("exit %d, %q; want exit 1 and %q", code, errOut.String(), tc.err)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			folder := tc.args[slices.Index(tc.args, "-out")+1]
			r, err := viz.LoadRun(folder)
			if err != nil {
				t.Fatal(err)
			}
			if r.DT != tc.dt || r.Time != tc.ms || len(r.Spikes) != len(tc.groups) {
				t.Fatalf("dt %g ms, run %g ms, %d spike files; want %g, %g, %d", r.DT, r.Time, len(r.Spikes), tc.dt, tc.ms, len(tc.groups))
			}
			for k, g := range tc.groups {
				s := r.Spikes[k]
				if r.SpikeFiles[k] != "spikes_"+g.name+".npz" || s.N != g.n || !reflect.DeepEqual(s.I, g.i) || !reflect.DeepEqual(s.T, g.t) {
					t.Errorf("%s: %d neurons, i %v, t %v ms; want %s, %d, %v, %v", r.SpikeFiles[k], s.N, s.I, s.T, "spikes_"+g.name+".npz", g.n, g.i, g.t)
				}
				if !strings.Contains(out.String(), filepath.Join(folder, r.SpikeFiles[k])) {
					t.Errorf("output %q names no %s", out.String(), r.SpikeFiles[k])
				}
			}
		})
	}
}
