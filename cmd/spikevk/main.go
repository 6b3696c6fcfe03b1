// Command spikevk is the spikevk command line.
//
// Usage:
//
//	spikevk run [NET.yaml] [-json] [-backend B] [-t MS] [-dt MS] [-out DIR] [-plot] [-set PATH=VALUE] [-sweep PATH=V1,V2,...]
//	            [-window [-screenshot PNG] [-trace G:I] [-knob 'G.P=LO..HI UNIT']]
//	                             run a network file, or the default network (COBA, 4,000 neurons, 1 s), and print its summary
//	spikevk run CONFIG.json [-json] [-backend B] [-t MS]
//	                             run a SONATA point-neuron network (circuit or simulation config)
//	spikevk export -sonata DIR [-target nest|pynn] [NET.yaml]
//	                             write a network file, or the default network, as SONATA for NEST or PyNN
//	spikevk import-spikes FILE.h5 [-out DIR] [-config CONFIG.json]
//	                             convert a SONATA spikes file (NEST's, NEURON's) into a run folder
//	spikevk check NET.yaml [-set PATH=VALUE]
//	                             check a network file without running it
//	spikevk plot [-format png|svg] DIR
//	                             write the standard figures of a run folder into it
//	spikevk bench [-n SIZES] [-backend LIST] [-brian2 auto|yes|no]
//	                             time COBA with 80 synapses per neuron on each backend (and Brian2)
//	spikevk devices [-json]      list Vulkan devices and their limits
//	spikevk smoke [-device D] [-n N]
//	                             run a smoke kernel on a device and check it against the CPU
//	spikevk models               list the built-in neuron models
//	spikevk models show NAME     print a built-in model's (or a model file's) documentation
//	spikevk models check FILE    check a model file and print its errors and warnings
//	spikevk version              print the version
//
// The device is chosen by index or name substring (-device, or
// $SPIKEVK_DEVICE); by default the best one (discrete GPU, integrated GPU,
// virtual GPU, then CPU).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spikevk/spikevk"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: spikevk <command> [flags]

commands:
  run       run a network file (NET.yaml), or the default network (COBA, 4,000 neurons, 1 s),
            and write its recordings; -window shows it live, -plot draws its figures,
            -set changes a value, -sweep runs one network per value
            run CONFIG.json runs a SONATA point-neuron network
  export    write a network file, or the default network, as SONATA (-sonata DIR) for NEST or PyNN
  import-spikes
            convert a SONATA spikes file (another engine's run) into a run folder for plot and numpy
  check     check a network file without running it: errors, warnings, size
  plot      write the standard figures of a run folder (raster, rates, traces, ISIs)
  bench     time COBA with 80 synapses per neuron on each backend and on Brian2
  devices   list Vulkan devices and their limits
  smoke     run a smoke kernel on a device and check it against the CPU
  models    list the built-in models; models show NAME|FILE; models check FILE
  version   print spikevk's version

spikevk <command> -h describes a command's flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		if isSONATA(args[1:]) {
			err = runSONATA(args[1:], stdout, stderr)
		} else {
			err = runCmd(args[1:], stdout, stderr)
		}
	case "export":
		err = exportCmd(args[1:], stdout, stderr)
	case "import-spikes":
		err = importSpikesCmd(args[1:], stdout, stderr)
	case "check":
		err = checkCmd(args[1:], stdout, stderr)
	case "plot":
		err = plotCmd(args[1:], stdout, stderr)
	case "bench":
		err = bench(args[1:], stdout, stderr)
	case "devices":
		err = devices(args[1:], stdout, stderr)
	case "smoke":
		err = smoke(args[1:], stdout, stderr)
	case "models":
		err = modelsCmd(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "spikevk %s %s %s/%s\n", spikevk.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "spikevk: unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err == errHelp {
		return 0
	}
	if err != nil {
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Fprintln(stderr, "spikevk: interrupted")
		case err != errReported:
			fmt.Fprintln(stderr, "spikevk:", err)
		}
		return 1
	}
	return 0
}

// isSONATA reports whether the run arguments name a SONATA config (a
// .json file) rather than a network file.
func isSONATA(args []string) bool {
	for _, a := range args {
		if strings.HasSuffix(a, ".json") && !strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}
