// Package netfile reads network files: a whole spikevk network (groups,
// subgroups, synapses, inputs, monitors and a run schedule) declared in
// YAML, as a Brian2 script would build it, and builds it with the
// spikevk API.
//
//	name: coba
//	dt: 0.1*ms
//	seed: 1
//	duration: 1*second
//	constants:
//	  N: 4000
//	groups:
//	  neurons:
//	    model: lif_coba_exp
//	    n: N
//	    set:
//	      v: E_L - 5*mV + 5*mV*randn()
//	subgroups:
//	  E: neurons[:N*4/5]
//	  I: neurons[N*4/5:]
//	synapses:
//	  exc:
//	    pre: E
//	    post: neurons
//	    model: "w : siemens"
//	    on_pre: g_e_post += w
//	    connect: {p: 80/N}
//	    set: {w: 6*nS}
//	monitors:
//	  spikes: [E, I]
//
// The keys are documented in the README's "Network files" section. Every
// value is an expression with units in the model language; constants may
// be used in every expression, size and slice. Errors name the file, line
// and column, and suggest the key or name that was probably meant.
package netfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spikevk/spikevk/models/syntax"
	"go.yaml.in/yaml/v3"
)

// File is a network file, read but not yet built.
type File struct {
	Path string // as given to Parse; relative files in it are found from its folder

	root   *yaml.Node
	lines  []string
	origin map[*yaml.Node]string // nodes made by Set, by what made them
}

// maxFileSize bounds the size of a network file.
const maxFileSize = 16 << 20

// Load reads the network file at path.
func Load(path string) (*File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("%s: %d bytes; a network file is at most %d", path, info.Size(), maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads a network file's text; path names it in errors and locates
// the files it refers to. Parse checks the YAML and the top-level keys;
// Build checks the rest.
func Parse(path string, data []byte) (*File, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: %d bytes; a network file is at most %d", path, len(data), maxFileSize)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntax.YAMLError(path, data, err)
	}
	f := &File{Path: path, lines: strings.Split(string(data), "\n"), origin: map[*yaml.Node]string{}}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty network file (it needs at least groups)", path)
	}
	f.root = doc.Content[0]
	dealias(f.root, map[*yaml.Node]bool{})
	if err := f.fields(f.root, "a network file", topKeys, func(string, *yaml.Node, *yaml.Node) error { return nil }); err != nil {
		return nil, err
	}
	return f, nil
}

// dealias replaces the aliases (*name) below n with the nodes they name
// (&name), which are then shared.
func dealias(n *yaml.Node, seen map[*yaml.Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	for k, c := range n.Content {
		for c.Kind == yaml.AliasNode && c.Alias != nil {
			c = c.Alias
		}
		n.Content[k] = c
		dealias(c, seen)
	}
}

// topKeys are the keys of a network file.
var topKeys = []string{"name", "description", "dt", "seed", "backend", "procedural", "duration", "output", "constants",
	"timed_arrays", "groups", "subgroups", "synapses", "monitors", "schedule"}

// dir is the folder that relative paths in f start from.
func (f *File) dir() string { return filepath.Dir(f.Path) }

// resolve returns a path of the file relative to its folder.
func (f *File) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.dir(), p)
}

// pos is where node n starts.
func (f *File) pos(n *yaml.Node) syntax.Pos {
	if o, ok := f.origin[n]; ok {
		return syntax.Pos{File: o, Line: 1, Col: 1}
	}
	return syntax.Pos{File: f.Path, Line: n.Line, Col: n.Column}
}

// errorf is an error at node n.
func (f *File) errorf(n *yaml.Node, format string, args ...any) error {
	return &syntax.Error{Pos: f.pos(n), Msg: fmt.Sprintf(format, args...)}
}

// fields calls fn for each key of the mapping n, in order; what names n in
// errors. A key that is not in known, or is given twice, is an error.
func (f *File) fields(n *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return f.errorf(n, "%s is a mapping of keys (%s)", what, strings.Join(known, ", "))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return f.errorf(k, "%s: a key must be a name", what)
		}
		if seen[k.Value] {
			return f.errorf(k, "%s: %s is given twice", what, k.Value)
		}
		seen[k.Value] = true
		if known != nil && !contains(known, k.Value) {
			return f.errorf(k, "%s: unknown key %q%s (known: %s)", what, k.Value, suggestion(k.Value, known), strings.Join(known, ", "))
		}
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// entries calls fn for each name and value of the mapping n, as fields
// does with any key.
func (f *File) entries(n *yaml.Node, what string, fn func(name string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return f.errorf(n, "%s is a mapping of names to entries", what)
	}
	return f.fields(n, what, nil, fn)
}

// child returns the value of key in the mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// text returns the scalar n's text.
func (f *File) text(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", f.errorf(n, "%s must be a value, such as an expression with units", what)
	}
	return n.Value, nil
}

// list returns the items of n: a sequence, or one scalar.
func (f *File) list(n *yaml.Node, what string) ([]*yaml.Node, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Content, nil
	case yaml.ScalarNode:
		return []*yaml.Node{n}, nil
	}
	return nil, f.errorf(n, "%s must be a list, such as [a, b]", what)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggestion is ` (did you mean "x"?)` for the known name nearest to s,
// or "".
func suggestion(s string, known []string) string {
	if c := syntax.Closest(s, known); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}
