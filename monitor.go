package spikevk

import (
	"fmt"

	"github.com/spikevk/spikevk/host"
)

// monitor receives every batch of spike records and writes what it
// recorded to a file of Network.Record.
type monitor interface {
	record(b *host.Batch, p *host.Plan)
	// base is the name of its file, without .npz: spikes_<group>,
	// state_<group> or rate_<group>.
	base() string
	// writeFile writes the file and describes it for metadata.json.
	writeFile(path string, dt float64) (fileMeta, error)
	records // in checkpoint files
}

// SpikeMonitor records the spikes of a group or subgroup: all its neurons,
// or the ones selected. Spikes are recorded on the device and read back
// once per batch of steps.
type SpikeMonitor struct {
	g        *Group
	selected []bool // by index in g; nil: all
	i        []int32
	t        []float64
}

// SpikeMonitor records the spikes of g, or only of neurons (indices in g).
func (n *Network) SpikeMonitor(g *Group, neurons ...int) *SpikeMonitor {
	m := &SpikeMonitor{g: g}
	if !n.mine(g, "spike monitor") || !n.building(fmt.Sprintf("spike monitor of %s", g)) {
		return m
	}
	if len(neurons) > 0 {
		m.selected = make([]bool, g.N())
		for _, k := range neurons {
			if k < 0 || k >= g.N() {
				n.fail("spike monitor of %s: neuron %d is not in it (0…%d)", g, k, g.N()-1)
				return m
			}
			m.selected[k] = true
		}
	}
	n.monitors = append(n.monitors, m)
	return m
}

func (m *SpikeMonitor) record(b *host.Batch, p *host.Plan) {
	words := host.Words(p.Groups[m.g.index].N)
	dt := p.DT
	for k := range b.Steps {
		rec := b.Spikes[m.g.index][int(k)*words : int(k+1)*words]
		t := float64(host.Time(b.First+k, dt))
		forEachSpike(rec, func(i int) {
			i -= m.g.lo
			if i < 0 || i >= m.g.N() || m.selected != nil && !m.selected[i] {
				return
			}
			m.i = append(m.i, int32(i))
			m.t = append(m.t, t)
		})
	}
}

// Spikes returns the recorded spikes in time order (ascending neuron index
// within a step): neuron indices in the monitored group and times in ms.
// The slices are the monitor's own; do not change them.
func (m *SpikeMonitor) Spikes() (i []int32, t []float64) { return m.i, m.t }

// Count is the number of spikes recorded.
func (m *SpikeMonitor) Count() int { return len(m.i) }

// RateMonitor records the population rate of a group or subgroup: the
// fraction of its neurons that spike in each step, divided by dt.
type RateMonitor struct {
	g     *Group
	rates []float64
	steps []uint32 // the step of each rate
}

// RateMonitor records the population rate of g.
func (n *Network) RateMonitor(g *Group) *RateMonitor {
	m := &RateMonitor{g: g}
	if n.mine(g, "rate monitor") && n.building(fmt.Sprintf("rate monitor of %s", g)) {
		n.monitors = append(n.monitors, m)
	}
	return m
}

func (m *RateMonitor) record(b *host.Batch, p *host.Plan) {
	words := host.Words(p.Groups[m.g.index].N)
	for k := range b.Steps {
		count := 0
		forEachSpike(b.Spikes[m.g.index][int(k)*words:int(k+1)*words], func(i int) {
			if i >= m.g.lo && i < m.g.hi {
				count++
			}
		})
		rate := 0.0
		if m.g.N() > 0 {
			rate = float64(count) / float64(m.g.N()) / (p.DT / 1000)
		}
		m.rates = append(m.rates, rate)
		m.steps = append(m.steps, b.First+k)
	}
}

// Rates returns the population rate in Hz of every step run since the
// first Run, and the time in ms at the start of each step (steps run again
// after Network.Restore appear again).
func (m *RateMonitor) Rates() (t, hz []float64) {
	t = make([]float64, len(m.rates))
	for k := range t {
		t[k] = float64(host.Time(m.steps[k], m.g.net.cfg.DT))
	}
	return t, m.rates
}
