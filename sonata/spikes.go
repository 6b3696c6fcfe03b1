package sonata

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// SpikePopulation is the spikes of one node population in a SONATA
// spikes file.
type SpikePopulation struct {
	Name    string
	NodeIDs []int64   // of each spike
	Times   []float64 // of each spike, ms
}

// oldLayout names the one population of a spikes file in the older
// layout /spikes/{gids,timestamps} (PyNN 0.10–0.13, old BMTK), which
// names none.
const oldLayout = "spikes"

// ReadSpikes reads a SONATA spikes file: /spikes/<population>/
// {timestamps, node_ids} for each population, in file order, or the
// older /spikes/{timestamps, gids} as one population named "spikes".
// Timestamps are in ms unless their units attribute says s.
func ReadSpikes(path string) ([]SpikePopulation, error) {
	r, err := openH5(path)
	if err != nil {
		return nil, fmt.Errorf("sonata: %w", err)
	}
	defer r.close()
	if !r.exists("/spikes") {
		return nil, fmt.Errorf("sonata: %s: no group /spikes: not a SONATA spikes file", path)
	}
	var names []string
	if r.exists("/spikes/timestamps") {
		names = []string{oldLayout}
	} else {
		members, err := r.members("/spikes")
		if err != nil {
			return nil, fmt.Errorf("sonata: %w", err)
		}
		for _, m := range members {
			if r.exists("/spikes/" + m + "/timestamps") {
				names = append(names, m)
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("sonata: %s: /spikes holds no population with timestamps", path)
	}
	pops := make([]SpikePopulation, 0, len(names))
	for _, name := range names {
		ids, times, err := readSpikes(r, name)
		if err != nil {
			return nil, fmt.Errorf("sonata: %w", err)
		}
		pops = append(pops, SpikePopulation{Name: name, NodeIDs: ids, Times: times})
	}
	return pops, nil
}

// readSpikes reads the spikes of pop from a SONATA spikes file (from
// /spikes itself when it has no group pop), times in ms, and checks them:
// as many ids as times, ids not negative, times finite.
func readSpikes(r *h5r, pop string) ([]int64, []float64, error) {
	base := "/spikes/" + pop
	if !r.exists(base) {
		base = "/spikes"
	}
	ids := base + "/node_ids"
	if !r.exists(ids) {
		ids = base + "/gids"
	}
	_, i, err := r.numbers(ids)
	if err != nil {
		return nil, nil, err
	}
	t, _, err := r.numbers(base + "/timestamps")
	if err != nil {
		return nil, nil, err
	}
	if len(i) != len(t) {
		return nil, nil, fmt.Errorf("%s: %s: %d node ids for %d timestamps", r.path, base, len(i), len(t))
	}
	units, ok, err := r.attrString(base+"/timestamps", "units")
	switch {
	case err != nil:
		return nil, nil, err
	case ok && units == "s":
		for k := range t {
			t[k] *= 1000
		}
	case ok && units != "ms":
		return nil, nil, fmt.Errorf("%s: %s/timestamps in %q: want ms or s", r.path, base, units)
	}
	if k := slices.IndexFunc(i, func(id int64) bool { return id < 0 }); k >= 0 {
		return nil, nil, fmt.Errorf("%s: %s: spike %d has node id %d", r.path, ids, k, i[k])
	}
	if k := slices.IndexFunc(t, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }); k >= 0 {
		return nil, nil, fmt.Errorf("%s: %s/timestamps: spike %d at %g ms", r.path, base, k, t[k])
	}
	return i, t, nil
}

// WriteSpikes writes pops as a SONATA spikes file, each population
// sorted by time (then node id), with the root attributes magic and
// version.
func WriteSpikes(path string, pops []SpikePopulation) error {
	for _, p := range pops {
		if len(p.NodeIDs) != len(p.Times) {
			return fmt.Errorf("sonata: %s: population %q: %d node ids for %d times", path, p.Name, len(p.NodeIDs), len(p.Times))
		}
		if k := slices.IndexFunc(p.NodeIDs, func(id int64) bool { return id < 0 }); k >= 0 {
			return fmt.Errorf("sonata: %s: population %q: spike %d has node id %d", path, p.Name, k, p.NodeIDs[k])
		}
	}
	w := createH5(path)
	w.group("/spikes")
	for _, p := range pops {
		order := make([]int, len(p.Times))
		for k := range order {
			order[k] = k
		}
		slices.SortFunc(order, func(a, b int) int {
			return cmp.Or(cmp.Compare(p.Times[a], p.Times[b]), cmp.Compare(p.NodeIDs[a], p.NodeIDs[b]))
		})
		times, ids := make([]float64, len(order)), make([]uint64, len(order))
		for k, o := range order {
			times[k], ids[k] = p.Times[o], uint64(p.NodeIDs[o])
		}
		base := "/spikes/" + p.Name
		w.group(base)
		w.attrString(base, "sorting", "by_time")
		w.dataset(base+"/timestamps", times)
		w.attrString(base+"/timestamps", "units", "ms")
		w.dataset(base+"/node_ids", ids)
	}
	if err := w.close(); err != nil {
		return fmt.Errorf("sonata: %w", err)
	}
	return nil
}

// RunInfo is what SONATA configs say of a run, for reading its spikes.
type RunInfo struct {
	DT       float64        // ms; 0 without a simulation config
	Duration float64        // ms (run.tstop − run.tstart); 0 without one
	Sizes    map[string]int // the number of nodes of each node population
}

// ReadRunInfo reads dt, the run time and the population sizes of a
// circuit or simulation config (as Open finds them), without building
// the network.
func ReadRunInfo(path string) (*RunInfo, error) {
	sim, circuit, err := configs(path)
	if err != nil {
		return nil, err
	}
	info := &RunInfo{Sizes: map[string]int{}}
	if sim != nil {
		info.DT, info.Duration = sim.run()
	}
	files, err := circuit.files("nodes", "nodes_file", "node_types_file")
	if err != nil {
		return nil, fmt.Errorf("sonata: %w", err)
	}
	for _, f := range files {
		if err := nodeCounts(f[0], info.Sizes); err != nil {
			return nil, fmt.Errorf("sonata: %w", err)
		}
	}
	return info, nil
}

// nodeCounts adds the size of each node population in the nodes file
// path to sizes.
func nodeCounts(path string, sizes map[string]int) error {
	r, err := openH5(path)
	if err != nil {
		return err
	}
	defer r.close()
	pops, err := r.members("/nodes")
	if err != nil {
		return err
	}
	for _, p := range pops {
		types, _, err := r.numbers("/nodes/" + p + "/node_type_id")
		if err != nil {
			return err
		}
		sizes[p] = len(types)
	}
	return nil
}
