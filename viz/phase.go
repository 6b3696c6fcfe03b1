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

// VectorField is the right-hand side of a two-variable model: the time
// derivatives of x and y at (x, y), in the units of the axes per ms.
type VectorField func(x, y float64) (dx, dy float64)

// PhaseOptions are the names and units of the two variables of a phase
// plane and, when Field is not nil, the model's vector field.
type PhaseOptions struct {
	X, Y         string // variable names
	XUnit, YUnit string // as shown, e.g. "mV"; empty: dimensionless
	Field        VectorField
}

// phaseGrid is the number of points per side of the grid the nullclines
// are traced on, and arrowGrid that of the arrows.
const (
	phaseGrid = 200
	arrowGrid = 15
)

// PhasePlane returns the trajectory (x[k], y[k]) of a two-variable model
// in its phase plane, from a circle at its start to a dot at its end, and
// with opt.Field its nullclines (the lines where dx/dt = 0 and dy/dt = 0,
// traced on a 200 × 200 grid) and arrows of the field's direction on a
// 15 × 15 grid (directions only: all arrows have one length, for the
// speeds of the fast and the slow variable differ by orders of magnitude).
func PhasePlane(x, y []float64, opt PhaseOptions) (*plot.Plot, error) {
	if len(x) != len(y) || len(x) == 0 {
		return nil, fmt.Errorf("viz: phase plane of %d values of %s and %d of %s", len(x), opt.X, len(y), opt.Y)
	}
	p := newPlot(fmt.Sprintf("phase plane of %s and %s", opt.X, opt.Y), axisLabel(opt.X, opt.XUnit), axisLabel(opt.Y, opt.YUnit))
	xy := make(plotter.XYs, len(x))
	for k := range x {
		xy[k] = plotter.XY{X: x[k], Y: y[k]}
	}
	x0, x1, y0, y1 := plotter.XYRange(xy)
	// Room around the trajectory, where the nullclines go on.
	padX, padY := 0.15*math.Max(x1-x0, 1e-9), 0.15*math.Max(y1-y0, 1e-9)
	x0, x1, y0, y1 = x0-padX, x1+padX, y0-padY, y1+padY
	labels := &sideLabels{}
	if opt.Field != nil {
		p.Add(&arrows{field: opt.Field, x0: x0, x1: x1, y0: y0, y1: y1})
		for k, which := range []int{0, 1} {
			g := nullGrid{field: opt.Field, which: which, x0: x0, x1: x1, y0: y0, y1: y1}
			c := plotter.NewContour(g, []float64{0}, nil)
			c.Palette = nil
			c.LineStyles = []draw.LineStyle{{Color: Palette[1+k], Width: vg.Points(1.5)}}
			p.Add(c)
			name := "d" + opt.X + "/dt = 0"
			if which == 1 {
				name = "d" + opt.Y + "/dt = 0"
			}
			labels.Names, labels.Colors = append(labels.Names, name), append(labels.Colors, c.LineStyles[0].Color)
		}
	}
	line, err := plotter.NewLine(xy)
	if err != nil {
		return nil, fmt.Errorf("viz: phase plane: %w", err)
	}
	line.Color, line.Width = Palette[0], vg.Points(1.2)
	p.Add(line)
	labels.Names, labels.Colors = append(labels.Names, "trajectory", "○ start, ● end"), append(labels.Colors, line.Color, line.Color)
	start, _ := plotter.NewScatter(xy[:1])
	start.GlyphStyle = draw.GlyphStyle{Color: Palette[0], Radius: vg.Points(3), Shape: draw.RingGlyph{}}
	end, _ := plotter.NewScatter(xy[len(xy)-1:])
	end.GlyphStyle = draw.GlyphStyle{Color: Palette[0], Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	p.Add(start, end, labels)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
	return p, nil
}

// nullGrid is the grid of one component of a field (0: dx, 1: dy).
type nullGrid struct {
	field          VectorField
	which          int
	x0, x1, y0, y1 float64
}

func (g nullGrid) Dims() (c, r int) { return phaseGrid, phaseGrid }
func (g nullGrid) X(c int) float64  { return g.x0 + float64(c)/(phaseGrid-1)*(g.x1-g.x0) }
func (g nullGrid) Y(r int) float64  { return g.y0 + float64(r)/(phaseGrid-1)*(g.y1-g.y0) }
func (g nullGrid) Min() float64     { return -1 }
func (g nullGrid) Max() float64     { return 1 }
func (g nullGrid) Z(c, r int) float64 {
	dx, dy := g.field(g.X(c), g.Y(r))
	if g.which == 0 {
		return dx
	}
	return dy
}

// arrows draws the direction of a field on a grid, in grey.
type arrows struct {
	field          VectorField
	x0, x1, y0, y1 float64
}

func (a *arrows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{Y: 170}, Width: vg.Points(0.7)}
	cell := math.Min(float64(c.Max.X-c.Min.X), float64(c.Max.Y-c.Min.Y)) / arrowGrid
	length := vg.Length(0.6 * cell)
	for i := range arrowGrid {
		for j := range arrowGrid {
			x := a.x0 + (float64(i)+0.5)/arrowGrid*(a.x1-a.x0)
			y := a.y0 + (float64(j)+0.5)/arrowGrid*(a.y1-a.y0)
			dx, dy := a.field(x, y)
			// The direction on the page: the axes' scales differ.
			px := dx * float64(trX(a.x1)-trX(a.x0)) / (a.x1 - a.x0)
			py := dy * float64(trY(a.y1)-trY(a.y0)) / (a.y1 - a.y0)
			norm := math.Hypot(px, py)
			if !(norm > 0) || math.IsInf(norm, 0) {
				continue
			}
			ux, uy := vg.Length(px/norm), vg.Length(py/norm)
			cx, cy := trX(x), trY(y)
			tail := vg.Point{X: cx - ux*length/2, Y: cy - uy*length/2}
			head := vg.Point{X: cx + ux*length/2, Y: cy + uy*length/2}
			c.StrokeLine2(sty, tail.X, tail.Y, head.X, head.Y)
			barb := length / 3
			for _, s := range []vg.Length{1, -1} {
				// The barbs at ±30° from the shaft.
				bx := -ux*vg.Length(math.Cos(math.Pi/6)) - s*uy*vg.Length(math.Sin(math.Pi/6))
				by := -uy*vg.Length(math.Cos(math.Pi/6)) + s*ux*vg.Length(math.Sin(math.Pi/6))
				c.StrokeLine2(sty, head.X, head.Y, head.X+bx*barb, head.Y+by*barb)
			}
		}
	}
}
