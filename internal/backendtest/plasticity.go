package backendtest

import (
	"math"
	"testing"

	"github.com/spikevk/spikevk/cpu"
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models"
)

// Pair-based STDP of the suite (Song, Miller & Abbott 2000): traces with
// time constants of 20 ms, potentiation aPlus per pre-before-post pair and
// depression aMinus per post-before-pre pair; tp records the time of the
// last postsynaptic spike.
const (
	stdpModel = `w : 1
tp : second
dapre/dt = -apre/(20*ms) : 1 (event-driven)
dapost/dt = -apost/(20*ms) : 1 (event-driven)`
	stdpOnPre  = "apre += 0.01\nw = clip(w + apost, 0, 1)"
	stdpOnPost = "apost += -0.0105\nw = clip(w + apre, 0, 1)\ntp = t"
	aPlus      = 0.01
	aMinus     = -0.0105
	tauSTDP    = 20.0 // ms
)

// plasticityTests are the conformance tests of OnPost (step 3 of
// host.Plan); Run runs them.
var plasticityTests = []struct {
	name string
	test func(t *testing.T, nb func(t *testing.T) host.Backend)
}{
	{"STDPPairs", testSTDPPairs},
	{"LongColumn", testLongColumn},
	{"BadColumns", testBadColumns},
	{"PlasticNetwork", func(t *testing.T, nb func(t *testing.T) host.Backend) {
		Equal(t, cpu.New(cpu.Options{Workers: 1}), nb(t), func() *host.Plan { return PlasticNetwork(t, 200, 20, 3) }, 400)
	}},
}

// plastic compiles a synapse model with both pathways.
func plastic(t testing.TB, model, onPre, onPost string, pre, post *models.Neuron) *models.Synapse {
	t.Helper()
	s, err := models.CompileSynapse(models.SynapseSpec{Model: model, OnPre: onPre, OnPost: onPost, Pre: pre, Post: post, DT: dt})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// plasticProjection is projection with the OnPost pathway of syn and its
// transposed index.
func plasticProjection(t testing.TB, p *host.Plan, name string, pre, post int, rows [][]uint32, syn *models.Synapse, vals map[string][]float32) *host.ProjectionPlan {
	t.Helper()
	pp := projection(t, p, name, pre, post, rows, syn.OnPre, vals)
	pp.OnPost, pp.PostStream = syn.OnPost.Program, pp.Stream+1
	pp.ColPtr, pp.ColSyn = host.Transpose(pp.Target, p.Groups[post].N)
	return pp
}

// stdpEvent is a spike of a synapse's presynaptic (pre) or postsynaptic
// neuron in a step.
type stdpEvent struct {
	step int
	pre  bool
}

// stdpWeight is the weight of a synapse that starts at w0 after events,
// sorted by step with the presynaptic one first within a step: each pair
// adds A·exp(-Δt/τ), and w stays in [0, 1].
func stdpWeight(w0 float64, events []stdpEvent) float64 {
	w := w0
	for a, e := range events {
		for _, f := range events[:a] {
			dt := float64(e.step-f.step) * dt
			switch {
			case e.pre && !f.pre:
				w += aMinus * math.Exp(-dt/tauSTDP)
			case !e.pre && f.pre:
				w += aPlus * math.Exp(-dt/tauSTDP)
			}
		}
		w = min(max(w, 0), 1)
	}
	return w
}

// testSTDPPairs: OnPost runs for the synapses of each postsynaptic spike
// with t = Time(s), after OnPre of the same step, and a pair of spikes
// Δt apart changes the weight by A·exp(-Δt/τ).
func testSTDPPairs(t *testing.T, nb func(t *testing.T) host.Backend) {
	const w0 = 0.5
	drv := Compile(t, driver)
	syn := plastic(t, stdpModel, stdpOnPre, stdpOnPost, drv, drv)
	// Synapse k runs from presynaptic neuron k (k < 4) or 3 (k = 4) to
	// postsynaptic neuron min(k, 3).
	preSteps := []int{10, 30, 20, 5, 15}
	postSteps := []int{30, 10, 20, 25}
	rows := [][]uint32{{0}, {1}, {2}, {3}, {3}}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(12)}
	p.Groups = []*host.GroupPlan{
		Group(t, "pre", 5, drv, map[string][]float32{"ts": spikeTimes(preSteps...)}),
		Group(t, "post", 4, drv, map[string][]float32{"ts": spikeTimes(postSteps...)}),
	}
	plasticProjection(t, p, "stdp", 0, 1, rows, syn, map[string][]float32{"w": Fill(5, w0)})
	b := load(t, nb, p)
	run(t, b, p, 0, 20)
	run(t, b, p, 20, 20)
	w, tp, last := projectionArray(t, b, 0, "w"), projectionArray(t, b, 0, "tp"), projectionArray(t, b, 0, "lastupdate")
	for k, row := range rows {
		post := int(row[0])
		events := []stdpEvent{{preSteps[k], true}, {postSteps[post], false}}
		if events[1].step < events[0].step {
			events[0], events[1] = events[1], events[0]
		}
		want := stdpWeight(w0, events)
		if got := float64(w[k]); math.Abs((got-w0)-(want-w0)) > 1e-4*math.Abs(want-w0) {
			t.Errorf("synapse %d (pre in step %d, post in step %d): Δw = %.7g, want %.7g", k, preSteps[k], postSteps[post], got-w0, want-w0)
		}
		if want := host.Time(uint32(postSteps[post]), dt); tp[k] != want {
			t.Errorf("synapse %d: on_post saw t = %v, want %v", k, tp[k], want)
		}
		if want := host.Time(uint32(events[1].step), dt); last[k] != want {
			t.Errorf("synapse %d: lastupdate = %v, want %v", k, last[k], want)
		}
	}
}

