package host

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/internal/pmath"
)

// Rule is a connectivity rule: how a projection chooses its pairs.
type Rule int

// The connectivity rules.
const (
	AllToAll         Rule = iota // every pair
	OneToOne                     // pre j → post j
	FixedProbability             // each pair independently with probability P
	FixedInDegree                // K distinct presynaptic partners per postsynaptic neuron
	FixedOutDegree               // K distinct postsynaptic partners per presynaptic neuron
	FixedTotal                   // K independent uniform pairs
	Pairs                        // the explicit pairs I[k] → J[k]
)

var ruleNames = [...]string{
	AllToAll:         "all_to_all",
	OneToOne:         "one_to_one",
	FixedProbability: "fixed_probability",
	FixedInDegree:    "fixed_indegree",
	FixedOutDegree:   "fixed_outdegree",
	FixedTotal:       "fixed_total",
	Pairs:            "pairs",
}

// String returns the rule's name in snake case, as the model language
// spells it: "all_to_all", "fixed_probability"…
func (r Rule) String() string {
	if r >= 0 && int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Connectivity says which pairs of neurons a projection connects.
type Connectivity struct {
	Rule     Rule
	P        float64 // FixedProbability: probability of each pair
	K        int     // FixedInDegree, FixedOutDegree: synapses per post, per pre neuron; FixedTotal: in all
	Autapses bool    // allow j→j when pre and post are the same neurons (see Connect)
	I, J     []int   // Pairs: presynaptic I[k] → postsynaptic J[k]
}

// maxSynapses is the most synapses one projection can hold: CSR offsets
// are 32-bit.
const maxSynapses = math.MaxUint32

// Connect generates the synapses from nPre presynaptic to nPost
// postsynaptic neurons as compressed sparse rows (see ProjectionPlan):
// rowPtr has nPre+1 entries and target holds postsynaptic indices,
// ascending within each row. Rules that allow several synapses on one pair
// (FixedTotal, Pairs) repeat the index.
//
// When same is true the two populations are slices of one group, and post
// i is the same neuron as pre j exactly when i == j+shift; unless
// c.Autapses is set, AllToAll, FixedProbability, FixedInDegree,
// FixedOutDegree and FixedTotal leave those pairs out. OneToOne and Pairs
// ignore Autapses: their pairs are what the user asked for.
//
// The result depends only on the arguments, not on the machine nor on the
// number of goroutines (up to GOMAXPROCS) that generate it. Every random
// rule reads, for each of its units u, a sequence of 32-bit words: word n
// is word n mod 4 of philox.Draw(key, stream, u, n/4, 0). The unit is the
// presynaptic row for FixedProbability and FixedOutDegree, the
// postsynaptic column for FixedInDegree, and the synapse for FixedTotal.
// An integer in [0, n) is made from a word w as (w·n) >> 32.
//
//   - FixedProbability numbers the m allowed posts of a row 0 … m−1 in
//     ascending order and takes those at positions g₀, g₀+1+g₁,
//     g₀+1+g₁+1+g₂, … below m (geometric skipping), where gₙ is the float32
//     product pmath.Log(philox.UniformOpen(word n)) · C truncated to an
//     integer and C = float32(1/ln(1−P)) is computed in float64; a gap of
//     2³² or more ends the row. P = 0 and P = 1 draw nothing.
//   - FixedInDegree and FixedOutDegree draw the K distinct partners of a
//     column or row by Floyd's algorithm (J. Bentley, "Programming pearls:
//     a sample of brilliance", CACM 30(9), 1987) over the m allowed
//     partners numbered 0 … m−1 in ascending order: for n = m−K … m−1,
//     t in [0, n] is made from the next word, and t is taken, or n if t
//     already is.
//   - FixedTotal draws synapse s as the pre and post made from words 2a and
//     2a+1 of unit s, for the first attempt a = 0, 1, … that is allowed.
//
// Connect returns an error for negative sizes or sizes past 2³²−1, an
// unknown rule, P outside [0, 1], K < 0 or more than the partners
// available, mismatched or out-of-range Pairs, OneToOne between different
// sizes, and more than maxSynapses synapses.
func Connect(c Connectivity, nPre, nPost int, same bool, shift int, key philox.Key, stream uint32) (rowPtr, target []uint32, err error) {
	if nPre < 0 || nPost < 0 || uint64(nPre) > math.MaxUint32 || uint64(nPost) > math.MaxUint32 {
		return nil, nil, fmt.Errorf("%v: sizes %d → %d: want 0 … 2^32-1 neurons", c.Rule, nPre, nPost)
	}
	if err := checkSize(c, nPre, nPost); err != nil {
		return nil, nil, err
	}
	x := exclusion{nPre: nPre, nPost: nPost}
	// Pairs exist only where 0 ≤ j < nPre and 0 ≤ j+shift < nPost.
	if same && !c.Autapses && shift > -nPre && shift < nPost {
		x.on, x.shift = true, shift
	}
	switch c.Rule {
	case AllToAll:
		rowPtr, target, err = allToAll(nPre, nPost, x)
	case OneToOne:
		rowPtr, target, err = oneToOne(nPre, nPost)
	case FixedProbability:
		rowPtr, target, err = fixedProbability(c.P, nPre, nPost, x, key, stream)
	case FixedInDegree:
		rowPtr, target, err = fixedInDegree(c.K, nPre, nPost, x, key, stream)
	case FixedOutDegree:
		rowPtr, target, err = fixedOutDegree(c.K, nPre, nPost, x, key, stream)
	case FixedTotal:
		rowPtr, target, err = fixedTotal(c.K, nPre, nPost, x, key, stream)
	case Pairs:
		rowPtr, target, err = explicitPairs(c.I, c.J, nPre, nPost)
	default:
		return nil, nil, fmt.Errorf("unknown connectivity rule %v", c.Rule)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%v: %w", c.Rule, err)
	}
	return rowPtr, target, nil
}

// exclusion describes the autapses to leave out: pre j → post j+shift,
// when on.
type exclusion struct {
	on          bool
	shift       int
	nPre, nPost int
}

// post returns the postsynaptic neuron that row j must leave out, or -1.
func (x exclusion) post(j int) int {
	if i := j + x.shift; x.on && i >= 0 && i < x.nPost {
		return i
	}
	return -1
}

// pre returns the presynaptic neuron that column i must leave out, or -1.
func (x exclusion) pre(i int) int {
	if j := i - x.shift; x.on && j >= 0 && j < x.nPre {
		return j
	}
	return -1
}

// count returns the number of pairs left out.
func (x exclusion) count() int {
	if !x.on {
		return 0
	}
	return min(x.nPre, x.nPost-x.shift) - max(0, -x.shift)
}

// allowed returns the number of partners left of n when f (or -1 for
// none) is left out.
func allowed(n, f int) int {
	if f >= 0 {
		return n - 1
	}
	return n
}

// skipExcluded maps v, a position among the allowed partners, to the
// partner when f (or -1 for none) is left out.
func skipExcluded(v, f int) uint32 {
	if f >= 0 && v >= f {
		v++
	}
	return uint32(v)
}

// wordSeq is the sequence of random words of one unit (see Connect).
type wordSeq struct {
	key          philox.Key
	stream, unit uint32
	n            uint64
	block        [4]uint32
}

// next returns the next word.
func (w *wordSeq) next() uint32 {
	if w.n%4 == 0 {
		w.block = philox.Draw(w.key, w.stream, w.unit, uint32(w.n/4), 0)
	}
	v := w.block[w.n%4]
	w.n++
	return v
}

// below returns a draw in [0, n).
func (w *wordSeq) below(n uint32) uint32 {
	return uint32(uint64(w.next()) * uint64(n) >> 32)
}

// bytesPerSynapse is what generating a synapse takes at most, for the
// check before it: its target index and one more word while rows are
// gathered.
const bytesPerSynapse = 8

// availableMemory returns the bytes the host can still allocate (Linux's
// MemAvailable), or 0 when it cannot tell.
var availableMemory = func() uint64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// checkSize refuses, before anything is allocated, a rule that would draw
// more synapses than a projection holds or than the host's memory can:
// the expected count for random rules.
func checkSize(c Connectivity, nPre, nPost int) error {
	var n float64
	switch c.Rule {
	case AllToAll:
		n = float64(nPre) * float64(nPost)
	case FixedProbability:
		n = c.P * float64(nPre) * float64(nPost)
	case FixedInDegree:
		n = float64(c.K) * float64(nPost)
	case FixedOutDegree:
		n = float64(c.K) * float64(nPre)
	case FixedTotal:
		n = float64(c.K)
	default:
		return nil
	}
	count := fmt.Sprintf("%.0f synapses", n)
	if c.Rule == FixedProbability {
		count = fmt.Sprintf("about %.3g synapses", n)
	}
	if n > maxSynapses {
		return fmt.Errorf("%v: %s (%d → %d neurons): more than the %d a projection can hold", c.Rule, count, nPre, nPost, uint64(maxSynapses))
	}
	if avail := availableMemory(); avail > 0 && n*bytesPerSynapse > float64(avail) {
		return fmt.Errorf("%v: %s (%d → %d neurons) need about %s to draw, and the host has %s available",
			c.Rule, count, nPre, nPost, bytesString(n*bytesPerSynapse), bytesString(float64(avail)))
	}
	return nil
}

// bytesString writes a memory size in MiB or GiB.
func bytesString(b float64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", b/(1<<30))
}

func tooManySynapses(n uint64) error {
	return fmt.Errorf("%d synapses: more than the %d a projection can hold", n, uint64(maxSynapses))
}

func allToAll(nPre, nPost int, x exclusion) (rowPtr, target []uint32, err error) {
	if n := uint64(nPre)*uint64(nPost) - uint64(x.count()); n > maxSynapses {
		return nil, nil, tooManySynapses(n)
	}
	rowPtr = make([]uint32, nPre+1)
	for j := range nPre {
		n := nPost
		if x.post(j) >= 0 {
			n--
		}
		rowPtr[j+1] = rowPtr[j] + uint32(n)
	}
	target = make([]uint32, rowPtr[nPre])
	forChunks(nPre, max(1, connectGrain/max(1, nPost)), func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			row := target[rowPtr[j]:rowPtr[j+1]]
			f := x.post(j)
			for v := range row {
				row[v] = skipExcluded(v, f)
			}
		}
	})
	return rowPtr, target, nil
}

