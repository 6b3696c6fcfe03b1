package spikevk

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
)

// Model is a neuron model: a built-in one, a model file, or equations.
type Model struct {
	file *models.File
	err  error
}

// Builtin returns the built-in model called name (see `spikevk models`).
func Builtin(name string) Model {
	f, err := models.Builtin(name)
	return Model{file: f, err: err}
}

// LoadModel reads a model file (YAML, see models.File).
func LoadModel(path string) Model {
	data, err := os.ReadFile(path)
	if err != nil {
		return Model{err: err}
	}
	f, err := models.ParseFile(path, data)
	return Model{file: f, err: err}
}

// FileModel is the model of a parsed model file, such as the inline
// model of a network file (models.ParseFileNode).
func FileModel(f *models.File) Model { return Model{file: f} }

// Equations is a model written in place, as for Brian2's NeuronGroup:
// equations with units, a threshold condition, reset statements and a
// refractory period (a duration such as "5*ms" or a condition), each
// possibly empty. Parameters have no defaults: set them on the group.
type Equations struct {
	Equations, Threshold, Reset, Refractory string
	// Method is the integration method; empty: exact where the equations
	// are linear with constant coefficients, else exponential Euler where
	// each is linear in its own variable, else Euler (Brian2 picks Euler
	// where spikevk picks exponential Euler; see the README's Models).
	Method string
}

// Model returns the equations as a model.
func (e Equations) Model() Model {
	return Model{file: &models.File{Equations: e.Equations, Threshold: e.Threshold, Reset: e.Reset,
		Refractory: e.Refractory, Method: e.Method}}
}

// poissonModel is the model of a Poisson group: a spike in each step with
// probability rates·dt, as Brian2's PoissonGroup.
var poissonModel = &models.File{Name: "poisson", Equations: "rates : Hz", Threshold: "rand() < rates*dt"}

// Group is a group of neurons, or a contiguous slice of one (a subgroup),
// usable wherever a group is.
type Group struct {
	net    *Network
	index  int // in the network's groups
	lo, hi int
	label  string // the name given by Network.Subgroup; empty: none
}

// Group adds a group of size neurons with the given model, at the model's
// default parameters and initial values.
func (n *Network) Group(name string, size int, m Model) *Group {
	g := &Group{net: n, index: len(n.desc.Groups), hi: size}
	switch {
	case !n.building("group " + name):
	case !n.named(name, "group"):
	case m.err != nil:
		n.fail("group %q: %w", name, m.err)
	case m.file == nil:
		n.fail("group %q: no model", name)
	case size < 0:
		n.fail("group %q: size %d is negative", name, size)
	case n.GroupByName(name) != nil && n.GroupByName(name).label != "":
		n.fail("group %q: a subgroup has that name", name)
	}
	n.desc.Groups = append(n.desc.Groups, &host.Group{Name: name, N: size, Model: m.file})
	n.groups = append(n.groups, g)
	return g
}

// PoissonGroup adds size independent Poisson spike sources, each spiking
// in a step with probability rate·dt; rate is an expression such as
// "5*Hz", and Set("rates", …) gives each source its own. A rate that calls
// a time series declared before, such as "f(t)" (TimedArray), is
// evaluated every step instead: rates is then a subexpression, which Set
// cannot change.
func (n *Network) PoissonGroup(name string, size int, rate string) *Group {
	return n.PoissonGroupAt(name, size, rate, syntax.Pos{})
}

// PoissonGroupAt is PoissonGroup with the position of the rate in a file,
// for its errors.
func (n *Network) PoissonGroupAt(name string, size int, rate string, at syntax.Pos) *Group {
	if n.callsSeries(rate) {
		m := *poissonModel
		m.Equations = "rates = " + rate + " : Hz"
		return n.Group(name, size, Model{file: &m})
	}
	return n.Group(name, size, Model{file: poissonModel}).SetAt("rates", rate, at)
}

// Name is the name Network.Subgroup gave g, else the name of the group g
// is (part of).
func (g *Group) Name() string {
	if g.label != "" {
		return g.label
	}
	return g.whole()
}

// whole is the name of the whole group g is (part of).
func (g *Group) whole() string { return g.net.desc.Groups[g.index].Name }

