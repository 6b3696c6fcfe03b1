package host

import (
	"fmt"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
)

// Network describes a network for Compile: what the user built through the
// root package's API, before any array is filled or synapse drawn.
type Network struct {
	DT          float64 // time step in ms
	Seed        uint64
	Groups      []*Group
	Projections []*Projection
	Series      map[string]*Series // time series the groups' equations may call, by name
	// Procedural regenerates the rows of every projection that allows it
	// instead of storing them (Rows, ProjectionPlan.Rows): a
	// fixed_probability rule with 0 < P < 1, a synapse model without
	// on_post, clock-driven or summed variables, whose on_pre draws no
	// random numbers and changes no synapse variable, with every synapse
	// variable and the delay the same for all synapses. Other projections
	// are stored.
	Procedural bool
}

// Series is a time series, Brian's TimedArray: equations call it as
// name(t), or name(t, i) when PerNeuron. Value k holds from time k·DT on;
// after the last value, the last one holds (Brian's clipping). DT must be
// a whole number of time steps, so that the value of step s is value
// s / (DT/dt), counted in integer steps.
type Series struct {
	// Values are in Unit: one per value, or, PerNeuron, Neurons per
	// value (value k of neuron i at k·Neurons+i).
	Values    []float64
	PerNeuron bool
	Neurons   int // values per step when PerNeuron: the size of every group that calls it
	Unit      string
	DT        float64 // ms from one value to the next
	// Spikes, when not nil, makes the series a spike table (Brian's
	// SpikeGeneratorGroup) in place of Values, Unit and DT: Spikes[i]
	// holds the steps in which neuron i spikes, in increasing order, and
	// the series is 1 for neuron i in those steps, else 0. PerNeuron is
	// set and Neurons is len(Spikes).
	Spikes [][]uint32
}

// Group is a population of neurons sharing one model.
type Group struct {
	Name   string
	N      int
	Model  *models.File
	Values []Value // parameter and initial values, applied in order after the model's own
	// Currents are injected into parameters of the model (see Current).
	Currents []Current
	// Observe names subexpressions of the model to record: the Step
	// program writes each, as computed from the values at the start of the
	// step, to an array of its name (models.NeuronSpec.Observed), which a
	// RecordPlan with AfterStep samples. Names that are not subexpressions
	// of the model are left alone.
	Observe []string
	// Knobs names parameters that may change between runs: Compile keeps
	// their arrays and the group's derived arrays out of the Const ones,
	// and Compiled.Retune computes their new contents.
	Knobs []string
}

// Current is a current source injected into a parameter Var of a group's
// model: the parameter becomes a subexpression, the sum of the sources
// injected into it, evaluated every step (so its own value no longer
// counts). A source is either Expr, an expression of t and i (and of
// time series, rand() and randn()) in the parameter's unit, or, when Tau
// > 0, an Ornstein–Uhlenbeck process of mean Mean, stationary standard
// deviation SD and time constant Tau ms, updated exactly every step:
// x' = m + (x-m)·e^(-dt/τ) + sd·sqrt(1-e^(-2dt/τ))·N(0, 1), from x = m.
type Current struct {
	Var      string
	Expr     string
	Mean, SD string
	Tau      float64
	Lo, Hi   int // the neurons Lo … Hi-1 it reaches; Hi == 0: all
}

// Range is the neurons Lo … Hi-1 of group Group (a subgroup, or the whole
// group).
type Range struct{ Group, Lo, Hi int }

// Value sets a variable: for a group, of the neurons Lo … Hi-1; for a
// projection, of every synapse. Either Expr is set (an expression of the
// model language with units, which may use the model's parameters and
// states, i and N for neurons, i and j for synapses, rand() and randn()),
// or Array with one number per element in Unit.
type Value struct {
	Var    string
	Lo, Hi int
	Expr   string
	Array  []float64
	Unit   string
	At     syntax.Pos // where Expr starts in a file, for messages; zero: not from a file
}

// errorf is an error about v, at v.At when it is set.
func (v Value) errorf(format string, args ...any) error {
	if v.At.Line > 0 {
		return &syntax.Error{Pos: v.At, Msg: fmt.Sprintf(format, args...)}
	}
	return fmt.Errorf(format, args...)
}

// Projection is a set of synapses between two ranges of neurons.
type Projection struct {
	Name      string
	Pre, Post Range
	Model     string // per-synapse variables, e.g. "w : siemens"
	OnPre     string // statements run on a presynaptic spike, e.g. "g_e_post += w"
	OnPost    string // statements run on a postsynaptic spike, e.g. "w = clip(w + apre, 0*nS, wmax)"
	// File, if set, is the synapse model instead of Model, OnPre and
	// OnPost: errors in its code name its lines.
	File   *models.SynapseFile
	Conn   Connectivity
	Values []Value // values of the synapse variables
	Delay  Value   // the delay of each synapse (Var is ignored); zero Value: no delay
}
