package models

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestWriteDocGolden pins the documentation `spikevk models show` prints.
func TestWriteDocGolden(t *testing.T) {
	f, err := Builtin("lif_coba_exp")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Check(f, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.WriteDoc(&b); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/lif_coba_exp.doc.golden"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("doc differs from %s (go test -update rewrites it):\n%s", golden, b.String())
	}
}
