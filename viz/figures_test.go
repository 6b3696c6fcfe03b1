package viz

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"
)

var update = flag.Bool("update", false, "rewrite the golden figures under testdata/")

// lcg is a small deterministic generator for test input.
type lcg uint64

func (r *lcg) float() float64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return float64(uint64(*r)>>11) / (1 << 53)
}

// poisson returns about rate Hz of spikes per neuron of n over t ms, in
// time order, modulated by a 10 Hz sine to give the raster structure.
func poisson(name string, n int, rate, t, dt float64, seed lcg) Spikes {
	s := Spikes{Name: name, N: n}
	for step := 0; float64(step)*dt < t; step++ {
		tt := float64(step) * dt
		p := rate * dt / 1000 * (1 + 0.8*math.Sin(2*math.Pi*tt/100))
		for i := range n {
			if seed.float() < p {
				s.I = append(s.I, int32(i))
				s.T = append(s.T, tt)
			}
		}
	}
	return s
}

// fhn is the FitzHugh–Nagumo field with the classic a = 0.7, b = 0.8,
// ε = 0.08 (FitzHugh 1961) and I = 0.5, where the unit oscillates.
func fhn(v, w float64) (dv, dw float64) {
	return v - v*v*v/3 - w + 0.5, 0.08 * (v + 0.7 - 0.8*w)
}

// fhnTrajectory integrates fhn from (-1, -0.5) with RK4 for t ms.
func fhnTrajectory(t, dt float64) (v, w []float64) {
	x, y := -1.0, -0.5
	for k := 0; float64(k)*dt <= t; k++ {
		v, w = append(v, x), append(w, y)
		a1, b1 := fhn(x, y)
		a2, b2 := fhn(x+dt/2*a1, y+dt/2*b1)
		a3, b3 := fhn(x+dt/2*a2, y+dt/2*b2)
		a4, b4 := fhn(x+dt*a3, y+dt*b3)
		x += dt / 6 * (a1 + 2*a2 + 2*a3 + a4)
		y += dt / 6 * (b1 + 2*b2 + 2*b3 + b4)
	}
	return v, w
}

// traceState is a synthetic state monitor: an integrate-and-fire v, an
// exponentially decaying g_e kicked every 7 ms, and a current, of two
// neurons, with the spikes of v.
func traceState() (State, Spikes) {
	s := State{Name: "E", Neurons: []int{3, 8}}
	sp := Spikes{Name: "E", N: 10}
	v := []float64{-0.07, -0.065}
	g := []float64{0, 0}
	vs := Var{Name: "v", Unit: "V"}
	gs := Var{Name: "g_e", Unit: "S"}
	is := Var{Name: "I", Unit: "A"}
	for k := range 2000 {
		t := float64(k) * 0.1
		s.T = append(s.T, t)
		rv, rg, ri := make([]float64, 2), make([]float64, 2), make([]float64, 2)
		for n := range 2 {
			if k%(70+20*n) == 0 {
				g[n] += 12e-9
			}
			g[n] *= math.Exp(-0.1 / 5)
			current := g[n] * (0 - v[n])
			v[n] += 0.1 / 20 * (-0.07 - v[n] + current/10e-9)
			if v[n] > -0.05 {
				v[n] = -0.06
				sp.I = append(sp.I, int32(s.Neurons[n]))
				sp.T = append(sp.T, t)
			}
			rv[n], rg[n], ri[n] = v[n], g[n], current
		}
		vs.Values, gs.Values, is.Values = append(vs.Values, rv), append(gs.Values, rg), append(is.Values, ri)
	}
	s.Vars = []Var{vs, gs, is}
	return s, sp
}

// goldenFigures are the figures compared with testdata/*.png.
func goldenFigures(t *testing.T) map[string]*Figure {
	t.Helper()
	e := poisson("E", 400, 10, 500, 0.5, 1)
	i := poisson("I", 100, 25, 500, 0.5, 2)
	raster, err := RasterRateFigure([]Spikes{e, i}, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	st, sp := traceState()
	traces, err := TraceFigure(st, TraceOptions{Spikes: sp})
	if err != nil {
		t.Fatal(err)
	}
	v, w := fhnTrajectory(200, 0.05)
	phase, err := PhasePlane(v, w, PhaseOptions{X: "v", Y: "w", Field: fhn})
	if err != nil {
		t.Fatal(err)
	}
	var weights []float64
	r := lcg(3)
	for range 5000 {
		// Bimodal, as STDP leaves them: near 0 and near wmax = 10 nS.
		x := r.float()
		if r.float() < 0.5 {
			weights = append(weights, 1e-9*x*x*3)
		} else {
			weights = append(weights, 1e-8*(1-x*x*0.3))
		}
	}
	wp, err := WeightPlot("exc", weights, "S")
	if err != nil {
		t.Fatal(err)
	}
	figs := map[string]*Figure{
		"raster":  raster,
		"traces":  traces,
		"isi":     ISIFigure([]Spikes{e, i}),
		"phase":   Single(phase),
		"weights": Single(wp),
	}
	// Small enough for testdata, large enough to read.
	for _, f := range figs {
		f.Width, f.Height, f.DPI = 6*vg.Inch, 4*vg.Inch, 100
	}
	figs["phase"].Width = 4 * vg.Inch
	return figs
}

// TestGolden draws figures of deterministic input and compares them pixel
// for pixel with testdata/<name>.png (go test -update rewrites them). The
// comparison is exact: gonum/plot's rasteriser and fonts are pure Go, so
// the same input gives the same pixels on every amd64 machine; where
// floating-point contraction differs (arm64 fuses multiply-adds),
// anti-aliased edges may differ by a level, and such a failure is for a
// person to judge, not for a tolerance to hide.
func TestGolden(t *testing.T) {
	for name, f := range goldenFigures(t) {
		t.Run(name, func(t *testing.T) {
			got := f.Image()
			path := filepath.Join("testdata", name+".png")
			if *update {
				savePNG(t, path, got)
				return
			}
			want := loadPNG(t, path)
			if diff := pixelDiff(got, want); diff != "" {
				out := filepath.Join(t.TempDir(), name+".png")
				savePNG(t, out, got)
				t.Errorf("%s: %s (got: %s)", path, diff, out)
			}
		})
	}
}

func loadPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// pixelDiff describes how a differs from b, or is empty.
func pixelDiff(a, b image.Image) string {
	if a.Bounds() != b.Bounds() {
		return fmt.Sprintf("size %v, want %v", a.Bounds(), b.Bounds())
	}
	n, first := 0, image.Point{}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d pixels differ, the first at %v", n, first)
}
