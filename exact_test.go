package spikevk_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/internal/gputest"
)

// vulkanOrSkip returns the Vulkan backend's name, skipping the test when no
// device answers (failing instead where SPIKEVK_REQUIRE_GPU=1, as in CI).
func vulkanOrSkip(t *testing.T) {
	t.Helper()
	net := spikevk.New(spikevk.Config{Backend: "vulkan"})
	net.Group("probe", 1, spikevk.Builtin("lif_coba_exp"))
	err := net.Run(context.Background(), 0)
	net.Close()
	if err == nil {
		return
	}
	if os.Getenv(gputest.EnvRequire) == "1" {
		t.Fatalf("no Vulkan device and %s=1: %v", gputest.EnvRequire, err)
	}
	t.Skipf("no Vulkan device: %v", err)
}

// TestCOBAExact runs the COBA benchmark network (4,000 neurons, p = 0.02)
// for 1 s of biological time on the CPU reference and on the Vulkan device:
// the spike rasters and the final state must be identical bit for bit.
func TestCOBAExact(t *testing.T) {
	vulkanOrSkip(t)
	type result struct {
		i    []int32
		t    []float64
		v    []float32
		name string
	}
	run := func(backend string) result {
		net := spikevk.COBA(spikevk.Config{Seed: 2007, Backend: backend}, 4000, 0.02)
		defer net.Close()
		all := net.GroupByName("neurons")
		m := net.SpikeMonitor(all)
		if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
			t.Fatal(err)
		}
		v, err := all.Get("v")
		if err != nil {
			t.Fatal(err)
		}
		i, tt := m.Spikes()
		return result{i, tt, v, net.Summary().Device}
	}
	cpu, gpu := run("cpu"), run("vulkan")
	t.Logf("%d spikes on %s and %d on %s", len(cpu.i), cpu.name, len(gpu.i), gpu.name)
	if len(cpu.i) < 10000 {
		t.Fatalf("only %d spikes: the network is not active", len(cpu.i))
	}
	if !slices.Equal(cpu.i, gpu.i) || !slices.Equal(cpu.t, gpu.t) {
		for k := range min(len(cpu.i), len(gpu.i)) {
			if cpu.i[k] != gpu.i[k] || cpu.t[k] != gpu.t[k] {
				t.Fatalf("rasters differ from spike %d: cpu %d at %v ms, vulkan %d at %v ms", k, cpu.i[k], cpu.t[k], gpu.i[k], gpu.t[k])
			}
		}
		t.Fatalf("rasters differ in length: cpu %d, vulkan %d", len(cpu.i), len(gpu.i))
	}
	for k := range cpu.v {
		if cpu.v[k] != gpu.v[k] {
			t.Fatalf("v[%d]: cpu %v, vulkan %v", k, cpu.v[k], gpu.v[k])
		}
	}
}
