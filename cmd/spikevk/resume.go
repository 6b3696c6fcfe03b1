package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spikevk/spikevk/internal/atomicfile"
	"github.com/spikevk/spikevk/netfile"
)

// A run with -checkpoint-every keeps its last checkpoint in its output
// folder as a pair of files named after the step: checkpoint_<step>.npz,
// the network's state and records (Network.SaveCheckpoint), and
// checkpoint_<step>.json, how far the schedule is (netfile.Progress). The
// pair is complete before the previous one is removed, so a kill at any
// moment leaves one to resume from.

// checkpointName is the path of the checkpoint of step in dir, without
// its extension.
func checkpointName(dir string, step uint64) string {
	return filepath.Join(dir, fmt.Sprintf("checkpoint_%012d", step))
}

// saveCheckpoint writes the checkpoint of net's present step into dir and
// removes the older ones.
func saveCheckpoint(net *netfile.Network, dir string) error {
	step := uint64(net.Summary().Time/net.DT() + 0.5)
	base := checkpointName(dir, step)
	if err := net.SaveCheckpoint(base + ".npz"); err != nil {
		return err
	}
	progress, err := json.Marshal(net.Progress())
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(base+".json", progress); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "checkpoint_*.*"))
	for _, path := range old {
		if path != base+".npz" && path != base+".json" {
			os.Remove(path)
		}
	}
	return nil
}

// resumeFrom removes the temporary files a killed run left in dir, loads
// the latest complete checkpoint of dir into net and returns its path.
func resumeFrom(net *netfile.Network, dir string) (string, error) {
	if err := atomicfile.RemoveTemporaries(dir); err != nil {
		return "", fmt.Errorf("resume: %w", err)
	}
	jsons, _ := filepath.Glob(filepath.Join(dir, "checkpoint_*.json"))
	slices.Sort(jsons)
	for k := len(jsons) - 1; k >= 0; k-- {
		base := jsons[k][:len(jsons[k])-len(".json")]
		if _, err := os.Stat(base + ".npz"); err != nil {
			continue // its state was not written: an older pair is whole
		}
		data, err := os.ReadFile(jsons[k])
		if err != nil {
			return "", err
		}
		var p netfile.Progress
		if err := json.Unmarshal(data, &p); err != nil {
			return "", fmt.Errorf("resume: %s: %w", jsons[k], err)
		}
		if err := net.LoadCheckpoint(base + ".npz"); err != nil {
			return "", fmt.Errorf("resume: %w (was the run started with this network file and these -set values?)", err)
		}
		if err := net.SetProgress(p); err != nil {
			return "", fmt.Errorf("resume: %s: %w", jsons[k], err)
		}
		return base + ".npz", nil
	}
	return "", fmt.Errorf("resume: %s holds no checkpoint (a run writes them with -checkpoint-every)", dir)
}
