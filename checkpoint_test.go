package spikevk_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// raster is the spikes a monitor recorded from index from on.
type raster struct {
	i []int32
	t []float64
}

func since(m *spikevk.SpikeMonitor, from int) raster {
	i, t := m.Spikes()
	return raster{slices.Clone(i[from:]), slices.Clone(t[from:])}
}

// sameRaster requires two rasters to be identical and not empty.
func sameRaster(t *testing.T, what string, want, got raster) {
	t.Helper()
	if len(want.i) == 0 {
		t.Fatalf("%s: no spikes: the comparison covers nothing", what)
	}
	if !slices.Equal(want.i, got.i) || !slices.Equal(want.t, got.t) {
		for k := range min(len(want.i), len(got.i)) {
			if want.i[k] != got.i[k] || want.t[k] != got.t[k] {
				t.Fatalf("%s: rasters differ from spike %d: %d at %v ms, want %d at %v ms", what, k, got.i[k], got.t[k], want.i[k], want.t[k])
			}
		}
		t.Fatalf("%s: %d spikes, want %d", what, len(got.i), len(want.i))
	}
}

// coba is the network of the checkpoint tests: COBA with 1,000 neurons
// and p = 0.05, and a monitor of all of them.
func coba(t *testing.T, backend string) (*spikevk.Network, *spikevk.SpikeMonitor) {
	t.Helper()
	net := spikevk.COBA(spikevk.Config{Seed: 5, Backend: backend}, 1000, 0.05)
	t.Cleanup(func() { net.Close() })
	return net, net.SpikeMonitor(net.GroupByName("neurons"))
}

