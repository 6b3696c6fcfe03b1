package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWrite: a write that fails leaves the old file and no temporary; one
// that succeeds replaces it.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	if err := WriteFile(path, []byte("1")); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk full")
	if err := Write(path, func(tmp string) error { os.WriteFile(tmp, []byte("half"), 0o644); return failed }); !errors.Is(err, failed) {
		t.Fatalf("failed write: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "1" {
		t.Errorf("after a failed write the file holds %q, want the old 1", data)
	}
	if err := WriteFile(path, []byte("2")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if data, _ := os.ReadFile(path); string(data) != "2" || len(entries) != 1 {
		t.Errorf("file holds %q and the folder %d entries, want 2 and 1", data, len(entries))
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
}

// TestRemoveTemporaries removes what a killed Write leaves and nothing
// else.
func TestRemoveTemporaries(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".spikes_g.npz.123456", ".metadata.json.9", "spikes_g.npz", ".hidden", "notes.1", ".x.12a"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveTemporaries(dir); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{".hidden", ".x.12a", "notes.1", "spikes_g.npz"}; !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
