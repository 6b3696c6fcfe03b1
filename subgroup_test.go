package spikevk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models/syntax"
)

// TestSubgroup checks that named subgroups are found by name, reported by
// Summary after the whole groups with the spikes of their own neurons,
// name their monitor files and knobs, and that names must be unique.
func TestSubgroup(t *testing.T) {
	dir := t.TempDir()
	net := cpuCOBA(400, 5)
	all := net.GroupByName("neurons")
	e := net.Subgroup("E", all.Slice(0, 320))
	in := net.Subgroup("I", all.Slice(320, 400))
	if net.GroupByName("E") != e || net.GroupByName("I").N() != 80 {
		t.Fatal("GroupByName does not find the subgroups")
	}
	if got := e.Knob("I").Name(); got != "E.I" {
		t.Errorf("knob name %q, want E.I", got)
	}
	whole := net.SpikeMonitor(all)
	mi := net.SpikeMonitor(in)
	net.Record(dir)
	if err := net.Run(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	sum := net.Summary()
	var names []string
	spikes := map[string]uint64{}
	for _, g := range sum.Groups {
		names = append(names, g.Name)
		spikes[g.Name] = g.Spikes
	}
	if strings.Join(names, ",") != "neurons,E,I" {
		t.Fatalf("summary groups %v, want neurons, E, I", names)
	}
	if spikes["neurons"] == 0 || spikes["E"]+spikes["I"] != spikes["neurons"] || uint64(whole.Count()) != spikes["neurons"] {
		t.Errorf("spikes: neurons %d, E %d, I %d, monitor %d", spikes["neurons"], spikes["E"], spikes["I"], whole.Count())
	}
	if uint64(mi.Count()) != spikes["I"] {
		t.Errorf("monitor of I has %d spikes, summary %d", mi.Count(), spikes["I"])
	}
	if err := net.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "spikes_I.npz")); err != nil {
		t.Errorf("no spike file named for the subgroup: %v", err)
	}

	for _, tt := range []struct {
		name  string
		build func(net *spikevk.Network)
		want  string
	}{
		{"duplicate", func(net *spikevk.Network) {
			g := net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			net.Subgroup("E", g.Slice(0, 5))
			net.Subgroup("E", g.Slice(5, 10))
		}, `subgroup "E": a group or subgroup has that name`},
		{"group's name", func(net *spikevk.Network) {
			g := net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			net.Subgroup("g", g.Slice(0, 5))
		}, `subgroup "g": a group or subgroup has that name`},
		{"group after subgroup", func(net *spikevk.Network) {
			g := net.Group("g", 10, spikevk.Builtin("lif_coba_exp"))
			net.Subgroup("E", g.Slice(0, 5))
			net.Group("E", 3, spikevk.Builtin("lif_coba_exp"))
		}, `group "E": a subgroup has that name`},
		{"empty", func(net *spikevk.Network) {
			net.Subgroup("", net.Group("g", 10, spikevk.Builtin("lif_coba_exp")))
		}, "empty name"},
		{"other network", func(net *spikevk.Network) {
			other := spikevk.New(spikevk.Config{Backend: "cpu"})
			net.Subgroup("E", other.Group("g", 10, spikevk.Builtin("lif_coba_exp")))
		}, "belongs to another network"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			net := spikevk.New(spikevk.Config{Backend: "cpu"})
			defer net.Close()
			tt.build(net)
			if err := net.Run(context.Background(), 1); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestSetAt checks that errors in values read from a file name the file's
// position: an unknown variable, a wrong unit and an unknown name in the
// expression.
func TestSetAt(t *testing.T) {
	at := syntax.Pos{File: "net.yaml", Line: 7, Col: 9}
	for _, tt := range []struct{ variable, expr, want string }{
		{"V_thresh", "-50*mV", `net.yaml:7:9: group "g": model lif_coba_exp has no variable "V_thresh"`},
		{"v", "-50*nS", "net.yaml:7:"},
		{"v", "-50*mV + nope", "net.yaml:7:"},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		net.Group("g", 10, spikevk.Builtin("lif_coba_exp")).SetAt(tt.variable, tt.expr, at)
		err := net.Run(context.Background(), 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s = %s: error %v, want one containing %q", tt.variable, tt.expr, err, tt.want)
		}
		net.Close()
	}
}

// TestMisuse checks building calls that must fail with a clear error: a
// name that is not an identifier (names become file names), a monitor of
// another network's group, and a Run while another is in progress.
func TestMisuse(t *testing.T) {
	for _, tt := range []struct {
		name  string
		build func(net *spikevk.Network)
		want  string
	}{
		{"path name", func(net *spikevk.Network) {
			net.Group("/../../x", 3, spikevk.Builtin("lif_coba_exp"))
		}, `group "/../../x": a name is a letter or _ then letters`},
		{"projection name", func(net *spikevk.Network) {
			g := net.Group("g", 3, spikevk.Builtin("lif_coba_exp"))
			net.Connect("a b", g, g, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}, spikevk.AllToAll())
		}, `projection "a b": a name is`},
		{"foreign monitor", func(net *spikevk.Network) {
			other := spikevk.New(spikevk.Config{Backend: "cpu"})
			net.Group("g", 3, spikevk.Builtin("lif_coba_exp"))
			net.SpikeMonitor(other.Group("h", 5, spikevk.Builtin("lif_coba_exp")))
		}, `spike monitor: group "h" belongs to another network`},
		{"foreign state monitor", func(net *spikevk.Network) {
			other := spikevk.New(spikevk.Config{Backend: "cpu"})
			net.StateMonitor(other.Group("h", 5, spikevk.Builtin("lif_coba_exp")), []string{"v"}, 1)
		}, `state monitor: group "h" belongs to another network`},
		{"nil monitor", func(net *spikevk.Network) { net.RateMonitor(nil) }, "rate monitor: no group (nil)"},
	} {
		net := spikevk.New(spikevk.Config{Backend: "cpu"})
		tt.build(net)
		if err := net.Run(context.Background(), 1); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		net.Close()
	}

	net := cpuCOBA(200, 1)
	defer net.Close()
	started := make(chan struct{})
	net.Watch(func(uint64, int, [][]uint32) {
		select {
		case <-started:
		default:
			close(started)
		}
	})
	done := make(chan error)
	go func() { done <- net.Run(context.Background(), 2000) }()
	<-started
	if err := net.Run(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "running already") {
		t.Errorf("a second Run during the first: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
