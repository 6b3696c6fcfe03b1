package spikevk

import (
	"fmt"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/elm"
)

// ELMGroup adds size Expressive Leaky Memory neurons (Spieler et al. 2023;
// package models/elm) with the weights of the .npz file path, and their
// synapses from inputs, whose neuron k feeds synapse k of every ELM neuron
// (inputs has one neuron per synapse; nil: no synapses yet). The group's
// states m_0 … are the memory units and its subexpressions y_0 … the
// outputs; the synapses are one projection per branch, named
// name_branch_0 …. The memory after step t+1 is the paper's m_t: a spike
// reaches the synaptic traces at the end of its step.
func (n *Network) ELMGroup(name string, size int, path string, inputs *Group) *Group {
	w, err := elm.Read(path)
	if err != nil {
		return n.Group(name, size, Model{err: err})
	}
	eqs, err := w.Neuron(n.cfg.DT)
	f := &models.File{Name: "elm", Path: path, Equations: eqs, Method: "euler"}
	for j := range w.TauM {
		f.Initial = append(f.Initial, models.Setting{Name: fmt.Sprintf("m_%d", j), Value: "0"})
	}
	g := n.Group(name, size, Model{file: f, err: err})
	if inputs == nil || n.err != nil {
		return g
	}
	if inputs.N() != len(w.Synapse) {
		n.fail("ELM group %q: %d inputs for %d synapses", name, inputs.N(), len(w.Synapse))
		return g
	}
	for b := range w.Branches() {
		var pre, post []int
		var weights []float64
		for k := range w.Synapse {
			if w.BranchOf(k) != b {
				continue
			}
			for j := range size { // grouped by source, ascending targets: the engine's order
				pre, post, weights = append(pre, k), append(post, j), append(weights, w.SynapseWeight(k))
			}
		}
		model, onPre := w.Synapses(b)
		p := n.Connect(fmt.Sprintf("%s_branch_%d", name, b), inputs, g, Synapses{Model: model, OnPre: onPre}, Pairs(pre, post))
		p.SetArray("w", weights, "1")
	}
	return g
}
