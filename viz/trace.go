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

// State holds the samples of a state monitor: at times T (ms), the values
// of each variable of the Neurons recorded (indices in the group Name).
type State struct {
	Name    string
	T       []float64
	Neurons []int
	Vars    []Var
}

// Var is one recorded variable: Values[sample][k] of neuron Neurons[k], in
// the SI unit Unit as metadata.json names it ("V", "S", "A", "F", "1" for
// dimensionless…).
type Var struct {
	Name, Unit string
	Values     [][]float64
}

// Var returns the variable called name, or nil.
func (s State) Var(name string) *Var {
	for k := range s.Vars {
		if s.Vars[k].Name == name {
			return &s.Vars[k]
		}
	}
	return nil
}

// displayUnit returns the factor that takes values of the SI unit to the
// unit a figure shows them in, and that unit's name: mV, nS, pA or nA
// (when the largest magnitude is a nanoampere or more), pF, ms; other units
// as they are, dimensionless values without one.
func displayUnit(si string, largest float64) (scale float64, unit string) {
	switch si {
	case "V":
		return 1e3, "mV"
	case "S":
		return 1e9, "nS"
	case "A":
		if largest >= 1e-9 {
			return 1e9, "nA"
		}
		return 1e12, "pA"
	case "F":
		return 1e12, "pF"
	case "s":
		return 1e3, "ms"
	case "ohm":
		return 1e-6, "MΩ"
	case "1", "":
		return 1, ""
	}
	return 1, si
}

// axisLabel is "name (unit)", or name without a unit.
func axisLabel(name, unit string) string {
	if unit == "" {
		return name
	}
	return name + " (" + unit + ")"
}

// largest is the largest magnitude of the values.
func largest(values [][]float64) float64 {
	m := 0.0
	for _, row := range values {
		for _, x := range row {
			if a := math.Abs(x); a > m && !math.IsInf(a, 0) {
				m = a
			}
		}
	}
	return m
}

// TraceOptions choose what a trace figure shows.
type TraceOptions struct {
	Neurons int    // the first this many recorded neurons; DefaultTraceNeurons when zero
	Spikes  Spikes // of the same group (Name may differ): marked above v, when not empty
}

// DefaultTraceNeurons is the number of neurons a trace figure shows by
// default.
const DefaultTraceNeurons = 4

// TraceFigure returns a figure of the traces of s: one panel per variable,
// stacked with one time axis, the neurons in the colours of Palette in
// turn, values in mV, nS, pA… The spikes of opt.Spikes of the neurons shown
// are marked with ticks at the top of the panel of v (or of the first
// variable, when there is no v).
func TraceFigure(s State, opt TraceOptions) (*Figure, error) {
	if len(s.Vars) == 0 {
		return nil, fmt.Errorf("viz: state of %q has no variables", s.Name)
	}
	shown := opt.Neurons
	if shown == 0 {
		shown = DefaultTraceNeurons
	}
	shown = min(shown, len(s.Neurons))
	marked := 0
	for k := range s.Vars {
		if s.Vars[k].Name == "v" {
			marked = k
		}
	}
	var plots []*plot.Plot
	labels := &sideLabels{}
	for a, v := range s.Vars {
		if len(v.Values) != len(s.T) {
			return nil, fmt.Errorf("viz: state of %q: %s has %d samples, t has %d", s.Name, v.Name, len(v.Values), len(s.T))
		}
		scale, unit := displayUnit(v.Unit, largest(v.Values))
		p := newPlot("", "", axisLabel(v.Name, unit))
		addGrid(p)
		for k := range shown {
			xy := make(plotter.XYs, len(s.T))
			for j, t := range s.T {
				if k >= len(v.Values[j]) {
					return nil, fmt.Errorf("viz: state of %q: %s has %d neurons at sample %d, want %d", s.Name, v.Name, len(v.Values[j]), j, len(s.Neurons))
				}
				xy[j] = plotter.XY{X: t, Y: v.Values[j][k] * scale}
			}
			line, err := plotter.NewLine(xy)
			if err != nil {
				return nil, fmt.Errorf("viz: state of %q: %s: %w", s.Name, v.Name, err)
			}
			line.Color = Palette[k%len(Palette)]
			line.Width = vg.Points(1)
			p.Add(line)
			if a == 0 {
				labels.Names = append(labels.Names, fmt.Sprintf("neuron %d", s.Neurons[k]))
				labels.Colors = append(labels.Colors, line.Color)
			}
			if a == marked && len(opt.Spikes.I) > 0 {
				p.Add(&spikeTicks{T: spikeTimes(opt.Spikes, s.Neurons[k]), Row: k, Rows: shown, Color: line.Color})
			}
		}
		plots = append(plots, p)
	}
	plots[0].Add(labels)
	for _, p := range plots[:len(plots)-1] {
		p.X.Tick.Marker = ticks{Unlabelled: true}
	}
	plots[len(plots)-1].X.Label.Text = "time (ms)"
	plots[0].Title.Text = fmt.Sprintf("%s: %d of %d recorded neurons", s.Name, shown, len(s.Neurons))
	if len(opt.Spikes.I) > 0 {
		plots[0].Title.Text += fmt.Sprintf(", spikes marked above %s", s.Vars[marked].Name)
	}
	if len(s.T) > 0 {
		for _, p := range plots {
			p.X.Min, p.X.Max = s.T[0], s.T[len(s.T)-1]
		}
	}
	f := Stack(plots)
	f.Height = max(DefaultHeight, vg.Length(len(plots))*2*vg.Inch)
	return f, nil
}

// spikeTimes are the times of neuron i's spikes.
func spikeTimes(s Spikes, i int) []float64 {
	var t []float64
	for k, j := range s.I {
		if int(j) == i {
			t = append(t, s.T[k])
		}
	}
	return t
}

// spikeTicks marks spike times with short vertical lines at the top of
// the data area, one row of ticks per neuron.
type spikeTicks struct {
	T         []float64
	Row, Rows int
	Color     color.Color
}

// tickHeight is the height of a spike tick.
const tickHeight = vg.Length(5)

func (s *spikeTicks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := draw.LineStyle{Color: s.Color, Width: vg.Points(1)}
	top := c.Max.Y + vg.Length(s.Rows-s.Row)*(tickHeight+1)
	for _, t := range s.T {
		if t < p.X.Min || t > p.X.Max {
			continue
		}
		x := trX(t)
		c.StrokeLine2(sty, x, top-tickHeight, x, top)
	}
}

// GlyphBoxes make room above the data area for the ticks.
func (s *spikeTicks) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	h := vg.Length(s.Rows-s.Row) * (tickHeight + 1)
	return []plot.GlyphBox{{X: 0, Y: 1, Rectangle: vg.Rectangle{Min: vg.Point{Y: 0}, Max: vg.Point{Y: h}}}}
}
