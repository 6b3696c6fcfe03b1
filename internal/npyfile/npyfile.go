// Package npyfile reads numeric arrays from NumPy's .npy and .npz files as
// float64, for the files users give spikevk (values, weights, pairs):
// every numeric dtype, shapes checked against the data, headers that
// claim more than the file holds refused before anything is allocated.
package npyfile

import (
	"fmt"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// Array is a numeric array, row-major.
type Array struct {
	Data  []float64
	Shape []int
}

// ReadNPY reads the array of a .npy file.
func ReadNPY(path string) (a Array, err error) {
	f, err := os.Open(path)
	if err != nil {
		return a, err
	}
	defer f.Close()
	defer recoverMalformed(path, &err)
	var arr npy.Array
	if err := npy.Read(f, &arr); err != nil {
		return a, fmt.Errorf("%s: %w", path, err)
	}
	return convert(path, &arr)
}

// ReadNPZ reads every array of a .npz file, by name without ".npy".
func ReadNPZ(path string) (arrays map[string]Array, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	defer recoverMalformed(path, &err)
	z, err := npz.NewReader(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	arrays = map[string]Array{}
	for _, key := range z.Keys() {
		name := strings.TrimSuffix(key, ".npy")
		if h := z.Header(key); h != nil && elements(h.Descr.Shape) > info.Size() {
			return nil, fmt.Errorf("%s: array %q claims %d elements in a file of %d bytes", path, name, elements(h.Descr.Shape), info.Size())
		}
		var arr npy.Array
		if err := z.Read(key, &arr); err != nil {
			return nil, fmt.Errorf("%s: array %q: %w", path, name, err)
		}
		if arrays[name], err = convert(path+": array "+name, &arr); err != nil {
			return nil, err
		}
	}
	return arrays, nil
}

// recoverMalformed turns the panics npyio has on some malformed headers
// into an error naming the file.
func recoverMalformed(path string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: malformed array file: %v", path, r)
	}
}

func elements(shape []int) int64 {
	n := int64(1)
	for _, s := range shape {
		if s < 0 || s > 0 && n > math.MaxInt64/int64(s) {
			return math.MaxInt64
		}
		n *= int64(s)
	}
	return n
}

// convert makes a numeric array float64.
func convert(what string, arr *npy.Array) (Array, error) {
	a := Array{Shape: arr.Shape()}
	switch d := arr.Data().(type) {
	case []float64:
		a.Data = d
	case []float32:
		a.Data = floats(d)
	case []int64:
		a.Data = floats(d)
	case []int32:
		a.Data = floats(d)
	case []int16:
		a.Data = floats(d)
	case []int8:
		a.Data = floats(d)
	case []uint64:
		a.Data = floats(d)
	case []uint32:
		a.Data = floats(d)
	case []uint16:
		a.Data = floats(d)
	case []uint8:
		a.Data = floats(d)
	case []bool:
		a.Data = make([]float64, len(d))
		for k, b := range d {
			if b {
				a.Data[k] = 1
			}
		}
	default:
		return a, fmt.Errorf("%s: an array of %T, want numbers", what, arr.Data())
	}
	if len(a.Shape) == 0 {
		a.Shape = []int{len(a.Data)}
	}
	if elements(a.Shape) != int64(len(a.Data)) {
		return a, fmt.Errorf("%s: shape %v for %d values", what, a.Shape, len(a.Data))
	}
	return a, nil
}

func floats[T float32 | int64 | int32 | int16 | int8 | uint64 | uint32 | uint16 | uint8](d []T) []float64 {
	out := make([]float64, len(d))
	for k, x := range d {
		out[k] = float64(x)
	}
	return out
}
