package gpu

import (
	"fmt"

	"github.com/spikevk/spikevk/host"
)

// seriesData is the time-series buffer of group g: the values of each
// series, one series after another, and a 0 when there are none (a group
// of no neurons), so that the buffer is never empty.
func seriesData(g *host.GroupPlan) []float32 {
	var out []float32
	for _, sp := range g.Series {
		out = append(out, sp.Values...)
	}
	if len(out) == 0 {
		out = append(out, 0)
	}
	return out
}

// seriesRead returns the GLSL expression for step input name of group g
// when it is a time series: the value host.SeriesPlan.At picks from the
// series buffer.
func seriesRead(g *host.GroupPlan, name string) (string, bool) {
	offset := 0
	for _, sp := range g.Series {
		if sp.Input != name {
			offset += len(sp.Values)
			continue
		}
		if sp.Spikes {
			return fmt.Sprintf("spk_table(%du, %du, i, step)", offset, g.N), true
		}
		width := 1
		if sp.PerNeuron {
			width = max(g.N, 1)
		}
		last := max(len(sp.Values)/width, 1) - 1
		k := fmt.Sprintf("min(step / %du, %du)", sp.StepsPerValue, last)
		if sp.PerNeuron {
			return fmt.Sprintf("series[%du + %s * %du + i]", offset, k, g.N), true
		}
		return fmt.Sprintf("series[%du + %s]", offset, k), true
	}
	return "", false
}

// tableSource is the GLSL of host.SeriesPlan.Spiking over the series
// buffer, for a group with a spike table.
const tableSource = `float spk_table(uint base, uint n, uint i, uint step) {
	uint lo = uint(series[base + i]);
	uint hi = uint(series[base + i + 1u]);
	while (lo < hi) {
		uint mid = (lo + hi) / 2u;
		uint x = uint(series[base + n + 1u + mid]);
		if (x == step) {
			return 1.0;
		}
		if (x < step) {
			lo = mid + 1u;
		} else {
			hi = mid;
		}
	}
	return 0.0;
}
`

// hasTable reports whether group g has a spike table.
func hasTable(g *host.GroupPlan) bool {
	for _, sp := range g.Series {
		if sp.Spikes {
			return true
		}
	}
	return false
}
