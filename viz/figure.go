package viz

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure sizes by default: 8 × 4.5 inches at 150 dots per inch, a
// 1200 × 675 PNG.
const (
	DefaultWidth  = 8 * vg.Inch
	DefaultHeight = 4.5 * vg.Inch
	DefaultDPI    = 150
)

// Figure is one or more plots laid out in rows: the plots of a row share
// its height equally, rows have the relative Heights given (equal when
// nil), and the data areas of the plots of a column line up, so that
// stacked plots of one time axis show the same times one above the other.
type Figure struct {
	Rows          [][]*plot.Plot
	Heights       []float64
	Width, Height vg.Length // DefaultWidth and DefaultHeight when zero
	DPI           int       // of a PNG; DefaultDPI when zero
}

// cellPad is the space around each plot of a figure.
const cellPad = vg.Length(4)

// Single returns a figure of one plot.
func Single(p *plot.Plot) *Figure { return &Figure{Rows: [][]*plot.Plot{{p}}} }

// Stack returns a figure of plots one above the other, the first at the
// top, with relative heights.
func Stack(plots []*plot.Plot, heights ...float64) *Figure {
	f := &Figure{Heights: heights}
	for _, p := range plots {
		f.Rows = append(f.Rows, []*plot.Plot{p})
	}
	return f
}

func (f *Figure) size() (w, h vg.Length, dpi int) {
	w, h, dpi = f.Width, f.Height, f.DPI
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	if dpi == 0 {
		dpi = DefaultDPI
	}
	return w, h, dpi
}

// Draw draws the figure into c.
func (f *Figure) Draw(c draw.Canvas) {
	total := 0.0
	for r := range f.Rows {
		total += f.height(r)
	}
	// Rows from the top; within a row, equal columns.
	cells := make([][]draw.Canvas, len(f.Rows))
	top := c.Max.Y
	for r, row := range f.Rows {
		h := vg.Length(f.height(r) / total * float64(c.Max.Y-c.Min.Y))
		cols := max(1, len(row))
		w := (c.Max.X - c.Min.X) / vg.Length(cols)
		for k := range row {
			cell := draw.Crop(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: c.Min.X + vg.Length(k)*w, Y: top - h},
				Max: vg.Point{X: c.Min.X + vg.Length(k+1)*w, Y: top},
			}}, cellPad, -cellPad, cellPad, -cellPad)
			cells[r] = append(cells[r], cell)
		}
		top -= h
	}
	// Line up the data areas of each column: every plot of it gets the
	// widest left and right margins of the column.
	cols := 0
	for _, row := range f.Rows {
		cols = max(cols, len(row))
	}
	for k := range cols {
		var left, right vg.Length
		for r, row := range f.Rows {
			if k < len(row) && row[k] != nil {
				da := row[k].DataCanvas(cells[r][k])
				left = max(left, da.Min.X-cells[r][k].Min.X)
				right = max(right, cells[r][k].Max.X-da.Max.X)
			}
		}
		for r, row := range f.Rows {
			if k < len(row) && row[k] != nil {
				cell := cells[r][k]
				da := row[k].DataCanvas(cell)
				cells[r][k] = draw.Crop(cell, left-(da.Min.X-cell.Min.X), -(right - (cell.Max.X - da.Max.X)), 0, 0)
			}
		}
	}
	for r, row := range f.Rows {
		for k, p := range row {
			if p != nil {
				p.Draw(cells[r][k])
			}
		}
	}
}

func (f *Figure) height(r int) float64 {
	if r < len(f.Heights) && f.Heights[r] > 0 {
		return f.Heights[r]
	}
	return 1
}

// Image draws the figure on a white image of its size at its DPI.
func (f *Figure) Image() *image.RGBA {
	c := f.imageCanvas()
	return c.Image().(*image.RGBA)
}

func (f *Figure) imageCanvas() *vgimg.Canvas {
	w, h, dpi := f.size()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	f.Draw(draw.New(c))
	return c
}

// Save writes the figure to path, a PNG or an SVG file by its extension.
// The file appears complete or not at all.
func (f *Figure) Save(path string) error {
	var write func(*os.File) error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		write = func(file *os.File) error {
			_, err := vgimg.PngCanvas{Canvas: f.imageCanvas()}.WriteTo(file)
			return err
		}
	case ".svg":
		write = func(file *os.File) error {
			w, h, _ := f.size()
			c := vgsvg.New(w, h)
			dc := draw.New(c)
			dc.SetColor(color.White)
			dc.Fill(dc.Rectangle.Path())
			f.Draw(dc)
			_, err := c.WriteTo(file)
			return err
		}
	default:
		return fmt.Errorf("viz: save %s: format %q is neither .png nor .svg", path, ext)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("viz: save %s: %w", path, err)
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("viz: save %s: %w", path, err)
	}
	return nil
}

// Fonts: sans-serif, labels 11 pt, ticks 9 pt, titles 12 pt.
var (
	sans      = font.Font{Typeface: "Liberation", Variant: "Sans"}
	labelSize = vg.Points(11)
	tickSize  = vg.Points(9)
)

// newPlot returns a plot with the house style: sans-serif text, a title
// (may be empty) and axis labels, light grey grid lines behind the data.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Title.Padding = vg.Points(4)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font = sans
		a.Tick.Label.Font.Size = tickSize
		a.Padding = 0
	}
	p.X.Label.Text, p.Y.Label.Text = x, y
	p.Legend.TextStyle.Font = sans
	p.Legend.TextStyle.Font.Size = tickSize
	p.Legend.Top = true
	setTicks(p)
	return p
}
