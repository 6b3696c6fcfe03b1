package host

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/internal/philox"
)

var connectKey = philox.NewKey(0x5eed)

// rowsOf checks that rowPtr and target are well-formed CSR from nPre to
// nPost neurons, targets ascending within each row, and returns the rows.
func rowsOf(t *testing.T, rowPtr, target []uint32, nPre, nPost int) [][]uint32 {
	t.Helper()
	if len(rowPtr) != nPre+1 || rowPtr[0] != 0 || int(rowPtr[nPre]) != len(target) {
		t.Fatalf("CSR: %d row pointers from %v to %v for %d rows and %d targets",
			len(rowPtr), rowPtr[0], rowPtr[len(rowPtr)-1], nPre, len(target))
	}
	rows := make([][]uint32, nPre)
	for j := range nPre {
		if rowPtr[j+1] < rowPtr[j] {
			t.Fatalf("CSR: rowPtr[%d] = %d > rowPtr[%d] = %d", j, rowPtr[j], j+1, rowPtr[j+1])
		}
		rows[j] = target[rowPtr[j]:rowPtr[j+1]]
		if !slices.IsSorted(rows[j]) {
			t.Fatalf("row %d not sorted: %v", j, rows[j])
		}
		if len(rows[j]) > 0 && int(rows[j][len(rows[j])-1]) >= nPost {
			t.Fatalf("row %d: target %d out of range [0, %d)", j, rows[j][len(rows[j])-1], nPost)
		}
	}
	return rows
}

// connect calls Connect and checks its result is well-formed CSR.
func connect(t *testing.T, c Connectivity, nPre, nPost int, same bool, shift int) [][]uint32 {
	t.Helper()
	rowPtr, target, err := Connect(c, nPre, nPost, same, shift, connectKey, 7)
	if err != nil {
		t.Fatalf("Connect(%v, %d, %d, %v, %d): %v", c.Rule, nPre, nPost, same, shift, err)
	}
	return rowsOf(t, rowPtr, target, nPre, nPost)
}

// noAutapses checks that no row j holds post j+shift.
func noAutapses(t *testing.T, rows [][]uint32, shift int) {
	t.Helper()
	for j, row := range rows {
		if i := j + shift; i >= 0 && slices.Contains(row, uint32(i)) {
			t.Fatalf("row %d holds autapse %d → %d", j, j, i)
		}
	}
}

