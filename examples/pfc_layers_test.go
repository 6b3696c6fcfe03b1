package examples_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/spikevk/spikevk"
)

// pfcTwin is pfc_layers.yaml written with the Go API: the network of
// TestSeed002Exact (seeds_test.go) with its seed, and the STDP synapses
// from input to memory.
func pfcTwin() (*spikevk.Network, *spikevk.Projection) {
	net := spikevk.New(spikevk.Config{Seed: 11922, Backend: "cpu"})
	in := net.PoissonGroup("input", 50, "5*Hz")
	in.Slice(0, 25).Set("rates", "5*Hz + 45*Hz*(i % 2)")             // image A: every other pixel on
	in.Slice(25, 50).Set("rates", "5*Hz + 45*Hz*clip(10 - i, 0, 1)") // image B: the top two rows on
	mem := net.Group("memory", 25, spikevk.Builtin("lif_coba_exp"))
	out := net.Group("output", 2, spikevk.Builtin("lif_coba_exp"))
	for _, g := range []*spikevk.Group{mem, out} {
		g.Set("v", "E_L + rand()*(V_th - E_L)")
	}
	exc := spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"}
	plastic := net.Connect("input_memory", in, mem, spikevk.STDPSynapses("g_e", "20*nS"), spikevk.AllToAll()).Set("w", "rand()")
	net.Connect("input_output", in, out, exc, spikevk.AllToAll()).Set("w", "0.5*nS + rand()*nS")
	net.Connect("memory_memory", mem, mem, exc, spikevk.FixedProbability(0.3)).Set("w", "3*nS").SetDelay("1*ms")
	net.Connect("memory_output", mem, out, exc, spikevk.AllToAll()).Set("w", "2*nS")
	net.Connect("output_output", out, out, spikevk.Synapses{Model: "w : siemens", OnPre: "g_i_post += w"}, spikevk.AllToAll()).Set("w", "40*nS")
	return net, plastic
}

// sameBits reports whether two float32 slices are equal bit for bit.
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// TestPFCLayersTwin checks that pfc_layers.yaml builds the network of
// TestSeed002Exact: over its first schedule segment (500 ms, both images
// on) the input, memory and output groups spike as the Go API's, spike for
// spike, and the 1,250 STDP weights and the final v end equal bit for bit.
func TestPFCLayersTwin(t *testing.T) {
	file := load(t, "pfc_layers")
	ref, refSyn := pfcTwin()
	defer ref.Close()
	groups := []string{"input", "memory", "output"}
	var mons [2][]*spikevk.SpikeMonitor
	for k, net := range []*spikevk.Network{file.Network, ref} {
		for _, name := range groups {
			mons[k] = append(mons[k], net.SpikeMonitor(net.GroupByName(name)))
		}
	}
	ms := file.Schedule[0].Duration
	if ms != 500 || len(file.Schedule[0].Changes) != 0 {
		t.Fatalf("the schedule's first segment is %g ms with %d changes, not TestSeed002Exact's 500 ms with none", ms, len(file.Schedule[0].Changes))
	}
	for _, net := range []*spikevk.Network{file.Network, ref} {
		if err := net.Run(context.Background(), ms); err != nil {
			t.Fatal(err)
		}
	}
	for k, name := range groups {
		ia, ta := mons[0][k].Spikes()
		ib, tb := mons[1][k].Spikes()
		t.Logf("%s: %d spikes from the file, %d from the Go API", name, len(ia), len(ib))
		if len(ia) == 0 || !slices.Equal(ia, ib) || !slices.Equal(ta, tb) {
			t.Errorf("%s: %d spikes from the file, %d from the Go API, not the same", name, len(ia), len(ib))
		}
	}
	for _, name := range groups[1:] {
		a, err := file.GroupByName(name).Get("v")
		if err != nil {
			t.Fatal(err)
		}
		b, err := ref.GroupByName(name).Get("v")
		if err != nil {
			t.Fatal(err)
		}
		if !sameBits(a, b) {
			t.Errorf("%s: v after %g ms differs between the file and the Go API", name, ms)
		}
	}
	a, err := file.ProjectionByName("input_memory").Get("w")
	if err != nil {
		t.Fatal(err)
	}
	b, err := refSyn.Get("w")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 25*50 || !sameBits(a, b) {
		t.Errorf("STDP weights after %g ms differ between the file (%d) and the Go API (%d)", ms, len(a), len(b))
	}
}

// pfcSegment counts the spikes of one schedule segment.
type pfcSegment struct {
	memory int    // spikes of the memory layer
	output [2]int // spikes of each output neuron
	both   int    // time steps in which both output neurons spiked
	ms     float64
}

// runPFCSchedule runs pfc_layers.yaml's schedule, with -set overrides as
// pairs, and counts the spikes of each segment.
func runPFCSchedule(t *testing.T, sets ...string) []pfcSegment {
	t.Helper()
	net := load(t, "pfc_layers", sets...)
	mem := net.SpikeMonitor(net.GroupByName("memory"))
	out := net.SpikeMonitor(net.GroupByName("output"))
	var segs []pfcSegment
	for k, s := range net.Schedule {
		for _, c := range s.Changes {
			if err := c.Knob.Set(c.Value); err != nil {
				t.Fatalf("segment %d: %v", k+1, err)
			}
		}
		m0, o0 := mem.Count(), out.Count()
		if err := net.Network.Run(context.Background(), s.Duration); err != nil {
			t.Fatal(err)
		}
		seg := pfcSegment{memory: mem.Count() - m0, ms: s.Duration}
		i, ts := out.Spikes()
		for n := o0; n < len(i); n++ {
			seg.output[i[n]]++
			if n > o0 && ts[n] == ts[n-1] {
				seg.both++
			}
		}
		segs = append(segs, seg)
	}
	return segs
}

