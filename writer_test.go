package spikevk

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codeberg.org/sbinet/npyio/npz"
)

// cancelOnWrite cancels a context when the progress bar is first drawn,
// which Run does after its first batch.
type cancelOnWrite struct{ cancel context.CancelFunc }

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return len(p), nil
}

// TestWriterBatches: during a Run the files are written only when the
// next write is due, always after the last batch of the Run, and when a
// cancelled Run stops early, with what the monitors hold then.
func TestWriterBatches(t *testing.T) {
	dir := t.TempDir()
	net := New(Config{Seed: 4, Backend: "cpu"})
	defer net.Close()
	m := net.SpikeMonitor(net.PoissonGroup("neurons", 100, "50*Hz"))
	net.Record(dir)
	ctx := context.Background()
	if err := net.Run(ctx, 50); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "spikes_neurons.npz")
	if got := fileSpikes(t, path); got != m.Count() || got == 0 {
		t.Fatalf("after the first Run the file holds %d spikes, the monitor %d", got, m.Count())
	}

	// Three batches (1,000, 1,000 and 500 steps) with no write due: only
	// the last one writes.
	w := net.sim.out
	w.next = time.Now().Add(time.Hour)
	stamp := func() time.Time {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return info.ModTime()
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	net.sim.batch = 1000
	if err := net.Run(ctx, 250); err != nil {
		t.Fatal(err)
	}
	if got := fileSpikes(t, path); got != m.Count() || !stamp().After(old) {
		t.Fatalf("after a Run of three batches the file holds %d spikes, the monitor %d", got, m.Count())
	}

	// A Run cancelled after its first batch writes that batch on the way out.
	w.next = time.Now().Add(time.Hour)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	net.sim.progress = newProgress(cancelOnWrite{cancel})
	before := m.Count()
	err := net.Run(ctx, 300)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Run: error %v", err)
	}
	if got := fileSpikes(t, path); got != m.Count() || m.Count() == before || net.sim.step != 4000 {
		t.Fatalf("after a cancelled Run at step %d the file holds %d spikes, the monitor %d (%d before)", net.sim.step, got, m.Count(), before)
	}
}

// fileSpikes is the number of spikes in a spike file.
func fileSpikes(t *testing.T, path string) int {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var i []int32
	if err := r.Read("i.npy", &i); err != nil {
		t.Fatal(err)
	}
	return len(i)
}

// TestMetadataGroups: each file's entry in metadata.json places its
// monitored group: the whole group's name, the size and the offset of a
// subgroup.
func TestMetadataGroups(t *testing.T) {
	dir := t.TempDir()
	net := New(Config{Seed: 4, Backend: "cpu"})
	defer net.Close()
	g := net.PoissonGroup("P", 100, "50*Hz")
	net.SpikeMonitor(g.Slice(0, 80))
	net.SpikeMonitor(g.Slice(80, 100), 3, 5)
	net.RateMonitor(g)
	net.Record(dir)
	if err := net.Run(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta metadata
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	want := []fileMeta{
		{File: "spikes_P.npz", Kind: "spikes", Group: "P[0:80]", Name: "P", N: 80},
		{File: "spikes_P_2.npz", Kind: "spikes", Group: "P[80:100]", Name: "P", N: 20, Offset: 80},
		{File: "rate_P.npz", Kind: "rate", Group: "P", Name: "P", N: 100},
	}
	if len(meta.Files) != len(want) {
		t.Fatalf("metadata.json:\n%s", data)
	}
	for k, f := range meta.Files {
		if f.File != want[k].File || f.Kind != want[k].Kind || f.Group != want[k].Group || f.Name != want[k].Name ||
			f.N != want[k].N || f.Offset != want[k].Offset {
			t.Errorf("file %d: %+v, want %+v", k, f, want[k])
		}
	}
}
