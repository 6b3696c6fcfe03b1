package spikevk

import (
	"fmt"
	"slices"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
)

// Synapses is a synapse model, as for Brian2's Synapses: per-synapse
// variables ("w : siemens", event-driven traces), the statements run when
// the presynaptic neuron spikes ("g_e_post += w"; an unsuffixed neuron
// variable is the postsynaptic one) and those run when the postsynaptic
// neuron spikes, after the presynaptic ones of the same step (on_post may
// change synapse variables only, and needs synapses without delays).
//
// Model may also declare clock-driven variables ("dx/dt = -x/tau : 1
// (clock-driven)"), integrated every step, and summed variables, such as
// the current of gap junctions:
//
//	w : siemens
//	I_gap_post = w*(v_pre - v_post) : amp (summed)
//
// sets the parameter I_gap of every postsynaptic neuron to the sum of its
// synapses' terms every step, before the neurons integrate, from the
// values the last step left (0 for a neuron without synapses). A summed
// variable is set by one projection and read by no synapse model. A gap
// junction conducts both ways: as in Brian2, connect each pair in both
// directions, e.g. Pairs with (i, j) and (j, i).
//
// A synapse model file (BuiltinSynapses, LoadSynapses) fills in all
// three, and gives its parameters defaults and its variables initial
// values; change the texts, and they are the model (without the file's
// line numbers in errors).
type Synapses struct {
	Model  string
	OnPre  string
	OnPost string

	file     *models.SynapseFile // the model file the texts come from
	defaults map[string]string   // parameter defaults replaced by Default
	err      error
}

// Rule is a connectivity rule. Autapses (a neuron connected to itself when
// source and target overlap) are left out unless Autapses is set: unlike
// Brian2, whose connect(p=…) keeps them unless its condition says i != j.
type Rule = host.Connectivity

// AllToAll connects every source to every target.
func AllToAll() Rule { return Rule{Rule: host.AllToAll} }

// OneToOne connects source k to target k; both must have the same size.
func OneToOne() Rule { return Rule{Rule: host.OneToOne} }

// FixedProbability connects each pair independently with probability p.
func FixedProbability(p float64) Rule { return Rule{Rule: host.FixedProbability, P: p} }

// FixedInDegree gives each target k distinct sources, drawn at random.
func FixedInDegree(k int) Rule { return Rule{Rule: host.FixedInDegree, K: k} }

// FixedOutDegree gives each source k distinct targets, drawn at random.
func FixedOutDegree(k int) Rule { return Rule{Rule: host.FixedOutDegree, K: k} }

// FixedTotal draws n synapses, each between a source and a target chosen
// at random (the same pair may be drawn twice).
func FixedTotal(n int) Rule { return Rule{Rule: host.FixedTotal, K: n} }

// Pairs connects source i[k] to target j[k] for every k (indices in the
// source and target groups).
func Pairs(i, j []int) Rule { return Rule{Rule: host.Pairs, I: i, J: j} }

// Projection is a set of synapses between two groups.
type Projection struct {
	net   *Network
	index int
}

// Connect adds synapses from pre to post (groups or subgroups) with a
// synapse model and a connectivity rule. Their variables start at 0 and
// they have no delay until Set and SetDelay say otherwise.
func (n *Network) Connect(name string, pre, post *Group, syn Synapses, rule Rule) *Projection {
	p := &Projection{net: n, index: len(n.desc.Projections)}
	switch {
	case !n.building("projection " + name):
	case !n.named(name, "projection"):
	case pre == nil || post == nil || pre.net != n || post.net != n:
		n.fail("projection %q: source and target must be groups of this network", name)
	}
	if syn.err != nil {
		n.fail("projection %q: %w", name, syn.err)
	}
	d := &host.Projection{Name: name, Model: syn.Model, OnPre: syn.OnPre, OnPost: syn.OnPost, Conn: rule}
	if f := syn.file; f != nil {
		if syn.Model == f.Equations && syn.OnPre == f.OnPre && syn.OnPost == f.OnPost {
			d.File = f // unchanged: errors name the file's lines
		}
		d.Values = syn.fileValues()
	}
	if n.err == nil {
		d.Pre, d.Post = pre.hostRange(), post.hostRange()
	}
	n.desc.Projections = append(n.desc.Projections, d)
	return p
}

func (p *Projection) desc() *host.Projection { return p.net.desc.Projections[p.index] }

// Name is the projection's name.
func (p *Projection) Name() string { return p.desc().Name }

