package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Rate is the population rate of a group: Hz[k] is the mean rate per
// neuron in Hz over T0 + k·Bin ≤ t < T0 + (k+1)·Bin ms.
type Rate struct {
	Name    string
	T0, Bin float64
	Hz      []float64
}

// SpikeRate bins the spikes of s from t0 to t1 ms into bins of bin ms
// (the last one may be shorter and is counted over its own length).
func SpikeRate(s Spikes, t0, t1, bin float64) (Rate, error) {
	if !(bin > 0) || !(t1 > t0) || s.N <= 0 {
		return Rate{}, fmt.Errorf("viz: rate of %q (%d neurons) from %g to %g ms in bins of %g ms", s.Name, s.N, t0, t1, bin)
	}
	nb := int(math.Ceil((t1 - t0) / bin * (1 - 1e-12)))
	count := make([]float64, nb)
	for _, t := range s.T {
		if t >= t0 && t < t1 {
			count[min(nb-1, int((t-t0)/bin))]++
		}
	}
	for k := range count {
		width := min(bin, t1-t0-float64(k)*bin)
		count[k] /= float64(s.N) * width / 1000
	}
	return Rate{Name: s.Name, T0: t0, Bin: bin, Hz: count}, nil
}

// Rebin averages groups of whole bins to bins of about bin ms (r itself
// when its bins are that long or longer).
func (r Rate) Rebin(bin float64) Rate {
	k := int(math.Round(bin / r.Bin))
	if k <= 1 {
		return r
	}
	out := Rate{Name: r.Name, T0: r.T0, Bin: r.Bin * float64(k)}
	for lo := 0; lo < len(r.Hz); lo += k {
		hi := min(len(r.Hz), lo+k)
		sum := 0.0
		for _, hz := range r.Hz[lo:hi] {
			sum += hz
		}
		out.Hz = append(out.Hz, sum/float64(hi-lo))
	}
	return out
}

// Smooth returns r convolved with a Gaussian of standard deviation sigma
// ms, cut at three sigma; near the ends the kernel is renormalised over
// the bins there are, so a constant rate stays constant.
func (r Rate) Smooth(sigma float64) Rate {
	if !(sigma > 0) || len(r.Hz) == 0 {
		return r
	}
	s := sigma / r.Bin
	half := int(math.Ceil(3 * s))
	kernel := make([]float64, 2*half+1)
	for j := range kernel {
		d := float64(j - half)
		kernel[j] = math.Exp(-d * d / (2 * s * s))
	}
	out := Rate{Name: r.Name, T0: r.T0, Bin: r.Bin, Hz: make([]float64, len(r.Hz))}
	for k := range r.Hz {
		sum, weight := 0.0, 0.0
		for j, g := range kernel {
			if i := k + j - half; i >= 0 && i < len(r.Hz) {
				sum += g * r.Hz[i]
				weight += g
			}
		}
		out.Hz[k] = sum / weight
	}
	return out
}

// RateOptions choose how rates are drawn.
type RateOptions struct {
	Bin    float64 // ms; DefaultBin when zero, never shorter than the rates' own bins
	Smooth float64 // σ of a Gaussian in ms; 0: none
	// Bare leaves out the title and the names right of the data area, for
	// a rate panel under a raster that names the groups.
	Bare bool
}

// DefaultBin is the bin of a rate plot by default, ms.
const DefaultBin = 5

// RatePlot returns a plot of the rates, one line per group in the colours
// of Palette in turn (those of a raster of the same groups), in Hz over
// time in ms, each value at its bin's centre.
func RatePlot(rates []Rate, opt RateOptions) (*plot.Plot, error) {
	if opt.Bin == 0 {
		opt.Bin = DefaultBin
	}
	p := newPlot("", "time (ms)", "rate (Hz)")
	addGrid(p)
	var title string
	labels := &sideLabels{}
	for b, r := range rates {
		if !(r.Bin > 0) {
			return nil, fmt.Errorf("viz: rate of %q has bins of %g ms", r.Name, r.Bin)
		}
		r = r.Rebin(opt.Bin).Smooth(opt.Smooth)
		end := r.T0 + float64(len(r.Hz))*r.Bin
		if b == 0 {
			p.X.Min, p.X.Max = r.T0, end
		}
		p.X.Min, p.X.Max = math.Min(p.X.Min, r.T0), math.Max(p.X.Max, end)
		if b == 0 {
			title = fmt.Sprintf("population rate, bins of %.3g ms", r.Bin)
			if opt.Smooth > 0 {
				title += fmt.Sprintf(", Gaussian σ = %.3g ms", opt.Smooth)
			}
		}
		xy := make(plotter.XYs, len(r.Hz))
		for k, hz := range r.Hz {
			xy[k] = plotter.XY{X: r.T0 + (float64(k)+0.5)*r.Bin, Y: hz}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("viz: rate of %q: %w", r.Name, err)
		}
		line.Color = Palette[b%len(Palette)]
		line.Width = vg.Points(1)
		p.Add(line)
		labels.Names, labels.Colors = append(labels.Names, r.Name), append(labels.Colors, line.Color)
	}
	if !opt.Bare {
		p.Add(labels)
		p.Title.Text = title
	}
	p.Y.Min = 0
	if len(rates) == 0 {
		p.X.Min, p.X.Max = 0, 1
	}
	return p, nil
}

// addGrid adds light horizontal grid lines, to be drawn behind what is
// added after them.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{}
	g.Horizontal.Color = color.Gray{Y: 225}
	g.Horizontal.Dashes = nil
	p.Add(g)
}