func run(t *testing.T, net *spikevk.Network, ms float64) {
	t.Helper()
	if err := net.Run(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, net *spikevk.Network, group, variable string) []float32 {
	t.Helper()
	v, err := net.GroupByName(group).Get(variable)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCheckpointFile: a network saved after 100 ms and run for 100 ms more
// spikes exactly like a fresh network that loads the file and runs 100 ms,
// on each backend and from one backend to the other; the summaries agree,
// and the fresh network's monitor, given the file's records, holds the
// whole 200 ms.
func TestCheckpointFile(t *testing.T) {
	for _, tc := range []struct{ save, load string }{{"cpu", "cpu"}, {"cpu", "vulkan"}, {"vulkan", "cpu"}} {
		t.Run(tc.save+"→"+tc.load, func(t *testing.T) {
			if tc.save == "vulkan" || tc.load == "vulkan" {
				vulkanOrSkip(t)
			}
			path := filepath.Join(t.TempDir(), "coba.npz")
			a, ma := coba(t, tc.save)
			run(t, a, 100)
			if err := a.SaveCheckpoint(path); err != nil {
				t.Fatal(err)
			}
			from := ma.Count()
			run(t, a, 100)

			b, mb := coba(t, tc.load)
			if err := b.LoadCheckpoint(path); err != nil {
				t.Fatal(err)
			}
			if mb.Count() != from {
				t.Errorf("after loading, the monitor holds %d spikes, want the file's %d", mb.Count(), from)
			}
			run(t, b, 100)
			sameRaster(t, "200 ms", since(ma, 0), since(mb, 0))
			if !slices.Equal(get(t, a, "neurons", "v"), get(t, b, "neurons", "v")) {
				t.Error("v differs at 200 ms")
			}
			sa, sb := a.Summary(), b.Summary()
			if sa.Time != sb.Time || sa.Events != sb.Events || !reflect.DeepEqual(sa.Groups, sb.Groups) {
				t.Errorf("summaries differ: %v ms, %d events, %+v; want %v ms, %d events, %+v",
					sb.Time, sb.Events, sb.Groups, sa.Time, sa.Events, sa.Groups)
			}
		})
	}
}

// TestCheckpointRecords: a checkpoint file carries the records of spike,
// rate and state monitors; a network with the same monitors that loads it
// and runs on ends with the records of the run never interrupted, and
// one with other monitors keeps its own.
func TestCheckpointRecords(t *testing.T) {
	build := func(vars ...string) (*spikevk.Network, *spikevk.SpikeMonitor, *spikevk.RateMonitor, *spikevk.StateMonitor) {
		net := spikevk.COBA(spikevk.Config{Seed: 11, Backend: "cpu"}, 400, 0.05)
		t.Cleanup(func() { net.Close() })
		g := net.GroupByName("neurons")
		return net, net.SpikeMonitor(g, 3, 17, 200, 390), net.RateMonitor(g), net.StateMonitor(g, vars, 0.5, 0, 5)
	}
	path := filepath.Join(t.TempDir(), "c.npz")
	a, sa, ra, va := build("v", "g_e")
	run(t, a, 150)
	if err := a.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	run(t, a, 30)

	b, sb, rb, vb := build("v", "g_e")
	if err := b.LoadCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	run(t, b, 30)
	ia, ta := sa.Spikes()
	ib, tb := sb.Spikes()
	if len(ia) == 0 || !slices.Equal(ia, ib) || !slices.Equal(ta, tb) {
		t.Errorf("spikes: %d resumed, %d uninterrupted, or they differ", len(ib), len(ia))
	}
	rta, hza := ra.Rates()
	rtb, hzb := rb.Rates()
	if len(rta) != 1800 || !slices.Equal(rta, rtb) || !slices.Equal(hza, hzb) {
		t.Errorf("rates: %d resumed, %d uninterrupted, or they differ", len(rtb), len(rta))
	}
	for _, v := range []string{"v", "g_e"} {
		tva, xa, _ := va.Values(v)
		tvb, xb, _ := vb.Values(v)
		if len(tva) != 360 || !slices.Equal(tva, tvb) || !slices.EqualFunc(xa, xb, slices.Equal) {
			t.Errorf("%s: %d samples resumed, %d uninterrupted, or they differ", v, len(tvb), len(tva))
		}
	}

	c, sc, _, vc := build("v") // another state monitor: the records stay out
	if err := c.LoadCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	if tv, _, _ := vc.Values("v"); sc.Count() != 0 || len(tv) != 0 {
		t.Errorf("a network with other monitors got %d spikes and %d samples from the file, want none", sc.Count(), len(tv))
	}
}

// TestCheckpointMixedNetwork: the mixed network (delays of several steps,
// plastic synapses, Poisson input, several models) saved on the CPU after
// 150 ms continues on the Vulkan device exactly as on the CPU: the
// monitors of the loading network, given the file's records, end with the
// whole 300 ms.
func TestCheckpointMixedNetwork(t *testing.T) {
	vulkanOrSkip(t)
	path := filepath.Join(t.TempDir(), "mixed.npz")
	a, ma, groups, plastic := mixedNetwork("cpu")
	defer a.Close()
	run(t, a, 150)
	if err := a.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	run(t, a, 150)
	b, mb, _, plasticB := mixedNetwork("vulkan")
	defer b.Close()
	if err := b.LoadCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	run(t, b, 150)
	for k, g := range groups {
		sameRaster(t, g.Name(), since(ma[k], 0), since(mb[k], 0))
	}
	wa, err1 := plastic.Get("w")
	wb, err2 := plasticB.Get("w")
	if err1 != nil || err2 != nil || !slices.Equal(wa, wb) {
		t.Errorf("plastic weights differ (%v, %v)", err1, err2)
	}
}

// TestStoreRestore: after Store, 50 ms, Restore, the next 50 ms spike as
// the first did, on each backend; the summary is that of one run, and the
// monitors hold the 50 ms twice.
func TestStoreRestore(t *testing.T) {
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				vulkanOrSkip(t)
			}
			net, m := coba(t, backend)
			rm := net.RateMonitor(net.GroupByName("neurons"))
			run(t, net, 100)
			c, err := net.Store()
			if err != nil {
				t.Fatal(err)
			}
			if c.Time() != 100 {
				t.Errorf("checkpoint at %v ms, want 100", c.Time())
			}
			from := m.Count()
			run(t, net, 50)
			a, sa := since(m, from), net.Summary()
			if err := net.Restore(c); err != nil {
				t.Fatal(err)
			}
			if s := net.Summary(); s.Time != 100 {
				t.Errorf("time after Restore %v ms, want 100", s.Time)
			}
			from = m.Count()
			run(t, net, 50)
			sameRaster(t, "after Restore", a, since(m, from))
			tm, hz := rm.Rates()
			if n := len(tm); n != 2000 || !slices.Equal(tm[1000:1500], tm[1500:]) || !slices.Equal(hz[1000:1500], hz[1500:]) {
				t.Errorf("rate monitor: %d rates; the last 500 should repeat the 500 before in time and value", n)
			}
			if sb := net.Summary(); sa.Time != sb.Time || sa.Events != sb.Events || !reflect.DeepEqual(sa.Groups, sb.Groups) {
				t.Errorf("summary after Restore %+v, want %+v", sb.Groups, sa.Groups)
			}
		})
	}
}

