// Package philox is the counter-based random number generator Philox4x32-10
// and the uniform and normal deviates built on it, written so that the GLSL
// twin in shaders/include/philox.glsl gives bit-identical results.
//
// Philox is a keyed bijection of 128-bit counters (Salmon, Moraes, Dror and
// Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC '11,
// doi:10.1145/2063384.2063405). A draw is a pure function of (key, counter):
// there is no state to carry between steps or threads, so the CPU and every
// GPU thread can compute the numbers for any neuron and step independently
// and agree on them.
//
// # Keying streams
//
// The simulator keys every random number by (seed, stream, index, step), as
// NewKey and NewCounter lay them out:
//
//	key     = (seed & 0xffffffff, seed >> 32)
//	counter = (index, step, stream, call)
//
// seed is the run's 64-bit seed. stream names what the numbers are for (a
// Poisson group, a connectivity rule, a noise term); the host gives each use
// its own number. index is the neuron, synapse row or source within that
// use, and step the integer time step. call counts the blocks one (stream,
// index, step) needs beyond the first: each Block gives four 32-bit words, so
// call 0 gives words 0..3, call 1 words 4..7, and so on. Each field has a
// word of its own, so different (stream, index, step, call) are different
// counters and, Philox being a bijection for a fixed key, never give the
// same block.
//
// # Exactness
//
// Block uses only 32-bit integer multiply, xor and add. Uniform and
// UniformOpen convert an integer below 2²⁴ to float32 (exact) and multiply it
// by 2⁻²⁴ (exact), so there is no rounding at all. Normal and NormalPair use
// the portable float32 functions of internal/pmath, each product rounded by
// an explicit float32 conversion so that Go cannot fuse it into an FMA; the
// GLSL side does the same operations in the same order on precise locals.
package philox

import (
	"math/bits"

	"github.com/spikevk/spikevk/internal/pmath"
)

// Key is the 64-bit Philox4x32 key, two 32-bit words.
type Key [2]uint32

// Counter is the 128-bit Philox4x32 counter, four 32-bit words.
type Counter [4]uint32

// The Philox4x32 round multipliers and key increments (Weyl sequence: the
// golden ratio and √3 − 1, as 32-bit fractions), from Random123's philox.h.
const (
	mul0  = 0xD2511F53
	mul1  = 0xCD9E8D57
	weyl0 = 0x9E3779B9
	weyl1 = 0xBB67AE85
)

// rounds is the number of Philox rounds Block applies.
const rounds = 10

// Block returns Philox4x32-10 of counter c under key k: four 32-bit words
// that are, for practical purposes, independent and uniformly distributed.
func Block(c Counter, k Key) [4]uint32 {
	for r := 0; r < rounds; r++ {
		if r > 0 {
			k[0] += weyl0
			k[1] += weyl1
		}
		hi0, lo0 := bits.Mul32(mul0, c[0])
		hi1, lo1 := bits.Mul32(mul1, c[2])
		c = Counter{hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0}
	}
	return c
}

// NewKey returns the key for a run's seed: its low 32 bits, then its high
// 32 bits.
func NewKey(seed uint64) Key {
	return Key{uint32(seed), uint32(seed >> 32)}
}

// NewCounter returns the counter for a draw, laid out as
// (index, step, stream, call); see the package documentation.
func NewCounter(stream, index, step, call uint32) Counter {
	return Counter{index, step, stream, call}
}

// Draw returns the block for (stream, index, step, call) under key k:
// Block(NewCounter(stream, index, step, call), k).
func Draw(k Key, stream, index, step, call uint32) [4]uint32 {
	return Block(NewCounter(stream, index, step, call), k)
}

// ulp24 is 2⁻²⁴, the spacing of the values Uniform returns.
const ulp24 = 0x1p-24

// Uniform returns a float32 uniformly distributed on [0, 1): the high 24
// bits of u times 2⁻²⁴, one of the 2²⁴ values k·2⁻²⁴, k = 0 … 2²⁴−1. The
// conversion and the product by a power of two are both exact.
func Uniform(u uint32) float32 {
	return float32(u>>8) * ulp24
}

// UniformOpen returns a float32 uniformly distributed on the open interval
// (0, 1), safe under a logarithm: the high 24 bits of u with the lowest of
// them set to 1, times 2⁻²⁴. That is one of the 2²³ values (2k+1)·2⁻²⁴,
// k = 0 … 2²³−1, the midpoints of 2²³ equal cells of [0, 1); the smallest is
// 2⁻²⁴, the largest 1 − 2⁻²⁴. Like Uniform it is exact.
func UniformOpen(u uint32) float32 {
	return float32(u>>8|1) * ulp24
}

// twoPi is 2π rounded to float32 (bits 0x40c90fdb), written out exactly.
const twoPi float32 = 6.283185482025146484375

// Normal returns a standard normal deviate made from two words by the
// Box–Muller transform, the first of the pair NormalPair returns:
// √(−2·ln a′)·cos(2π·b′), with a′ = UniformOpen(a) and b′ = Uniform(b).
func Normal(a, b uint32) float32 {
	r, t := polar(a, b)
	return float32(r * pmath.Cos(t))
}

// NormalPair returns two independent standard normal deviates made from two
// words by the Box–Muller transform: r·cos θ and r·sin θ, with
// r = √(−2·ln UniformOpen(a)) and θ = 2π·Uniform(b).
//
// Every operation is float32 with the functions of internal/pmath, so the
// results are exact functions of a and b, the same in GLSL. Since
// UniformOpen(a) ≤ 1 − 2⁻²⁴, r is never 0 and the deviates are never −0;
// since it is ≥ 2⁻²⁴, r ≤ √(48·ln 2) ≈ 5.77, so no deviate lies beyond
// 5.77 (a standard normal does with probability 8·10⁻⁹).
func NormalPair(a, b uint32) (float32, float32) {
	r, t := polar(a, b)
	return float32(r * pmath.Cos(t)), float32(r * pmath.Sin(t))
}

// polar returns the radius √(−2·ln UniformOpen(a)) and the angle
// 2π·Uniform(b) of the Box–Muller transform.
func polar(a, b uint32) (r, t float32) {
	r = pmath.Sqrt(float32(-2 * pmath.Log(UniformOpen(a))))
	t = float32(twoPi * Uniform(b))
	return r, t
}
