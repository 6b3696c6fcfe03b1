package cpu

import (
	"fmt"

	"github.com/spikevk/spikevk/host"
)

// Save returns a copy of the non-Const arrays and the delay rings.
func (b *Backend) Save() (*host.State, error) {
	if err := b.ready(); err != nil {
		return nil, err
	}
	s := b.plan.NewState()
	for gi, g := range b.groups {
		gs := &s.Groups[gi]
		for _, a := range gs.Arrays {
			copy(a.Values, g.arrays[a.Name])
		}
		for x, r := range g.rings {
			copy(gs.Rings[x], r.slots)
		}
	}
	for pi, p := range b.projs {
		for _, a := range s.Projections[pi].Arrays {
			copy(a.Values, p.arrays[a.Name])
		}
	}
	return s, nil
}

// Restore copies s into the arrays and the delay rings, after checking that
// it fits the plan.
func (b *Backend) Restore(s *host.State) error {
	if err := b.ready(); err != nil {
		return err
	}
	if err := b.plan.CheckState(s); err != nil {
		return fmt.Errorf("cpu: restore: %w", err)
	}
	for gi, g := range b.groups {
		gs := &s.Groups[gi]
		for _, a := range gs.Arrays {
			copy(g.arrays[a.Name], a.Values)
		}
		for x, r := range g.rings {
			copy(r.slots, gs.Rings[x])
		}
	}
	for pi, p := range b.projs {
		for _, a := range s.Projections[pi].Arrays {
			copy(p.arrays[a.Name], a.Values)
		}
	}
	return nil
}
