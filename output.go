package spikevk

import (
	"fmt"
	"os"
	"path/filepath"

	"codeberg.org/sbinet/npyio/npz"
)

// WriteNPZ writes the recorded spikes to a NumPy .npz file with arrays i
// (int32, neuron index in the monitored group) and t (float64, time in
// seconds), which numpy.load opens. The file appears complete or not at
// all: it is written under a temporary name and renamed.
func (m *SpikeMonitor) WriteNPZ(path string) error {
	t := make([]float64, len(m.t))
	for k, ms := range m.t {
		t[k] = ms / 1000
	}
	i := m.i
	if i == nil {
		i = []int32{}
	}
	return writeAtomic(path, func(tmp string) error {
		return npz.Write(tmp, map[string]any{"i.npy": i, "t.npy": t})
	})
}

// writeAtomic calls write with a temporary path next to path and renames
// the result to path.
func writeAtomic(path string, write func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil { // CreateTemp makes 0600
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
