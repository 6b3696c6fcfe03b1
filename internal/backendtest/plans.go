package backendtest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/internal/philox"
	"github.com/spikevk/spikevk/models"
)

// dt is the time step of every plan of the suite, in ms.
const dt = 0.1

// Models of the suite, in Brian2's language.
var (
	// driver spikes once, in the step whose start time is ts (ms); a
	// negative ts never comes.
	driver = models.NeuronSpec{Equations: "ts : second", Threshold: "t > ts - 0.05*ms and t < ts + 0.05*ms", DT: dt}
	// sink accumulates its input in v and spikes in every step that starts
	// with v above 0.5 mV.
	sink = models.NeuronSpec{Equations: "v : volt", Threshold: "v > 0.5*mV", DT: dt}
	// window spikes in steps 2, 3 and 4 (0.2, 0.3 and 0.4 ms) unless u
	// is negative.
	window = models.NeuronSpec{Equations: "u : volt", Threshold: "t > 0.15*ms and t < 0.45*ms and u >= 0*mV", DT: dt}
	// poisson spikes with probability p in every step.
	poisson = models.NeuronSpec{Equations: "p : 1", Threshold: "rand() < p", DT: dt}
)

// Compile compiles a neuron model, failing the test on an error.
func Compile(t testing.TB, spec models.NeuronSpec) *models.Neuron {
	t.Helper()
	n, err := models.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// synapse compiles a synapse model between two neuron models.
func synapse(t testing.TB, model, onPre string, pre, post *models.Neuron) *models.Pathway {
	t.Helper()
	s, err := models.CompileSynapse(models.SynapseSpec{Model: model, OnPre: onPre, Pre: pre, Post: post, DT: dt})
	if err != nil {
		t.Fatal(err)
	}
	return s.OnPre
}

// Group builds the plan of n neurons of model nr: vals gives the values of
// states and parameters (0 for those it lacks), and Derive the derived
// inputs. Targets get a ring of one slot; tests that need longer delays set
// Ring.
func Group(t testing.TB, name string, n int, nr *models.Neuron, vals map[string][]float32, targets ...string) *host.GroupPlan {
	t.Helper()
	all := map[string][]float32{}
	for _, v := range slices.Concat(nr.States, nr.Params) {
		all[v.Name] = vals[v.Name]
		if all[v.Name] == nil {
			all[v.Name] = make([]float32, n)
		}
	}
	derived, err := nr.Derive(n, all)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range derived {
		all[k] = v
	}
	g := &host.GroupPlan{Name: name, N: n, Step: nr.Step, Targets: targets, Ring: 1}
	for _, in := range nr.Step.Inputs {
		switch in {
		case host.InputTime, host.InputIndex, host.InputSize:
			continue
		case models.Refractory:
			all[in] = make([]float32, n)
		}
		v, ok := all[in]
		if !ok {
			t.Fatalf("group %q: no values for input %q", name, in)
		}
		g.Arrays = append(g.Arrays, host.Array{Name: in, Init: v})
	}
	for _, x := range nr.Spec().Observed {
		g.Arrays = append(g.Arrays, host.Array{Name: x, Init: make([]float32, n)})
	}
	for _, x := range targets {
		if !slices.ContainsFunc(g.Arrays, func(a host.Array) bool { return a.Name == x }) {
			g.Arrays = append(g.Arrays, host.Array{Name: x, Init: all[x]})
		}
	}
	return g
}

// projection builds a projection from group pre to group post of plan p
// with rows[j] the targets of presynaptic neuron j; vals gives the
// synapse arrays (0 for those it lacks). Every synapse has delay 0.
func projection(t testing.TB, p *host.Plan, name string, pre, post int, rows [][]uint32, path *models.Pathway, vals map[string][]float32) *host.ProjectionPlan {
	t.Helper()
	pp := &host.ProjectionPlan{Name: name, Pre: pre, Post: post, OnPre: path.Program, RowPtr: []uint32{0}}
	for _, r := range rows {
		pp.Target = append(pp.Target, r...)
		pp.RowPtr = append(pp.RowPtr, uint32(len(pp.Target)))
	}
	for _, in := range path.Program.Inputs {
		if in == host.InputTime || strings.HasSuffix(in, host.SuffixPre) || strings.HasSuffix(in, host.SuffixPost) {
			continue
		}
		v := vals[in]
		if v == nil {
			v = make([]float32, len(pp.Target))
		}
		pp.Arrays = append(pp.Arrays, host.Array{Name: in, Init: v})
	}
	p.Projections = append(p.Projections, pp)
	return pp
}

// set replaces the initial values of the array called name.
func set(arrays []host.Array, name string, v []float32) {
	for k := range arrays {
		if arrays[k].Name == name {
			arrays[k].Init = v
		}
	}
}

// Fill returns n copies of x.
func Fill(n int, x float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = x
	}
	return v
}

