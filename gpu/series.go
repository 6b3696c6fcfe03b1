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
