package gpu_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/backendtest"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/ir"
)

const dt = 0.1 // ms

// newBackend returns a Vulkan backend on a test context (validation on),
// closed when the test ends.
func newBackend(t testing.TB) *gpu.Backend {
	t.Helper()
	b := gpu.NewOn(gputest.Context(t, vk.Options{}))
	t.Cleanup(func() { b.Close() })
	return b
}

// Models of the tests, in Brian2's language.
var (
	// noisy is a leaky integrator of its input ge with a random threshold
	// that also reads the time, its index and its group's size.
	noisy = models.NeuronSpec{
		Equations: `dv/dt = (I - v + ge)/tau + 0.001*mV/ms*(i/N) + 0.0001*mV/ms**2*t : volt (unless refractory)
dge/dt = -ge/taue : volt
I : volt
tau : second
taue : second`,
		Threshold: "v > 10*mV*(1 + 0.1*rand())", Reset: "v = 0*mV", Refractory: "0.5*ms", DT: dt,
	}
	// always spikes in every step (v stays 0) and integrates its input ge.
	always = models.NeuronSpec{Equations: "v : volt\nge : volt", Threshold: "v > -1*volt", DT: dt}
	// synModel and onPre are a synapse with a random effect that counts
	// its presynaptic spikes and reads both of its neurons.
	synModel = "w : volt\ncount : 1\nseen : volt"
	onPre    = "ge_post += w*(0.5 + rand())\ncount += 1\nseen = v_pre - v_post"
)

// group builds the plan of n neurons of model nr with the given values
// (0 for the others) and ge as the target, with the arrays that no program
// changes and whose values are all equal marked Const, so that the kernels
// hold them as literals.
func group(t testing.TB, name string, n int, nr *models.Neuron, vals map[string][]float32) *host.GroupPlan {
	g := backendtest.Group(t, name, n, nr, vals, "ge")
	for k, a := range g.Arrays {
		g.Arrays[k].Const = a.Name != "ge" && !host.Writes(nr.Step, a.Name) && len(a.Init) > 0 && !slices.ContainsFunc(a.Init, func(x float32) bool { return x != a.Init[0] })
	}
	return g
}

// noisyGroup is a group of the noisy model with random drive and state.
func noisyGroup(t testing.TB, name string, n int, r *rand.Rand) *host.GroupPlan {
	vals := map[string][]float32{"v": make([]float32, n), "I": make([]float32, n), "tau": backendtest.Fill(n, 10), "taue": backendtest.Fill(n, 3)}
	for i := range n {
		vals["v"][i] = 10 * r.Float32()
		vals["I"][i] = 9 + 3*r.Float32()
	}
	return group(t, name, n, backendtest.Compile(t, noisy), vals)
}

// link describes a projection of the tests' synapse model from group pre
// (model from) to group post (model to): rows[j] are the targets of neuron
// j, w the weights (nil: all 0.5 mV, Const) and delays(k) the delay of
// synapse k (nil: the constant delay).
type link struct {
	name      string
	pre, post int
	from, to  *models.Neuron
	rows      [][]uint32
	w         []float32
	delay     uint32
	delays    func(k int) uint16
}

// connect adds the projection l describes to p and grows the post group's
// ring to fit its delays.
func connect(t testing.TB, p *host.Plan, l link) {
	t.Helper()
	s, err := models.CompileSynapse(models.SynapseSpec{Model: synModel, OnPre: onPre, Pre: l.from, Post: l.to, DT: dt})
	if err != nil {
		t.Fatal(err)
	}
	prog := s.OnPre.Program
	if l.w == nil {
		// A Const w must not be an output, not even an unchanged one.
		stripped := *prog
		stripped.Outputs = slices.DeleteFunc(slices.Clone(prog.Outputs), func(o ir.Output) bool { return o.Name == "w" })
		prog = &stripped
	}
	pp := &host.ProjectionPlan{Name: l.name, Pre: l.pre, Post: l.post, Stream: uint32(10 + len(p.Projections)),
		OnPre: prog, RowPtr: []uint32{0}, Delay: l.delay}
	for _, r := range l.rows {
		pp.Target = append(pp.Target, r...)
		pp.RowPtr = append(pp.RowPtr, uint32(len(pp.Target)))
	}
	n := len(pp.Target)
	longest := int(l.delay)
	if l.delays != nil {
		pp.Delays = make([]uint16, n)
		for k := range pp.Delays {
			pp.Delays[k] = l.delays(k)
			longest = max(longest, int(pp.Delays[k]))
		}
	}
	g := p.Groups[l.post]
	g.Ring = max(g.Ring, longest+1)
	for _, in := range prog.Inputs {
		if in == host.InputTime || strings.HasSuffix(in, host.SuffixPre) || strings.HasSuffix(in, host.SuffixPost) {
			continue
		}
		a := host.Array{Name: in, Init: make([]float32, n)}
		if in == "w" {
			a.Init = l.w
			if l.w == nil {
				a.Init, a.Const = backendtest.Fill(n, 0.5), true
			}
		}
		pp.Arrays = append(pp.Arrays, a)
	}
	p.Projections = append(p.Projections, pp)
}

