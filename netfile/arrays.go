package netfile

import (
	"bufio"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk/internal/npyfile"
)

// array is a numeric array read from a file, row-major.
type array struct {
	data  []float64
	shape []int
}

// maxArrayBytes bounds the array files a network file may read.
const maxArrayBytes = 1 << 30

// readSmall checks that path is a regular file of at most maxArrayBytes.
func readSmall(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", path)
	}
	if info.Size() > maxArrayBytes {
		return fmt.Errorf("%s: %d bytes, more than the %d a network file may read", path, info.Size(), maxArrayBytes)
	}
	return nil
}

// readArray reads an array: a .npy file, the array called name of a .npz
// file (name may be empty when it holds one), or text (.csv, .txt: one row
// per line, values separated by commas or spaces, # comments).
func readArray(path, name string) (array, error) {
	if err := readSmall(path); err != nil {
		return array{}, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		a, err := npyfile.ReadNPY(path)
		return array{data: a.Data, shape: a.Shape}, err
	case ".npz":
		arrays, err := npyfile.ReadNPZ(path)
		if err != nil {
			return array{}, err
		}
		names := slices.Sorted(maps.Keys(arrays))
		switch {
		case name == "" && len(names) == 1:
			name = names[0]
		case name == "":
			return array{}, fmt.Errorf("%s holds %d arrays (%s): name one with array", path, len(names), strings.Join(names, ", "))
		}
		a, ok := arrays[name]
		if !ok {
			return array{}, fmt.Errorf("%s: no array %q (it has %s)", path, name, strings.Join(names, ", "))
		}
		return array{data: a.Data, shape: a.Shape}, nil
	case ".csv", ".txt", ".dat":
		if name != "" {
			return array{}, fmt.Errorf("%s: a text file holds one array; array %q names none", path, name)
		}
		return readText(path)
	}
	return array{}, fmt.Errorf("%s: not an array file (.npy, .npz, .csv or .txt)", path)
}

// readText reads rows of numbers separated by commas or spaces.
func readText(path string) (array, error) {
	f, err := os.Open(path)
	if err != nil {
		return array{}, err
	}
	defer f.Close()
	var a array
	cols := -1
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if k := strings.IndexByte(text, '#'); k >= 0 {
			text = text[:k]
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' })
		if len(fields) == 0 {
			continue
		}
		if cols >= 0 && len(fields) != cols {
			return a, fmt.Errorf("%s:%d: %d values, the lines before have %d", path, line, len(fields), cols)
		}
		cols = len(fields)
		for _, s := range fields {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return a, fmt.Errorf("%s:%d: %q is not a finite number", path, line, s)
			}
			a.data = append(a.data, x)
		}
	}
	if err := sc.Err(); err != nil {
		return a, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case cols <= 0:
		a.shape = []int{0}
	case cols == 1:
		a.shape = []int{len(a.data)}
	default:
		a.shape = []int{len(a.data) / cols, cols}
	}
	return a, nil
}

// readPairs reads the pairs of a connection list: arrays i and j of a
// .npz file, or two columns of text.
func readPairs(path string) (i, j []int, err error) {
	var ai, aj array
	if strings.EqualFold(filepath.Ext(path), ".npz") {
		if ai, err = readArray(path, "i"); err == nil {
			aj, err = readArray(path, "j")
		}
	} else {
		var a array
		if a, err = readArray(path, ""); err == nil {
			if len(a.shape) != 2 || a.shape[1] != 2 {
				return nil, nil, fmt.Errorf("%s: want two columns, source and target index", path)
			}
			for r := range a.shape[0] {
				ai.data = append(ai.data, a.data[2*r])
				aj.data = append(aj.data, a.data[2*r+1])
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	if len(ai.data) != len(aj.data) {
		return nil, nil, fmt.Errorf("%s: %d sources (i) for %d targets (j)", path, len(ai.data), len(aj.data))
	}
	toInts := func(d []float64, what string) ([]int, error) {
		out := make([]int, len(d))
		for k, x := range d {
			if x < 0 || x != math.Trunc(x) || x > math.MaxInt32 {
				return nil, fmt.Errorf("%s: %s entry %d: %g is not an index", path, what, k, x)
			}
			out[k] = int(x)
		}
		return out, nil
	}
	if i, err = toInts(ai.data, "i"); err != nil {
		return nil, nil, err
	}
	j, err = toInts(aj.data, "j")
	return i, j, err
}
