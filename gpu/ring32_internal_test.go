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
