package netfile

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/models"
	"go.yaml.in/yaml/v3"
)

// sliceRe matches "group[lo:hi]", either bound possibly empty.
var sliceRe = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[([^\]:]*):([^\]]*)\]\s*$`)

// groupNames lists the names of the groups and named subgroups.
func (b *builder) groupNames() []string {
	var names []string
	for _, g := range b.net.Groups() {
		names = append(names, g.Name())
	}
	for _, g := range b.net.Subgroups() {
		names = append(names, g.Name())
	}
	return names
}

// target resolves a group, a named subgroup or a slice "group[lo:hi]".
func (b *builder) target(n *yaml.Node, what string) (*spikevk.Group, error) {
	text, err := b.f.text(n, what)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(text)
	m := sliceRe.FindStringSubmatch(text)
	switch {
	case m != nil:
		name = m[1]
	case strings.ContainsAny(text, "[]"):
		return nil, b.f.errorf(n, "%s: %q is not a slice such as group[0:10], group[:10] or group[10:]", what, text)
	}
	g := b.net.GroupByName(name)
	if g == nil {
		return nil, b.f.errorf(n, "%s: no group or subgroup %q%s", what, name, suggestion(name, b.groupNames()))
	}
	if m == nil {
		return g, nil
	}
	lo, hi := 0, g.N()
	for k, bound := range []*int{&lo, &hi} {
		t := strings.TrimSpace(m[2+k])
		if t == "" {
			continue
		}
		q, err := b.sc.evaluate(t, b.f.pos(n))
		if err != nil {
			return nil, err
		}
		if !q.dim.IsDimensionless() || q.v != float64(int(q.v)) {
			return nil, b.f.errorf(n, "%s: slice bound %q is not a whole number", what, t)
		}
		*bound = int(q.v)
	}
	if lo < 0 || hi > g.N() || lo > hi {
		return nil, b.f.errorf(n, "%s: slice %d:%d is outside the %d neurons of %s", what, lo, hi, g.N(), name)
	}
	return g.Slice(lo, hi), nil
}

// subgroups names slices: name → "group[lo:hi]", or {slice, set, inject}.
func (b *builder) subgroups(n *yaml.Node) error {
	return b.f.entries(n, "subgroups", func(name string, k, v *yaml.Node) error {
		what := fmt.Sprintf("subgroup %q", name)
		slice, set, inject := v, (*yaml.Node)(nil), (*yaml.Node)(nil)
		if v.Kind == yaml.MappingNode {
			slice = nil
			if err := b.f.fields(v, what, []string{"slice", "set", "inject"}, func(key string, _, x *yaml.Node) error {
				switch key {
				case "slice":
					slice = x
				case "set":
					set = x
				default:
					inject = x
				}
				return nil
			}); err != nil {
				return err
			}
			if slice == nil {
				return b.f.errorf(v, "%s: no slice, such as neurons[0:100]", what)
			}
		}
		g, err := b.target(slice, what)
		if err != nil {
			return err
		}
		s := b.net.Subgroup(name, g)
		if err := b.apiErr(k); err != nil {
			return err
		}
		if set != nil {
			if err := b.values(s, set, what); err != nil {
				return err
			}
		}
		if inject != nil {
			return b.inject(s, inject, what)
		}
		return nil
	})
}

func (b *builder) synapses(n *yaml.Node) error {
	return b.f.entries(n, "synapses", func(name string, k, v *yaml.Node) error {
		if err := b.projection(name, k, v); err != nil {
			return err
		}
		return b.apiErr(k)
	})
}

func (b *builder) projection(name string, key, n *yaml.Node) error {
	f := b.f
	what := fmt.Sprintf("synapses %q", name)
	keys := map[string]*yaml.Node{}
	if err := f.fields(n, what, synKeys, func(k string, _, v *yaml.Node) error {
		keys[k] = v
		return nil
	}); err != nil {
		return err
	}
	for _, k := range []string{"pre", "post", "connect"} {
		if keys[k] == nil {
			return f.errorf(key, "%s: no %s", what, k)
		}
	}
	pre, err := b.target(keys["pre"], what+": pre")
	if err != nil {
		return err
	}
	post, err := b.target(keys["post"], what+": post")
	if err != nil {
		return err
	}
	syn, err := b.synapseModel(what, keys)
	if err != nil {
		return err
	}
	rule, err := b.rule(keys["connect"], what+": connect")
	if err != nil {
		return err
	}
	p := b.net.Connect(name, pre, post, syn, rule)
	if err := b.apiErr(key); err != nil {
		return err
	}
	if s := keys["set"]; s != nil {
		if err := f.entries(s, what+": set", func(variable string, k, v *yaml.Node) error {
			if v.Kind == yaml.MappingNode {
				values, unit, err := b.arrayValue(v, what+": set "+variable)
				if err != nil {
					return err
				}
				p.SetArrayAt(variable, values, unit, b.f.pos(v))
				return b.apiErr(k)
			}
			expr, at, err := b.expr(v, what+": set "+variable)
			if err != nil {
				return err
			}
			p.SetAt(variable, expr, at)
			return b.apiErr(k)
		}); err != nil {
			return err
		}
	}
	if d := keys["delay"]; d != nil {
		if d.Kind == yaml.MappingNode {
			values, unit, err := b.arrayValue(d, what+": delay")
			if err != nil {
				return err
			}
			p.SetDelayArray(values, unit)
		} else {
			expr, at, err := b.expr(d, what+": delay")
			if err != nil {
				return err
			}
			p.SetDelayAt(expr, at)
		}
	}
	return nil
}

// synapseModel returns the model of a projection: built in or a file by
// model (with target), or written in place (model text, on_pre, on_post,
// parameters, initial).
func (b *builder) synapseModel(what string, keys map[string]*yaml.Node) (spikevk.Synapses, error) {
	f := b.f
	var text string
	if mn := keys["model"]; mn != nil {
		t, err := f.text(mn, what+": model")
		if err != nil {
			return spikevk.Synapses{}, err
		}
		text = t
	}
	named := nameRe.MatchString(text) && keys["on_pre"] == nil && keys["on_post"] == nil || isPath(text)
	if named {
		for _, k := range []string{"on_pre", "on_post", "initial"} {
			if keys[k] != nil {
				return spikevk.Synapses{}, f.errorf(keys[k], "%s: %s belongs to synapses written in place; model %s brings its own", what, k, text)
			}
		}
		var syn spikevk.Synapses
		if isPath(text) {
			path := f.resolve(text)
			if err := readSmall(path); err != nil {
				return syn, f.errorf(keys["model"], "%s: model file: %v", what, err)
			}
			syn = spikevk.LoadSynapses(path)
		} else {
			if _, err := models.BuiltinSynapse(text); err != nil {
				return syn, f.errorf(keys["model"], "%s: %v", what, err)
			}
			syn = spikevk.BuiltinSynapses(text)
		}
		if t := keys["target"]; t != nil {
			syn = syn.Target(t.Value)
		}
		if ps := keys["parameters"]; ps != nil { // new defaults of the model's parameters
			err := f.entries(ps, what+": parameters", func(name string, _, v *yaml.Node) error {
				e, _, err := b.expr(v, what+": parameters: "+name)
				syn = syn.Default(name, e)
				return err
			})
			if err != nil {
				return syn, err
			}
		}
		return syn, nil
	}
	if keys["on_pre"] == nil && keys["on_post"] == nil && text == "" {
		return spikevk.Synapses{}, fmt.Errorf("%s: no model, on_pre or on_post", what)
	}
	node := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) {
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, v)
	}
	if mn := keys["model"]; mn != nil {
		if err := b.declared(mn, what); err != nil {
			return spikevk.Synapses{}, err
		}
		add("equations", b.code(mn))
	}
	for _, k := range []string{"on_pre", "on_post", "parameters", "initial", "target"} {
		if v := keys[k]; v != nil {
			add(k, b.code(v))
		}
	}
	sf, err := models.ParseSynapseNode(f.Path, node, f.lines)
	if err != nil {
		return spikevk.Synapses{}, err
	}
	return spikevk.FileSynapses(sf), nil
}

// rules are the connectivity rules of a connect mapping.
var rules = []string{"p", "in_degree", "out_degree", "total", "i", "j", "file", "autapses"}

// rule reads a connectivity rule: all, one_to_one, or a mapping of one
// rule ({p: 0.02}, {in_degree: 100}, {out_degree: 10}, {total: 1000},
// {i: [...], j: [...]}, {file: pairs.npz}) with autapses: true to allow
// j→j.
func (b *builder) rule(n *yaml.Node, what string) (spikevk.Rule, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "all":
			return spikevk.AllToAll(), nil
		case "one_to_one":
			return spikevk.OneToOne(), nil
		}
		return spikevk.Rule{}, b.f.errorf(n, "%s: %q is not a rule (all, one_to_one, or a mapping such as {p: 0.02})%s",
			what, n.Value, suggestion(n.Value, []string{"all", "one_to_one"}))
	}
	nodes := map[string]*yaml.Node{}
	if err := b.f.fields(n, what, rules, func(k string, _, v *yaml.Node) error {
		nodes[k] = v
		return nil
	}); err != nil {
		return spikevk.Rule{}, err
	}
	var r spikevk.Rule
	var kinds []string
	var err error
	for _, k := range []string{"p", "in_degree", "out_degree", "total", "i", "file"} {
		v := nodes[k]
		if v == nil {
			continue
		}
		kinds = append(kinds, k)
		switch k {
		case "p":
			var p float64
			p, err = b.quantity(v, what+": p", dimless)
			if err == nil && !(p >= 0 && p <= 1) {
				err = b.f.errorf(v, "%s: p = %g is not a probability (0 … 1)", what, p)
			}
			r = spikevk.FixedProbability(p)
		case "in_degree", "out_degree", "total":
			var c int
			c, err = b.count(v, what+": "+k)
			r = map[string]func(int) spikevk.Rule{"in_degree": spikevk.FixedInDegree, "out_degree": spikevk.FixedOutDegree, "total": spikevk.FixedTotal}[k](c)
		case "i":
			if nodes["j"] == nil {
				return r, b.f.errorf(v, "%s: i without j", what)
			}
			var i, j []int
			if i, err = b.counts(v, what+": i"); err == nil {
				j, err = b.counts(nodes["j"], what+": j")
			}
			if err == nil && len(i) != len(j) {
				err = b.f.errorf(v, "%s: %d sources (i) for %d targets (j)", what, len(i), len(j))
			}
			r = spikevk.Pairs(i, j)
		case "file":
			var i, j []int
			i, j, err = readPairs(b.f.resolve(v.Value))
			if err != nil {
				err = b.f.errorf(v, "%s: %v", what, err)
			}
			r = spikevk.Pairs(i, j)
		}
		if err != nil {
			return r, err
		}
	}
	if nodes["j"] != nil && nodes["i"] == nil {
		return r, b.f.errorf(nodes["j"], "%s: j without i", what)
	}
	if len(kinds) != 1 {
		return r, b.f.errorf(n, "%s: give one rule (p, in_degree, out_degree, total, i and j, or file), not %d", what, len(kinds))
	}
	if a := nodes["autapses"]; a != nil {
		switch a.Value {
		case "true":
			r.Autapses = true
		case "false":
		default:
			return r, b.f.errorf(a, "%s: autapses is true or false", what)
		}
	}
	return r, nil
}

// monitors reads {spikes: [groups], states: [{group, vars, every,
// neurons}], rates: [groups]}.
func (b *builder) monitors(n *yaml.Node) error {
	return b.f.fields(n, "monitors", []string{"spikes", "states", "rates"}, func(kind string, _, v *yaml.Node) error {
		items, err := b.f.list(v, "monitors: "+kind)
		if err != nil {
			return err
		}
		for _, it := range items {
			if kind == "states" {
				if err := b.stateMonitor(it); err != nil {
					return err
				}
				continue
			}
			g, err := b.target(it, "monitors: "+kind)
			if err != nil {
				return err
			}
			if kind == "spikes" {
				b.net.SpikeMonitor(g)
				b.out.Spikes = append(b.out.Spikes, g)
			} else {
				b.net.RateMonitor(g)
			}
			if err := b.apiErr(it); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *builder) stateMonitor(n *yaml.Node) error {
	what := "monitors: states"
	_, nodes, err := b.params(n, what, []string{"group", "vars", "every", "neurons"}, []string{"group", "vars"})
	if err != nil {
		return err
	}
	g, err := b.target(nodes["group"], what+": group")
	if err != nil {
		return err
	}
	items, err := b.f.list(nodes["vars"], what+": vars")
	if err != nil {
		return err
	}
	var vars []string
	for _, it := range items {
		vars = append(vars, it.Value)
	}
	every := b.dt
	if e := nodes["every"]; e != nil {
		if every, err = b.duration(e, what+": every"); err != nil {
			return err
		}
	}
	var neurons []int
	if ns := nodes["neurons"]; ns != nil {
		if neurons, err = b.counts(ns, what+": neurons"); err != nil {
			return err
		}
	}
	b.net.StateMonitor(g, vars, every, neurons...)
	return b.apiErr(n)
}

// schedule reads the run schedule, a list of {duration, set: {"group.param":
// value}}, or, without one, the duration.
func (b *builder) schedule(n, duration *yaml.Node) error {
	switch {
	case n != nil && duration != nil:
		return b.f.errorf(duration, "duration: the schedule gives the durations")
	case n == nil && duration == nil:
		b.out.Schedule = []Segment{{Duration: 1000}}
		return nil
	case n == nil:
		d, err := b.duration(duration, "duration")
		b.out.Schedule = []Segment{{Duration: d}}
		return err
	}
	items, err := b.f.list(n, "schedule")
	if err != nil {
		return err
	}
	for k, it := range items {
		what := fmt.Sprintf("schedule segment %d", k+1)
		var seg Segment
		seen := false
		if err := b.f.fields(it, what, []string{"duration", "set"}, func(key string, _, v *yaml.Node) error {
			if key == "duration" {
				seen = true
				seg.Duration, err = b.duration(v, what+": duration")
				return err
			}
			return b.f.entries(v, what+": set", func(path string, pk, pv *yaml.Node) error {
				g, param, ok := strings.Cut(path, ".")
				group := b.net.GroupByName(g)
				if !ok || group == nil {
					return b.f.errorf(pk, "%s: %q is not group.parameter%s", what, path, suggestion(g, b.groupNames()))
				}
				if param == "rate" && b.poisson[group.Name()] {
					param = "rates"
				}
				knob := group.Knob(param)
				if err := b.apiErr(pk); err != nil {
					return err
				}
				expr, at, err := b.expr(pv, what+": "+path)
				if err != nil {
					return err
				}
				seg.Changes = append(seg.Changes, Change{Knob: knob, Value: expr, At: at})
				return nil
			})
		}); err != nil {
			return err
		}
		if !seen {
			return b.f.errorf(it, "%s: no duration", what)
		}
		b.out.Schedule = append(b.out.Schedule, seg)
	}
	return nil
}