func oneToOne(nPre, nPost int) (rowPtr, target []uint32, err error) {
	if nPre != nPost {
		return nil, nil, fmt.Errorf("sizes differ: %d presynaptic, %d postsynaptic neurons", nPre, nPost)
	}
	rowPtr = make([]uint32, nPre+1)
	target = make([]uint32, nPre)
	for j := range nPre {
		rowPtr[j+1] = uint32(j + 1)
		target[j] = uint32(j)
	}
	return rowPtr, target, nil
}

func fixedProbability(p float64, nPre, nPost int, x exclusion, key philox.Key, stream uint32) (rowPtr, target []uint32, err error) {
	switch {
	case !(p >= 0 && p <= 1):
		return nil, nil, fmt.Errorf("P = %v: want a probability in [0, 1]", p)
	case p == 0:
		return make([]uint32, nPre+1), []uint32{}, nil
	case p == 1:
		return allToAll(nPre, nPost, x)
	}
	scale := float32(1 / math.Log1p(-p))
	rowPtr = make([]uint32, nPre+1)
	expect := p * float64(nPost) // synapses per row, about
	grain := max(1, int(connectGrain/(expect+1)))
	bufs := make([][]uint32, (nPre+grain-1)/grain)
	forChunks(nPre, grain, func(c, lo, hi int) {
		buf := make([]uint32, 0, int(float64(hi-lo)*expect*1.05)+16)
		for j := lo; j < hi; j++ {
			w := wordSeq{key: key, stream: stream, unit: uint32(j)}
			n := len(buf)
			buf = probabilityRow(buf, nPost, x.post(j), scale, &w)
			rowPtr[j+1] = uint32(len(buf) - n)
		}
		bufs[c] = buf
	})
	var total uint64
	for j := range nPre {
		total += uint64(rowPtr[j+1])
		if total > maxSynapses {
			return nil, nil, tooManySynapses(total)
		}
		rowPtr[j+1] = uint32(total)
	}
	target = make([]uint32, total)
	forChunks(nPre, grain, func(c, lo, _ int) {
		copy(target[rowPtr[lo]:], bufs[c])
	})
	return rowPtr, target, nil
}

