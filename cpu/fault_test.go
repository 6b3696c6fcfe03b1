package cpu

import (
	"math"
	"testing"

	"github.com/spikevk/spikevk/host"
)

// TestFirstFaulty: the vector prefix and the scalar loop together find the
// first faulty value at every position of arrays of every length around
// the vector width, for every kind of faulty value, and none in arrays of
// values up to the limit itself, for both limits (Runaway, Saturated);
// copyChecked finds the same as it copies every bit.
func TestFirstFaulty(t *testing.T) {
	for _, lim := range []float32{host.Runaway, host.Saturated} {
		limit := math.Float32bits(lim)
		above := math.Float32frombits(limit + 1)
		bad := []float32{float32(math.NaN()), math.Float32frombits(0xffc00001), float32(math.Inf(1)), float32(math.Inf(-1)), above, -above}
		for n := range 41 {
			x := make([]float32, n)
			for i := range x {
				x[i] = []float32{lim, -lim, 0, -65, 1e-40, lim / 1e9}[i%6]
			}
			if got := firstFaulty(x, limit); got != -1 {
				t.Fatalf("limit %g, length %d without faults: firstFaulty = %d", lim, n, got)
			}
			if dst := make([]float32, n); copyChecked(dst, x, limit) != -1 || !sameBits(dst, x) {
				t.Fatalf("limit %g, length %d without faults: copyChecked found one or copied wrong", lim, n)
			}
			for at := range n {
				for _, b := range bad {
					y := append([]float32(nil), x...)
					y[at] = b
					if at+3 < n {
						y[at+3] = b // a later fault does not count
					}
					if got := firstFaulty(y, limit); got != at {
						t.Fatalf("limit %g, length %d, %v at %d: firstFaulty = %d", lim, n, b, at, got)
					}
					dst := make([]float32, n)
					if got := copyChecked(dst, y, limit); got != at || !sameBits(dst, y) {
						t.Fatalf("limit %g, length %d, %v at %d: copyChecked = %d, copy %v", lim, n, b, at, got, sameBits(dst, y))
					}
				}
			}
		}
	}
}

// sameBits reports whether x and y hold the same bits.
func sameBits(x, y []float32) bool {
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return len(x) == len(y)
}
