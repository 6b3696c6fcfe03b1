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
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/examples"
	"github.com/spikevk/spikevk/netfile"
	"github.com/spikevk/spikevk/viz/window"
)

// netFlags are the flags of the commands that build a network file.
type netFlags struct {
	sets setList
	dt   float64
}

func (f *netFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&f.dt, "dt", 0, "time step in ms instead of the file's dt")
	fs.Var(&f.sets, "set", "override a value of the network file, as path=value (repeatable): -set afferents.rate=4*Hz, -set size=8000, -set exc.w=8*nS")
}

// setList collects -set flags.
type setList [][2]string

func (s *setList) String() string { return fmt.Sprint(*s) }

func (s *setList) Set(v string) error {
	path, value, ok := strings.Cut(v, "=")
	if !ok || path == "" || value == "" {
		return fmt.Errorf("%q is not path=value", v)
	}
	*s = append(*s, [2]string{path, value})
	return nil
}

// load reads the network file path (empty: the default network) and
// applies the -set flags.
func (f *netFlags) load(path string) (*netfile.File, error) {
	var file *netfile.File
	var err error
	if path == "" {
		file, err = netfile.Parse("default network (spikevk run -print-default)", examples.COBA)
	} else {
		file, err = netfile.Load(path)
	}
	if err != nil {
		return nil, err
	}
	sets := f.sets
	if f.dt != 0 {
		if !(f.dt > 0) {
			return nil, fmt.Errorf("-dt %g: the time step must be positive", f.dt)
		}
		sets = append(setList{{"dt", strconv.FormatFloat(f.dt, 'g', -1, 64) + "*ms"}}, sets...)
	}
	for _, s := range sets {
		if err := file.Set(s[0], s[1]); err != nil {
			return nil, err
		}
	}
	return file, nil
}

// parseAll parses flags anywhere among the arguments, and returns the
// other arguments in order.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseArgs parses flags before and after the one file argument, which it
// returns ("" when there is none).
func parseArgs(fs *flag.FlagSet, args []string) (string, error) {
	rest, err := parseAll(fs, args)
	switch {
	case err != nil:
		return "", err
	case len(rest) == 0:
		return "", nil
	case len(rest) > 1:
		return "", argsError{fmt.Sprintf("%s: unexpected arguments %q after the file %s", fs.Name(), rest[1:], rest[0])}
	}
	return rest[0], nil
}

// argsError is a mistake in the arguments that no flag set printed.
type argsError struct{ msg string }

func (e argsError) Error() string { return e.msg }

// flagErr maps an argument error to what run returns: -h is a success, an
// argsError is printed by run, other errors were printed by the flag set.
func flagErr(err error) error {
	var args argsError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case errors.As(err, &args):
		return err
	}
	return errReported
}

