package examples_test

import (
	"context"
	"math"
	"testing"

	"github.com/spikevk/spikevk"
)

// pfcRun runs examples/pfc_rate with -set overrides and returns the
// samples of a and net of each module (every step, [sample][unit]).
func pfcRun(t *testing.T, sets ...string) map[string][][]float32 {
	t.Helper()
	net := load(t, "pfc_rate", sets...)
	mons := map[string]*spikevk.StateMonitor{}
	for _, g := range []string{"input", "memory", "output"} {
		mons[g] = net.StateMonitor(net.GroupByName(g), []string{"a", "net"}, net.DT())
	}
	if err := net.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string][][]float32{}
	for g, s := range mons {
		for _, v := range []string{"a", "net"} {
			_, x, err := s.Values(v)
			if err != nil {
				t.Fatal(err)
			}
			out[g+"."+v] = x
		}
	}
	return out
}

// sigmoid is the rate unit's activation.
func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestPFCRate checks the rate network of examples/pfc_rate against its
// equations: the cascade relaxation of an input unit (1 - 1/e of its final
// value 9.5 steps after the cue starts, for tau = 0.1), the steady state
// the cue leaves behind (memory A held high, B low, output A above the
// response threshold 0.55 and B below, as the fixed point of the network's
// equations solved in float64), and the loss of maintenance at a lower
// gain (G = 0.8, Braver et al. 1995's reduced dopamine: memory A falls
// back after the cue).
func TestPFCRate(t *testing.T) {
	s := pfcRun(t)
	// Cascade: input A is 0 until the cue, then net(m) = 5(1 - 0.9^m).
	in := s["input.net"]
	first := -1
	for k, x := range in {
		if x[0] != 0 {
			first = k
			break
		}
	}
	if first < 0 {
		t.Fatal("the cue never reaches input A")
	}
	for m := 1; m <= 20; m++ {
		want := 5 * (1 - math.Pow(0.9, float64(m)))
		if got := float64(in[first+m-1][0]); math.Abs(got-want) > 1e-5 {
			t.Errorf("input A after %d steps of the cue: net %g, want %g", m, got, want)
		}
	}
	threshold := 5 * (1 - 1/math.E)
	if !(float64(in[first+8][0]) < threshold && float64(in[first+9][0]) >= threshold) {
		t.Errorf("input A crosses 1 - 1/e of its final value after other than 10 steps (analytic 9.49)")
	}

	// The fixed point the cue leaves: solve a = σ(G·net + bias) with the
	// network's weights by damped iteration from A high, B low.
	aIn := sigmoid(-4) // input units at rest (net 0, bias -4)
	mA, mB, oA, oB := 0.9, 0.1, 0.5, 0.5
	for range 20000 {
		mA += 0.1 * (sigmoid(4*aIn+6*mA-2*mB-3) - mA)
		mB += 0.1 * (sigmoid(4*aIn+6*mB-2*mA-3) - mB)
		oA += 0.1 * (sigmoid(aIn+4*mA-2*oB-3) - oA)
		oB += 0.1 * (sigmoid(aIn+4*mB-2*oA-3) - oB)
	}
	last := len(s["memory.a"]) - 1
	t.Logf("fixed point: memory %.4f/%.4f, output %.4f/%.4f; at 600 ms: memory %.4f/%.4f, output %.4f/%.4f", mA, mB, oA, oB,
		s["memory.a"][last][0], s["memory.a"][last][1], s["output.a"][last][0], s["output.a"][last][1])
	for _, c := range []struct {
		what string
		got  float32
		want float64
	}{
		{"memory A", s["memory.a"][last][0], mA}, {"memory B", s["memory.a"][last][1], mB},
		{"output A", s["output.a"][last][0], oA}, {"output B", s["output.a"][last][1], oB},
	} {
		if math.Abs(float64(c.got)-c.want) > 1e-4 {
			t.Errorf("%s at 600 ms: a = %.5f, want the fixed point %.5f", c.what, c.got, c.want)
		}
	}
	if !(oA > 0.55 && oB < 0.55 && mA > 0.9) {
		t.Errorf("fixed point memory %.3f/%.3f, output %.3f/%.3f: not a held cue A", mA, mB, oA, oB)
	}

	// Lower gain (dopamine): the memory does not hold the cue.
	low := pfcRun(t, "memory.G", "0.8")
	if a := low["memory.a"][last][0]; !(a < 0.1) {
		t.Errorf("at G = 0.8 memory A ends at a = %.3f, want the low state (< 0.1)", a)
	}
}
