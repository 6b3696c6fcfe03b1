package gpu

import (
	"errors"
	"fmt"

	"github.com/spikevk/spikevk/host"
)

// Save reads the non-Const arrays and the delay rings back from the device.
func (b *Backend) Save() (*host.State, error) {
	if b.plan == nil {
		return nil, errors.New("gpu: Save before Load")
	}
	s := b.plan.NewState()
	for gi, g := range b.groups {
		gs := &s.Groups[gi]
		owner := fmt.Sprintf("group %q", g.plan.Name)
		if err := transferArrays(owner, g.arrays, gs.Arrays, g.vars.Read); err != nil {
			return nil, fmt.Errorf("gpu: save: %w", err)
		}
		for x, r := range gs.Rings {
			if err := g.ring.Read(x*len(r), r); err != nil {
				return nil, fmt.Errorf("gpu: save: %s: read delay ring %q: %w", owner, g.plan.Targets[x], err)
			}
		}
	}
	for pi, p := range b.projs {
		owner := fmt.Sprintf("projection %q", p.plan.Name)
		if err := transferArrays(owner, p.arrays, s.Projections[pi].Arrays, p.syn.Read); err != nil {
			return nil, fmt.Errorf("gpu: save: %w", err)
		}
	}
	return s, nil
}

// Restore writes s to the device's arrays and delay rings, after checking
// that it fits the plan. The spike lists need nothing: the next Run clears
// the counter of its first step unless that step follows the last one run,
// whose neuron kernel cleared it.
func (b *Backend) Restore(s *host.State) error {
	if b.plan == nil {
		return errors.New("gpu: Restore before Load")
	}
	if err := b.plan.CheckState(s); err != nil {
		return fmt.Errorf("gpu: restore: %w", err)
	}
	for gi, g := range b.groups {
		gs := &s.Groups[gi]
		owner := fmt.Sprintf("group %q", g.plan.Name)
		if err := transferArrays(owner, g.arrays, gs.Arrays, g.vars.Write); err != nil {
			return fmt.Errorf("gpu: restore: %w", err)
		}
		for x, r := range gs.Rings {
			if err := g.ring.Write(x*len(r), r); err != nil {
				return fmt.Errorf("gpu: restore: %s: write delay ring %q: %w", owner, g.plan.Targets[x], err)
			}
		}
	}
	for pi, p := range b.projs {
		owner := fmt.Sprintf("projection %q", p.plan.Name)
		if err := transferArrays(owner, p.arrays, s.Projections[pi].Arrays, p.syn.Write); err != nil {
			return fmt.Errorf("gpu: restore: %w", err)
		}
	}
	return nil
}

// transferArrays reads or writes (do is the Read or Write of the packed
// buffer) each array of list at its slot (array a of element k at
// slot(a)·n+k, as packed lays them out).
func transferArrays(owner string, a *arrays, list []host.ArrayState, do func(off int, vals []float32) error) error {
	for _, x := range list {
		slot, ok := a.slot[x.Name]
		if !ok {
			return fmt.Errorf("%s: no non-Const array %q", owner, x.Name)
		}
		if err := do(slot*a.n, x.Values); err != nil {
			return fmt.Errorf("%s: array %q: %w", owner, x.Name, err)
		}
	}
	return nil
}

// SetGroupArray writes values to the non-Const array name of group gi on
// the device (its slot of the packed state buffer).
func (b *Backend) SetGroupArray(gi int, name string, values []float32) error {
	if b.plan == nil {
		return errors.New("gpu: SetGroupArray before Load")
	}
	if gi < 0 || gi >= len(b.groups) {
		return fmt.Errorf("gpu: set array: group %d out of range for %d groups", gi, len(b.groups))
	}
	dg := b.groups[gi]
	x, ok := dg.arrays.byName[name]
	switch {
	case !ok:
		return fmt.Errorf("gpu: set array: group %q has no array %q", dg.plan.Name, name)
	case x.Const:
		return fmt.Errorf("gpu: set array: array %q of group %q is Const", name, dg.plan.Name)
	case len(values) != dg.arrays.n:
		return fmt.Errorf("gpu: set array: %d values for array %q of group %q of %d neurons", len(values), name, dg.plan.Name, dg.arrays.n)
	}
	if len(values) == 0 {
		return nil
	}
	if err := dg.vars.Write(dg.arrays.slot[name]*dg.arrays.n, values); err != nil {
		return fmt.Errorf("gpu: set array: group %q: array %q: %w", dg.plan.Name, name, err)
	}
	return nil
}
