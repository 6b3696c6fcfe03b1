package viz

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	plottext "gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ticks marks an axis at multiples of a 1, 2 or 5 × 10^k step, about five
// labelled ones over the range, with four unlabelled ones between, each
// label as short as the step allows (0, 50, 100, not 0.00, 50.00).
// Unlabelled leaves every label empty: for the upper panels of a stack
// that share the time axis of the lowest.
type ticks struct{ Unlabelled bool }

func (t ticks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	step := niceStep((hi - lo) / 6)
	minor := step / 5
	if m := step / math.Pow(10, math.Floor(math.Log10(step))); m == 2 {
		minor = step / 4
	}
	digits := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var out []plot.Tick
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+1e-9*minor; k++ {
		v := k * minor
		major := math.Abs(v/step-math.Round(v/step)) < 1e-6
		tick := plot.Tick{Value: v}
		if major && !t.Unlabelled {
			if math.Abs(v) < minor*1e-6 {
				v = 0
			}
			tick.Label = strconv.FormatFloat(v, 'f', digits, 64)
		}
		out = append(out, tick)
	}
	return out
}

// setTicks gives both axes of p the house ticks.
func setTicks(p *plot.Plot) {
	p.X.Tick.Marker = ticks{}
	p.Y.Tick.Marker = ticks{}
}

// sideLabels names the lines of a plot right of its data area, one below
// the other from the top, each in its line's colour: a legend that never
// covers the data.
type sideLabels struct {
	Names  []string
	Colors []color.Color
}

func (s *sideLabels) style(p *plot.Plot, k int) plottext.Style {
	sty := p.Y.Tick.Label
	sty.Font.Size = tickSize
	sty.Color = s.Colors[k]
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	sty.Rotation = 0
	return sty
}

func (s *sideLabels) Plot(c draw.Canvas, p *plot.Plot) {
	y := c.Max.Y
	for k, name := range s.Names {
		sty := s.style(p, k)
		c.FillText(sty, vg.Point{X: c.Max.X + labelGap, Y: y}, name)
		y -= sty.Height(name) * 1.2
	}
}

func (s *sideLabels) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	for k, name := range s.Names {
		sty := s.style(p, k)
		w, h := sty.Width(name), sty.Height(name)
		boxes = append(boxes, plot.GlyphBox{X: 1, Y: 1,
			Rectangle: vg.Rectangle{Min: vg.Point{X: labelGap, Y: -h}, Max: vg.Point{X: 2*labelGap + w, Y: 0}}})
	}
	return boxes
}
