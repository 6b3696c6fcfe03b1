package netfile

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Set overrides one value of the file before Build, as `spikevk run -set
// path=value` does. The path is a top-level key ("dt", "seed",
// "duration"), a constant's name ("N"), or an entry of a group, subgroup
// or synapses and a key in it: "afferents.rate", "neurons.n", "exc.delay";
// a key that the entry does not have is a variable of its set mapping
// ("neurons.tau_m" sets tau_m, "exc.w" the weight). Longer paths walk the
// file's mappings and lists ("exc.connect.p", "groups.neurons.set.v",
// "cell.poisson_input.0.rate"). Errors in the
// value name "-set path".
func (f *File) Set(path, value string) error {
	keys := strings.Split(path, ".")
	for _, k := range keys {
		if k == "" {
			return fmt.Errorf("-set %s: empty name in the path", path)
		}
	}
	node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	f.origin[node] = "-set " + path
	first := keys[0]
	switch {
	case contains(topKeys, first):
		return f.put(f.root, keys, node, path, false)
	case len(keys) == 1:
		c := child(f.root, "constants")
		if child(c, first) == nil {
			return fmt.Errorf("-set %s: no constant %s in %s%s", path, first, f.Path, suggestion(first, f.names("constants")))
		}
		return f.put(c, keys, node, path, false)
	}
	for _, section := range []string{"groups", "subgroups", "synapses"} {
		s := child(f.root, section)
		e := child(s, first)
		if e == nil {
			continue
		}
		if e.Kind == yaml.ScalarNode && section == "subgroups" { // "E: neurons[0:10]" becomes {slice: …}
			slice := *e
			*e = yaml.Node{Kind: yaml.MappingNode, Line: slice.Line, Column: slice.Column,
				Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "slice"}, &slice}}
		}
		return f.put(e, keys[1:], node, path, true)
	}
	var known []string
	for _, section := range []string{"groups", "subgroups", "synapses", "constants"} {
		known = append(known, f.names(section)...)
	}
	return fmt.Errorf("-set %s: %s is not a key, constant, group, subgroup or synapses of %s%s", path, first, f.Path, suggestion(first, append(known, topKeys...)))
}

// names lists the keys of a top-level section.
func (f *File) names(section string) []string {
	var out []string
	if s := child(f.root, section); s != nil && s.Kind == yaml.MappingNode {
		for i := 0; i < len(s.Content); i += 2 {
			out = append(out, s.Content[i].Value)
		}
	}
	return out
}

// put stores value at keys below the mapping m, making mappings on the
// way; in an entry (of groups, subgroups, synapses), a single key that
// the entry lacks goes into its set mapping.
func (f *File) put(m *yaml.Node, keys []string, value *yaml.Node, path string, entry bool) error {
	for k, key := range keys {
		if m.Kind == yaml.SequenceNode { // a list item by index: cell.poisson_input.0.rate
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(m.Content) {
				return fmt.Errorf("-set %s: %s of %s is a list of %d: %s is not an index from 0", path, strings.Join(keys[:k], "."), f.Path, len(m.Content), key)
			}
			if k == len(keys)-1 {
				*m.Content[i] = *value
				f.origin[m.Content[i]] = f.origin[value]
				return nil
			}
			m = m.Content[i]
			continue
		}
		if m.Kind != yaml.MappingNode {
			return fmt.Errorf("-set %s: %s of %s is not a mapping", path, strings.Join(keys[:k], "."), f.Path)
		}
		if entry && k == 0 && len(keys) == 1 && child(m, key) == nil && !contains(groupKeys, key) && !contains(synKeys, key) {
			keys = []string{"set", key}
			return f.put(m, keys, value, path, false)
		}
		next := child(m, key)
		if k == len(keys)-1 {
			if next != nil {
				*next = *value
				f.origin[next] = f.origin[value]
				return nil
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
			return nil
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, next)
		}
		m = next
	}
	return fmt.Errorf("-set %s: nothing to set", path)
}
