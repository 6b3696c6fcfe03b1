package host

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"

	"github.com/spikevk/spikevk/models/ir"
)

// State is the state of a loaded plan after the last step run
// (Backend.Save, Backend.Restore): the contents of every non-Const array of
// every group and projection, and every group's delay rings.
//
// Nothing else is needed to continue a run bit for bit: random draws are
// keyed by (Seed, stream, index, step), not drawn from a generator with a
// state; spike lists live within one step; Const arrays and the
// connectivity belong to the Plan; and the step counter belongs to the
// runner, which passes the next step to Backend.Run. A State saved by one
// backend restores on any other.
type State struct {
	Groups      []GroupState      // by index in Plan.Groups
	Projections []ProjectionState // by index in Plan.Projections
}

// GroupState is the state of one group.
type GroupState struct {
	Name   string
	Arrays []ArrayState // the non-Const arrays, in plan order, N values each
	// Rings holds the delay ring of each target, in the order of Targets:
	// Ring·N fixed-point values (FixedScale), slot r of neuron i at r·N+i.
	// Slot r holds the input that arrives at the start of the next step s
	// with s mod Ring = r.
	Rings [][]int64
}

// ProjectionState is the state of one projection.
type ProjectionState struct {
	Name   string
	Arrays []ArrayState // the non-Const arrays, in plan order, one value per synapse
}

// ArrayState is the contents of one array.
type ArrayState struct {
	Name   string
	Values []float32
}

// NewState returns a zero State with the shape of p: a backend's Save fills
// its values.
func (p *Plan) NewState() *State {
	s := &State{Groups: make([]GroupState, len(p.Groups)), Projections: make([]ProjectionState, len(p.Projections))}
	for gi, g := range p.Groups {
		gs := GroupState{Name: g.Name, Arrays: newArrayStates(g.Arrays, g.N), Rings: make([][]int64, len(g.Targets))}
		for x := range gs.Rings {
			gs.Rings[x] = make([]int64, g.Ring*g.N)
		}
		s.Groups[gi] = gs
	}
	for pi, pp := range p.Projections {
		s.Projections[pi] = ProjectionState{Name: pp.Name, Arrays: newArrayStates(pp.Arrays, pp.ArrayLen())}
	}
	return s
}

func newArrayStates(list []Array, n int) []ArrayState {
	var out []ArrayState
	for _, a := range list {
		if !a.Const {
			out = append(out, ArrayState{Name: a.Name, Values: make([]float32, n)})
		}
	}
	return out
}

// CheckState reports a state that does not fit p: other groups or
// projections, other arrays, or arrays and rings of other lengths. The
// error names the group or projection and the array. A backend's Restore
// calls it before it changes anything.
func (p *Plan) CheckState(s *State) error {
	if s == nil {
		return errors.New("state: nil")
	}
	if len(s.Groups) != len(p.Groups) || len(s.Projections) != len(p.Projections) {
		return fmt.Errorf("state: %d groups and %d projections; the plan has %d and %d",
			len(s.Groups), len(s.Projections), len(p.Groups), len(p.Projections))
	}
	for gi, g := range p.Groups {
		gs := &s.Groups[gi]
		owner := fmt.Sprintf("group %d %q", gi, g.Name)
		if gs.Name != g.Name {
			return fmt.Errorf("state: %s: the state's group %d is %q", owner, gi, gs.Name)
		}
		if err := checkArrays(owner, g.Arrays, gs.Arrays, g.N); err != nil {
			return err
		}
		if len(gs.Rings) != len(g.Targets) {
			return fmt.Errorf("state: %s: %d delay rings for %d targets", owner, len(gs.Rings), len(g.Targets))
		}
		for x, r := range gs.Rings {
			if len(r) != g.Ring*g.N {
				return fmt.Errorf("state: %s: delay ring of %q holds %d values; the plan's holds %d slots × %d neurons",
					owner, g.Targets[x], len(r), g.Ring, g.N)
			}
		}
	}
	for pi, pp := range p.Projections {
		ps := &s.Projections[pi]
		owner := fmt.Sprintf("projection %d %q", pi, pp.Name)
		if ps.Name != pp.Name {
			return fmt.Errorf("state: %s: the state's projection %d is %q", owner, pi, ps.Name)
		}
		if err := checkArrays(owner, pp.Arrays, ps.Arrays, pp.ArrayLen()); err != nil {
			return err
		}
	}
	return nil
}

