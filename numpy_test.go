package spikevk_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// numpyPython returns a Python that imports numpy, skipping the test when
// there is none (failing when SPIKEVK_REQUIRE_NUMPY=1, as make test sets:
// scripts/setup.sh installs python3-numpy).
func numpyPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	if os.Getenv("SPIKEVK_REQUIRE_NUMPY") == "1" {
		t.Fatal("no python3 with numpy (scripts/setup.sh installs python3-numpy)")
	}
	t.Skip("no python3 with numpy")
	return ""
}

// TestNumpyReadsRecordings checks that numpy.load opens every file Record
// writes, empty ones included (a group that never spikes, a state monitor
// of no neurons): each array has the shape and dtype the docs give.
func TestNumpyReadsRecordings(t *testing.T) {
	python := numpyPython(t)
	dir := t.TempDir()
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	quiet := net.Group("quiet", 3, spikevk.Builtin("lif_coba_exp")).Set("v", "-70*mV")
	busy := net.PoissonGroup("busy", 4, "200*Hz")
	net.SpikeMonitor(quiet)
	net.SpikeMonitor(busy)
	net.StateMonitor(quiet, []string{"v"}, 1)
	net.StateMonitor(net.Group("none", 0, spikevk.Builtin("lif_coba_exp")), []string{"v"}, 1)
	net.RateMonitor(busy)
	net.Record(dir)
	if err := net.Run(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	net.Close()
	script := `import sys, numpy as np
for path in sorted(sys.argv[1:]):
    with np.load(path) as d:
        print(path.rsplit("/", 1)[-1], " ".join("%s%s%s" % (k, d[k].shape, d[k].dtype) for k in sorted(d.files)))
`
	files, _ := filepath.Glob(filepath.Join(dir, "*.npz"))
	out, err := exec.Command(python, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	want := `rate_busy.npz rate(100,)float64 t(100,)float64
spikes_busy.npz i(SPIKES,)int32 t(SPIKES,)float64
spikes_quiet.npz i(0,)int32 t(0,)float64
state_none.npz neurons(0,)int32 t(10,)float64 v(10, 0)float64
state_quiet.npz neurons(3,)int32 t(10,)float64 v(10, 3)float64
`
	got := string(out)
	if k := strings.Index(got, "spikes_busy.npz i("); k >= 0 { // the count of spikes is the draws'
		n := got[k+len("spikes_busy.npz i(") : k+strings.Index(got[k:], ",)")]
		want = strings.ReplaceAll(want, "SPIKES", n)
	}
	if got != want {
		t.Errorf("numpy reads\n%s\nwant\n%s", got, want)
	}
}
