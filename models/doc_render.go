package models

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteDoc prints the model's documentation NEST style: summary,
// description, equations, threshold and reset, a parameter table, the
// state variables and the references. m supplies the compiled model (for
// units and the integration method).
func (m *Model) WriteDoc(w io.Writer) error {
	f, n := m.File, m.Neuron
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\n", f.Name, f.Summary)
	if f.Description != "" {
		fmt.Fprintf(&b, "Description\n\n%s\n", indent(f.Description))
	}
	fmt.Fprintf(&b, "Equations\n\n%s\n", indent(dedent(f.Equations)))
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, kv := range [][2]string{{"threshold", f.Threshold}, {"reset", strings.ReplaceAll(strings.TrimSpace(f.Reset), "\n", "; ")},
		{"refractory", f.Refractory}, {"integration", n.Method}} {
		if kv[1] != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
		}
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nParameters\n\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  name\tdefault\tunit\tdescription\n")
	for _, p := range n.Params {
		def, doc := "(none)", ""
		for _, s := range f.Parameters {
			if s.Name == p.Name {
				def, doc = s.Value, s.Doc
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Name, def, p.Dim, doc)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nState variables\n\n")
	tw = tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  name\tinitial\tunit\n")
	for _, v := range n.States {
		init := "0"
		for _, s := range f.Initial {
			if s.Name == v.Name {
				init = s.Value
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Name, init, v.Dim)
	}
	tw.Flush()
	if len(f.References) > 0 {
		fmt.Fprintf(&b, "\nReferences\n\n")
		for _, r := range f.References {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// dedent removes the indentation common to all non-blank lines.
func dedent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		}
	}
	return strings.Join(lines, "\n")
}
