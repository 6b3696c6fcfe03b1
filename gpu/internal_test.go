package gpu

import (
	"strings"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/backendtest"
	"github.com/spikevk/spikevk/internal/gputest"
)

// TestRing32Kernels: with Ring32 no kernel asks for 64-bit atomics, the
// scatter kernels add with the carry of spk_ring_add and the neuron
// kernels read the two words; without it they use the 64-bit atomics
// where the device has them (so that TestConformanceRing32 compares two
// different schemes).
func TestRing32Kernels(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	for _, ring32 := range []bool{false, true} {
		b := NewOn(c)
		if ring32 {
			b.ForceRing32()
		} else if b.Ring32() {
			t.Log("the device has no 64-bit buffer atomics: both runs use 32-bit ones")
			continue
		}
		if err := b.Load(backendtest.Network(t, 100, 10, 3)); err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for src := range b.kernels {
			all.WriteString(src)
		}
		b.Close()
		src := all.String()
		has := func(s string) bool { return strings.Contains(src, s) }
		if ring32 && (has("GL_EXT_shader_atomic_int64") || !has("spk_ring_add(") || !has("packUint2x32(uvec2(ring[2u * o]")) {
			t.Errorf("Ring32: the kernels still use 64-bit atomics or lack the 32-bit ring code")
		}
		if !ring32 && (!has("GL_EXT_shader_atomic_int64") || has("spk_ring_add(")) {
			t.Errorf("without Ring32: the kernels do not use 64-bit atomics")
		}
	}
}

// TestCheckHeap: a buffer that fits the device-local heap passes; one
// that, with what is held, does not is an error with both sizes.
func TestCheckHeap(t *testing.T) {
	d := vk.DeviceInfo{Name: "GPU", DeviceLocalBytes: 8 << 30}
	for _, tc := range []struct {
		held, bytes int64
		want        string
	}{
		{0, 1 << 30, ""},
		{7 << 30, 1 << 30, ""},
		{7 << 30, 2 << 30, "needs 2.00 GiB, and with the 7.00 GiB the network holds already that is more than the 8.00 GiB of device memory GPU has"},
		{0, 512 << 20, ""},
	} {
		err := checkHeap(d, tc.held, tc.bytes)
		if (err == nil) != (tc.want == "") || err != nil && err.Error() != tc.want {
			t.Errorf("held %d, bytes %d: %v, want %q", tc.held, tc.bytes, err, tc.want)
		}
	}
	if err := checkHeap(vk.DeviceInfo{}, 1<<40, 1<<40); err != nil {
		t.Errorf("an unknown heap size: %v", err)
	}
}

// TestRowWalkKernels: a cooperative scatter kernel takes a spike per work
// group and strides by the work group's size; RowWalkAuto walks serially
// on a CPU device, and cooperatively elsewhere where rows are long.
func TestRowWalkKernels(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	scatter := func(w RowWalk) string {
		b := NewOn(c).ForceRowWalk(w)
		defer b.Close()
		if err := b.Load(backendtest.Network(t, 100, 40, 3)); err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for src := range b.kernels {
			if strings.Contains(src, "rowptr[j]") {
				all.WriteString(src)
			}
		}
		return all.String()
	}
	coop, serial := "uint n = gl_WorkGroupID.x;", "uint n = gl_GlobalInvocationID.x;"
	if src := scatter(RowWalkCooperative); !strings.Contains(src, coop) || !strings.Contains(src, "k += 64u") || strings.Contains(src, serial) {
		t.Error("RowWalkCooperative: the scatter kernels do not take a spike per work group and stride by 64")
	}
	if src := scatter(RowWalkSerial); !strings.Contains(src, serial) || strings.Contains(src, coop) {
		t.Error("RowWalkSerial: the scatter kernels do not take a spike per thread")
	}
	auto := scatter(RowWalkAuto)
	if c.Info().Type == vk.CPU && strings.Contains(auto, coop) {
		t.Errorf("RowWalkAuto walks cooperatively on %s, a CPU device", c.Info().Name)
	}
	if c.Info().Type != vk.CPU && !strings.Contains(auto, coop) {
		t.Errorf("RowWalkAuto walks rows of 40 synapses serially on %s, a GPU", c.Info().Name)
	}
}
