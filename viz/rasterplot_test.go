package viz

import (
	"image"
	"image/color"
	"testing"

	"gonum.org/v1/plot/vg"
)

// TestRasterFigureDots: in the PNG of a sparse raster figure every spike is
// one tick (a vertical run of pixels in its band's colour, one column
// wide) at the pixel Raster gives it, and there are as many ticks as
// spikes: the figure draws the raster one raster pixel to one image pixel.
func TestRasterFigureDots(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int // neurons per band
		dpi   int
		w, h  vg.Length
	}{
		{"rows taller than pixels", []int{30, 10}, 150, 8 * vg.Inch, 4.5 * vg.Inch},
		{"several rows a pixel", []int{3000, 1000}, 150, 8 * vg.Inch, 4.5 * vg.Inch},
		{"100 dpi", []int{200, 50, 20}, 100, 6 * vg.Inch, 4 * vg.Inch},
		{"odd size", []int{77}, 96, 5.3 * vg.Inch, 3.7 * vg.Inch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var trains []Spikes
			r := lcg(len(tc.sizes))
			for b, n := range tc.sizes {
				s := Spikes{Name: string(rune('A' + b)), N: n}
				// Spikes 2 ms apart (well over a column), neurons at random.
				for k := range 40 {
					s.I = append(s.I, int32(r.float()*float64(n)))
					s.T = append(s.T, float64(k*2*len(tc.sizes)+2*b)+0.3)
				}
				trains = append(trains, s)
			}
			p, rp, err := rasterPlot(trains, 0, float64(80*len(tc.sizes)))
			if err != nil {
				t.Fatal(err)
			}
			f := Single(p)
			f.Width, f.Height, f.DPI = tc.w, tc.h, tc.dpi
			img := f.Image()
			area, ras := rp.drawn, rp.raster
			if area.Dx() != ras.W || area.Dy() < ras.H || area.Empty() {
				t.Fatalf("raster of %d × %d pixels drawn into %v", ras.W, ras.H, area)
			}
			// Ticks: vertical runs of band-coloured pixels.
			ticks := map[image.Point]int{} // top of the run → band
			for x := area.Min.X; x < area.Max.X; x++ {
				for y := area.Min.Y; y < area.Max.Y; y++ {
					b := bandOf(img.RGBAAt(x, y), rp.Bands)
					if b < 0 {
						continue
					}
					if bandOf(img.RGBAAt(x, y-1), rp.Bands) != b || y == area.Min.Y {
						ticks[image.Pt(x, y)] = b
					}
					if bandOf(img.RGBAAt(x-1, y), rp.Bands) == b && x > area.Min.X {
						t.Errorf("pixel (%d, %d): a tick two columns wide", x, y)
					}
				}
			}
			n := 0
			for b, s := range trains {
				for k, i := range s.I {
					n++
					x, y, ok := ras.Pixel(ras.Offset(b)+int(i), s.T[k])
					if !ok {
						t.Fatalf("%s spike %d (neuron %d at %g ms) not in the view %+v", s.Name, k, i, s.T[k], ras.View)
					}
					// The image row at the centre of the raster pixel row.
					iy := area.Min.Y + int((float64(y)+0.5)*float64(area.Dy())/float64(ras.H))
					if got := bandOf(img.RGBAAt(area.Min.X+x, iy), rp.Bands); got != b {
						t.Errorf("%s spike %d (neuron %d at %g ms): pixel (%d, %d) is %v", s.Name, k, i, s.T[k], area.Min.X+x, iy, img.RGBAAt(area.Min.X+x, iy))
					}
				}
			}
			if len(ticks) != n {
				t.Errorf("%d ticks for %d spikes", len(ticks), n)
			}
		})
	}
}

// bandOf is the band whose colour c is, or -1.
func bandOf(c color.RGBA, bands []Band) int {
	for b, band := range bands {
		if band.Color == c {
			return b
		}
	}
	return -1
}

// BenchmarkRaster5M draws the raster figure (a PNG of 1200 × 675 pixels
// in memory, not encoded) of 5,000,000 spikes of 100,000 neurons in 1 s.
func BenchmarkRaster5M(b *testing.B) {
	const n, spikes = 100_000, 5_000_000
	s := Spikes{Name: "P", N: n, I: make([]int32, spikes), T: make([]float64, spikes)}
	r := lcg(9)
	for k := range spikes {
		s.I[k] = int32(r.float() * n)
		s.T[k] = float64(k) / spikes * 1000
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := RasterPlot([]Spikes{s}, 0, 1000)
		if err != nil {
			b.Fatal(err)
		}
		Single(p).Image()
	}
	b.ReportMetric(float64(spikes)*float64(b.N)/b.Elapsed().Seconds(), "spikes/s")
}
