package spikevk_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models/elm"
)

// elmRun runs one ELM neuron of testdata/elm/NAME_weights.npz on the input
// spikes NAME_inputs.npz for 300 ms and returns m and y after every step
// ([step][unit]) and the weights.
func elmRun(t *testing.T, backend, name string) (m, y [][]float32, w *elm.Weights) {
	t.Helper()
	dir := filepath.Join("testdata", "elm")
	w, err := elm.Read(filepath.Join(dir, name+"_weights.npz"))
	if err != nil {
		t.Fatal(err)
	}
	net := spikevk.New(spikevk.Config{DT: 1, Backend: backend})
	defer net.Close()
	in := net.SpikeGeneratorFile("inputs", len(w.Synapse), filepath.Join(dir, name+"_inputs.npz"))
	g := net.ELMGroup("elm", 1, filepath.Join(dir, name+"_weights.npz"), in)
	var vars []string
	for j := range w.TauM {
		vars = append(vars, fmt.Sprintf("m_%d", j))
	}
	for q := range w.ReadoutB {
		vars = append(vars, fmt.Sprintf("y_%d", q))
	}
	mon := net.StateMonitor(g, vars, 1)
	if err := net.Run(context.Background(), 300); err != nil {
		t.Fatal(err)
	}
	column := func(v string) []float32 {
		_, x, err := mon.Values(v)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float32, len(x))
		for k := range x {
			out[k] = x[k][0]
		}
		return out
	}
	for _, v := range vars {
		c := column(v)
		if v[0] == 'm' {
			m = append(m, c)
		} else {
			y = append(y, c)
		}
	}
	return m, y, w
}

// readReference reads m or y of NAME_reference.npz, [step][unit].
func readReference(t *testing.T, name, array string) [][]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "elm", name+"_reference.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	z, err := npz.NewReader(f, info.Size())
	if err != nil {
		t.Fatal(err)
	}
	h := z.Header(array + ".npy")
	var data []float64
	if err := z.Read(array+".npy", &data); err != nil {
		t.Fatal(err)
	}
	rows, cols := h.Descr.Shape[0], h.Descr.Shape[1]
	out := make([][]float64, rows)
	for r := range out {
		out[r] = data[r*cols : (r+1)*cols]
	}
	return out
}

// TestELMAgainstNumPy checks the ELM neuron against the paper's equations
// in NumPy (testdata/elm/make_reference.py, float64), for a Branch-ELM
// (12 synapses on 4 branches, 3 memory units, ReLU) and an ELM without
// branches (SiLU, two hidden layers): m and y after every step of 300 ms
// of random input spikes. The memory after step k is sampled at step k+1.
// float32 against float64 over 300 steps of the recurrence: the bound is
// 1e-5, about ten float32 ulps at the largest values (|y| ≈ 14); the
// worst seen is 2.8e-6.
func TestELMAgainstNumPy(t *testing.T) {
	for _, name := range []string{"branch", "plain"} {
		m, y, _ := elmRun(t, "cpu", name)
		for _, c := range []struct {
			what string
			got  [][]float32
		}{{"m", m}, {"y", y}} {
			ref := readReference(t, name, c.what)
			worst, span := 0.0, 0.0
			for j := range c.got {
				for k := 0; k+1 < len(c.got[j]); k++ {
					worst = math.Max(worst, math.Abs(float64(c.got[j][k+1])-ref[k][j]))
					span = math.Max(span, math.Abs(ref[k][j]))
				}
			}
			t.Logf("%s: %s: max |spikevk - NumPy| = %.3g (values up to %.3g)", name, c.what, worst, span)
			if worst > 1e-5 || !(span > 0.1) {
				t.Errorf("%s: %s differs from NumPy by %.3g (values up to %.3g)", name, c.what, worst, span)
			}
		}
	}
}

// TestELMExact checks that both backends run the ELM neuron bit for bit
// alike.
func TestELMExact(t *testing.T) {
	vulkanOrSkip(t)
	for _, name := range []string{"branch", "plain"} {
		cm, cy, _ := elmRun(t, "cpu", name)
		gm, gy, _ := elmRun(t, "vulkan", name)
		if !slices.EqualFunc(cm, gm, slices.Equal) || !slices.EqualFunc(cy, gy, slices.Equal) {
			t.Errorf("%s: the CPU and Vulkan differ", name)
		}
	}
}
