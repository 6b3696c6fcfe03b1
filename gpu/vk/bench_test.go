package vk_test

import (
	"fmt"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
)

// BenchmarkDispatch measures the cost of one dispatch inside a batched
// sequence: 1,000 dependent dispatches of the smoke kernel per submission,
// recorded once and resubmitted. Metric ns/dispatch includes the barrier
// between dispatches; at 64 elements it is almost all overhead.
func BenchmarkDispatch(b *testing.B) {
	c := gputest.Context(b, vk.Options{})
	k := smokeKernel(b, c, 64, 1)
	for _, n := range []int{64, 4096, 65536} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := gputest.Buffer[float32](b, c, "x", n, vk.DeviceLocal)
			y := gputest.Buffer[float32](b, c, "y", n, vk.DeviceLocal)
			xy, err := k.Bind(x, y)
			if err != nil {
				b.Fatal(err)
			}
			yx, err := k.Bind(y, x)
			if err != nil {
				b.Fatal(err)
			}
			seq, err := c.NewSequence("bench", false)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(seq.Close)
			const perSubmit = 1000
			for i := range perSubmit {
				bound := xy
				if i%2 == 1 {
					bound = yx
				}
				if err := seq.Dispatch(bound, smokePush{N: uint32(n), A: 0.5}, vk.Groups(n, 64)); err != nil {
					b.Fatal(err)
				}
			}
			if err := seq.Record(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if err := seq.Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perSubmit), "ns/dispatch")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perSubmit*n), "ns/element")
		})
	}
}

// BenchmarkTransfer measures upload and download bandwidth of a 16 MiB
// buffer, mapped directly or through the staging buffer.
func BenchmarkTransfer(b *testing.B) {
	const n = 4 << 20 // float32 elements: 16 MiB
	for _, m := range []struct {
		name string
		opts vk.Options
		mem  vk.Memory
	}{
		{"device", vk.Options{}, vk.DeviceLocal},
		{"host", vk.Options{}, vk.HostVisible},
		{"staging", vk.ForceStaging(vk.Options{}), vk.DeviceLocal},
	} {
		c := gputest.Context(b, m.opts)
		buf := gputest.Buffer[float32](b, c, "data", n, m.mem)
		data := make([]float32, n)
		b.Run("upload/"+m.name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				if err := buf.Upload(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("download/"+m.name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				if err := buf.Read(0, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
