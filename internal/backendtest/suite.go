package backendtest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
)

// load makes a backend, loads p into it and closes it when the test ends.
func load(t *testing.T, nb func(t *testing.T) host.Backend, p *host.Plan) host.Backend {
	t.Helper()
	b := nb(t)
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := b.Load(p); err != nil {
		t.Fatalf("%s: %v", b.Name(), err)
	}
	return b
}

// run runs steps first … first+steps-1 and checks the batch's shape.
func run(t *testing.T, b host.Backend, p *host.Plan, first, steps uint32) *host.Batch {
	t.Helper()
	batch, err := b.Run(context.Background(), first, steps)
	if err != nil {
		t.Fatalf("%s: run %d+%d: %v", b.Name(), first, steps, err)
	}
	if batch.First != first || batch.Steps != steps || len(batch.Spikes) != len(p.Groups) {
		t.Fatalf("batch %d+%d with %d groups, want %d+%d with %d", batch.First, batch.Steps, len(batch.Spikes), first, steps, len(p.Groups))
	}
	for gi, g := range p.Groups {
		if len(batch.Spikes[gi]) != int(steps)*host.Words(g.N) {
			t.Fatalf("group %q: %d record words for %d steps of %d neurons", g.Name, len(batch.Spikes[gi]), steps, g.N)
		}
	}
	return batch
}

