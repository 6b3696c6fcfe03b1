package spikevk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models"
)

// Knob is a parameter of a group, subgroup or Poisson group that may
// change between Runs (Group.Knob): the live window's knobs, protocols,
// parameter steps. A run continues with the new value from its next step
// exactly as a network built with that value would, on either backend: the
// parameter stays an array on the backend instead of a constant compiled
// into its programs, and the values derived from the group's parameters
// on the host (decay factors such as exp(-dt/tau), propagators, rates·dt)
// are computed again, in float64 rounded to float32 as when the network
// was built, and written with the parameter. Checkpoints carry the
// current value; a checkpoint restores into a network that declares the
// same knobs.
type Knob struct {
	g     *Group
	param string
	model *models.Model // the group's model as checked when declared
	value string
	err   error // why the knob cannot be set
}

// Knob declares, before the first Run, that parameter name of g may change
// between Runs, and returns the knob that changes it. Declaring it again
// returns the same knob. A name that is not a parameter of the model (a
// state variable, a subexpression, an unknown name) is an error of the
// network, as for other building calls, listing its parameters; a Knob
// after the first Run cannot be set, and its Set says so.
func (g *Group) Knob(name string) *Knob {
	k, err := g.declareKnob(name)
	if err != nil && g.net.sim == nil {
		g.net.fail("%w", err)
	}
	return k
}

// declareKnob declares the knob name of g, or returns the one declared;
// the error also makes the knob's Set fail.
func (g *Group) declareKnob(name string) (*Knob, error) {
	n := g.net
	for _, k := range n.knobs {
		if k.g.index == g.index && k.g.lo == g.lo && k.g.hi == g.hi && k.param == name {
			return k, nil
		}
	}
	k := &Knob{g: g, param: name}
	if n.sim != nil {
		k.err = fmt.Errorf("knob %s: knobs must be declared before the first Run", k.Name())
		return k, k.err
	}
	m, err := host.GroupModel(&n.desc, g.index)
	if err == nil {
		err = host.CheckKnob(m, name)
	}
	if err != nil {
		k.err = fmt.Errorf("%s: %w", g, err)
		return k, k.err
	}
	k.model = m
	d := n.desc.Groups[g.index]
	if !slices.Contains(d.Knobs, name) {
		d.Knobs = append(d.Knobs, name)
	}
	n.knobs = append(n.knobs, k)
	return k, nil
}

// Name is "group.param", or "group[lo:hi].param" for a subgroup that
// Network.Subgroup did not name.
func (k *Knob) Name() string { return k.g.Label() + "." + k.param }

// Value is the last value given to Set (or restored with a checkpoint), as
// given; "" until then: the value the network was built with.
func (k *Knob) Value() string { return k.value }

// Set gives the knob's parameter the value of expr, an expression of the
// model language with units as Group.Set takes ("20*Hz", "I + 10*pA",
// "rand()*50*pA"): it may use the group's parameters (their current
// values), i (the index in the knob's group or subgroup), N (its size),
// rand() and randn() (drawn on the host, from a stream of the group,
// parameter and step). Before the first Run it is Group.Set; after, the
// value holds from the next step on. A bad expression (an unknown name, a
// unit that does not fit) is an error naming the group and parameter that
// changes nothing. Set must be called between Runs: while a Run is in
// progress (on another goroutine, or from a Watcher), it returns an error
// and changes nothing.
func (k *Knob) Set(expr string) error {
	if k.err != nil {
		return k.err
	}
	n := k.g.net
	if !n.mu.TryLock() {
		return fmt.Errorf("knob %s: the network is running (a Run or another Set is in progress): set it between Runs", k.Name())
	}
	defer n.mu.Unlock()
	v := host.Value{Var: k.param, Lo: k.g.lo, Hi: k.g.hi, Expr: expr}
	if n.sim == nil {
		if err := host.CheckKnobValue(k.model, v); err != nil {
			return fmt.Errorf("knob %s: %w", k.Name(), err)
		}
		d := n.desc.Groups[k.g.index]
		d.Values = append(d.Values, v)
		k.value = expr
		return nil
	}
	if err := n.sim.retune(k.g.index, v); err != nil {
		return fmt.Errorf("knob %s: %w", k.Name(), err)
	}
	k.value = expr
	return nil
}

// retune writes the value v of a knob of group gi to the backend, with the
// derived values that follow from it.
func (s *simulation) retune(gi int, v host.Value) error {
	params := map[string][]float32{}
	for _, p := range s.compiled.Models[gi].Neuron.Params {
		x, err := s.backend.GroupArray(gi, p.Name)
		if err != nil {
			return err
		}
		params[p.Name] = x
	}
	arrays, err := s.compiled.Retune(gi, v, s.step, params)
	if err != nil {
		return err
	}
	for _, a := range arrays {
		if err := s.backend.SetGroupArray(gi, a.Name, a.Values); err != nil {
			return err
		}
	}
	return nil
}

// KnobByName returns the knob called path: "group.param" (Knob.Name), as
// a command line names it. Before the first Run it declares the knob of
// the whole group when there is none yet; an unknown group or parameter is
// an error listing the groups or the group's parameters (it does not
// make Run fail, unlike Group.Knob). After the first Run only declared
// knobs are found.
func (n *Network) KnobByName(path string) (*Knob, error) {
	for _, k := range n.knobs {
		if k.Name() == path {
			return k, nil
		}
	}
	dot := strings.LastIndexByte(path, '.')
	if dot < 0 {
		return nil, fmt.Errorf("knob %q: want group.parameter, e.g. %q", path, "input.rates")
	}
	name, param := path[:dot], path[dot+1:]
	g := n.GroupByName(name)
	if g == nil {
		var names []string
		for _, d := range n.desc.Groups {
			names = append(names, d.Name)
		}
		return nil, fmt.Errorf("knob %q: no group %q (groups: %s)", path, name, strings.Join(names, ", "))
	}
	if n.sim != nil {
		return nil, fmt.Errorf("knob %q: not declared before the first Run (knobs: %s)", path, n.knobNames())
	}
	return g.declareKnob(param)
}

// Knobs lists the declared knobs, in the order of declaration.
func (n *Network) Knobs() []*Knob { return slices.Clone(n.knobs) }

func (n *Network) knobNames() string {
	if len(n.knobs) == 0 {
		return "none"
	}
	var names []string
	for _, k := range n.knobs {
		names = append(names, k.Name())
	}
	return strings.Join(names, ", ")
}

// knobValues returns the value of every knob that was set, by name.
func (n *Network) knobValues() map[string]string {
	out := map[string]string{}
	for _, k := range n.knobs {
		if k.value != "" {
			out[k.Name()] = k.value
		}
	}
	return out
}

// setKnobValues gives the knobs named in values those values (a restored
// checkpoint's), and the others none.
func (n *Network) setKnobValues(values map[string]string) {
	for _, k := range n.knobs {
		k.value = values[k.Name()]
	}
}
