package spikevk_test

import (
	"archive/zip"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/spikevk/spikevk"
)

// spikeTexts are text files of spikes that ReadSpikes reads: their
// indices and times in ms.
var spikeTexts = []struct {
	name, text string
	indices    []int
	times      []float64
}{
	{"empty.csv", "", []int{}, []float64{}},
	{"comments.csv", "# nothing\n\n   \n#0,1\n", []int{}, []float64{}},
	{"plain.csv", "0,1.5\n3,0\n1,2", []int{0, 3, 1}, []float64{1.5, 0, 2}},
	{"spaces.txt", "  0 1.5\n3\t\t0.25 \n1 \t 2\n", []int{0, 3, 1}, []float64{1.5, 0.25, 2}},
	{"mixed.tsv", "0 ,\t1.5\n7,  8\n", []int{0, 7}, []float64{1.5, 8}},
	{"crlf.csv", "# comment\r\ni,t\r\n\r\n0,1\r\n2,3\r\n", []int{0, 2}, []float64{1, 3}},
	{"bom.csv", "\uFEFFi,t\n4,5\n", []int{4}, []float64{5}},
	{"header.csv", "i,t\n0,1\n", []int{0}, []float64{1}},
	{"header_ms.csv", "# Brian2 raster\nindex,time_ms\n0,1\n1,2.5\n", []int{0, 1}, []float64{1, 2.5}},
	{"header_s.csv", "neuron,time_s\n0,0.001\n1,0.25\n", []int{0, 1}, []float64{1, 250}},
	{"brackets.txt", "i t[s]\n0 0.5\n", []int{0}, []float64{500}},
	{"brackets_ms.txt", "i\tt[ms]\n0\t0.5\n", []int{0}, []float64{0.5}},
	{"parens.csv", "neuron index, spike time (s)\n2, 1e-3\n", []int{2}, []float64{1}},
	{"spike_time.csv", "i,spike_time\n2,3\n", []int{2}, []float64{3}},
	{"sec.csv", "neuron (id),t_sec\n2,3\n", []int{2}, []float64{3000}},
	{"msec.csv", "i,t (msec)\n2,3\n", []int{2}, []float64{3}},
	{"savetxt.dat", "0.000000000000000000e+00 1.500000000000000000e+00\n3.000000000000000000e+00 2.000000000000000000e+00\n",
		[]int{0, 3}, []float64{1.5, 2}},
	{"signs.csv", "+2,+1\n-0,-0\n0,1e-400\n", []int{2, 0, 0}, []float64{1, 0, 0}},
	{"no_extension", "1 2\n", []int{1}, []float64{2}},
}

