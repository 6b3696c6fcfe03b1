package host

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/internal/philox"
)

// Rows is the procedural form of a FixedProbability projection (Knight &
// Nowotny 2021, GeNN's procedural connectivity): instead of storing its
// synapses, a backend regenerates the row of each spiking neuron from the
// same random words Connect draws it from, so that the synapses, and the
// spikes, are those of the stored form, and the projection takes no
// memory per synapse.
type Rows struct {
	Scale       float32 // 1/ln(1−P) (see Connect)
	NPre, NPost int     // the sizes of the connected ranges
	PreLo       int     // the first presynaptic neuron of the range, in its group
	PostLo      int     // the first postsynaptic neuron of the range, in its group
	Excluded    bool    // autapses are left out: pre j → post j+Shift (range indices)
	Shift       int
	Key         philox.Key
	Stream      uint32
	Count       int // the number of synapses
	Longest     int // the length of the longest row
	lens        []uint32
}

// Len is the number of synapses of presynaptic neuron j of its group.
func (r *Rows) Len(j int) int {
	if j -= r.PreLo; j >= 0 && j < r.NPre {
		return int(r.lens[j])
	}
	return 0
}

// NewRows returns the procedural form of Connect(c, nPre, nPost, same,
// shift, key, stream) for a FixedProbability c with 0 < P < 1, the ranges
// starting at neurons preLo and postLo of their groups; it counts the
// synapses by drawing every row once.
func NewRows(c Connectivity, nPre, nPost int, same bool, shift int, key philox.Key, stream uint32, preLo, postLo int) (*Rows, error) {
	if c.Rule != FixedProbability || !(c.P > 0 && c.P < 1) {
		return nil, fmt.Errorf("%v with P = %v: only fixed_probability with 0 < P < 1 is regenerated", c.Rule, c.P)
	}
	if nPre < 0 || nPost < 0 || uint64(nPre) > math.MaxUint32 || uint64(nPost) > math.MaxUint32 {
		return nil, fmt.Errorf("%v: sizes %d → %d: want 0 … 2^32-1 neurons", c.Rule, nPre, nPost)
	}
	r := &Rows{Scale: float32(1 / math.Log1p(-c.P)), NPre: nPre, NPost: nPost, PreLo: preLo, PostLo: postLo,
		Key: key, Stream: stream}
	if same && !c.Autapses && shift > -nPre && shift < nPost {
		r.Excluded, r.Shift = true, shift
	}
	var buf []uint32
	total := uint64(0)
	r.lens = make([]uint32, nPre)
	for j := range nPre {
		buf = r.row(buf[:0], j)
		r.lens[j] = uint32(len(buf))
		total += uint64(len(buf))
		r.Longest = max(r.Longest, len(buf))
	}
	if total > maxSynapses {
		return nil, tooManySynapses(total)
	}
	r.Count = int(total)
	return r, nil
}

// Row appends to dst the targets, in their group and in increasing order,
// of presynaptic neuron j of its group (nothing outside the range).
func (r *Rows) Row(dst []uint32, j int) []uint32 {
	j -= r.PreLo
	if j < 0 || j >= r.NPre {
		return dst
	}
	n := len(dst)
	dst = r.row(dst, j)
	for k := n; k < len(dst); k++ {
		dst[k] += uint32(r.PostLo)
	}
	return dst
}

// row appends the targets of row j in range indices.
func (r *Rows) row(dst []uint32, j int) []uint32 {
	w := wordSeq{key: r.Key, stream: r.Stream, unit: uint32(j)}
	x := exclusion{on: r.Excluded, shift: r.Shift, nPre: r.NPre, nPost: r.NPost}
	return probabilityRow(dst, r.NPost, x.post(j), r.Scale, &w)
}