// Subgroup names the subgroup g, as a network file's "E: neurons[0:3200]"
// does: the returned group is g under that name, which GroupByName finds,
// Summary reports after the whole groups, and monitors' files, knobs
// ("E.I") and messages use. The name must differ from those of every
// group and subgroup.
func (n *Network) Subgroup(name string, g *Group) *Group {
	s := *g
	s.label = name
	switch {
	case !n.building("subgroup " + name):
	case !n.mine(g, fmt.Sprintf("subgroup %q", name)):
	case name == "":
		n.fail("subgroup of %s: empty name", g)
	case !n.named(name, "subgroup"):
	case n.GroupByName(name) != nil:
		n.fail("subgroup %q: a group or subgroup has that name", name)
	default:
		n.subgroups = append(n.subgroups, &s)
	}
	return &s
}

// N is the number of neurons.
func (g *Group) N() int { return g.hi - g.lo }

// Slice returns the subgroup of neurons lo … hi-1 (indices in g).
func (g *Group) Slice(lo, hi int) *Group {
	if lo < 0 || hi > g.N() || lo > hi {
		g.net.fail("group %q: slice %d:%d outside its %d neurons", g.Name(), lo, hi, g.N())
		return &Group{net: g.net, index: g.index, lo: g.lo, hi: g.lo}
	}
	return &Group{net: g.net, index: g.index, lo: g.lo + lo, hi: g.lo + hi}
}

// Label names g as files and summaries do: its name, or "name[lo:hi]"
// for a slice that Network.Subgroup did not name.
func (g *Group) Label() string {
	if g.label != "" || g.lo == 0 && g.hi == g.net.desc.Groups[g.index].N {
		return g.Name()
	}
	return fmt.Sprintf("%s[%d:%d]", g.Name(), g.lo, g.hi)
}

// rangeLabel is the Label of the neurons r of n: a named subgroup's name
// when one covers exactly r.
func (n *Network) rangeLabel(r host.Range) string {
	for _, s := range n.subgroups {
		if s.index == r.Group && s.lo == r.Lo && s.hi == r.Hi {
			return s.label
		}
	}
	return (&Group{net: n, index: r.Group, lo: r.Lo, hi: r.Hi}).Label()
}

func (g *Group) String() string {
	if g.label != "" || g.lo == 0 && g.hi == g.net.desc.Groups[g.index].N {
		return fmt.Sprintf("group %q", g.Name())
	}
	return fmt.Sprintf("group %q[%d:%d]", g.Name(), g.lo, g.hi)
}

// Set gives a parameter or the initial value of a state variable of every
// neuron of g: an expression with units that may use the model's
// parameters and states, i (the index in g), N (the size of g), rand() and
// randn(), e.g. "E_L + rand()*(V_th - E_L)". Values apply in the order
// given: parameters first, then initial values.
func (g *Group) Set(variable, expr string) *Group { return g.SetAt(variable, expr, syntax.Pos{}) }

// SetAt is Set for an expression read from a file at the position at,
// which errors in it name.
func (g *Group) SetAt(variable, expr string, at syntax.Pos) *Group {
	if g.net.building(fmt.Sprintf("%s: set %s", g, variable)) {
		d := g.net.desc.Groups[g.index]
		d.Values = append(d.Values, host.Value{Var: variable, Lo: g.lo, Hi: g.hi, Expr: expr, At: at})
	}
	return g
}

// SetArray gives a variable one value per neuron of g, in unit (such as
// "mV", or "1" for a number).
func (g *Group) SetArray(variable string, values []float64, unit string) *Group {
	return g.SetArrayAt(variable, values, unit, syntax.Pos{})
}

// SetArrayAt is SetArray for values a file names at the position at,
// which errors about them name.
func (g *Group) SetArrayAt(variable string, values []float64, unit string, at syntax.Pos) *Group {
	if len(values) != g.N() {
		if at.Line > 0 {
			g.net.fail("%s: %s: %d values of %s for %d neurons", at, g, len(values), variable, g.N())
			return g
		}
		g.net.fail("%s: %d values of %s for %d neurons", g, len(values), variable, g.N())
		return g
	}
	if g.net.building(fmt.Sprintf("%s: set %s", g, variable)) {
		d := g.net.desc.Groups[g.index]
		d.Values = append(d.Values, host.Value{Var: variable, Lo: g.lo, Hi: g.hi, Array: values, Unit: unit, At: at})
	}
	return g
}

func (g *Group) hostRange() host.Range { return host.Range{Group: g.index, Lo: g.lo, Hi: g.hi} }

// Get returns the current value of a variable of every neuron of g, in the
// internal unit of its dimension: mV, nS, pA, pF, ms, and 1/ms (kHz) for
// rates, so a rate of 59.9 Hz reads 0.0599 (see models/units; GetSI
// gives SI values), once the network is built by its first Run.
func (g *Group) Get(variable string) ([]float32, error) {
	s := g.net.sim
	if s == nil {
		return nil, fmt.Errorf("%s: no values before the first Run", g)
	}
	x, err := s.backend.GroupArray(g.index, variable)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", g, err)
	}
	return x[g.lo:g.hi], nil
}