// groupArray returns an array of a group.
func groupArray(t *testing.T, b host.Backend, gi int, name string) []float32 {
	t.Helper()
	v, err := b.GroupArray(gi, name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// projectionArray returns an array of a projection.
func projectionArray(t *testing.T, b host.Backend, pi int, name string) []float32 {
	t.Helper()
	v, err := b.ProjectionArray(pi, name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkRecord requires record rec of group gi in batch to hold exactly the
// spikes of neurons i with want(i), and no bit past the group's size.
func checkRecord(t *testing.T, p *host.Plan, batch *host.Batch, gi, rec int, want func(i int) bool) {
	t.Helper()
	g := p.Groups[gi]
	w := host.Words(g.N)
	words := batch.Spikes[gi][rec*w : (rec+1)*w]
	bad := 0
	for k, x := range words {
		var exp uint32
		for b := range 32 {
			if i := 32*k + b; i < g.N && want(i) {
				exp |= 1 << b
			}
		}
		if x != exp {
			if bad++; bad <= 3 {
				t.Errorf("group %q step %d neurons %d…%d: spikes %032b, want %032b", g.Name, batch.First+uint32(rec), 32*k, 32*k+31, x, exp)
			}
		}
	}
}

// checkBits requires got to equal want bit for bit.
func checkBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	sameArray(t, what, want, got, nil, nil)
}

// inbox holds the fixed-point input expected at each (step, neuron).
type inbox map[[2]int]int64

// add records a synaptic increment w that arrives at neuron i at the start
// of step s.
func (in inbox) add(s, i int, w float32) { in[[2]int{s, i}] += host.ToFixed(w) }

// sinkState is the expected state of a sink group (models "v : volt",
// threshold v > 0.5 mV).
type sinkState struct {
	v     []float32
	spike []bool
}

// step advances the expected sink state through step s.
func (st *sinkState) step(in inbox, s int) {
	for i := range st.v {
		st.v[i] = host.AddFixed(st.v[i], in[[2]int{s, i}])
		st.spike[i] = st.v[i] > 0.5
	}
}

func newSink(n int) *sinkState { return &sinkState{v: make([]float32, n), spike: make([]bool, n)} }

// flush32 is the flush of models/ir: +0 below the smallest normal float32.
func flush32(x float32) float32 {
	if math.Abs(float64(x)) < 0x1p-126 {
		return 0
	}
	return x
}

// testDelivery: a spike in step s through a synapse of delay d and weight
// w reaches its target at the start of step s+1+d, before the target's
// step program runs, as FromFixed of the sum of ToFixed(w) of all
// simultaneous inputs; OnPre sees t = Time(s+d).
func testDelivery(t *testing.T, nb func(t *testing.T) host.Backend) {
	drv, snk := Compile(t, driver), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w", drv, snk)
	spikeAt := []int{2, 5, 5, -1}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(1)}
	p.Groups = []*host.GroupPlan{
		Group(t, "drivers", 4, drv, map[string][]float32{"ts": spikeTimes(spikeAt...)}),
		Group(t, "sinks", 3, snk, nil, "v"),
	}
	p.Groups[1].Ring = 4
	type syn struct {
		pre, post int
		w         float32
	}
	conns := [][]syn{
		{{0, 0, 0.3}, {1, 0, 0.1}, {2, 0, 0.2}, {2, 1, -0.7}, {3, 2, 5}},
		{{0, 1, 0.125}, {1, 2, 1e-3}, {2, 2, 2.5e-5}},
	}
	delays := []int{0, 3}
	in := inbox{}
	for pi, cs := range conns {
		rows := make([][]uint32, 4)
		var w []float32
		for j := range rows {
			for _, c := range cs {
				if c.pre == j {
					rows[j] = append(rows[j], uint32(c.post))
					w = append(w, c.w)
					if spikeAt[j] >= 0 {
						in.add(spikeAt[j]+1+delays[pi], c.post, c.w)
					}
				}
			}
		}
		pp := projection(t, p, fmt.Sprintf("delay%d", delays[pi]), 0, 1, rows, path, map[string][]float32{"w": w, "lastupdate": Fill(len(w), -1)})
		pp.Delay = uint32(delays[pi])
	}
	// A projection without on_pre code changes nothing.
	p.Projections = append(p.Projections, &host.ProjectionPlan{Name: "silent", Pre: 0, Post: 1, RowPtr: []uint32{0, 1, 2, 2, 2}, Target: []uint32{0, 1}})
	b := load(t, nb, p)
	want := newSink(3)
	for s := range 12 {
		batch := run(t, b, p, uint32(s), 1)
		want.step(in, s)
		checkRecord(t, p, batch, 0, 0, func(i int) bool { return spikeAt[i] == s })
		checkRecord(t, p, batch, 1, 0, func(i int) bool { return want.spike[i] })
		checkBits(t, fmt.Sprintf("sinks v after step %d", s), groupArray(t, b, 1, "v"), want.v)
	}
	for pi, cs := range conns {
		got := projectionArray(t, b, pi, "lastupdate")
		for k, c := range cs {
			exp := float32(-1)
			if s := spikeAt[c.pre]; s >= 0 {
				exp = host.Time(uint32(s+delays[pi]), dt)
			}
			if got[k] != exp {
				t.Errorf("projection %d synapse %d: lastupdate %v, want %v (t of OnPre is Time(s+d))", pi, k, got[k], exp)
			}
		}
	}
	if st := b.Stats(); st.Steps != 12 {
		t.Errorf("Stats().Steps = %d after 12 steps", st.Steps)
	}
}

// testAllSpike: every neuron of groups of sizes around the word and
// workgroup sizes spikes in step 10 and in no other; the records hold
// exactly those bits, and all the spikes of a group, sent to one neuron,
// add up exactly.
func testAllSpike(t *testing.T, nb func(t *testing.T) host.Backend) {
	sizes := []int{0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 2049}
	const at, steps, w = 10, 15, 1e-4
	drv, snk := Compile(t, driver), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w", drv, snk)
	p := &host.Plan{DT: dt, Seed: philox.NewKey(2)}
	for _, n := range sizes {
		p.Groups = append(p.Groups, Group(t, fmt.Sprintf("n%d", n), n, drv, map[string][]float32{"ts": Fill(n, float32(at*dt))}))
	}
	p.Groups = append(p.Groups, Group(t, "sink", len(sizes), snk, nil, "v"))
	for gi, n := range sizes {
		rows := make([][]uint32, n)
		for j := range rows {
			rows[j] = []uint32{uint32(gi)}
		}
		projection(t, p, fmt.Sprintf("n%d", n), gi, len(sizes), rows, path, map[string][]float32{"w": Fill(n, w)})
	}
	b := load(t, nb, p)
	batch := run(t, b, p, 0, steps)
	for gi := range sizes {
		for s := range steps {
			checkRecord(t, p, batch, gi, s, func(int) bool { return s == at })
		}
	}
	want := make([]float32, len(sizes))
	for gi, n := range sizes {
		want[gi] = host.AddFixed(0, int64(n)*host.ToFixed(w))
	}
	checkBits(t, "sink v", groupArray(t, b, len(sizes), "v"), want)
}

// testRows: rows of no synapses, a row with a repeated target, and a row
// of 70,000 synapses (longer than the 65,535 iterations after which
// lavapipe stops a shader loop): every target receives exactly its
// weights.
func testRows(t *testing.T, nb func(t *testing.T) host.Backend) {
	const n = 70000
	drv, snk := Compile(t, driver), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w", drv, snk)
	p := &host.Plan{DT: dt, Seed: philox.NewKey(3)}
	p.Groups = []*host.GroupPlan{
		Group(t, "drivers", 6, drv, map[string][]float32{"ts": spikeTimes(1, 1, 1, 1, 1, 1)}),
		Group(t, "sinks", n, snk, nil, "v"),
	}
	rows := [][]uint32{nil, {5, 5, n - 1}, nil, make([]uint32, n), nil, nil}
	w := []float32{0.5, 0.25, 1.5}
	in := inbox{}
	for k, x := range rows[1] {
		in.add(2, int(x), w[k])
	}
	for k := range rows[3] {
		rows[3][k] = uint32(k * 7919 % n) // 7919 is prime and does not divide 70000: a permutation
		wk := float32(1+k%13) * 0.04
		w = append(w, wk)
		in.add(2, int(rows[3][k]), wk)
	}
	projection(t, p, "rows", 0, 1, rows, path, map[string][]float32{"w": w})
	b := load(t, nb, p)
	batch := run(t, b, p, 0, 4)
	want := newSink(n)
	for s := range 4 {
		want.step(in, s)
		checkRecord(t, p, batch, 1, s, func(i int) bool { return want.spike[i] })
	}
	checkBits(t, "sinks v", groupArray(t, b, 1, "v"), want.v)
}

// testDelays: per-synapse delays of 0 to 9 steps and a uniform delay into
// rings of 10 slots, run in batches of several lengths: the rings carry
// over from one batch to the next.
func testDelays(t *testing.T, nb func(t *testing.T) host.Backend) {
	const nPre, nPost, ring = 20, 50, 10
	drv, snk := Compile(t, driver), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w", drv, snk)
	r := rand.New(rand.NewPCG(4, 4))
	spikeAt := make([]int, nPre)
	for j := range spikeAt {
		spikeAt[j] = j * 7 % 23
	}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(4)}
	p.Groups = []*host.GroupPlan{
		Group(t, "drivers", nPre, drv, map[string][]float32{"ts": spikeTimes(spikeAt...)}),
		Group(t, "sinks", nPost, snk, nil, "v"),
	}
	p.Groups[1].Ring = ring
	in := inbox{}
	rowsA, rowsB := make([][]uint32, nPre), make([][]uint32, nPre)
	var wA, wB []float32
	var delays []uint16
	for j := range nPre {
		for range 5 {
			x, w, d := r.IntN(nPost), -0.2+0.5*r.Float32(), r.IntN(ring)
			rowsA[j] = append(rowsA[j], uint32(x))
			wA, delays = append(wA, w), append(delays, uint16(d))
			in.add(spikeAt[j]+1+d, x, w)
		}
		for _, x := range []int{j, j + 20} {
			w := 0.3 * r.Float32()
			rowsB[j] = append(rowsB[j], uint32(x))
			wB = append(wB, w)
			in.add(spikeAt[j]+1+4, x, w)
		}
	}
	pa := projection(t, p, "delays", 0, 1, rowsA, path, map[string][]float32{"w": wA})
	pa.Delays = delays
	pa.Delay = 7 // ignored: Delays rules
	pb := projection(t, p, "delay4", 0, 1, rowsB, path, map[string][]float32{"w": wB})
	pb.Delay = 4
	b := load(t, nb, p)
	want := newSink(nPost)
	s := 0
	for _, size := range []int{3, 1, 7, 13, 6, 5} {
		batch := run(t, b, p, uint32(s), uint32(size))
		for rec := range size {
			want.step(in, s)
			checkRecord(t, p, batch, 0, rec, func(i int) bool { return spikeAt[i] == s })
			checkRecord(t, p, batch, 1, rec, func(i int) bool { return want.spike[i] })
			s++
		}
		checkBits(t, fmt.Sprintf("sinks v after step %d", s-1), groupArray(t, b, 1, "v"), want.v)
	}
	last := projectionArray(t, b, 0, "lastupdate")
	for j := range nPre {
		for k := 5 * j; k < 5*j+5; k++ {
			if exp := host.Time(uint32(spikeAt[j])+uint32(delays[k]), dt); last[k] != exp {
				t.Errorf("synapse %d: lastupdate %v, want %v", k, last[k], exp)
			}
		}
	}
}

// testRandomGroup: a group that spikes when rand() < p spikes exactly
// where Philox says (key Seed, the group's Stream, index i, step s, call
// 0), as often as expected, and the same way when run twice.
func testRandomGroup(t *testing.T, nb func(t *testing.T) host.Backend) {
	const n, steps, prob, stream = 1000, 100, 0.05, 3
	src := Compile(t, poisson)
	plan := func() *host.Plan {
		p := &host.Plan{DT: dt, Seed: philox.NewKey(7)}
		p.Groups = []*host.GroupPlan{Group(t, "poisson", n, src, map[string][]float32{"p": Fill(n, prob)})}
		p.Groups[0].Stream = stream
		p.Groups[0].Arrays[0].Const = true
		return p
	}
	p := plan()
	batch := run(t, load(t, nb, p), p, 0, steps)
	again := run(t, load(t, nb, plan()), p, 0, steps)
	total := 0
	for s := range steps {
		fires := make([]bool, n)
		for i := range fires {
			fires[i] = philox.Uniform(philox.Draw(p.Seed, stream, uint32(i), uint32(s), 0)[0]) < prob
			if fires[i] {
				total++
			}
		}
		checkRecord(t, p, batch, 0, s, func(i int) bool { return fires[i] })
	}
	mean := float64(n * steps * prob)
	if sd := math.Sqrt(mean * (1 - prob)); math.Abs(float64(total)-mean) > 5*sd {
		t.Errorf("%d spikes, want %.0f ± %.0f", total, mean, 5*sd)
	}
	sameRecords(t, p, batch, again)
}

// testRandomOnPre: an OnPre program with rand() (stochastic release, rows
// longer than any block, the rows of the spikes not adjacent) draws with
// key Seed, the projection's Stream, index k and step s.
func testRandomOnPre(t *testing.T, nb func(t *testing.T) host.Backend) {
	const nPost, stream, w = 1000, 5, 0.01
	win, snk := Compile(t, window), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w*floor(rand() + 0.5)", win, snk)
	p := &host.Plan{DT: dt, Seed: philox.NewKey(8)}
	p.Groups = []*host.GroupPlan{
		Group(t, "window", 3, win, map[string][]float32{"u": {0, -1, 0}}), // neuron 1 is silent
		Group(t, "sinks", nPost, snk, nil, "v"),
	}
	rows := [][]uint32{make([]uint32, 3000), make([]uint32, 700), make([]uint32, 1500)}
	var pre []int
	for j, r := range rows {
		for k := range r {
			r[k] = uint32(k % nPost)
			pre = append(pre, j)
		}
	}
	pp := projection(t, p, "release", 0, 1, rows, path, map[string][]float32{"w": Fill(len(pre), w)})
	pp.Stream = stream
	b := load(t, nb, p)
	batch := run(t, b, p, 0, 6)
	in := inbox{}
	released := 0
	for s := 2; s <= 4; s++ {
		for k, x := range pp.Target {
			if pre[k] == 1 {
				continue
			}
			u := philox.Uniform(philox.Draw(p.Seed, stream, uint32(k), uint32(s), 0)[0])
			f := float32(math.Floor(float64(flush32(u + 0.5))))
			released += int(f)
			in.add(s+1, int(x), flush32(w*f))
		}
	}
	want := newSink(nPost)
	for s := range 6 {
		want.step(in, s)
		checkRecord(t, p, batch, 0, s, func(i int) bool { return s >= 2 && s <= 4 && i != 1 })
		checkRecord(t, p, batch, 1, s, func(i int) bool { return want.spike[i] })
	}
	checkBits(t, "sinks v", groupArray(t, b, 1, "v"), want.v)
	if mean, sd := 6750.0, math.Sqrt(13500*0.25); math.Abs(float64(released)-mean) > 5*sd {
		t.Errorf("%d releases, want %.0f ± %.0f", released, mean, 5*sd)
	}
}

// testOnPreWrites: an OnPre program that rewrites its synapse variable
// from x_pre and x_post with zero delay; x_post is the value after the
// postsynaptic neuron's step, and the increments arrive in the next step.
func testOnPreWrites(t *testing.T, nb func(t *testing.T) host.Backend) {
	win, snk := Compile(t, window), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w + u_pre\nw = w*0.5 + v_post*0.25", win, snk)
	u := []float32{0.01, 0.02, 0.03}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(9)}
	p.Groups = []*host.GroupPlan{Group(t, "window", 3, win, map[string][]float32{"u": u}), Group(t, "sinks", 4, snk, nil, "v")}
	rows := [][]uint32{{0, 1}, {1}, {3, 3}}
	w := []float32{0.1, 0.2, 0.05, 0.3, 0.07}
	projection(t, p, "plastic", 0, 1, rows, path, map[string][]float32{"w": append([]float32(nil), w...)})
	b := load(t, nb, p)
	batch := run(t, b, p, 0, 8)
	in := inbox{}
	want := newSink(4)
	for s := range 8 {
		want.step(in, s)
		checkRecord(t, p, batch, 1, s, func(i int) bool { return want.spike[i] })
		if s < 2 || s > 4 {
			continue
		}
		k := 0
		for j, row := range rows {
			for _, x := range row {
				in.add(s+1, int(x), flush32(w[k]+u[j]))
				w[k] = flush32(flush32(w[k]*0.5) + flush32(want.v[x]*0.25))
				k++
			}
		}
	}
	checkBits(t, "sinks v", groupArray(t, b, 1, "v"), want.v)
	checkBits(t, "w", projectionArray(t, b, 0, "w"), w)
}

