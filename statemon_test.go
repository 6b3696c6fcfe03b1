package spikevk_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/host"
)

// TestStateMonitor: a state monitor of a subgroup that samples v every
// 1 ms holds the values Get returns after Runs of 1 ms each of the same
// network (v receives no synaptic input, so its value at the start of a
// step is the one after the step before), across Runs and on each
// backend; the CPU and Vulkan samples are identical.
func TestStateMonitor(t *testing.T) {
	const size, ms = 400, 10
	neurons := []int{3, 17, 42, 0}
	samples := map[string][][]float32{}
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				vulkanOrSkip(t)
			}
			cfg := spikevk.Config{Seed: 3, Backend: backend}
			net := spikevk.COBA(cfg, size, 0.05)
			defer net.Close()
			sub := net.GroupByName("neurons").Slice(100, 150)
			m := net.StateMonitor(sub, []string{"v", "g_e"}, 1, neurons...)
			run(t, net, ms/2)
			run(t, net, ms/2)
			tm, v, err := m.Values("v")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := m.Values("g_i"); err == nil || !strings.Contains(err.Error(), `"g_i"`) || !strings.Contains(err.Error(), `group "neurons"[100:150]`) {
				t.Errorf("Values of a variable not recorded: %v", err)
			}
			ref := spikevk.COBA(cfg, size, 0.05)
			defer ref.Close()
			refSub := ref.GroupByName("neurons").Slice(100, 150)
			if len(v) != ms || len(tm) != ms {
				t.Fatalf("%d samples at %v, want %d", len(v), tm, ms)
			}
			for k := range ms {
				if k == 0 {
					run(t, ref, 0)
				} else {
					run(t, ref, 1)
				}
				if want := float64(host.Time(uint32(10*k), 0.1)); tm[k] != want {
					t.Errorf("sample %d at %v ms, want %v", k, tm[k], want)
				}
				all, err := refSub.Get("v")
				if err != nil {
					t.Fatal(err)
				}
				for j, i := range neurons {
					if math.Float32bits(v[k][j]) != math.Float32bits(all[i]) {
						t.Errorf("sample %d neuron %d: v = %v, want %v (Get)", k, i, v[k][j], all[i])
					}
				}
			}
			_, ge, _ := m.Values("g_e")
			samples[backend] = append(v, ge...)
			if v[ms-1][0] == v[0][0] {
				t.Error("v did not change: the test covers nothing")
			}
		})
	}
	if cpu, vk := samples["cpu"], samples["vulkan"]; cpu != nil && vk != nil {
		for k := range cpu {
			if !slices.Equal(cpu[k], vk[k]) {
				t.Errorf("sample row %d: cpu %v, vulkan %v", k, cpu[k], vk[k])
			}
		}
	}
}

// TestStateMonitorErrors: a variable the model lacks, a period that is not
// a whole number of steps and a neuron outside the group are errors that
// name the group and what is wrong.
func TestStateMonitorErrors(t *testing.T) {
	for _, tc := range []struct {
		mon  func(net *spikevk.Network, g *spikevk.Group)
		want []string
	}{
		{func(net *spikevk.Network, g *spikevk.Group) { net.StateMonitor(g, []string{"v", "w"}, 0) }, []string{`group "neurons"`, `variable "w"`}},
		{func(net *spikevk.Network, g *spikevk.Group) { net.StateMonitor(g, []string{"v"}, 0.25) }, []string{`group "neurons"`, "0.25 ms"}},
		{func(net *spikevk.Network, g *spikevk.Group) { net.StateMonitor(g.Slice(0, 5), []string{"v"}, 0, 5) }, []string{`group "neurons"[0:5]`, "neuron 5"}},
	} {
		net := spikevk.COBA(spikevk.Config{Backend: "cpu"}, 20, 0.1)
		tc.mon(net, net.GroupByName("neurons"))
		err := net.Run(context.Background(), 1)
		net.Close()
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error %v, want one with %s", err, w)
			}
		}
	}
}

