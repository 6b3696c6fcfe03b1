// Package backendtest is the conformance suite every host.Backend must
// pass, in the manner of gonum's testblas: a backend's test calls Run with
// a constructor, and every expectation is computed here from the Plan's
// rules (host/plan.go), independently of any backend, except in the
// network test, which compares the backend with the CPU reference bit for
// bit (Equal).
package backendtest

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/host"
)

// Run runs the conformance tests on backends made by newBackend, one per
// plan; the suite closes each when its test ends.
func Run(t *testing.T, newBackend func(t *testing.T) host.Backend) {
	tests := []struct {
		name string
		test func(t *testing.T, nb func(t *testing.T) host.Backend)
	}{
		{"Delivery", testDelivery},
		{"AllSpike", testAllSpike},
		{"Rows", testRows},
		{"Delays", testDelays},
		{"RandomGroup", testRandomGroup},
		{"RandomOnPre", testRandomOnPre},
		{"OnPreWrites", testOnPreWrites},
		{"EventDriven", testEventDriven},
		{"BadPlans", testBadPlans},
		{"State", testState},
		{"SetGroupArray", testSetGroupArray},
		{"Record", testRecord},
		{"Faults", testFaults},
		{"SpikeTable", testSpikeTable},
		{"Network", func(t *testing.T, nb func(t *testing.T) host.Backend) {
			Equal(t, cpu.New(cpu.Options{Workers: 1}), nb(t), func() *host.Plan { return Network(t, 300, 20, 1) }, 400)
		}},
	}
	for _, tc := range append(append(tests, plasticityTests...), summedTests...) {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, newBackend) })
	}
}

// Equal loads the plan p returns (called once per backend) into ref and
// got, runs both for steps steps in batches of uneven length, and requires
// identical spike records and identical bits of every array at the end.
// It closes both backends.
func Equal(t *testing.T, ref, got host.Backend, p func() *host.Plan, steps uint32) {
	t.Helper()
	defer ref.Close()
	defer got.Close()
	plan := p()
	if err := ref.Load(plan); err != nil {
		t.Fatalf("%s: %v", ref.Name(), err)
	}
	if err := got.Load(p()); err != nil {
		t.Fatalf("%s: %v", got.Name(), err)
	}
	ctx := context.Background()
	spikes := make([]int, len(plan.Groups))
	for first, size := uint32(0), uint32(1); first < steps; first, size = first+size, size*3+1 {
		size = min(size, steps-first)
		want, err := ref.Run(ctx, first, size)
		if err != nil {
			t.Fatalf("%s: %v", ref.Name(), err)
		}
		have, err := got.Run(ctx, first, size)
		if err != nil {
			t.Fatalf("%s: %v", got.Name(), err)
		}
		if !sameRecords(t, plan, want, have) {
			t.FailNow()
		}
		for gi, rec := range want.Spikes {
			spikes[gi] += Count(rec)
		}
	}
	for gi, g := range plan.Groups {
		t.Logf("group %q: %d spikes from %d neurons in %d steps", g.Name, spikes[gi], g.N, steps)
		if spikes[gi] == 0 {
			t.Errorf("group %q never spiked: the comparison covers no spike of it", g.Name)
		}
	}
	for gi, g := range plan.Groups {
		for _, a := range g.Arrays {
			w, err1 := ref.GroupArray(gi, a.Name)
			h, err2 := got.GroupArray(gi, a.Name)
			sameArray(t, fmt.Sprintf("group %q array %q", g.Name, a.Name), w, h, err1, err2)
		}
	}
	for pi, pp := range plan.Projections {
		for _, a := range pp.Arrays {
			w, err1 := ref.ProjectionArray(pi, a.Name)
			h, err2 := got.ProjectionArray(pi, a.Name)
			sameArray(t, fmt.Sprintf("projection %q array %q", pp.Name, a.Name), w, h, err1, err2)
		}
	}
}

// sameRecords reports whether two batches hold the same spikes, and
// reports the first differences.
func sameRecords(t *testing.T, p *host.Plan, want, got *host.Batch) bool {
	t.Helper()
	if got.First != want.First || got.Steps != want.Steps || len(got.Spikes) != len(want.Spikes) {
		t.Errorf("batch of steps %d+%d with %d groups, want %d+%d with %d", got.First, got.Steps, len(got.Spikes), want.First, want.Steps, len(want.Spikes))
		return false
	}
	ok := true
	for gi, g := range p.Groups {
		w := host.Words(g.N)
		if len(got.Spikes[gi]) != len(want.Spikes[gi]) {
			t.Errorf("group %q: %d record words, want %d", g.Name, len(got.Spikes[gi]), len(want.Spikes[gi]))
			ok = false
			continue
		}
		bad := 0
		for k, x := range got.Spikes[gi] {
			if x == want.Spikes[gi][k] {
				continue
			}
			if bad++; bad <= 5 {
				t.Errorf("group %q step %d neurons %d…%d: spikes %032b, want %032b", g.Name, want.First+uint32(k/w), 32*(k%w), 32*(k%w)+31, x, want.Spikes[gi][k])
			}
			ok = false
		}
	}
	return ok
}

// sameArray requires two copies of an array to be identical bit for bit.
func sameArray(t *testing.T, what string, want, got []float32, errWant, errGot error) {
	t.Helper()
	if errWant != nil || errGot != nil {
		t.Errorf("%s: %v, %v", what, errWant, errGot)
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			if bad++; bad <= 5 {
				t.Errorf("%s[%d] = %v (%#08x), want %v (%#08x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d values differ", what, bad)
	}
}

// Count is the number of spikes in records of a Batch: the bits set.
func Count(records []uint32) int {
	n := 0
	for _, w := range records {
		n += bits.OnesCount32(w)
	}
	return n
}
