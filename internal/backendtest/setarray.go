package backendtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/host"
)

// testSetGroupArray: SetGroupArray between two Runs is a Restore of the
// saved state with that array replaced: the runs after either are the
// same bit for bit (records and final state), GroupArray returns what was
// written, and the next run does change (the drive I of the network and
// the rate p of its Poisson group both matter). An unknown group or array,
// a Const array and a wrong length are errors naming what is wrong, and
// change nothing.
func testSetGroupArray(t *testing.T, nb func(t *testing.T) host.Backend) {
	const before, after = 57, 73
	plan := func() *host.Plan { return Network(t, 300, 20, 1) }
	p := plan()
	drive := make([]float32, 300)
	for i := range drive {
		drive[i] = 150 + float32(i%7) // pA: more than before, in every neuron
	}
	rate := Fill(30, 80e-3*dt) // 80 Hz in place of 20 Hz
	set := func(b host.Backend) {
		t.Helper()
		for _, x := range []struct {
			g    int
			name string
			v    []float32
		}{{0, "I", drive}, {1, "p", rate}} {
			if err := b.SetGroupArray(x.g, x.name, x.v); err != nil {
				t.Fatalf("%s: SetGroupArray(%d, %q): %v", b.Name(), x.g, x.name, err)
			}
			checkBits(t, "GroupArray after SetGroupArray "+x.name, groupArray(t, b, x.g, x.name), x.v)
		}
	}

	b := load(t, nb, p)
	run(t, b, p, 0, before)
	set(b)
	got := run(t, b, p, before, after)

	ref := load(t, nb, plan())
	run(t, ref, p, 0, before)
	s := save(t, ref)
	for _, x := range []struct {
		g    int
		name string
		v    []float32
	}{{0, "I", drive}, {1, "p", rate}} {
		for k := range s.Groups[x.g].Arrays {
			if a := &s.Groups[x.g].Arrays[k]; a.Name == x.name {
				a.Values = append([]float32(nil), x.v...)
			}
		}
	}
	restore(t, ref, s)
	want := run(t, ref, p, before, after)
	if !sameRecords(t, p, want, got) {
		t.Fatalf("%s: the run after SetGroupArray differs from the run after Restore of the changed state", b.Name())
	}
	sameState(t, "after the runs", save(t, ref), save(t, b))

	plain := load(t, nb, plan())
	run(t, plain, p, 0, before)
	if slices.EqualFunc(run(t, plain, p, before, after).Spikes, got.Spikes, slices.Equal) {
		t.Fatalf("%s: the run after SetGroupArray is the run without it: the test covers nothing", b.Name())
	}

	cp := plan()
	cp.Groups[1].Arrays[0].Const = true // p: all equal, never written
	if cp.Groups[1].Arrays[0].Name != "p" {
		t.Fatalf("array 0 of group 1 is %q, want p", cp.Groups[1].Arrays[0].Name)
	}
	cb := load(t, nb, cp)
	before2 := save(t, cb)
	for _, tc := range []struct {
		name, want string
		g          int
		array      string
		v          []float32
	}{
		{"no group", "group 2", 2, "v", make([]float32, 300)},
		{"negative group", "group -1", -1, "v", make([]float32, 300)},
		{"no array", `"w"`, 0, "w", make([]float32, 300)},
		{"short", `"v"`, 0, "v", make([]float32, 299)},
		{"const", `"p"`, 1, "p", make([]float32, 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := cb.SetGroupArray(tc.g, tc.array, tc.v)
			if err == nil {
				t.Fatalf("%s: SetGroupArray succeeded", cb.Name())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: SetGroupArray: %v; want an error naming %s", cb.Name(), err, tc.want)
			}
			sameState(t, "after a failed SetGroupArray", before2, save(t, cb))
		})
	}
}
