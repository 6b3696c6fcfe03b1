//go:build !nohdf5

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/internal/atomicfile"
	"github.com/spikevk/spikevk/sonata"
)

// importSpikesCmd converts a SONATA spikes file into a spikevk run
// folder: spikes_<population>.npz and metadata.json, which spikevk plot
// and numpy read.
func importSpikesCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import-spikes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk import-spikes FILE.h5 [-out DIR] [-config CONFIG.json] [-dt MS] [-t MS]\n\n"+
			"converts a SONATA spikes file (/spikes/<population>/{timestamps,node_ids}, as scripts/sonata_pynn.py,\n"+
			"sonata_nest.py, BMTK or libsonata write it) into a run folder: spikes_<population>.npz (i int32, t float64\n"+
			"seconds) per population and metadata.json, as spikevk run -out writes them, for spikevk plot DIR and numpy\n\nflags:")
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "run folder to write (default: the folder of FILE.h5)")
	config := fs.String("config", "", "the run's circuit or simulation config: population sizes, dt and run time (default: sizes from the largest node id)")
	dt := fs.Float64("dt", 0, "time step in ms (default: the config's, else 0.1)")
	ms := fs.Float64("t", 0, "run time in ms (default: the config's, else the last spike's time)")
	path, err := parseArgs(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if path == "" {
		return argsError{"import-spikes: name the SONATA spikes file (FILE.h5)"}
	}
	if *dt < 0 || *ms < 0 || math.IsInf(*dt, 0) || math.IsInf(*ms, 0) {
		return argsError{fmt.Sprintf("import-spikes: -dt %g and -t %g must be positive times in ms", *dt, *ms)}
	}
	pops, err := sonata.ReadSpikes(path)
	if err != nil {
		return err
	}
	info := &sonata.RunInfo{}
	if *config != "" {
		if info, err = sonata.ReadRunInfo(*config); err != nil {
			return err
		}
	}
	info.DT = firstPositive(*dt, info.DT, 0.1)
	info.Duration = firstPositive(*ms, info.Duration, lastSpike(pops))
	dir := *out
	if dir == "" {
		dir = filepath.Dir(path)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("import-spikes: %w", err)
	}
	meta, err := writeImported(dir, path, pops, info)
	if err != nil {
		return err
	}
	for k, f := range meta.Files {
		g := meta.Summary.Groups[k]
		fmt.Fprintf(stdout, "%s: %d spikes of %d nodes in %g ms (%.2f Hz)\n", filepath.Join(dir, f.File), g.Spikes, g.Neurons, info.Duration, g.Rate)
	}
	return nil
}

// firstPositive is the first of xs that is positive, else 0.
func firstPositive(xs ...float64) float64 {
	for _, x := range xs {
		if x > 0 {
			return x
		}
	}
	return 0
}

// lastSpike is the time of the last spike of pops, in ms.
func lastSpike(pops []sonata.SpikePopulation) float64 {
	last := 0.0
	for _, p := range pops {
		for _, t := range p.Times {
			last = max(last, t)
		}
	}
	return last
}

// importedMeta is the metadata.json of an imported run: what viz.LoadRun
// and spikevk plot read of a run's (dt, files, summary), and its source.
type importedMeta struct {
	Source string         `json:"source"`
	DT     float64        `json:"dt_ms"`
	Files  []importedFile `json:"files"`
	// Summary is as spikevk run's, for the groups and time it knows.
	Summary struct {
		DT      float64         `json:"dt_ms"`
		Time    float64         `json:"time_ms"`
		Neurons int             `json:"neurons"`
		Groups  []importedGroup `json:"groups"`
	} `json:"summary"`
}

type importedFile struct {
	File   string `json:"file"`
	Kind   string `json:"kind"`
	Group  string `json:"group"`
	Name   string `json:"name"`
	N      int    `json:"n"`
	Offset int    `json:"offset"`
}

type importedGroup struct {
	Name    string  `json:"name"`
	Neurons int     `json:"neurons"`
	Spikes  int     `json:"spikes"`
	Rate    float64 `json:"rate_hz"`
}

// writeImported writes each population's spikes_<name>.npz and the
// metadata.json of the run folder dir.
func writeImported(dir, source string, pops []sonata.SpikePopulation, info *sonata.RunInfo) (*importedMeta, error) {
	meta := &importedMeta{Source: source, DT: info.DT}
	meta.Summary.DT, meta.Summary.Time = info.DT, info.Duration
	for _, p := range pops {
		if p.Name == "" || p.Name == "." || p.Name == ".." || strings.ContainsAny(p.Name, `/\`) {
			return nil, fmt.Errorf("import-spikes: %s: population %q cannot name a file", source, p.Name)
		}
		n, known := info.Sizes[p.Name]
		if !known && len(info.Sizes) > 0 {
			return nil, fmt.Errorf("import-spikes: %s: population %q is not a node population of the config", source, p.Name)
		}
		i := make([]int32, len(p.NodeIDs))
		t := make([]float64, len(p.Times))
		for k, id := range p.NodeIDs {
			switch {
			case known && id >= int64(n):
				return nil, fmt.Errorf("import-spikes: %s: population %q: spike %d has node id %d, the config has %d nodes", source, p.Name, k, id, n)
			case id > math.MaxInt32:
				return nil, fmt.Errorf("import-spikes: %s: population %q: spike %d has node id %d, past int32", source, p.Name, k, id)
			case !known:
				n = max(n, int(id)+1)
			}
			i[k], t[k] = int32(id), p.Times[k]/1000
		}
		file := "spikes_" + p.Name + ".npz"
		if err := spikevk.WriteSpikesNPZ(filepath.Join(dir, file), i, t); err != nil {
			return nil, fmt.Errorf("import-spikes: %s: %w", filepath.Join(dir, file), err)
		}
		rate := 0.0
		if n > 0 && info.Duration > 0 {
			rate = float64(len(i)) / float64(n) / (info.Duration / 1000)
		}
		meta.Files = append(meta.Files, importedFile{File: file, Kind: "spikes", Group: p.Name, Name: p.Name, N: n})
		meta.Summary.Groups = append(meta.Summary.Groups, importedGroup{Name: p.Name, Neurons: n, Spikes: len(i), Rate: rate})
		meta.Summary.Neurons += n
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(filepath.Join(dir, "metadata.json"), append(data, '\n'))
	}
	if err != nil {
		return nil, fmt.Errorf("import-spikes: %w", err)
	}
	return meta, nil
}
