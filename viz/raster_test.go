package viz

import (
	"image/color"
	"testing"
)

// TestRasterPixels checks where spikes land: each spike of a sparse raster
// is one pixel of its band's colour, at its time and row.
func TestRasterPixels(t *testing.T) {
	bands := Colors([]string{"E", "I"}, []int{8, 2})
	tests := []struct {
		name      string
		w, h      int
		view      View
		band, i   int
		ms        float64
		x, y      int
		shown     bool
		wantColor color.RGBA
	}{
		{"first row, first column", 100, 10, View{0, 100, 0, 10}, 0, 0, 0, 0, 9, true, Palette[0]},
		{"last row of I", 100, 10, View{0, 100, 0, 10}, 1, 1, 99.9, 99, 0, true, Palette[1]},
		{"E row 5", 100, 10, View{0, 100, 0, 10}, 0, 5, 50, 50, 4, true, Palette[0]},
		{"two rows a pixel", 100, 5, View{0, 100, 0, 10}, 0, 3, 10, 10, 3, true, Palette[0]},
		{"zoomed rows", 100, 4, View{0, 100, 6, 10}, 1, 0, 10, 10, 1, true, Palette[1]},
		{"before view", 100, 10, View{10, 100, 0, 10}, 0, 0, 9.99, 0, 0, false, color.RGBA{}},
		{"at the end of view", 100, 10, View{0, 100, 0, 10}, 0, 0, 100, 0, 0, false, color.RGBA{}},
		{"row outside view", 100, 4, View{0, 100, 6, 10}, 0, 5, 10, 0, 0, false, color.RGBA{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRaster(tt.w, tt.h, bands, tt.view)
			if err != nil {
				t.Fatal(err)
			}
			r.Add(tt.band, tt.i, tt.ms)
			img := r.Image()
			n := 0
			for y := range tt.h {
				for x := range tt.w {
					c := img.RGBAAt(x, y)
					if c == (color.RGBA{255, 255, 255, 255}) {
						continue
					}
					n++
					if x != tt.x || y != tt.y || c != tt.wantColor {
						t.Errorf("pixel (%d, %d) is %v, want the spike at (%d, %d) in %v", x, y, c, tt.x, tt.y, tt.wantColor)
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.shown]; n != want {
				t.Errorf("%d coloured pixels, want %d", n, want)
			}
		})
	}
}

// TestRasterRecord counts the dots of a sparse raster fed spike records.
func TestRasterRecord(t *testing.T) {
	const n, steps = 70, 200
	r, err := NewRaster(steps, n, Colors([]string{"P"}, []int{n}), View{0, steps * 0.1, 0, n})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for s := range steps {
		rec := make([]uint32, 3)
		for i := range n {
			if (i*7+s*13)%23 == 0 {
				rec[i/32] |= 1 << (i % 32)
				want++
			}
		}
		r.AddRecord(0, rec, float64(s)*0.1)
	}
	img := r.Image()
	got := 0
	for k := 0; k < len(img.Pix); k += 4 {
		if img.Pix[k] != 255 || img.Pix[k+1] != 255 || img.Pix[k+2] != 255 {
			got++
		}
	}
	if got != want || want == 0 {
		t.Errorf("%d dots, want %d", got, want)
	}
}

// TestRasterShading checks that a pixel with more spikes is darker and that
// binning keeps every spike's count.
func TestRasterShading(t *testing.T) {
	r, err := NewRaster(2, 1, Colors([]string{"P"}, []int{1000}), View{0, 2, 0, 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		r.Add(0, i, 0.5)
	}
	r.Add(0, 3, 1.5)
	if r.Counts[0] != 1000 || r.Counts[1] != 1 {
		t.Fatalf("counts %v, want [1000 1]", r.Counts)
	}
	img := r.Image()
	full, faint := img.RGBAAt(0, 0), img.RGBAAt(1, 0)
	if full != Palette[0] || !(faint.R > full.R && faint.R < 255) {
		t.Errorf("full pixel %v (want %v), faint %v", full, Palette[0], faint)
	}
}

func TestRasterErrors(t *testing.T) {
	for _, tt := range []struct {
		w, h int
		view View
	}{{0, 10, View{0, 1, 0, 1}}, {10, 10, View{1, 1, 0, 1}}, {10, 10, View{0, 1, 3, 3}}} {
		if _, err := NewRaster(tt.w, tt.h, nil, tt.view); err == nil {
			t.Errorf("NewRaster(%d, %d, %v): no error", tt.w, tt.h, tt.view)
		}
	}
}
