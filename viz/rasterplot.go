package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	plottext "gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Spikes are the spikes of a group (or subgroup) of N neurons: spike k is
// neuron I[k] (0 ≤ I[k] < N) at T[k] ms.
type Spikes struct {
	Name string
	N    int
	I    []int32
	T    []float64
}

// check reports spikes whose neuron is not in the group.
func (s Spikes) check() error {
	if len(s.I) != len(s.T) {
		return fmt.Errorf("viz: spikes of %q: %d neurons but %d times", s.Name, len(s.I), len(s.T))
	}
	for k, i := range s.I {
		if i < 0 || int(i) >= s.N {
			return fmt.Errorf("viz: spikes of %q: spike %d is of neuron %d, not one of the group's %d", s.Name, k, i, s.N)
		}
	}
	return nil
}

// RasterPlotter is a gonum/plot plotter that draws spike trains as a
// pixel raster: the groups stacked from the bottom (the first at the
// bottom), x in ms and y the neuron index counted over the stack, each
// group in its colour with its name to the right of the data area. It
// bins the spikes to the pixels of the data area with Raster when the plot
// is drawn (at the canvas's DPI, or DefaultDPI on a canvas without one,
// such as SVG), so one raster pixel is one pixel of a PNG and a million
// spikes cost one pass over them and one image.
type RasterPlotter struct {
	Trains     []Spikes
	Bands      []Band
	T0, T1     float64 // ms
	Background color.RGBA

	// drawn is where the raster image went in the last PNG drawn, in
	// pixels of the canvas from its top left, with the raster that made it.
	drawn  image.Rectangle
	raster *Raster
}

// NewRasterPlotter returns a raster of the trains from t0 to t1 ms,
// coloured from Palette in turn.
func NewRasterPlotter(trains []Spikes, t0, t1 float64) (*RasterPlotter, error) {
	if !(t1 > t0) {
		return nil, fmt.Errorf("viz: raster from %g to %g ms is empty", t0, t1)
	}
	names, n := make([]string, len(trains)), make([]int, len(trains))
	for b, s := range trains {
		if err := s.check(); err != nil {
			return nil, err
		}
		names[b], n[b] = s.Name, s.N
	}
	return &RasterPlotter{Trains: trains, Bands: Colors(names, n), T0: t0, T1: t1, Background: color.RGBA{255, 255, 255, 255}}, nil
}

func (r *RasterPlotter) rows() int {
	n := 0
	for _, b := range r.Bands {
		n += b.N
	}
	return n
}

// DataRange is the time span and the rows 0 … rows.
func (r *RasterPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.T0, r.T1, 0, float64(max(1, r.rows()))
}

// baseCanvas is the canvas under the draw.Canvas wrappers (draw.Crop
// wraps a canvas in another).
func baseCanvas(c draw.Canvas) vg.Canvas {
	v := c.Canvas
	for {
		dc, ok := v.(draw.Canvas)
		if !ok {
			return v
		}
		v = dc.Canvas
	}
}

// dpier is a canvas that knows its resolution (vgimg's).
type dpier interface{ DPI() float64 }

// Plot paints the raster into the data area c, and right of it the group
// names and marks between groups.
func (r *RasterPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	base := baseCanvas(c)
	dpi := float64(DefaultDPI)
	if d, ok := base.(dpier); ok {
		dpi = d.DPI()
	}
	// The data area in dots, shrunk to whole pixels.
	dx0, dx1 := c.Min.X.Dots(dpi), c.Max.X.Dots(dpi)
	dy0, dy1 := c.Min.Y.Dots(dpi), c.Max.Y.Dots(dpi)
	x0, x1 := math.Ceil(dx0-1e-9), math.Floor(dx1+1e-9)
	y0, y1 := math.Ceil(dy0-1e-9), math.Floor(dy1+1e-9)
	w, h := int(x1-x0), int(y1-y0)
	rows := r.rows()
	if w > 0 && h > 0 && rows > 0 {
		// The times at the edges of the whole pixels, so that the axis
		// tells the truth about every column.
		at := func(d float64) float64 { return p.X.Min + (d-dx0)/(dx1-dx0)*(p.X.Max-p.X.Min) }
		lo := int(math.Round(p.Y.Min + (y0-dy0)/(dy1-dy0)*(p.Y.Max-p.Y.Min)))
		hi := int(math.Round(p.Y.Min + (y1-dy0)/(dy1-dy0)*(p.Y.Max-p.Y.Min)))
		lo, hi = max(0, lo), min(rows, hi)
		if hi > lo {
			// With fewer rows than pixel rows the raster has a pixel row
			// per neuron, stretched to the height of its rows (ticks, with
			// a gap between neurons when they are 4 pixels or more).
			rh := min(h, hi-lo)
			ras, err := NewRaster(w, rh, r.Bands, View{T0: at(x0), T1: at(x1), Lo: lo, Hi: hi})
			if err == nil {
				for b, s := range r.Trains {
					for k, i := range s.I {
						ras.Add(b, int(i), s.T[k])
					}
				}
				small := image.NewRGBA(image.Rect(0, 0, w, rh))
				ras.Paint(small, r.Background)
				img := stretchRows(small, h, r.Background)
				dots := func(d float64) vg.Length { return vg.Length(d/dpi) * vg.Inch }
				rect := vg.Rectangle{Min: vg.Point{X: dots(x0), Y: dots(y0)}, Max: vg.Point{X: dots(x1), Y: dots(y1)}}
				c.DrawImage(rect, img)
				r.raster = ras
				if ch, ok := base.(vg.CanvasSizer); ok {
					_, ch := ch.Size()
					top := int(math.Round(ch.Dots(dpi) - y1))
					r.drawn = image.Rect(int(x0), top, int(x1), top+h)
				}
			}
		}
	}
	_, trY := p.Transforms(&c)
	sep := draw.LineStyle{Color: color.Gray{Y: 100}, Width: vg.Points(1)}
	for b := range r.Bands[:max(0, len(r.Bands)-1)] {
		y := trY(float64(r.offset(b + 1)))
		// Outside the data area, whose pixels are the raster's alone.
		c.StrokeLine2(sep, c.Max.X, y, c.Max.X+labelGap, y)
	}
	for b, band := range r.Bands {
		if band.N == 0 {
			continue
		}
		sty := r.labelStyle(p, band)
		y := trY(float64(r.offset(b)) + float64(band.N)/2)
		c.FillText(sty, vg.Point{X: c.Max.X + labelGap, Y: y}, band.Name)
	}
}

