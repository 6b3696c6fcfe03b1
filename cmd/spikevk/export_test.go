//go:build !nohdf5

package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCommand exports a small default network to SONATA for each
// target, runs the export, and wants the spikes of the original run.
func TestExportCommand(t *testing.T) {
	type summary struct {
		Groups []struct {
			Name   string `json:"name"`
			Spikes int    `json:"spikes"`
		} `json:"groups"`
	}
	runJSON := func(args ...string) summary {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("spikevk %v: exit %d: %s", args, code, errOut.String())
		}
		var s summary
		if err := json.Unmarshal(out.Bytes(), &s); err != nil {
			t.Fatalf("%v:\n%s", err, out.String())
		}
		return s
	}
	want := runJSON("run", "-backend", "cpu", "-set", "size=500", "-t", "100", "-out", "", "-json")
	for _, target := range []string{"nest", "pynn"} {
		t.Run(target, func(t *testing.T) {
			dir := t.TempDir()
			var out, errOut bytes.Buffer
			if code := run([]string{"export", "-sonata", dir, "-target", target, "-set", "size=500", "-t", "100"}, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "500 nodes") || !strings.Contains(errOut.String(), `projection "exc"`) {
				t.Errorf("export printed %q and %q", out.String(), errOut.String())
			}
			got := runJSON("run", filepath.Join(dir, "circuit_config.json"), "-backend", "cpu", "-json")
			if len(got.Groups) != len(want.Groups) {
				t.Fatalf("groups %+v, want %+v", got.Groups, want.Groups)
			}
			for k := range got.Groups {
				if got.Groups[k] != want.Groups[k] {
					t.Errorf("group %+v after the round trip, %+v before", got.Groups[k], want.Groups[k])
				}
			}
		})
	}
}

// TestExportErrors checks the command's argument errors.
func TestExportErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "-sonata DIR"},
		{[]string{"export", "-sonata", "x", "-target", "brian"}, `target "brian"`},
		{[]string{"export", "-sonata", "x", "a.yaml", "b.yaml"}, "unexpected arguments"},
		{[]string{"run", "missing.json"}, "missing.json"},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("spikevk %v: exit %d, %q; want exit 1 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}
