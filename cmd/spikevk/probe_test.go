package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spikevk/spikevk"
)

// The probe of issue 13: bad input as a new user gives it, through the
// command line (model, network, spike and checkpoint files) and the Go
// API, each sorted into one outcome. TestProbe prints the counts per kind
// and outcome and fails on any outcome but a clear error.

// Outcomes of a probe case.
const (
	clear    = "clear error"
	unclear  = "unclear error" // an error that does not name the place or thing
	accepted = "accepted"      // no error, no warning: silently accepted
	crash    = "crash"         // a panic
	hang     = "hang"          // no answer within probeTimeout
)

// probeTimeout is how long a case may take before it counts as a hang.
const probeTimeout = 20 * time.Second

// goodModel and goodNetwork are valid files that the file cases spoil one
// mistake at a time.
const goodModel = `name: my_lif
summary: a leaky neuron
equations: |
  dv/dt = (E_L - v)/tau + I/C : volt (unless refractory)
  I : amp
  tau : second
  E_L : volt
  C : farad
threshold: v > -50*mV
reset: v = E_L
refractory: 2*ms
parameters:
  tau: {value: 10*ms, doc: time constant}
  E_L: {value: -70*mV, doc: resting potential}
  C: {value: 200*pF, doc: capacitance}
  I: {value: 0*pA, doc: drive}
initial:
  v: -70*mV
`

const goodNetwork = `dt: 0.1*ms
duration: 10*ms
groups:
  cells:
    model: lif_cuba_exp
    n: 10
  drive:
    rate: 10*Hz
    n: 20
synapses:
  ff:
    pre: drive
    post: cells
    model: "w : volt"
    on_pre: v_post += w
    connect: {p: 0.5}
    set: {w: 1*mV}
monitors:
  spikes: [cells]
`

// probeCase is one bad input: a file (text, given to the command args
// with FILE in place of its path) or a call of the Go API; want matches
// the message of a clear error (or warning, for a value Brian2 would take
// and that is merely odd).
type probeCase struct {
	kind, name string
	file       string   // the file's text; empty: api
	args       []string // the command, FILE for the file's path
	api        func() error
	want       string
}

// spoil replaces old by new in text, which must contain it.
func spoil(text, old, new string) string {
	if !strings.Contains(text, old) {
		panic(fmt.Sprintf("probe: %q is not in the good file", old))
	}
	return strings.Replace(text, old, new, 1)
}

func modelCases() []probeCase {
	check := []string{"models", "check", "FILE"}
	m := func(name, old, new, want string) probeCase {
		return probeCase{kind: "model file", name: name, file: spoil(goodModel, old, new), args: check, want: want}
	}
	at := `FILE:\d+:\d+: `
	return []probeCase{
		m("unknown key", "threshold:", "threshhold:", at+`.*threshhold`),
		m("key twice", "reset: v = E_L", "reset: v = E_L\nthreshold: v > 0*mV", at+`.*threshold`),
		m("parameter twice", "  I: {value: 0*pA, doc: drive}", "  I: {value: 0*pA, doc: drive}\n  tau: {value: 5*ms}", at+`.*tau`),
		m("wrong unit", "+ I/C : volt", "+ I/C : amp", at+`.*`),
		m("unknown name", "(E_L - v)/tau", "(E_L - vv)/tau", at+`.*vv`),
		m("unknown function", "(E_L - v)/tau", "expp(E_L - v)/tau", at+`.*expp`),
		m("time constant 0", "tau: {value: 10*ms", "tau: {value: 0*ms", at+`.*tau`),
		m("sqrt of a negative parameter", "(E_L - v)/tau", "(E_L - v)/tau*sqrt(E_L/mV)", at+`.*`),
		m("huge power", "(E_L - v)/tau", "(E_L - v)/tau*(2**200)", at+`.*`),
		m("overflowing coefficient", "+ I/C : volt", "+ I/C + exp(1000)*mV/ms : volt", at+`.*`),
		m("beyond float32", "E_L: {value: -70*mV", "E_L: {value: 1e39*volt", at+`.*E_L`),
		m("log(0)", "E_L: {value: -70*mV", "E_L: {value: log(0)*mV", at+`.*E_L`),
		m("long expression", "+ I/C : volt", "+ I/C"+strings.Repeat(" + 0*mV/ms", 30000)+" : volt", at+`.*`),
		m("deep nesting", "(E_L - v)/tau", strings.Repeat("(", 300)+"E_L - v"+strings.Repeat(")", 300)+"/tau", at+`.*`),
		m("threshold a number", "threshold: v > -50*mV", "threshold: v + 1*mV", at+`.*threshold`),
		m("reset of an unknown variable", "reset: v = E_L", "reset: w = E_L", at+`.*w`),
		m("refractory in volts", "refractory: 2*ms", "refractory: 2*mV", at+`.*`),
		m("unknown method", "refractory: 2*ms", "refractory: 2*ms\nmethod: rk9", at+`.*rk9`),
		m("no unit", "  I : amp\n", "  I\n", at+`.*`),
		m("sum of volts and amps", "(E_L - v)/tau", "(E_L - I)/tau", at+`.*`),
		m("initial value of an unknown variable", "  v: -70*mV", "  u: -70*mV", at+`.*u`),
		m("parameter not a number", "C: {value: 200*pF", "C: {value: abc", at+`.*abc`),
		m("variable declared twice", "  I : amp\n", "  I : amp\n  I : amp\n", at+`.*I`),
		m("subexpressions in a circle", "  I : amp\n", "  I = J : amp\n  J = I : amp\n", at+`.*`),
		m("unknown flag", "(unless refractory)", "(unless refractory, sometimes)", at+`.*sometimes`),
		m("bad YAML", "summary: a leaky neuron", "summary: [a leaky neuron", `FILE:\d+`),
		m("empty equations", "equations: |\n  dv/dt = (E_L - v)/tau + I/C : volt (unless refractory)\n  I : amp\n  tau : second\n  E_L : volt\n  C : farad\n", "equations: \"\"\n", `FILE.*equations`),
		m("tab indentation", "  tau: {value: 10*ms", "\ttau: {value: 10*ms", `FILE:\d+`),
		{kind: "model file", name: "binary garbage", file: "\x00\x01\x02\xff\xfe", args: check, want: `FILE`},
		{kind: "model file", name: "empty file", file: " ", args: check, want: `FILE`},
	}
}

