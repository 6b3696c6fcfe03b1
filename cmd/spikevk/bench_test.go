package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBench runs the benchmark table on a small network and checks the
// structural figures the Vulkan backend promises for COBA: at most 3
// dispatches per time step, no host synchronisation inside a batch, at
// most 8 bytes per static synapse.
func TestBench(t *testing.T) {
	requireDevice(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-n", "1000", "-backend", "cpu,vulkan", "-t", "50", "-brian2", "no", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []benchRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Err != "" || r.Synapses == 0 || r.Time != 50 || !(r.RealTimeFactor > 0) || !(r.BytesPerSyn > 4) || r.BytesPerSyn > 8 {
			t.Errorf("%s: %+v", r.Backend, r)
		}
	}
	if v := rows[1]; v.DispatchesStep != 3 || v.BarriersStep > 3 || v.SyncsPerS > 1000/50.0*2 {
		t.Errorf("vulkan: %.1f dispatches and %.1f barriers per step, %.1f host waits per biological second",
			v.DispatchesStep, v.BarriersStep, v.SyncsPerS)
	}
}

// TestBenchNetworks: -net cuba, zerlaut and pd14 run (CPU, 20 ms), -save writes
// the rows, and an unknown network is an error naming the known ones.
func TestBenchNetworks(t *testing.T) {
	save := filepath.Join(t.TempDir(), "rows.json")
	for _, tc := range []struct {
		net     string
		neurons int
	}{{"cuba", 500}, {"zerlaut", 10200}, {"pd14", 500}} {
		var out, errOut bytes.Buffer
		if code := run([]string{"bench", "-net", tc.net, "-n", "500", "-backend", "cpu", "-t", "20", "-brian2", "no", "-save", save}, &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.net, code, errOut.String())
		}
		data, err := os.ReadFile(save)
		if err != nil {
			t.Fatal(err)
		}
		var rows []benchRow
		if err := json.Unmarshal(data, &rows); err != nil || len(rows) != 1 {
			t.Fatalf("%s: %d rows (%v)", tc.net, len(rows), err)
		}
		if r := rows[0]; r.Err != "" || r.Neurons != tc.neurons || r.Synapses == 0 || !(r.RealTimeFactor > 0) {
			t.Errorf("%s: %+v, want %d neurons", tc.net, r, tc.neurons)
		}
	}
	var out bytes.Buffer
	if code := run([]string{"bench", "-net", "pd15"}, &out, &out); code == 0 || !strings.Contains(out.String(), "coba, cuba, zerlaut or pd14") {
		t.Errorf("-net pd15: exit %d: %s", code, out.String())
	}
}

// TestBenchRowWalk: -rowwalk serial,cooperative gives the Vulkan backend
// a row for each walk, named by it, with the same rate (the walks give the
// same spikes), and the CPU backend one row; an unknown walk is an error.
func TestBenchRowWalk(t *testing.T) {
	requireDevice(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-n", "1000", "-backend", "vulkan,cpu", "-rowwalk", "serial,cooperative", "-t", "20", "-brian2", "no", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []benchRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	var names []string
	for _, r := range rows {
		names = append(names, r.Backend)
		if r.Err != "" || r.Rate != rows[0].Rate {
			t.Errorf("%s: rate %v, error %q; want the rate of %s, %v", r.Backend, r.Rate, r.Err, rows[0].Backend, rows[0].Rate)
		}
	}
	if got := strings.Join(names, ","); got != "vulkan/serial,vulkan/cooperative,cpu" {
		t.Errorf("rows %s, want vulkan/serial,vulkan/cooperative,cpu", got)
	}
	if code := run([]string{"bench", "-rowwalk", "zigzag"}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "auto, serial or cooperative") {
		t.Errorf("-rowwalk zigzag: exit %d: %s", code, errOut.String())
	}
}

// TestBenchWorkers: -workers 1 runs the CPU backend on one goroutine (its
// device line says so), and a negative count is an error.
func TestBenchWorkers(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-n", "1000", "-backend", "cpu", "-workers", "1", "-t", "20", "-brian2", "no", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []benchRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("%d rows (%v):\n%s", len(rows), err, out.String())
	}
	if !strings.HasSuffix(rows[0].Device, ", 1 workers") {
		t.Errorf("device %q, want one worker", rows[0].Device)
	}
	errOut.Reset()
	if code := run([]string{"bench", "-workers", "-1"}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "want 0 (one per core) or more") {
		t.Errorf("-workers -1: exit %d: %s", code, errOut.String())
	}
}

// TestBenchConnectivity: -connectivity stored,procedural gives a row for
// each, named by it, with the same rate and less memory per synapse for
// the procedural one; an unknown form is an error.
func TestBenchConnectivity(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-n", "1000", "-backend", "cpu", "-connectivity", "stored,procedural", "-t", "20", "-brian2", "no", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []benchRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("%d rows (%v):\n%s", len(rows), err, out.String())
	}
	stored, procedural := rows[0], rows[1]
	if stored.Backend != "cpu" || procedural.Backend != "cpu/procedural" || procedural.Rate != stored.Rate ||
		procedural.Synapses != stored.Synapses || !(procedural.BytesPerSyn < stored.BytesPerSyn/10) {
		t.Errorf("rows %+v and %+v", stored, procedural)
	}
	errOut.Reset()
	if code := run([]string{"bench", "-connectivity", "lazy"}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "stored or procedural") {
		t.Errorf("-connectivity lazy: exit %d: %s", code, errOut.String())
	}
}
