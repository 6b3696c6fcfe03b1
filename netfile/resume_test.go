package netfile_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// TestRunEveryResume runs the features network (two segments, a knob
// change between them) three ways: whole; with a checkpoint every 7 ms
// that stops the run after the one at 28 ms, inside the second segment, as
// a kill would; and resumed from that checkpoint in a new network. The
// resumed run ends with the spikes, samples and segment summaries of the
// whole one. A stop at 35 ms and a checkpoint at the segment boundary
// (every 10 ms, stopped at 20 ms) resume alike.
func TestRunEveryResume(t *testing.T) {
	ctx := context.Background()
	type run struct {
		net    *netfile.Network
		spikes *spikevk.SpikeMonitor
		states *spikevk.StateMonitor
	}
	newRun := func() run {
		net := build(t, "features.yaml", features)
		cells := net.GroupByName("cells")
		return run{net, net.SpikeMonitor(cells), net.StateMonitor(cells, []string{"v"}, 1, 0, 5)}
	}
	whole := newRun()
	if err := whole.net.Run(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ every, stop float64 }{{7, 28}, {7, 35}, {10, 20}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "c.npz")
		var progress []byte
		stopped := errors.New("stopped")
		cut := newRun().net
		err := cut.RunEvery(ctx, tc.every, func() error {
			if err := cut.SaveCheckpoint(path); err != nil {
				return err
			}
			var err error
			if progress, err = json.Marshal(cut.Progress()); err != nil {
				return err
			}
			if cut.Summary().Time >= tc.stop {
				return stopped
			}
			return nil
		})
		if !errors.Is(err, stopped) {
			t.Fatalf("every %g ms: %v, want the stop", tc.every, err)
		}
		r := newRun()
		resumed := r.net
		if err := resumed.LoadCheckpoint(path); err != nil {
			t.Fatal(err)
		}
		var p netfile.Progress
		if err := json.Unmarshal(progress, &p); err != nil {
			t.Fatal(err)
		}
		if err := resumed.SetProgress(p); err != nil {
			t.Fatal(err)
		}
		if err := resumed.RunEvery(ctx, tc.every, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		if got := resumed.Summary().Time; got != 40 {
			t.Errorf("stop at %g ms: resumed to %g ms, want 40", tc.stop, got)
		}
		i1, t1 := whole.spikes.Spikes()
		i2, t2 := r.spikes.Spikes()
		if len(i1) == 0 || !slices.Equal(i1, i2) || !slices.Equal(t1, t2) {
			t.Errorf("stop at %g ms: %d spikes resumed, %d whole, or they differ", tc.stop, len(i2), len(i1))
		}
		_, v1, _ := whole.states.Values("v")
		_, v2, _ := r.states.Values("v")
		if len(v1) != 40 || !slices.EqualFunc(v1, v2, slices.Equal) {
			t.Errorf("stop at %g ms: %d samples resumed, %d whole, or they differ", tc.stop, len(v2), len(v1))
		}
		if !reflect.DeepEqual(segmentSpikes(whole.net.Segments), segmentSpikes(resumed.Segments)) {
			t.Errorf("stop at %g ms: segments %v, want %v", tc.stop, segmentSpikes(resumed.Segments), segmentSpikes(whole.net.Segments))
		}
	}
}

// segmentSpikes are the start, end and spikes per group of each segment.
func segmentSpikes(segs []netfile.SegmentSummary) [][]float64 {
	var out [][]float64
	for _, s := range segs {
		row := []float64{s.Start, s.End}
		for _, g := range s.Groups {
			row = append(row, float64(g.Spikes))
		}
		out = append(out, row)
	}
	return out
}
