package gpu_test

import (
	"context"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/backendtest"
)

func TestConformance(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) host.Backend { return newBackend(t) })
}

// TestConformanceRing32 runs the conformance suite with the rings added
// into by 32-bit atomics and a carry, as on a device without 64-bit ones.
func TestConformanceRing32(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) host.Backend { return newBackend(t).ForceRing32() })
}

// TestConformanceCooperative runs the conformance suite with every row
// walked by a work group (RowWalkCooperative), which the automatic choice
// takes on GPUs only.
func TestConformanceCooperative(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) host.Backend { return newBackend(t).ForceRowWalk(gpu.RowWalkCooperative) })
}

// TestNetworkCooperative compares the random COBA network of TestNetwork
// with the CPU reference, bit for bit, its rows walked cooperatively.
func TestNetworkCooperative(t *testing.T) {
	plan := func() *host.Plan { return backendtest.Network(t, 400, 40, 7) }
	backendtest.Equal(t, cpu.New(cpu.Options{}), newBackend(t).ForceRowWalk(gpu.RowWalkCooperative), plan, 600)
}

// TestNetworkRing32 compares the random COBA network of TestNetwork with
// the CPU reference, bit for bit, with the rings of 32-bit atomics.
func TestNetworkRing32(t *testing.T) {
	plan := func() *host.Plan { return backendtest.Network(t, 400, 40, 7) }
	backendtest.Equal(t, cpu.New(cpu.Options{}), newBackend(t).ForceRing32(), plan, 600)
}

// TestNetwork compares a random COBA network of a few hundred neurons with
// the CPU reference, bit for bit.
func TestNetwork(t *testing.T) {
	plan := func() *host.Plan { return backendtest.Network(t, 400, 40, 7) }
	backendtest.Equal(t, cpu.New(cpu.Options{}), newBackend(t), plan, 600)
}

// BenchmarkStep runs a COBA network of 16,384 neurons with 320 static
// synapses each (Const weights, one delay per projection) and reports
// steps/s, dispatches per step and device bytes per synapse.
func BenchmarkStep(b *testing.B) {
	p := backendtest.Network(b, 16384, 320, 1)
	synapses := 0
	for _, pp := range p.Projections {
		synapses += pp.Synapses()
		pp.Delays, pp.Delay = nil, 1
		for k := range pp.Arrays {
			a := &pp.Arrays[k]
			if a.Name == "w" {
				a.Init, a.Const = backendtest.Fill(len(a.Init), 0.5), true
			}
		}
	}
	be := newBackend(b)
	if err := be.Load(p); err != nil {
		b.Fatal(err)
	}
	const steps = 100
	for b.Loop() {
		if _, err := be.Run(context.Background(), uint32(be.Stats().Steps), steps); err != nil {
			b.Fatal(err)
		}
	}
	s := be.Stats()
	b.ReportMetric(float64(s.Steps)/b.Elapsed().Seconds(), "steps/s")
	b.ReportMetric(float64(s.Dispatches)/float64(s.Steps), "dispatches/step")
	b.ReportMetric(float64(s.DeviceBytes)/float64(synapses), "B/synapse")
	b.ReportMetric(0, "ns/op")
}
