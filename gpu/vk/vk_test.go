package vk_test

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/shaders"
)

// chunkTestBytes makes 64-float chunks, so that small sizes straddle them.
const chunkTestBytes = 256

func TestBufferRoundTrip(t *testing.T) {
	modes := []struct {
		name string
		opts vk.Options
		mem  vk.Memory
	}{
		{"device", vk.Options{MaxChunkBytes: chunkTestBytes}, vk.DeviceLocal},
		{"host", vk.Options{MaxChunkBytes: chunkTestBytes}, vk.HostVisible},
		{"staging", vk.ForceStaging(vk.Options{MaxChunkBytes: chunkTestBytes}), vk.DeviceLocal},
		{"noncoherent", vk.ForceNonCoherent(vk.Options{MaxChunkBytes: chunkTestBytes}), vk.HostVisible},
		{"noncoherent-staging", vk.ForceNonCoherent(vk.ForceStaging(vk.Options{MaxChunkBytes: chunkTestBytes})), vk.DeviceLocal},
	}
	sizes := []int{0, 1, 63, 64, 65, 127, 128, 129, 1000}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			c := gputest.Context(t, m.opts)
			for _, n := range sizes {
				b := gputest.Buffer[uint32](t, c, "roundtrip", n, m.mem)
				if want := max(1, (n+63)/64); b.Chunks() != want {
					t.Errorf("n=%d: %d chunks, want %d", n, b.Chunks(), want)
				}
				src := make([]uint32, n)
				for i := range src {
					src[i] = uint32(i)*2654435761 + 1
				}
				if err := b.Upload(src); err != nil {
					t.Fatal(err)
				}
				got, err := b.Download()
				if err != nil {
					t.Fatal(err)
				}
				if i := firstDiff(got, src); i >= 0 {
					t.Fatalf("n=%d: element %d = %d, want %d", n, i, got[i], src[i])
				}
				// A partial write across a chunk boundary leaves the rest alone.
				if n > 70 {
					patch := []uint32{7, 8, 9, 10, 11, 12, 13, 14}
					if err := b.Write(60, patch); err != nil {
						t.Fatal(err)
					}
					copy(src[60:], patch)
					part := make([]uint32, 20)
					if err := b.Read(55, part); err != nil {
						t.Fatal(err)
					}
					if i := firstDiff(part, src[55:75]); i >= 0 {
						t.Fatalf("n=%d: after patch, element %d = %d, want %d", n, 55+i, part[i], src[55+i])
					}
				}
			}
		})
	}
}

// TestBufferAtStorageLimit round-trips a buffer one element larger than the
// device's maxStorageBufferRange, which must split into two chunks.
func TestBufferAtStorageLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates maxStorageBufferRange bytes")
	}
	c := gputest.Context(t, vk.Options{})
	limit := int(c.Info().MaxStorageBufferRange / 4)
	if limit > 1<<28 {
		t.Skipf("maxStorageBufferRange %d B is too large to test here", c.Info().MaxStorageBufferRange)
	}
	n := limit + 1
	b := gputest.Buffer[float32](t, c, "big", n, vk.DeviceLocal)
	if b.Chunks() != 2 || b.ChunkLen() != limit {
		t.Fatalf("chunks %d of %d elements, want 2 of %d", b.Chunks(), b.ChunkLen(), limit)
	}
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i)
	}
	if err := b.Upload(src); err != nil {
		t.Fatal(err)
	}
	got, err := b.Download()
	if err != nil {
		t.Fatal(err)
	}
	if i := firstDiff(got, src); i >= 0 {
		t.Fatalf("element %d = %v, want %v", i, got[i], src[i])
	}
	k := smokeKernel(t, c, 64, 1)
	if _, err := k.Bind(b.Chunk(0), b.Chunk(1)); err != nil {
		t.Fatal(err)
	}
}

