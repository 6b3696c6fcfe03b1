package gpu_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// gapPlan compiles n inferior-olive cells whose input I is summed over
// the synapses of model from the cells given by pre onto cell post[k].
func gapPlan(t *testing.T, n int, model string, pre, post []int) *host.Plan {
	t.Helper()
	f, err := models.Builtin("manor_io")
	if err != nil {
		t.Fatal(err)
	}
	c, err := host.Compile(&host.Network{DT: 0.025, Seed: 1, Groups: []*host.Group{{Name: "io", N: n, Model: f}},
		Projections: []*host.Projection{{Name: "gap", Pre: host.Range{Hi: n}, Post: host.Range{Hi: n}, Model: model,
			Conn: host.Connectivity{Rule: host.Pairs, I: pre, J: post}}}})
	if err != nil {
		t.Fatal(err)
	}
	return c.Plan
}

// TestSummedDispatches counts the dispatches of a step, with and without
// synapses: the neuron kernel and one gather, plus the terms kernel where
// a clock-driven variable needs it.
func TestSummedDispatches(t *testing.T) {
	for _, tc := range []struct {
		model     string
		pre, post []int
		want      uint64
	}{
		{"w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)", []int{0, 1, 2, 3}, []int{1, 0, 3, 2}, 2},
		{"w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)", nil, nil, 2},
		{"dw/dt = -w/(10*ms) : siemens (clock-driven)\nI_post = w*(v_pre - v_post) : amp (summed)", []int{0, 1, 2, 3}, []int{1, 0, 3, 2}, 3},
		{"dw/dt = -w/(10*ms) : siemens (clock-driven)\nI_post = w*(v_pre - v_post) : amp (summed)", nil, nil, 2}, // no work groups, no dispatch
		{"dw/dt = -w/(10*ms) : siemens (clock-driven)", []int{0, 1}, []int{1, 0}, 2},
	} {
		b := newBackend(t)
		if err := b.Load(gapPlan(t, 4, tc.model, tc.pre, tc.post)); err != nil {
			t.Fatal(err)
		}
		const steps = 10
		if _, err := b.Run(context.Background(), 0, steps); err != nil {
			t.Fatal(err)
		}
		if got := b.Stats().Dispatches; got != steps*tc.want {
			t.Errorf("%q: %d dispatches in %d steps, want %d a step", tc.model, got, steps, tc.want)
		}
	}
}

// TestSummedLongColumn: a column longer than one thread may walk is an
// error naming the limit.
func TestSummedLongColumn(t *testing.T) {
	const n = 65537
	pre, post := make([]int, n-1), make([]int, n-1)
	for k := range pre {
		pre[k] = k + 1
	}
	b := newBackend(t)
	err := b.Load(gapPlan(t, n, "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)", pre, post))
	if err == nil || !strings.Contains(err.Error(), "65536 synapses, more than the 65535") {
		t.Fatalf("Load: %v, want an error naming the column's 65536 synapses and the limit", err)
	}
	t.Log(err)
}