func TestConnectStructure(t *testing.T) {
	type r = []uint32
	tests := []struct {
		name        string
		c           Connectivity
		nPre, nPost int
		same        bool
		shift       int
		want        [][]uint32
	}{
		{"all to all", Connectivity{Rule: AllToAll}, 2, 3, false, 0, []r{{0, 1, 2}, {0, 1, 2}}},
		{"all to all same", Connectivity{Rule: AllToAll}, 3, 3, true, 0, []r{{1, 2}, {0, 2}, {0, 1}}},
		{"all to all autapses", Connectivity{Rule: AllToAll, Autapses: true}, 2, 2, true, 0, []r{{0, 1}, {0, 1}}},
		{"all to all shift 1", Connectivity{Rule: AllToAll}, 3, 3, true, 1, []r{{0, 2}, {0, 1}, {0, 1, 2}}},
		{"all to all shift -2", Connectivity{Rule: AllToAll}, 3, 2, true, -2, []r{{0, 1}, {0, 1}, {1}}},
		{"all to all shift past post", Connectivity{Rule: AllToAll}, 2, 2, true, 2, []r{{0, 1}, {0, 1}}},
		{"all to all empty post", Connectivity{Rule: AllToAll}, 2, 0, true, 0, []r{{}, {}}},
		{"all to all empty", Connectivity{Rule: AllToAll}, 0, 0, false, 0, []r{}},
		{"one to one", Connectivity{Rule: OneToOne}, 3, 3, false, 0, []r{{0}, {1}, {2}}},
		{"one to one same", Connectivity{Rule: OneToOne}, 3, 3, true, 0, []r{{0}, {1}, {2}}},
		{"one to one same shift", Connectivity{Rule: OneToOne}, 2, 2, true, 1, []r{{0}, {1}}},
		{"pairs", Connectivity{Rule: Pairs, I: []int{1, 0, 1, 1, 2}, J: []int{3, 2, 0, 3, 1}}, 3, 4, false, 0,
			[]r{{2}, {0, 3, 3}, {1}}},
		{"pairs autapse kept", Connectivity{Rule: Pairs, I: []int{0}, J: []int{0}}, 1, 1, true, 0, []r{{0}}},
		{"pairs none", Connectivity{Rule: Pairs}, 2, 2, false, 0, []r{{}, {}}},
		{"probability 0", Connectivity{Rule: FixedProbability, P: 0}, 2, 2, false, 0, []r{{}, {}}},
		{"probability tiny", Connectivity{Rule: FixedProbability, P: 1e-12}, 2, 2, false, 0, []r{{}, {}}},
		{"probability 1", Connectivity{Rule: FixedProbability, P: 1}, 3, 3, true, 0, []r{{1, 2}, {0, 2}, {0, 1}}},
		{"probability 1 autapses", Connectivity{Rule: FixedProbability, P: 1, Autapses: true}, 2, 2, true, 0,
			[]r{{0, 1}, {0, 1}}},
		// Drawing every allowed partner leaves no choice.
		{"indegree all", Connectivity{Rule: FixedInDegree, K: 2}, 3, 3, true, 0, []r{{1, 2}, {0, 2}, {0, 1}}},
		{"indegree shift", Connectivity{Rule: FixedInDegree, K: 2}, 3, 2, true, -1, []r{{0, 1}, {1}, {0}}},
		{"outdegree all", Connectivity{Rule: FixedOutDegree, K: 2}, 3, 3, true, 0, []r{{1, 2}, {0, 2}, {0, 1}}},
		{"outdegree shift", Connectivity{Rule: FixedOutDegree, K: 2}, 2, 3, true, 1, []r{{0, 2}, {0, 1}}},
		{"outdegree 0", Connectivity{Rule: FixedOutDegree}, 2, 2, false, 0, []r{{}, {}}},
		{"total one pair", Connectivity{Rule: FixedTotal, K: 3}, 1, 2, true, 0, []r{{1, 1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := connect(t, tt.c, tt.nPre, tt.nPost, tt.same, tt.shift)
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("rows = %v, want %v", got, tt.want)
			}
		})
	}
}

// randomRules are a case of every random rule, big enough to be split
// among goroutines.
var randomRules = []struct {
	c           Connectivity
	nPre, nPost int
}{
	{Connectivity{Rule: FixedProbability, P: 0.05}, 3000, 2500},
	{Connectivity{Rule: FixedInDegree, K: 40}, 2500, 3000},
	{Connectivity{Rule: FixedOutDegree, K: 40}, 3000, 2500},
	{Connectivity{Rule: FixedTotal, K: 200_000}, 3000, 2500},
}

func TestConnectDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tt := range randomRules {
		t.Run(tt.c.Rule.String(), func(t *testing.T) {
			var first [][]uint32
			for _, procs := range []int{1, 8, 1, 3} {
				runtime.GOMAXPROCS(procs)
				got := connect(t, tt.c, tt.nPre, tt.nPost, true, 5)
				noAutapses(t, got, 5)
				if first == nil {
					first = got
				} else if !slices.EqualFunc(got, first, slices.Equal) {
					t.Fatalf("GOMAXPROCS %d: different synapses from the first run", procs)
				}
			}
			rowPtr, target, err := Connect(tt.c, tt.nPre, tt.nPost, true, 5, philox.NewKey(1), 7)
			if err != nil {
				t.Fatal(err)
			}
			if slices.EqualFunc(rowsOf(t, rowPtr, target, tt.nPre, tt.nPost), first, slices.Equal) {
				t.Error("another key gives the same synapses")
			}
		})
	}
}