// spikeTimes returns the ts values (ms) of drivers that spike in the given
// steps (negative: never).
func spikeTimes(steps ...int) []float32 {
	ts := make([]float32, len(steps))
	for i, s := range steps {
		ts[i] = float32(float64(s) * dt)
		if s < 0 {
			ts[i] = -1
		}
	}
	return ts
}

// Network returns the plan of a random conductance-based network (the COBA
// benchmark neurons, lif_coba_exp: Vogels & Abbott 2005): n neurons, the
// first 80% excitatory, each with fanOut random targets, excitatory
// synapses with delays of 0 to 4 steps each, inhibitory ones with 2 steps;
// random initial v and a random drive I, and a Poisson group of n/10
// neurons at 20 Hz that excites the network through fanOut synapses each.
func Network(t testing.TB, n, fanOut int, seed uint64) *host.Plan {
	t.Helper()
	f, err := models.Builtin("lif_coba_exp")
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.Check(f, dt)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	vals := map[string][]float32{}
	for _, v := range slices.Concat(m.Neuron.States, m.Neuron.Params) {
		x, ok := m.Defaults[v.Name]
		if !ok {
			x = m.Initial[v.Name]
		}
		vals[v.Name] = Fill(n, x)
	}
	for i := range n {
		vals["v"][i] = -60 + 10*r.Float32()
		vals["I"][i] = 80 + 40*r.Float32() // pA: v settles at -60 + I/10 mV
	}
	p := &host.Plan{DT: dt, Seed: philox.NewKey(seed)}
	net := Group(t, "coba", n, m.Neuron, vals, "g_e", "g_i")
	net.Ring = 5
	noise := Compile(t, poisson)
	nIn := max(1, n/10)
	in := Group(t, "poisson", nIn, noise, map[string][]float32{"p": Fill(nIn, 20e-3*dt)})
	in.Stream = 1
	p.Groups = []*host.GroupPlan{net, in}

	nExc := n * 4 / 5
	rows := func(pre int) [][]uint32 {
		rows := make([][]uint32, pre)
		for j := range rows {
			for range fanOut {
				rows[j] = append(rows[j], uint32(r.IntN(n)))
			}
		}
		return rows
	}
	weights := func(k int, lo, hi float32) []float32 {
		w := make([]float32, k)
		for i := range w {
			w[i] = lo + (hi-lo)*r.Float32()
		}
		return w
	}
	all := rows(n)
	exc := synapse(t, "w : siemens", "g_e_post += w", m.Neuron, m.Neuron)
	inh := synapse(t, "w : siemens", "g_i_post += w", m.Neuron, m.Neuron)
	pe := projection(t, p, "exc", 0, 0, append(all[:nExc:nExc], make([][]uint32, n-nExc)...), exc, nil)
	set(pe.Arrays, "w", weights(pe.Synapses(), 0.2, 0.8))
	pe.Delays = make([]uint16, pe.Synapses())
	for k := range pe.Delays {
		pe.Delays[k] = uint16(r.IntN(net.Ring))
	}
	pi := projection(t, p, "inh", 0, 0, append(make([][]uint32, nExc), all[nExc:]...), inh, nil)
	set(pi.Arrays, "w", weights(pi.Synapses(), 2, 6))
	pi.Delay = 2
	drive := synapse(t, "w : siemens", "g_e_post += w", noise, m.Neuron)
	pd := projection(t, p, "drive", 1, 0, rows(nIn), drive, nil)
	set(pd.Arrays, "w", weights(pd.Synapses(), 1, 3))
	pd.Stream = 2
	return p
}