// TestCheckpointErrors: checkpoints of other networks, damaged files and
// a Store before the first Run are errors that say so.
func TestCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "coba.npz")
	net, _ := coba(t, "cpu")
	if _, err := net.Store(); err == nil || !strings.Contains(err.Error(), "not run") {
		t.Errorf("Store before Run: %v", err)
	}
	run(t, net, 10)
	if err := net.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	c, err := net.Store()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.npz")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.npz")
	flipped := slices.Clone(data)
	for k := len(flipped) / 3; k < len(flipped)/3+8; k++ {
		flipped[k] ^= 0x5a // inside an entry's data: the directory stays intact
	}
	if err := os.WriteFile(damaged, flipped, 0o644); err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "forged.npz")
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "groups/neurons/v.npy", Method: zip.Store})
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999,), }"
	header += strings.Repeat(" ", 64-(10+len(header)+1)%64) + "\n"
	w.Write(append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, byte(len(header)), byte(len(header) >> 8)}, header...))
	w.Write(make([]byte, 16))
	zw.Close()
	if err := os.WriteFile(forged, zbuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	closed := func(n *spikevk.Network) *spikevk.Network {
		t.Cleanup(func() { n.Close() })
		return n
	}
	other := func(cfg spikevk.Config, size int, p float64) *spikevk.Network {
		return closed(spikevk.COBA(cfg, size, p))
	}
	cfg := spikevk.Config{Seed: 5, Backend: "cpu"}
	for _, tc := range []struct {
		name string
		net  *spikevk.Network
		path string
		want string
	}{
		{"truncated", other(cfg, 1000, 0.05), truncated, "truncated.npz"},
		{"missing", other(cfg, 1000, 0.05), filepath.Join(dir, "none.npz"), "none.npz"},
		{"damaged", other(cfg, 1000, 0.05), damaged, "is damaged"},
		{"forged", other(cfg, 1000, 0.05), forged, "entry groups/neurons/v.npy claims 39999999996 bytes of data in"},
		{"other synapses", other(cfg, 1000, 0.02), path, "another network"},
		{"other size", other(cfg, 800, 0.05), path, "another network"},
		{"other seed", other(spikevk.Config{Seed: 6, Backend: "cpu"}, 1000, 0.05), path, "seed"},
		{"other time step", other(spikevk.Config{Seed: 5, DT: 0.05, Backend: "cpu"}, 1000, 0.05), path, "time step"},
		{"other model", closed(spikevk.CUBA(cfg, 1000, 0.05)), path, "another network"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.net.LoadCheckpoint(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadCheckpoint: %v; want an error naming %q", err, tc.want)
			}
			t.Log(err)
			if tc.path != path {
				return
			}
			if err := tc.net.Restore(c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Restore: %v; want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestCheckpointObserved: a state monitor of a subexpression makes the
// step write it, so a checkpoint loads only into a network that monitors
// the same subexpressions; monitors of states do not matter.
func TestCheckpointObserved(t *testing.T) {
	build := func(vars ...string) *spikevk.Network {
		net := spikevk.New(spikevk.Config{Seed: 3, Backend: "cpu"})
		t.Cleanup(func() { net.Close() })
		g := net.Group("g", 10, spikevk.Equations{Equations: "dv/dt = (I_leak + 1*mV)/(10*ms) : volt\nI_leak = -v : volt"}.Model())
		if len(vars) > 0 {
			net.StateMonitor(g, vars, 0)
		}
		return net
	}
	path := filepath.Join(t.TempDir(), "c.npz")
	a := build()
	run(t, a, 5)
	if err := a.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	if err := build("v").LoadCheckpoint(path); err != nil {
		t.Errorf("a monitor of a state: %v", err)
	}
	if err := build("I_leak").LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), "state monitors of subexpressions") {
		t.Errorf("a monitor of a subexpression: %v, want an error naming them", err)
	}
}