// testEventDriven: an event-driven trace x (dx/dt = -x/5 ms) advanced from
// lastupdate at each spike follows the analytic solution.
func testEventDriven(t *testing.T, nb func(t *testing.T) host.Backend) {
	const w = 0.1
	win, snk := Compile(t, window), Compile(t, sink)
	path := synapse(t, "w : volt\ndx/dt = -x/(5*ms) : 1 (event-driven)", "v_post += w*x\nx += 1", win, snk)
	p := &host.Plan{DT: dt, Seed: philox.NewKey(10)}
	p.Groups = []*host.GroupPlan{Group(t, "window", 1, win, nil), Group(t, "sink", 1, snk, nil, "v")}
	projection(t, p, "trace", 0, 1, [][]uint32{{0}}, path, map[string][]float32{"w": {w}})
	b := load(t, nb, p)
	run(t, b, p, 0, 6)
	x, v, last := 0.0, 0.0, 0.0
	for _, tk := range []float64{0.2, 0.3, 0.4} {
		x *= math.Exp(-(tk - last) / 5)
		v += w * x
		x++
		last = tk
	}
	if got := projectionArray(t, b, 0, "x")[0]; math.Abs(float64(got)-x) > 1e-6*x {
		t.Errorf("x = %v, want %v", got, x)
	}
	if got := groupArray(t, b, 1, "v")[0]; math.Abs(float64(got)-v) > 1e-6*v {
		t.Errorf("v = %v, want %v", got, v)
	}
	if got, want := projectionArray(t, b, 0, "lastupdate")[0], host.Time(4, dt); got != want {
		t.Errorf("lastupdate = %v, want %v", got, want)
	}
}

