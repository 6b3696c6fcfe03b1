package spikevk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk/host"
)

// Current is a current source for Group.Inject. Each lowers to the
// model language (host.Current), so every backend runs it with the
// model's own step program.
type Current struct {
	// lower writes the source for a network of time step dt (ms).
	lower func(dt float64) (host.Current, error)
}

// num writes x so that the model language reads it back exactly.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// from is the indicator of the steps from time at on (ms): 1 from the step
// whose start is nearest at, 0 before. The comparison sits half a step
// away from the step's start, so no rounding of t decides it.
func from(at, dt float64) string {
	return "clip(floor((t - " + num(at-dt/2) + "*ms)/ms) + 1, 0, 1)"
}

func expr(text string) Current {
	return Current{lower: func(float64) (host.Current, error) { return host.Current{Expr: text}, nil }}
}

// DC is a constant current, such as "200*pA".
func DC(amp string) Current { return expr(amp) }

// Expression is a current given by an expression of t (ms) and i (the
// neuron's index), of time series, rand() and randn(), in the unit of the
// variable, such as "100*pA*sin(2*pi*t/(50*ms))".
func Expression(e string) Current { return expr(e) }

// WhiteNoise is mean + sd·N(0, 1) with a new deviate every step and
// neuron: NEST's noise_generator with its dt interval equal to the time
// step.
func WhiteNoise(mean, sd string) Current { return expr("(" + mean + ") + (" + sd + ")*randn()") }

// Sinusoid is amp·sin(2π·freqHz·t + phase) + offset; phase (in radians)
// may use i, and an empty phase or offset is 0.
func Sinusoid(amp string, freqHz float64, phase, offset string) Current {
	e := "(" + amp + ")*sin(" + num(2*3.141592653589793*freqHz) + "*Hz*t"
	if phase != "" {
		e += " + (" + phase + ")"
	}
	e += ")"
	if offset != "" {
		e += " + (" + offset + ")"
	}
	return expr(e)
}

// Step is a piecewise-constant current, NEST's step_current_generator:
// amps[k] from times[k] (ms) until times[k+1], the last one until the end
// of the run, and 0 before times[0]. The times increase; a change at time
// T applies from the step whose start is nearest T.
func Step(times []float64, amps []string) Current {
	return Current{lower: func(dt float64) (host.Current, error) {
		if len(times) == 0 || len(times) != len(amps) {
			return host.Current{}, fmt.Errorf("step current: %d times and %d amplitudes", len(times), len(amps))
		}
		var terms []string
		for k, a := range amps {
			if k > 0 && !(times[k] > times[k-1]) {
				return host.Current{}, fmt.Errorf("step current: time %g ms after %g ms", times[k], times[k-1])
			}
			on := from(times[k], dt)
			if k+1 < len(times) {
				on = "(" + on + " - " + from(times[k+1], dt) + ")"
			}
			terms = append(terms, "("+a+")*"+on)
		}
		return host.Current{Expr: strings.Join(terms, " + ")}, nil
	}}
}

// Ramp is a current that rises linearly from a0 at time t0 to a1 at t1
// (ms), and is 0 before t0 and from t1 on.
func Ramp(t0, t1 float64, a0, a1 string) Current {
	return Current{lower: func(dt float64) (host.Current, error) {
		if !(t1 > t0) {
			return host.Current{}, fmt.Errorf("ramp current: end %g ms is not after start %g ms", t1, t0)
		}
		return host.Current{Expr: fmt.Sprintf("(%s - %s)*((%s) + ((%s) - (%s))*(t - %s*ms)/(%s*ms))",
			from(t0, dt), from(t1, dt), a0, a1, a0, num(t0), num(t1-t0))}, nil
	}}
}

// OU is an Ornstein–Uhlenbeck current of mean mean, stationary standard
// deviation sd and time constant tau (ms), updated exactly every step
// (host.Current), starting at the mean. A model that receives one must
// integrate with euler or exponential_euler (the default of most).
func OU(mean, sd string, tau float64) Current {
	return Current{lower: func(float64) (host.Current, error) {
		if !(tau > 0) {
			return host.Current{}, fmt.Errorf("OU current: time constant %g ms is not positive", tau)
		}
		return host.Current{Mean: mean, SD: sd, Tau: tau}, nil
	}}
}

// Inject adds a current source to a parameter of the model of g, such as
// I: the parameter becomes the sum of the sources injected into it,
// evaluated every step, plus the value the group sets for it, if any,
// and the sum of the projections that sum into it, if any (Brian2's
// I = I_syn + I_stim); a default alone no longer counts (inject a DC for a
// constant part). Into a subgroup, the current reaches its neurons
// only (the others get 0 from it); i in the current's expression is the
// index in the whole group.
func (g *Group) Inject(variable string, src Current) *Group {
	what := fmt.Sprintf("%s: inject into %s", g, variable)
	if !g.net.building(what) {
		return g
	}
	d := g.net.desc.Groups[g.index]
	if src.lower == nil {
		g.net.fail("%s: no current (use DC, Step, Ramp, Sinusoid, WhiteNoise, OU or Expression)", what)
		return g
	}
	c, err := src.lower(g.net.cfg.DT)
	if err != nil {
		g.net.fail("%s: %w", what, err)
		return g
	}
	c.Var = variable
	if g.lo != 0 || g.hi != d.N { // a subgroup: the current reaches its neurons only
		c.Lo, c.Hi = g.lo, g.hi
	}
	d.Currents = append(d.Currents, c)
	return g
}