// GetSI returns the current value of a variable of every neuron of g in
// SI units, as the files of Network.Record hold them, and that unit as
// Brian2 prints a dimension ("V", "S", "A", "Hz", "s", "1" for a number,
// else base units such as "m^-2 kg^-1 s^3 A^2"), once the network is
// built by its first Run.
func (g *Group) GetSI(variable string) ([]float64, string, error) {
	x, err := g.Get(variable)
	if err != nil {
		return nil, "", err
	}
	m := g.net.sim.compiled.Models[g.index].Neuron
	all := slices.Concat(m.States, m.Params, m.Subexpressions)
	k := slices.IndexFunc(all, func(v models.Var) bool { return v.Name == variable })
	if k < 0 {
		return nil, "", fmt.Errorf("%s: variable %q has no unit", g, variable)
	}
	d := all[k].Dim
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v) / d.InternalScale()
	}
	return out, d.String(), nil
}

// SpikeGenerator adds a group of n neurons that spike at given times, as
// Brian2's SpikeGeneratorGroup: neuron indices[k] spikes at timesMs[k]
// ms. Times are rounded to the nearest time step; the pairs may come in
// any order, but two spikes of one neuron in the same step are an error,
// as are an index outside 0 … n-1 and a negative or non-finite time. The
// spikes are a table that each step looks up (host.SeriesPlan), so a
// generator costs memory in proportion to its spikes, not to the run.
func (n *Network) SpikeGenerator(name string, size int, indices []int, timesMs []float64) *Group {
	return n.spikeGenerator(name, size, indices, timesMs, func(k int) string { return fmt.Sprintf("entry %d", k) })
}

// spikeGenerator is SpikeGenerator with errors naming spike k where(k).
func (n *Network) spikeGenerator(name string, size int, indices []int, timesMs []float64, where func(k int) string) *Group {
	series := fmt.Sprintf("spikegenerator_%d", len(n.desc.Groups))
	m := &models.File{Name: "spikegenerator", Threshold: series + "(t, i) > 0.5"}
	if spikes, err := n.spikeTable(name, size, indices, timesMs, where); err != nil {
		n.fail("%w", err)
	} else if size >= 0 {
		n.addSeries(series, &host.Series{Spikes: spikes, PerNeuron: true, Neurons: size, DT: n.cfg.DT})
	}
	return n.Group(name, size, Model{file: m})
}

// spikeTable converts the spikes of a generator to steps, sorted per
// neuron; its errors name spike k where(k).
func (n *Network) spikeTable(name string, size int, indices []int, timesMs []float64, where func(k int) string) ([][]uint32, error) {
	if len(indices) != len(timesMs) {
		return nil, fmt.Errorf("spike generator %q: %d indices for %d times", name, len(indices), len(timesMs))
	}
	if size < 0 {
		return nil, nil // Group reports it
	}
	type spike struct {
		step uint32
		k    int
	}
	byNeuron := make([][]spike, size)
	for k, i := range indices {
		t := timesMs[k]
		s := math.Round(t / n.cfg.DT)
		switch {
		case i < 0 || i >= size:
			return nil, fmt.Errorf("spike generator %q: %s: index %d outside its %d neurons", name, where(k), i, size)
		case !(t >= 0) || math.IsInf(t, 1):
			return nil, fmt.Errorf("spike generator %q: %s: time %g ms is not a time from 0 on", name, where(k), t)
		case s >= host.MaxTableValue:
			return nil, fmt.Errorf("spike generator %q: %s: time %g ms is past step %d, the last a spike generator can reach",
				name, where(k), t, host.MaxTableValue-1)
		}
		byNeuron[i] = append(byNeuron[i], spike{uint32(s), k})
	}
	table := make([][]uint32, size)
	for i, spikes := range byNeuron {
		slices.SortStableFunc(spikes, func(a, b spike) int { return cmp.Compare(a.step, b.step) })
		for j, sp := range spikes {
			if j > 0 && sp.step == spikes[j-1].step {
				p := spikes[j-1].k
				return nil, fmt.Errorf("spike generator %q: %s: neuron %d spikes twice in step %d: at %g ms here and at %g ms on %s (time step %g ms)",
					name, where(sp.k), i, sp.step, timesMs[sp.k], timesMs[p], where(p), n.cfg.DT)
			}
			table[i] = append(table[i], sp.step)
		}
	}
	return table, nil
}
