package viz

import (
	"image"
	"image/color"
	"os"
	"testing"
)

// syntheticLive feeds a live view of two bands (E: 80 neurons of group 0
// from 0, I: 20 from 80) steps steps of a deterministic raster, and
// returns it with the spikes fed (band, index, time).
func syntheticLive(t *testing.T, steps int) (*Live, [][3]float64) {
	t.Helper()
	bands := []LiveBand{{Band{"E", 80, Palette[0]}, 0, 0}, {Band{"I", 20, Palette[1]}, 0, 80}}
	l, err := NewLive(bands, 0.1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var fed [][3]float64
	const batch = 100
	for first := 0; first < steps; first += batch {
		rec := make([]uint32, batch*4)
		for s := range batch {
			for i := range 100 {
				if (i*31+(first+s)*17)%97 == 0 {
					rec[s*4+i/32] |= 1 << (i % 32)
					b, k := 0, i
					if i >= 80 {
						b, k = 1, i-80
					}
					fed = append(fed, [3]float64{float64(b), float64(k), float64(first+s) * 0.1})
				}
			}
		}
		l.Batch(uint64(first), batch, [][]uint32{rec})
	}
	return l, fed
}

// TestLiveRasterIsRaster checks that the raster of a live frame is the
// offline Raster of the same spikes, pixel for pixel.
func TestLiveRasterIsRaster(t *testing.T) {
	l, fed := syntheticLive(t, 3000)
	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	if err := l.Draw(img, Status{State: "running"}); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("VIZ_SHOW") != "" {
		savePNG(t, os.Getenv("VIZ_SHOW"), img)
	}
	rect, view := l.Layout()
	// 100 ms over 778 columns: two steps a column (155.6 ms in view), the
	// last one 299.8 and 299.9 ms.
	if want := (View{T0: 144.4, T1: 300, Lo: 0, Hi: 100}); view != want || rect.Dx() != 778 {
		t.Fatalf("view %+v of %d columns, want %+v of 778", view, rect.Dx(), want)
	}
	r, err := NewRaster(rect.Dx(), rect.Dy(), []Band{l.bands[0].Band, l.bands[1].Band}, view)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range fed {
		r.Add(int(s[0]), int(s[1]), s[2])
	}
	offline := r.Image()
	diff, dots := 0, 0
	for y := range rect.Dy() {
		for x := range rect.Dx() {
			a, b := img.RGBAAt(rect.Min.X+x, rect.Min.Y+y), offline.RGBAAt(x, y)
			if a != b {
				diff++
			}
			if b != (color.RGBA{255, 255, 255, 255}) {
				dots++
			}
		}
	}
	if diff != 0 || dots == 0 {
		t.Errorf("%d of %d raster pixels differ from the offline raster (%d dots)", diff, rect.Dx()*rect.Dy(), dots)
	}
}

// TestLiveNeuronAt checks that a click finds the neuron drawn there.
func TestLiveNeuronAt(t *testing.T) {
	l, _ := syntheticLive(t, 1000)
	img := image.NewRGBA(image.Rect(0, 0, 800, 500))
	if err := l.Draw(img, Status{}); err != nil {
		t.Fatal(err)
	}
	rect, view := l.Layout()
	r, _ := NewRaster(rect.Dx(), rect.Dy(), []Band{l.bands[0].Band, l.bands[1].Band}, view)
	for _, want := range []struct{ band, i int }{{0, 0}, {0, 79}, {1, 0}, {1, 19}, {0, 40}} {
		_, y, _ := r.Pixel(r.Offset(want.band)+want.i, view.T0)
		b, i, ok := l.NeuronAt(rect.Min.X+5, rect.Min.Y+y)
		if !ok || b != want.band || i != want.i {
			t.Errorf("click on the row of %v found %d %d %v", want, b, i, ok)
		}
	}
	if _, _, ok := l.NeuronAt(rect.Min.X-1, rect.Min.Y); ok {
		t.Error("a click left of the raster found a neuron")
	}
}

// millionLive is a live view of 10^6 neurons in two bands fed 1 s of
// spikes at about 5 Hz (one neuron in 2,000 per step of 0.1 ms).
func millionLive(tb testing.TB) (*Live, int) {
	const n, ne, steps, batch = 1000000, 800000, 10000, 1000
	bands := []LiveBand{{Band{"E", ne, Palette[0]}, 0, 0}, {Band{"I", n - ne, Palette[1]}, 0, ne}}
	l, err := NewLive(bands, 0.1, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	words := (n + 31) / 32
	rec := make([]uint32, batch*words)
	fed := 0
	x := uint32(1)
	for first := 0; first < steps; first += batch {
		clear(rec)
		for s := range batch {
			for range n / 2000 {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				i := int(x % n)
				if rec[s*words+i/32]&(1<<(i%32)) == 0 {
					fed++
				}
				rec[s*words+i/32] |= 1 << (i % 32)
			}
		}
		l.Batch(uint64(first), batch, [][]uint32{rec})
	}
	return l, fed
}

// TestLiveMillion checks that a network of 10^6 neurons renders: rows are
// binned to pixel rows and every spike is counted in some pixel.
func TestLiveMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("10^6 neurons")
	}
	l, fed := millionLive(t)
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	if err := l.Draw(img, Status{}); err != nil {
		t.Fatal(err)
	}
	rect, view := l.Layout()
	r, _ := NewRaster(rect.Dx(), rect.Dy(), []Band{l.bands[0].Band, l.bands[1].Band}, view)
	l.mu.Lock()
	spc, c0 := l.columns(r.W)
	l.bin(r, l.pixelRows(r, []int{0, 1}), spc, c0)
	l.mu.Unlock()
	sum := 0
	for _, c := range r.Counts {
		sum += int(c)
	}
	// The first step is not in the view (it ends at 1000 ms, 0 … 999.9).
	if sum != fed || fed < 4000000 {
		t.Errorf("%d spikes binned of %d fed", sum, fed)
	}
	if os.Getenv("VIZ_SHOW") != "" {
		savePNG(t, os.Getenv("VIZ_SHOW"), img)
	}
}

// BenchmarkLiveDraw draws frames of a live view of 10^6 neurons with 5 M
// spikes in view.
func BenchmarkLiveDraw(b *testing.B) {
	l, fed := millionLive(b)
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	b.ResetTimer()
	for range b.N {
		if err := l.Draw(img, Status{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fed), "spikes/frame")
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)*1000, "ms/frame")
}