func TestBufferErrors(t *testing.T) {
	c := gputest.Context(t, vk.Options{MaxChunkBytes: chunkTestBytes})
	b := gputest.Buffer[float32](t, c, "v", 100, vk.DeviceLocal)
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"read past end", b.Read(90, make([]float32, 11))},
		{"negative offset", b.Write(-1, make([]float32, 1))},
		{"upload wrong length", b.Upload(make([]float32, 99))},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		} else if !contains(tc.err.Error(), `"v"`) {
			t.Errorf("%s: error %q does not name the buffer", tc.name, tc.err)
		}
	}
	k := smokeKernel(t, c, 64, 0)
	if _, err := k.Bind(b, b); err == nil || !contains(err.Error(), "Chunk(i)") {
		t.Errorf("binding a chunked buffer whole: err = %v", err)
	}
	if _, err := vk.NewBuffer[float32](c, "neg", -1, vk.DeviceLocal); err == nil {
		t.Error("negative length: no error")
	}
}

type smokePush struct {
	N uint32
	A float32
}

func smokeCode(t testing.TB) []uint32 {
	src, err := shaders.Kernel("smoke")
	if err != nil {
		t.Fatal(err)
	}
	code, err := shaders.Compile("smoke", src, shaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func smokeKernel(t testing.TB, c *vk.Context, local int, scale float32) *vk.Kernel {
	k, err := c.NewKernel(vk.KernelSpec{Name: "smoke", Code: smokeCode(t), Buffers: 2, PushBytes: 8,
		Spec: []uint32{uint32(local), math.Float32bits(scale)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k
}

// TestPushAndSpecConstants runs y = a*x + scale*i with the work-group size
// and scale as specialization constants and n and a as push constants, over
// sizes that straddle the work-group size, and compares bit for bit.
func TestPushAndSpecConstants(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	for _, local := range []int{1, 32, 64} {
		const scale, a = float32(0.37), float32(-1.25)
		k := smokeKernel(t, c, local, scale)
		for _, n := range []int{1, 63, 64, 65, 1000} {
			x := gputest.Buffer[float32](t, c, "x", n, vk.DeviceLocal)
			y := gputest.Buffer[float32](t, c, "y", n+1, vk.DeviceLocal) // one past n must stay untouched
			in := make([]float32, n)
			for i := range in {
				in[i] = float32(i)*0.01 - 3
			}
			sentinel := make([]float32, n+1)
			sentinel[n] = 42
			if err := x.Upload(in); err != nil {
				t.Fatal(err)
			}
			if err := y.Upload(sentinel); err != nil {
				t.Fatal(err)
			}
			bound, err := k.Bind(x, y)
			if err != nil {
				t.Fatal(err)
			}
			gputest.Run(t, c, bound, smokePush{N: uint32(n), A: a}, vk.Groups(n, local))
			got, err := y.Download()
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				want := float32(a*in[i]) + float32(scale*float32(i))
				if math.Float32bits(got[i]) != math.Float32bits(want) {
					t.Fatalf("local=%d n=%d: y[%d] = %v, want %v", local, n, i, got[i], want)
				}
			}
			if got[n] != 42 {
				t.Errorf("local=%d n=%d: y[n] = %v, the kernel wrote past n", local, n, got[n])
			}
		}
	}
}

// TestKernelsUnderGC builds kernels while other goroutines collect garbage
// without pause: pipeline creation, which the driver spends compiling, must
// not read create info that a finalizer can free during the call, as
// vulkan-go's CreateComputePipelines allows.
func TestKernelsUnderGC(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	code := smokeCode(t)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
					runtime.GC()
				}
			}
		}()
	}
	defer func() { close(done); wg.Wait() }()
	for i := range 30 {
		k, err := c.NewKernel(vk.KernelSpec{Name: "smoke", Code: code, Buffers: 2, PushBytes: 8,
			Spec: []uint32{uint32(1 + i%64), math.Float32bits(float32(i))}})
		if err != nil {
			t.Fatal(err)
		}
		k.Close()
	}
}

const incrementSrc = `#version 450
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Src { uint src[]; };
layout(std430, binding = 1) writeonly buffer Dst { uint dst[]; };
layout(push_constant) uniform P { uint n; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i < pc.n) {
		uint j = (i * 7u + 3u) % pc.n;
		dst[j] = src[j] + src[i] % 3u + 1u;
	}
}
`

