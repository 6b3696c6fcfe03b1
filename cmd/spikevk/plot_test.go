package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlotCommand: run -plot writes the standard PNGs into the run folder
// and names them; plot -format svg writes them again as SVG.
func TestPlotCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"run", "-backend", "cpu", "-set", "size=500", "-set", "p=0.1", "-t", "100", "-out", dir, "-plot"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, name := range []string{"raster.png", "rate.png", "isi.png"} {
		path := filepath.Join(dir, name)
		if !strings.Contains(out.String(), "figure written to "+path) {
			t.Errorf("output does not name %s:\n%s", path, out.String())
		}
		if info, err := os.Stat(path); err != nil || info.Size() < 1000 {
			t.Errorf("%s: %v", path, err)
		}
	}
	out.Reset()
	if code := run([]string{"plot", "-format", "svg", dir}, &out, &errOut); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, errOut.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "raster.svg"))
	if err != nil || !bytes.Contains(data, []byte("<svg")) || !bytes.Contains(data, []byte("<image")) {
		t.Errorf("raster.svg: %v, %d bytes, want an SVG with the raster as an image", err, len(data))
	}
	if got := strings.Count(out.String(), "figure written to"); got != 3 {
		t.Errorf("plot wrote %d figures:\n%s", got, out.String())
	}
}

// TestPlotErrors: a missing or damaged run folder gives an error that
// names the file.
func TestPlotErrors(t *testing.T) {
	good := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"run", "-backend", "cpu", "-set", "size=200", "-t", "20", "-out", good}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	meta, err := os.ReadFile(filepath.Join(good, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	folder := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  string
	}{
		{"no folder", nil, []string{"plot", "/nonexistent/run"}, "metadata.json"},
		{"no metadata", map[string]string{}, nil, "metadata.json"},
		{"bad metadata", map[string]string{"metadata.json": "{"}, nil, "metadata.json"},
		{"no spike file", map[string]string{"metadata.json": string(meta)}, nil, "spikes_neurons.npz"},
		{"damaged spike file", map[string]string{"metadata.json": string(meta), "spikes_neurons.npz": "PK not a zip"}, nil, "spikes_neurons.npz"},
		{"no folder given", nil, []string{"plot"}, "usage: spikevk plot"},
		{"bad format", map[string]string{}, []string{"plot", "-format", "gif", good}, "gif"},
		{"-plot without -out", nil, []string{"run", "-out", "", "-plot"}, "-plot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if args == nil {
				args = []string{"plot", folder(t, tc.files)}
			}
			var out, errOut bytes.Buffer
			if code := run(args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("exit %d, stderr %q, want an error naming %q", code, errOut.String(), tc.want)
			}
		})
	}
}
