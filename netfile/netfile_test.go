package netfile_test

import (
	"context"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/examples"
	"github.com/spikevk/spikevk/netfile"
)

// build parses and builds a network file's text on the CPU backend.
func build(t *testing.T, path, text string, sets ...string) *netfile.Network {
	t.Helper()
	f, err := netfile.Parse(path, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k+1 < len(sets); k += 2 {
		if err := f.Set(sets[k], sets[k+1]); err != nil {
			t.Fatal(err)
		}
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	return net
}

// TestCOBAFile checks that the default network file builds the network
// spikevk.COBA builds: the same spikes, spike for spike.
func TestCOBAFile(t *testing.T) {
	net := build(t, "coba.yaml", string(examples.COBA), "size", "500", "duration", "100*ms")
	if len(net.Spikes) != 1 || net.Spikes[0].Name() != "neurons" {
		t.Fatalf("spike monitors of %v, want neurons", net.Spikes)
	}
	fileMon := net.SpikeMonitor(net.GroupByName("neurons"))
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ref := spikevk.COBA(spikevk.Config{Seed: 1, Backend: "cpu"}, 500, 0.02)
	defer ref.Close()
	refMon := ref.SpikeMonitor(ref.GroupByName("neurons"))
	if err := ref.Run(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	i1, t1 := fileMon.Spikes()
	i2, t2 := refMon.Spikes()
	if len(i1) == 0 || !slices.Equal(i1, i2) || !slices.Equal(t1, t2) {
		t.Errorf("file: %d spikes, spikevk.COBA: %d", len(i1), len(i2))
	}
	var names []string
	for _, g := range net.Summary().Groups {
		names = append(names, g.Name)
	}
	if !slices.Equal(names, []string{"neurons", "E", "I"}) {
		t.Errorf("summary groups %v, want neurons, E, I", names)
	}
}

// TestProceduralKey: procedural: true draws the rows of the file's
// fixed_probability synapses again per spike (4 bytes per neuron instead
// of per synapse) and gives the same network.
func TestProceduralKey(t *testing.T) {
	summary := func(text string) spikevk.Summary {
		net := build(t, "net.yaml", text)
		if err := net.Network.Run(context.Background(), 10); err != nil {
			t.Fatal(err)
		}
		return net.Summary()
	}
	stored, procedural := summary(base), summary("procedural: true\n"+base)
	if procedural.Synapses != stored.Synapses || stored.Synapses == 0 || procedural.SynapseBytes >= stored.SynapseBytes {
		t.Errorf("procedural: %d synapses in %d bytes; stored: %d in %d", procedural.Synapses, procedural.SynapseBytes, stored.Synapses, stored.SynapseBytes)
	}
}
