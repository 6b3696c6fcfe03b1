package backendtest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models"
)

// counter adds k to c in every step, after the sample of the step is
// taken; v collects synaptic input; the step outputs the subexpression
// obs, computed before the reset.
var counter = models.NeuronSpec{Equations: "dc/dt = 0/ms : 1\nk : 1\ndv/dt = 0*mV/ms : volt\nobs = 2*c + v/mV : 1", Threshold: "t >= 0*ms",
	Reset: "c += k", DT: dt, Observed: []string{"obs"}}

// testRecord: a record samples its arrays for its neurons in the steps
// that are multiples of Every, after the ring inputs of the step and
// before the step program (after it with AfterStep: the values the step
// wrote, an observed subexpression among them), in the layout of
// host.RecordPlan, Const arrays included, in batches that start anywhere.
func testRecord(t *testing.T, nb func(t *testing.T) host.Backend) {
	const n, k = 70, 7
	drv, cnt := Compile(t, driver), Compile(t, counter)
	path := synapse(t, "w : volt", "v_post += w", drv, cnt)
	spikeAt := []int{2, 5, 5, -1}
	c0 := make([]float32, n)
	for i := range c0 {
		c0[i] = float32(10 * i)
	}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(3)}
	p.Groups = []*host.GroupPlan{
		Group(t, "drivers", 4, drv, map[string][]float32{"ts": spikeTimes(spikeAt...)}),
		Group(t, "count", n, cnt, map[string][]float32{"c": c0, "k": Fill(n, k)}, "v"),
	}
	for i := range p.Groups[1].Arrays {
		a := &p.Groups[1].Arrays[i]
		a.Const = a.Name == "k"
	}
	rows := [][]uint32{{3, 65}, {3}, {65}, {3}}
	w := []float32{0.25, 0.125, 1.5, 3, 0.5}
	projection(t, p, "input", 0, 1, rows, path, map[string][]float32{"w": w})
	in, syn := inbox{}, 0
	for j, r := range rows {
		for _, i := range r {
			if spikeAt[j] >= 0 {
				in.add(spikeAt[j]+1, int(i), w[syn])
			}
			syn++
		}
	}
	p.Records = []*host.RecordPlan{
		{Group: 1, Arrays: []string{"c", "k", "v"}, Neurons: []uint32{65, 3, 0, 69}, Every: 1},
		{Group: 1, Arrays: []string{"v"}, Neurons: []uint32{3}, Every: 3},
		{Group: 0, Arrays: []string{"ts"}, Neurons: []uint32{1}, Every: 4},
		{Group: 1, Arrays: []string{"obs", "c", "v"}, Neurons: []uint32{3, 65, 7}, Every: 2, AfterStep: true},
	}
	b := load(t, nb, p)
	v := newSink(n)
	var vAt [][]float32 // v of every neuron at the start of each step, after its input
	for s := range 20 {
		v.step(in, s)
		vAt = append(vAt, append([]float32(nil), v.v...))
	}
	ts := spikeTimes(spikeAt...)
	want := func(s uint32, a string, i uint32, after bool) float32 {
		switch a {
		case "obs":
			return 2*(c0[i]+float32(k*s)) + vAt[s][i]
		case "c":
			if after {
				return c0[i] + float32(k*(s+1))
			}
			return c0[i] + float32(k*s)
		case "k":
			return k
		case "v":
			return vAt[s][i]
		}
		return ts[i]
	}
	for _, span := range [][2]uint32{{0, 1}, {1, 4}, {5, 7}, {12, 8}} {
		batch := run(t, b, p, span[0], span[1])
		if len(batch.Samples) != len(p.Records) {
			t.Fatalf("%d sample slices for %d records", len(batch.Samples), len(p.Records))
		}
		for r, rp := range p.Records {
			got := batch.Samples[r]
			if len(got) != rp.Len(span[0], span[1]) {
				t.Errorf("record %d, steps %d+%d: %d samples, want %d", r, span[0], span[1], len(got), rp.Len(span[0], span[1]))
				continue
			}
			at := 0
			for s := span[0]; s < span[0]+span[1]; s++ {
				if s%rp.Every != 0 {
					continue
				}
				for _, a := range rp.Arrays {
					for _, i := range rp.Neurons {
						if x := want(s, a, i, rp.AfterStep); math.Float32bits(got[at]) != math.Float32bits(x) {
							t.Errorf("record %d step %d: %s of neuron %d = %v, want %v", r, s, a, i, got[at], x)
						}
						at++
					}
				}
			}
		}
	}
	if vAt[19][3] == 0 || vAt[19][65] == 0 {
		t.Fatal("no input reached the sampled neurons: the test covers no ring input")
	}
}

// growth multiplies x by y in every step; z is a parameter that never
// changes.
var growth = models.NeuronSpec{Equations: "dx/dt = 0/ms : 1\ny : 1\nz : 1", Threshold: "t >= 0*ms", Reset: "x = x * y", DT: dt}