// testBadPlans: Load returns an error, and does not panic, for plans
// that break the rules of host.Plan.
func testBadPlans(t *testing.T, nb func(t *testing.T) host.Backend) {
	drv, snk := Compile(t, driver), Compile(t, sink)
	path := synapse(t, "w : volt", "v_post += w", drv, snk)
	valid := func() *host.Plan {
		p := &host.Plan{DT: dt, Seed: philox.NewKey(11)}
		p.Groups = []*host.GroupPlan{
			Group(t, "drivers", 2, drv, map[string][]float32{"ts": spikeTimes(1, 2)}),
			Group(t, "sinks", 3, snk, nil, "v"),
		}
		projection(t, p, "p", 0, 1, [][]uint32{{0, 2}, {1}}, path, map[string][]float32{"w": {1, 2, 3}})
		return p
	}
	load(t, nb, valid())
	rejects(t, nb, valid, []badPlan{
		{"no time step", func(p *host.Plan) { p.DT = 0 }},
		{"missing step input", func(p *host.Plan) { p.Groups[0].Arrays = p.Groups[0].Arrays[1:] }},
		{"short group array", func(p *host.Plan) { p.Groups[1].Arrays[0].Init = p.Groups[1].Arrays[0].Init[:2] }},
		{"no step program", func(p *host.Plan) { p.Groups[0].Step = nil }},
		{"target not an array", func(p *host.Plan) { p.Groups[1].Targets = []string{"g"} }},
		{"no ring", func(p *host.Plan) { p.Groups[1].Ring = 0 }},
		{"pre out of range", func(p *host.Plan) { p.Projections[0].Pre = 2 }},
		{"short row pointers", func(p *host.Plan) { p.Projections[0].RowPtr = p.Projections[0].RowPtr[:2] }},
		{"rows past the synapses", func(p *host.Plan) { p.Projections[0].RowPtr[2] = 4 }},
		{"target out of range", func(p *host.Plan) { p.Projections[0].Target[1] = 3 }},
		{"delay longer than the ring", func(p *host.Plan) { p.Projections[0].Delay = 1 }},
		{"delays longer than the ring", func(p *host.Plan) { p.Projections[0].Delays = []uint16{0, 1, 0} }},
		{"wrong number of delays", func(p *host.Plan) { p.Projections[0].Delays = []uint16{0, 0} }},
		{"missing synapse array", func(p *host.Plan) { p.Projections[0].Arrays = p.Projections[0].Arrays[1:] }},
		{"long synapse array", func(p *host.Plan) { p.Projections[0].Arrays[0].Init = make([]float32, 4) }},
		{"effect on a non-target", func(p *host.Plan) { p.Groups[1].Targets = nil }},
		{"changed constant array", func(p *host.Plan) { p.Projections[0].Arrays[1].Const = true }},
		{"varying constant array", func(p *host.Plan) { p.Groups[0].Arrays[0].Const = true }},
	})
}

// badPlan is a change that breaks a valid plan.
type badPlan struct {
	name   string
	mutate func(p *host.Plan)
}

// rejects checks that Load fails on the plan of valid after each change.
func rejects(t *testing.T, nb func(t *testing.T) host.Backend, valid func() *host.Plan, changes []badPlan) {
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.mutate(p)
			b := nb(t)
			defer b.Close()
			if err := b.Load(p); err == nil {
				t.Errorf("%s: Load succeeded", b.Name())
			} else {
				t.Log(err)
			}
		})
	}
}
