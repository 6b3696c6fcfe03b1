package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden help texts in testdata/help")

// TestHelp checks each command's help against testdata/help/<command>.txt
// (go test -run TestHelp -update rewrites them): -h prints it and exits 0.
func TestHelp(t *testing.T) {
	t.Setenv("SPIKEVK_DEVICE", "") // the default of -device
	for _, cmd := range []string{"", "run", "export", "import-spikes", "check", "plot", "bench", "devices", "smoke", "models"} {
		args := []string{"help"}
		if cmd != "" {
			args = []string{cmd, "-h"}
		}
		var out bytes.Buffer
		if code := run(args, &out, &out); code != 0 {
			t.Errorf("spikevk %v: exit %d, want 0", args, code)
		}
		name := cmd
		if name == "" {
			name = "spikevk"
		}
		path := filepath.Join("testdata", "help", name+".txt")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("spikevk %v prints\n%s\nwant (%s)\n%s", args, out.Bytes(), path, want)
		}
	}
}
