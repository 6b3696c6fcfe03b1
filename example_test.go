package spikevk_test

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/spikevk/spikevk"
)

// A Poisson input drives a group of conductance-based neurons through
// random synapses; a monitor records the spikes of the first ten.
func Example() {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	input := net.PoissonGroup("input", 200, "20*Hz")
	cells := net.Group("cells", 100, spikevk.Builtin("lif_coba_exp"))
	cells.Set("v", "E_L + rand()*(V_th - E_L)")
	syn := net.Connect("drive", input, cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
		spikevk.FixedProbability(0.2))
	syn.Set("w", "0.5*nS + rand()*0.5*nS").SetDelay("1*ms")
	first := net.SpikeMonitor(cells.Slice(0, 10))
	if err := net.Run(context.Background(), 500*spikevk.Ms); err != nil {
		fmt.Println(err)
		return
	}
	i, t := first.Spikes()
	fmt.Printf("first ten cells: %d spikes, the first by cell %d at %.1f ms\n", first.Count(), i[0], t[0])
	for _, g := range net.Summary().Groups {
		fmt.Printf("%s: %d neurons, %.1f Hz\n", g.Name, g.N, g.Rate)
	}
	// Output:
	// first ten cells: 193 spikes, the first by cell 1 at 17.9 ms
	// input: 200 neurons, 20.0 Hz
	// cells: 100 neurons, 37.7 Hz
}

// A watcher sees the spike records of every batch of steps as Run
// simulates them; here it counts the spikes of each group.
func ExampleNetwork_Watch() {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	net.PoissonGroup("slow", 100, "5*Hz")
	net.PoissonGroup("fast", 100, "50*Hz")
	counts := make([]int, 2)
	net.Watch(func(first uint64, steps int, spikes [][]uint32) {
		for g, records := range spikes {
			for _, word := range records {
				counts[g] += bits.OnesCount32(word)
			}
		}
	})
	if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
		fmt.Println(err)
		return
	}
	for g, group := range net.Groups() {
		fmt.Printf("%s: %d spikes, as the summary counts: %v\n", group.Name(), counts[g], uint64(counts[g]) == net.Summary().Groups[g].Spikes)
	}
	// Output:
	// slow: 474 spikes, as the summary counts: true
	// fast: 5030 spikes, as the summary counts: true
}

// A knob changes a parameter between Runs: here the rate of a Poisson
// group steps from 5 Hz to 50 Hz after 1 s, and back after 2 s. The run
// continues from each change exactly as a network built with the new
// rate would, on either backend.
func ExampleKnob() {
	net := spikevk.New(spikevk.Config{Seed: 1, Backend: "cpu"})
	input := net.PoissonGroup("input", 100, "5*Hz")
	rate := input.Knob("rates") // or net.KnobByName("input.rates")
	spikes := net.SpikeMonitor(input)
	for _, value := range []string{"5*Hz", "50*Hz", "5*Hz"} {
		if err := rate.Set(value); err != nil {
			fmt.Println(err)
			return
		}
		before := spikes.Count()
		if err := net.Run(context.Background(), 1*spikevk.Second); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s = %s: %d spikes\n", rate.Name(), rate.Value(), spikes.Count()-before)
	}
	fmt.Println(rate.Set("50*mV"))
	// Output:
	// input.rates = 5*Hz: 477 spikes
	// input.rates = 50*Hz: 4957 spikes
	// input.rates = 5*Hz: 521 spikes
	// knob input.rates: the value of rates must be in Hz, but "50*mV" is in V
}
