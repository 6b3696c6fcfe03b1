// Package gputest opens Vulkan contexts for tests: it skips a test when the
// machine has no Vulkan device, unless $SPIKEVK_REQUIRE_GPU=1 (set by CI),
// which turns the skip into a failure, and it turns validation-layer errors
// and warnings into test failures.
package gputest

import (
	"errors"
	"os"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/shaders"
)

// EnvRequire names the variable that makes a missing Vulkan device a test
// failure instead of a skip.
const EnvRequire = "SPIKEVK_REQUIRE_GPU"

// Context opens a context and closes it when the test ends. Tests run with
// the validation layer on (it must be installed when $SPIKEVK_REQUIRE_GPU=1);
// benchmarks run without it, so that it does not distort their timings.
func Context(t testing.TB, opts vk.Options) *vk.Context {
	t.Helper()
	required := os.Getenv(EnvRequire) == "1"
	_, bench := t.(*testing.B)
	opts.Validation = !bench
	opts.OnMessage = func(m vk.Message) {
		if m.Severity == "performance" {
			t.Log("vk:", m)
			return
		}
		t.Errorf("vk validation: %s", m)
	}
	c, err := vk.NewContext(opts)
	if err != nil && !required && !errors.Is(err, vk.ErrNoDevice) {
		// Retry without validation when only the layer is missing.
		opts.Validation = false
		if c2, err2 := vk.NewContext(opts); err2 == nil {
			t.Logf("running without the validation layer: %v", err)
			c, err = c2, nil
		}
	}
	if err != nil {
		if required {
			t.Fatalf("no usable Vulkan device and %s=1: %v", EnvRequire, err)
		}
		t.Skipf("no usable Vulkan device (set %s=1 to fail instead): %v", EnvRequire, err)
	}
	t.Cleanup(c.Close)
	return c
}

// Kernel compiles GLSL source src and builds a kernel from it; spec gives
// the interface (its Code is filled in). The kernel is closed when the test
// ends.
func Kernel(t testing.TB, c *vk.Context, src string, spec vk.KernelSpec) *vk.Kernel {
	t.Helper()
	code, err := shaders.Compile(spec.Name, src, shaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	spec.Code = code
	k, err := c.NewKernel(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k
}

// Buffer allocates a buffer that is closed when the test ends.
func Buffer[T vk.Scalar](t testing.TB, c *vk.Context, name string, n int, m vk.Memory) *vk.Buffer[T] {
	t.Helper()
	b, err := vk.NewBuffer[T](c, name, n, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// Run dispatches b once with push constants push over groups and waits for
// it to finish.
func Run(t testing.TB, c *vk.Context, b *vk.Bound, push any, groups [3]uint32) {
	t.Helper()
	seq, err := c.NewSequence("test", false)
	if err != nil {
		t.Fatal(err)
	}
	defer seq.Close()
	if err := seq.Dispatch(b, push, groups); err != nil {
		t.Fatal(err)
	}
	if err := seq.Run(); err != nil {
		t.Fatal(err)
	}
}