// probabilityRow appends to dst the posts of one row of a FixedProbability
// projection with scale = 1/ln(1−P), leaving out post f (-1 for none).
func probabilityRow(dst []uint32, nPost, f int, scale float32, w *wordSeq) []uint32 {
	m := allowed(nPost, f)
	for v := -1; ; {
		// gap ≥ 0: the conversion to int truncates it to its floor.
		gap := float32(pmath.Log(philox.UniformOpen(w.next())) * scale)
		if gap >= 1<<32 {
			return dst
		}
		v += 1 + int(gap)
		if v >= m {
			return dst
		}
		dst = append(dst, skipExcluded(v, f))
	}
}

func fixedInDegree(k, nPre, nPost int, x exclusion, key philox.Key, stream uint32) (rowPtr, target []uint32, err error) {
	avail := nPre
	if x.count() > 0 {
		avail-- // in the columns that lose a partner to the autapse rule
	}
	if err := checkDegree(k, avail, nPost, "presynaptic", "postsynaptic"); err != nil {
		return nil, nil, err
	}
	pre := make([]uint32, nPost*k)
	forChunks(nPost, max(1, connectGrain/max(1, k)), func(_, lo, hi int) {
		s := newFloydSet(k)
		for i := lo; i < hi; i++ {
			w := wordSeq{key: key, stream: stream, unit: uint32(i)}
			out := pre[i*k : (i+1)*k]
			f := x.pre(i)
			floydSample(out, allowed(nPre, f), &w, s)
			for r, v := range out {
				out[r] = skipExcluded(int(v), f)
			}
		}
	})
	// Column i holds synapses k·i … k·i+k-1: a stable sort by row leaves
	// each row's posts ascending.
	rowPtr, target = bucketRows(nPre, pre, func(s int) uint32 { return uint32(s / k) })
	return rowPtr, target, nil
}

