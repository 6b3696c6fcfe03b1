package viz

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// TestLine checks that a segment reaches its end and, when it is flat,
// has one pixel in each column between its ends; and that one with an end
// far outside the image ends (it once looped for ever).
func TestLine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ink := color.RGBA{0, 0, 0, 255}
	for k := range 20000 {
		img := image.NewRGBA(image.Rect(0, 0, 60, 40))
		p := [4]int{r.IntN(60), r.IntN(40), r.IntN(60), r.IntN(40)}
		if k%10 == 0 {
			p[2], p[3] = p[2]*1000000, p[3]*-1000000
		}
		line(img, p[0], p[1], p[2], p[3], ink)
		if k%10 == 0 {
			continue
		}
		x0, y0, x1, y1 := p[0], p[1], p[2], p[3]
		if (image.Point{x1, y1}).In(img.Bounds()) && img.RGBAAt(x1, y1) != ink {
			t.Fatalf("line %v misses its end", p)
		}
		if abs(x1-x0) >= abs(y1-y0) {
			for x := max(min(x0, x1), 0); x <= min(max(x0, x1), 59); x++ {
				n := 0
				for y := range 40 {
					if img.RGBAAt(x, y) == ink {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("line %v has %d pixels in column %d", p, n, x)
				}
			}
		}
	}
}
