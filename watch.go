package spikevk

import (
	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
)

// Watcher sees every batch of steps a Run simulates: first is the batch's
// first step and steps its length; spikes holds, per whole group in the
// order of Network.Groups, steps spike records of (N+31)/32 words each,
// where bit i%32 of word i/32 of record s is set when neuron i spiked in
// step first+s. The records are valid during the call only.
type Watcher func(first uint64, steps int, spikes [][]uint32)

// Watch calls w after each batch of steps, on the goroutine that called
// Run, once the monitors have recorded the batch. A live view (package
// viz/window) follows a run this way. Watch may be called before or
// between Runs.
func (n *Network) Watch(w Watcher) { n.watchers = append(n.watchers, w) }

// Groups returns the whole groups of the network in the order they were
// added.
func (n *Network) Groups() []*Group { return n.groups }

// Internal reports whether g is one spikevk adds for its own use (the
// one-neuron source of a PoissonInput), which summaries leave out.
func (g *Group) Internal() bool { return internal(g.net.desc.Groups[g.index]) }

func internal(d *host.Group) bool { return d.Model != nil && d.Model.Name == poissonInputModel }

// Subgroups returns the named subgroups (Subgroup), in order.
func (n *Network) Subgroups() []*Group { return n.subgroups }

// Whole returns the whole group that g is, or is a subgroup of.
func (g *Group) Whole() *Group { return g.net.groups[g.index] }

// Offset is the index in the whole group of g's first neuron.
func (g *Group) Offset() int { return g.lo }

// ShareDevice makes the Vulkan backend (Backend "vulkan" or "auto") run on
// c, a device context the caller opened, instead of opening its own: the
// live window shares its device this way, for a process holds one set of
// Vulkan functions. c stays open after Close. The backend calls tap, when
// it is not nil, after each submission with the device buffers of the
// spike records it wrote (gpu.Tap): work on c can read them there, with
// no copy to the host. Call it before the first Run.
func (n *Network) ShareDevice(c *vk.Context, tap gpu.Tap) {
	if n.building("share a Vulkan device") {
		n.device, n.tap = c, tap
	}
}
