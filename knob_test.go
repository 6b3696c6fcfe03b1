package spikevk_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
)

// knobNames are the knobs every network of knobNetwork declares: a
// Poisson rate (its rates·dt is a derived value), a current of the LIF
// cells and of a subgroup of them (read by the step itself), and a decay
// time (its exp(-dt/tau_e) is derived).
var knobNames = []string{"input.rates", "cells.I", "cells.tau_e", "cells[0:150].I"}

// knobNetwork is the network of the knob tests: 100 Poisson sources at
// 20 Hz drive 300 COBA cells (lif_coba_exp) through excitatory synapses;
// the last 60 cells inhibit all of them. Each value sets a knob (by name)
// with Group.Set as the network is built; with knobs, the network
// declares the knobs of knobNames; monitors record both groups.
func knobNetwork(t *testing.T, backend string, knobs bool, values map[string]string) (*spikevk.Network, []*spikevk.SpikeMonitor) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Seed: 3, Backend: backend})
	t.Cleanup(func() { net.Close() })
	in := net.PoissonGroup("input", 100, "20*Hz")
	cells := net.Group("cells", 300, spikevk.Builtin("lif_coba_exp"))
	cells.Set("v", "E_L + rand()*(V_th - E_L)").Set("I", "80*pA")
	net.Connect("drive", in, cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
		spikevk.FixedProbability(0.1)).Set("w", "3*nS")
	net.Connect("inh", cells.Slice(240, 300), cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_i_post += w"},
		spikevk.FixedProbability(0.1)).Set("w", "4*nS").SetDelay("1*ms")
	groups := map[string]*spikevk.Group{"input": in, "cells": cells, "cells[0:150]": cells.Slice(0, 150)}
	for name, v := range values {
		dot := strings.LastIndexByte(name, '.')
		groups[name[:dot]].Set(name[dot+1:], v)
	}
	if knobs {
		for _, name := range knobNames {
			dot := strings.LastIndexByte(name, '.')
			if k := groups[name[:dot]].Knob(name[dot+1:]); k.Name() != name {
				t.Fatalf("knob %q is called %q", name, k.Name())
			}
		}
	}
	return net, []*spikevk.SpikeMonitor{net.SpikeMonitor(in), net.SpikeMonitor(cells)}
}