func networkCases() []probeCase {
	check := []string{"check", "FILE"}
	n := func(name, old, new, want string) probeCase {
		return probeCase{kind: "network file", name: name, file: spoil(goodNetwork, old, new), args: check, want: want}
	}
	at := `FILE:\d+:\d+: `
	return []probeCase{
		n("unknown group key", "    n: 10", "    nn: 10", at+`.*nn`),
		n("unknown model", "model: lif_cuba_exp", "model: lif_cuba_expo", at+`.*lif_cuba_expo`),
		n("negative size", "    n: 10", "    n: -10", at+`.*`),
		n("size not whole", "    n: 10", "    n: 10.5", at+`.*`),
		n("unknown source", "pre: drive", "pre: drives", at+`.*drives`),
		n("probability above 1", "connect: {p: 0.5}", "connect: {p: 1.5}", at+`.*`),
		n("unknown rule", "connect: {p: 0.5}", "connect: {q: 0.5}", at+`.*q`),
		n("monitor of an unknown group", "spikes: [cells]", "spikes: [cell]", at+`.*cell`),
		n("group twice", "  drive:\n", "  cells:\n    model: lif_cuba_exp\n    n: 3\n  drive:\n", at+`.*cells`),
		n("unknown synapse target", "v_post += w", "u_post += w", `.*ff.*u`),
		n("delay not whole steps", "set: {w: 1*mV}", "set: {w: 1*mV}\n    delay: 0.05*ms", `.*ff.*delay|FILE:\d+:\d+`),
		n("wrong unit of a value", "set: {w: 1*mV}", "set: {w: 1*nS}", at+`.*w`),
		n("unknown constant", "rate: 10*Hz", "rate: r0*Hz", at+`.*r0`),
		n("missing spike file", "    rate: 10*Hz\n", "    spikes: no_such_file.txt\n", at+`.*no_such_file`),
		{kind: "network file", name: "schedule of an unknown knob", args: check, want: at + `.*taux`,
			file: spoil(spoil(goodNetwork, "duration: 10*ms\n", ""), "monitors:", "schedule:\n  - duration: 5*ms\n    set: {cells.taux: 5*ms}\nmonitors:")},
		n("subgroup out of range", "synapses:", "subgroups:\n  E: cells[:20]\nsynapses:", at+`.*`),
		n("dt of 0", "dt: 0.1*ms", "dt: 0*ms", at+`.*dt`),
		n("negative duration", "duration: 10*ms", "duration: -10*ms", at+`.*duration`),
		{kind: "network file", name: "-set of an unknown path", file: goodNetwork, args: []string{"check", "FILE", "-set", "cells.nn=3"}, want: `nn`},
		{kind: "network file", name: "-set without a value", file: goodNetwork, args: []string{"check", "FILE", "-set", "cells.n"}, want: `cells\.n`},
	}
}

