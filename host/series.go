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
	if s.Spikes != nil {
		sp, err := compileTable(s.Spikes)
		return sp, units.Dimensionless, err
	}
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

// compileTable lays out a spike table (SeriesPlan.Spikes).
func compileTable(spikes [][]uint32) (SeriesPlan, error) {
	n := len(spikes)
	values := make([]float32, n+1, n+1)
	total := 0
	for i, steps := range spikes {
		for k, s := range steps {
			if s >= MaxTableValue {
				return SeriesPlan{}, fmt.Errorf("neuron %d: spike in step %d, past the last step of a spike table, %d", i, s, MaxTableValue-1)
			}
			if k > 0 && s <= steps[k-1] {
				return SeriesPlan{}, fmt.Errorf("neuron %d: spike steps %d and %d out of order", i, steps[k-1], s)
			}
			values = append(values, float32(s))
		}
		total += len(steps)
		if total >= MaxTableValue {
			return SeriesPlan{}, fmt.Errorf("more than %d spikes", MaxTableValue-1)
		}
		values[i+1] = float32(total)
	}
	return SeriesPlan{Values: values, PerNeuron: true, StepsPerValue: 1, Spikes: true}, nil
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
		if sp.Spikes {
			if err := sp.checkTable(gp.N); err != nil {
				return fmt.Errorf("spike table %q: %w", sp.Input, err)
			}
			continue
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

// checkTable reports a spike table that is not laid out for n neurons as
// SeriesPlan describes.
func (sp *SeriesPlan) checkTable(n int) error {
	if !sp.PerNeuron || len(sp.Values) < n+1 || sp.Values[0] != 0 {
		return fmt.Errorf("%d values do not start with %d offsets from 0", len(sp.Values), n+1)
	}
	for i := range n {
		if !(sp.Values[i] <= sp.Values[i+1]) {
			return fmt.Errorf("offsets of neurons %d and %d decrease", i, i+1)
		}
	}
	if sp.Values[n] != float32(len(sp.Values)-n-1) || len(sp.Values)-n-1 >= MaxTableValue {
		return fmt.Errorf("%d steps for %g listed", len(sp.Values)-n-1, sp.Values[n])
	}
	return nil
}
