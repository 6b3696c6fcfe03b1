package spikevk

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// ReadSpikes reads a list of spikes, neuron indices[k] at timesMs[k] ms,
// from a file: the input of SpikeGenerator, or the recording of a
// SpikeMonitor, as Brian2 users keep them.
//
// A .npz file (numpy.savez) holds a 1-D array i of neuron indices, of any
// integer dtype, and a 1-D array t of the same length, of times in
// seconds (float32 or float64): the file SpikeMonitor.WriteNPZ writes,
// or numpy.savez(path, i=mon.i[:], t=mon.t_[:]) for a Brian2 monitor.
//
// Any other file is text, one spike a line: an index and a time separated
// by a comma or by spaces and tabs. Blank lines and lines starting with #
// are skipped; line endings may be \n or \r\n. An index is a whole number
// (2, or 2.0 as numpy.savetxt writes it). Times are in ms, unless the
// first line that is not skipped is a header: two column names, index
// then time, each starting with a letter, such as "i,t" or "index
// time[s]". A time column named with the unit s (t_s, t[s], t(s)) makes
// the times seconds; ms (t_ms, t[ms], t(ms)) or no unit (t) keeps them
// in ms; another unit is an error. A header is not a comment: write one
// with numpy.savetxt(…, header="i t_s", comments="").
//
// Indices are whole numbers from 0 and times finite and from 0; an error
// names the file and, for text, the line. The spikes come in the file's
// order.
func ReadSpikes(path string) (indices []int, timesMs []float64, err error) {
	s, err := readSpikes(path)
	if err != nil {
		return nil, nil, err
	}
	return s.indices, s.timesMs, nil
}

// SpikeGeneratorFile adds a spike generator of size neurons (as
// SpikeGenerator) whose spikes ReadSpikes reads from a file: Brian2's
// SpikeGeneratorGroup given the arrays of a file, to replay a raster that
// SpikeMonitor.WriteNPZ or another program wrote. Run returns an error
// reading the file, or for a spike that SpikeGenerator refuses, named by
// its line (text) or entry (.npz) in the file.
func (n *Network) SpikeGeneratorFile(name string, size int, path string) *Group {
	if !n.building("spike generator " + name) {
		return n.SpikeGenerator(name, size, nil, nil)
	}
	s, err := readSpikes(path)
	if err != nil {
		n.fail("spike generator %q: %w", name, err)
		return n.SpikeGenerator(name, size, nil, nil)
	}
	return n.spikeGenerator(name, size, s.indices, s.timesMs, s.where)
}

// spikeList is the spikes of a file, with where each one is in it.
type spikeList struct {
	path    string
	indices []int
	timesMs []float64
	lines   []int // the line of each spike of a text file; nil for .npz
}

// where names spike k by file and line, or by file and entry.
func (s *spikeList) where(k int) string {
	if s.lines != nil {
		return fmt.Sprintf("%s:%d", s.path, s.lines[k])
	}
	return fmt.Sprintf("%s: entry %d", s.path, k)
}

