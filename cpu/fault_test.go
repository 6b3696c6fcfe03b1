package cpu

import (
	"math"
	"testing"

	"github.com/spikevk/spikevk/host"
)

// TestFirstFaulty: the vector prefix and the scalar loop together find the
// first faulty value at every position of arrays of every length around
// the vector width, for every kind of faulty value, and none in arrays of
// values up to Runaway itself.
func TestFirstFaulty(t *testing.T) {
	above := math.Float32frombits(math.Float32bits(host.Runaway) + 1)
	bad := []float32{float32(math.NaN()), math.Float32frombits(0xffc00001), float32(math.Inf(1)), float32(math.Inf(-1)), above, -above}
	for n := range 41 {
		x := make([]float32, n)
		for i := range x {
			x[i] = []float32{host.Runaway, -host.Runaway, 0, -65, 1e-40, math.MaxFloat32 / 1e9}[i%6]
		}
		if got := firstFaulty(x); got != -1 {
			t.Fatalf("length %d without faults: firstFaulty = %d", n, got)
		}
		for at := range n {
			for _, b := range bad {
				y := append([]float32(nil), x...)
				y[at] = b
				if at+3 < n {
					y[at+3] = b // a later fault does not count
				}
				if got := firstFaulty(y); got != at {
					t.Fatalf("length %d, %v at %d: firstFaulty = %d", n, b, at, got)
				}
			}
		}
	}
}
