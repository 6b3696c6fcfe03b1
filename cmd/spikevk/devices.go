package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spikevk/spikevk/gpu/vk"
)

func devices(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("devices", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: spikevk devices [-json]\n\nlists the Vulkan devices and their limits\n\nflags:")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print the list as JSON")
	rest, err := parseAll(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if len(rest) > 0 {
		fs.Usage()
		return errReported
	}
	devs, err := vk.Devices()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(devs)
	}
	if len(devs) == 0 {
		return vk.ErrNoDevice
	}
	for i, d := range devs {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintln(out, d)
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintf(w, "  device-local memory\t%.1f GiB\n", float64(d.DeviceLocalBytes)/(1<<30))
		fmt.Fprintf(w, "  maxStorageBufferRange\t%d B\n", d.MaxStorageBufferRange)
		fmt.Fprintf(w, "  maxComputeWorkGroupCount\t%v\n", d.MaxComputeWorkGroupCount)
		fmt.Fprintf(w, "  maxComputeWorkGroupSize\t%v (%d invocations)\n", d.MaxComputeWorkGroupSize, d.MaxComputeWorkGroupInvocations)
		fmt.Fprintf(w, "  maxPushConstantsSize\t%d B\n", d.MaxPushConstantsSize)
		fmt.Fprintf(w, "  timestamps\t%d valid bits, %g ns per tick\n", d.TimestampValidBits, d.TimestampPeriod)
		fmt.Fprintf(w, "  int64 / int64 atomics / float32 atomic add\t%v / %v / %v\n", d.Int64, d.Int64Atomics, d.Float32AtomicAdd)
		w.Flush()
	}
	return nil
}
