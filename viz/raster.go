// Package viz draws spiking networks: the figures of a run (spike rasters,
// population rates, state traces, interval and weight histograms, phase
// planes) with gonum/plot, and the pixel raster that both those figures
// and the live window (package viz/window) paint.
//
// A raster of millions of spikes is not drawn one glyph per spike: spikes
// are binned to the pixels of the image (Raster), and each pixel is painted
// once, coloured by the group its neurons belong to and shaded by how many
// spikes fell into it.
package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/bits"
)

// Band is a group (or subgroup) of neurons in a raster: bands are stacked
// in order, the first at the bottom, so that neuron i of band b is row
// Offset(b)+i of the raster.
type Band struct {
	Name  string
	N     int
	Color color.RGBA
}

// View is the part of a raster shown: times T0 ≤ t < T1 in ms and rows
// Lo ≤ row < Hi (neurons, counted over the stacked bands).
type View struct {
	T0, T1 float64
	Lo, Hi int
}

// Raster counts spikes per pixel of a W × H image of a View: time runs
// from left to right, rows from bottom to top. Column x holds the times
// T0 + x·(T1-T0)/W up to the next column, pixel row y (counted from the
// bottom) the rows Lo + ⌊y·(Hi-Lo)/H⌋ up to the next pixel row's first.
type Raster struct {
	W, H   int
	View   View
	Counts []uint32 // W·H, pixel (x, y from the top) at y·W + x
	bands  []Band
	start  []int // first row of each band, and the total
}

// NewRaster returns an empty raster of w × h pixels showing view of the
// bands.
func NewRaster(w, h int, bands []Band, view View) (*Raster, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("viz: raster of %d × %d pixels", w, h)
	}
	r := &Raster{W: w, H: h, Counts: make([]uint32, w*h), bands: bands, start: make([]int, len(bands)+1)}
	for b, band := range bands {
		if band.N < 0 {
			return nil, fmt.Errorf("viz: band %q has %d neurons", band.Name, band.N)
		}
		r.start[b+1] = r.start[b] + band.N
	}
	if err := r.Reset(view); err != nil {
		return nil, err
	}
	return r, nil
}

// Rows is the number of rows of all bands.
func (r *Raster) Rows() int { return r.start[len(r.bands)] }

// Bands returns the bands of the raster.
func (r *Raster) Bands() []Band { return r.bands }

// Offset is the first row of band b.
func (r *Raster) Offset(b int) int { return r.start[b] }

// Reset clears the counts and shows view.
func (r *Raster) Reset(view View) error {
	if !(view.T1 > view.T0) || view.Hi <= view.Lo || math.IsInf(view.T1-view.T0, 0) {
		return fmt.Errorf("viz: raster view %g…%g ms, rows %d…%d is empty", view.T0, view.T1, view.Lo, view.Hi)
	}
	r.View = view
	clear(r.Counts)
	return nil
}

// Pixel returns the pixel (x, y from the top) of a spike of row at t ms,
// and false when the view does not show it. A row goes to the pixel row
// that holds its centre: with more rows than pixel rows, several rows share
// one; with fewer, a row's spikes are one pixel high.
func (r *Raster) Pixel(row int, t float64) (x, y int, ok bool) {
	v := r.View
	if row < v.Lo || row >= v.Hi || !(t >= v.T0 && t < v.T1) {
		return 0, 0, false
	}
	// Within a millionth of a column of its right edge a time goes to the
	// next column: times and column edges that are both whole numbers of
	// steps then share a column however the float64 products round.
	x = min(r.W-1, int(math.Floor((t-v.T0)/(v.T1-v.T0)*float64(r.W)+1e-6)))
	yb := (2*(row-v.Lo) + 1) * r.H / (2 * (v.Hi - v.Lo))
	return x, r.H - 1 - yb, true
}

// Add counts a spike of neuron i of band b at t ms.
func (r *Raster) Add(b, i int, t float64) {
	if x, y, ok := r.Pixel(r.start[b]+i, t); ok {
		r.Counts[y*r.W+x]++
	}
}

// AddRecord counts the spikes of a spike record of band b at t ms: bit
// i%32 of word i/32 set for each neuron i that spiked, as host.Batch holds
// them.
func (r *Raster) AddRecord(b int, record []uint32, t float64) {
	if !(t >= r.View.T0 && t < r.View.T1) {
		return
	}
	for w, word := range record {
		for word != 0 {
			r.Add(b, w*32+bits.TrailingZeros32(word), t)
			word &= word - 1
		}
	}
}

// band returns the band of row, or -1.
func (r *Raster) band(row int) int {
	for b := range r.bands {
		if row < r.start[b+1] {
			return b
		}
	}
	return -1
}

// Paint draws the raster into img at its bounds' origin, W × H pixels: a
// pixel without spikes is background, one with spikes is the colour of the
// band of its first row, mixed with the background the less the fewer
// spikes it holds (logarithmically, relative to the fullest pixel), so a
// sparse raster shows every spike at full colour and a dense one its
// structure.
func (r *Raster) Paint(img *image.RGBA, background color.RGBA) {
	peak := uint32(0)
	for _, c := range r.Counts {
		peak = max(peak, c)
	}
	scale := 1.0
	if peak > 1 {
		// The faintest pixel, one spike, is still 60% coloured: sparse rasters
		// read at a glance.
		scale = 1 / math.Log(float64(peak))
	}
	o := img.Bounds().Min
	rowColor := make([]color.RGBA, r.H)
	for y := range r.H {
		row := r.centreRow(y)
		rowColor[y] = background
		if b := r.band(row); b >= 0 {
			rowColor[y] = r.bands[b].Color
		}
	}
	for y := range r.H {
		for x := range r.W {
			c := r.Counts[y*r.W+x]
			px := background
			if c > 0 {
				a := 1.0
				if peak > 1 {
					a = 0.6 + 0.4*math.Log(float64(c))*scale
				}
				px = mix(background, rowColor[y], a)
			}
			img.SetRGBA(o.X+x, o.Y+y, px)
		}
	}
}

// centreRow is the row at the centre of pixel row y (from the top), whose
// band colours the pixel row.
func (r *Raster) centreRow(y int) int {
	v := r.View
	yb := r.H - 1 - y
	return v.Lo + (2*yb+1)*(v.Hi-v.Lo)/(2*r.H)
}

// Image returns the raster painted on a new image with a white background.
func (r *Raster) Image() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, r.W, r.H))
	r.Paint(img, color.RGBA{255, 255, 255, 255})
	return img
}

// mix returns a·fg + (1-a)·bg.
func mix(bg, fg color.RGBA, a float64) color.RGBA {
	m := func(b, f uint8) uint8 { return uint8(math.Round(float64(f)*a + float64(b)*(1-a))) }
	return color.RGBA{m(bg.R, fg.R), m(bg.G, fg.G), m(bg.B, fg.B), 255}
}

// Palette is the colour of each band by default: distinct colours that stay
// apart for colour-blind readers (Okabe & Ito 2008), excitatory groups
// first in blue, inhibitory second in vermilion, as most EI figures.
var Palette = []color.RGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermilion
	{0, 158, 115, 255},   // bluish green
	{204, 121, 167, 255}, // reddish purple
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky blue
	{0, 0, 0, 255},       // black
	{240, 228, 66, 255},  // yellow
}

// Colors returns bands named names with sizes n, coloured from Palette in
// turn.
func Colors(names []string, n []int) []Band {
	bands := make([]Band, len(names))
	for b := range names {
		bands[b] = Band{Name: names[b], N: n[b], Color: Palette[b%len(Palette)]}
	}
	return bands
}