// TestConnectGolden pins the synapses each random rule draws for one key,
// the same on every machine: a change here changes every network built
// with the rule, and the GPU twin must follow.
func TestConnectGolden(t *testing.T) {
	want := map[Rule]uint64{
		FixedProbability: 0xe863a5e78e6f43c2,
		FixedInDegree:    0x5f7064f2c36b830c,
		FixedOutDegree:   0xf20409d83c47e9e2,
		FixedTotal:       0xae68c7d2ca09b828,
	}
	for _, tt := range randomRules {
		rowPtr, target, err := Connect(tt.c, tt.nPre, tt.nPost, true, 5, connectKey, 7)
		if err != nil {
			t.Fatal(err)
		}
		h := fnv.New64a()
		binary.Write(h, binary.LittleEndian, rowPtr)
		binary.Write(h, binary.LittleEndian, target)
		if got := h.Sum64(); got != want[tt.c.Rule] {
			t.Errorf("%v: synapses hash to %#x, want %#x", tt.c.Rule, got, want[tt.c.Rule])
		}
	}
}

// within checks that x lies within tol standard deviations of the mean of
// a binomial distribution of n trials with probability p.
func within(t *testing.T, what string, x, n int, p, tol float64) {
	t.Helper()
	mean := float64(n) * p
	sd := math.Sqrt(mean * (1 - p))
	if math.Abs(float64(x)-mean) > tol*sd {
		t.Errorf("%s = %d, want %.1f ± %.1f (%g σ)", what, x, mean, tol*sd, tol)
	}
}

func TestConnectFixedProbability(t *testing.T) {
	const n = 2000
	for _, p := range []float64{1e-4, 0.01, 0.1, 0.5, 0.99} {
		rows := connect(t, Connectivity{Rule: FixedProbability, P: p}, n, n, true, 0)
		noAutapses(t, rows, 0)
		// Rows and columns, binomial, are near normal when their variance
		// is 10 or more; then a false alarm at 6 σ among 4000 of them
		// has a probability below 10⁻⁴.
		perRow := (n-1)*p*(1-p) >= 10
		total := 0
		col := make([]int, n)
		for j, row := range rows {
			total += len(row)
			if perRow {
				within(t, "row length", len(row), n-1, p, 6)
			}
			for k, i := range row {
				if k > 0 && row[k-1] == i {
					t.Fatalf("P = %g: row %d holds post %d twice", p, j, i)
				}
				col[i]++
			}
		}
		within(t, "total", total, n*(n-1), p, 4)
		if perRow {
			for _, c := range col {
				within(t, "column length", c, n-1, p, 6)
			}
		}
	}
}

// inDegrees counts the synapses of each postsynaptic neuron.
func inDegrees(rows [][]uint32, nPost int) []int {
	deg := make([]int, nPost)
	for _, row := range rows {
		for _, i := range row {
			deg[i]++
		}
	}
	return deg
}

func TestConnectFixedDegree(t *testing.T) {
	tests := []struct {
		rule        Rule
		k           int
		nPre, nPost int
		same        bool
	}{
		{FixedInDegree, 80, 1000, 700, true},
		{FixedInDegree, 999, 1000, 700, true},
		{FixedInDegree, 1000, 1000, 700, false},
		{FixedInDegree, 0, 10, 10, true},
		{FixedOutDegree, 80, 700, 1000, true},
		{FixedOutDegree, 999, 700, 1000, true},
		{FixedOutDegree, 1000, 700, 1000, false},
		{FixedOutDegree, 0, 10, 10, true},
	}
	for _, tt := range tests {
		rows := connect(t, Connectivity{Rule: tt.rule, K: tt.k}, tt.nPre, tt.nPost, tt.same, 0)
		if tt.same {
			noAutapses(t, rows, 0)
		}
		// Rows are sorted, so equal neighbours are the only duplicates.
		for j, row := range rows {
			for k := 1; k < len(row); k++ {
				if row[k-1] == row[k] {
					t.Fatalf("%v K = %d: %d → %d twice", tt.rule, tt.k, j, row[k])
				}
			}
		}
		switch tt.rule {
		case FixedInDegree:
			for i, d := range inDegrees(rows, tt.nPost) {
				if d != tt.k {
					t.Fatalf("%v K = %d: post %d has %d synapses", tt.rule, tt.k, i, d)
				}
			}
		case FixedOutDegree:
			for j, row := range rows {
				if len(row) != tt.k {
					t.Fatalf("%v K = %d: pre %d has %d synapses", tt.rule, tt.k, j, len(row))
				}
			}
		}
	}
}