// testFaults: after every step each group's non-Const arrays are checked;
// a batch reports per group the first faulty value (not finite, or
// |x| > host.Runaway) of its earliest step with one: the lowest neuron and
// its first array in plan order, with the value, step and time.
func testFaults(t *testing.T, nb func(t *testing.T) host.Backend) {
	const n = 70
	gr := Compile(t, growth)
	vals := func(set map[int][2]float32) map[string][]float32 {
		x, y, z := Fill(n, 1), Fill(n, 1), Fill(n, 0)
		for i, v := range set {
			x[i], y[i] = v[0], v[1]
		}
		return map[string][]float32{"x": x, "y": y, "z": z}
	}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(4)}
	p.Groups = []*host.GroupPlan{
		Group(t, "fine", n, gr, vals(nil)),
		Group(t, "bad", n, gr, vals(map[int][2]float32{3: {1e22, 1e3}, 10: {1e20, 1e3}, 67: {2e22, 1e3}, 68: {-1e24, 1e2}})),
		Group(t, "nan", n, gr, vals(map[int][2]float32{1: {float32(math.Inf(1)), 0}, 2: {-1e38, 10}, 64: {3e38, 3}})),
	}
	b := load(t, nb, p)
	ref := newFaultModel(p)
	for _, span := range [][2]uint32{{0, 1}, {1, 3}, {4, 2}} {
		batch := run(t, b, p, span[0], span[1])
		want := ref.run(span[0], span[1])
		if len(batch.Faults) != len(p.Groups) {
			t.Fatalf("steps %d+%d: %d faults for %d groups", span[0], span[1], len(batch.Faults), len(p.Groups))
		}
		for gi, g := range p.Groups {
			got, exp := batch.Faults[gi], want[gi]
			if got == nil || exp == nil {
				if got != exp {
					t.Errorf("steps %d+%d: group %q: fault %v, want %v", span[0], span[1], g.Name, got, exp)
				}
				continue
			}
			if got.Group != exp.Group || got.Neuron != exp.Neuron || got.Var != exp.Var || got.Step != exp.Step ||
				got.Time != exp.Time || !sameValue(got.Value, exp.Value) {
				t.Errorf("steps %d+%d: group %q: fault %+v, want %+v", span[0], span[1], g.Name, *got, *exp)
			}
		}
		var first *host.StateError
		for _, e := range want {
			if e != nil && (first == nil || e.Step < first.Step) {
				first = e
			}
		}
		if f := batch.Fault(); f == nil || f.Group != first.Group || f.Step != first.Step {
			t.Errorf("steps %d+%d: first fault %v, want one of group %q in step %d", span[0], span[1], f, first.Group, first.Step)
		}
	}
	e := &host.StateError{Group: "nan", Neuron: 1, Var: "x", Step: 12, Time: host.Time(12, dt), Value: float32(math.NaN())}
	if msg := e.Error(); !strings.Contains(msg, `group "nan", neuron 1, variable x at t = 1.2 ms`) || !strings.HasSuffix(msg, "NaN") {
		t.Errorf("message %q", msg)
	}
	if ref.seen[0] != 0 || ref.seen[1] != 2 || ref.seen[2] != 3 {
		t.Fatalf("batches with a fault in the model, per group: %v; the test wants runaway values in two and non-finite ones in three", ref.seen)
	}
}

// sameValue reports whether x and y have the same bits or are both NaN:
// the sign and payload of a NaN differ between CPUs and GPUs.
func sameValue(x, y float32) bool {
	return math.Float32bits(x) == math.Float32bits(y) || x != x && y != y
}

// faultModel computes the faults of testFaults's plan from the rules.
type faultModel struct {
	p    *host.Plan
	x    [][]float32 // per group
	seen map[int]int // per group, the batches with a fault
}

func newFaultModel(p *host.Plan) *faultModel {
	m := &faultModel{p: p, seen: map[int]int{}}
	for _, g := range p.Groups {
		m.x = append(m.x, append([]float32(nil), arrayOf(g, "x")...))
	}
	return m
}

func arrayOf(g *host.GroupPlan, name string) []float32 {
	for _, a := range g.Arrays {
		if a.Name == name {
			return a.Init
		}
	}
	panic(fmt.Sprintf("group %q has no array %q", g.Name, name))
}

// run advances the model through steps first … first+steps-1 and returns
// the first fault of each group.
func (m *faultModel) run(first, steps uint32) []*host.StateError {
	out := make([]*host.StateError, len(m.p.Groups))
	for s := first; s < first+steps; s++ {
		for gi, g := range m.p.Groups {
			x, y := m.x[gi], arrayOf(g, "y")
			for i := range x {
				x[i] = flush32(float32(x[i] * y[i]))
			}
			if out[gi] != nil {
				continue
			}
			for i := range g.N {
				for _, name := range host.FaultOrder(g) {
					v := arrayOf(g, name)[i]
					if name == "x" {
						v = x[i]
					}
					if host.Faulty(v, host.FaultLimit(g, name)) {
						out[gi] = &host.StateError{Group: g.Name, Neuron: i, Var: name, Step: s, Time: host.Time(s, dt), Value: v}
						break
					}
				}
				if out[gi] != nil {
					m.seen[gi]++
					break
				}
			}
		}
	}
	return out
}