// knob returns the knob called name of net.
func knob(t *testing.T, net *spikevk.Network, name string) *spikevk.Knob {
	t.Helper()
	k, err := net.KnobByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func setKnob(t *testing.T, net *spikevk.Network, name, value string) {
	t.Helper()
	if err := knob(t, net, name).Set(value); err != nil {
		t.Fatal(err)
	}
}

// knobCases are the changes of the knob tests; the values are free of
// random draws, so that Group.Set and Knob.Set give the same arrays.
var knobCases = []struct{ knob, value string }{
	{"input.rates", "45*Hz"},
	{"cells.I", "120*pA + i*0.1*pA"},
	{"cells.tau_e", "2*ms"},
	{"cells[0:150].I", "0.15*nA"},
}

// backends lists the backends of the knob tests: the CPU reference, and
// Vulkan where a device answers (required where SPIKEVK_REQUIRE_GPU=1).
func backends(t *testing.T) []string {
	t.Helper()
	vulkanOrSkip(t)
	return []string{"cpu", "vulkan"}
}

// TestKnobStep: a knob changed after k steps gives exactly the spikes and
// the state of a network built with the new value that starts at step k
// from the first network's state. That network's state comes from a
// checkpoint file of the first network at step k whose arrays that depend
// on the value (found as those that differ between the two networks'
// files at step 0: the parameter and the values derived from it) are
// those its own build computed. On each backend.
func TestKnobStep(t *testing.T) {
	const k, m = 40.0, 120.0 // ms
	for _, backend := range backends(t) {
		for _, tc := range knobCases {
			t.Run(backend+"/"+tc.knob, func(t *testing.T) {
				dir := t.TempDir()
				old0, new0 := filepath.Join(dir, "old0.npz"), filepath.Join(dir, "new0.npz")
				for _, f := range []struct {
					path   string
					values map[string]string
				}{{old0, nil}, {new0, map[string]string{tc.knob: tc.value}}} {
					net, _ := knobNetwork(t, backend, true, f.values)
					run(t, net, 0)
					if err := net.SaveCheckpoint(f.path); err != nil {
						t.Fatal(err)
					}
				}
				changed := differing(t, old0, new0)
				if !slices.ContainsFunc(changed, func(e string) bool { return strings.HasSuffix(tc.knob, "."+knobParam(e)) }) {
					t.Fatalf("the entries that differ, %v, lack the parameter of %s", changed, tc.knob)
				}

				a, am := knobNetwork(t, backend, true, nil)
				run(t, a, k)
				atK := filepath.Join(dir, "a.npz")
				if err := a.SaveCheckpoint(atK); err != nil {
					t.Fatal(err)
				}
				from := []int{am[0].Count(), am[1].Count()}
				setKnob(t, a, tc.knob, tc.value)
				run(t, a, m)

				b, bm := knobNetwork(t, backend, true, map[string]string{tc.knob: tc.value})
				merged := filepath.Join(dir, "merged.npz")
				merge(t, atK, new0, changed, merged)
				if err := b.LoadCheckpoint(merged); err != nil {
					t.Fatal(err)
				}
				run(t, b, m)
				for g := range am {
					sameRaster(t, "after the change", since(bm[g], from[g]), since(am[g], from[g])) // bm holds the file's records before
				}
				sameFinal(t, a, b)

				plain, pm := knobNetwork(t, backend, true, nil)
				run(t, plain, k+m)
				if slices.Equal(since(pm[1], from[1]).i, since(am[1], from[1]).i) {
					t.Fatal("the change of the knob changes no spike: the test covers nothing")
				}
			})
		}
	}
}

// knobParam is the array of a checkpoint entry group/<g>/<array>.npy.
func knobParam(entry string) string {
	return strings.TrimSuffix(entry[strings.LastIndexByte(entry, '/')+1:], ".npy")
}

// entries reads the raw contents of the entries of a checkpoint file.
func entries(t *testing.T, path string) (map[string][]byte, []string) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string][]byte{}
	var order []string
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
		order = append(order, f.Name)
	}
	return out, order
}

// differing lists the group arrays whose entries differ between two
// checkpoint files.
func differing(t *testing.T, a, b string) []string {
	t.Helper()
	ea, order := entries(t, a)
	eb, _ := entries(t, b)
	var out []string
	for _, name := range order {
		if strings.HasPrefix(name, "group/") && !bytes.Equal(ea[name], eb[name]) {
			out = append(out, name)
		}
	}
	return out
}