// badSpikeTexts are text files that ReadSpikes refuses, with the error
// (after the folder).
var badSpikeTexts = []struct{ name, text, want string }{
	{"x.csv", "0,1\n1,abc\n", `x.csv:2: time "abc" is not a number`},
	{"x.csv", "0,1\n\n0,1,2\n", `x.csv:3: 3 fields, want 2 (index, time)`},
	{"x.csv", "0,1,\n", `x.csv:1: 3 fields, want 2 (index, time)`},
	{"x.txt", "# c\n5\n", `x.txt:2: 1 field, want 2 (index, time)`},
	{"x.csv", "-1,1\n", `x.csv:1: index "-1" is negative`},
	{"x.csv", "2.5,1\n", `x.csv:1: index "2.5" is not a whole number`},
	{"x.csv", "-2.0,1\n", `x.csv:1: index "-2.0" is negative`},
	{"x.csv", "NaN,1\n", `x.csv:1: index "NaN" is not a whole number`},
	{"x.csv", "0,1\nabc,1\n", `x.csv:2: index "abc" is not a number`},
	{"x.csv", ",1\n", `x.csv:1: index "" is not a number`},
	{"x.csv", "3000000000,1\n", `x.csv:1: index "3000000000" is too large`},
	{"x.csv", "1e300,1\n", `x.csv:1: index "1e300" is too large`},
	{"x.csv", "0,NaN\n", `x.csv:1: time "NaN" is not finite`},
	{"x.csv", "0,1\n0,-inf\n", `x.csv:2: time "-inf" is not finite`},
	{"x.csv", "0,-0.1\n", `x.csv:1: time "-0.1" is negative`},
	{"x.csv", "0,1e400\n", `x.csv:1: time "1e400" is out of range`},
	{"x.csv", "i,t_s\n0,1e306\n", `x.csv:2: time "1e306" is out of range`},
	{"x.csv", "i,t,extra\n0,1\n", `x.csv:1: header has 3 columns, want 2 (index, time)`},
	{"x.csv", "t,i\n1,0\n", `x.csv:1: header "t,i" names the time first; want index, time`},
	{"x.csv", "time_s,neuron\n1,0\n", `x.csv:1: header "time_s,neuron" names the time first`},
	{"x.csv", "i_s,t\n1,0\n", `x.csv:1: header "i_s,t" names the time first`},
	{"x.csv", "i,t[us]\n0,1\n", `x.csv:1: column "t[us]": unit "us" is not s or ms`},
	{"x.csv", "i,t_ns\n0,1\n", `x.csv:1: column "t_ns": unit "ns" is not s or ms`},
	{"x.csv", "i,t_h\n0,1\n", `x.csv:1: column "t_h": unit "h" is not s or ms`},
	{"x.csv", "i,t\n0,1\ni,t\n", `x.csv:3: index "i" is not a number`},
	{"x.csv", "0,1\n" + strings.Repeat("1", 2<<20), `x.csv:2: line longer than 1048576 bytes`},
}

// writeFile writes data to a file name in dir and returns its path.
func writeFile(t testing.TB, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// closeTimes reports whether times in ms a and b agree to rel.
func closeTimes(a, b []float64, rel float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= rel*math.Max(math.Abs(y), 1e-300) })
}

// TestReadSpikesText: text files with and without headers, units,
// comments, separators and line endings, and bad lines named by file and
// line.
func TestReadSpikesText(t *testing.T) {
	dir := t.TempDir()
	for _, c := range spikeTexts {
		indices, times, err := spikevk.ReadSpikes(writeFile(t, dir, c.name, c.text))
		if err != nil || !slices.Equal(indices, c.indices) || !closeTimes(times, c.times, 1e-15) {
			t.Errorf("%s: %v at %v ms (%v), want %v at %v ms", c.name, indices, times, err, c.indices, c.times)
		}
	}
	for _, c := range badSpikeTexts {
		_, _, err := spikevk.ReadSpikes(writeFile(t, dir, c.name, c.text))
		if err == nil || !strings.Contains(err.Error(), string(filepath.Separator)+c.want) {
			t.Errorf("%q: error %v, want %q", c.text[:min(len(c.text), 40)], err, c.want)
		}
	}
}

