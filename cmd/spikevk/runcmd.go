package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/viz/window"
)

// runCmd runs the embedded default network: the COBA benchmark (Brette et
// al. 2007) on the best backend, and prints its summary.
func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	backend := fs.String("backend", "auto", "auto (best Vulkan device, else the CPU reference), vulkan or cpu")
	device := fs.String("device", os.Getenv("SPIKEVK_DEVICE"), "Vulkan device, by index or name")
	size := fs.Int("n", 4000, "neurons (4/5 excitatory)")
	p := fs.Float64("p", 0.02, "connection probability")
	duration := fs.Float64("t", 1000, "biological time in ms")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "spikevk-out", "output folder for the spikes and metadata.json, written during the run and at its end (empty: none)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	plot := fs.Bool("plot", false, "write the standard figures (spikevk plot) into the -out folder after the run")
	var win windowFlags
	win.register(fs)
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if err := win.check(fs); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("run: unexpected arguments %q (the default network takes flags only)", fs.Args())
	}
	if *plot && *out == "" {
		return fmt.Errorf("run: -plot draws the files of -out, which is empty")
	}
	net := spikevk.COBA(spikevk.Config{Seed: *seed, Backend: *backend, Device: *device}, *size, *p)
	defer net.Close()
	net.SpikeMonitor(net.GroupByName("neurons"))
	if *out != "" {
		net.Record(*out)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var runErr error
	if win.open {
		all, ne := net.GroupByName("neurons"), *size*4/5
		w, err := runWindow(ctx, net, win, *duration, []window.Band{{Name: "E", Group: all.Slice(0, ne)}, {Name: "I", Group: all.Slice(ne, *size)}})
		if w == nil {
			return err
		}
		defer w.Close()
		runErr = err
	} else {
		runErr = net.Run(ctx, *duration)
	}
	for _, w := range net.Warnings() {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if runErr != nil && net.Summary().Time == 0 {
		return runErr
	}
	var files []string
	if *out != "" {
		files = append(files, filepath.Join(*out, "spikes_neurons.npz"))
	}
	s := net.Summary()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(struct {
			Network string `json:"network"`
			spikevk.Summary
			Files []string `json:"files"`
		}{"coba", s, files}); err != nil {
			return err
		}
	} else {
		printSummary(stdout, fmt.Sprintf("COBA network (Brette et al. 2007): %d neurons, p = %g", *size, *p), s, files)
	}
	if *plot {
		names := stdout
		if *asJSON {
			names = stderr // stdout holds one JSON object
		}
		if err := plotRun(*out, "png", names); err != nil && runErr == nil {
			runErr = err
		}
	}
	return runErr
}

// printSummary prints a run's summary as a table.
func printSummary(w io.Writer, title string, s spikevk.Summary, files []string) {
	fmt.Fprintln(w, title)
	fmt.Fprint(w, s)
	for _, f := range files {
		fmt.Fprintln(w, "spikes written to", f)
	}
}