// merge writes to out the checkpoint file base with the entries names
// taken from file from.
func merge(t *testing.T, base, from string, names []string, out string) {
	t.Helper()
	eb, order := entries(t, base)
	ef, _ := entries(t, from)
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		data := eb[name]
		if slices.Contains(names, name) {
			data = ef[name]
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sameFinal requires the arrays of two networks' checkpoints to be equal
// bit for bit (knob values and statistics aside).
func sameFinal(t *testing.T, a, b *spikevk.Network) {
	t.Helper()
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz")
	if err := a.SaveCheckpoint(pa); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveCheckpoint(pb); err != nil {
		t.Fatal(err)
	}
	ea, order := entries(t, pa)
	eb, _ := entries(t, pb)
	for _, name := range order {
		if (strings.HasPrefix(name, "group/") || strings.HasPrefix(name, "projection/")) && !bytes.Equal(ea[name], eb[name]) {
			t.Errorf("final state: %s differs", name)
		}
	}
}

// TestKnobUnfolded: a knob set before the first Run, or after a Run of 0
// ms, runs exactly as a network without knobs built with the value, whose
// uniform parameters the backends fold into their programs; on each
// backend.
func TestKnobUnfolded(t *testing.T) {
	for _, backend := range backends(t) {
		for _, tc := range knobCases {
			for _, when := range []string{"before", "after"} {
				t.Run(backend+"/"+tc.knob+"/"+when, func(t *testing.T) {
					want, wm := knobNetwork(t, backend, false, map[string]string{tc.knob: tc.value})
					run(t, want, 100)
					got, gm := knobNetwork(t, backend, true, nil)
					if when == "after" {
						run(t, got, 0)
					}
					setKnob(t, got, tc.knob, tc.value)
					run(t, got, 100)
					for g := range wm {
						sameRaster(t, "", since(wm[g], 0), since(gm[g], 0))
					}
					for _, v := range []string{"v", "g_e", "g_i"} {
						if !slices.Equal(get(t, want, "cells", v), get(t, got, "cells", v)) {
							t.Errorf("%s differs", v)
						}
					}
				})
			}
		}
	}
}

// knobProtocol runs a network for 200 ms with several knob changes, among
// them values with random draws, and returns its monitors.
func knobProtocol(t *testing.T, backend string) (*spikevk.Network, []*spikevk.SpikeMonitor) {
	t.Helper()
	net, mons := knobNetwork(t, backend, true, nil)
	for _, step := range []struct {
		ms           float64
		knob, values string
	}{
		{20, "input.rates", "40*Hz"},
		{30, "cells.I", "100*pA + rand()*50*pA"},
		{25, "cells.tau_e", "3*ms + i*0.01*ms"},
		{0, "cells[0:150].I", "I - 30*pA"},
		{40, "input.rates", "5*Hz + randn()*1*Hz"},
		{15, "cells.tau_e", "5*ms"},
		{70, "", ""},
	} {
		run(t, net, step.ms)
		if step.knob != "" {
			setKnob(t, net, step.knob, step.values)
		}
	}
	return net, mons
}

// TestKnobExact: a protocol of knob changes runs on Vulkan exactly as on
// the CPU reference: spikes, states, parameters and derived values.
func TestKnobExact(t *testing.T) {
	vulkanOrSkip(t)
	ref, rm := knobProtocol(t, "cpu")
	got, gm := knobProtocol(t, "vulkan")
	for g := range rm {
		sameRaster(t, "vulkan", since(rm[g], 0), since(gm[g], 0))
	}
	sameFinal(t, ref, got)
	if k := knob(t, got, "cells.tau_e"); k.Value() != "5*ms" {
		t.Errorf("value %q, want 5*ms", k.Value())
	}
}

// TestKnobCheckpoint: the knobs' values travel with Store/Restore and with
// checkpoint files, and a restored run after knob changes continues bit
// for bit, also on a network whose knobs were never set.
func TestKnobCheckpoint(t *testing.T) {
	a, am := knobNetwork(t, "cpu", true, nil)
	run(t, a, 30)
	setKnob(t, a, "cells.I", "150*pA")
	run(t, a, 30)
	c, err := a.Store()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.npz")
	if err := a.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	from := am[1].Count()
	setKnob(t, a, "cells.I", "50*pA")
	run(t, a, 60)
	want := since(am[1], from)

	b, bm := knobNetwork(t, "cpu", true, nil)
	if err := b.LoadCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	if v := knob(t, b, "cells.I").Value(); v != "150*pA" {
		t.Errorf("after LoadCheckpoint: value %q, want 150*pA", v)
	}
	setKnob(t, b, "cells.I", "50*pA")
	run(t, b, 60)
	sameRaster(t, "after LoadCheckpoint", want, since(bm[1], from)) // bm holds the file's records before

	if err := a.Restore(c); err != nil {
		t.Fatal(err)
	}
	if v := knob(t, a, "cells.I").Value(); v != "150*pA" {
		t.Errorf("after Restore: value %q, want 150*pA", v)
	}
	from = am[1].Count()
	setKnob(t, a, "cells.I", "50*pA")
	run(t, a, 60)
	sameRaster(t, "after Restore", want, since(am[1], from))
}

// TestKnobErrors: what cannot be a knob, or a value of one, is an error
// that names the group and parameter and lists what exists; a failed Set
// changes nothing.
func TestKnobErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		do     func(net *spikevk.Network) error
		want   []string
		poison bool // the error also stops Run
	}{
		{"unknown group", func(net *spikevk.Network) error { _, err := net.KnobByName("cell.I"); return err },
			[]string{`no group "cell"`, "input, cells"}, false},
		{"unknown parameter", func(net *spikevk.Network) error { _, err := net.KnobByName("cells.I_ext"); return err },
			[]string{"cells", "no parameter I_ext", "g_L, E_L", "tau_e"}, false},
		{"rate", func(net *spikevk.Network) error { _, err := net.KnobByName("input.rate"); return err },
			[]string{"input", "no parameter rate", "parameters: rates"}, false},
		{"no dot", func(net *spikevk.Network) error { _, err := net.KnobByName("cells"); return err },
			[]string{"group.parameter"}, false},
		{"state", func(net *spikevk.Network) error { _, err := net.KnobByName("cells.v"); return err },
			[]string{"cells", "v is a state variable", "parameters: g_L"}, false},
		{"Group.Knob", func(net *spikevk.Network) error { return net.GroupByName("cells").Knob("g_e").Set("1*nS") },
			[]string{"cells", "g_e is a state variable"}, true},
		{"unit", func(net *spikevk.Network) error { return knob(t, net, "cells.I").Set("20*mV") },
			[]string{"cells.I", "value of I"}, false},
		{"unit after Run", func(net *spikevk.Network) error {
			run(t, net, 1)
			return knob(t, net, "input.rates").Set("20*ms")
		}, []string{"input.rates", "value of rates"}, false},
		{"unknown name", func(net *spikevk.Network) error {
			run(t, net, 1)
			return knob(t, net, "cells.tau_e").Set("tau_x")
		}, []string{"cells.tau_e", "tau_x"}, false},
		{"Knob after Run", func(net *spikevk.Network) error {
			run(t, net, 1)
			return net.GroupByName("cells").Knob("V_th").Set("-55*mV")
		}, []string{"cells.V_th", "before the first Run"}, false},
		{"KnobByName after Run", func(net *spikevk.Network) error {
			run(t, net, 1)
			_, err := net.KnobByName("cells.V_th")
			return err
		}, []string{"cells.V_th", "not declared before the first Run", "input.rates, cells.I"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, _ := knobNetwork(t, "cpu", true, nil)
			err := tc.do(net)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			runErr := net.Run(context.Background(), 1)
			if tc.poison != (runErr != nil) {
				t.Errorf("Run after the error: %v (want an error: %v)", runErr, tc.poison)
			}
		})
	}

	// A failed Set after the first Run changes nothing.
	net, _ := knobNetwork(t, "cpu", true, nil)
	run(t, net, 1)
	before := get(t, net, "cells", "tau_e")
	if err := knob(t, net, "cells.tau_e").Set("2*mV"); err == nil {
		t.Fatal("no error")
	}
	if !slices.Equal(before, get(t, net, "cells", "tau_e")) || knob(t, net, "cells.tau_e").Value() != "" {
		t.Error("a failed Set changed the knob")
	}
}

