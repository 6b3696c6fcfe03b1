package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/examples"
)

// TestExitCodes checks the exit status and a line of the output of
// commands that take network files.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("groups:\n  g: {model: lif_cuba_exp, n: 10, sett: {}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	coba := filepath.Join("..", "..", "examples", "coba", "coba.yaml")
	model := filepath.Join(dir, "my_lif.yaml")
	if err := os.WriteFile(model, []byte("name: my_lif\nsummary: a leaky neuron\nequations: |\n  dv/dt = -v/tau : volt\n  tau : second\nparameters:\n  tau: {value: 10*ms, doc: time constant}\ninitial:\n  v: 0*mV\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string // in stdout or stderr
	}{
		{[]string{"run", "-h"}, 0, "usage: spikevk run [NET.yaml]"},
		{[]string{"check", "-h"}, 0, "usage: spikevk check NET.yaml"},
		{[]string{"check"}, 1, "usage: spikevk check NET.yaml"},
		{[]string{"check", bad}, 1, `bad.yaml:2:35: group "g": unknown key "sett" (did you mean "set"?)`},
		{[]string{"check", coba, "-set", "size=100"}, 0, "1 groups, 100 neurons"},
		{[]string{"check", coba, "-set", "sise=100"}, 1, `-set sise: no constant sise in ../../examples/coba/coba.yaml (did you mean "size"?)`},
		{[]string{"check", coba, "-set", "size"}, 1, `"size" is not path=value`},
		{[]string{"check", coba, "extra"}, 1, `unexpected arguments ["extra"] after the file`},
		{[]string{"run", "-print-default"}, 0, "name: coba"},
		{[]string{"run", filepath.Join(dir, "nope.yaml")}, 1, "no such file"},
		{[]string{"run", coba, "-t", "-5"}, 1, "-t -5: the duration must be positive"},
		{[]string{"run", "-sweep", "size"}, 1, `-sweep "size" is not path=v1,v2,...`},
		{[]string{"run", "-dt", "-1"}, 1, "-dt -1: the time step must be positive"},
		{[]string{"check", coba, "-dt", "0.05", "-set", "size=100"}, 0, "100 neurons"},
		{[]string{"run", "-backend", "auto", "-device", "no-such-device", "-t", "1", "-out", ""}, 1, `device "no-such-device"`},
		{[]string{"models", "-h"}, 0, "usage: spikevk models"},
		{[]string{"devices", "-h"}, 0, "usage: spikevk devices"},
		{[]string{"plot", "-h"}, 0, "usage: spikevk plot"},
		{[]string{"bench", "-h"}, 0, "-brian2"},
		{[]string{"smoke", "-h"}, 0, "-device"},
		{[]string{"models", "check", model, "-dt", "0.05"}, 0, "is valid"},
		{[]string{"models", "show", model}, 0, "leaky"},
		{[]string{"models", "show", "nope_model"}, 1, "nope_model"},
		{[]string{"version"}, 0, "spikevk "},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(tt.args, &out, &errOut)
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.want) {
			t.Errorf("spikevk %s: exit %d, want %d with %q:\n%s%s", strings.Join(tt.args, " "), code, tt.code, tt.want, out.String(), errOut.String())
		}
	}
	var out bytes.Buffer
	run([]string{"run", "-print-default"}, &out, &out)
	if !bytes.Equal(out.Bytes(), examples.COBA) {
		t.Error("-print-default does not print examples/coba/coba.yaml")
	}
}

// TestSweep runs a sweep of the default network's excitatory weight and
// reads its table: more weight, more spikes.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"run", "-backend", "cpu", "-set", "size=500", "-set", "p=0.1", "-t", "100", "-out", dir, "-json", "-sweep", "exc.w=0,6,12*nS"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var s struct {
		Sweep string `json:"sweep"`
		Runs  []struct {
			Value   string `json:"value"`
			Dir     string `json:"dir"`
			Summary struct {
				Groups []struct {
					Name   string `json:"name"`
					Spikes int    `json:"spikes"`
				} `json:"groups"`
			} `json:"summary"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if s.Sweep != "exc.w" || len(s.Runs) != 3 || s.Runs[0].Value != "0*nS" || s.Runs[2].Value != "12*nS" {
		t.Fatalf("sweep %+v", s)
	}
	for k := 1; k < 3; k++ {
		if a, b := s.Runs[k-1].Summary.Groups[0].Spikes, s.Runs[k].Summary.Groups[0].Spikes; !(b > a) {
			t.Errorf("%s: %d spikes, %s: %d", s.Runs[k-1].Value, a, s.Runs[k].Value, b)
		}
		if _, err := os.Stat(filepath.Join(s.Runs[k].Dir, "spikes_neurons.npz")); err != nil {
			t.Error(err)
		}
	}
	text, err := os.ReadFile(filepath.Join(dir, "sweep.txt"))
	if err != nil || !strings.Contains(string(text), "12*nS") {
		t.Errorf("sweep.txt (%v):\n%s", err, text)
	}
}

// TestOutputKey checks that a network file's output folder is where run
// records, unless -out says otherwise.
func TestOutputKey(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "net.yaml")
	text := "output: " + filepath.Join(dir, "from_file") + "\nduration: 5*ms\ngroups:\n  p: {rate: 100*Hz, n: 5}\nmonitors:\n  spikes: [p]\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"run", file, "-backend", "cpu"}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "from_file", "spikes_p.npz")); err != nil {
		t.Error(err)
	}
	if code := run([]string{"run", file, "-backend", "cpu", "-out", filepath.Join(dir, "flag")}, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "flag", "spikes_p.npz")); err != nil {
		t.Error(err)
	}
}
