package spikevk

import (
	"fmt"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
)

// A checkpoint file also holds what the monitors recorded until it was
// taken, so that a run resumed from it (spikevk run -resume) ends with the
// records and files of a run never interrupted. Each monitor k has the
// entries monitor/<k>/…: what.npy, its description, and its arrays.

// records is what a monitor keeps in a checkpoint file.
type records interface {
	// what describes the monitor: its kind, group and selection.
	what() string
	// arrays are its records, by entry name.
	arrays() []entry
	// readArrays reads its records from r under prefix and returns what
	// puts them in place; it changes nothing itself.
	readArrays(r *npz.Reader, prefix string) (func(), error)
}

func recordPrefix(k int) string { return fmt.Sprintf("monitor/%d/", k) }

// recordEntries lists the entries of the monitors' records.
func (n *Network) recordEntries() []entry {
	var out []entry
	for k, m := range n.monitors {
		r := records(m)
		prefix := recordPrefix(k)
		out = append(out, entry{prefix + "what.npy", r.what()})
		for _, e := range r.arrays() {
			out = append(out, entry{prefix + e.name, e.value})
		}
	}
	return out
}

// readRecords reads the monitors' records of a checkpoint file and
// returns what puts them in place. A file with other monitors than the
// network's (another number, kind, group or selection), or none, leaves
// them as they are: apply does nothing.
func (n *Network) readRecords(r *npz.Reader) (apply func(), err error) {
	keys := r.Keys()
	count := 0
	for slices.Contains(keys, recordPrefix(count)+"what.npy") {
		count++
	}
	if count != len(n.monitors) || count == 0 {
		return func() {}, nil
	}
	var puts []func()
	for k, m := range n.monitors {
		rec := records(m)
		var what string
		if err := r.Read(recordPrefix(k)+"what.npy", &what); err != nil {
			return nil, err
		}
		if what != rec.what() {
			return func() {}, nil
		}
		put, err := rec.readArrays(r, recordPrefix(k))
		if err != nil {
			return nil, err
		}
		puts = append(puts, put)
	}
	return func() {
		for _, put := range puts {
			put()
		}
	}, nil
}

// readSame reads the entries prefix+names[k] into ptrs[k], slices that
// must all have the same length times per[k].
func readSame(r *npz.Reader, prefix string, names []string, per []int, ptrs ...any) error {
	n := -1
	for k, name := range names {
		if err := r.Read(prefix+name, ptrs[k]); err != nil {
			return err
		}
		var l int
		switch p := ptrs[k].(type) {
		case *[]int32:
			l = len(*p)
		case *[]float64:
			l = len(*p)
		case *[]uint32:
			l = len(*p)
		case *[]float32:
			l = len(*p)
		}
		if l%per[k] != 0 || n >= 0 && l/per[k] != n {
			return fmt.Errorf("entry %s%s holds %d values, which do not fit the other records", prefix, name, l)
		}
		n = l / per[k]
	}
	return nil
}

func (m *SpikeMonitor) what() string {
	s := "spikes of " + m.g.String()
	if m.selected != nil {
		var ks []string
		for k, on := range m.selected {
			if on {
				ks = append(ks, fmt.Sprint(k))
			}
		}
		s += " neurons " + strings.Join(ks, ",")
	}
	return s
}

func (m *SpikeMonitor) arrays() []entry {
	return []entry{{"i.npy", slices.Clip(m.i)}, {"t.npy", slices.Clip(m.t)}}
}

func (m *SpikeMonitor) readArrays(r *npz.Reader, prefix string) (func(), error) {
	var i []int32
	var t []float64
	if err := readSame(r, prefix, []string{"i.npy", "t.npy"}, []int{1, 1}, &i, &t); err != nil {
		return nil, err
	}
	for _, k := range i {
		if k < 0 || int(k) >= m.g.N() {
			return nil, fmt.Errorf("entry %si.npy: neuron %d is not in %s", prefix, k, m.g)
		}
	}
	return func() { m.i, m.t = i, t }, nil
}

func (m *RateMonitor) what() string { return "rates of " + m.g.String() }

func (m *RateMonitor) arrays() []entry {
	return []entry{{"rates.npy", slices.Clip(m.rates)}, {"steps.npy", slices.Clip(m.steps)}}
}

func (m *RateMonitor) readArrays(r *npz.Reader, prefix string) (func(), error) {
	var rates []float64
	var steps []uint32
	if err := readSame(r, prefix, []string{"rates.npy", "steps.npy"}, []int{1, 1}, &rates, &steps); err != nil {
		return nil, err
	}
	return func() { m.rates, m.steps = rates, steps }, nil
}

func (m *StateMonitor) what() string {
	return fmt.Sprintf("states %s of %s every %d steps, neurons %v", strings.Join(m.vars, ","), m.g, m.every, m.neurons)
}

func (m *StateMonitor) arrays() []entry {
	return []entry{{"steps.npy", slices.Clip(m.steps)}, {"data.npy", slices.Clip(m.data)}}
}

func (m *StateMonitor) readArrays(r *npz.Reader, prefix string) (func(), error) {
	var steps []uint32
	var data []float32
	if per := len(m.vars) * len(m.neurons); per > 0 {
		if err := readSame(r, prefix, []string{"steps.npy", "data.npy"}, []int{1, per}, &steps, &data); err != nil {
			return nil, err
		}
	} else if err := r.Read(prefix+"steps.npy", &steps); err != nil {
		return nil, err
	}
	return func() { m.steps, m.data = steps, data }, nil
}
