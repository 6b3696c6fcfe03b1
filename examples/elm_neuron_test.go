package examples_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// TestELMNeuronFile checks that examples/elm_neuron builds the ELM neuron
// of spikevk.ELMGroup, which TestELMAgainstNumPy (elm_test.go) checks
// against the paper's equations in NumPy: the same memory and outputs,
// bit for bit.
func TestELMNeuronFile(t *testing.T) {
	vars := []string{"m_0", "m_1", "m_2", "y_0", "y_1"}
	net := load(t, "elm_neuron")
	fileMon := net.StateMonitor(net.GroupByName("elm"), vars, 1)
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join("..", "testdata", "elm")
	ref := spikevk.New(spikevk.Config{DT: 1, Backend: "cpu"})
	defer ref.Close()
	in := ref.SpikeGeneratorFile("inputs", 12, filepath.Join(data, "branch_inputs.npz"))
	g := ref.ELMGroup("elm", 1, filepath.Join(data, "branch_weights.npz"), in)
	refMon := ref.StateMonitor(g, vars, 1)
	if err := ref.Run(context.Background(), 300); err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		_, a, err := fileMon.Values(v)
		if err != nil {
			t.Fatal(err)
		}
		_, b, _ := refMon.Values(v)
		if len(a) != 300 || !slices.EqualFunc(a, b, slices.Equal) {
			t.Errorf("%s differs between the file and spikevk.ELMGroup (%d and %d samples)", v, len(a), len(b))
		}
	}
}
