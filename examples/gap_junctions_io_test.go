package examples_test

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

var updateOlive = flag.Bool("update-olive", false, "rewrite the initial states and junctions of examples/gap_junctions_io")

// The inferior-olive network of gap_test.go (TestOliveExact,
// TestOliveSynchrony): 100 manor_io cells at dt = 0.025 ms, started at
// random points of their limit cycle, coupled by gap junctions on a
// sparse symmetric random graph with the seeds 1997 and (1997, 2012).
const (
	oliveN    = 100
	oliveDT   = 0.025
	oliveSeed = 1997
)

// oliveCycle runs one uncoupled manor_io cell for 1 s and returns v (mV)
// and h every ms over the last 200 ms, as gap_test.go does.
func oliveCycle(t *testing.T) (v, h []float64) {
	t.Helper()
	net := spikevk.New(spikevk.Config{DT: oliveDT, Backend: "cpu"})
	defer net.Close()
	m := net.StateMonitor(net.Group("io", 1, spikevk.Builtin("manor_io")), []string{"v", "h"}, 1)
	if err := net.Run(context.Background(), spikevk.Second); err != nil {
		t.Fatal(err)
	}
	_, vs, err := m.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	_, hs, err := m.Values("h")
	if err != nil {
		t.Fatal(err)
	}
	for s := len(vs) - 200; s < len(vs); s++ {
		v, h = append(v, float64(vs[s][0])), append(h, float64(hs[s][0]))
	}
	return v, h
}

// oliveDraws draws what gap_test.go's oliveNetwork draws: each cell's
// point of the cycle, and the junctions (cells i and i+1, and any other
// pair with probability 2/(n−1), each pair in both directions).
func oliveDraws(cycleV, cycleH []float64) (v, h []float64, pre, post []int) {
	r := rand.New(rand.NewPCG(1997, 2012))
	v, h = make([]float64, oliveN), make([]float64, oliveN)
	for i := range oliveN {
		s := r.IntN(len(cycleV))
		v[i], h[i] = cycleV[s], cycleH[s]
	}
	for i := range oliveN {
		for j := i + 1; j < oliveN; j++ {
			if j == i+1 || r.Float64() < 2/float64(oliveN-1) {
				pre, post = append(pre, i, j), append(post, j, i)
			}
		}
	}
	return v, h, pre, post
}

// oliveTwin builds gap_test.go's oliveNetwork with the Go API.
func oliveTwin(gc string, v, h []float64, pre, post []int) *spikevk.Network {
	net := spikevk.New(spikevk.Config{DT: oliveDT, Seed: oliveSeed, Backend: "cpu"})
	io := net.Group("io", oliveN, spikevk.Builtin("manor_io")).SetArray("v", v, "mV").SetArray("h", h, "1")
	net.Connect("gap", io, io, spikevk.Synapses{Model: "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)"},
		spikevk.Pairs(pre, post)).Set("w", gc)
	return net
}

// oliveFiles are the data files of examples/gap_junctions_io.
var oliveFiles = []string{"initial_v.txt", "initial_h.txt", "junctions.txt"}