// TestKnobDuringRun: Set while a Run is in progress on another goroutine
// is an error that changes nothing, and the next Set between Runs works.
func TestKnobDuringRun(t *testing.T) {
	net, _ := knobNetwork(t, "cpu", true, nil)
	k := knob(t, net, "input.rates")
	inRun, proceed := make(chan struct{}), make(chan struct{})
	first := true
	net.Watch(func(uint64, int, [][]uint32) {
		if first {
			first = false
			close(inRun)
			<-proceed
		}
	})
	done := make(chan error)
	go func() { done <- net.Run(context.Background(), 200) }()
	<-inRun
	err := k.Set("80*Hz")
	close(proceed)
	if runErr := <-done; runErr != nil {
		t.Fatal(runErr)
	}
	if err == nil || !strings.Contains(err.Error(), "between Runs") {
		t.Fatalf("Set during a Run: %v, want an error", err)
	}
	if k.Value() != "" {
		t.Errorf("value %q after a failed Set", k.Value())
	}
	if err := k.Set("80*Hz"); err != nil {
		t.Fatal(err)
	}
	if v, _ := net.GroupByName("input").Get("rates"); math.Abs(float64(v[0])-80e-3) > 1e-7 {
		t.Errorf("rates %v, want 0.08 (per ms)", v[0])
	}
}