// Set gives a synapse variable of every synapse: an expression with units
// that may use i and j (the indices of the source and target neurons in
// their groups), earlier synapse variables, rand() and randn(), e.g.
// "clip(6*nS + 1*nS*randn(), 0*nS, 20*nS)" or "exp(log(6) + 0.5*randn())*nS".
func (p *Projection) Set(variable, expr string) *Projection {
	return p.SetAt(variable, expr, syntax.Pos{})
}

// SetAt is Set for an expression read from a file at the position at,
// which errors in it name.
func (p *Projection) SetAt(variable, expr string, at syntax.Pos) *Projection {
	if p.net.building(fmt.Sprintf("projection %q: set %s", p.Name(), variable)) {
		p.desc().Values = append(p.desc().Values, host.Value{Var: variable, Expr: expr, At: at})
	}
	return p
}

// SetArray gives a synapse variable one value per synapse, in unit: for a
// Pairs rule in the order of the pairs given (as Brian2), else in the
// order of Synapses.
func (p *Projection) SetArray(variable string, values []float64, unit string) *Projection {
	return p.SetArrayAt(variable, values, unit, syntax.Pos{})
}

// SetArrayAt is SetArray for values a file names at the position at,
// which errors about them name.
func (p *Projection) SetArrayAt(variable string, values []float64, unit string, at syntax.Pos) *Projection {
	if p.net.building(fmt.Sprintf("projection %q: set %s", p.Name(), variable)) {
		p.desc().Values = append(p.desc().Values, host.Value{Var: variable, Array: values, Unit: unit, At: at})
	}
	return p
}

// SetDelay gives every synapse a delay: an expression such as "1.5*ms" or
// "rand()*5*ms" (which may use i and j). Given delays must be whole
// numbers of time steps; delays drawn at random are rounded to the nearest
// step.
func (p *Projection) SetDelay(expr string) *Projection { return p.SetDelayAt(expr, syntax.Pos{}) }

// SetDelayAt is SetDelay for an expression read from a file at the
// position at, which errors in it name.
func (p *Projection) SetDelayAt(expr string, at syntax.Pos) *Projection {
	if p.net.building(fmt.Sprintf("projection %q: set delay", p.Name())) {
		p.desc().Delay = host.Value{Expr: expr, At: at}
	}
	return p
}

// SetDelayArray gives each synapse its delay, in unit, in the order of
// SetArray.
func (p *Projection) SetDelayArray(values []float64, unit string) *Projection {
	if p.net.building(fmt.Sprintf("projection %q: set delay", p.Name())) {
		p.desc().Delay = host.Value{Array: values, Unit: unit}
	}
	return p
}

// Synapses returns the source and target of every synapse (indices in the
// source and target groups, grouped by source), once the network is built
// by its first Run.
func (p *Projection) Synapses() (i, j []int, err error) {
	if p.net.sim == nil {
		return nil, nil, fmt.Errorf("projection %q: the synapses are drawn by the first Run", p.Name())
	}
	pp := p.net.sim.compiled.Plan.Projections[p.index]
	d := p.desc()
	var row []uint32
	for pre := d.Pre.Lo; pre < d.Pre.Hi; pre++ {
		row = row[:0]
		if pp.Rows != nil {
			row = pp.Rows.Row(row, pre) // procedural: drawn again
		} else {
			row = pp.Target[pp.RowPtr[pre]:pp.RowPtr[pre+1]]
		}
		for _, post := range row {
			i = append(i, pre-d.Pre.Lo)
			j = append(j, int(post)-d.Post.Lo)
		}
	}
	return i, j, nil
}

// Get returns the current value of a synapse variable of every synapse, in
// the order of Synapses and in the internal unit of its dimension, once
// the network is built by its first Run.
func (p *Projection) Get(variable string) ([]float32, error) {
	if p.net.sim == nil {
		return nil, fmt.Errorf("projection %q: no values before the first Run", p.Name())
	}
	d := p.desc()
	pp := p.net.sim.compiled.Plan.Projections[p.index]
	x, err := p.net.sim.backend.ProjectionArray(p.index, variable)
	if err != nil {
		return nil, fmt.Errorf("projection %q: %w", p.Name(), err)
	}
	if pp.Rows != nil { // procedural: one value for all synapses
		n := int(pp.RowPtr[d.Pre.Hi] - pp.RowPtr[d.Pre.Lo])
		return slices.Repeat(x, n), nil
	}
	return x[pp.RowPtr[d.Pre.Lo]:pp.RowPtr[d.Pre.Hi]], nil
}

// ProjectionByName returns the projection called name, or nil.
func (n *Network) ProjectionByName(name string) *Projection {
	for k, p := range n.desc.Projections {
		if p.Name == name {
			return &Projection{net: n, index: k}
		}
	}
	return nil
}
