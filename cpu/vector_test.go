package cpu

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDeliver checks deliver (the vector loop where there is one) against
// deliverLoop bit for bit: x of every kind (zeros of both signs,
// denormals, infinities, NaNs, ordinary values) takes sums of 0, ±1, the
// edges of the vector loop's exact range ±2⁵¹, the ends of int64, values
// that round on the way to float32, and random ones, in blocks where
// some, all or none of the groups of 8 have large sums.
func TestDeliver(t *testing.T) {
	xs := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.1, 1e30, -3.5e-30,
		math.Float32frombits(1), math.Float32frombits(0x807fffff), math.Float32frombits(0x00800000),
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0xffc12345)}
	sums := []int64{0, 1, -1, 1 << 32, -(1 << 32), 3, 1<<51 - 1, -(1 << 51), 1 << 51, -(1 << 51) - 1,
		1<<24 + 1, 1<<53 + 1, -(1<<25 + 3), math.MaxInt64, math.MinInt64, 0x7ff_ffff_ffff_fe00}
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := blockLen - r.IntN(13)
		x := make([]float32, n)
		acc := make([]int64, n)
		for i := range n {
			x[i] = xs[r.IntN(len(xs))]
			switch k := r.IntN(8); {
			case trial%3 == 0 && k < 6:
				// mostly empty slots
			case k < 4:
				acc[i] = sums[r.IntN(len(sums))]
			case trial%5 == 0:
				acc[i] = int64(r.Uint64())
			default:
				acc[i] = r.Int64N(1<<40) - 1<<39
			}
		}
		wantX, wantAcc := append([]float32(nil), x...), append([]int64(nil), acc...)
		deliverLoop(wantX, wantX, wantAcc)
		dst, before := x, append([]float32(nil), x...)
		if trial%2 == 1 { // into another slice: x stays as it was
			dst = make([]float32, n)
		}
		deliver(dst, x, acc)
		for i := range n {
			if math.Float32bits(dst[i]) != math.Float32bits(wantX[i]) || acc[i] != 0 {
				t.Fatalf("trial %d, neuron %d: x = %#08x, slot %d, want %#08x, 0", trial, i, math.Float32bits(dst[i]), acc[i], math.Float32bits(wantX[i]))
			}
			if trial%2 == 1 && math.Float32bits(x[i]) != math.Float32bits(before[i]) {
				t.Fatalf("trial %d, neuron %d: x changed from %#08x to %#08x", trial, i, math.Float32bits(before[i]), math.Float32bits(x[i]))
			}
		}
	}
}

// TestFindSpikes checks findSpikes (the vector loop where there is one)
// against findSpikesLoop: none, some, all neurons spiking, lengths that
// are not a multiple of 8, and −0, which is false.
func TestFindSpikes(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 100 {
		n := r.IntN(blockLen + 1)
		out := make([]float32, n)
		for i := range out {
			switch k := r.IntN(4); {
			case trial%10 == 0:
				out[i] = 1
			case k == 0 && trial%10 != 1:
				out[i] = 1
			case k == 1:
				out[i] = float32(math.Copysign(0, -1))
			}
		}
		lo := r.IntN(1000)
		got, want := make([]uint32, n), make([]uint32, n)
		m, wm := findSpikes(out, lo, got), findSpikesLoop(out, lo, want)
		if m != wm || !slices.Equal(got[:m], want[:wm]) {
			t.Fatalf("trial %d: found %v, want %v", trial, got[:m], want[:wm])
		}
	}
}
