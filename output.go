package spikevk

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/spikevk/spikevk/internal/atomicfile"
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
	return WriteSpikesNPZ(path, m.i, t)
}

// WriteSpikesNPZ writes spikes (neuron indices i, times t in seconds) to a
// NumPy .npz file in the layout of SpikeMonitor.WriteNPZ, for spikes from
// elsewhere (another simulator's output).
func WriteSpikesNPZ(path string, i []int32, t []float64) error {
	if len(i) != len(t) {
		return fmt.Errorf("write %s: %d indices but %d times", path, len(i), len(t))
	}
	if i == nil {
		i = []int32{}
	}
	if t == nil {
		t = []float64{}
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
	return atomicfile.Write(path, func(tmp string) error {
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
				if err = writeNPY(bw, e.value); err == nil {
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

// writeNPY writes one .npy array. npyio gives an empty slice the shape ()
// of a scalar with no data, which numpy cannot read; an empty array here
// gets the shape (0,) instead (and a matrix without columns (rows, 0)).
func writeNPY(w io.Writer, v any) error {
	descr, shape, empty := emptyArray(v)
	if !empty {
		return npy.Write(w, v)
	}
	dims := make([]string, len(shape))
	for k, d := range shape {
		dims[k] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ",)"
	if len(shape) > 1 {
		tuple = "(" + strings.Join(dims, ", ") + ")"
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pad := 64 - (10+len(header)+1)%64 // magic 6, version 2, length 2; then the header ends with '\n'
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	prefix := []byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(header)), byte(len(header) >> 8)}
	if _, err := w.Write(prefix); err != nil {
		return err
	}
	_, err := io.WriteString(w, header)
	return err
}

// emptyArray reports the numpy type and shape of v when it has no
// elements: an empty slice, or an emptyMatrix.
func emptyArray(v any) (descr string, shape []int, empty bool) {
	switch x := v.(type) {
	case []int32:
		return "<i4", []int{0}, len(x) == 0
	case []uint32:
		return "<u4", []int{0}, len(x) == 0
	case []int64:
		return "<i8", []int{0}, len(x) == 0
	case []uint64:
		return "<u8", []int{0}, len(x) == 0
	case []float32:
		return "<f4", []int{0}, len(x) == 0
	case []float64:
		return "<f8", []int{0}, len(x) == 0
	case emptyMatrix:
		return "<f8", []int{x.rows, x.cols}, true
	}
	return "", nil, false
}

// emptyMatrix is a float64 matrix with no rows or no columns.
type emptyMatrix struct{ rows, cols int }
