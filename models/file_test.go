package models

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/internal/fuzztest"
	"github.com/spikevk/spikevk/models/ir"
)

func TestSeed001WrongLeakWarns(t *testing.T) {
	data, err := os.ReadFile("testdata/seed001_wrong_leak.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFile("testdata/seed001_wrong_leak.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(f, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, w := range m.Warnings {
		msgs = append(msgs, w.String())
	}
	want := []string{
		"testdata/seed001_wrong_leak.yaml:7:3: warning: dv/dt grows with v (slope +0.05/ms at the initial state): the resting state is unstable; check the sign of the leak term",
		"testdata/seed001_wrong_leak.yaml:8:3: warning: state variable g_e has no initial value and starts at 0",
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(msgs, "\n"), w) {
			t.Errorf("missing warning %q; got:\n%s", w, strings.Join(msgs, "\n"))
		}
	}
}

const goodModel = `name: m
equations: |
  dv/dt = (E_L - v)/tau : volt
  E_L : volt
  tau : second
  V_th : volt
threshold: v > V_th
parameters:
  E_L: -70*mV
  tau: {value: 10*ms, doc: time constant}
  V_th: -50*mV
initial:
  v: E_L
`

func TestCheckValues(t *testing.T) {
	f, err := ParseFile("m.yaml", []byte(goodModel))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(f, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Defaults["E_L"] != -70 || m.Defaults["tau"] != 10 || m.Initial["v"] != -70 || len(m.Warnings) != 0 {
		t.Errorf("defaults %v, initial %v, warnings %v", m.Defaults, m.Initial, m.Warnings)
	}
	if f.Parameters[1].Doc != "time constant" {
		t.Errorf("doc %q", f.Parameters[1].Doc)
	}
}

func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, replace, with, msg string
	}{
		{"unknown key", "name: m", "name: m\nthreshhold: v > V_th", `m.yaml:2:1: unknown key "threshhold"`},
		{"equation error points into the block", "dv/dt = (E_L - v)/tau : volt", "dv/dt = (E_L - v)/tau : volt\n  dw/dt = w*mV : volt",
			"m.yaml:4:12: dw/dt must be in V/s"},
		{"threshold error", "threshold: v > V_th", "threshold: v > 3*nA", `m.yaml:7:14: the two sides of ">" have different dimensions`},
		{"default in the wrong unit", "E_L: -70*mV", "E_L: -70*ms", "m.yaml:9:8: E_L is in V but its value is in s"},
		{"initial value of an unknown variable", "  v: E_L", "  u: E_L", "m.yaml:13:6: u is not a state variable of this model"},
		{"no equations", "equations: |", "eqs: |", `unknown key "eqs"`},
		{"initial above threshold", "  v: E_L", "  v: -40*mV", ""},
		{"beyond float32", "E_L: -70*mV", "E_L: 1e39*volt", "m.yaml:9:8: the value of E_L, 1e39*volt, is +Inf, not a finite float32"},
		{"log of 0", "E_L: -70*mV", "E_L: log(0)*mV", "m.yaml:9:8: the value of E_L, log(0)*mV, is -Inf"},
		{"zero time constant", "tau: {value: 10*ms", "tau: {value: 0*ms", "m.yaml:3:3: dv/dt: its coefficient of v is -Inf for neuron 0"},
		{"overflowing constant", "dv/dt = (E_L - v)/tau : volt", "dv/dt = (E_L - v)/tau + exp(1000)*mV/ms : volt", "m.yaml:3:3: dv/dt: its constant term is +Inf"},
	} {
		src := strings.Replace(goodModel, tc.replace, tc.with, 1)
		f, err := ParseFile("m.yaml", []byte(src))
		if err == nil {
			var m *Model
			if m, err = Check(f, 0.1); err == nil && tc.msg == "" {
				if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0].Msg, "above the threshold") {
					t.Errorf("%s: warnings %v", tc.name, m.Warnings)
				}
				continue
			}
		}
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v\nwant one containing %q", tc.name, err, tc.msg)
		}
	}
}

// FuzzParseFile feeds arbitrary text to the model-file reader and checker,
// and on to the derived values and the GLSL of what checks: errors are
// fine, panics and hangs (fuzztest.Limit) are not.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(goodModel))
	f.Add([]byte("name: x\nequations: |\n  dv/dt = -v/ms : volt\n"))
	// The inputs that hung or crashed the checker before (issue 13): huge
	// and zero constants, values beyond float32, log(0), duplicate keys, a
	// long chain.
	for _, r := range [][2]string{
		{"dv/dt = (E_L - v)/tau : volt", "dv/dt = (E_L - v)/tau + exp(1000)*mV/ms : volt"},
		{"tau: {value: 10*ms", "tau: {value: 0*ms"},
		{"E_L: -70*mV", "E_L: 1e39*volt"},
		{"E_L: -70*mV", "E_L: log(0)*mV"},
		{"threshold: v > V_th", "threshold: v > V_th\nthreshold: v > 0*mV"},
		{"dv/dt = (E_L - v)/tau : volt", "dv/dt = (E_L - v)/tau" + strings.Repeat(" + 0*mV/ms", 3000) + " : volt"},
	} {
		f.Add([]byte(strings.Replace(goodModel, r[0], r[1], 1)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzztest.Within(t, func() {
			file, err := ParseFile("fuzz.yaml", data)
			if err != nil {
				return
			}
			m, err := Check(file, 0.1)
			if err != nil {
				return
			}
			// The whole path: the values derived once (propagators) and
			// the kernel's GLSL too.
			params := map[string][]float32{}
			for name, v := range m.Defaults {
				params[name] = []float32{v}
			}
			_, _ = m.Neuron.Derive(1, params)
			name := func(k int) string { return fmt.Sprintf("x%d[i]", k) }
			_ = m.Neuron.Step.GLSL(ir.GLSLEnv{Input: name, Output: name, Key: "key", Stream: "0u", Index: "i", Step: "step", Prefix: "t"})
		})
	})
}
