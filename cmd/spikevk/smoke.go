package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/shaders"
)

// smoke runs shaders/kernels/smoke.comp (y = a*x + scale*i) on a device and
// checks every element against the same float32 operations in Go.
func smoke(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("smoke", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: spikevk smoke [-device D] [-n N]\n\nruns a smoke kernel (y = a*x + scale*i) on a Vulkan device and checks it against the CPU\n\nflags:")
		fs.PrintDefaults()
	}
	device := fs.String("device", "", "device index or name substring (default: $SPIKEVK_DEVICE or the best device)")
	n := fs.Int("n", 1<<20, "number of elements")
	if rest, err := parseAll(fs, args); err != nil || len(rest) > 0 {
		if err != nil {
			return flagErr(err)
		}
		return fmt.Errorf("smoke: unexpected arguments %q", rest)
	}
	if *n < 1 {
		return fmt.Errorf("smoke: -n must be at least 1, got %d", *n)
	}
	start := time.Now()
	c, err := vk.NewContext(vk.Options{Device: *device})
	if err != nil {
		return err
	}
	defer c.Close()
	src, err := shaders.Kernel("smoke")
	if err != nil {
		return err
	}
	code, err := shaders.Compile("smoke", src, shaders.Options{})
	if err != nil {
		return err
	}
	const local, scale, a = 64, float32(0.25), float32(1.5)
	k, err := c.NewKernel(vk.KernelSpec{Name: "smoke", Code: code, Buffers: 2, PushBytes: 8,
		Spec: []uint32{local, math.Float32bits(scale)}})
	if err != nil {
		return err
	}
	defer k.Close()
	x, err := vk.NewBuffer[float32](c, "x", *n, vk.DeviceLocal)
	if err != nil {
		return err
	}
	defer x.Close()
	y, err := vk.NewBuffer[float32](c, "y", *n, vk.DeviceLocal)
	if err != nil {
		return err
	}
	defer y.Close()
	in := make([]float32, *n)
	for i := range in {
		in[i] = float32(i%1000) * 0.001
	}
	if err := x.Upload(in); err != nil {
		return err
	}
	bound, err := k.Bind(x, y)
	if err != nil {
		return err
	}
	seq, err := c.NewSequence("smoke", c.Info().TimestampValidBits > 0)
	if err != nil {
		return err
	}
	defer seq.Close()
	push := struct {
		N uint32
		A float32
	}{uint32(*n), a}
	if err := seq.Dispatch(bound, push, vk.Groups(*n, local)); err != nil {
		return err
	}
	if err := seq.Run(); err != nil {
		return err
	}
	got, err := y.Download()
	if err != nil {
		return err
	}
	for i, v := range got {
		want := float32(a*in[i]) + float32(scale*float32(i))
		if math.Float32bits(v) != math.Float32bits(want) {
			return fmt.Errorf("smoke: y[%d] = %v on %s, want %v", i, v, c.Info().Name, want)
		}
	}
	fmt.Fprintf(out, "smoke: %d elements on %s: GPU equals CPU bit for bit", *n, c.Info())
	if ts, err := seq.Timings(); err == nil && len(ts) == 1 {
		fmt.Fprintf(out, " (kernel %v)", ts[0].Time)
	}
	fmt.Fprintf(out, "; total %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}
