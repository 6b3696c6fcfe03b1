package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestBench runs the benchmark table on a small network and checks the
// structural figures the Vulkan backend promises for COBA: at most 3
// dispatches per time step, no host synchronisation inside a batch, at
// most 8 bytes per static synapse.
func TestBench(t *testing.T) {
	requireDevice(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "-n", "1000", "-backend", "cpu,vulkan", "-t", "50", "-brian2", "no", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rows []benchRow
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	for _, r := range rows {
		if r.Err != "" || r.Synapses == 0 || r.Time != 50 || !(r.RealTimeFactor > 0) || !(r.BytesPerSyn > 4) || r.BytesPerSyn > 8 {
			t.Errorf("%s: %+v", r.Backend, r)
		}
	}
	if v := rows[1]; v.DispatchesStep != 3 || v.BarriersStep > 3 || v.SyncsPerS > 1000/50.0*2 {
		t.Errorf("vulkan: %.1f dispatches and %.1f barriers per step, %.1f host waits per biological second",
			v.DispatchesStep, v.BarriersStep, v.SyncsPerS)
	}
}
