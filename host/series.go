package host

import (
	"fmt"
	"math"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/units"
)

// series are the checked time series of a network: their declarations
// for the model compiler, and their values in internal units.
type series struct {
	decls map[string]models.TimeSeries
	plans map[string]SeriesPlan // by series name
	// byInput names the series of each step input; neurons is the width
	// of each per-neuron series.
	byInput map[string]string
	neurons map[string]int
}

// compileSeries checks the network's time series and converts their
// values to float32 in internal units.
func compileSeries(net *Network) (*series, error) {
	ss := &series{decls: map[string]models.TimeSeries{}, plans: map[string]SeriesPlan{},
		byInput: map[string]string{}, neurons: map[string]int{}}
	for name, s := range net.Series {
		sp, dim, err := compileOneSeries(s, net.DT)
		if err != nil {
			return nil, fmt.Errorf("time series %q: %w", name, err)
		}
		sp.Input = models.SeriesInput(name)
		ss.decls[name] = models.TimeSeries{Dim: dim, PerNeuron: s.PerNeuron}
		ss.plans[name] = sp
		ss.byInput[sp.Input] = name
		if s.PerNeuron {
			ss.neurons[name] = s.Neurons
		}
	}
	return ss, nil
}

func compileOneSeries(s *Series, dt float64) (SeriesPlan, units.Dim, error) {
	steps := math.Round(s.DT / dt)
	if !(steps >= 1) || math.Abs(s.DT/dt-steps) > 1e-6*steps || steps > math.MaxUint32 {
		return SeriesPlan{}, units.Dim{}, fmt.Errorf("its dt of %g ms is not a whole multiple of the time step of %g ms", s.DT, dt)
	}
	width := 1
	if s.PerNeuron {
		width = s.Neurons
	}
	if len(s.Values) == 0 || width < 1 || len(s.Values)%width != 0 {
		return SeriesPlan{}, units.Dim{}, fmt.Errorf("%d values are not one or more steps of %d", len(s.Values), width)
	}
	u := units.Unit{Scale: 1, Dim: units.Dimensionless}
	if s.Unit != "" && s.Unit != "1" {
		var err error
		if u, err = units.Parse(s.Unit); err != nil {
			return SeriesPlan{}, units.Dim{}, fmt.Errorf("unit %q: %w", s.Unit, err)
		}
	}
	scale := u.Internal()
	values := make([]float32, len(s.Values))
	for k, x := range s.Values {
		values[k] = float32(x * scale)
	}
	return SeriesPlan{Values: values, PerNeuron: s.PerNeuron, StepsPerValue: uint32(steps)}, u.Dim, nil
}

// forGroup returns the series that the step inputs of a group of n
// neurons read, in the order of the inputs.
func (ss *series) forGroup(inputs []string, n int) ([]SeriesPlan, error) {
	var out []SeriesPlan
	for _, in := range inputs {
		name, ok := ss.byInput[in]
		if !ok {
			continue
		}
		if w := ss.neurons[name]; ss.plans[name].PerNeuron && w != n {
			return nil, fmt.Errorf("the time series %s(t, i) has values for %d neurons per step, not %d", name, w, n)
		}
		out = append(out, ss.plans[name])
	}
	return out, nil
}

// CheckSeries reports a time series of gp that does not fit the group:
// a backend calls it before it reads any.
func (gp *GroupPlan) CheckSeries() error {
	for _, sp := range gp.Series {
		width := 1
		if sp.PerNeuron {
			width = gp.N
		}
		switch {
		case sp.StepsPerValue < 1:
			return fmt.Errorf("time series %q: %d steps per value", sp.Input, sp.StepsPerValue)
		case width == 0 && len(sp.Values) == 0:
		case width == 0 || len(sp.Values) == 0 || len(sp.Values)%width != 0:
			return fmt.Errorf("time series %q: %d values are not one or more steps of %d", sp.Input, len(sp.Values), width)
		}
	}
	return nil
}
