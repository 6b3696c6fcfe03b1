package spikevk

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/units"
)

// StateMonitor records variables of a group or subgroup, as Brian2's
// StateMonitor does: at the start of every sampled step, after the
// synaptic input of the step arrived and before the neurons integrate.
// The samples are taken on the device and read back once per batch of
// steps.
type StateMonitor struct {
	g       *Group
	vars    []string
	every   uint32 // steps between samples
	neurons []int  // indices in g
	parts   []part // once built: one record of states and parameters, one of subexpressions
	units   []units.Dim
	steps   []uint32  // the step of each sample
	data    []float32 // per sample, per variable, per neuron
}

// part is a record of Plan.Records that samples some of a monitor's
// variables.
type part struct {
	rec  int   // index in Plan.Records
	vars []int // indices in StateMonitor.vars, in the record's order
}

// StateMonitor records the variables vars of g (states, parameters or
// subexpressions of its model) every every ms (a whole number of steps; 0:
// every step) for all its neurons, or only for neurons (indices in g). A
// subexpression, such as a current injected with Group.Inject, is
// recorded as the step computes it from the values at the start of the
// step (so a noisy current is the draw the neuron integrated); the step
// then writes it to memory, so a checkpoint restores only into a network
// that monitors the same subexpressions. A variable that the model lacks
// makes Run fail with an error naming the group and the variable.
func (n *Network) StateMonitor(g *Group, vars []string, every float64, neurons ...int) *StateMonitor {
	m := &StateMonitor{g: g, vars: vars, every: 1}
	if !n.mine(g, "state monitor") {
		return m
	}
	what := fmt.Sprintf("state monitor of %s", g)
	if !n.building(what) {
		return m
	}
	if len(vars) == 0 {
		n.fail("%s: no variables", what)
		return m
	}
	for k, v := range vars {
		if slices.Contains(vars[:k], v) {
			n.fail("%s: variable %q given twice", what, v)
			return m
		}
	}
	if every != 0 {
		steps := math.Round(every / n.cfg.DT)
		if !(steps >= 1) || steps > math.MaxUint32 || math.Abs(every/n.cfg.DT-steps) > 1e-6*steps {
			n.fail("%s: every %g ms is not a whole number of time steps of %g ms", what, every, n.cfg.DT)
			return m
		}
		m.every = uint32(steps)
	}
	if len(neurons) == 0 {
		for k := range g.N() {
			m.neurons = append(m.neurons, k)
		}
	}
	for k, i := range neurons {
		if i < 0 || i >= g.N() {
			n.fail("%s: neuron %d is not in it (0…%d)", what, i, g.N()-1)
			return m
		}
		if slices.Contains(neurons[:k], i) {
			n.fail("%s: neuron %d given twice", what, i)
			return m
		}
		m.neurons = append(m.neurons, i)
	}
	d := n.desc.Groups[g.index]
	for _, v := range vars {
		if !slices.Contains(d.Observe, v) {
			d.Observe = append(d.Observe, v)
		}
	}
	n.monitors = append(n.monitors, m)
	return m
}

// plan checks the monitor's variables against the compiled network and
// returns its records: one sampling the states and parameters at the start
// of the step, one sampling the subexpressions after the step program.
func (m *StateMonitor) plan(c *host.Compiled) ([]*host.RecordPlan, error) {
	gp, model := c.Plan.Groups[m.g.index], c.Models[m.g.index]
	stored := slices.Concat(model.Neuron.States, model.Neuron.Params)
	all := slices.Concat(stored, model.Neuron.Subexpressions)
	before := &host.RecordPlan{Group: m.g.index, Every: m.every}
	after := &host.RecordPlan{Group: m.g.index, Every: m.every, AfterStep: true}
	var inBefore, inAfter []int
	m.units = m.units[:0]
	for a, name := range m.vars {
		k := slices.IndexFunc(all, func(v models.Var) bool { return v.Name == name })
		if k < 0 || !slices.ContainsFunc(gp.Arrays, func(a host.Array) bool { return a.Name == name }) {
			var names []string
			for _, v := range all {
				names = append(names, v.Name)
			}
			return nil, fmt.Errorf("state monitor of %s: group %q has no variable %q (its variables: %s)",
				m.g, gp.Name, name, strings.Join(names, ", "))
		}
		m.units = append(m.units, all[k].Dim)
		if k < len(stored) {
			before.Arrays, inBefore = append(before.Arrays, name), append(inBefore, a)
		} else {
			after.Arrays, inAfter = append(after.Arrays, name), append(inAfter, a)
		}
	}
	for _, i := range m.neurons {
		before.Neurons = append(before.Neurons, uint32(m.g.lo+i))
	}
	after.Neurons = before.Neurons
	m.parts = m.parts[:0]
	var recs []*host.RecordPlan
	for _, r := range []struct {
		plan *host.RecordPlan
		vars []int
	}{{before, inBefore}, {after, inAfter}} {
		if len(r.vars) > 0 {
			m.parts = append(m.parts, part{rec: len(c.Plan.Records) + len(recs), vars: r.vars})
			recs = append(recs, r.plan)
		}
	}
	return recs, nil
}

// record appends the samples of a batch, per sample, per variable in the
// order of vars, per neuron.
func (m *StateMonitor) record(b *host.Batch, _ *host.Plan) {
	nn, first := len(m.neurons), len(m.steps)
	for s := b.First; s < b.First+b.Steps; s++ {
		if s%m.every == 0 {
			m.steps = append(m.steps, s)
		}
	}
	m.data = slices.Grow(m.data, (len(m.steps)-first)*len(m.vars)*nn)[:len(m.steps)*len(m.vars)*nn]
	for _, p := range m.parts {
		src := b.Samples[p.rec]
		for k := range len(m.steps) - first {
			for j, a := range p.vars {
				at := ((first+k)*len(m.vars) + a) * nn
				copy(m.data[at:at+nn], src[(k*len(p.vars)+j)*nn:])
			}
		}
	}
}

// Neurons returns the recorded neurons, as indices in the monitored group.
func (m *StateMonitor) Neurons() []int { return m.neurons }

// Values returns the samples of variable so far: the time of each sample
// in ms and, per sample, the value of each recorded neuron (in the order
// of Neurons) in the internal unit of its dimension (mV, nS, pA, pF, ms, and
// 1/ms for rates: 59.9 Hz reads 0.0599; the files of Record are in SI; see
// models/units). Steps run again after Network.Restore appear again. The
// values are the monitor's own; do not change them.
func (m *StateMonitor) Values(variable string) (t []float64, v [][]float32, err error) {
	a := slices.Index(m.vars, variable)
	if a < 0 {
		return nil, nil, fmt.Errorf("state monitor of %s: variable %q is not recorded (recorded: %s)", m.g, variable, strings.Join(m.vars, ", "))
	}
	per, nn := len(m.vars)*len(m.neurons), len(m.neurons)
	t = make([]float64, len(m.steps))
	v = make([][]float32, len(m.steps))
	for k, s := range m.steps {
		t[k] = float64(host.Time(s, m.g.net.cfg.DT))
		v[k] = m.data[k*per+a*nn : k*per+(a+1)*nn : k*per+(a+1)*nn]
	}
	return t, v, nil
}
