package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/spikevk/spikevk"
)

// checkCmd builds a network file on the CPU backend without running it
// (the synapses drawn, the values filled) and prints its warnings and
// size.
func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk check NET.yaml [-set path=value ...]\n\nchecks a network file without running it: errors, warnings (unstable rest, zero weights,\ninitial states above threshold) and the network's size\n\nflags:")
		fs.PrintDefaults()
	}
	var nf netFlags
	nf.register(fs)
	path, err := parseArgs(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if path == "" {
		fs.Usage()
		return errReported
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
	if err := net.Network.Run(context.Background(), 0); err != nil {
		return err
	}
	warnings := net.Warnings()
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	sum := net.Summary()
	groups := 0
	for _, g := range net.Groups() {
		if !g.Internal() {
			groups++
		}
	}
	fmt.Fprintf(stdout, "%s: %d groups, %d neurons, %d synapses, %g ms in %s; %d warnings\n",
		path, groups, sum.Neurons, sum.Synapses, net.Duration(), plural(len(net.Schedule), "segment"), len(warnings))
	return nil
}

// plural is "1 segment", "2 segments".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
