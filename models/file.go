package models

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spikevk/spikevk/models/syntax"
	"go.yaml.in/yaml/v3"
)

// File is a model file: a neuron model in Brian2's language with its
// documentation, NEST style. On disk it is YAML:
//
//	name: lif_cuba_exp
//	summary: one line
//	description: |
//	  what the model is, in prose
//	equations: |
//	  dv/dt = (E_L - v + R*I)/tau_m : volt (unless refractory)
//	  ...
//	threshold: v > V_th
//	reset: v = V_reset
//	refractory: 2*ms
//	method: exponential_euler      # optional
//	parameters:
//	  tau_m: {value: 10*ms, doc: membrane time constant}
//	initial:
//	  v: E_L
//	references:
//	  - Author (year) Title. Journal.
type File struct {
	Path        string
	Name        string
	Summary     string
	Description string
	Equations   string
	Threshold   string
	Reset       string
	Refractory  string
	Method      string
	Parameters  []Setting // defaults, in file order
	Initial     []Setting // initial values of states, in file order
	References  []string

	at map[string]syntax.Pos // where each text field starts
}

// Setting is a parameter default or an initial value: an expression with
// units, such as "10*ms" or "E_L".
type Setting struct {
	Name  string
	Value string
	Doc   string
	Pos   syntax.Pos // of Value
}

// ParseFile reads a model file; path names it in errors.
func ParseFile(path string, data []byte) (*File, error) {
	f := &File{Path: path, at: map[string]syntax.Pos{}}
	return f.check(readKeys(path, data, f.keys()))
}

// ParseFileNode reads a model written as a YAML mapping inside another
// file, such as a network file's inline model; lines are that file's lines.
func ParseFileNode(path string, n *yaml.Node, lines []string) (*File, error) {
	f := &File{Path: path, at: map[string]syntax.Pos{}}
	return f.check(readNode(path, n, lines, f.keys()))
}

func (f *File) keys() fileKeys {
	return fileKeys{
		what: "a model file",
		texts: map[string]*string{"name": &f.Name, "summary": &f.Summary, "description": &f.Description, "equations": &f.Equations,
			"threshold": &f.Threshold, "reset": &f.Reset, "refractory": &f.Refractory, "method": &f.Method},
		order:      []string{"name", "summary", "description", "equations", "threshold", "reset", "refractory", "method"},
		code:       map[string]bool{"equations": true, "threshold": true, "reset": true, "refractory": true},
		at:         f.at,
		parameters: &f.Parameters, initial: &f.Initial, references: &f.References,
	}
}

// check returns f after a read that gave err.
func (f *File) check(err error) (*File, error) {
	if err != nil {
		return nil, err
	}
	if f.Equations == "" {
		return nil, fmt.Errorf("%s: no equations", f.Path)
	}
	return f, nil
}

// fileKeys says where the keys of a YAML model file go: texts (those of
// code with the position of their first character in at), parameters,
// initial values and references. order lists the text keys for messages.
type fileKeys struct {
	what                string
	texts               map[string]*string
	order               []string
	code                map[string]bool
	at                  map[string]syntax.Pos
	parameters, initial *[]Setting
	references          *[]string
}

// readKeys reads the YAML mapping of a model file into keys.
func readKeys(path string, data []byte, keys fileKeys) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return syntax.YAMLError(path, data, err)
	}
	if len(doc.Content) == 0 {
		return fmt.Errorf("%s: %s is a YAML mapping with keys such as %s", path, keys.what, keys.known())
	}
	return readNode(path, doc.Content[0], strings.Split(string(data), "\n"), keys)
}

func (keys fileKeys) known() string {
	return strings.Join(append(slices.Clone(keys.order), "parameters", "initial", "references"), ", ")
}

