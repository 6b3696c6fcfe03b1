package netfile_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/netfile"
)

// features is a network file that uses most keys: constants, a timed
// array, equations written in place with parameter defaults, a Poisson
// group, a spike generator, currents, delays, a state monitor and a
// schedule that turns a knob.
const features = `dt: 0.1*ms
seed: 3
constants:
  rate: 20*Hz
  w_ff: 0.5*mV
timed_arrays:
  ramp_ta: {values: [0, 100, 50], unit: pA, dt: 10*ms}
groups:
  cells:
    model: |
      dv/dt = (E_L - v)/tau + (I + I2)/C : volt (unless refractory)
      E_L : volt
      tau : second
      C : farad
      I : amp
      I2 : amp
    threshold: v > -50*mV
    reset: v = -65*mV
    refractory: 2*ms
    parameters: {E_L: -65*mV, tau: 10*ms, C: 200*pF}
    n: 20
    set: {v: E_L + rand()*10*mV}
    inject:
      I: {step: {times: [0*ms, 20*ms], amplitudes: [0*pA, 300*pA]}}
      I2: ramp_ta(t)
  drive:
    rate: rate
    n: 50
  stim:
    n: 2
    spikes: {i: [0, 1, 0], t: [5*ms, 7*ms, 30*ms]}
synapses:
  ff:
    pre: drive
    post: cells
    on_pre: v_post += w_ff
    connect: {p: 0.2}
    delay: 1*ms
  st:
    pre: stim
    post: cells
    model: "w : volt"
    on_pre: v_post += w
    connect: all
    set: {w: 3*mV}
monitors:
  spikes: [cells]
  states: [{group: cells, vars: [v], every: 1*ms, neurons: [0, 5]}]
schedule:
  - duration: 20*ms
  - duration: 20*ms
    set: {cells.tau: 15*ms}
`

// twin builds the network of features with the Go API, its model from
// a model file.
func twin(t *testing.T) (*spikevk.Network, *spikevk.SpikeMonitor, *spikevk.StateMonitor, *spikevk.Knob) {
	net := spikevk.New(spikevk.Config{Seed: 3, Backend: "cpu"})
	t.Cleanup(func() { net.Close() })
	net.TimedArray("ramp_ta", []float64{0, 100, 50}, "pA", 10)
	model := filepath.Join(t.TempDir(), "cell.yaml")
	if err := os.WriteFile(model, []byte(`equations: |
  dv/dt = (E_L - v)/tau + (I + I2)/C : volt (unless refractory)
  E_L : volt
  tau : second
  C : farad
  I : amp
  I2 : amp
threshold: v > -50*mV
reset: v = -65*mV
refractory: 2*ms
parameters: {E_L: -65*mV, tau: 10*ms, C: 200*pF}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cells := net.Group("cells", 20, spikevk.LoadModel(model))
	cells.Set("v", "E_L + rand()*10*mV")
	cells.Inject("I", spikevk.Step([]float64{0, 20}, []string{"0*pA", "300*pA"}))
	cells.Inject("I2", spikevk.Expression("ramp_ta(t)"))
	drive := net.PoissonGroup("drive", 50, "(20*Hz)")
	stim := net.SpikeGenerator("stim", 2, []int{0, 1, 0}, []float64{5, 7, 30})
	net.Connect("ff", drive, cells, spikevk.Synapses{OnPre: "v_post += (0.5*mV)"}, spikevk.FixedProbability(0.2)).SetDelay("1*ms")
	net.Connect("st", stim, cells, spikevk.Synapses{Model: "w : volt", OnPre: "v_post += w"}, spikevk.AllToAll()).Set("w", "3*mV")
	sm := net.SpikeMonitor(cells)
	st := net.StateMonitor(cells, []string{"v"}, 1, 0, 5)
	return net, sm, st, cells.Knob("tau")
}

// TestFeatures checks a network file against the same network built with
// the Go API: the same spikes and traces, bit for bit.
func TestFeatures(t *testing.T) {
	net := build(t, "features.yaml", features)
	if len(net.Schedule) != 2 || net.Duration() != 40 {
		t.Fatalf("schedule %+v", net.Schedule)
	}
	fileSpikes := net.SpikeMonitor(net.GroupByName("cells"))
	fileStates := net.StateMonitor(net.GroupByName("cells"), []string{"v"}, 1, 0, 5)
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	segs := net.Segments
	if len(segs) != 2 || segs[0].End != 20 || segs[1].Start != 20 || segs[1].End != 40 {
		t.Fatalf("segments %+v", segs)
	}
	for gi, g := range net.Summary().Groups {
		if a, b := segs[0].Groups[gi].Spikes, segs[1].Groups[gi].Spikes; a+b != g.Spikes {
			t.Errorf("group %s: %d + %d spikes in the segments, %d in all", g.Name, a, b, g.Spikes)
		}
	}
	ref, sm, st, tau := twin(t)
	ctx := context.Background()
	if err := ref.Run(ctx, 20); err != nil {
		t.Fatal(err)
	}
	if err := tau.Set("15*ms"); err != nil {
		t.Fatal(err)
	}
	if err := ref.Run(ctx, 20); err != nil {
		t.Fatal(err)
	}
	i1, t1 := fileSpikes.Spikes()
	i2, t2 := sm.Spikes()
	if len(i1) == 0 || !slices.Equal(i1, i2) || !slices.Equal(t1, t2) {
		t.Errorf("file: %d spikes, Go API: %d", len(i1), len(i2))
	}
	_, v1, err := fileStates.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	_, v2, _ := st.Values("v")
	if len(v1) != 40 || !slices.EqualFunc(v1, v2, slices.Equal) {
		t.Errorf("traces differ (%d and %d samples)", len(v1), len(v2))
	}
}

// TestArrayFiles checks values, pairs and spikes read from files next to
// the network file.
func TestArrayFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("taus.csv", "# tau in ms\n10\n20\n30\n")
	write("pairs.txt", "0 1\n1 2\n")
	write("spikes.txt", "i,t\n0,1.0\n1,2.5\n")
	write("net.yaml", `groups:
  src:
    n: 2
    spikes: spikes.txt
  cells:
    model: lif_cuba_exp
    n: 3
    set: {tau_m: {file: taus.csv, unit: ms}}
synapses:
  c:
    pre: src
    post: cells
    model: "w : volt"
    on_pre: v_post += w
    connect: {file: pairs.txt}
    set: {w: 1*mV}
duration: 5*ms
`)
	f, err := netfile.Load(filepath.Join(dir, "net.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := f.Build(spikevk.Config{Backend: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	tau, _ := net.GroupByName("cells").Get("tau_m")
	if !slices.Equal(tau, []float32{10, 20, 30}) {
		t.Errorf("tau_m %v, want 10, 20, 30 (ms)", tau)
	}
	i, j, err := net.ProjectionByName("c").Synapses()
	if err != nil || !slices.Equal(i, []int{0, 1}) || !slices.Equal(j, []int{1, 2}) {
		t.Errorf("synapses %v → %v (%v), want 0 → 1, 1 → 2", i, j, err)
	}
}