func spikeFileCases() []probeCase {
	s := func(name, text, want string) probeCase {
		return probeCase{kind: "spike file", name: name, file: text, want: want}
	}
	return []probeCase{
		s("negative index", "0 1.0\n-1 2.0\n", `FILE:2`),
		s("index past the group", "0 1.0\n7 2.0\n", `FILE:2`),
		s("time not a number", "0 1.0\n1 x\n", `FILE:2`),
		s("hours as a column header", "i,t_h\n0,1\n", `FILE:1.*t_h`),
		s("one column", "0\n", `FILE:1`),
		s("negative time", "0 -1.0\n", `FILE:1`),
		s("binary garbage", "\x00\xff\x13", `FILE`),
	}
}

func apiCases() []probeCase {
	a := func(name, want string, f func() error) probeCase {
		return probeCase{kind: "Go API", name: name, api: f, want: want}
	}
	ctx := context.Background()
	small := func() (*spikevk.Network, *spikevk.Group) {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		return net, net.Group("g", 10, spikevk.Builtin("lif_cuba_exp"))
	}
	return []probeCase{
		a("negative size", `size -1`, func() error {
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			net.Group("g", -1, spikevk.Builtin("lif_cuba_exp"))
			return net.Run(ctx, 1)
		}),
		a("slice out of range", `g.*12`, func() error {
			net, g := small()
			defer net.Close()
			net.SpikeMonitor(g.Slice(5, 12))
			return net.Run(ctx, 1)
		}),
		a("unknown target", `"c".*u_post`, func() error {
			net, g := small()
			defer net.Close()
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : volt", OnPre: "u_post += w"}, spikevk.AllToAll())
			return net.Run(ctx, 1)
		}),
		a("unknown variable", `"g".*vv`, func() error {
			net, g := small()
			defer net.Close()
			g.Set("vv", "0*mV")
			return net.Run(ctx, 1)
		}),
		a("bad expression", `"g".*value of v: 1:5`, func() error {
			net, g := small()
			defer net.Close()
			g.Set("v", "1 *** mV")
			return net.Run(ctx, 1)
		}),
		a("NaN value", `"g".*v`, func() error {
			net, g := small()
			defer net.Close()
			g.SetArray("v", []float64{math.NaN(), 0, 0, 0, 0, 0, 0, 0, 0, 0}, "mV")
			return net.Run(ctx, 1)
		}),
		a("NaN weight", `"c".*w`, func() error {
			net, g := small()
			defer net.Close()
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.AllToAll()).Set("w", "sqrt(-1)*mV")
			return net.Run(ctx, 1)
		}),
		a("values of the wrong length", `"g".*3 values`, func() error {
			net, g := small()
			defer net.Close()
			g.SetArray("v", []float64{1, 2, 3}, "mV")
			return net.Run(ctx, 1)
		}),
		a("negative duration", `negative`, func() error {
			net, _ := small()
			defer net.Close()
			return net.Run(ctx, -5)
		}),
		a("Run after Close", `closed`, func() error {
			net, _ := small()
			if err := net.Run(ctx, 1); err != nil {
				return err
			}
			net.Close()
			return net.Run(ctx, 1)
		}),
		a("two Runs at once", `running already`, func() error {
			net := spikevk.COBA(spikevk.Config{Backend: "cpu"}, 2000, 0.02)
			defer net.Close()
			if err := net.Run(ctx, 0); err != nil {
				return err
			}
			errs := make(chan error, 2)
			for range 2 {
				go func() { errs <- net.Run(ctx, 200) }()
			}
			e1, e2 := <-errs, <-errs
			if e1 == nil {
				return e2
			}
			return e1
		}),
		a("a monitor of another network's group", `another network`, func() error {
			_, g := small()
			other := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer other.Close()
			other.SpikeMonitor(g)
			return other.Run(ctx, 1)
		}),
		a("more synapses than a projection holds", `"c".*2e\+10 synapses.*4294967295`, func() error {
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			g := net.Group("g", 200000, spikevk.Builtin("lif_cuba_exp"))
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.FixedProbability(0.5))
			return net.Run(ctx, 1)
		}),
		a("a network too large for the memory", `"c".*(GiB.*available|not tried)`, func() error {
			if available() > 28<<30 {
				return errTooMuchMemory // it would fit: a host this large cannot be probed so
			}
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			g := net.Group("g", 65000, spikevk.Builtin("lif_cuba_exp"))
			net.Connect("c", g, g, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.AllToAll())
			return net.Run(ctx, 1)
		}),
		a("inject into an unknown variable", `"g".*Ix`, func() error {
			net, g := small()
			defer net.Close()
			g.Inject("Ix", spikevk.DC("1*pA"))
			return net.Run(ctx, 1)
		}),
		a("negative Poisson input", `-3`, func() error {
			net, g := small()
			defer net.Close()
			g.PoissonInput("v", -3, "5*Hz", "0.1*mV")
			return net.Run(ctx, 1)
		}),
		a("Run after a failed Run", `"g".*vv`, func() error {
			net, g := small()
			defer net.Close()
			g.Set("vv", "0*mV")
			net.Run(ctx, 1)
			return net.Run(ctx, 1)
		}),
		a("a name that is not an identifier", `/\.\./x`, func() error {
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			net.Group("/../x", 3, spikevk.Builtin("lif_cuba_exp"))
			return net.Run(ctx, 1)
		}),
		a("a damaged checkpoint", `entry .*damaged|checksum`, func() error {
			net, _ := small()
			defer net.Close()
			if err := net.Run(ctx, 1); err != nil {
				return err
			}
			path := filepath.Join(os.TempDir(), fmt.Sprintf("probe-%d.npz", time.Now().UnixNano()))
			defer os.Remove(path)
			if err := net.SaveCheckpoint(path); err != nil {
				return err
			}
			data, _ := os.ReadFile(path)
			data[len(data)/3] ^= 0xff
			os.WriteFile(path, data, 0o644)
			return net.LoadCheckpoint(path)
		}),
	}
}

