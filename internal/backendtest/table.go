package backendtest

import (
	"fmt"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// testSpikeTable: groups whose threshold reads a spike table
// (host.SeriesPlan.Spikes) spike exactly in the steps listed per neuron,
// for sizes around the workgroup size, neurons without spikes, and one
// neuron with a spike in every other step (a deep binary search).
func testSpikeTable(t *testing.T, nb func(t *testing.T) host.Backend) {
	sizes := []int{0, 1, 63, 64, 65, 130}
	const steps = 300
	net := &host.Network{DT: dt, Series: map[string]*host.Series{}}
	listed := map[[3]int]bool{} // group, neuron, step
	for gi, n := range sizes {
		spikes := make([][]uint32, n)
		for i := range n {
			for s := uint32(i % 7); s < steps; s += uint32(1 + (i*gi)%40) {
				if i%5 != 4 { // every fifth neuron never spikes
					spikes[i] = append(spikes[i], s)
					listed[[3]int{gi, i, int(s)}] = true
				}
			}
		}
		name := fmt.Sprintf("tab%d", gi)
		net.Series[name] = &host.Series{Spikes: spikes, PerNeuron: true, Neurons: n, DT: dt}
		net.Groups = append(net.Groups, &host.Group{Name: fmt.Sprintf("n%d", n), N: n,
			Model: &models.File{Threshold: name + "(t, i) > 0.5"}})
	}
	c, err := host.Compile(net)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Plan
	b := load(t, nb, p)
	batch := run(t, b, p, 0, 100)
	batch2 := run(t, b, p, 100, steps-100)
	for gi := range sizes {
		for s := range steps {
			bt, rec := batch, s
			if s >= 100 {
				bt, rec = batch2, s-100
			}
			checkRecord(t, p, bt, gi, rec, func(i int) bool { return listed[[3]int{gi, i, s}] })
		}
	}
}
