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

// synchrony is the measure of Golomb & Rinzel (1993) that gap_test.go
// uses, over the samples from first on: the variance in time of the
// population mean of v over the mean of the cells' variances in time; 1
// for cells in synchrony, about 1/N for independent phases.
func synchrony(v [][]float32, first int) float64 {
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

// TestGapJunctionsIO checks examples/gap_junctions_io against gap_test.go.
func TestGapJunctionsIO(t *testing.T) {
	v, h, pre, post := oliveDraws(oliveCycle(t))
	if *updateOlive {
		writeOliveFiles(t, v, h, pre, post)
	}
	file := load(t, "gap_junctions_io")
	ref := oliveTwin("0.5*nS", v, h, pre, post)
	defer ref.Close()
	a, b := oliveTraces(t, file.Network, 1000), oliveTraces(t, ref, 1000)
	t.Log(len(a), len(b))
	same := len(a) == len(b)
	for s := range a {
		for i := range a[s] {
			if math.Float32bits(a[s][i]) != math.Float32bits(b[s][i]) {
				same = false
			}
		}
	}
	t.Log("same", same)
	for _, gc := range []string{"0*nS", "0.05*nS", "0.1*nS", "0.2*nS", "0.5*nS", "1*nS"} {
		net := load(t, "gap_junctions_io", "g_c", gc)
		x := oliveTraces(t, net.Network, 1000)
		lo, hi := 1e9, -1e9
		for _, row := range x[500:] {
			m := 0.0
			for _, y := range row {
				m += float64(y) / float64(len(row))
			}
			lo, hi = min(lo, m), max(hi, m)
		}
		t.Logf("g_c %s: synchrony %.4f (first half %.4f), mean v %.3f..%.3f", gc, synchrony(x, 500), synchrony(x[:500], 0), lo, hi)
	}
	_ = slices.Equal[[]float32]
}
