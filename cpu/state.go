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

// SetGroupArray copies values into the non-Const array name of group gi.
func (b *Backend) SetGroupArray(gi int, name string, values []float32) error {
	if err := b.ready(); err != nil {
		return err
	}
	if gi < 0 || gi >= len(b.groups) {
		return fmt.Errorf("cpu: set array: group %d of %d", gi, len(b.groups))
	}
	g := b.groups[gi]
	a, ok := g.arrays[name]
	_, isConst := g.consts[name]
	switch {
	case !ok:
		return fmt.Errorf("cpu: set array: group %q has no array %q", g.name, name)
	case isConst:
		return fmt.Errorf("cpu: set array: array %q of group %q is Const", name, g.name)
	case len(values) != len(a):
		return fmt.Errorf("cpu: set array: %d values for array %q of group %q of %d neurons", len(values), name, g.name, len(a))
	}
	copy(a, values) // in place: g.checked may hold the same slice
	return nil
}
