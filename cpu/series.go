package cpu

import "github.com/spikevk/spikevk/host"

// findSeries returns the time series of gp read as input name, or nil.
func findSeries(gp *host.GroupPlan, name string) *host.SeriesPlan {
	for k := range gp.Series {
		if gp.Series[k].Input == name {
			return &gp.Series[k]
		}
	}
	return nil
}

// seriesValues returns the values of neurons lo … hi-1 of a group of n in
// step s of time series sp, filling buf with a shared value or the
// values of a spike table.
func seriesValues(sp *host.SeriesPlan, s uint32, lo, hi, n int, buf []float32) []float32 {
	if sp.Spikes {
		buf = buf[:hi-lo]
		for k := range buf {
			buf[k] = 0
			if sp.Spiking(s, lo+k, n) {
				buf[k] = 1
			}
		}
		return buf
	}
	at := sp.At(s, lo, n)
	if sp.PerNeuron {
		return sp.Values[at : at+hi-lo]
	}
	buf = buf[:hi-lo]
	for i := range buf {
		buf[i] = sp.Values[at]
	}
	return buf
}
