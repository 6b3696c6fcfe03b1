package host

import (
	"slices"
	"testing"

	"github.com/spikevk/spikevk/internal/philox"
)

// TestRowsMatchConnect: the rows Rows draws again are those Connect
// stores, for several probabilities and sizes, between two groups and
// within one (autapses left out, at several shifts, or kept), with the
// ranges placed inside their groups; Count, Len and Longest agree.
func TestRowsMatchConnect(t *testing.T) {
	key := philox.NewKey(11)
	for _, tc := range []struct {
		p           float64
		nPre, nPost int
		same        bool
		shift       int
		autapses    bool
	}{
		{0.1, 50, 70, false, 0, false},
		{0.02, 400, 300, false, 0, false},
		{0.5, 40, 40, true, 0, false},
		{0.3, 60, 80, true, 7, false},
		{0.3, 60, 80, true, -9, false},
		{0.3, 60, 60, true, 0, true},
		{0.999, 20, 30, false, 0, false},
		{1e-4, 100, 1000, false, 0, false},
	} {
		c := Connectivity{Rule: FixedProbability, P: tc.p, Autapses: tc.autapses}
		rowPtr, target, err := Connect(c, tc.nPre, tc.nPost, tc.same, tc.shift, key, 3)
		if err != nil {
			t.Fatal(err)
		}
		const preLo, postLo = 5, 9
		rows, err := NewRows(c, tc.nPre, tc.nPost, tc.same, tc.shift, key, 3, preLo, postLo)
		if err != nil {
			t.Fatal(err)
		}
		if rows.Count != len(target) {
			t.Errorf("%+v: %d synapses, Connect draws %d", tc, rows.Count, len(target))
		}
		longest := 0
		for j := range tc.nPre {
			want := slices.Clone(target[rowPtr[j]:rowPtr[j+1]])
			for k := range want {
				want[k] += postLo
			}
			got := rows.Row(nil, preLo+j)
			if !slices.Equal(got, want) || rows.Len(preLo+j) != len(want) {
				t.Fatalf("%+v: row %d is %v (Len %d), Connect's %v", tc, j, got, rows.Len(preLo+j), want)
			}
			longest = max(longest, len(want))
		}
		if rows.Longest != longest {
			t.Errorf("%+v: Longest %d, want %d", tc, rows.Longest, longest)
		}
		if got := rows.Row(nil, preLo-1); len(got) != 0 || rows.Len(preLo+tc.nPre) != 0 {
			t.Errorf("%+v: neurons outside the range have synapses", tc)
		}
	}
	for _, p := range []float64{0, 1, -0.5} {
		if _, err := NewRows(Connectivity{Rule: FixedProbability, P: p}, 10, 10, false, 0, key, 0, 0, 0); err == nil {
			t.Errorf("P = %v: no error", p)
		}
	}
	if _, err := NewRows(Connectivity{Rule: AllToAll}, 10, 10, false, 0, key, 0, 0, 0); err == nil {
		t.Error("all_to_all: no error")
	}
}