func fixedOutDegree(k, nPre, nPost int, x exclusion, key philox.Key, stream uint32) (rowPtr, target []uint32, err error) {
	avail := nPost
	if x.count() > 0 {
		avail-- // in the rows that lose a partner to the autapse rule
	}
	if err := checkDegree(k, avail, nPre, "postsynaptic", "presynaptic"); err != nil {
		return nil, nil, err
	}
	rowPtr = make([]uint32, nPre+1)
	for j := range nPre {
		rowPtr[j+1] = uint32((j + 1) * k)
	}
	target = make([]uint32, nPre*k)
	forChunks(nPre, max(1, connectGrain/max(1, k)), func(_, lo, hi int) {
		s := newFloydSet(k)
		for j := lo; j < hi; j++ {
			w := wordSeq{key: key, stream: stream, unit: uint32(j)}
			out := target[j*k : (j+1)*k]
			f := x.post(j)
			floydSample(out, allowed(nPost, f), &w, s)
			slices.Sort(out)
			for r, v := range out {
				out[r] = skipExcluded(int(v), f)
			}
		}
	})
	return rowPtr, target, nil
}

// checkDegree checks that k distinct partners can be drawn from avail
// neurons for each of m neurons.
func checkDegree(k, avail, m int, partner, each string) error {
	switch {
	case k < 0:
		return fmt.Errorf("K = %d: want K ≥ 0", k)
	case k > avail:
		return fmt.Errorf("K = %d: more than the %d distinct %s partners available to each %s neuron", k, avail, partner, each)
	case uint64(k)*uint64(m) > maxSynapses:
		return tooManySynapses(uint64(k) * uint64(m))
	}
	return nil
}

// floydSample fills out with len(out) distinct draws of [0, m) by Floyd's
// algorithm, using s, empty on entry and on return, as scratch.
func floydSample(out []uint32, m int, w *wordSeq, s *floydSet) {
	for r := range out {
		n := m - len(out) + r
		v := w.below(uint32(n + 1))
		if !s.insert(v) {
			v = uint32(n) // not in s: every member is below n
			s.insert(v)
		}
		out[r] = v
	}
	clear(s.slot)
}

// floydSet is a set of uint32 values below 2³²−1 by open addressing with
// linear probing and Knuth's multiplicative hash: a slot holds its value
// + 1, or 0 when empty.
type floydSet struct {
	slot []uint32
	bits uint
}

// newFloydSet returns a set for at most k values, no more than half full.
func newFloydSet(k int) *floydSet {
	bits := uint(3)
	for bits < 32 && 1<<bits < 2*k {
		bits++
	}
	return &floydSet{slot: make([]uint32, 1<<bits), bits: bits}
}

// insert adds v and reports whether it was new.
func (s *floydSet) insert(v uint32) bool {
	mask := uint32(len(s.slot) - 1)
	for h := (v * 0x9e3779b9) >> (32 - s.bits); ; h = (h + 1) & mask {
		switch s.slot[h] {
		case 0:
			s.slot[h] = v + 1
			return true
		case v + 1:
			return false
		}
	}
}