// TestManyDispatches records 1,000 dependent dispatches in one submission,
// ping-ponging between two buffers. Each reads elements that another thread
// wrote in the previous dispatch, so a missing barrier shows as a wrong
// result.
func TestManyDispatches(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	const n, steps = 1000, 1000
	k := gputest.Kernel(t, c, incrementSrc, vk.KernelSpec{Name: "increment", Buffers: 2, PushBytes: 4})
	v := gputest.Buffer[uint32](t, c, "v", n, vk.DeviceLocal)
	w := gputest.Buffer[uint32](t, c, "w", n, vk.DeviceLocal)
	if err := v.Upload(make([]uint32, n)); err != nil {
		t.Fatal(err)
	}
	vw, err := k.Bind(v, w)
	if err != nil {
		t.Fatal(err)
	}
	wv, err := k.Bind(w, v)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := c.NewSequence("increment", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seq.Close)
	for s := 0; s < steps; s++ {
		bound := vw
		if s%2 == 1 {
			bound = wv
		}
		if err := seq.Dispatch(bound, []uint32{n}, vk.Groups(n, 64)); err != nil {
			t.Fatal(err)
		}
	}
	if err := seq.Run(); err != nil {
		t.Fatal(err)
	}
	if st := seq.Stats(); st.Dispatches != steps || st.Barriers != steps-1 {
		t.Errorf("stats %+v, want %d dispatches and %d barriers", st, steps, steps-1)
	}
	got, err := v.Download()
	if err != nil {
		t.Fatal(err)
	}
	// The CPU reference; every element is written once per step, as 7 is
	// coprime to 1000. An even number of steps ends in v.
	want := make([]uint32, n)
	for s := 0; s < steps; s++ {
		old := append([]uint32(nil), want...)
		for i := range n {
			want[(i*7+3)%n] = old[(i*7+3)%n] + old[i]%3 + 1
		}
	}
	if i := firstDiff(got, want); i >= 0 {
		t.Fatalf("v[%d] = %d, want %d", i, got[i], want[i])
	}
}

const atomicSrc = `#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_atomic_int64 : require
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer In { int64_t v[]; };
layout(std430, binding = 1) buffer Sum { int64_t sum[]; };
layout(push_constant) uniform P { uint n; uint bins; } pc;
void main() {
	uint i = gl_GlobalInvocationID.x;
	if (i < pc.n) atomicAdd(sum[i % pc.bins], v[i]);
}
`

// TestInt64AtomicSum adds 2^20 large signed 64-bit values from as many
// threads into a few accumulators; the sums must be exact.
func TestInt64AtomicSum(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	if !c.Info().Int64Atomics {
		t.Skipf("device %s has no 64-bit buffer atomics", c.Info().Name)
	}
	const n, bins = 1 << 20, 7
	k := gputest.Kernel(t, c, atomicSrc, vk.KernelSpec{Name: "atomic64", Buffers: 2, PushBytes: 8})
	in := gputest.Buffer[int64](t, c, "v", n, vk.DeviceLocal)
	sum := gputest.Buffer[int64](t, c, "sum", bins, vk.DeviceLocal)
	vals := make([]int64, n)
	want := make([]int64, bins)
	x := uint64(88172645463325252)
	for i := range vals {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		vals[i] = int64(x>>20) - 1<<43 // ±2^43: sums of 2^20 of them exceed 2^32 by far
		want[i%bins] += vals[i]
	}
	if err := in.Upload(vals); err != nil {
		t.Fatal(err)
	}
	if err := sum.Upload(make([]int64, bins)); err != nil {
		t.Fatal(err)
	}
	bound, err := k.Bind(in, sum)
	if err != nil {
		t.Fatal(err)
	}
	gputest.Run(t, c, bound, []uint32{n, bins}, vk.Groups(n, 64))
	got, err := sum.Download()
	if err != nil {
		t.Fatal(err)
	}
	if i := firstDiff(got, want); i >= 0 {
		t.Fatalf("sum[%d] = %d, want %d", i, got[i], want[i])
	}
}