// TestReadSpikesNPZ: arrays i of any integer dtype and t in seconds,
// float32 or float64, named with or without .npy; and bad archives named
// by file, array and entry.
func TestReadSpikesNPZ(t *testing.T) {
	dir := t.TempDir()
	wantI, wantT := []int{2, 0, 255}, []float64{1.5, 0, 250}
	for k, c := range []map[string]any{
		{"i.npy": []int32{2, 0, 255}, "t.npy": []float64{0.0015, 0, 0.25}},
		{"i.npy": []int64{2, 0, 255}, "t.npy": []float32{0.0015, 0, 0.25}},
		{"i.npy": []uint8{2, 0, 255}, "t.npy": []float64{0.0015, 0, 0.25}},
		{"i.npy": []uint64{2, 0, 255}, "t.npy": []float64{0.0015, 0, 0.25}, "other.npy": []float64{1}},
		{"i": []int16{2, 0, 255}, "t": []float64{0.0015, 0, 0.25}},
	} {
		path := filepath.Join(dir, fmt.Sprintf("good%d.npz", k))
		if err := npz.Write(path, c); err != nil {
			t.Fatal(err)
		}
		indices, times, err := spikevk.ReadSpikes(path)
		if err != nil || !slices.Equal(indices, wantI) || !closeTimes(times, wantT, 1e-7) {
			t.Errorf("%v: %v at %v ms (%v), want %v at %v ms", c, indices, times, err, wantI, wantT)
		}
	}
	path := filepath.Join(dir, "empty.npz")
	if err := npz.Write(path, map[string]any{"i.npy": []int32{}, "t.npy": []float64{}}); err != nil {
		t.Fatal(err)
	}
	if indices, times, err := spikevk.ReadSpikes(path); err != nil || len(indices) != 0 || len(times) != 0 {
		t.Errorf("empty.npz: %v at %v (%v), want no spikes", indices, times, err)
	}

	for _, c := range []struct {
		arrays map[string]any
		want   string
	}{
		{map[string]any{"i.npy": []int32{0}}, `x.npz: no array "t" (it has i.npy)`},
		{map[string]any{"t.npy": []float64{0}}, `x.npz: no array "i" (it has t.npy)`},
		{map[string]any{"i.npy": []int32{0, 1}, "t.npy": []float64{0}}, `x.npz: 2 indices (i) for 1 times (t)`},
		{map[string]any{"i.npy": []float64{0}, "t.npy": []float64{0}}, `x.npz: array "i" has dtype <f8, want integers`},
		{map[string]any{"i.npy": []int32{0}, "t.npy": []int32{0}}, `x.npz: array "t" has dtype <i4, want float32 or float64 (seconds)`},
		{map[string]any{"i.npy": []int32{0, -1}, "t.npy": []float64{0, 1}}, `x.npz: entry 1: index -1 is negative`},
		{map[string]any{"i.npy": []uint64{math.MaxUint64}, "t.npy": []float64{0}}, `x.npz: entry 0: index 18446744073709551615 is too large`},
		{map[string]any{"i.npy": []int32{0}, "t.npy": []float64{math.NaN()}}, `x.npz: entry 0: time NaN s is not finite`},
		{map[string]any{"i.npy": []int32{0}, "t.npy": []float32{float32(math.Inf(1))}}, `x.npz: entry 0: time +Inf s is not finite`},
		{map[string]any{"i.npy": []int32{0, 0}, "t.npy": []float64{0, -1e-3}}, `x.npz: entry 1: time -0.001 s is negative`},
		{map[string]any{"i.npy": []int32{0}, "t.npy": []float64{1e306}}, `x.npz: entry 0: time 1e+306 s is out of range`},
	} {
		path := filepath.Join(t.TempDir(), "x.npz")
		if err := npz.Write(path, c.arrays); err != nil {
			t.Fatal(err)
		}
		if _, _, err := spikevk.ReadSpikes(path); err == nil || !strings.Contains(err.Error(), string(filepath.Separator)+c.want) {
			t.Errorf("%v: error %v, want %q", c.arrays, err, c.want)
		}
	}

	// Files that are not .npz archives, or hold a malformed .npy (which
	// npyio panics on).
	var malformed strings.Builder
	zw := zip.NewWriter(&malformed)
	for _, name := range []string{"i.npy", "t.npy"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("\x93NUMPY\x01\x00\x04\x00abcd")) // a header without its newline
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, data, want string }{
		{"text.npz", "0,1\n", `text.npz: npz: could not create zip reader`},
		{"malformed.npz", malformed.String(), `malformed.npz: malformed .npy array: `},
		{"x.npy", "", `x.npy: one .npy array; want a .npz file with arrays i and t`},
	} {
		_, _, err := spikevk.ReadSpikes(writeFile(t, dir, c.name, c.data))
		if err == nil || !strings.Contains(err.Error(), string(filepath.Separator)+c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, _, err := spikevk.ReadSpikes(filepath.Join(dir, "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing.csv: error %v, want one naming the file", err)
	}
}

// TestSpikeGeneratorFileErrors: an unreadable file, or a spike that
// SpikeGenerator refuses, is an error of Run naming the group, the file
// and the line or entry; the group can still be used in building calls.
func TestSpikeGeneratorFileErrors(t *testing.T) {
	dir := t.TempDir()
	npzPath := filepath.Join(dir, "dup.npz")
	if err := npz.Write(npzPath, map[string]any{"i.npy": []int32{2, 1, 2}, "t.npy": []float64{1e-3, 1e-3, 1.04e-3}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{writeFile(t, dir, "range.csv", "i,t\n0,1\n# c\n4,2\n"), `spike generator "g": ` + dir + `/range.csv:4: index 4 outside its 4 neurons`},
		{writeFile(t, dir, "dup.csv", "2,1\n1,1\n\n2,1.04\n"),
			`spike generator "g": ` + dir + `/dup.csv:4: neuron 2 spikes twice in step 10: at 1.04 ms here and at 1 ms on ` + dir + `/dup.csv:1 (time step 0.1 ms)`},
		{npzPath, `spike generator "g": ` + npzPath + `: entry 2: neuron 2 spikes twice in step 10: at 1.03`}, // seconds × 1000
		{writeFile(t, dir, "late.csv", "0,1e9\n"), `spike generator "g": ` + dir + `/late.csv:1: time 1e+09 ms is past step 16777215`},
		{writeFile(t, dir, "bad.csv", "0,x\n"), `spike generator "g": ` + dir + `/bad.csv:1: time "x" is not a number`},
		{filepath.Join(dir, "missing.csv"), `spike generator "g": open ` + dir + `/missing.csv: no such file`},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		g := net.SpikeGeneratorFile("g", 4, c.path)
		lif := net.Group("lif", 4, spikevk.Equations{Equations: "dv/dt = -v/(10*ms) : volt", Threshold: "v > 10*mV", Reset: "v = 0*mV"}.Model())
		net.Connect("g_lif", g.Slice(0, 2), lif, spikevk.Synapses{OnPre: "v_post += 20*mV"}, spikevk.OneToOne())
		net.SpikeMonitor(g)
		err := net.Run(context.Background(), 1)
		net.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", filepath.Base(c.path), err, c.want)
		}
	}
}

// TestSpikeGeneratorFileRoundTrip: the raster of a Poisson group, written
// by WriteNPZ (seconds, float64) or as text in ms, replays exactly: a
// generator reading it spikes with the same neurons in the same steps.
func TestSpikeGeneratorFileRoundTrip(t *testing.T) {
	const n, duration = 50, 200 * spikevk.Ms
	dir := t.TempDir()
	net := spikevk.New(spikevk.Config{Seed: 3, Backend: "cpu"})
	mon := net.SpikeMonitor(net.PoissonGroup("poisson", n, "100*Hz"))
	if err := net.Run(context.Background(), duration); err != nil {
		t.Fatal(err)
	}
	net.Close()
	wantI, wantT := mon.Spikes()
	if len(wantI) < 500 {
		t.Fatalf("%d spikes, want about 1000", len(wantI))
	}
	npzPath := filepath.Join(dir, "raster.npz")
	if err := mon.WriteNPZ(npzPath); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	text.WriteString("# written by TestSpikeGeneratorFileRoundTrip\r\ni\tt[ms]\r\n")
	for k := range wantI {
		fmt.Fprintf(&text, "%d\t%g\r\n", wantI[k], wantT[k])
	}
	txtPath := writeFile(t, dir, "raster.txt", text.String())

	for _, path := range []string{npzPath, txtPath, writeFile(t, dir, "empty.csv", "i,t\n")} {
		if filepath.Base(path) == "empty.csv" {
			wantI, wantT = nil, nil
		}
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		replay := net.SpikeMonitor(net.SpikeGeneratorFile("replay", n, path))
		if err := net.Run(context.Background(), duration); err != nil {
			t.Fatal(err)
		}
		net.Close()
		i, tm := replay.Spikes()
		if !slices.Equal(i, wantI) || !slices.Equal(tm, wantT) {
			t.Errorf("%s: replayed %d spikes differ from the %d recorded", filepath.Base(path), len(i), len(wantI))
		}
	}
}

// FuzzReadSpikes: no text makes the parser of ReadSpikes panic; an error
// names the file, and what it reads is spikes of indices from 0 at finite
// times from 0, on lines in increasing order.
func FuzzReadSpikes(f *testing.F) {
	for _, c := range spikeTexts {
		f.Add(c.text)
	}
	for _, c := range badSpikeTexts[:len(badSpikeTexts)-1] { // not the long line
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		indices, times, lines, err := spikevk.ParseSpikeText("fuzz.txt", text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if len(indices) != len(times) || len(lines) != len(times) {
			t.Fatalf("%d indices for %d times on %d lines", len(indices), len(times), len(lines))
		}
		for k, i := range indices {
			if i < 0 || !(times[k] >= 0) || math.IsInf(times[k], 1) {
				t.Fatalf("spike %d: index %d at %g ms", k, i, times[k])
			}
			if lines[k] < 1 || k > 0 && lines[k] <= lines[k-1] {
				t.Fatalf("spike %d on line %d after line %d", k, lines[k], lines[max(k-1, 0)])
			}
		}
	})
}

// A spike generator replays the spikes of a text file (ReadSpikes gives
// the grammar), here times in ms rounded to steps of 0.1 ms.
func ExampleNetwork_SpikeGeneratorFile() {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	input := net.SpikeGeneratorFile("input", 3, "testdata/spikes/example.csv")
	spikes := net.SpikeMonitor(input)
	if err := net.Run(context.Background(), 5*spikevk.Ms); err != nil {
		fmt.Println(err)
		return
	}
	i, t := spikes.Spikes()
	for k := range i {
		fmt.Printf("neuron %d at %.1f ms\n", i[k], t[k])
	}
	// Output:
	// neuron 2 at 0.5 ms
	// neuron 0 at 1.0 ms
	// neuron 1 at 2.0 ms
	// neuron 0 at 3.0 ms
	// neuron 2 at 3.5 ms
}

// ReadSpikes returns the indices and times in ms of a file's spikes, in
// the file's order.
func ExampleReadSpikes() {
	indices, timesMs, err := spikevk.ReadSpikes("testdata/spikes/example.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(indices, timesMs)
	// Output:
	// [0 2 1 0 2] [1 0.5 2.04 3 3.5]
}

// TestWriteSpikesNPZ: spikes written with WriteSpikesNPZ read back with
// ReadSpikes (times in ms), an empty list too; unequal lengths are an
// error and write nothing.
func TestWriteSpikesNPZ(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		i []int32
		t []float64
	}{{[]int32{0, 3, 1}, []float64{0.001, 0.0025, 0.004}}, {nil, nil}} {
		path := filepath.Join(dir, "s.npz")
		if err := spikevk.WriteSpikesNPZ(path, tc.i, tc.t); err != nil {
			t.Fatal(err)
		}
		i, ms, err := spikevk.ReadSpikes(path)
		if err != nil || len(i) != len(tc.i) {
			t.Fatalf("read back %v, %v (%v), want %v", i, ms, err, tc.i)
		}
		for k := range i {
			if i[k] != int(tc.i[k]) || math.Abs(ms[k]-tc.t[k]*1000) > 1e-9 {
				t.Errorf("spike %d: %d at %v ms, want %d at %v ms", k, i[k], ms[k], tc.i[k], tc.t[k]*1000)
			}
		}
	}
	bad := filepath.Join(dir, "bad.npz")
	if err := spikevk.WriteSpikesNPZ(bad, []int32{1}, nil); err == nil || !strings.Contains(err.Error(), "1 indices but 0 times") {
		t.Errorf("unequal lengths: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("unequal lengths left a file: %v", err)
	}
}