// testLongColumn: a postsynaptic neuron with more synapses than a
// Vulkan thread may walk (lavapipe ends loops after 65,535 iterations).
func testLongColumn(t *testing.T, nb func(t *testing.T) host.Backend) {
	const n, w0, preStep, postStep = 70000, 0.5, 2, 5
	drv := Compile(t, driver)
	syn := plastic(t, stdpModel, stdpOnPre, stdpOnPost, drv, drv)
	rows := make([][]uint32, n)
	ts := make([]float32, n)
	for j := range rows {
		rows[j] = []uint32{0}
		ts[j] = spikeTimes(preStep)[0]
		if j%7 == 3 {
			ts[j] = -1 // some never spike
		}
	}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(13)}
	p.Groups = []*host.GroupPlan{
		Group(t, "pre", n, drv, map[string][]float32{"ts": ts}),
		Group(t, "post", 1, drv, map[string][]float32{"ts": spikeTimes(postStep)}),
	}
	plasticProjection(t, p, "fan-in", 0, 1, rows, syn, map[string][]float32{"w": Fill(n, w0)})
	b := load(t, nb, p)
	run(t, b, p, 0, 8)
	w := projectionArray(t, b, 0, "w")
	paired := float32(stdpWeight(w0, []stdpEvent{{preStep, true}, {postStep, false}}))
	bad := 0
	for k, x := range w {
		want := paired
		if ts[k] < 0 {
			want = w0
		}
		if math.Abs(float64(x-want)) > 1e-6 {
			if bad++; bad <= 3 {
				t.Errorf("synapse %d: w = %v, want %v", k, x, want)
			}
		}
	}
	if bad > 3 {
		t.Errorf("%d synapses wrong in all", bad)
	}
}

// testBadColumns: Load rejects a transposed index that does not match
// the rows.
func testBadColumns(t *testing.T, nb func(t *testing.T) host.Backend) {
	drv := Compile(t, driver)
	syn := plastic(t, stdpModel, stdpOnPre, stdpOnPost, drv, drv)
	valid := func() *host.Plan {
		p := &host.Plan{DT: dt, Seed: philox.NewKey(14)}
		p.Groups = []*host.GroupPlan{Group(t, "pre", 2, drv, nil), Group(t, "post", 3, drv, nil)}
		plasticProjection(t, p, "stdp", 0, 1, [][]uint32{{0, 2}, {2}}, syn, nil)
		return p
	}
	load(t, nb, valid())
	for _, tc := range []struct {
		name   string
		mutate func(pp *host.ProjectionPlan)
	}{
		{"short column pointers", func(pp *host.ProjectionPlan) { pp.ColPtr = pp.ColPtr[:3] }},
		{"missing column", func(pp *host.ProjectionPlan) { pp.ColPtr, pp.ColSyn = nil, nil }},
		{"wrong column", func(pp *host.ProjectionPlan) { pp.ColSyn[1], pp.ColSyn[2] = pp.ColSyn[2], pp.ColSyn[1] }},
		{"changed constant array", func(pp *host.ProjectionPlan) { pp.Arrays[1].Const = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.mutate(p.Projections[0])
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

// PlasticNetwork is Network with a plastic drive: the Poisson inputs
// excite the network through STDP synapses whose on_post also draws random
// numbers, so that OnPost runs in most steps, often for synapses that
// OnPre changed in the same step.
func PlasticNetwork(t testing.TB, n, fanOut int, seed uint64) *host.Plan {
	t.Helper()
	p := Network(t, n, fanOut, seed)
	pd := p.Projections[2]
	noise := p.Groups[1]
	f, err := models.Builtin("lif_coba_exp")
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	syn := plastic(t, `w : siemens
dapre/dt = -apre/(20*ms) : siemens (event-driven)
dapost/dt = -apost/(20*ms) : siemens (event-driven)`,
		"g_e_post += w\napre += 0.1*nS\nw = clip(w + apost, 0*nS, 3*nS)",
		"apost += -0.105*nS*(0.5 + rand())\nw = clip(w + apre, 0*nS, 3*nS)",
		Compile(t, poisson), m.Neuron)
	rows := make([][]uint32, noise.N)
	for j := range rows {
		rows[j] = pd.Target[pd.RowPtr[j]:pd.RowPtr[j+1]]
	}
	w := pd.Arrays[0].Init
	p.Projections = p.Projections[:2]
	pp := plasticProjection(t, p, "plastic", 1, 0, rows, syn, map[string][]float32{"w": w})
	pp.Stream, pp.PostStream = 2, 3
	return p
}