// probe runs one case and returns its outcome and message.
func probe(t *testing.T, c probeCase) (outcome, msg string) {
	done := make(chan struct{})
	var err error
	var out bytes.Buffer
	code := 0
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				outcome, msg = crash, fmt.Sprint(r)
			}
		}()
		if c.api != nil {
			err = c.api()
			return
		}
		path := filepath.Join(t.TempDir(), "bad.yaml")
		if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
			panic(err)
		}
		if c.args == nil { // a spike file, read for a group of 5
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			net.SpikeGeneratorFile("s", 5, path)
			err = net.Run(context.Background(), 1)
			c.want = strings.ReplaceAll(c.want, "FILE", regexp.QuoteMeta(path))
			return
		}
		args := make([]string, len(c.args))
		for k, a := range c.args {
			args[k] = strings.ReplaceAll(a, "FILE", path)
		}
		code = run(args, &out, &out)
		c.want = strings.ReplaceAll(c.want, "FILE", regexp.QuoteMeta(path))
	}()
	select {
	case <-done:
	case <-time.After(probeTimeout):
		return hang, ""
	}
	if outcome == crash {
		return outcome, msg
	}
	switch {
	case err != nil:
		msg = err.Error()
	case code != 0 || strings.Contains(out.String(), "warning"):
		msg = out.String()
	default:
		return accepted, out.String()
	}
	if regexp.MustCompile(c.want).MatchString(msg) {
		return clear, msg
	}
	return unclear, msg
}

// TestProbe runs every probe case and prints the counts per kind and
// outcome; every outcome must be a clear error.
func TestProbe(t *testing.T) {
	if testing.Short() {
		t.Skip("the probe takes a minute")
	}
	cases := concat(modelCases(), networkCases(), spikeFileCases(), apiCases())
	counts := map[string]map[string]int{}
	for _, c := range cases {
		outcome, msg := probe(t, c)
		if counts[c.kind] == nil {
			counts[c.kind] = map[string]int{}
		}
		counts[c.kind][outcome]++
		if outcome != clear {
			t.Errorf("%s, %s: %s: %s", c.kind, c.name, outcome, firstLine(msg))
		}
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var table strings.Builder
	fmt.Fprintf(&table, "%-14s %5s %5s %7s %8s %5s %4s\n", "input", "tried", "clear", "unclear", "accepted", "crash", "hang")
	for _, k := range kinds {
		c := counts[k]
		tried := c[clear] + c[unclear] + c[accepted] + c[crash] + c[hang]
		fmt.Fprintf(&table, "%-14s %5d %5d %7d %8d %5d %4d\n", k, tried, c[clear], c[unclear], c[accepted], c[crash], c[hang])
	}
	t.Logf("probe of %d bad inputs:\n%s", len(cases), table.String())
}

// errTooMuchMemory stands for the memory error where the host has the 32
// GiB that the case's 4.2·10^9 synapses would take.
var errTooMuchMemory = errors.New(`projection "c": (not tried: the host has more than 28 GiB available)`)

// available is the memory the host has available, in bytes (0: unknown).
func available() uint64 {
	data, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			var kb uint64
			fmt.Sscan(rest, &kb)
			return kb << 10
		}
	}
	return 0
}

func concat(lists ...[]probeCase) []probeCase {
	var out []probeCase
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
