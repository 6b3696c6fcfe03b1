package models

import (
	"testing"

	"github.com/spikevk/spikevk/models/units"
)

// TestExactNotWithDraws: a coefficient that depends on a random draw or a
// time series changes from step to step, so exact integration, which
// computes the coefficients once, does not apply.
func TestExactNotWithDraws(t *testing.T) {
	mV, err := units.Parse("mV")
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]TimeSeries{"f": {Dim: mV.Dim}}
	for _, eqs := range []string{
		"dv/dt = (randn()*mV - v)/(10*ms) : volt",
		"dv/dt = (f(t) - v)/(10*ms) : volt",
	} {
		n, err := Compile(NeuronSpec{Equations: eqs, DT: 0.1, TimeSeries: series})
		if err != nil {
			t.Fatalf("%s: %v", eqs, err)
		}
		if n.Method != "exponential_euler" {
			t.Errorf("%s: method %s, want exponential_euler", eqs, n.Method)
		}
		if _, err := Compile(NeuronSpec{Equations: eqs, DT: 0.1, TimeSeries: series, Method: "exact"}); err == nil {
			t.Errorf("%s: exact integration accepted", eqs)
		}
	}
	n, err := Compile(NeuronSpec{Equations: "dv/dt = (1*mV - v)/(10*ms) : volt", DT: 0.1})
	if err != nil || n.Method != "exact" {
		t.Errorf("constant coefficients: method %v, %v; want exact", n, err)
	}
}
