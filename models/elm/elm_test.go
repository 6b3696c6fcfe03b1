package elm

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestParamCount checks the paper's parameter count formula against its
// table (Branch-ELM on NeuronIO: 4500 synapses on 45 branches, 2 outputs;
// ../shared/reference/models.md §7) and against the weights the formula
// describes.
func TestParamCount(t *testing.T) {
	table := map[int]int{1: 4601, 2: 4708, 3: 4823, 5: 5077, 7: 5363, 10: 5852, 15: 6827, 20: 8002,
		25: 9377, 30: 10952, 40: 14702, 50: 19252, 75: 34127, 100: 54002}
	for d, want := range table {
		if got := ParamCount(4500, 45, d, 2); got != want {
			t.Errorf("d_m = %d: %d parameters, the paper's table says %d", d, got, want)
		}
	}
	w := shaped(4500, 45, 10, 2)
	if err := w.Check(); err != nil {
		t.Fatal(err)
	}
	if got := w.Params(); got != table[10] {
		t.Errorf("weights of d_m = 10 have %d parameters, want %d", got, table[10])
	}
}

// shaped is zero weights of a Branch-ELM with one hidden layer of 2d.
func shaped(nSyn, nBranch, d, nOut int) *Weights {
	w := &Weights{Synapse: make([]float64, nSyn), Branch: make([]int, nSyn), TauM: make([]float64, d)}
	for k := range w.Branch {
		w.Branch[k] = k % nBranch
	}
	for j := range w.TauM {
		w.TauM[j] = float64(j + 1)
	}
	layer := func(out, in int) Layer {
		l := Layer{W: make([][]float64, out), B: make([]float64, out)}
		for k := range l.W {
			l.W[k] = make([]float64, in)
		}
		return l
	}
	w.Layers = []Layer{layer(2*d, nBranch+d), layer(d, 2*d)}
	r := layer(nOut, d)
	w.ReadoutW, w.ReadoutB = r.W, r.B
	return w
}

// TestCheck checks that weights whose shapes do not fit are refused.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(w *Weights)
		want   string
	}{
		{"no synapses", func(w *Weights) { w.Synapse, w.Branch = nil, nil }, "no synapses"},
		{"branches", func(w *Weights) { w.Branch = w.Branch[:3] }, "4 synapses"},
		{"tau", func(w *Weights) { w.TauM[0] = 0 }, "tau_m[0]"},
		{"layer width", func(w *Weights) { w.Layers[0].W[1] = w.Layers[0].W[1][:2] }, "layer 0 takes"},
		{"last layer", func(w *Weights) { w.Layers = w.Layers[:1] }, "the last layer gives 4 values for 2 memory units"},
		{"readout", func(w *Weights) { w.ReadoutB = nil }, "readout"},
		{"nan", func(w *Weights) { w.Synapse[2] = w.Synapse[2] / 0 * 0 }, "not a finite float32"},
	} {
		w := shaped(4, 2, 2, 1)
		tt.change(w)
		if err := w.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// TestRead reads the reference weights and checks the equations written
// from them.
func TestRead(t *testing.T) {
	w, err := Read(filepath.Join("..", "..", "testdata", "elm", "branch_weights.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Synapse) != 12 || w.Branches() != 4 || len(w.TauM) != 3 || len(w.Layers) != 2 || w.SiLU || w.TauS != 5 {
		t.Fatalf("weights %+v", w)
	}
	eqs, err := w.Neuron(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dm_0/dt = ", "u_3 : 1", "y_1 = ", "h0_5 = clip(a0_5, 0, inf) : 1", "D_2 = 1.7159*tanh(2*o_2/3) : 1"} {
		if !strings.Contains(eqs, want) {
			t.Errorf("equations lack %q:\n%s", want, eqs)
		}
	}
	if _, err := Read(filepath.Join("..", "..", "testdata", "elm", "branch_inputs.npz")); err == nil || !strings.Contains(err.Error(), `no array "w_syn"`) {
		t.Errorf("reading a file without weights: %v", err)
	}
}
