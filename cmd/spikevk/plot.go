package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/spikevk/spikevk/viz"
)

// plotCmd writes the standard figures of a run folder next to its files.
func plotCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "png", "png or svg")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk plot [-format png|svg] DIR\n\nwrites the standard figures of a run folder (spikevk run -out DIR) into it")
		fs.PrintDefaults()
	}
	rest, err := parseAll(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if len(rest) != 1 {
		fs.Usage()
		return errReported
	}
	return plotRun(rest[0], *format, stdout)
}

// plotRun writes the standard figures of the run folder dir and names them.
func plotRun(dir, format string, stdout io.Writer) error {
	run, err := viz.LoadRun(dir)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	files, err := viz.Standard(run, dir, format)
	for _, f := range files {
		fmt.Fprintln(stdout, "figure written to", f)
	}
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
