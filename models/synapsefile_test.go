package models

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/internal/fuzztest"
)

// TestSynapseLibrary checks every built-in synapse model: its name
// matches its file, it is documented (summary, description, references,
// every parameter), each parameter is declared in its model, and it
// compiles between two conductance LIF groups with its target and with
// g_i instead.
func TestSynapseLibrary(t *testing.T) {
	files, err := SynapseLibrary()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("%d built-in synapse models", len(files))
	}
	lif, _ := Builtin("lif_coba_exp")
	m, err := Check(lif, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			if want := strings.TrimSuffix(path.Base(f.Path), ".yaml"); f.Name != want {
				t.Errorf("name %q in file %s", f.Name, f.Path)
			}
			if f.Summary == "" || f.Description == "" || len(f.References) == 0 || f.Target == "" {
				t.Error("summary, description, references or target missing")
			}
			for _, target := range []string{f.Target, "g_i"} {
				g, err := f.WithTarget(target)
				if err != nil {
					t.Fatal(err)
				}
				spec := g.Spec()
				spec.Pre, spec.Post, spec.DT = m.Neuron, m.Neuron, 0.1
				syn, err := CompileSynapse(spec)
				if err != nil {
					t.Fatal(err)
				}
				if len(syn.OnPre.Effects) != 1 || syn.OnPre.Effects[0].Var != target {
					t.Errorf("target %s: on_pre effects %v", target, syn.OnPre.Effects)
				}
				for _, p := range slices.Concat(f.Parameters, f.Initial) {
					if !slices.ContainsFunc(syn.Vars, func(v Var) bool { return v.Name == p.Name }) {
						t.Errorf("%s is not a variable of the model", p.Name)
					}
				}
			}
			for _, p := range f.Parameters {
				if p.Doc == "" {
					t.Errorf("parameter %s has no doc", p.Name)
				}
			}
			var doc strings.Builder
			if err := f.WriteDoc(&doc); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{f.Name + " — " + f.Summary, "On a presynaptic spike (on_pre)", "Parameters", f.References[0]} {
				if !strings.Contains(doc.String(), want) {
					t.Errorf("documentation lacks %q:\n%s", want, doc.String())
				}
			}
		})
	}
	if _, err := BuiltinSynapse("stdp"); err == nil || !strings.Contains(err.Error(), "stdp_song2000") {
		t.Errorf("BuiltinSynapse(stdp): err = %v, want a list of models", err)
	}
}

const goodSynapses = `name: syn
summary: test
equations: |
  w : siemens
  tau : second
  dx/dt = -x/tau : 1 (event-driven)
on_pre: |
  g_e_post += w*x
  x += 1
target: g_e
parameters:
  w: {value: 1*nS, doc: weight}
`

// TestParseSynapseFile: errors name the file, line and column of what is
// wrong, syntax errors in the code included.
func TestParseSynapseFile(t *testing.T) {
	f, err := ParseSynapseFile("syn.yaml", []byte(goodSynapses))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "syn" || f.Target != "g_e" || len(f.Parameters) != 1 || !strings.Contains(f.OnPre, "g_e_post += w*x") {
		t.Errorf("parsed %+v", f)
	}
	for _, tc := range []struct{ text, want string }{
		{"name: x\nthreshold: v > 1\n", `syn.yaml:2:1: unknown key "threshold" (known: name, summary, description, equations, on_pre, on_post, target, parameters, initial, references)`},
		{"name: x\n", "syn.yaml: no equations, on_pre or on_post"},
		{"name: x\non_pre: |\n  g_e_post += w*\n", "syn.yaml:3:"},
		{"name: x\nequations: |\n  w : siemens\n  dx/dt = : 1\n", "syn.yaml:4:"},
		{"name: x\non_pre: g_e_post += 1*nS\ntarget: g_i\n", "syn.yaml:3:9: target g_i: on_pre does not increment g_i_post"},
		{"- a list\n", "syn.yaml:1:1: a synapse model file is a YAML mapping"},
		{"name: x\non_pre: [1, 2]\n", "syn.yaml:2:9: on_pre must be text"},
		{"on_pre: g_e_post += w\nequations: \"w : 1\"\non_pre: g_i_post += w\n", "syn.yaml:3:1: on_pre is given twice"},
		{"on_pre: g_e_post += w\nparameters:\n  w: 1\n  w: 2\n", "syn.yaml:4:3: parameters: w is given twice"},
	} {
		_, err := ParseSynapseFile("syn.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.text, err, tc.want)
		}
	}
}

// TestSynapseFileEdits: WithTarget renames whole names only, and WithUnit
// changes one parameter's declared unit.
func TestSynapseFileEdits(t *testing.T) {
	f, err := ParseSynapseFile("syn.yaml", []byte(strings.Replace(goodSynapses, "x += 1", "x += 1 # not big_g_e_post\n  w = w + 0*g_e_post/g_e_post*nS", 1)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.WithTarget("g_i")
	if err != nil {
		t.Fatal(err)
	}
	if want := "g_i_post += w*x\n  x += 1 # not big_g_e_post\n  w = w + 0*g_i_post/g_i_post*nS"; !strings.Contains(g.OnPre, want) || g.Target != "g_i" {
		t.Errorf("WithTarget(g_i): on_pre\n%s\nwant\n%s", g.OnPre, want)
	}
	if _, err := f.WithTarget("g i"); err == nil {
		t.Error(`WithTarget("g i"): no error`)
	}
	u, err := f.WithUnit("w", "amp")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u.Equations, "w : amp\n") || !strings.Contains(u.Equations, "tau : second") {
		t.Errorf("WithUnit(w, amp):\n%s", u.Equations)
	}
	if _, err := f.WithUnit("x", "amp"); err == nil || !strings.Contains(err.Error(), "no parameter x") {
		t.Errorf("WithUnit(x): %v, want an error: x is not a parameter", err)
	}
}

// FuzzParseSynapseFile feeds arbitrary text to the synapse model file
// reader, its edits and the synapse compiler: errors are fine, panics and
// hangs (fuzztest.Limit) are not.
func FuzzParseSynapseFile(f *testing.F) {
	f.Add([]byte(goodSynapses))
	for _, name := range []string{"stdp_song2000", "tsodyks_markram"} {
		data, err := libraryFS.ReadFile("library/synapses/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	neuron, err := Builtin("lif_coba_exp")
	if err != nil {
		f.Fatal(err)
	}
	m, err := Check(neuron, 0.1)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzztest.Within(t, func() {
			file, err := ParseSynapseFile("fuzz.yaml", data)
			if err != nil {
				return
			}
			if g, err := file.WithTarget("g_i"); err == nil {
				_, _ = g.WithUnit("w", "amp")
			}
			var b strings.Builder
			_ = file.WriteDoc(&b)
			// The whole path: compiled between two conductance neurons.
			spec := file.Spec()
			spec.Pre, spec.Post, spec.DT = m.Neuron, m.Neuron, 0.1
			_, _ = CompileSynapse(spec)
		})
	})
}