// readSpikes reads a .npz or text file of spikes (ReadSpikes).
func readSpikes(path string) (*spikeList, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npz":
		return readSpikesNPZ(path)
	case ".npy":
		return nil, fmt.Errorf("%s: one .npy array; want a .npz file with arrays i and t (numpy.savez)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseSpikeText(path, f)
}

// maxLine bounds the length of a line of a text file of spikes.
const maxLine = 1 << 20

// parseSpikeText parses a text file of spikes (ReadSpikes) read from r;
// name is the file's name in errors.
func parseSpikeText(name string, r io.Reader) (*spikeList, error) {
	s := &spikeList{path: name, indices: []int{}, timesMs: []float64{}, lines: []int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	scale := 1.0 // ms per unit of the time column
	line, content := 0, false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text()) // ScanLines drops the \r of \r\n
		if line == 1 {
			text = strings.TrimSpace(strings.TrimPrefix(text, "\uFEFF")) // a byte order mark
		}
		if text == "" || text[0] == '#' {
			continue
		}
		fields := splitFields(text)
		if !content && isHeader(fields) {
			content = true
			var err error
			if scale, err = headerScale(fields); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			continue
		}
		content = true
		i, t, err := parseSpike(fields, scale)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		s.indices = append(s.indices, i)
		s.timesMs = append(s.timesMs, t)
		s.lines = append(s.lines, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// splitFields splits a line at commas, trimming the spaces around each
// field, or, without a comma, at runs of spaces and tabs.
func splitFields(text string) []string {
	if !strings.Contains(text, ",") {
		return strings.Fields(text)
	}
	fields := strings.Split(text, ",")
	for k, f := range fields {
		fields[k] = strings.TrimSpace(f)
	}
	return fields
}

// isHeader reports whether the fields of a line are column names: each
// starts with a letter or _ and is not a number (such as NaN or Inf).
func isHeader(fields []string) bool {
	for _, f := range fields {
		r := []rune(f)
		if len(r) == 0 || !unicode.IsLetter(r[0]) && r[0] != '_' {
			return false
		}
		if _, err := strconv.ParseFloat(f, 64); err == nil {
			return false
		}
	}
	return true
}

// headerScale returns the ms per unit of the time column named by a
// header (index, time).
func headerScale(fields []string) (float64, error) {
	if len(fields) != 2 {
		return 0, fmt.Errorf("header has %s, want 2 (index, time)", plural(len(fields), "column"))
	}
	if base, unit := columnUnit(fields[0]); timeUnits[unit] != 0 || base == "t" || base == "time" || base == "times" {
		return 0, fmt.Errorf("header %q names the time first; want index, time", fields[0]+","+fields[1])
	}
	_, unit := columnUnit(fields[1])
	if unit == "" {
		return 1, nil
	}
	if timeUnits[unit] == 0 {
		return 0, fmt.Errorf("column %q: unit %q is not s or ms", fields[1], unit)
	}
	return timeUnits[unit], nil
}

// timeUnits are the units of a time column, in ms.
var timeUnits = map[string]float64{"s": 1000, "sec": 1000, "ms": 1, "msec": 1}

// otherUnits are units after a _ that are not the units of a time column.
var otherUnits = map[string]bool{"us": true, "µs": true, "ns": true, "min": true, "h": true, "hr": true, "hour": true, "hours": true, "d": true, "day": true, "days": true}

// columnUnit splits a column name into its base, in lower case, and its
// unit: in brackets ("t[s]", "t (ms)") or after the last _ ("time_s"); no
// unit is "". A _ is followed by a unit only where that is a unit of time
// ("spike_time" has none).
func columnUnit(name string) (base, unit string) {
	for _, br := range []string{"[]", "()"} {
		if open := strings.LastIndexByte(name, br[0]); open >= 0 && strings.HasSuffix(name, br[1:]) {
			return strings.ToLower(strings.TrimSpace(name[:open])), strings.TrimSpace(name[open+1 : len(name)-1])
		}
	}
	if k := strings.LastIndexByte(name, '_'); k >= 0 && (timeUnits[name[k+1:]] != 0 || otherUnits[name[k+1:]]) {
		return strings.ToLower(name[:k]), name[k+1:]
	}
	return strings.ToLower(name), ""
}

// parseSpike parses the fields of a line, an index and a time in units of
// scale ms, into an index and a time in ms.
func parseSpike(fields []string, scale float64) (int, float64, error) {
	if len(fields) != 2 {
		return 0, 0, fmt.Errorf("%s, want 2 (index, time)", plural(len(fields), "field"))
	}
	i, err := parseIndex(fields[0])
	if err != nil {
		return 0, 0, err
	}
	t, err := strconv.ParseFloat(fields[1], 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, 0, fmt.Errorf("time %q is out of range", fields[1])
	case err != nil:
		return 0, 0, fmt.Errorf("time %q is not a number", fields[1])
	case math.IsNaN(t) || math.IsInf(t, 0):
		return 0, 0, fmt.Errorf("time %q is not finite", fields[1])
	case t < 0:
		return 0, 0, fmt.Errorf("time %q is negative", fields[1])
	case math.IsInf(t*scale, 0):
		return 0, 0, fmt.Errorf("time %q is out of range", fields[1])
	}
	return i, t * scale, nil
}

// parseIndex parses a neuron index: a whole number, written as an integer
// or as a number such as 2.0 or 2e0 (numpy.savetxt writes floats).
func parseIndex(f string) (int, error) {
	if i, err := strconv.Atoi(f); err == nil {
		return checkIndex(f, int64(i))
	}
	x, err := strconv.ParseFloat(f, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("index %q is not a number", f)
	case x != math.Trunc(x): // NaN included
		return 0, fmt.Errorf("index %q is not a whole number", f)
	case x < 0:
		return 0, fmt.Errorf("index %q is negative", f)
	case x > math.MaxInt32:
		return 0, fmt.Errorf("index %q is too large", f)
	}
	return int(x), nil
}

// checkIndex checks that an index i, written f, is 0 … MaxInt32.
func checkIndex(f string, i int64) (int, error) {
	switch {
	case i < 0:
		return 0, fmt.Errorf("index %q is negative", f)
	case i > math.MaxInt32:
		return 0, fmt.Errorf("index %q is too large", f)
	}
	return int(i), nil
}

// plural returns "1 field", "3 fields".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// readSpikesNPZ reads arrays i and t (seconds) of a .npz file.
func readSpikesNPZ(path string) (s *spikeList, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	defer func() { // npyio panics on some malformed headers
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("%s: malformed .npy array: %v", path, r)
		}
	}()
	z, err := npz.NewReader(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	iData, err := readNPZArray(path, z, "i")
	if err != nil {
		return nil, err
	}
	tData, err := readNPZArray(path, z, "t")
	if err != nil {
		return nil, err
	}
	s = &spikeList{path: path}
	if s.indices, err = npzIndices(path, z, iData); err != nil {
		return nil, err
	}
	if s.timesMs, err = npzTimes(path, z, tData); err != nil {
		return nil, err
	}
	if len(s.indices) != len(s.timesMs) {
		return nil, fmt.Errorf("%s: %d indices (i) for %d times (t)", path, len(s.indices), len(s.timesMs))
	}
	return s, nil
}

// readNPZArray returns the data of the 1-D array name ("i.npy" or "i" in
// the archive).
func readNPZArray(path string, z *npz.Reader, name string) (any, error) {
	key := name + ".npy"
	if !slices.Contains(z.Keys(), key) {
		if !slices.Contains(z.Keys(), name) {
			return nil, fmt.Errorf("%s: no array %q (it has %s)", path, name, strings.Join(z.Keys(), ", "))
		}
		key = name
	}
	var a npy.Array
	if err := z.Read(key, &a); err != nil {
		return nil, fmt.Errorf("%s: array %q: %w", path, name, err)
	}
	if len(a.Shape()) > 1 {
		return nil, fmt.Errorf("%s: array %q has shape %v, want one dimension", path, name, a.Shape())
	}
	return a.Data(), nil
}

// npzDtype is the dtype of array name, for errors.
func npzDtype(z *npz.Reader, name string) string {
	for _, key := range []string{name + ".npy", name} {
		if h := z.Header(key); h != nil {
			return strings.Trim(h.Descr.Type, "'")
		}
	}
	return "?"
}

// npzIndices converts the data of array i to indices.
func npzIndices(path string, z *npz.Reader, data any) ([]int, error) {
	switch d := data.(type) {
	case []int8:
		return convIndices(path, d)
	case []int16:
		return convIndices(path, d)
	case []int32:
		return convIndices(path, d)
	case []int64:
		return convIndices(path, d)
	case []uint8:
		return convIndices(path, d)
	case []uint16:
		return convIndices(path, d)
	case []uint32:
		return convIndices(path, d)
	case []uint64:
		return convIndices(path, d)
	}
	return nil, fmt.Errorf("%s: array \"i\" has dtype %s, want integers", path, npzDtype(z, "i"))
}

func convIndices[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](path string, d []T) ([]int, error) {
	indices := make([]int, len(d))
	for k, x := range d {
		switch {
		case x < 0:
			return nil, fmt.Errorf("%s: entry %d: index %d is negative", path, k, x)
		case uint64(x) > math.MaxInt32:
			return nil, fmt.Errorf("%s: entry %d: index %d is too large", path, k, x)
		}
		indices[k] = int(x)
	}
	return indices, nil
}

// npzTimes converts the data of array t, in seconds, to times in ms.
func npzTimes(path string, z *npz.Reader, data any) ([]float64, error) {
	switch d := data.(type) {
	case []float32:
		return convTimes(path, d)
	case []float64:
		return convTimes(path, d)
	}
	return nil, fmt.Errorf("%s: array \"t\" has dtype %s, want float32 or float64 (seconds)", path, npzDtype(z, "t"))
}

func convTimes[T float32 | float64](path string, d []T) ([]float64, error) {
	times := make([]float64, len(d))
	for k, x := range d {
		ms := float64(x) * 1000
		switch {
		case math.IsNaN(ms) || math.IsInf(float64(x), 0):
			return nil, fmt.Errorf("%s: entry %d: time %g s is not finite", path, k, x)
		case ms < 0:
			return nil, fmt.Errorf("%s: entry %d: time %g s is negative", path, k, x)
		case math.IsInf(ms, 0):
			return nil, fmt.Errorf("%s: entry %d: time %g s is out of range", path, k, x)
		}
		times[k] = ms
	}
	return times, nil
}