// readNode reads a YAML mapping with the keys of a model file into keys;
// lines are the lines of the file it is in. A key given twice is an error.
func readNode(path string, root *yaml.Node, lines []string, keys fileKeys) error {
	if root.Kind != yaml.MappingNode {
		return posErr(syntax.Pos{File: path, Line: root.Line, Col: root.Column}, "%s is a YAML mapping with keys such as %s", keys.what, keys.known())
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		pos := syntax.Pos{File: path, Line: val.Line, Col: val.Column}
		keyPos := syntax.Pos{File: path, Line: key.Line, Col: key.Column}
		if seen[key.Value] {
			return posErr(keyPos, "%s is given twice", key.Value)
		}
		seen[key.Value] = true
		var err error
		switch k := key.Value; {
		case keys.texts[k] != nil:
			if val.Kind != yaml.ScalarNode {
				return posErr(pos, "%s must be text", k)
			}
			*keys.texts[k], keys.at[k] = val.Value, pos
			if keys.code[k] {
				*keys.texts[k], keys.at[k] = textAt(val, lines, path)
			}
		case k == "parameters":
			*keys.parameters, err = settings(path, k, val)
		case k == "initial":
			*keys.initial, err = settings(path, k, val)
		case k == "references":
			if err = val.Decode(keys.references); err != nil {
				err = posErr(pos, "references must be a list of texts (quote a text that contains \": \")")
			}
		default:
			return posErr(keyPos, "unknown key %q (known: %s)", k, keys.known())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func posErr(pos syntax.Pos, format string, args ...any) error {
	return &syntax.Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// textAt returns a scalar's text and the position of its first character.
// The lines of a block scalar ("|") lose their indentation in YAML; they
// get it back here, so that columns in errors match the file.
func textAt(n *yaml.Node, lines []string, path string) (string, syntax.Pos) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 || n.Line >= len(lines) {
		return n.Value, syntax.Pos{File: path, Line: n.Line, Col: n.Column}
	}
	first := lines[n.Line] // the line after the "|"
	indent := first[:len(first)-len(strings.TrimLeft(first, " "))]
	text := indent + strings.ReplaceAll(strings.TrimSuffix(n.Value, "\n"), "\n", "\n"+indent)
	return text, syntax.Pos{File: path, Line: n.Line + 1, Col: 1}
}

// settings reads a mapping of names to values, each either an expression
// or {value: expression, doc: text}.
func settings(path, key string, n *yaml.Node) ([]Setting, error) {
	if n.Kind != yaml.MappingNode {
		return nil, posErr(syntax.Pos{File: path, Line: n.Line, Col: n.Column}, "%s must map names to values", key)
	}
	var out []Setting
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, val := n.Content[i], n.Content[i+1]
		if seen[name.Value] {
			return nil, posErr(syntax.Pos{File: path, Line: name.Line, Col: name.Column}, "%s: %s is given twice", key, name.Value)
		}
		seen[name.Value] = true
		s := Setting{Name: name.Value, Pos: syntax.Pos{File: path, Line: val.Line, Col: val.Column}}
		switch val.Kind {
		case yaml.ScalarNode:
			s.Value = val.Value
		case yaml.MappingNode:
			var v struct {
				Value string `yaml:"value"`
				Doc   string `yaml:"doc"`
			}
			if err := val.Decode(&v); err != nil {
				return nil, posErr(s.Pos, "%s %s: %v", key, s.Name, err)
			}
			s.Value, s.Doc = v.Value, v.Doc
			for j := 0; j+1 < len(val.Content); j += 2 {
				if val.Content[j].Value == "value" {
					s.Pos = syntax.Pos{File: path, Line: val.Content[j+1].Line, Col: val.Content[j+1].Column}
				}
			}
		default:
			return nil, posErr(s.Pos, "%s %s: write an expression or {value: ..., doc: ...}", key, s.Name)
		}
		if s.Value == "" {
			return nil, posErr(s.Pos, "%s %s has no value", key, s.Name)
		}
		out = append(out, s)
	}
	return out, nil
}

// Spec returns the neuron spec of the file for a time step dt (ms).
func (f *File) Spec(dt float64) NeuronSpec {
	return NeuronSpec{
		File: f.Path, Equations: f.Equations, Threshold: f.Threshold, Reset: f.Reset, Refractory: f.Refractory,
		Method: f.Method, DT: dt,
		EquationsAt: f.at["equations"], ThresholdAt: f.at["threshold"], ResetAt: f.at["reset"], RefractoryAt: f.at["refractory"],
		MethodAt: f.at["method"],
	}
}
