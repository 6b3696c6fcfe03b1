package viz

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// ISIs returns the interspike intervals of every neuron of s in ms, and
// the coefficient of variation of the intervals of each neuron with at
// least three spikes (two intervals), as Summary counts them.
func ISIs(s Spikes) (isi, cv []float64) {
	last := make(map[int32]float64)
	per := make(map[int32][]float64)
	for k, i := range s.I {
		if t, ok := last[i]; ok {
			d := s.T[k] - t
			isi = append(isi, d)
			per[i] = append(per[i], d)
		}
		last[i] = s.T[k]
	}
	neurons := make([]int32, 0, len(per))
	for i := range per {
		neurons = append(neurons, i)
	}
	slices.Sort(neurons)
	for _, i := range neurons {
		d := per[i]
		if len(d) < 2 {
			continue
		}
		mean, std := stat.PopMeanStdDev(d, nil)
		if mean > 0 {
			cv = append(cv, std/mean)
		}
	}
	return isi, cv
}

// histogram returns a histogram plotter of values in n bins from lo to hi
// (values outside are not counted).
func histogram(values []float64, n int, lo, hi float64, c color.RGBA) *plotter.Histogram {
	if !(hi > lo) {
		lo, hi = lo-0.5, lo+0.5
	}
	width := (hi - lo) / float64(n)
	bins := make([]plotter.HistogramBin, n)
	for k := range bins {
		bins[k] = plotter.HistogramBin{Min: lo + float64(k)*width, Max: lo + float64(k+1)*width}
	}
	for _, v := range values {
		if v >= lo && v <= hi {
			bins[min(n-1, int((v-lo)/width))].Weight++
		}
	}
	h := &plotter.Histogram{Bins: bins, Width: width, FillColor: mix(color.RGBA{255, 255, 255, 255}, c, 0.75)}
	h.LineStyle.Width = vg.Points(0.5)
	h.LineStyle.Color = c
	return h
}

// quantile is the q-quantile of values (which it sorts).
func quantile(values []float64, q float64) float64 {
	slices.Sort(values)
	return stat.Quantile(q, stat.Empirical, values, nil)
}

// histBins is the number of bins of a histogram of n values: about √n,
// 10 to 60.
func histBins(n int) int { return max(10, min(60, int(math.Sqrt(float64(n))))) }

// ISIPlot returns the histogram of the interspike intervals of s in ms,
// from 0 to their 99th percentile (the title says how many lie beyond).
func ISIPlot(s Spikes, c color.RGBA) *plot.Plot {
	isi, _ := ISIs(s)
	p := newPlot("", "interspike interval (ms)", "intervals")
	addGrid(p)
	if len(isi) == 0 {
		p.Title.Text = s.Name + ": no neuron spiked twice"
		return p
	}
	hi := quantile(isi, 0.99)
	beyond := 0
	for _, d := range isi {
		if d > hi {
			beyond++
		}
	}
	p.Add(histogram(isi, histBins(len(isi)), 0, hi, c))
	p.Title.Text = fmt.Sprintf("%s: %s intervals", s.Name, thousands(len(isi)))
	if beyond > 0 {
		p.Title.Text += fmt.Sprintf("\n(%s longer than %.3g ms not shown)", thousands(beyond), hi)
	}
	p.Y.Min = 0
	return p
}

// CVPlot returns the histogram across neurons of the coefficient of
// variation of their interspike intervals (neurons with three spikes or
// more), with the mean marked in the title.
func CVPlot(s Spikes, c color.RGBA) *plot.Plot {
	_, cv := ISIs(s)
	p := newPlot("", "CV of interspike intervals", "neurons")
	addGrid(p)
	if len(cv) == 0 {
		p.Title.Text = s.Name + ": no neuron spiked three times"
		return p
	}
	hi := max(1.5, slices.Max(cv))
	p.Add(histogram(cv, histBins(len(cv)), 0, hi, c))
	p.Title.Text = fmt.Sprintf("%s: %s neurons\n(3 spikes or more), mean CV %.2f", s.Name, thousands(len(cv)), stat.Mean(cv, nil))
	p.Y.Min = 0
	return p
}

// ISIFigure returns, for each spike train, its ISI histogram and its CV
// histogram side by side, a row per train.
func ISIFigure(trains []Spikes) *Figure {
	f := &Figure{}
	for b, s := range trains {
		c := Palette[b%len(Palette)]
		f.Rows = append(f.Rows, []*plot.Plot{ISIPlot(s, c), CVPlot(s, c)})
	}
	f.Height = max(DefaultHeight, vg.Length(len(trains))*3*vg.Inch)
	return f
}

// WeightPlot returns the histogram of synaptic weights w of the
// projection name, in the SI unit unit ("S", "A", "1"…), shown in nS, pA…
// with the mean and the range in the title.
func WeightPlot(name string, w []float64, unit string) (*plot.Plot, error) {
	if len(w) == 0 {
		return nil, fmt.Errorf("viz: weights of %q: none", name)
	}
	abs := make([]float64, len(w))
	for k, x := range w {
		abs[k] = math.Abs(x)
	}
	scale, shown := displayUnit(unit, slices.Max(abs))
	v := make([]float64, len(w))
	for k, x := range w {
		v[k] = x * scale
	}
	lo, hi := slices.Min(v), slices.Max(v)
	p := newPlot("", axisLabel("weight", shown), "synapses")
	addGrid(p)
	p.Add(histogram(v, histBins(len(v)), lo, hi, Palette[0]))
	p.Title.Text = fmt.Sprintf("%s: %s synapses, mean %.3g %s, %.3g … %.3g %s", name, thousands(len(v)), stat.Mean(v, nil), shown, lo, hi, shown)
	p.Y.Min = 0
	return p, nil
}
