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
