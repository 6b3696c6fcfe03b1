package models

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spikevk/spikevk/models/syntax"
	"go.yaml.in/yaml/v3"
)

// SynapseFile is a synapse model file: the model, on_pre and on_post of
// Brian2's Synapses with their documentation, NEST style. On disk it is
// YAML:
//
//	name: stdp_song2000
//	summary: one line
//	description: |
//	  what the model is, in prose
//	equations: |
//	  w : 1
//	  dapre/dt = -apre/tau_pre : 1 (event-driven)
//	  tau_pre : second
//	on_pre: |
//	  g_e_post += w*w_max
//	on_post: |
//	  w = clip(w + apre, 0, 1)
//	target: g_e        # the postsynaptic variable on_pre increments
//	parameters:
//	  tau_pre: {value: 20*ms, doc: decay time of the presynaptic trace}
//	initial:
//	  w: rand()
//	references:
//	  - Author (year) Title. Journal.
//
// Parameters are per-synapse variables with defaults (a variable whose
// values are all equal costs no memory); initial values, in file order,
// may use the parameters, i, j, rand() and randn().
type SynapseFile struct {
	Path        string
	Name        string
	Summary     string
	Description string
	Equations   string
	OnPre       string
	OnPost      string
	// Target is the postsynaptic variable x that on_pre increments as
	// x_post; WithTarget renames it.
	Target     string
	Parameters []Setting
	Initial    []Setting
	References []string

	at map[string]syntax.Pos // where each text field starts
}

// ParseSynapseFile reads a synapse model file; path names it in errors,
// which also report the syntax errors of its code.
func ParseSynapseFile(path string, data []byte) (*SynapseFile, error) {
	f := &SynapseFile{Path: path, at: map[string]syntax.Pos{}}
	return f.check(readKeys(path, data, f.keys()))
}

// ParseSynapseNode reads a synapse model written as a YAML mapping inside
// another file, such as a network file's inline synapses; lines are that
// file's lines.
func ParseSynapseNode(path string, n *yaml.Node, lines []string) (*SynapseFile, error) {
	f := &SynapseFile{Path: path, at: map[string]syntax.Pos{}}
	return f.check(readNode(path, n, lines, f.keys()))
}

func (f *SynapseFile) keys() fileKeys {
	return fileKeys{
		what: "a synapse model file",
		texts: map[string]*string{"name": &f.Name, "summary": &f.Summary, "description": &f.Description, "equations": &f.Equations,
			"on_pre": &f.OnPre, "on_post": &f.OnPost, "target": &f.Target},
		order:      []string{"name", "summary", "description", "equations", "on_pre", "on_post", "target"},
		code:       map[string]bool{"equations": true, "on_pre": true, "on_post": true},
		at:         f.at,
		parameters: &f.Parameters, initial: &f.Initial, references: &f.References,
	}
}

// check returns f after a read that gave err, once its code parses.
func (f *SynapseFile) check(err error) (*SynapseFile, error) {
	if err != nil {
		return nil, err
	}
	if f.OnPre == "" && f.OnPost == "" && f.Equations == "" {
		return nil, fmt.Errorf("%s: no equations, on_pre or on_post", f.Path)
	}
	if _, err := syntax.ParseEquationsAt(f.Equations, f.at["equations"]); err != nil {
		return nil, err
	}
	for _, k := range []string{"on_pre", "on_post"} {
		text := map[string]string{"on_pre": f.OnPre, "on_post": f.OnPost}[k]
		if _, err := syntax.ParseStatementsAt(text, f.at[k]); err != nil {
			return nil, err
		}
	}
	if f.Target != "" && !post(f.Target).MatchString(f.OnPre) {
		return nil, posErr(f.at["target"], "target %s: on_pre does not increment %s_post", f.Target, f.Target)
	}
	return f, nil
}