// randomRows gives each of n neurons up to fan random targets among m.
func randomRows(r *rand.Rand, n, m, fan int) [][]uint32 {
	rows := make([][]uint32, n)
	for j := range rows {
		for range r.IntN(fan + 1) {
			if m > 0 {
				rows[j] = append(rows[j], uint32(r.IntN(m)))
			}
		}
	}
	return rows
}

// sizesPlan is two noisy groups of n neurons with three projections: A→B
// with heterogeneous delays and weights, B→A with a constant delay and A→A
// without delay.
func sizesPlan(t testing.TB, n int) *host.Plan {
	r := rand.New(rand.NewPCG(uint64(n), 3))
	p := &host.Plan{DT: dt, Seed: philox.NewKey(uint64(n) + 99)}
	a, b := noisyGroup(t, "a", n, r), noisyGroup(t, "b", n, r)
	b.Stream = 1
	p.Groups = []*host.GroupPlan{a, b}
	rows := randomRows(r, n, n, 6)
	var w []float32
	for _, row := range rows {
		for range row {
			w = append(w, 2*r.Float32())
		}
	}
	nr := backendtest.Compile(t, noisy)
	connect(t, p, link{name: "a→b", pre: 0, post: 1, from: nr, to: nr, rows: rows, w: w, delays: func(k int) uint16 { return uint16(k * 7 % 8) }})
	connect(t, p, link{name: "b→a", pre: 1, post: 0, from: nr, to: nr, rows: randomRows(r, n, n, 4), delay: 3})
	connect(t, p, link{name: "a→a", pre: 0, post: 0, from: nr, to: nr, rows: randomRows(r, n, n, 3)})
	return p
}

// compare loads the plan that plan returns into the CPU reference and the
// Vulkan backend, runs both through calls of the given lengths and requires
// identical records and arrays. It returns the Vulkan backend.
func compare(t *testing.T, plan func() *host.Plan, runs ...uint32) *gpu.Backend {
	t.Helper()
	ref, got := cpu.New(cpu.Options{}), newBackend(t)
	defer ref.Close()
	p := plan()
	if err := ref.Load(p); err != nil {
		t.Fatal(err)
	}
	if err := got.Load(plan()); err != nil {
		t.Fatal(err)
	}
	first := uint32(0)
	for _, n := range runs {
		want, err := ref.Run(context.Background(), first, n)
		if err != nil {
			t.Fatal(err)
		}
		have, err := got.Run(context.Background(), first, n)
		if err != nil {
			t.Fatal(err)
		}
		if have.First != first || have.Steps != n {
			t.Fatalf("batch %d+%d, want %d+%d", have.First, have.Steps, first, n)
		}
		for g := range p.Groups {
			if !slices.Equal(have.Spikes[g], want.Spikes[g]) {
				t.Fatalf("group %q: spike records of steps %d+%d differ from the CPU's", p.Groups[g].Name, first, n)
			}
		}
		first += n
	}
	for g, gp := range p.Groups {
		for _, a := range gp.Arrays {
			sameArray(t, "group "+gp.Name+" "+a.Name, got.GroupArray, ref.GroupArray, g, a.Name)
		}
	}
	for k, pp := range p.Projections {
		for _, a := range pp.Arrays {
			sameArray(t, "projection "+pp.Name+" "+a.Name, got.ProjectionArray, ref.ProjectionArray, k, a.Name)
		}
	}
	return got
}

// sameArray requires array name of element k to be identical bit for bit.
func sameArray(t *testing.T, what string, got, want func(int, string) ([]float32, error), k int, name string) {
	t.Helper()
	g, err := got(k, name)
	if err != nil {
		t.Fatal(err)
	}
	w, err := want(k, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != len(w) {
		t.Fatalf("%s: %d values, want %d", what, len(g), len(w))
	}
	for i := range g {
		if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
			t.Fatalf("%s[%d] = %v on the GPU, %v on the CPU", what, i, g[i], w[i])
		}
	}
}

// TestSizes runs networks of sizes around the work-group size.
func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 130} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			compare(t, func() *host.Plan { return sizesPlan(t, n) }, 1, 5, 0, 60, 17)
		})
	}
}

// TestRuns splits a run into calls shorter and longer than one batch; the
// backend must count one submission per batch.
func TestRuns(t *testing.T) {
	got := compare(t, func() *host.Plan { return sizesPlan(t, 65) }, 3, 0, 1234, 7)
	s := got.Stats()
	const steps = 3 + 1234 + 7
	if s.Steps != steps || s.Syncs != 4 {
		t.Errorf("%d steps in %d submissions, want %d in 4", s.Steps, s.Syncs, steps)
	}
	if s.Dispatches != 5*steps || s.Barriers != s.Dispatches-s.Syncs {
		t.Errorf("%d dispatches and %d barriers for %d steps of 5 kernels", s.Dispatches, s.Barriers, steps)
	}
	if s.DeviceBytes <= 0 {
		t.Errorf("DeviceBytes = %d", s.DeviceBytes)
	}
}