func TestConnectFixedTotal(t *testing.T) {
	for _, k := range []int{0, 1, 1000, 100_000} {
		rows := connect(t, Connectivity{Rule: FixedTotal, K: k}, 300, 200, true, -50)
		noAutapses(t, rows, -50)
		total := 0
		for _, row := range rows {
			total += len(row)
		}
		if total != k {
			t.Errorf("K = %d: %d synapses", k, total)
		}
		if k == 100_000 {
			// Each of the 300·200 − 200 allowed pairs is equally likely;
			// rows 50 … 249 lose one.
			for j, row := range rows {
				allowed := 200.0
				if j >= 50 && j < 250 {
					allowed--
				}
				within(t, "row length", len(row), k, allowed/(300*200-200), 6)
			}
		}
	}
	rows := connect(t, Connectivity{Rule: FixedTotal, K: 1000, Autapses: true}, 1, 1, true, 0)
	if len(rows[0]) != 1000 {
		t.Errorf("K = 1000 with autapses on one neuron: %d synapses", len(rows[0]))
	}
}

func TestConnectErrors(t *testing.T) {
	var two32 uint64 = 1 << 32
	tests := []struct {
		name        string
		c           Connectivity
		nPre, nPost int
		same        bool
		want        string
	}{
		{"negative size", Connectivity{Rule: AllToAll}, -1, 2, false, "all_to_all: sizes -1 → 2"},
		{"huge size", Connectivity{Rule: OneToOne}, int(two32), 1, false, "one_to_one: sizes 4294967296 → 1"},
		{"unknown rule", Connectivity{Rule: 42}, 1, 1, false, "unknown connectivity rule Rule(42)"},
		{"too many", Connectivity{Rule: AllToAll}, 1 << 16, 1<<16 + 1, false, "all_to_all: 4295032832 synapses"},
		{"one to one sizes", Connectivity{Rule: OneToOne}, 2, 3, false, "one_to_one: sizes differ: 2 presynaptic, 3 postsynaptic"},
		{"P negative", Connectivity{Rule: FixedProbability, P: -0.1}, 2, 2, false, "fixed_probability: P = -0.1"},
		{"P above 1", Connectivity{Rule: FixedProbability, P: 1.5}, 2, 2, false, "fixed_probability: P = 1.5"},
		{"P NaN", Connectivity{Rule: FixedProbability, P: math.NaN()}, 2, 2, false, "fixed_probability: P = NaN"},
		{"indegree negative", Connectivity{Rule: FixedInDegree, K: -1}, 2, 2, false, "fixed_indegree: K = -1"},
		{"indegree large", Connectivity{Rule: FixedInDegree, K: 3}, 2, 5, false,
			"fixed_indegree: K = 3: more than the 2 distinct presynaptic partners"},
		{"indegree autapse", Connectivity{Rule: FixedInDegree, K: 2}, 2, 5, true,
			"fixed_indegree: K = 2: more than the 1 distinct presynaptic partners"},
		{"indegree too many", Connectivity{Rule: FixedInDegree, K: 1 << 16}, 1 << 16, 1<<16 + 1, false,
			"fixed_indegree: 4295032832 synapses"},
		{"outdegree large", Connectivity{Rule: FixedOutDegree, K: 6}, 2, 5, false,
			"fixed_outdegree: K = 6: more than the 5 distinct postsynaptic partners"},
		{"outdegree negative", Connectivity{Rule: FixedOutDegree, K: -3}, 2, 5, false, "fixed_outdegree: K = -3"},
		{"total negative", Connectivity{Rule: FixedTotal, K: -1}, 2, 2, false, "fixed_total: K = -1"},
		{"total no pairs", Connectivity{Rule: FixedTotal, K: 1}, 1, 1, true, "fixed_total: K = 1: no pairs"},
		{"total empty", Connectivity{Rule: FixedTotal, K: 1}, 0, 3, false, "fixed_total: K = 1: no pairs"},
		{"total too many", Connectivity{Rule: FixedTotal, K: int(two32)}, 2, 2, false, "fixed_total: 4294967296 synapses"},
		{"pairs lengths", Connectivity{Rule: Pairs, I: []int{0, 1}, J: []int{0}}, 2, 2, false,
			"pairs: 2 presynaptic but 1 postsynaptic"},
		{"pairs pre range", Connectivity{Rule: Pairs, I: []int{0, 2}, J: []int{0, 1}}, 2, 2, false,
			"pairs: pair 1: 2 → 1: out of range for 2 → 2 neurons"},
		{"pairs post range", Connectivity{Rule: Pairs, I: []int{0, 1, 1}, J: []int{0, 1, -1}}, 2, 2, false,
			"pairs: pair 2: 1 → -1: out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.want, "4294967296") && strconv.IntSize < 64 {
				t.Skip("2^32 does not fit an int")
			}
			rowPtr, target, err := Connect(tt.c, tt.nPre, tt.nPost, tt.same, 0, connectKey, 7)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if rowPtr != nil || target != nil {
				t.Errorf("rowPtr and target not nil with the error")
			}
		})
	}
}

