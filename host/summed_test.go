package host

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models"
)

// gapNetwork is two groups of 10 inferior-olive cells, "io" coupled to
// itself by gap junctions (projection "gap").
func gapNetwork(t *testing.T) *Network {
	t.Helper()
	f, err := models.Builtin("manor_io")
	if err != nil {
		t.Fatal(err)
	}
	return &Network{DT: 0.025, Seed: 1,
		Groups: []*Group{{Name: "io", N: 10, Model: f}, {Name: "other", N: 10, Model: f}},
		Projections: []*Projection{{Name: "gap", Pre: Range{0, 0, 10}, Post: Range{0, 0, 10},
			Model: "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)",
			Conn:  Connectivity{Rule: FixedProbability, P: 0.3}, Values: []Value{{Var: "w", Expr: "0.5*nS"}}}}}
}

func TestCompileSummed(t *testing.T) {
	c, err := Compile(gapNetwork(t))
	if err != nil {
		t.Fatal(err)
	}
	pp, g := c.Plan.Projections[0], c.Plan.Groups[0]
	if pp.Step == nil || pp.StepStream == pp.Stream || pp.StepStream == pp.PostStream {
		t.Fatalf("Step %v with stream %d (OnPre %d, OnPost %d)", pp.Step, pp.StepStream, pp.Stream, pp.PostStream)
	}
	if len(pp.ColPtr) != 11 || int(pp.ColPtr[10]) != pp.Synapses() {
		t.Fatalf("%d column pointers for 10 neurons and %d synapses", len(pp.ColPtr), pp.Synapses())
	}
	if array(t, g.Arrays, "I").Const {
		t.Error("the summed variable I is Const")
	}
	if k := slices.Index(g.Step.Inputs, "I"); k < 0 || !g.Step.Uses(k) {
		t.Error("the neuron step does not read I every step: it is folded into values derived once")
	}
	if k := slices.Index(c.Plan.Groups[1].Step.Inputs, "I"); k >= 0 && c.Plan.Groups[1].Step.Uses(k) {
		t.Error("the step of a group without summed variables reads I: its parameter expressions are no longer derived once")
	}
}

// TestCompileSummedTwice: a second projection summing into the same
// variable adds its sum (Adds) instead of being an error.
func TestCompileSummedTwice(t *testing.T) {
	n := gapNetwork(t)
	n.Projections = append(n.Projections, &Projection{Name: "again", Pre: Range{0, 0, 10}, Post: Range{0, 0, 10},
		Model: "w : siemens\nI_post = w*(v_pre - v_post) : amp (summed)", Conn: Connectivity{Rule: OneToOne}})
	c, err := Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	if first, again := c.Plan.Projections[0].Adds, c.Plan.Projections[len(c.Plan.Projections)-1].Adds; len(first) != 0 || !slices.Equal(again, []string{"I_post" + SuffixSum}) {
		t.Errorf("Adds %q and %q, want none and I_post=Σ", first, again)
	}
}

func TestCompileSummedErrors(t *testing.T) {
	tests := []struct {
		name string
		add  *Projection
		want string
	}{
		{"read", &Projection{Name: "reader", Pre: Range{1, 0, 10}, Post: Range{0, 0, 10},
			Model: "w : 1\nI_pre = w*I_post : amp (summed)", Conn: Connectivity{Rule: OneToOne}},
			`projection "reader": the synapse model reads I_post, which projection "gap" sums`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := gapNetwork(t)
			n.Projections = append(n.Projections, tc.add)
			_, err := Compile(n)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
