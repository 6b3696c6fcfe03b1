package philox

import (
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The known-answer vectors for philox4x32 with 10 rounds, from the Random123
// distribution's tests/kat_vectors (D. E. Shaw Research,
// https://github.com/DEShawResearch/random123), lines
//
//	philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
//	philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
//	philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
//
// with columns counter (4 words), key (2 words), output (4 words).
func TestBlockKnownAnswers(t *testing.T) {
	const ones = 0xffffffff
	cases := []struct {
		ctr  Counter
		key  Key
		want [4]uint32
	}{
		{Counter{}, Key{}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{Counter{ones, ones, ones, ones}, Key{ones, ones}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{
			Counter{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, Key{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
		},
	}
	for _, c := range cases {
		if got := Block(c.ctr, c.key); got != c.want {
			t.Errorf("Block(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

func TestLayout(t *testing.T) {
	if got, want := NewKey(0x0123456789abcdef), (Key{0x89abcdef, 0x01234567}); got != want {
		t.Errorf("NewKey = %08x, want %08x", got, want)
	}
	// (stream, index, step, call) → (index, step, stream, call).
	if got, want := NewCounter(1, 2, 3, 4), (Counter{2, 3, 1, 4}); got != want {
		t.Errorf("NewCounter(1, 2, 3, 4) = %d, want %d", got, want)
	}
	k := NewKey(7)
	if got, want := Draw(k, 1, 2, 3, 4), Block(Counter{2, 3, 1, 4}, k); got != want {
		t.Errorf("Draw = %08x, want %08x", got, want)
	}
}

// TestCountersDistinct checks that different (stream, index, step, call)
// give different counters and different blocks, over small values and the
// edges of the 32-bit range.
func TestCountersDistinct(t *testing.T) {
	vals := []uint32{0, 1, 2, 3, 4, 5, 6, 7, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff}
	key := NewKey(0x9e3779b97f4a7c15)
	counters := map[Counter]bool{}
	blocks := map[[4]uint32]bool{}
	for _, stream := range vals {
		for _, index := range vals {
			for _, step := range vals {
				for _, call := range vals {
					c := NewCounter(stream, index, step, call)
					b := Block(c, key)
					if counters[c] || blocks[b] {
						t.Fatalf("(stream %d, index %d, step %d, call %d): counter %08x or block %08x seen before",
							stream, index, step, call, c, b)
					}
					counters[c], blocks[b] = true, true
				}
			}
		}
	}
}

// TestUniformExact checks Uniform and UniformOpen on every one of the 2²⁴
// values k of the high 24 bits, with low bytes 0, 0x5a and 0xff: each result
// is exactly k·2⁻²⁴ (k|1 for UniformOpen), which puts Uniform in [0, 1) and
// UniformOpen in (0, 1).
func TestUniformExact(t *testing.T) {
	for h := uint32(0); h < 1<<24; h++ {
		for _, low := range []uint32{0, 0x5a, 0xff} {
			u := h<<8 | low
			if got, want := float64(Uniform(u)), float64(h)/(1<<24); got != want {
				t.Fatalf("Uniform(%#x) = %g, want %g", u, got, want)
			}
			if got, want := float64(UniformOpen(u)), float64(h|1)/(1<<24); got != want {
				t.Fatalf("UniformOpen(%#x) = %g, want %g", u, got, want)
			}
		}
	}
	if lo, hi := Uniform(0), Uniform(math.MaxUint32); lo != 0 || hi >= 1 {
		t.Errorf("Uniform range [%g, %g], want [0, 1)", lo, hi)
	}
	if lo, hi := UniformOpen(0), UniformOpen(math.MaxUint32); lo <= 0 || hi >= 1 {
		t.Errorf("UniformOpen range [%g, %g], want (0, 1)", lo, hi)
	}
}

// The statistical tests are deterministic: they draw n ≥ 10⁶ deviates from
// fixed keys. Their thresholds are what a good generator passes with
// probability 1 − 10⁻⁶ or so on a fresh seed: moments within 5 standard errors
// of their expected value (two-sided normal tail 5.7·10⁻⁷), p-values of
// chi-square and Kolmogorov–Smirnov statistics in (10⁻⁶, 1 − 10⁻⁶).
const (
	n      = 1 << 20
	zLimit = 5
	pLimit = 1e-6
	seed   = 0x5eed_0123_4567_89ab
)

// words returns n words from the blocks Draw gives for counters (stream 1,
// index i, step 0, call 0), i = 0, 1, ….
func words() []uint32 {
	k := NewKey(seed)
	w := make([]uint32, 0, n)
	for i := uint32(0); len(w) < n; i++ {
		b := Draw(k, 1, i, 0, 0)
		w = append(w, b[:]...)
	}
	return w
}

// near reports an error unless got is within zLimit standard errors se of
// want.
func near(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	z := (got - want) / se
	if math.Abs(z) > zLimit {
		t.Errorf("%s = %.6g, want %.6g ± %d·%.3g", what, got, want, zLimit, se)
		return
	}
	t.Logf("%s = %.6g, want %.6g (%+.2f standard errors)", what, got, want, z)
}

// plausible reports an error unless the p-value p lies in (pLimit, 1 − pLimit).
func plausible(t *testing.T, what string, p float64) {
	t.Helper()
	if p <= pLimit || p >= 1-pLimit {
		t.Errorf("%s: p = %.4g, outside (%g, 1 − %g)", what, p, pLimit, pLimit)
		return
	}
	t.Logf("%s: p = %.4g", what, p)
}

// chiSquareP returns the p-value of a chi-square test of counts against
// equal expected counts.
func chiSquareP(counts []float64) float64 {
	total := 0.0
	for _, c := range counts {
		total += c
	}
	exp := make([]float64, len(counts))
	for i := range exp {
		exp[i] = total / float64(len(counts))
	}
	return distuv.ChiSquared{K: float64(len(counts) - 1)}.Survival(stat.ChiSquare(counts, exp))
}

// ksP returns the p-value of the one-sample Kolmogorov–Smirnov test of the
// sorted sample x against the continuous CDF cdf, from the asymptotic
// Kolmogorov distribution P(√n·D > s) = 2 Σ_{k≥1} (−1)^(k−1) exp(−2k²s²).
func ksP(x []float64, cdf func(float64) float64) float64 {
	m := float64(len(x))
	d := 0.0
	for i, v := range x {
		f := cdf(v)
		d = max(d, f-float64(i)/m, float64(i+1)/m-f)
	}
	s := math.Sqrt(m) * d
	p := 0.0
	for k := 1.0; k <= 100; k++ {
		p -= 2 * math.Pow(-1, k) * math.Exp(-2*k*k*s*s)
	}
	return min(max(p, 0), 1)
}

func TestUniformStatistics(t *testing.T) {
	w := words()
	x := make([]float64, len(w))
	for i, u := range w {
		x[i] = float64(Uniform(u))
	}
	mean, variance := stat.MeanVariance(x, nil)
	near(t, "mean", mean, 0.5, math.Sqrt(1.0/12/n))
	// Var(s²) = (μ₄ − σ⁴)/n with μ₄ = 1/80, σ⁴ = 1/144.
	near(t, "variance", variance, 1.0/12, math.Sqrt((1.0/80-1.0/144)/n))

	counts := make([]float64, 1024)
	for _, v := range x {
		counts[int(v*1024)]++
	}
	plausible(t, "chi-square, 1024 bins", chiSquareP(counts))

	slices.Sort(x)
	plausible(t, "Kolmogorov–Smirnov", ksP(x, func(v float64) float64 { return v }))
}

// TestUniformIndependence checks pairs of words for independence with a
// chi-square test on a 32×32 grid: neighbours within a block, the same word
// of neighbouring indices, and the same (stream, index) at neighbouring
// steps.
func TestUniformIndependence(t *testing.T) {
	k := NewKey(seed)
	pairs := []struct {
		what string
		pair func(i uint32) (uint32, uint32)
	}{
		{"words 1 and 2 of a block", func(i uint32) (uint32, uint32) {
			b := Draw(k, 2, i, 0, 0)
			return b[1], b[2]
		}},
		{"word 0 at index i and i+1", func(i uint32) (uint32, uint32) {
			return Draw(k, 2, i, 0, 0)[0], Draw(k, 2, i+1, 0, 0)[0]
		}},
		{"word 3 at step i and i+1", func(i uint32) (uint32, uint32) {
			return Draw(k, 3, 5, i, 0)[3], Draw(k, 3, 5, i+1, 0)[3]
		}},
		{"word 0 of stream 0 and 1", func(i uint32) (uint32, uint32) {
			return Draw(k, 0, i, 9, 0)[0], Draw(k, 1, i, 9, 0)[0]
		}},
	}
	for _, p := range pairs {
		counts := make([]float64, 32*32)
		for i := uint32(0); i < n; i++ {
			a, b := p.pair(i)
			counts[a>>27*32+b>>27]++
		}
		plausible(t, p.what, chiSquareP(counts))
	}
}

// TestNormalRadius checks the Box–Muller radius for each of the 2²³ values
// UniformOpen takes: positive, finite, at most √(48·ln 2), and not increasing
// as UniformOpen increases.
func TestNormalRadius(t *testing.T) {
	step := uint32(1)
	if testing.Short() {
		step = 251
	}
	bound := float32(math.Sqrt(48 * math.Ln2))
	prev := float32(math.Inf(1))
	for k := uint32(0); k < 1<<23; k += step {
		a := k << 9
		r, _ := polar(a, 0)
		if !(r > 0 && r <= bound && r <= prev) {
			t.Fatalf("radius for UniformOpen = %g is %g after %g, want in (0, min(%g, previous)]",
				UniformOpen(a), r, prev, bound)
		}
		prev = r
	}
}

// TestNormalAngle checks, for each of the 2²⁴ angles and the largest
// radius, that the pair NormalPair returns is finite, within the radius, and
// never −0.
func TestNormalAngle(t *testing.T) {
	step := uint32(1)
	if testing.Short() {
		step = 251
	}
	r, _ := polar(0, 0)
	for k := uint32(0); k < 1<<24; k += step {
		b := k << 8
		z0, z1 := NormalPair(0, b)
		for _, z := range []float32{z0, z1} {
			if !(math.Abs(float64(z)) <= float64(r)) || math.Float32bits(z) == 1<<31 {
				t.Fatalf("NormalPair(0, %#x) = (%g, %g), radius %g", b, z0, z1, r)
			}
		}
	}
}

// normals returns n pairs of deviates from NormalPair, two pairs per block,
// the cosine deviates and the sine deviates apart. It checks that Normal
// returns the cosine deviate.
func normals(t *testing.T) (cos, sin []float64) {
	k := NewKey(seed)
	for i := uint32(0); len(cos) < n; i++ {
		b := Draw(k, 4, i, 0, 0)
		for _, w := range [][2]uint32{{b[0], b[1]}, {b[2], b[3]}} {
			z0, z1 := NormalPair(w[0], w[1])
			if z := Normal(w[0], w[1]); math.Float32bits(z) != math.Float32bits(z0) {
				t.Fatalf("Normal(%#x, %#x) = %g, want %g as from NormalPair", w[0], w[1], z, z0)
			}
			cos = append(cos, float64(z0))
			sin = append(sin, float64(z1))
		}
	}
	return cos, sin
}

func TestNormalStatistics(t *testing.T) {
	cos, sin := normals(t)
	near(t, "correlation of cosine and sine deviates", stat.Correlation(cos, sin, nil), 0, math.Sqrt(1.0/n))
	for _, s := range []struct {
		what string
		z    []float64
	}{{"cosine", cos}, {"sine", sin}, {"all", slices.Concat(cos, sin)}} {
		t.Run(s.what, func(t *testing.T) { normalSample(t, s.z) })
	}
}

// normalSample checks that z looks like a sample of the standard normal
// distribution.
func normalSample(t *testing.T, z []float64) {
	m := float64(len(z))
	mean, variance := stat.MeanVariance(z, nil)
	near(t, "mean", mean, 0, math.Sqrt(1/m))
	near(t, "variance", variance, 1, math.Sqrt(2/m))
	near(t, "skewness", stat.Skew(z, nil), 0, math.Sqrt(6/m))
	near(t, "excess kurtosis", stat.ExKurtosis(z, nil), 0, math.Sqrt(24/m))

	// Tails, binomial counts.
	for _, c := range []float64{3, 4} {
		count := 0.0
		for _, v := range z {
			if math.Abs(v) > c {
				count++
			}
		}
		p := 2 * distuv.UnitNormal.Survival(c)
		near(t, "count beyond "+strconv.Itoa(int(c))+"σ", count, p*m, math.Sqrt(m*p*(1-p)))
	}

	counts := make([]float64, 100)
	for _, v := range z {
		counts[int(distuv.UnitNormal.CDF(v)*100)]++
	}
	plausible(t, "chi-square, 100 equiprobable bins", chiSquareP(counts))

	x := slices.Clone(z)
	slices.Sort(x)
	plausible(t, "Kolmogorov–Smirnov", ksP(x, distuv.UnitNormal.CDF))
}

// TestGLSLConstants checks that the twin in shaders/include/philox.glsl uses
// the same constants.
func TestGLSLConstants(t *testing.T) {
	src, err := os.ReadFile("../../shaders/include/philox.glsl")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"PH_MUL0": mul0, "PH_MUL1": mul1, "PH_WEYL0": weyl0, "PH_WEYL1": weyl1,
		"PH_ULP24": ulp24, "PH_TWO_PI": float64(twoPi),
	}
	decl := regexp.MustCompile(`const (?:uint|float) (PH_\w+) = ([0-9a-fA-FxX.e+-]+)u?;`)
	found := 0
	for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
		w, ok := want[m[1]]
		if !ok {
			continue
		}
		found++
		var got float64
		if v, err := strconv.ParseUint(m[2], 0, 32); err == nil {
			got = float64(v)
		} else if got, err = strconv.ParseFloat(m[2], 32); err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		if got != w {
			t.Errorf("philox.glsl: %s = %s, want %g", m[1], m[2], w)
		}
	}
	if found != len(want) {
		t.Errorf("philox.glsl declares %d of the constants %v", found, want)
	}
}

// TestBlock8: Block8's eight lanes are the first two words of Draw for
// eight consecutive indices, for random keys and counters, indices that
// wrap around 2³², and the extremes of every word.
func TestBlock8(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	cases := [][5]uint32{{0, 0, 0, 0, 0}, {^uint32(0), ^uint32(0), ^uint32(0) - 3, ^uint32(0), ^uint32(0)}}
	for range 500 {
		cases = append(cases, [5]uint32{r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()})
	}
	for _, c := range cases {
		k := Key{c[0], c[1]}
		w0, w1 := Block8(k, c[2], c[3], c[4], c[1]^c[2])
		for j := range 8 {
			want := Draw(k, c[2], c[3]+uint32(j), c[4], c[1]^c[2])
			if w0[j] != want[0] || w1[j] != want[1] {
				t.Fatalf("key %x, counter %v, lane %d: %#x %#x, want %#x %#x", k, c[2:], j, w0[j], w1[j], want[0], want[1])
			}
		}
	}
}
