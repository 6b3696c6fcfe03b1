package viz_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/viz"
)

// cobaRun records a small COBA network on the CPU for dur ms into a new
// folder: the spikes of E and I (subgroups), v, g_e and g_i of 3 neurons
// of E, and the rate of the whole group.
func cobaRun(t testing.TB, n int, dur float64) string {
	t.Helper()
	dir := t.TempDir()
	net := spikevk.COBA(spikevk.Config{Seed: 2, Backend: "cpu"}, n, 80/float64(n))
	defer net.Close()
	all := net.GroupByName("neurons")
	ne := n * 4 / 5
	net.SpikeMonitor(all.Slice(0, ne))
	net.SpikeMonitor(all.Slice(ne, n))
	net.StateMonitor(all.Slice(0, ne), []string{"v", "g_e", "g_i"}, 0.1, 0, 1, 2)
	net.RateMonitor(all)
	net.Record(dir)
	if err := net.Run(context.Background(), dur); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLoadRun reads a folder a real run wrote: the subgroups' spikes with
// their sizes, states in ms and SI units, rates per step.
func TestLoadRun(t *testing.T) {
	dir := cobaRun(t, 1000, 200)
	run, err := viz.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.DT != 0.1 || run.Time != 200 || len(run.Spikes) != 2 || len(run.States) != 1 || len(run.Rates) != 1 {
		t.Fatalf("run: dt %g, time %g, %d spike, %d state, %d rate files", run.DT, run.Time, len(run.Spikes), len(run.States), len(run.Rates))
	}
	e, i := run.Spikes[0], run.Spikes[1]
	if e.Name != "neurons[0:800]" || e.N != 800 || i.Name != "neurons[800:1000]" || i.N != 200 || len(e.I) == 0 || len(i.I) == 0 {
		t.Errorf("spikes: %q (%d neurons, %d spikes), %q (%d neurons, %d spikes)", e.Name, e.N, len(e.I), i.Name, i.N, len(i.I))
	}
	for _, s := range run.Spikes {
		for k, ti := range s.T {
			if ti < 0 || ti >= 200 || int(s.I[k]) >= s.N {
				t.Fatalf("%s: spike %d of neuron %d at %g ms", s.Name, k, s.I[k], ti)
			}
		}
	}
	st := run.States[0]
	if len(st.T) != 2000 || math.Abs(st.T[1]-0.1) > 1e-6 || len(st.Neurons) != 3 || len(st.Vars) != 3 || st.Vars[0].Name != "v" || st.Vars[0].Unit != "V" {
		t.Fatalf("state: %d samples (t[1] = %v), neurons %v, %d variables", len(st.T), st.T[:2], st.Neurons, len(st.Vars))
	}
	if v := st.Vars[0].Values[0][0]; v < -0.08 || v > -0.04 {
		t.Errorf("v[0][0] = %g V, not a membrane potential", v)
	}
	if g := st.Var("g_e"); g == nil || g.Unit != "S" {
		t.Errorf("g_e: %+v", g)
	}
	r := run.Rates[0]
	if r.Bin != 0.1 || len(r.Hz) != 2000 {
		t.Errorf("rate: bins of %g ms, %d of them", r.Bin, len(r.Hz))
	}
	total := 0.0
	for _, hz := range r.Hz {
		total += hz * r.Bin / 1000 * 1000 // spikes per step × 1000 neurons
	}
	if want := float64(len(e.I) + len(i.I)); total < want-0.5 || total > want+0.5 {
		t.Errorf("rates add up to %g spikes, the spike files hold %g", total, want)
	}
}

// TestStandard writes the standard figures of a run folder.
func TestStandard(t *testing.T) {
	dir := cobaRun(t, 1000, 300)
	run, err := viz.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"png", "svg"} {
		files, err := viz.Standard(run, dir, format)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range files {
			names = append(names, filepath.Base(f))
			info, err := os.Stat(f)
			if err != nil || info.Size() < 1000 {
				t.Errorf("%s: %v, %d bytes", f, err, info.Size())
			}
		}
		want := "raster.F rate.F state_neurons.F isi.F"
		if got := strings.Join(names, " "); got != strings.ReplaceAll(want, "F", format) {
			t.Errorf("%s: wrote %s", format, got)
		}
	}
	if out := os.Getenv("SPIKEVK_FIGURES"); out != "" {
		// To look at them: SPIKEVK_FIGURES=/tmp/figs go test -run TestStandard ./viz
		files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
		os.MkdirAll(out, 0o755)
		for _, f := range files {
			data, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(out, filepath.Base(f)), data, 0o644)
		}
	}
}

// TestStandardPhase: a state file with v and w (FitzHugh–Nagumo) also
// gets its phase plane; without spike monitors there is no raster.
func TestStandardPhase(t *testing.T) {
	dir := t.TempDir()
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	defer net.Close()
	g := net.Group("fhn", 2, spikevk.Builtin("fitzhugh_nagumo"))
	net.StateMonitor(g, []string{"v", "w"}, 0.5)
	net.Record(dir)
	if err := net.Run(context.Background(), 300); err != nil {
		t.Fatal(err)
	}
	run, err := viz.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := viz.Standard(run, dir, "png")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if got := strings.Join(names, " "); got != "state_fhn.png phase_fhn.png" {
		t.Errorf("wrote %s", got)
	}
	if out := os.Getenv("SPIKEVK_FIGURES"); out != "" {
		for _, f := range files {
			data, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(out, filepath.Base(f)), data, 0o644)
		}
	}
}