// checkArrays reports states that are not the non-Const arrays of list
// with n values each.
func checkArrays(owner string, list []Array, states []ArrayState, n int) error {
	k := 0
	for _, a := range list {
		if a.Const {
			continue
		}
		if k >= len(states) {
			return fmt.Errorf("state: %s: no array %q", owner, a.Name)
		}
		if states[k].Name != a.Name {
			return fmt.Errorf("state: %s: array %q where the plan has %q", owner, states[k].Name, a.Name)
		}
		if len(states[k].Values) != n {
			return fmt.Errorf("state: %s: array %q holds %d values; the plan's holds %d", owner, a.Name, len(states[k].Values), n)
		}
		k++
	}
	if k < len(states) {
		return fmt.Errorf("state: %s: array %q is not a non-Const array of the plan", owner, states[k].Name)
	}
	return nil
}

// Fingerprint identifies everything of p that a State does not hold:
// groups and projections with their names, sizes, programs, Const values,
// targets, ring lengths, streams and connectivity (rows, targets, delays).
// DT and Seed are left out, so that a mismatch there can be reported as
// such. Equal fingerprints mean that a State of one plan continues the
// other. It is the hex SHA-256 of those fields.
func (p *Plan) Fingerprint() string {
	f := fingerprint{sha256.New()}
	f.ints(len(p.Groups))
	for _, g := range p.Groups {
		f.str(g.Name)
		f.ints(g.N, int(g.Stream), g.Ring)
		f.program(g.Step)
		f.arrays(g.Arrays)
		f.ints(len(g.Targets))
		for _, x := range g.Targets {
			f.str(x)
		}
	}
	f.ints(len(p.Projections))
	for _, pp := range p.Projections {
		f.str(pp.Name)
		f.ints(pp.Pre, pp.Post, int(pp.Stream), int(pp.Delay))
		f.program(pp.OnPre)
		f.arrays(pp.Arrays)
		f.ints(len(pp.RowPtr), len(pp.Target), len(pp.Delays))
		f.write(pp.RowPtr)
		f.write(pp.Target)
		f.write(pp.Delays)
		if pp.Rows != nil { // procedural: rows regenerated, arrays of one value
			f.ints(pp.Rows.Count, pp.ArrayLen())
		}
		if pp.OnPost != nil {
			f.ints(int(pp.PostStream))
			f.program(pp.OnPost)
		}
		if pp.Step != nil {
			f.ints(int(pp.StepStream))
			f.program(pp.Step)
		}
	}
	return hex.EncodeToString(f.h.Sum(nil))
}

// fingerprint feeds the fields of a plan to a hash.
type fingerprint struct{ h hash.Hash }

// write writes v, a fixed-size value or a slice of them, little endian.
func (f fingerprint) write(v any) {
	if err := binary.Write(f.h, binary.LittleEndian, v); err != nil {
		panic(err) // v is not of a fixed size: a programmer error
	}
}

func (f fingerprint) ints(v ...int) {
	for _, x := range v {
		f.write(int64(x))
	}
}

func (f fingerprint) str(s string) {
	f.ints(len(s))
	f.h.Write([]byte(s))
}

// program writes the hash of p, or an empty string for none.
func (f fingerprint) program(p *ir.Program) {
	if p == nil {
		f.str("")
		return
	}
	f.str(p.Hash())
}

// arrays writes the names, kinds and Const values of list.
func (f fingerprint) arrays(list []Array) {
	f.ints(len(list))
	for _, a := range list {
		f.str(a.Name)
		switch {
		case !a.Const:
			f.ints(0)
		case len(a.Init) == 0:
			f.ints(1)
		default:
			f.ints(2)
			f.write(math.Float32bits(a.Init[0]))
		}
	}
}