// writeOliveFiles writes the draws as the example's text files, each
// number as strconv writes it shortest, which reads back exactly.
func writeOliveFiles(t *testing.T, v, h []float64, pre, post []int) {
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	var sv, sh, sj strings.Builder
	sv.WriteString("# v (mV) of each cell at the start: a point of the uncoupled cycle (examples/gap_junctions_io_test.go)\n")
	sh.WriteString("# h of each cell at the start, at the same point of the cycle as v\n")
	sj.WriteString("# gap junctions: source, target (each pair in both directions)\n")
	for i := range v {
		fmt.Fprintln(&sv, num(v[i]))
		fmt.Fprintln(&sh, num(h[i]))
	}
	for k := range pre {
		fmt.Fprintf(&sj, "%d, %d\n", pre[k], post[k])
	}
	for k, s := range []string{sv.String(), sh.String(), sj.String()} {
		if err := os.WriteFile(filepath.Join("gap_junctions_io", oliveFiles[k]), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// oliveTraces runs a network and returns v of every cell every ms.
func oliveTraces(t *testing.T, net *spikevk.Network, ms float64) [][]float32 {
	t.Helper()
	m := net.StateMonitor(net.GroupByName("io"), []string{"v"}, 1)
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	_, v, err := m.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// oliveSynchrony is the measure of Golomb & Rinzel (1993) that gap_test.go
// uses, over the samples from first on: the variance in time of the
// population mean of v over the mean of the cells' variances in time; 1
// for cells in synchrony, about 1/N for independent phases.
func oliveSynchrony(v [][]float32, first int) float64 {
	v = v[first:]
	n := len(v[0])
	mean := make([]float64, len(v))
	cellSum, cellSq := make([]float64, n), make([]float64, n)
	for s, row := range v {
		for i, x := range row {
			mean[s] += float64(x) / float64(n)
			cellSum[i] += float64(x)
			cellSq[i] += float64(x) * float64(x)
		}
	}
	variance := func(sum, sq float64) float64 {
		m := sum / float64(len(v))
		return sq/float64(len(v)) - m*m
	}
	var popSum, popSq, cells float64
	for s := range v {
		popSum += mean[s]
		popSq += mean[s] * mean[s]
	}
	for i := range n {
		cells += variance(cellSum[i], cellSq[i]) / float64(n)
	}
	return variance(popSum, popSq) / cells
}

// oliveColumn reads the numbers of a text file of the example, one a line,
// after # comments.
func oliveColumn(t *testing.T, name string) []float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("gap_junctions_io", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' }) {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, x)
		}
	}
	return out
}

// oliveCrossings counts the upward crossings of level by the population mean
// of v (one row a sample, every ms), at most one in dead ms: what lfp,
// with its refractory period, reports as spikes.
func oliveCrossings(v [][]float32, level, dead float64) int {
	count, last := 0, math.Inf(-1)
	prev := math.Inf(1)
	for s, row := range v {
		m := 0.0
		for _, x := range row {
			m += float64(x) / float64(len(row))
		}
		if prev <= level && m > level && float64(s)-last >= dead {
			count, last = count+1, float64(s)
		}
		prev = m
	}
	return count
}

// TestGapJunctionsIO checks examples/gap_junctions_io against the
// network of gap_test.go:
//   - its files hold exactly the initial states and junctions that
//     gap_test.go's oliveNetwork draws (from the cycle of one uncoupled
//     cell, with its random generator);
//   - the file builds that network: v of every cell every ms for 1 s is
//     the Go API twin's bit for bit, the readout lfp notwithstanding;
//   - TestOliveSynchrony's result: the synchrony measure over the last
//     half second lies in [0.95, 1] at g_c = 0.5 nS and in [0, 0.1] at
//     g_c = 0 (its bands; 1 for synchrony, about 1/N = 0.01 for random
//     phases);
//   - lfp spikes once for each rise of the population mean above V_sync
//     (counted from the 1 ms samples, with its 80 ms refractory period):
//     never at g_c = 0.
func TestGapJunctionsIO(t *testing.T) {
	v, h, pre, post := oliveDraws(oliveCycle(t))
	if *updateOlive {
		writeOliveFiles(t, v, h, pre, post)
	}
	var pairs []float64
	for k := range pre {
		pairs = append(pairs, float64(pre[k]), float64(post[k]))
	}
	for k, want := range [][]float64{v, h, pairs} {
		if got := oliveColumn(t, oliveFiles[k]); !slices.Equal(got, want) {
			t.Fatalf("%s is not what gap_test.go draws (run go test -run TestGapJunctionsIO ./examples -args -update-olive)", oliveFiles[k])
		}
	}
	ref := oliveTwin("0.5*nS", v, h, pre, post)
	defer ref.Close()
	want := oliveTraces(t, ref, 1000)
	for _, tc := range []struct {
		gc       string
		min, max float64
	}{{"0.5*nS", 0.95, 1}, {"0*nS", 0, 0.1}} {
		file := load(t, "gap_junctions_io", "g_c", tc.gc)
		lfp := file.SpikeMonitor(file.GroupByName("lfp"))
		got := oliveTraces(t, file.Network, file.Duration())
		if tc.gc == "0.5*nS" {
			if len(got) != len(want) {
				t.Fatalf("%d samples from the file, %d from the Go API", len(got), len(want))
			}
			for s := range got {
				for i := range got[s] {
					if math.Float32bits(got[s][i]) != math.Float32bits(want[s][i]) {
						t.Fatalf("v of cell %d at %d ms: file %v, Go API %v", i, s, got[s][i], want[s][i])
					}
				}
			}
		}
		chi := oliveSynchrony(got, len(got)/2)
		spikes, _ := lfp.Spikes()
		n := oliveCrossings(got, -55.5, 80)
		t.Logf("g_c = %s: synchrony %.4f; lfp %d spikes, the mean rose above V_sync %d times", tc.gc, chi, len(spikes), n)
		if !(chi >= tc.min && chi <= tc.max) {
			t.Errorf("g_c = %s: synchrony %.4f, want %g to %g", tc.gc, chi, tc.min, tc.max)
		}
		if len(spikes) != n || tc.gc == "0*nS" && n != 0 {
			t.Errorf("g_c = %s: lfp spiked %d times, the population mean rose above V_sync %d times", tc.gc, len(spikes), n)
		}
	}
}
