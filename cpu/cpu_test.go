package cpu_test

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/backendtest"
)

func TestConformance(t *testing.T) {
	backendtest.Run(t, func(*testing.T) host.Backend { return cpu.New(cpu.Options{}) })
}

// TestWorkers: the parallel neuron step and propagation (groups of several
// blocks, many synaptic events per step) give the same bits as one worker.
func TestWorkers(t *testing.T) {
	plan := func() *host.Plan { return backendtest.Network(t, 5000, 400, 2) }
	backendtest.Equal(t, cpu.New(cpu.Options{Workers: 1}), cpu.New(cpu.Options{Workers: 7}), plan, 300)
}

// TestWorkersSortedRows: with every row's targets in increasing order the
// workers share the propagation by target, each adding to the rings of
// its own neurons; the bits are those of one worker.
func TestWorkersSortedRows(t *testing.T) {
	plan := func() *host.Plan {
		p := backendtest.Network(t, 5000, 400, 2)
		for _, pp := range p.Projections {
			sortRows(pp)
		}
		return p
	}
	backendtest.Equal(t, cpu.New(cpu.Options{Workers: 1}), cpu.New(cpu.Options{Workers: 7}), plan, 300)
}

// sortRows orders the synapses of each row of pp by target, carrying
// their variables and delays along.
func sortRows(pp *host.ProjectionPlan) {
	for j := range len(pp.RowPtr) - 1 {
		lo, hi := int(pp.RowPtr[j]), int(pp.RowPtr[j+1])
		order := make([]int, hi-lo)
		for k := range order {
			order[k] = lo + k
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pp.Target[a], pp.Target[b]) })
		permute := func(x []float32) {
			old := slices.Clone(x[lo:hi])
			for k, from := range order {
				x[lo+k] = old[from-lo]
			}
		}
		target := slices.Clone(pp.Target[lo:hi])
		for k, from := range order {
			pp.Target[lo+k] = target[from-lo]
		}
		for _, a := range pp.Arrays {
			if len(a.Init) == len(pp.Target) {
				permute(a.Init)
			}
		}
		if pp.Delays != nil {
			delays := slices.Clone(pp.Delays[lo:hi])
			for k, from := range order {
				pp.Delays[lo+k] = delays[from-lo]
			}
		}
	}
}

func TestLifecycle(t *testing.T) {
	b := cpu.New(cpu.Options{})
	if _, err := b.Run(context.Background(), 0, 1); err == nil {
		t.Error("Run before Load succeeded")
	}
	if err := b.Load(backendtest.Network(t, 10, 2, 1)); err != nil {
		t.Fatal(err)
	}
	// 10 neurons with 12 arrays, 2 rings of 5 slots; 2 projections of 20 synapses and 1 of 2.
	if st := b.Stats(); st.HostBytes < 10*12*4+2*5*10*8+42*8 {
		t.Errorf("HostBytes = %d, too few for the plan", st.HostBytes)
	}
	if err := b.Load(backendtest.Network(t, 10, 2, 1)); err == nil {
		t.Error("a second Load succeeded")
	}
	b.Close()
	if _, err := b.Run(context.Background(), 0, 1); err == nil {
		t.Error("Run after Close succeeded")
	}
	if _, err := b.GroupArray(0, "v"); err == nil {
		t.Error("GroupArray after Close succeeded")
	}
}

// BenchmarkStep runs the COBA network of 16,000 neurons with 80 synapses
// each (Vogels & Abbott 2005 sizes scaled up, backendtest.Network).
func BenchmarkStep(b *testing.B) {
	b.StopTimer()
	be := cpu.New(cpu.Options{})
	defer be.Close()
	if err := be.Load(backendtest.Network(b, 16000, 80, 1)); err != nil {
		b.Fatal(err)
	}
	const batch = 100
	ctx := context.Background()
	if _, err := be.Run(ctx, 0, batch); err != nil { // past the start-up transient
		b.Fatal(err)
	}
	spikes := 0
	b.StartTimer()
	for n := range b.N {
		res, err := be.Run(ctx, uint32(batch*(n+1)), batch)
		if err != nil {
			b.Fatal(err)
		}
		spikes += backendtest.Count(res.Spikes[0])
	}
	b.StopTimer()
	steps := float64(b.N * batch)
	b.ReportMetric(steps/b.Elapsed().Seconds(), "steps/s")
	b.ReportMetric(float64(spikes)*80/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(spikes)/steps/16000/(0.1e-3), "Hz")
	b.ReportMetric(0, "ns/op")
}
