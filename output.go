package spikevk

import (
	"archive/zip"
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"codeberg.org/sbinet/npyio/npy"
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
	return writeNPZ(path, []entry{{"i.npy", i}, {"t.npy", t}})
}

// entry is one array of an .npz file.
type entry struct {
	name  string
	value any
}

// writeNPZ writes the arrays to path as numpy.savez does, a zip archive of
// uncompressed .npy files (compressing took seconds for a few million
// spikes), in the order given. The file appears complete or not at all.
func writeNPZ(path string, entries []entry) error {
	return writeAtomic(path, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			return err
		}
		z := zip.NewWriter(f)
		for _, e := range entries {
			w, err := z.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
			if err == nil {
				// npy writes one element at a time: buffer before the zip
				// entry, whose every write updates a checksum.
				bw := bufio.NewWriterSize(w, 1<<16)
				if err = npy.Write(bw, e.value); err == nil {
					err = bw.Flush()
				}
			}
			if err != nil {
				f.Close()
				return fmt.Errorf("entry %s: %w", e.name, err)
			}
		}
		err = z.Close()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
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