// pfcImages are the segments of pfc_layers.yaml's schedule that show an
// image, with the segment before each, which shows none.
var pfcImages = []struct {
	image        string
	shown, blank int // indices in the schedule
}{{"A", 2, 1}, {"B", 4, 3}}

// rate is the mean rate of n neurons that fired spikes in the segment, in Hz.
func (s pfcSegment) rate(spikes, n int) float64 { return float64(spikes) / float64(n) / s.ms * 1000 }

// TestPFCLayersImages runs pfc_layers.yaml's schedule (both images, no
// image, A, no image, B, no image; 500 ms each) and checks what it shows:
//
//   - the memory layer fires faster during each image than during the
//     blank segment before it, by at least 5% (measured: 177.3 Hz against
//     155.0 Hz for A, 173.1 Hz against 155.0 Hz for B);
//   - the output layer responds to each image: at least 5% more spikes
//     than in the blank segment before (143 against 124 for A, 140 against
//     126 for B);
//   - no output neuron wins: in every segment the two output neurons fire
//     within 5% of each other (at most 1 spike apart out of 62 to 75),
//     since the saturated memory layer drives both alike through its 2 nS
//     synapses;
//   - the lateral inhibition acts, but only in time: the two output
//     neurons never spike in the same time step. Without it (-set
//     output_output.w=0*nS) they fire 84 to 89 spikes each per segment,
//     3 to 56 of them in the same step.
//
// Without the images (-set peak=0*Hz) the first two checks fail (155.4 Hz
// against 153.0 Hz, 125 output spikes against 124).
//
// The subtest "direct" cuts the memory → output synapses (-set
// memory_output.w=0*nS): then lateral inhibition picks a winner for each
// image, the other output neuron firing at most a tenth as often
// (measured: neuron 1 with 28 spikes for A and 25 for B, neuron 0 with
// none), though the same neuron wins both. The subtest "no recurrence"
// cuts the memory layer's self-excitation (-set memory_memory.w=0*nS): the
// memory layer still fires at more than 50 Hz in every blank segment
// (measured 99.4, 103.0 and 109.6 Hz), driven by the 5 Hz background
// through the STDP synapses, so its activity between images is not a
// memory held by self-excitation.
func TestPFCLayersImages(t *testing.T) {
	segs := runPFCSchedule(t)
	if len(segs) != 6 {
		t.Fatalf("%d schedule segments, want 6", len(segs))
	}
	for k, s := range segs {
		t.Logf("segment %d (%g ms): memory %.1f Hz, output neurons %d and %d spikes, %d together", k+1, s.ms,
			s.rate(s.memory, 25), s.output[0], s.output[1], s.both)
		if lo, hi := min(s.output[0], s.output[1]), max(s.output[0], s.output[1]); hi == 0 || float64(lo) < 0.95*float64(hi) {
			t.Errorf("segment %d: output neurons fire %d and %d spikes: one wins, the memory layer should drive both alike", k+1, s.output[0], s.output[1])
		}
		if s.both != 0 {
			t.Errorf("segment %d: both output neurons spiked in %d time steps despite their lateral inhibition", k+1, s.both)
		}
	}
	for _, im := range pfcImages {
		shown, blank := segs[im.shown], segs[im.blank]
		if r, r0 := shown.rate(shown.memory, 25), blank.rate(blank.memory, 25); r < 1.05*r0 {
			t.Errorf("image %s: memory layer at %.1f Hz, without an image %.1f Hz: less than 5%% more", im.image, r, r0)
		}
		n, n0 := shown.output[0]+shown.output[1], blank.output[0]+blank.output[1]
		if float64(n) < 1.05*float64(n0) {
			t.Errorf("image %s: %d output spikes, without an image %d: less than 5%% more", im.image, n, n0)
		}
	}
	t.Run("direct", func(t *testing.T) {
		segs := runPFCSchedule(t, "memory_output.w", "0*nS")
		for _, im := range pfcImages {
			s := segs[im.shown]
			win := 0
			if s.output[1] > s.output[0] {
				win = 1
			}
			t.Logf("image %s: output neuron %d wins, %d spikes against %d", im.image, win, s.output[win], s.output[1-win])
			if s.output[win] == 0 || float64(s.output[1-win]) > 0.1*float64(s.output[win]) {
				t.Errorf("image %s: output neurons fire %d and %d spikes: lateral inhibition picks no winner", im.image, s.output[0], s.output[1])
			}
		}
	})
	t.Run("no recurrence", func(t *testing.T) {
		segs := runPFCSchedule(t, "memory_memory.w", "0*nS")
		for _, k := range []int{1, 3, 5} {
			s := segs[k]
			t.Logf("segment %d, no image: memory %.1f Hz", k+1, s.rate(s.memory, 25))
			if s.rate(s.memory, 25) < 50 {
				t.Errorf("segment %d: memory layer at %.1f Hz without an image or self-excitation: the background no longer drives it", k+1, s.rate(s.memory, 25))
			}
		}
	})
}
