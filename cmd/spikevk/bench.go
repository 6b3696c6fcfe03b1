package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/examples"
	"github.com/spikevk/spikevk/gpu"
	"github.com/spikevk/spikevk/netfile"
)

//go:embed brian2_networks.py
var brian2Script []byte

// benchRow is one line of the benchmark table.
type benchRow struct {
	Backend  string  `json:"backend"`
	Device   string  `json:"device"`
	Neurons  int     `json:"neurons"`
	Synapses int     `json:"synapses"`
	Time     float64 `json:"time_ms"` // biological time simulated
	Build    float64 `json:"build_s"`
	// RealTimeFactor is wall time per biological time of the main loop.
	RealTimeFactor float64 `json:"real_time_factor"`
	EventsPerS     float64 `json:"synaptic_events_per_s"`
	BytesPerSyn    float64 `json:"bytes_per_synapse"`
	DispatchesStep float64 `json:"dispatches_per_step"`
	BarriersStep   float64 `json:"barriers_per_step"`
	SyncsPerS      float64 `json:"syncs_per_biological_s"`
	PeakHostMiB    float64 `json:"peak_host_mib"`
	DeviceMiB      float64 `json:"device_mib"`
	Rate           float64 `json:"rate_hz"`
	Err            string  `json:"error,omitempty"`
}

// bench runs a benchmark network (COBA or CUBA with 80 synapses per neuron
// at several sizes, or the Zerlaut 2019 network of examples/zerlaut2019) on
// each backend, and Brian2's C++ standalone mode where Brian2 is installed
// (COBA and CUBA), and prints a table.
func bench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: spikevk bench [-net coba|cuba|zerlaut|pd14] [-n SIZES] [-backend LIST] [-connectivity LIST] [-workers N] [-rowwalk LIST] [-t MS] [-brian2 auto|yes|no] [-json] [-save FILE]\n\ntimes a benchmark network (COBA or CUBA with 80 synapses per neuron at each size, the Zerlaut 2019 network:\n10,000 neurons, p = 0.05, Poisson afferents, or the PD14 microcircuit) on each backend, and on Brian2's C++ standalone mode\n\nflags:")
		fs.PrintDefaults()
	}
	network := fs.String("net", "coba", "the network: coba, cuba, pd14 (sized by -n; pd14: 77169, the full model) or zerlaut (10,000 neurons)")
	sizes := fs.String("n", "4000,16000,64000,256000", "network sizes (coba and cuba)")
	backends := fs.String("backend", "cpu,vulkan", "backends to time")
	device := fs.String("device", os.Getenv("SPIKEVK_DEVICE"), "Vulkan device, by index or name")
	duration := fs.Float64("t", 1000, "biological time in ms")
	budget := fs.Duration("budget", 2*time.Minute, "wall time allowed per run: a slower configuration simulates less time (see time_ms)")
	connectivity := fs.String("connectivity", "stored", "stored, procedural (rows drawn again on every spike, Config.Procedural), or both: stored,procedural")
	workers := fs.Int("workers", 0, "goroutines of the CPU backend (0: one per core)")
	rowWalk := fs.String("rowwalk", "auto", "how the Vulkan backend walks synapse rows: auto, serial, cooperative, or a list (a row each)")
	brian := fs.String("brian2", "auto", "time Brian2's C++ standalone mode: auto (when installed), yes or no")
	asJSON := fs.Bool("json", false, "print the rows as JSON")
	save := fs.String("save", "", "also write the rows as JSON to this file")
	if rest, err := parseAll(fs, args); err != nil || len(rest) > 0 {
		if err != nil {
			return flagErr(err)
		}
		return fmt.Errorf("bench: unexpected arguments %q", rest)
	}
	build, ok := benchNetworks[*network]
	if !ok {
		return fmt.Errorf("bench: unknown network %q (coba, cuba, zerlaut or pd14)", *network)
	}
	var ns []int
	switch {
	case *network == "zerlaut":
		*sizes = "10000"
	case *network == "pd14" && !flagSet(fs, "n"):
		*sizes = fmt.Sprint(pd14Neurons)
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return fmt.Errorf("bench: bad size %q", s)
		}
		ns = append(ns, n)
	}
	python := brian2Python(*brian)
	if *brian == "yes" && python == "" {
		return errors.New("bench: Brian2 is not installed (Debian: apt-get install python3-brian)")
	}
	if *workers < 0 {
		return fmt.Errorf("bench: -workers %d: want 0 (one per core) or more", *workers)
	}
	var walks []gpu.RowWalk
	for _, w := range strings.Split(*rowWalk, ",") {
		walk, ok := rowWalks[strings.TrimSpace(w)]
		if !ok {
			return fmt.Errorf("bench: unknown row walk %q (auto, serial or cooperative)", w)
		}
		walks = append(walks, walk)
	}
	var procedural []bool
	for _, c := range strings.Split(*connectivity, ",") {
		switch strings.TrimSpace(c) {
		case "stored":
			procedural = append(procedural, false)
		case "procedural":
			procedural = append(procedural, true)
		default:
			return fmt.Errorf("bench: unknown connectivity %q (stored or procedural)", c)
		}
	}
	var rows []benchRow
	for _, n := range ns {
		for _, b := range strings.Split(*backends, ",") {
			b = strings.TrimSpace(b)
			for _, proc := range procedural {
				for k, walk := range walks {
					if k > 0 && (b == "cpu" || proc) {
						break // one way: the CPU backend's, and a thread per spike drawing its row
					}
					cfg := spikevk.Config{Seed: 1, Backend: b, Device: *device, RowWalk: walk, Workers: *workers, Procedural: proc, Progress: io.Discard}
					row := benchSpikevk(build, cfg, n, *duration, *budget)
					fmt.Fprintf(stderr, "%s n=%d: rtf %.3g %s\n", row.Backend, n, row.RealTimeFactor, row.Err)
					rows = append(rows, row)
				}
			}
		}
		if python != "" && (*network == "coba" || *network == "cuba") {
			row := benchBrian2(python, *network, n, *duration)
			fmt.Fprintf(stderr, "brian2 n=%d: rtf %.3g %s\n", n, row.RealTimeFactor, row.Err)
			rows = append(rows, row)
		}
	}
	if *save != "" {
		data, err := json.MarshalIndent(rows, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*save, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rows)
	}
	printBench(stdout, rows)
	return nil
}