func TestTimestamps(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	if c.Info().TimestampValidBits == 0 {
		t.Skip("no timestamps on this device")
	}
	k := smokeKernel(t, c, 64, 1)
	x := gputest.Buffer[float32](t, c, "x", 4096, vk.DeviceLocal)
	y := gputest.Buffer[float32](t, c, "y", 4096, vk.DeviceLocal)
	bound, err := k.Bind(x, y)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := c.NewSequence("timed", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seq.Close)
	for range 3 {
		if err := seq.Dispatch(bound, smokePush{N: 4096, A: 2}, vk.Groups(4096, 64)); err != nil {
			t.Fatal(err)
		}
	}
	if err := seq.Run(); err != nil {
		t.Fatal(err)
	}
	ts, err := seq.Timings()
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 3 {
		t.Fatalf("%d timings, want 3", len(ts))
	}
	var total time.Duration
	for _, tm := range ts {
		if tm.Kernel != "smoke" || tm.Time < 0 || tm.Time > time.Minute {
			t.Errorf("implausible timing %+v", tm)
		}
		total += tm.Time
	}
	if total <= 0 {
		t.Errorf("timings sum to %v", total)
	}
}

const spinSrc = `#version 450
layout(local_size_x = 1) in;
layout(std430, binding = 0) coherent volatile buffer Flag { uint stop; };
layout(std430, binding = 1) buffer Out { uint acc; };
layout(push_constant) uniform P { uint limit; } pc;
void main() {
	uint h = acc;
	for (uint k = 0u; k < pc.limit && stop == 0u; k++) {
		h ^= h << 13;
		h ^= h >> 17;
		h ^= h << 5;
	}
	acc = h;
}
`

// TestHungKernelTimesOut submits a sequence that spins until the host sets a
// flag: the wait must end with ErrTimeout, not hang. Lavapipe ends any loop
// after 65535 iterations, so the spin is spread over many dispatches.
func TestHungKernelTimesOut(t *testing.T) {
	c := gputest.Context(t, vk.Options{Timeout: 100 * time.Millisecond})
	k := gputest.Kernel(t, c, spinSrc, vk.KernelSpec{Name: "spin", Buffers: 2, PushBytes: 4})
	flag := gputest.Buffer[uint32](t, c, "flag", 1, vk.HostVisible)
	out := gputest.Buffer[uint32](t, c, "out", 1, vk.DeviceLocal)
	if err := out.Upload([]uint32{2463534242}); err != nil {
		t.Fatal(err)
	}
	if err := flag.Upload([]uint32{0}); err != nil {
		t.Fatal(err)
	}
	bound, err := k.Bind(flag, out)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := c.NewSequence("spin", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seq.Close)
	for range 1000 {
		if err := seq.Dispatch(bound, []uint32{1 << 30}, [3]uint32{1, 1, 1}); err != nil {
			t.Fatal(err)
		}
	}
	err = seq.Run()
	// Let the kernels end so that the test can release the device.
	if err := flag.Upload([]uint32{1}); err != nil {
		t.Error(err)
	}
	for range 600 {
		if !errors.Is(seq.Wait(), vk.ErrTimeout) {
			break
		}
	}
	if !errors.Is(err, vk.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if !contains(err.Error(), "spin") {
		t.Errorf("error %q does not name the sequence", err)
	}
	if err := seq.Run(); err == nil {
		t.Error("a timed-out context accepted another submission")
	}
}

func TestDispatchLimit(t *testing.T) {
	c := gputest.Context(t, vk.Options{})
	k := smokeKernel(t, c, 64, 0)
	x := gputest.Buffer[float32](t, c, "x", 1, vk.DeviceLocal)
	bound, err := k.Bind(x, x)
	if err != nil {
		t.Fatal(err)
	}
	seq, err := c.NewSequence("limit", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(seq.Close)
	over := c.Info().MaxComputeWorkGroupCount[0] + 1
	if over == 0 {
		t.Skip("the device allows 2^32-1 groups")
	}
	err = seq.Dispatch(bound, smokePush{N: 1}, [3]uint32{over, 1, 1})
	if err == nil || !contains(err.Error(), "maxComputeWorkGroupCount") {
		t.Errorf("err = %v, want one naming maxComputeWorkGroupCount", err)
	}
	if err := seq.Dispatch(bound, []byte{1, 2, 3}, [3]uint32{1, 1, 1}); err == nil {
		t.Error("3 bytes of push constants for an 8-byte block: no error")
	}
}

func ExampleDevices() {
	devs, err := vk.Devices()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range devs {
		fmt.Println(d)
	}
}

func firstDiff[T comparable](a, b []T) int {
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