// BenchmarkConnect generates networks of 256k neurons with 80 synapses
// per neuron, exactly or on average, by each random rule.
func BenchmarkConnect(b *testing.B) {
	const n = 1 << 18
	for _, c := range []Connectivity{
		{Rule: FixedProbability, P: 80.0 / n},
		{Rule: FixedInDegree, K: 80},
		{Rule: FixedOutDegree, K: 80},
		{Rule: FixedTotal, K: 80 * n},
	} {
		b.Run(c.Rule.String(), func(b *testing.B) {
			synapses := 0
			for b.Loop() {
				_, target, err := Connect(c, n, n, true, 0, connectKey, 7)
				if err != nil {
					b.Fatal(err)
				}
				synapses += len(target)
			}
			b.ReportMetric(float64(synapses)/b.Elapsed().Seconds(), "synapses/s")
		})
	}
}

// TestConnectSizeCheck: a rule that would draw more synapses than a
// projection holds, or than the host's memory, is refused before anything
// is allocated, with the size asked and the memory there is.
func TestConnectSizeCheck(t *testing.T) {
	key := philox.NewKey(1)
	_, _, err := Connect(Connectivity{Rule: FixedProbability, P: 0.5}, 200000, 200000, false, 0, key, 1)
	if err == nil || !strings.Contains(err.Error(), "about 2e+10 synapses (200000 → 200000 neurons): more than the 4294967295") {
		t.Errorf("p = 0.5 on 200k neurons: %v", err)
	}
	defer func(f func() uint64) { availableMemory = f }(availableMemory)
	availableMemory = func() uint64 { return 1 << 20 }
	_, _, err = Connect(Connectivity{Rule: FixedInDegree, K: 100}, 10000, 10000, false, 0, key, 1)
	if err == nil || !strings.Contains(err.Error(), "fixed_indegree: 1000000 synapses (10000 → 10000 neurons) need about 8 MiB to draw, and the host has 1 MiB available") {
		t.Errorf("1 MiB of memory: %v", err)
	}
	if _, _, err := Connect(Connectivity{Rule: FixedInDegree, K: 10}, 100, 100, false, 0, key, 1); err != nil {
		t.Errorf("a small rule with 1 MiB: %v", err)
	}
}
