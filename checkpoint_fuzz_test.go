package spikevk

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCheckpoint feeds damaged checkpoint files to the reader that
// LoadCheckpoint uses before it restores anything: an error, never a
// panic, a hang or an allocation the file cannot back (a checkpoint that
// reads restores as any valid one: TestCheckpointFile and the other
// checkpoint tests). Run it with -fuzzminimizetime 0: the coverage of a
// checkpoint that reads varies from run to run (map order), so the
// fuzzer would spend its time minimizing such inputs instead of fuzzing
// (a few counted inputs a minute).
func FuzzReadCheckpoint(f *testing.F) {
	net := COBA(Config{Seed: 5, Backend: "cpu"}, 50, 0.1)
	defer net.Close()
	if err := net.Run(context.Background(), 1); err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.npz")
	if err := net.SaveCheckpoint(seed); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "c.npz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = net.readCheckpoint(path)
	})
}
