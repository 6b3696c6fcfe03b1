//go:build !nohdf5

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/sonata"
)

// exportCmd writes a network file, or the default network, as a SONATA
// circuit and simulation for NEST or PyNN.
func exportCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk export -sonata DIR [-target nest|pynn] [NET.yaml] [flags]\n\n"+
			"writes a network file (without one, the default COBA network) as a SONATA circuit and simulation\n"+
			"that NEST (nest.SonataNetwork) or PyNN (import_from_sonata) loads, with the synapses, weights and\n"+
			"delays spikevk draws for the file's seed; spikevk run DIR/circuit_config.json runs it again\n\nflags:")
		fs.PrintDefaults()
	}
	dir := fs.String("sonata", "", "output folder (required)")
	target := fs.String("target", "nest", "nest (NEST names and units, signed weights) or pynn (PyNN names and units, receptor_type)")
	duration := fs.Float64("t", 0, "run time in ms instead of the file's duration")
	var nf netFlags
	nf.register(fs)
	path, err := parseArgs(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if *dir == "" {
		return argsError{"export: -sonata DIR names the output folder"}
	}
	file, err := nf.load(path)
	if err != nil {
		return err
	}
	net, err := file.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		return err
	}
	defer net.Close()
	ms := net.Duration()
	if *duration != 0 {
		ms = *duration
	}
	start := time.Now()
	res, err := sonata.Export(net.Network, *dir, sonata.Options{Target: sonata.Target(strings.ToLower(*target)), Duration: ms})
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: %d nodes, %d synapses, %g ms, %d files, %.1f MB in %s (%s)\n", *dir, res.Nodes, res.Synapses, ms,
		len(res.Files), float64(res.Bytes)/1e6, time.Since(start).Round(time.Millisecond), *target)
	return nil
}

// runSONATA runs a SONATA circuit or simulation config and prints its
// summary.
func runSONATA(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk run CONFIG.json [flags]\n\nruns a SONATA point-neuron network\n\nflags:")
		fs.PrintDefaults()
	}
	backend := fs.String("backend", "", "auto (best Vulkan device, else the CPU reference), vulkan or cpu")
	device := fs.String("device", os.Getenv("SPIKEVK_DEVICE"), "Vulkan device, by index or name")
	duration := fs.Float64("t", 0, "biological time in ms instead of the simulation config's run.tstop")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	path, err := parseArgs(fs, args)
	if err != nil {
		return flagErr(err)
	}
	sim, err := sonata.Open(path, spikevk.Config{Backend: *backend, Device: *device})
	if err != nil {
		return err
	}
	defer sim.Close()
	ms := sim.Duration
	if *duration != 0 {
		ms = *duration
	}
	if !(ms > 0) {
		return errors.New("run: no run time: the config has no simulation config with run.tstop; give -t MS")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := sim.Run(ctx, ms); err != nil && sim.Summary().Time == 0 {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			Network string `json:"network"`
			spikevk.Summary
		}{path, sim.Summary()})
	}
	n := 0
	for _, g := range sim.Populations {
		n += g.N()
	}
	printSummary(stdout, fmt.Sprintf("%s: SONATA, %d nodes", path, n), sim.Summary(), nil)
	return nil
}