// runaway is a network whose neuron 17 of group "P" grows without bound
// and passes 1e30 mV after about 1,380 steps, in the second batch of
// steps, with Poisson inputs that spike all along.
func runaway(backend string) (*spikevk.Network, *spikevk.SpikeMonitor) {
	net := spikevk.New(spikevk.Config{Seed: 2, Backend: backend})
	p := net.Group("P", 20, spikevk.Equations{Equations: "dv/dt = v/tau : volt\ntau : second"}.Model())
	p.Set("v", "1*mV").Set("tau", "20*ms")
	p.Slice(17, 18).Set("tau", "2*ms")
	in := net.PoissonGroup("in", 50, "200*Hz")
	return net, net.SpikeMonitor(in)
}

// TestStateError: a runaway value stops Run after its batch with a
// *host.StateError that names the group, neuron, variable and time, the
// same on both backends; the spikes up to the fault stay (none after it),
// later Runs return the error again, and a Restore goes on.
func TestStateError(t *testing.T) {
	errs := map[string]host.StateError{}
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				vulkanOrSkip(t)
			}
			net, spikes := runaway(backend)
			defer net.Close()
			run(t, net, 0)
			start, err := net.Store()
			if err != nil {
				t.Fatal(err)
			}
			err = net.Run(context.Background(), 300)
			var se *host.StateError
			if !errors.As(err, &se) {
				t.Fatalf("Run: %v, want a *host.StateError", err)
			}
			errs[backend] = *se
			if se.Group != "P" || se.Neuron != 17 || se.Var != "v" || se.Step < 1000 || se.Step >= 2000 ||
				!strings.HasPrefix(err.Error(), `group "P", neuron 17, variable v at t = `) {
				t.Errorf("fault %+v: %v", *se, err)
			}
			if f := net.Summary().Fault; f == nil || f.Group != "P" || f.Neuron != 17 || f.Variable != "v" || f.Time != float64(se.Time) {
				t.Errorf("summary fault %+v, want that of %v", f, err)
			}
			if got := net.Summary().Time; got != 200 {
				t.Errorf("the run stopped at %v ms, want 200 (the end of the faulty batch)", got)
			}
			_, ts := spikes.Spikes()
			if len(ts) == 0 || ts[len(ts)-1] < float64(se.Time)-20 || ts[len(ts)-1] > float64(se.Time) {
				t.Errorf("%d spikes kept, the last at %v ms; want the batch up to the fault at %v ms", len(ts), ts[len(ts)-1], se.Time)
			}
			if err := net.Run(context.Background(), 1); !errors.As(err, &se) {
				t.Errorf("Run after the fault: %v, want the fault again", err)
			}
			if err := net.Restore(start); err != nil {
				t.Fatal(err)
			}
			if f := net.Summary().Fault; f != nil {
				t.Errorf("fault %+v after Restore", f)
			}
			run(t, net, 100)
		})
	}
	if len(errs) == 2 && errs["cpu"] != errs["vulkan"] {
		t.Errorf("faults differ: cpu %+v, vulkan %+v", errs["cpu"], errs["vulkan"])
	}
}