// benchSpikevk times one backend on COBA with n neurons: the run is
// shortened, and the table says so, when 10 ms of it predict more than the
// budget.
func benchSpikevk(build benchNetwork, cfg spikevk.Config, n int, duration float64, budget time.Duration) benchRow {
	row := benchRow{Backend: cfg.Backend, Neurons: n}
	if cfg.Backend != "cpu" && cfg.RowWalk != gpu.RowWalkAuto {
		row.Backend += "/" + walkNames[cfg.RowWalk]
	}
	if cfg.Procedural {
		row.Backend += "/procedural"
	}
	resetPeakRSS()
	net, err := build(cfg, n)
	if err != nil {
		row.Err = err.Error()
		return row
	}
	defer net.Close()
	ctx := context.Background()
	if err := net.Run(ctx, 0); err != nil {
		row.Err = err.Error()
		return row
	}
	const probe = 10.0
	if err := net.Run(ctx, probe); err != nil {
		row.Err = err.Error()
		return row
	}
	s0 := net.Summary()
	if predicted := s0.Wall / probe * duration; predicted > budget.Seconds() {
		duration = max(probe, float64(int(budget.Seconds()/s0.Wall*probe/10))*10)
	}
	if err := net.Run(ctx, duration); err != nil {
		row.Err = err.Error()
		return row
	}
	s := net.Summary()
	wall, steps := s.Wall-s0.Wall, float64(s.Stats.Steps-s0.Stats.Steps)
	row.Device, row.Neurons, row.Synapses, row.Time, row.Build = s.Device, s.Neurons, s.Synapses, duration, s.Build
	row.RealTimeFactor = wall / (duration / 1000)
	row.EventsPerS = float64(s.Events-s0.Events) / wall
	if s.Synapses > 0 {
		row.BytesPerSyn = float64(s.SynapseBytes) / float64(s.Synapses)
	}
	row.DispatchesStep = float64(s.Stats.Dispatches-s0.Stats.Dispatches) / steps
	row.BarriersStep = float64(s.Stats.Barriers-s0.Stats.Barriers) / steps
	row.SyncsPerS = float64(s.Stats.Syncs-s0.Stats.Syncs) / (duration / 1000)
	row.PeakHostMiB = peakRSS() / (1 << 20)
	row.DeviceMiB = float64(s.Stats.DeviceBytes) / (1 << 20)
	for _, g := range s.Groups {
		row.Rate = g.Rate
	}
	return row
}

// rowWalks are the values of bench -rowwalk, and walkNames their names.
var (
	rowWalks  = map[string]gpu.RowWalk{"auto": gpu.RowWalkAuto, "serial": gpu.RowWalkSerial, "cooperative": gpu.RowWalkCooperative}
	walkNames = map[gpu.RowWalk]string{gpu.RowWalkAuto: "auto", gpu.RowWalkSerial: "serial", gpu.RowWalkCooperative: "cooperative"}
)

// benchNetwork builds a benchmark network of n neurons.
type benchNetwork func(cfg spikevk.Config, n int) (*spikevk.Network, error)

