package netfile

import (
	"fmt"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models/units"
	"go.yaml.in/yaml/v3"
)

// spikeGenerator is a group given by spikes: a file (.npz with i and t,
// or text), or {i: [...], t: [...]} in the file.
func (b *builder) spikeGenerator(name string, size int, n *yaml.Node) (*spikevk.Group, error) {
	what := fmt.Sprintf("group %q: spikes", name)
	if n.Kind == yaml.ScalarNode {
		path := b.f.resolve(n.Value)
		if err := readSmall(path); err != nil {
			return nil, b.f.errorf(n, "%s: %v", what, err)
		}
		return b.net.SpikeGeneratorFile(name, size, path), nil
	}
	var indices []int
	var times []float64
	err := b.f.fields(n, what, []string{"i", "t"}, func(k string, _, v *yaml.Node) error {
		var err error
		if k == "i" {
			indices, err = b.counts(v, what+": i")
		} else {
			times, err = b.numbers(v, what+": t", dimTime)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(indices) != len(times) {
		return nil, b.f.errorf(n, "%s: %d indices (i) for %d times (t)", what, len(indices), len(times))
	}
	return b.net.SpikeGenerator(name, size, indices, times), nil
}

// inject applies an inject mapping: variable → current, or a list of
// currents, which add up.
func (b *builder) inject(g *spikevk.Group, n *yaml.Node, what string) error {
	return b.f.entries(n, what+": inject", func(variable string, k, v *yaml.Node) error {
		items := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			items = v.Content
		}
		for _, it := range items {
			c, err := b.current(it, fmt.Sprintf("%s: inject %s", what, variable))
			if err != nil {
				return err
			}
			g.Inject(variable, c)
			if err := b.apiErr(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// currentKinds are the kinds of current an inject entry may name.
var currentKinds = []string{"dc", "expression", "sinusoid", "step", "ramp", "ou", "white_noise"}

// current reads a current source: an expression, or a mapping of one kind
// to its parameters.
func (b *builder) current(n *yaml.Node, what string) (spikevk.Current, error) {
	if n.Kind == yaml.ScalarNode {
		e, _, err := b.expr(n, what)
		return spikevk.Expression(e), err
	}
	var c spikevk.Current
	count := 0
	err := b.f.fields(n, what, currentKinds, func(kind string, _, v *yaml.Node) error {
		count++
		if count > 1 {
			return b.f.errorf(v, "%s: one kind of current per variable (write a sum as an expression)", what)
		}
		var err error
		c, err = b.currentOf(kind, v, what+": "+kind)
		return err
	})
	if err == nil && count == 0 {
		err = b.f.errorf(n, "%s: no current (one of %v)", what, currentKinds)
	}
	return c, err
}

// params reads the mapping n with keys known: expressions with constants
// substituted, by key; required keys must be there.
func (b *builder) params(n *yaml.Node, what string, known, required []string) (map[string]string, map[string]*yaml.Node, error) {
	texts, nodes := map[string]string{}, map[string]*yaml.Node{}
	err := b.f.fields(n, what, known, func(k string, _, v *yaml.Node) error {
		nodes[k] = v
		if v.Kind != yaml.ScalarNode {
			return nil
		}
		e, _, err := b.expr(v, what+": "+k)
		texts[k] = e
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	for _, k := range required {
		if nodes[k] == nil {
			return nil, nil, b.f.errorf(n, "%s: no %s", what, k)
		}
	}
	return texts, nodes, nil
}

func (b *builder) currentOf(kind string, n *yaml.Node, what string) (spikevk.Current, error) {
	switch kind {
	case "dc", "expression":
		e, _, err := b.expr(n, what)
		return spikevk.Expression(e), err
	case "sinusoid":
		p, nodes, err := b.params(n, what, []string{"amplitude", "frequency", "phase", "offset"}, []string{"amplitude", "frequency"})
		if err != nil {
			return spikevk.Current{}, err
		}
		f, err := b.quantity(nodes["frequency"], what+": frequency", dimRate)
		return spikevk.Sinusoid(p["amplitude"], f*1000, p["phase"], p["offset"]), err
	case "step":
		_, nodes, err := b.params(n, what, []string{"times", "amplitudes"}, []string{"times", "amplitudes"})
		if err != nil {
			return spikevk.Current{}, err
		}
		times, err := b.numbers(nodes["times"], what+": times", dimTime)
		if err != nil {
			return spikevk.Current{}, err
		}
		items, err := b.f.list(nodes["amplitudes"], what+": amplitudes")
		if err != nil {
			return spikevk.Current{}, err
		}
		amps := make([]string, len(items))
		for k, it := range items {
			if amps[k], _, err = b.expr(it, what+": amplitudes"); err != nil {
				return spikevk.Current{}, err
			}
		}
		if len(times) != len(amps) {
			return spikevk.Current{}, b.f.errorf(n, "%s: %d times for %d amplitudes", what, len(times), len(amps))
		}
		return spikevk.Step(times, amps), nil
	case "ramp":
		p, nodes, err := b.params(n, what, []string{"start", "end", "from", "to"}, []string{"start", "end", "from", "to"})
		if err != nil {
			return spikevk.Current{}, err
		}
		t0, err := b.duration(nodes["start"], what+": start")
		if err != nil {
			return spikevk.Current{}, err
		}
		t1, err := b.duration(nodes["end"], what+": end")
		return spikevk.Ramp(t0, t1, p["from"], p["to"]), err
	case "ou":
		p, nodes, err := b.params(n, what, []string{"mean", "sd", "tau"}, []string{"mean", "sd", "tau"})
		if err != nil {
			return spikevk.Current{}, err
		}
		tau, err := b.duration(nodes["tau"], what+": tau")
		return spikevk.OU(p["mean"], p["sd"], tau), err
	default: // white_noise
		p, _, err := b.params(n, what, []string{"mean", "sd"}, []string{"mean", "sd"})
		if err != nil {
			return spikevk.Current{}, err
		}
		return spikevk.WhiteNoise(p["mean"], p["sd"]), nil
	}
}

// poissonInputs applies a list of {target, n, rate, weight}: Brian2's
// PoissonInput.
func (b *builder) poissonInputs(g *spikevk.Group, n *yaml.Node, what string) error {
	items, err := b.f.list(n, what+": poisson_input")
	if err != nil {
		return err
	}
	for _, it := range items {
		w := what + ": poisson_input"
		p, nodes, err := b.params(it, w, []string{"target", "n", "rate", "weight"}, []string{"target", "n", "rate", "weight"})
		if err != nil {
			return err
		}
		count, err := b.count(nodes["n"], w+": n")
		if err != nil {
			return err
		}
		g.PoissonInput(nodes["target"].Value, count, p["rate"], p["weight"])
		if err := b.apiErr(it); err != nil {
			return err
		}
	}
	return nil
}

// timedArrays declares the time series: name → {values | file, unit, dt}.
func (b *builder) timedArrays(n *yaml.Node) error {
	return b.f.entries(n, "timed_arrays", func(name string, k, v *yaml.Node) error {
		what := fmt.Sprintf("timed array %q", name)
		_, nodes, err := b.params(v, what, []string{"values", "file", "array", "unit", "dt"}, []string{"dt"})
		if err != nil {
			return err
		}
		unit := "1"
		if u := nodes["unit"]; u != nil {
			unit = u.Value
		}
		if _, err := units.Parse(unit); err != nil {
			return b.f.errorf(nodes["unit"], "%s: unit: %v", what, err)
		}
		dt, err := b.duration(nodes["dt"], what+": dt")
		if err != nil {
			return err
		}
		switch {
		case nodes["values"] != nil && nodes["file"] == nil:
			values, err := b.numbers(nodes["values"], what+": values (numbers in its unit)", dimless)
			if err != nil {
				return err
			}
			b.net.TimedArray(name, values, unit, dt)
		case nodes["file"] != nil && nodes["values"] == nil:
			a, err := readArray(b.f.resolve(nodes["file"].Value), textOf(nodes["array"]))
			if err != nil {
				return b.f.errorf(nodes["file"], "%s: %v", what, err)
			}
			switch len(a.shape) {
			case 1:
				b.net.TimedArray(name, a.data, unit, dt)
			case 2:
				rows := make([][]float64, a.shape[0])
				for r := range rows {
					rows[r] = a.data[r*a.shape[1] : (r+1)*a.shape[1]]
				}
				b.net.TimedArray2D(name, rows, unit, dt)
			default:
				return b.f.errorf(nodes["file"], "%s: array of shape %v, want one or two dimensions (time, neuron)", what, a.shape)
			}
		default:
			return b.f.errorf(v, "%s: give values or a file, one of them", what)
		}
		return b.apiErr(k)
	})
}

func textOf(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
