package spikevk

import (
	"errors"

	"github.com/spikevk/spikevk/host"
)

// Built returns the description the network was built from and what its
// first Run compiled: the synapses drawn, every array filled (initial
// values and parameters), the delays in steps, exactly as the backend
// simulates them. Exporters (package sonata) read them; callers must not
// change them. Before the first Run (a Run of 0 ms builds the network)
// it returns an error.
func (n *Network) Built() (*host.Network, *host.Compiled, error) {
	if n.sim == nil {
		return nil, nil, errors.New("the network is built by its first Run (a Run of 0 ms builds it)")
	}
	return &n.desc, n.sim.compiled, nil
}
