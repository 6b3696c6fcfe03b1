package spikevk

import (
	"fmt"
	"os"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
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

// Equations is a model written in place, as for Brian2's NeuronGroup:
// equations with units, a threshold condition, reset statements and a
// refractory period (a duration such as "5*ms" or a condition), each
// possibly empty. Parameters have no defaults: set them on the group.
type Equations struct {
	Equations, Threshold, Reset, Refractory string
	Method                                  string // integration method; empty: chosen as Brian2 does
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
}

// Group adds a group of size neurons with the given model, at the model's
// default parameters and initial values.
func (n *Network) Group(name string, size int, m Model) *Group {
	g := &Group{net: n, index: len(n.desc.Groups), hi: size}
	switch {
	case !n.building("group " + name):
	case m.err != nil:
		n.fail("group %q: %w", name, m.err)
	case m.file == nil:
		n.fail("group %q: no model", name)
	case size < 0:
		n.fail("group %q: size %d is negative", name, size)
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
	if n.callsSeries(rate) {
		m := *poissonModel
		m.Equations = "rates = " + rate + " : Hz"
		return n.Group(name, size, Model{file: &m})
	}
	return n.Group(name, size, Model{file: poissonModel}).Set("rates", rate)
}

// Name is the name of the group this one is (part of).
func (g *Group) Name() string { return g.net.desc.Groups[g.index].Name }

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

func (g *Group) String() string {
	if g.lo == 0 && g.hi == g.net.desc.Groups[g.index].N {
		return fmt.Sprintf("group %q", g.Name())
	}
	return fmt.Sprintf("group %q[%d:%d]", g.Name(), g.lo, g.hi)
}

// Set gives a parameter or the initial value of a state variable of every
// neuron of g: an expression with units that may use the model's
// parameters and states, i (the index in g), N (the size of g), rand() and
// randn(), e.g. "E_L + rand()*(V_th - E_L)". Values apply in the order
// given: parameters first, then initial values.
func (g *Group) Set(variable, expr string) *Group {
	if g.net.building(fmt.Sprintf("%s: set %s", g, variable)) {
		d := g.net.desc.Groups[g.index]
		d.Values = append(d.Values, host.Value{Var: variable, Lo: g.lo, Hi: g.hi, Expr: expr})
	}
	return g
}

// SetArray gives a variable one value per neuron of g, in unit (such as
// "mV", or "1" for a number).
func (g *Group) SetArray(variable string, values []float64, unit string) *Group {
	if len(values) != g.N() {
		g.net.fail("%s: %d values of %s for %d neurons", g, len(values), variable, g.N())
		return g
	}
	if g.net.building(fmt.Sprintf("%s: set %s", g, variable)) {
		d := g.net.desc.Groups[g.index]
		d.Values = append(d.Values, host.Value{Var: variable, Lo: g.lo, Hi: g.hi, Array: values, Unit: unit})
	}
	return g
}

func (g *Group) hostRange() host.Range { return host.Range{Group: g.index, Lo: g.lo, Hi: g.hi} }

// Get returns the current value of a variable of every neuron of g, in the
// internal unit of its dimension (mV, nS, pA, ms; see models/units), once
// the network is built by its first Run.
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