// post matches the name x_post as a whole word.
func post(x string) *regexp.Regexp { return regexp.MustCompile(`\b` + regexp.QuoteMeta(x) + `_post\b`) }

// WithTarget returns a copy of f whose on_pre and on_post use the
// postsynaptic variable x instead of f.Target, as x_post.
func (f *SynapseFile) WithTarget(x string) (*SynapseFile, error) {
	if f.Target == "" {
		return nil, fmt.Errorf("%s: synapse model %s names no target to replace", f.Path, f.Name)
	}
	if !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(x) {
		return nil, fmt.Errorf("synapse model %s: target %q is not a variable name", f.Name, x)
	}
	out := *f
	re := post(f.Target)
	out.OnPre = re.ReplaceAllLiteralString(f.OnPre, x+"_post")
	out.OnPost = re.ReplaceAllLiteralString(f.OnPost, x+"_post")
	out.Target = x
	return &out, nil
}

// WithUnit returns a copy of f whose parameter name is declared in unit
// (for a weight in the unit of another target).
func (f *SynapseFile) WithUnit(name, unit string) (*SynapseFile, error) {
	eqs, err := syntax.ParseEquations(f.Equations, f.Path)
	if err != nil {
		return nil, err
	}
	for _, eq := range eqs.Eqs {
		if eq.Var != name || eq.Kind != syntax.Parameter {
			continue
		}
		lines := strings.Split(f.Equations, "\n")
		line := lines[eq.UnitPos.Line-1]
		at := eq.UnitPos.Col - 1
		if at < 0 || at+len(eq.Unit) > len(line) || line[at:at+len(eq.Unit)] != eq.Unit {
			return nil, fmt.Errorf("%s: the unit of %s is not where the parser says", f.Path, name)
		}
		lines[eq.UnitPos.Line-1] = line[:at] + unit + line[at+len(eq.Unit):]
		out := *f
		out.Equations = strings.Join(lines, "\n")
		return &out, nil
	}
	return nil, fmt.Errorf("%s: synapse model %s has no parameter %s", f.Path, f.Name, name)
}

// Spec returns the synapse spec of the file, with the positions of its
// code for errors; Pre, Post and DT are for the caller to set.
func (f *SynapseFile) Spec() SynapseSpec {
	return SynapseSpec{File: f.Path, Model: f.Equations, OnPre: f.OnPre, OnPost: f.OnPost,
		ModelAt: f.at["equations"], OnPreAt: f.at["on_pre"], OnPostAt: f.at["on_post"]}
}

// WriteDoc prints the synapse model's documentation NEST style: summary,
// description, model, on_pre, on_post, target, parameter table, initial
// values and references.
func (f *SynapseFile) WriteDoc(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\n", f.Name, f.Summary)
	if f.Description != "" {
		fmt.Fprintf(&b, "Description\n\n%s\n", indent(f.Description))
	}
	for _, part := range [][2]string{{"Model", f.Equations}, {"On a presynaptic spike (on_pre)", f.OnPre},
		{"On a postsynaptic spike (on_post)", f.OnPost}} {
		if strings.TrimSpace(part[1]) != "" {
			fmt.Fprintf(&b, "%s\n\n%s\n", part[0], indent(dedent(part[1])))
		}
	}
	if f.Target != "" {
		fmt.Fprintf(&b, "Target\n\n  %s (of the postsynaptic neuron; choose another with Synapses.Target in Go, target: in a network file)\n\n", f.Target)
	}
	for _, table := range []struct {
		title    string
		settings []Setting
	}{{"Parameters", f.Parameters}, {"Initial values", f.Initial}} {
		if len(table.settings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s\n\n", table.title)
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  name\tvalue\tdescription\n")
		for _, s := range table.settings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, s.Value, s.Doc)
		}
		tw.Flush()
		b.WriteString("\n")
	}
	if len(f.References) > 0 {
		fmt.Fprintf(&b, "References\n\n")
		for _, r := range f.References {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