func fixedTotal(k, nPre, nPost int, x exclusion, key philox.Key, stream uint32) (rowPtr, target []uint32, err error) {
	avail := uint64(nPre)*uint64(nPost) - uint64(x.count())
	switch {
	case k < 0:
		return nil, nil, fmt.Errorf("K = %d: want K ≥ 0", k)
	case uint64(k) > maxSynapses:
		return nil, nil, tooManySynapses(uint64(k))
	case k > 0 && avail == 0:
		return nil, nil, fmt.Errorf("K = %d: no pairs to draw from (%d → %d neurons)", k, nPre, nPost)
	}
	pre := make([]uint32, k)
	post := make([]uint32, k)
	forChunks(k, connectGrain, func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			w := wordSeq{key: key, stream: stream, unit: uint32(s)}
			for {
				j, i := w.below(uint32(nPre)), w.below(uint32(nPost))
				if x.post(int(j)) != int(i) {
					pre[s], post[s] = j, i
					break
				}
			}
		}
	})
	rowPtr, target = bucketRows(nPre, pre, func(s int) uint32 { return post[s] })
	sortRows(rowPtr, target)
	return rowPtr, target, nil
}

func explicitPairs(pre, post []int, nPre, nPost int) (rowPtr, target []uint32, err error) {
	switch {
	case len(pre) != len(post):
		return nil, nil, fmt.Errorf("%d presynaptic but %d postsynaptic indices", len(pre), len(post))
	case uint64(len(pre)) > maxSynapses:
		return nil, nil, tooManySynapses(uint64(len(pre)))
	}
	pre32 := make([]uint32, len(pre))
	for s, j := range pre {
		if i := post[s]; j < 0 || j >= nPre || i < 0 || i >= nPost {
			return nil, nil, fmt.Errorf("pair %d: %d → %d: out of range for %d → %d neurons", s, j, i, nPre, nPost)
		}
		pre32[s] = uint32(j)
	}
	rowPtr, target = bucketRows(nPre, pre32, func(s int) uint32 { return uint32(post[s]) })
	sortRows(rowPtr, target)
	return rowPtr, target, nil
}

// bucketRows sorts the synapses pre[s] → post(s) into the rows of nPre
// presynaptic neurons, keeping their order within each row: a parallel
// counting sort, one count per row and chunk.
func bucketRows(nPre int, pre []uint32, post func(s int) uint32) (rowPtr, target []uint32) {
	n := len(pre)
	// Counts take nPre words per chunk: no more in all than the input.
	chunks := max(1, min(runtime.GOMAXPROCS(0), n/max(nPre, 1)))
	grain := max(1, (n+chunks-1)/chunks)
	count := make([][]uint32, (n+grain-1)/grain)
	forChunks(n, grain, func(c, lo, hi int) {
		cnt := make([]uint32, nPre)
		for _, j := range pre[lo:hi] {
			cnt[j]++
		}
		count[c] = cnt
	})
	// count[c][j] becomes the offset of chunk c's first synapse in row j.
	rowPtr = make([]uint32, nPre+1)
	for j := range nPre {
		off := rowPtr[j]
		for _, cnt := range count {
			off, cnt[j] = off+cnt[j], off
		}
		rowPtr[j+1] = off
	}
	target = make([]uint32, n)
	forChunks(n, grain, func(c, lo, hi int) {
		cnt := count[c]
		for s := lo; s < hi; s++ {
			j := pre[s]
			target[cnt[j]] = post(s)
			cnt[j]++
		}
	})
	return rowPtr, target
}

// sortRows sorts the targets of each row.
func sortRows(rowPtr, target []uint32) {
	nPre := len(rowPtr) - 1
	grain := max(1, connectGrain*nPre/max(1, len(target)))
	forChunks(nPre, grain, func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			slices.Sort(target[rowPtr[j]:rowPtr[j+1]])
		}
	})
}

// connectGrain is about the number of synapses a chunk of work should make,
// enough to outweigh handing it to a goroutine.
const connectGrain = 1 << 15

// forChunks calls f(c, lo, hi) for the chunks c = 0, 1, … of [0, n), each
// [c·grain, min((c+1)·grain, n)), on up to GOMAXPROCS goroutines. f may only
// write what belongs to its chunk.
func forChunks(n, grain int, f func(c, lo, hi int)) {
	chunks := (n + grain - 1) / grain
	var next atomic.Int64
	work := func() {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			f(c, c*grain, min((c+1)*grain, n))
		}
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), chunks))
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for range workers - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}
