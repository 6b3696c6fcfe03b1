package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

// TestRunCommand runs a small default network on each backend, as JSON
// and as a table, and reads the spike file back.
func TestRunCommand(t *testing.T) {
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				requireDevice(t)
			}
			dir := t.TempDir()
			var out, errOut bytes.Buffer
			args := []string{"run", "-backend", backend, "-set", "size=500", "-set", "p=0.1", "-t", "100", "-out", dir, "-json"}
			if code := run(args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var s struct {
				Network  string   `json:"network"`
				Backend  string   `json:"backend"`
				Time     float64  `json:"time_ms"`
				Synapses int      `json:"synapses"`
				Files    []string `json:"files"`
				Groups   []struct {
					Name   string   `json:"name"`
					N      int      `json:"neurons"`
					Spikes int      `json:"spikes"`
					CV     *float64 `json:"cv_isi"`
				} `json:"groups"`
			}
			if err := json.Unmarshal(out.Bytes(), &s); err != nil {
				t.Fatalf("%v:\n%s", err, out.String())
			}
			if s.Network != "coba" || s.Backend != backend || s.Time != 100 || s.Synapses == 0 || len(s.Groups) != 3 || s.Groups[0].N != 500 ||
				s.Groups[1].Name != "E" || s.Groups[1].N != 400 || s.Groups[2].Name != "I" || s.Groups[1].Spikes+s.Groups[2].Spikes != s.Groups[0].Spikes {
				t.Errorf("summary %+v", s)
			}
			path := filepath.Join(dir, "spikes_neurons.npz")
			if len(s.Files) != 1 || s.Files[0] != path {
				t.Fatalf("files %q, want %s", s.Files, path)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var i []int32
			var tt []float64
			if err := npz.Read(f, "i.npy", &i); err != nil {
				t.Fatal(err)
			}
			if err := npz.Read(f, "t.npy", &tt); err != nil {
				t.Fatal(err)
			}
			if len(i) != s.Groups[0].Spikes || len(tt) != len(i) || len(i) == 0 || tt[len(tt)-1] >= 0.1 {
				t.Errorf("%d spikes in the file, last at %v s; summary says %d", len(i), tt[len(tt)-1], s.Groups[0].Spikes)
			}
			out.Reset()
			if code := run(args[:len(args)-1], &out, &errOut); code != 0 || !strings.Contains(out.String(), "real-time factor") {
				t.Errorf("table output (exit %d):\n%s%s", code, out.String(), errOut.String())
			}
		})
	}
}

// TestRunProcedural: run -procedural gives the default network's spikes
// and synapses with no memory per synapse.
func TestRunProcedural(t *testing.T) {
	summary := func(extra ...string) (spikes, synapses int, size int64) {
		var out, errOut bytes.Buffer
		args := append([]string{"run", "-backend", "cpu", "-set", "size=500", "-set", "p=0.1", "-t", "100", "-out", t.TempDir(), "-json"}, extra...)
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errOut.String())
		}
		var s struct {
			Synapses int   `json:"synapses"`
			Bytes    int64 `json:"synapse_bytes"`
			Groups   []struct {
				Spikes int `json:"spikes"`
			} `json:"groups"`
		}
		if err := json.Unmarshal(out.Bytes(), &s); err != nil || len(s.Groups) == 0 {
			t.Fatalf("%v:\n%s", err, out.String())
		}
		return s.Groups[0].Spikes, s.Synapses, s.Bytes
	}
	spikes, synapses, stored := summary()
	pSpikes, pSynapses, procedural := summary("-procedural")
	if pSpikes != spikes || pSynapses != synapses || spikes == 0 {
		t.Errorf("-procedural: %d spikes, %d synapses; stored: %d, %d", pSpikes, pSynapses, spikes, synapses)
	}
	if procedural >= stored/10 {
		t.Errorf("-procedural: %d bytes of synapses, stored %d", procedural, stored)
	}
}
