package models

import (
	"path"
	"strings"
	"testing"
)

// TestLibrary checks every built-in model: it compiles at two time steps,
// its name matches its file, it documents every parameter and gives it a
// default, and it draws no warning.
func TestLibrary(t *testing.T) {
	files, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("%d built-in models", len(files))
	}
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			if want := strings.TrimSuffix(path.Base(f.Path), ".yaml"); f.Name != want {
				t.Errorf("name %q in file %s", f.Name, f.Path)
			}
			if f.Summary == "" || f.Description == "" || len(f.References) == 0 {
				t.Error("summary, description or references missing")
			}
			for _, dt := range []float64{0.1, 0.025} {
				m, err := Check(f, dt)
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range m.Warnings {
					t.Errorf("dt=%g: %s", dt, w)
				}
			}
			for _, p := range f.Parameters {
				if p.Doc == "" {
					t.Errorf("parameter %s has no doc", p.Name)
				}
			}
		})
	}
	if _, err := Builtin("lif"); err == nil || !strings.Contains(err.Error(), "lif_coba_exp") {
		t.Errorf("Builtin(lif): err = %v, want a list of models", err)
	}
}