// TestAllSpike has every neuron of a group spike in every step, into an
// all-to-all projection: the records are all ones up to N.
func TestAllSpike(t *testing.T) {
	const n, steps = 100, 9
	plan := func() *host.Plan {
		p := &host.Plan{DT: dt, Seed: philox.NewKey(5)}
		p.Groups = []*host.GroupPlan{group(t, "all", n, backendtest.Compile(t, always), nil), noisyGroup(t, "sink", 70, rand.New(rand.NewPCG(1, 2)))}
		rows := make([][]uint32, n)
		for j := range rows {
			for k := range 70 {
				rows[j] = append(rows[j], uint32(k))
			}
		}
		connect(t, p, link{name: "all→sink", pre: 0, post: 1, from: backendtest.Compile(t, always), to: backendtest.Compile(t, noisy), rows: rows, delay: 1})
		return p
	}
	got := compare(t, plan, steps)
	batch, err := got.Run(context.Background(), steps, 2)
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range batch.Spikes[0] {
		want := ^uint32(0)
		if k%4 == 3 {
			want = 1<<(n%32) - 1
		}
		if w != want {
			t.Errorf("record word %d = %#x, want %#x", k, w, want)
		}
	}
}

// TestLongRow walks a row of 70,000 synapses, longer than a shader loop
// may run on lavapipe, with heterogeneous delays: every synapse must count
// every spike.
func TestLongRow(t *testing.T) {
	const long, steps = 70000, 6
	plan := func() *host.Plan {
		p := &host.Plan{DT: dt, Seed: philox.NewKey(8)}
		p.Groups = []*host.GroupPlan{group(t, "pre", 3, backendtest.Compile(t, always), nil), noisyGroup(t, "post", 1000, rand.New(rand.NewPCG(3, 4)))}
		rows := [][]uint32{{1, 2, 3, 4, 5}, make([]uint32, long), nil}
		for k := range rows[1] {
			rows[1][k] = uint32(k % 1000)
		}
		connect(t, p, link{name: "long", pre: 0, post: 1, from: backendtest.Compile(t, always), to: backendtest.Compile(t, noisy), rows: rows, delays: func(k int) uint16 { return uint16(k % 5) }})
		return p
	}
	got := compare(t, plan, steps)
	count, err := got.ProjectionArray(0, "count")
	if err != nil {
		t.Fatal(err)
	}
	if len(count) != long+5 {
		t.Fatalf("%d counts, want %d", len(count), long+5)
	}
	for k, c := range count {
		if c != steps {
			t.Fatalf("synapse %d counted %v spikes, want %d", k, c, steps)
		}
	}
}

// TestBadPlans requires an error, not a panic, for plans that break the
// contract or the device's limits.
func TestBadPlans(t *testing.T) {
	nr := backendtest.Compile(t, noisy)
	limits := gputest.Context(t, vk.Options{}).Info()
	tests := []struct {
		name, want string
		edit       func(p *host.Plan)
	}{
		{"no step", "no step program", func(p *host.Plan) { p.Groups[0].Step = nil }},
		{"short array", "values for", func(p *host.Plan) { p.Groups[0].Arrays[0].Init = nil }},
		{"const written", "Const", func(p *host.Plan) { p.Groups[0].Arrays[0].Const = true }},
		{"missing input", "not an array", func(p *host.Plan) { p.Groups[0].Arrays = p.Groups[0].Arrays[1:] }},
		{"target", "target", func(p *host.Plan) { p.Groups[1].Targets = []string{"nothing"} }},
		{"delay", "ring", func(p *host.Plan) { p.Projections[1].Delay = 99 }},
		{"post index", "targets neuron", func(p *host.Plan) { p.Projections[0].Target[0] = 1 << 20 }},
		{"row pointers", "row pointers", func(p *host.Plan) { p.Projections[0].RowPtr = p.Projections[0].RowPtr[1:] }},
		{"groups", "out of range", func(p *host.Plan) { p.Projections[0].Post = 7 }},
		{"work groups", "maxComputeWorkGroupCount", func(p *host.Plan) {
			n := int(limits.MaxComputeWorkGroupCount[0])*64 + 1
			p.Groups = append(p.Groups, &host.GroupPlan{Name: "huge", N: n, Step: nr.Step, Ring: 1})
		}},
		{"storage range", "maxStorageBufferRange", func(p *host.Plan) {
			p.Groups[0].Ring = int(limits.MaxStorageBufferRange/8/65) + 1
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := sizesPlan(t, 65)
			tc.edit(p)
			b := newBackend(t)
			err := b.Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error about %q", err, tc.want)
			}
			t.Log(err)
			if _, err := b.Run(context.Background(), 0, 1); err == nil {
				t.Error("Run after a failed Load: no error")
			}
			if err := b.Load(sizesPlan(t, 65)); err != nil {
				t.Errorf("Load after a failed Load: %v", err)
			}
			if err := b.Load(sizesPlan(t, 65)); err == nil {
				t.Error("second Load: no error")
			}
		})
	}
}