// stretchRows returns img (one pixel row per neuron, or fewer rows than
// pixels) h pixels high: pixel row y shows the neuron at its centre, and
// when a neuron has 4 pixel rows or more the top and bottom tenth of them
// are background, so that neighbours' spikes stay apart.
func stretchRows(img *image.RGBA, h int, bg color.RGBA) *image.RGBA {
	n := img.Rect.Dy()
	if n == h {
		return img
	}
	w := img.Rect.Dx()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		pos := (float64(h-y) - 0.5) / float64(h) * float64(n) // rows from the bottom
		row := min(n-1, int(pos))
		dst := out.Pix[y*out.Stride : y*out.Stride+4*w]
		if f := pos - float64(row); float64(h)/float64(n) >= 4 && (f < 0.1 || f >= 0.9) {
			for x := range w {
				copy(dst[4*x:], []uint8{bg.R, bg.G, bg.B, bg.A})
			}
			continue
		}
		src := n - 1 - row
		copy(dst, img.Pix[src*img.Stride:src*img.Stride+4*w])
	}
	return out
}

// labelGap is the space between the data area and the group names.
const labelGap = vg.Length(4)

func (r *RasterPlotter) offset(b int) int {
	n := 0
	for _, band := range r.Bands[:b] {
		n += band.N
	}
	return n
}

func (r *RasterPlotter) labelStyle(p *plot.Plot, band Band) plottext.Style {
	sty := p.Y.Tick.Label
	sty.Font.Size = labelSize
	sty.Color = band.Color
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	sty.Rotation = 0
	return sty
}

// GlyphBoxes make room right of the data area for the group names.
func (r *RasterPlotter) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	rows := float64(max(1, r.rows()))
	for b, band := range r.Bands {
		if band.N == 0 {
			continue
		}
		sty := r.labelStyle(p, band)
		w, h := sty.Width(band.Name), sty.Height(band.Name)
		boxes = append(boxes, plot.GlyphBox{
			X: 1, Y: (float64(r.offset(b)) + float64(band.N)/2) / rows,
			Rectangle: vg.Rectangle{Min: vg.Point{X: labelGap, Y: -h / 2}, Max: vg.Point{X: 2*labelGap + w, Y: h / 2}},
		})
	}
	return boxes
}

// RasterPlot returns the raster plot of the trains from t0 to t1 ms.
func RasterPlot(trains []Spikes, t0, t1 float64) (*plot.Plot, error) {
	p, _, err := rasterPlot(trains, t0, t1)
	return p, err
}

func rasterPlot(trains []Spikes, t0, t1 float64) (*plot.Plot, *RasterPlotter, error) {
	rp, err := NewRasterPlotter(trains, t0, t1)
	if err != nil {
		return nil, nil, err
	}
	n := 0
	for _, s := range trains {
		n += len(s.I)
	}
	p := newPlot("", "time (ms)", "neuron")
	p.Title.Text = fmt.Sprintf("%s spikes", thousands(n))
	p.Add(rp)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = rp.DataRange()
	return p, rp, nil
}

// thousands prints n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for k := len(s) - 3; k > 0 && s[k-1] != '-'; k -= 3 {
		s = s[:k] + "," + s[k:]
	}
	return s
}
