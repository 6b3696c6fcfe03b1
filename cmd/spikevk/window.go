package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/viz/window"
)

// windowFlags are the flags of `spikevk run` for the live window.
type windowFlags struct {
	open       bool
	screenshot string
	span       float64
	speed      float64
	knobs      knobList
	trace      string
}

func (f *windowFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.open, "window", false, "show the network live in a window (h in the window lists the keys)")
	fs.StringVar(&f.screenshot, "screenshot", "", "with -window: write the window's last frame to this PNG file when the run ends, and close it")
	fs.Float64Var(&f.span, "span", 1000, "with -window: ms of spikes in view")
	fs.Float64Var(&f.speed, "speed", 0, "with -window: 0 runs as fast as possible, k > 0 locks the run to real time × k")
	fs.StringVar(&f.trace, "trace", "", "with -window: trace v of this neuron from the start, as GROUP:INDEX (E:12), as a click does")
	fs.Var(&f.knobs, "knob", "with -window: a parameter to turn between batches, as 'group.parameter=LO..HI UNIT' (repeatable; tab picks one, [ and ] turn it)")
}

// check reports window flags given without -window.
func (f *windowFlags) check(fs *flag.FlagSet) error {
	if f.open {
		return nil
	}
	var stray []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "screenshot", "span", "speed", "knob", "trace":
			stray = append(stray, "-"+fl.Name)
		}
	})
	if len(stray) > 0 {
		return fmt.Errorf("run: %s only work with -window", strings.Join(stray, ", "))
	}
	return nil
}

// knobSpec is one -knob: group.parameter=LO..HI UNIT.
type knobSpec struct {
	path   string
	lo, hi float64
	unit   string
}

// knobList collects -knob flags.
type knobList []knobSpec

func (k *knobList) String() string {
	var s []string
	for _, x := range *k {
		s = append(s, fmt.Sprintf("%s=%g..%g %s", x.path, x.lo, x.hi, x.unit))
	}
	return strings.Join(s, ", ")
}

func (k *knobList) Set(v string) error {
	spec, err := parseKnob(v)
	if err != nil {
		return err
	}
	*k = append(*k, spec)
	return nil
}

// parseKnob reads 'group.parameter=LO..HI UNIT' (the unit may be left out
// for a dimensionless parameter, or joined with '*').
func parseKnob(s string) (knobSpec, error) {
	path, rng, ok := strings.Cut(s, "=")
	path = strings.TrimSpace(path)
	if !ok || !strings.Contains(path, ".") {
		return knobSpec{}, fmt.Errorf("knob %q: want group.parameter=LO..HI UNIT, e.g. 'neurons.I=0..200 pA'", s)
	}
	lo, rest, ok := strings.Cut(strings.TrimSpace(rng), "..")
	if !ok {
		return knobSpec{}, fmt.Errorf("knob %q: the range %q has no '..' between its ends", s, rng)
	}
	rest = strings.TrimSpace(rest)
	hi, unit := rest, ""
	if k := strings.IndexAny(rest, " *"); k >= 0 {
		hi, unit = rest[:k], strings.TrimSpace(strings.TrimLeft(rest[k:], " *"))
	}
	spec := knobSpec{path: path, unit: unit}
	var err error
	if spec.lo, err = strconv.ParseFloat(strings.TrimSpace(lo), 64); err != nil {
		return knobSpec{}, fmt.Errorf("knob %q: low end %q is not a number", s, lo)
	}
	if spec.hi, err = strconv.ParseFloat(hi, 64); err != nil {
		return knobSpec{}, fmt.Errorf("knob %q: high end %q is not a number", s, hi)
	}
	if !(spec.hi > spec.lo) || math.IsInf(spec.hi-spec.lo, 0) {
		return knobSpec{}, fmt.Errorf("knob %q: the range %g..%g is empty", s, spec.lo, spec.hi)
	}
	return spec, nil
}

// runWindow runs net for duration ms in the live window, showing bands.
func runWindow(ctx context.Context, net *spikevk.Network, title string, f windowFlags, duration float64, bands []window.Band) (*window.Window, error) {
	opts := window.Options{Title: "spikevk: " + title, Span: f.span, Speed: f.speed, Screenshot: f.screenshot, Bands: bands}
	for _, k := range f.knobs {
		knob, err := net.KnobByName(k.path)
		if err != nil {
			return nil, fmt.Errorf("run: -knob %s: %w", k.path, err)
		}
		opts.Knobs = append(opts.Knobs, &window.Knob{Name: k.path, Lo: k.lo, Hi: k.hi, Value: math.NaN(), Unit: k.unit, Set: knob.Set})
	}
	if f.trace != "" {
		t, err := parseTrace(f.trace, bands)
		if err != nil {
			return nil, err
		}
		opts.Traced = t
	}
	w, err := window.Open(net, opts)
	if err != nil {
		return nil, err
	}
	return w, w.Run(ctx, duration)
}

// parseTrace reads -trace GROUP:INDEX against the bands shown.
func parseTrace(s string, bands []window.Band) (*window.Neuron, error) {
	name, index, ok := strings.Cut(s, ":")
	i, err := strconv.Atoi(index)
	if !ok || err != nil {
		return nil, fmt.Errorf("trace %q: want GROUP:INDEX, e.g. E:12", s)
	}
	var names []string
	for b, band := range bands {
		if band.Name == name {
			if i < 0 || i >= band.Group.N() {
				return nil, fmt.Errorf("trace %q: %s has neurons 0 … %d", s, name, band.Group.N()-1)
			}
			return &window.Neuron{Band: b, Index: i}, nil
		}
		names = append(names, band.Name)
	}
	return nil, fmt.Errorf("trace %q: no group %q shown (shown: %s)", s, name, strings.Join(names, ", "))
}