// runCmd runs a network file, or the embedded default network: the COBA
// benchmark (Brette et al. 2007) on the best backend, and prints its
// summary.
func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk run [NET.yaml] [flags]\n\nruns a network file (without one, the default COBA network) and prints its summary\n\nflags:")
		fs.PrintDefaults()
	}
	backend := fs.String("backend", "", "auto (best Vulkan device, else the CPU reference), vulkan or cpu; default: the file's, else auto")
	device := fs.String("device", os.Getenv("SPIKEVK_DEVICE"), "Vulkan device, by index or name")
	duration := fs.Float64("t", 0, "biological time in ms instead of the file's duration")
	out := fs.String("out", "spikevk-out", "output folder for the recordings and metadata.json, written during the run and at its end (empty: none); default: the file's output, else spikevk-out")
	procedural := fs.Bool("procedural", false, "draw the rows of fixed_probability synapses with one value per variable again on every spike instead of storing them")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	plot := fs.Bool("plot", false, "write the standard figures (spikevk plot) into the -out folder after the run")
	printDefault := fs.Bool("print-default", false, "print the default network file and exit")
	sweep := fs.String("sweep", "", "run one network per value and print one table, as path=v1,v2,...: -sweep 'gap.g_c=0,0.05,0.2*nS' (a unit on the last value applies to all)")
	every := fs.Float64("checkpoint-every", 0, "write a checkpoint into the -out folder every this many ms of biological time and when interrupted, to go on from with -resume (0: none)")
	resume := fs.String("resume", "", "go on with the run whose -out folder this is, from its last checkpoint: give the same network file and -set values")
	var nf netFlags
	nf.register(fs)
	var win windowFlags
	win.register(fs)
	path, err := parseArgs(fs, args)
	if err != nil {
		return flagErr(err)
	}
	if *printDefault {
		_, err := stdout.Write(examples.COBA)
		return err
	}
	if err := win.check(fs); err != nil {
		return err
	}
	if *plot && *out == "" {
		return fmt.Errorf("run: -plot draws the files of -out, which is empty")
	}
	cfg := spikevk.Config{Backend: *backend, Device: *device, Procedural: *procedural}
	switch {
	case *every < 0:
		return fmt.Errorf("run: -checkpoint-every %g ms is negative", *every)
	case (*every > 0 || *resume != "") && (win.open || *sweep != ""):
		return fmt.Errorf("run: -checkpoint-every and -resume are for one run without a window, not with -window or -sweep")
	case *resume != "" && flagSet(fs, "out") && filepath.Clean(*out) != filepath.Clean(*resume):
		return fmt.Errorf("run: -resume %s goes on writing into that folder, not into -out %s", *resume, *out)
	}
	if *sweep != "" {
		if win.open || *plot {
			return fmt.Errorf("run: -sweep runs several networks; -window and -plot show one")
		}
		return runSweep(path, *sweep, nf, cfg, *duration, *out, *asJSON, stdout, stderr)
	}
	file, err := nf.load(path)
	if err != nil {
		return err
	}
	net, err := file.Build(cfg)
	if err != nil {
		return err
	}
	defer net.Close()
	if err := setDuration(net, *duration); err != nil {
		return err
	}
	if net.Output != "" && !flagSet(fs, "out") { // the file's output folder, unless -out says otherwise
		*out = net.Output
	}
	if *resume != "" {
		*out = *resume
	}
	if *every > 0 && *out == "" {
		return fmt.Errorf("run: -checkpoint-every writes into the -out folder, which is empty")
	}
	if *out != "" {
		net.Record(*out)
	}
	if *resume != "" {
		from, err := resumeFrom(net, *resume)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "resuming at %g ms from %s\n", net.Summary().Time, from)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var runErr error
	if win.open {
		if len(net.Schedule) > 1 {
			return fmt.Errorf("run: -window runs one segment; the file has a schedule of %d", len(net.Schedule))
		}
		w, err := runWindow(ctx, net.Network, title(net, path), win, net.Duration(), bands(net))
		if w == nil {
			return err
		}
		defer w.Close()
		runErr = err
	} else {
		var save func() error
		if *every > 0 {
			save = func() error { return saveCheckpoint(net, *out) }
		}
		runErr = net.RunEvery(ctx, *every, save)
		if ctx.Err() != nil && save != nil && net.Summary().Time > 0 {
			// Interrupted: a checkpoint of where it stopped, to go on from.
			if err := save(); err != nil {
				fmt.Fprintln(stderr, "warning: no checkpoint of the interrupted run:", err)
			}
		}
	}
	for _, w := range net.Warnings() {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if runErr != nil && net.Summary().Time == 0 {
		return runErr
	}
	files := spikeFiles(net)
	s := net.Summary()
	if *asJSON {
		var segments []netfile.SegmentSummary
		if len(net.Schedule) > 1 {
			segments = net.Segments
		}
		if err := json.NewEncoder(stdout).Encode(struct {
			Network string `json:"network"`
			spikevk.Summary
			Segments []netfile.SegmentSummary `json:"segments,omitempty"`
			Files    []string                 `json:"files"`
		}{title(net, path), s, segments, files}); err != nil {
			return err
		}
	} else {
		printSummary(stdout, headline(net, path), s, files)
		if len(net.Schedule) > 1 {
			printSegments(stdout, net.Segments)
		}
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

// flagSet reports whether the flag name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// setDuration makes a one-segment schedule last ms (0: as the file says).
func setDuration(net *netfile.Network, ms float64) error {
	switch {
	case ms == 0:
		return nil
	case !(ms > 0):
		return fmt.Errorf("run: -t %g: the duration must be positive", ms)
	case len(net.Schedule) > 1:
		return fmt.Errorf("run: -t: the file has a schedule of %d segments (%g ms); change it in the file", len(net.Schedule), net.Duration())
	}
	net.Schedule[0].Duration = ms
	return nil
}

// title names the network: its name in the file, else the file's name.
func title(net *netfile.Network, path string) string {
	if net.Name != "" {
		return net.Name
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// headline is the first line of the summary table.
func headline(net *netfile.Network, path string) string {
	n := 0
	for _, g := range net.Groups() {
		if !g.Internal() {
			n += g.N()
		}
	}
	line := fmt.Sprintf("%s: %d neurons", title(net, path), n)
	if d := strings.TrimSpace(net.Description); d != "" {
		line += "\n" + d
	}
	return line
}

// bands are the rows of the window: the named subgroups, or the groups
// when there are none.
func bands(net *netfile.Network) []window.Band {
	groups := net.Subgroups()
	if len(groups) == 0 {
		for _, g := range net.Groups() {
			if !g.Internal() {
				groups = append(groups, g)
			}
		}
	}
	var out []window.Band
	for _, g := range groups {
		out = append(out, window.Band{Name: g.Name(), Group: g})
	}
	return out
}

// spikeFiles lists the spike files that Record writes.
func spikeFiles(net *netfile.Network) []string {
	var files []string
	for _, f := range net.RecordFiles() {
		if strings.HasPrefix(filepath.Base(f), "spikes_") {
			files = append(files, f)
		}
	}
	return files
}

// printSegments prints the spikes and rates of each group in each segment
// of a schedule.
func printSegments(w io.Writer, segs []netfile.SegmentSummary) {
	fmt.Fprintln(w, "\nper segment of the schedule:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "segment\tms\tgroup\tspikes\trate (Hz)\t")
	for _, s := range segs {
		for _, g := range s.Groups {
			fmt.Fprintf(tw, "%d\t%g–%g\t%s\t%d\t%.2f\t\n", s.Segment, s.Start, s.End, g.Name, g.Spikes, g.Rate)
		}
	}
	tw.Flush()
}

// printSummary prints a run's summary as a table.
func printSummary(w io.Writer, title string, s spikevk.Summary, files []string) {
	fmt.Fprintln(w, title)
	fmt.Fprint(w, s)
	for _, f := range files {
		fmt.Fprintln(w, "spikes written to", f)
	}
}
