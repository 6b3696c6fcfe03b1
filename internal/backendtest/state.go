package backendtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/host"
)

// testState: a run restored from a saved state continues bit for bit like
// the uninterrupted run, with a state saved by this backend or by the CPU
// reference; Save returns what Restore wrote, at every position of every
// array and ring; a state that does not fit the plan is an error that
// names the group or projection and the array.
func testState(t *testing.T, nb func(t *testing.T) host.Backend) {
	const before, after = 57, 73 // not multiples of the ring length 5
	plan := func() *host.Plan { return Network(t, 300, 20, 1) }
	p := plan()
	b := load(t, nb, p)
	run(t, b, p, 0, before)
	saved := save(t, b)
	r1 := run(t, b, p, before, after)
	a1 := save(t, b)
	restore(t, b, saved)
	r2 := run(t, b, p, before, after)
	if !sameRecords(t, p, r1, r2) {
		t.Fatalf("%s: the run after Restore differs from the run after Save", b.Name())
	}
	sameState(t, "after the restored run", a1, save(t, b))
	if Count(r1.Spikes[0]) == 0 {
		t.Fatal("no spike after the save: the test covers nothing")
	}

	// The CPU reference saves, a fresh backend that ran the first steps
	// (so that its next step is the saved one) restores a changed state.
	ref := cpu.New(cpu.Options{Workers: 1})
	defer ref.Close()
	if err := ref.Load(plan()); err != nil {
		t.Fatal(err)
	}
	run(t, ref, p, 0, before)
	changed := perturb(save(t, ref))
	restore(t, ref, changed)
	fresh := load(t, nb, plan())
	run(t, fresh, p, 0, before)
	restore(t, fresh, changed)
	sameState(t, "Save after Restore", changed, save(t, fresh))
	if !sameRecords(t, p, run(t, ref, p, before, after), run(t, fresh, p, before, after)) {
		t.Fatalf("%s: the run from a state restored from the CPU reference differs from the reference", fresh.Name())
	}
	sameState(t, "after the run from the CPU reference's state", save(t, ref), save(t, fresh))

	testBadStates(t, b, saved)
}

// testBadStates requires Restore to reject states that do not fit b's plan
// with an error naming what does not fit, and to change nothing then.
func testBadStates(t *testing.T, b host.Backend, good *host.State) {
	before := save(t, b)
	other := Network(t, 200, 20, 1).NewState()
	for _, tc := range []struct {
		name, want string
		mutate     func(s *host.State) *host.State
	}{
		{"nil", "nil", func(*host.State) *host.State { return nil }},
		{"other network", `"coba"`, func(*host.State) *host.State { return other }},
		{"short array", `array "v"`, func(s *host.State) *host.State {
			s.Groups[0].Arrays[0].Values = s.Groups[0].Arrays[0].Values[1:]
			return s
		}},
		{"renamed array", `"u"`, func(s *host.State) *host.State { s.Groups[0].Arrays[0].Name = "u"; return s }},
		{"extra array", `"extra"`, func(s *host.State) *host.State {
			s.Groups[1].Arrays = append(s.Groups[1].Arrays, host.ArrayState{Name: "extra", Values: make([]float32, 30)})
			return s
		}},
		{"missing ring", "delay rings", func(s *host.State) *host.State { s.Groups[0].Rings = s.Groups[0].Rings[:1]; return s }},
		{"short ring", `ring of "g_i"`, func(s *host.State) *host.State { s.Groups[0].Rings[1] = s.Groups[0].Rings[1][:300]; return s }},
		{"short synapse array", `projection 2 "drive"`, func(s *host.State) *host.State {
			s.Projections[2].Arrays[0].Values = nil
			return s
		}},
		{"renamed group", `"coba"`, func(s *host.State) *host.State { s.Groups[0].Name = "net"; return s }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := b.Restore(tc.mutate(perturb(good)))
			if err == nil {
				t.Fatalf("%s: Restore succeeded", b.Name())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Restore: %v; want an error naming %s", b.Name(), err, tc.want)
			}
			sameState(t, "after a failed Restore", before, save(t, b))
		})
	}
}

func save(t *testing.T, b host.Backend) *host.State {
	t.Helper()
	s, err := b.Save()
	if err != nil {
		t.Fatalf("%s: save: %v", b.Name(), err)
	}
	return s
}

func restore(t *testing.T, b host.Backend, s *host.State) {
	t.Helper()
	if err := b.Restore(s); err != nil {
		t.Fatalf("%s: restore: %v", b.Name(), err)
	}
}

// perturb returns a copy of s with every value changed, differently at each
// position: arrays scaled by 1 + k/2^20 and rings increased by k+1 counts.
func perturb(s *host.State) *host.State {
	out := &host.State{}
	change := func(list []host.ArrayState) []host.ArrayState {
		var c []host.ArrayState
		for _, a := range list {
			v := make([]float32, len(a.Values))
			for k, x := range a.Values {
				v[k] = x * (1 + float32(k)/(1<<20))
			}
			c = append(c, host.ArrayState{Name: a.Name, Values: v})
		}
		return c
	}
	for _, g := range s.Groups {
		gs := host.GroupState{Name: g.Name, Arrays: change(g.Arrays)}
		for _, r := range g.Rings {
			c := make([]int64, len(r))
			for k, x := range r {
				c[k] = x + int64(k) + 1
			}
			gs.Rings = append(gs.Rings, c)
		}
		out.Groups = append(out.Groups, gs)
	}
	for _, p := range s.Projections {
		out.Projections = append(out.Projections, host.ProjectionState{Name: p.Name, Arrays: change(p.Arrays)})
	}
	return out
}

// sameState requires two states to be identical bit for bit.
func sameState(t *testing.T, what string, want, got *host.State) {
	t.Helper()
	if len(got.Groups) != len(want.Groups) || len(got.Projections) != len(want.Projections) {
		t.Fatalf("%s: %d groups and %d projections, want %d and %d", what, len(got.Groups), len(got.Projections), len(want.Groups), len(want.Projections))
	}
	arrays := func(owner string, want, got []host.ArrayState) {
		if len(got) != len(want) {
			t.Errorf("%s: %s: %d arrays, want %d", what, owner, len(got), len(want))
			return
		}
		for k, a := range want {
			sameArray(t, fmt.Sprintf("%s: %s array %q", what, owner, a.Name), a.Values, got[k].Values, nil, nil)
		}
	}
	for gi, g := range want.Groups {
		owner := fmt.Sprintf("group %q", g.Name)
		arrays(owner, g.Arrays, got.Groups[gi].Arrays)
		if len(got.Groups[gi].Rings) != len(g.Rings) {
			t.Errorf("%s: %s: %d rings, want %d", what, owner, len(got.Groups[gi].Rings), len(g.Rings))
			continue
		}
		for x, r := range g.Rings {
			if d := firstDiff(r, got.Groups[gi].Rings[x]); d >= 0 {
				t.Errorf("%s: %s ring %d differs from value %d", what, owner, x, d)
			}
		}
	}
	for pi, p := range want.Projections {
		arrays(fmt.Sprintf("projection %q", p.Name), p.Arrays, got.Projections[pi].Arrays)
	}
}

// firstDiff is the first index where a and b differ, or -1.
func firstDiff(a, b []int64) int {
	for k := range max(len(a), len(b)) {
		if k >= len(a) || k >= len(b) || a[k] != b[k] {
			return k
		}
	}
	return -1
}
