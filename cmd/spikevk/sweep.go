package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spikevk/spikevk"
)

// sweepRun is one network of a sweep.
type sweepRun struct {
	Value   string          `json:"value"`
	Dir     string          `json:"dir,omitempty"`
	Summary spikevk.Summary `json:"summary"`
}

// sweepValues splits "path=v1,v2,...": a unit on the last value
// ("0.5*nS") goes to every value that is a plain number.
func sweepValues(spec string) (string, []string, error) {
	path, list, ok := strings.Cut(spec, "=")
	if !ok || path == "" || list == "" {
		return "", nil, fmt.Errorf("run: -sweep %q is not path=v1,v2,...", spec)
	}
	values := strings.Split(list, ",")
	for k, v := range values {
		values[k] = strings.TrimSpace(v)
		if values[k] == "" {
			return "", nil, fmt.Errorf("run: -sweep %q: value %d is empty", spec, k+1)
		}
	}
	last := values[len(values)-1]
	if num, unit, ok := strings.Cut(last, "*"); ok {
		if _, err := strconv.ParseFloat(num, 64); err == nil {
			for k, v := range values[:len(values)-1] {
				if _, err := strconv.ParseFloat(v, 64); err == nil {
					values[k] = v + "*" + unit
				}
			}
		}
	}
	return path, values, nil
}

// runSweep runs the network of path once per value of the sweep, one
// after another, and prints one table (and writes it, as sweep.txt and
// sweep.json, into out with each run's files in a folder of its own).
func runSweep(path, spec string, nf netFlags, cfg spikevk.Config, duration float64, out string, asJSON bool, stdout, stderr io.Writer) error {
	param, values, err := sweepValues(spec)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var runs []sweepRun
	name := ""
	for k, v := range values {
		file, err := nf.load(path)
		if err != nil {
			return err
		}
		if err := file.Set(param, v); err != nil {
			return err
		}
		net, err := file.Build(cfg)
		if err != nil {
			return fmt.Errorf("sweep %s=%s: %w", param, v, err)
		}
		name = title(net, path)
		if err := setDuration(net, duration); err != nil {
			net.Close()
			return err
		}
		r := sweepRun{Value: v}
		if out != "" {
			r.Dir = filepath.Join(out, fmt.Sprintf("run_%02d", k))
			net.Record(r.Dir)
		}
		err = net.Run(ctx)
		for _, w := range net.Warnings() {
			fmt.Fprintf(stderr, "warning: %s=%s: %s\n", param, v, w)
		}
		r.Summary = net.Summary()
		net.Close()
		if err != nil {
			return fmt.Errorf("sweep %s=%s: %w", param, v, err)
		}
		runs = append(runs, r)
	}
	var text bytes.Buffer
	fmt.Fprintf(&text, "%s: sweep of %s over %d values\n", name, param, len(values))
	tw := tabwriter.NewWriter(&text, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tgroup\tneurons\tspikes\trate (Hz)\tCV ISI\t\n", param)
	for _, r := range runs {
		for _, g := range r.Summary.Groups {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f\t%.2f\t\n", r.Value, g.Name, g.N, g.Spikes, g.Rate, g.CV)
		}
	}
	tw.Flush()
	js, err := json.Marshal(struct {
		Network string     `json:"network"`
		Sweep   string     `json:"sweep"`
		Runs    []sweepRun `json:"runs"`
	}{name, param, runs})
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if out != "" {
		if err := os.WriteFile(filepath.Join(out, "sweep.txt"), text.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "sweep.json"), js, 0o644); err != nil {
			return err
		}
	}
	if asJSON {
		_, err = stdout.Write(js)
	} else {
		_, err = stdout.Write(text.Bytes())
	}
	return err
}
