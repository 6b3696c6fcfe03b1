package spikevk

import (
	"github.com/spikevk/spikevk/host"
	"github.com/spikevk/spikevk/models/syntax"
)

// TimedArray declares a time series, Brian's TimedArray, that the
// equations of every group may call as name(t): values[k] in unit (such
// as "pA", "Hz", or "1" for a number) from time k·dt on (dt in ms), the
// last value after the end. The value of a step is values[s / (dt/DT)]
// for step s, counted in whole steps, so dt must be a whole multiple of
// the network's time step. Within a step, every stage of the integration
// method sees the value of the step's start.
func (n *Network) TimedArray(name string, values []float64, unit string, dt float64) {
	n.addSeries(name, &host.Series{Values: values, Unit: unit, DT: dt})
}

// TimedArray2D declares a time series with one value per step and neuron,
// called as name(t, i): values[k][i] holds for neuron i from time k·dt on,
// as for TimedArray. Every row has one value per neuron of the groups that
// call it.
func (n *Network) TimedArray2D(name string, values [][]float64, unit string, dt float64) {
	s := &host.Series{PerNeuron: true, Unit: unit, DT: dt}
	if len(values) > 0 {
		s.Neurons = len(values[0])
	}
	for k, row := range values {
		if len(row) != s.Neurons {
			n.fail("time series %q: row %d has %d values, row 0 has %d", name, k, len(row), s.Neurons)
			return
		}
		s.Values = append(s.Values, row...)
	}
	n.addSeries(name, s)
}

func (n *Network) addSeries(name string, s *host.Series) {
	if !n.building("time series " + name) {
		return
	}
	if len(s.Values) == 0 && s.Spikes == nil {
		n.fail("time series %q has no values", name)
		return
	}
	if _, dup := n.desc.Series[name]; dup {
		n.fail("time series %q is declared twice", name)
		return
	}
	if n.desc.Series == nil {
		n.desc.Series = map[string]*host.Series{}
	}
	n.desc.Series[name] = s
}

// callsSeries reports whether expression text calls a time series of n.
func (n *Network) callsSeries(text string) bool {
	e, err := syntax.ParseExpr(text)
	if err != nil {
		return false
	}
	found := false
	syntax.Walk(e, func(x syntax.Expr) {
		if c, ok := x.(*syntax.Call); ok && n.desc.Series[c.Func] != nil {
			found = true
		}
	})
	return found
}
