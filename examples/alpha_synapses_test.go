package examples_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// seed001 builds the network of TestSeed001Exact (seeds_test.go) with the
// Go API: the network of the Brian2 forum thread of seed 001 with the
// leak's sign fixed, five sinusoidally driven lif_coba_alpha neurons
// projecting through alpha synapses onto five more.
func seed001() *spikevk.Network {
	net := spikevk.New(spikevk.Config{Seed: 11922, Backend: "cpu"})
	cell := func(name, vth string) *spikevk.Group {
		g := net.Group(name, 5, spikevk.Builtin("lif_coba_alpha"))
		g.Set("C_m", "198*pF").Set("g_L", "198*pF/(20*ms)").Set("E_L", "-70*mV").Set("V_th", vth).Set("V_reset", "-70*mV")
		g.Set("tau_e", "5*ms").Set("tau_i", "10*ms")
		g.Set("v", "E_L + rand()*(V_th - E_L)").Set("g_e", "rand()*0.05*nS")
		return g
	}
	n1, n2 := cell("n1", "-55*mV"), cell("n2", "-53*mV")
	n1.Inject("I", spikevk.Sinusoid("250*pA", 5, "i*0.5", "200*pA"))
	net.Connect("n1_n2", n1, n2, spikevk.Synapses{Model: "w : siemens", OnPre: "x_e_post += w"}, spikevk.AllToAll()).
		Set("w", "8*nS").SetDelay("1*ms")
	return net
}

// TestAlphaSynapses checks that examples/alpha_synapses builds the network
// of TestSeed001Exact: for 1 s both groups spike as the Go API's twin
// does, spike for spike and bit for bit in time, and n2, which the thread's
// author could not make fire, fires.
func TestAlphaSynapses(t *testing.T) {
	file := load(t, "alpha_synapses")
	ref := seed001()
	defer ref.Close()
	var mons [2][]*spikevk.SpikeMonitor
	for k, net := range []*spikevk.Network{file.Network, ref} {
		for _, name := range []string{"n1", "n2"} {
			mons[k] = append(mons[k], net.SpikeMonitor(net.GroupByName(name)))
		}
		if err := net.Run(context.Background(), file.Duration()); err != nil {
			t.Fatal(err)
		}
	}
	if w := file.Warnings(); len(w) != 0 {
		t.Errorf("warnings for the fixed network: %q", w)
	}
	for g, name := range []string{"n1", "n2"} {
		ia, ta := mons[0][g].Spikes()
		ib, tb := mons[1][g].Spikes()
		t.Logf("%s: %d spikes from the file, %d from the Go API", name, len(ia), len(ib))
		if len(ia) == 0 || !slices.Equal(ia, ib) || !slices.Equal(ta, tb) {
			t.Errorf("%s: %d spikes from the file, %d from the Go API, not the same", name, len(ia), len(ib))
		}
	}
}

// TestAlphaSynapsesWrongSign checks that `spikevk check` (a build and a
// run of 0 ms, then the network's warnings) catches the wrong-sign leak
// of the thread's first post, examples/alpha_synapses/wrong_sign.yaml, as
// models.TestSeed001WrongLeakWarns does for its model file: a warning on
// the dv/dt line of each group, with the slope g_L/C_m = 1/(20 ms) =
// +0.05/ms. With the sign fixed as the forum's answer says, the warnings
// go.
func TestAlphaSynapsesWrongSign(t *testing.T) {
	path := filepath.Join("alpha_synapses", "wrong_sign.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if g, ok := strings.CutSuffix(strings.TrimSpace(text), ":"); ok && strings.HasPrefix(text, "  ") && !strings.HasPrefix(text, "   ") {
			group = g
		}
		if col := strings.Index(text, "dv/dt"); col >= 0 && !strings.HasPrefix(strings.TrimSpace(text), "#") {
			want = append(want, fmt.Sprintf("group %q: %s:%d:%d: warning: dv/dt grows with v (slope +0.05/ms at the initial state): the resting state is unstable; check the sign of the leak term", group, path, line, col+1))
		}
	}
	if len(want) != 2 {
		t.Fatalf("%d dv/dt lines in %s, want 2 (n1 and n2)", len(want), path)
	}
	warnings := func(data []byte) []string {
		f, err := netfile.Parse(path, data)
		if err != nil {
			t.Fatal(err)
		}
		net, err := f.Build(spikevk.Config{Backend: "cpu"})
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		if err := net.Network.Run(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		return net.Warnings()
	}
	// The slope is that of the group's first neuron at its initial state
	// (its own conductances included): positive is what matters.
	slope := regexp.MustCompile(`slope \+[0-9.e-]+/ms`)
	got := warnings(data)
	for k := range got {
		got[k] = slope.ReplaceAllString(got[k], "slope +0.05/ms")
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	fixed := string(data)
	for _, n := range []string{"n1", "n2"} {
		fixed = strings.ReplaceAll(fixed, fmt.Sprintf("g_L_%s*(v - E_l_%s)", n, n), fmt.Sprintf("g_L_%s*(E_l_%s - v)", n, n))
	}
	if fixed == string(data) {
		t.Fatal("no leak term to fix")
	}
	if got := warnings([]byte(fixed)); len(got) != 0 {
		t.Errorf("warnings with the leak's sign fixed: %q", got)
	}
}