// TestFaultInMetadata: metadata.json records the fault that stopped a run,
// and the state monitor holds no sample after it.
func TestFaultInMetadata(t *testing.T) {
	dir := t.TempDir()
	net, _ := runaway("cpu")
	defer net.Close()
	states := net.StateMonitor(net.GroupByName("P"), []string{"v"}, 1)
	net.Record(dir)
	if err := net.Run(context.Background(), 300); err == nil {
		t.Fatal("no fault")
	}
	ts, _, err := states.Values("v")
	if f := net.Summary().Fault; err != nil || len(ts) == 0 || ts[len(ts)-1] > f.Time {
		t.Errorf("samples until %v ms (%v), want none after the fault at %v ms", ts[len(ts)-1], err, f.Time)
	}
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Summary struct {
			Fault *struct {
				Group    string `json:"group"`
				Neuron   int    `json:"neuron"`
				Variable string `json:"variable"`
				Value    any    `json:"value"`
			} `json:"fault"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if f := meta.Summary.Fault; f == nil || f.Group != "P" || f.Neuron != 17 || f.Variable != "v" || f.Value == nil {
		t.Errorf("metadata.json fault %+v:\n%s", f, data)
	}
}

// TestRecord: Record writes the spikes, the samples in SI units and
// metadata.json at the end of each Run; each file is replaced by a rename, so a
// reader that opened it earlier keeps a complete older version, and no
// temporary file stays.
func TestRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	net := spikevk.COBA(spikevk.Config{Seed: 4, Backend: "cpu"}, 200, 0.1)
	defer net.Close()
	all := net.GroupByName("neurons")
	spikes := net.SpikeMonitor(all)
	state := net.StateMonitor(all.Slice(10, 20), []string{"v", "g_e"}, 0.5)
	rate := net.RateMonitor(all.Slice(0, 160))
	net.Record(dir)
	run(t, net, 150)
	old, err := os.Open(filepath.Join(dir, "spikes_neurons.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	before := spikes.Count()
	run(t, net, 100) // a batch of 1,000 steps, then 500 more

	var i []int32
	var ts []float64
	readNPZ(t, old, "i.npy", &i)
	if len(i) != before {
		t.Errorf("the file opened before the second Run holds %d spikes, want %d", len(i), before)
	}
	f := openFile(t, filepath.Join(dir, "spikes_neurons.npz"))
	readNPZ(t, f, "i.npy", &i)
	readNPZ(t, f, "t.npy", &ts)
	wi, wt := spikes.Spikes()
	if !slices.Equal(i, wi) || len(ts) != len(wt) || len(ts) == 0 || ts[len(ts)-1] != wt[len(wt)-1]/1000 {
		t.Errorf("spike file: %d spikes, the monitor %d", len(i), len(wi))
	}

	f = openFile(t, filepath.Join(dir, "state_neurons.npz"))
	var st []float64
	var v, ge []float64
	var idx []int32
	readNPZ(t, f, "t.npy", &st)
	readNPZ(t, f, "neurons.npy", &idx)
	readNPZ(t, f, "v.npy", &v)
	readNPZ(t, f, "g_e.npy", &ge)
	mt, mv, _ := state.Values("v")
	_, mg, _ := state.Values("g_e")
	if len(st) != 500 || len(mt) != 500 || st[499] != mt[499]/1000 || len(idx) != 10 || idx[9] != 9 {
		t.Fatalf("state file: %d times (last %v s), neurons %v; the monitor has %d samples", len(st), st[len(st)-1], idx, len(mt))
	}
	if len(v) != 500*10 || len(ge) != 500*10 {
		t.Fatalf("state file: %d values of v and %d of g_e, want 5000", len(v), len(ge))
	}
	for k, x := range v {
		if x != float64(mv[k/10][k%10])/1e3 || ge[k] != float64(mg[k/10][k%10])/1e9 {
			t.Fatalf("value %d: v %v V, g_e %v S; the monitor has %v mV, %v nS", k, x, ge[k], mv[k/10][k%10], mg[k/10][k%10])
		}
	}

	f = openFile(t, filepath.Join(dir, "rate_neurons.npz"))
	var rt, hz []float64
	readNPZ(t, f, "t.npy", &rt)
	readNPZ(t, f, "rate.npy", &hz)
	mrt, mhz := rate.Rates()
	if len(rt) != 2500 || len(hz) != 2500 || rt[2499] != mrt[2499]/1000 || !slices.Equal(hz, mhz) || slices.Max(hz) == 0 {
		t.Errorf("rate file: %d times (monitor %d), rates equal: %v", len(rt), len(mrt), slices.Equal(hz, mhz))
	}

	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Spikevk, Go, Backend string
		Seed                 uint64
		DT                   float64 `json:"dt_ms"`
		Files                []struct {
			File, Kind, Group string
			Units             map[string]string
		}
		Summary spikevk.Summary
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatalf("metadata.json: %v\n%s", err, data)
	}
	if meta.Spikevk == "" || !strings.HasPrefix(meta.Go, "go") || meta.Backend != "cpu" || meta.Seed != 4 || meta.DT != 0.1 ||
		meta.Summary.Time != 250 || len(meta.Files) != 3 || meta.Files[1].File != "state_neurons.npz" ||
		meta.Files[2].File != "rate_neurons.npz" || meta.Files[2].Kind != "rate" ||
		meta.Files[1].Units["v"] != "V" || meta.Files[1].Units["g_e"] != "S" {
		t.Errorf("metadata.json:\n%s", data)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"metadata.json", "rate_neurons.npz", "spikes_neurons.npz", "state_neurons.npz"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
}

func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readNPZ(t *testing.T, f *os.File, name string, dst any) {
	t.Helper()
	if err := npz.Read(f, name, dst); err != nil {
		t.Fatalf("%s: %s: %v", f.Name(), name, err)
	}
}

// TestSaturation: synaptic input past the fixed-point range of the rings
// (one huge weight, inputs that wrap, a feedback rule that climbs and
// sticks) is a fault naming the group, neuron, variable and the
// projections, the same on both backends, instead of a clamped or wrapped
// value that the run goes on with.
func TestSaturation(t *testing.T) {
	for _, tt := range []struct {
		name  string
		build func(net *spikevk.Network)
	}{
		{"huge weight", func(net *spikevk.Network) {
			src := net.SpikeGenerator("src", 1, []int{0}, []float64{2})
			cells := net.Group("cells", 2, spikevk.Builtin("lif_coba_exp"))
			net.Connect("huge", src, cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll()).Set("w", "3e9*nS")
		}},
		{"wrapping sum", func(net *spikevk.Network) {
			src := net.SpikeGenerator("src", 3, []int{0, 1, 2}, []float64{2, 2, 2})
			cells := net.Group("cells", 2, spikevk.Builtin("lif_coba_exp"))
			net.Connect("big", src, cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll()).Set("w", "1e9*nS")
		}},
		{"feedback", func(net *spikevk.Network) {
			src := net.PoissonGroup("src", 1, "1000*Hz")
			cells := net.Group("cells", 2, spikevk.Equations{Equations: "dx/dt = -x/(1000*ms) : 1"}.Model()).Set("x", "1")
			net.Connect("feedback", src, cells, spikevk.Synapses{Model: "w : 1", OnPre: "x_post += w*x_post"}, spikevk.AllToAll()).Set("w", "1")
		}},
	} {
		var faults []host.StateError
		for _, backend := range []string{"cpu", "vulkan"} {
			t.Run(tt.name+"/"+backend, func(t *testing.T) {
				if backend == "vulkan" {
					vulkanOrSkip(t)
				}
				net := spikevk.New(spikevk.Config{Backend: backend})
				tt.build(net)
				err := net.Run(context.Background(), 100)
				net.Close()
				var se *host.StateError
				if !errors.As(err, &se) || se.Group != "cells" || !strings.Contains(err.Error(), "saturates the fixed-point range") || !strings.Contains(err.Error(), "inputs from projection") {
					t.Fatalf("%v, want a saturation fault of cells naming the projection", err)
				}
				t.Log(err)
				faults = append(faults, *se)
			})
		}
		if len(faults) == 2 && faults[0] != faults[1] {
			t.Errorf("%s: faults differ: cpu %+v, vulkan %+v", tt.name, faults[0], faults[1])
		}
	}
}

// TestRunawayHint: a runaway of an explicit method's instability says the
// likely cause.
func TestRunawayHint(t *testing.T) {
	net := spikevk.New(spikevk.Config{Backend: "cpu"})
	defer net.Close()
	net.Group("fast", 2, spikevk.Equations{Equations: "dv/dt = -v/(0.01*ms) : volt", Method: "euler"}.Model()).Set("v", "1*mV")
	err := net.Run(context.Background(), 100)
	if err == nil || !strings.Contains(err.Error(), "runs away") || !strings.Contains(err.Error(), "integrates with euler, an explicit method") {
		t.Errorf("%v, want a runaway with the explicit-method hint", err)
	}
}