// benchNetworks are the networks of spikevk bench -net.
var benchNetworks = map[string]benchNetwork{
	"coba": func(cfg spikevk.Config, n int) (*spikevk.Network, error) {
		return spikevk.COBA(cfg, n, 80/float64(n)), nil
	},
	"cuba": func(cfg spikevk.Config, n int) (*spikevk.Network, error) {
		return spikevk.CUBA(cfg, n, 80/float64(n)), nil
	},
	"zerlaut": func(cfg spikevk.Config, _ int) (*spikevk.Network, error) {
		return benchFile(cfg, "examples/zerlaut2019/zerlaut2019.yaml", examples.Zerlaut2019, nil)
	},
	"pd14": func(cfg spikevk.Config, n int) (*spikevk.Network, error) {
		return benchFile(cfg, "examples/pd14/pd14.yaml", examples.PD14, map[string]string{"scale": fmt.Sprint(float64(n) / pd14Neurons)})
	},
}

// pd14Neurons is the size of the full PD14 microcircuit.
const pd14Neurons = 77169

// benchFile builds a network file with -set values.
func benchFile(cfg spikevk.Config, path string, data []byte, sets map[string]string) (*spikevk.Network, error) {
	f, err := netfile.Parse(path, data)
	if err != nil {
		return nil, err
	}
	for k, v := range sets {
		if err := f.Set(k, v); err != nil {
			return nil, err
		}
	}
	net, err := f.Build(cfg)
	if err != nil {
		return nil, err
	}
	return net.Network, nil
}

// brian2Python returns a Python interpreter that imports brian2, or "".
func brian2Python(mode string) string {
	if mode == "no" {
		return ""
	}
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import brian2").Run() == nil {
			return py
		}
	}
	return ""
}

// benchBrian2 times Brian2's C++ standalone mode on the same network.
func benchBrian2(python, network string, n int, duration float64) benchRow {
	row := benchRow{Backend: "brian2", Device: "C++ standalone, 1 thread", Neurons: n, Time: duration}
	dir, err := os.MkdirTemp("", "spikevk-brian2-")
	if err != nil {
		row.Err = err.Error()
		return row
	}
	defer os.RemoveAll(dir)
	script := dir + "/brian2_networks.py"
	if err := os.WriteFile(script, brian2Script, 0o644); err != nil {
		row.Err = err.Error()
		return row
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(python, script, network, strconv.Itoa(n), strconv.FormatFloat(80/float64(n), 'g', -1, 64),
		strconv.FormatFloat(duration, 'g', -1, 64), "1", dir+"/build")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		row.Err = fmt.Sprintf("%v: %s", err, lastLine(errOut.String()))
		return row
	}
	var r struct {
		Synapses int     `json:"synapses"`
		Spikes   int     `json:"spikes"`
		MainLoop float64 `json:"main_loop_s"`
		Build    float64 `json:"build_s"`
	}
	if err := json.Unmarshal([]byte(lastLine(out.String())), &r); err != nil {
		row.Err = fmt.Sprintf("brian2 output %q: %v", lastLine(out.String()), err)
		return row
	}
	row.Synapses, row.Build = r.Synapses, r.Build
	row.RealTimeFactor = r.MainLoop / (duration / 1000)
	row.Rate = float64(r.Spikes) / float64(n) / (duration / 1000)
	if r.MainLoop > 0 {
		// Each spike reaches synapses/n synapses on average.
		row.EventsPerS = float64(r.Spikes) * float64(r.Synapses) / float64(n) / r.MainLoop
	}
	return row
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// resetPeakRSS resets the kernel's peak resident set size of this process
// (Linux; elsewhere the peak covers the whole process).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the peak resident set size in bytes since resetPeakRSS (0
// where /proc is missing).
func peakRSS() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

func printBench(w io.Writer, rows []benchRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "backend\tneurons\tsynapses\tsim (ms)\tbuild (s)\twall/bio s\tevents/s\tB/syn\tdisp/step\tbarr/step\tsyncs/bio s\thost MiB\tdevice MiB\trate (Hz)\t")
	for _, r := range rows {
		if r.Err != "" {
			fmt.Fprintf(tw, "%s\t%d\t\t\t\t\t\t\t\t\t\t\t\t\t%s\n", r.Backend, r.Neurons, r.Err)
			continue
		}
		inside := fmt.Sprintf("%.2f\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f", r.BytesPerSyn, r.DispatchesStep, r.BarriersStep,
			r.SyncsPerS, r.PeakHostMiB, r.DeviceMiB)
		if r.Backend == "brian2" {
			inside = "-\t-\t-\t-\t-\t-" // not measured inside Brian2
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%g\t%.2f\t%.3f\t%.3g\t%s\t%.1f\t\n",
			r.Backend, r.Neurons, r.Synapses, r.Time, r.Build, r.RealTimeFactor, r.EventsPerS, inside, r.Rate)
	}
	tw.Flush()
	devices := map[string]bool{}
	for _, r := range rows {
		if r.Device != "" && !devices[r.Backend+r.Device] {
			devices[r.Backend+r.Device] = true
			fmt.Fprintf(w, "%s: %s\n", r.Backend, r.Device)
		}
	}
}
