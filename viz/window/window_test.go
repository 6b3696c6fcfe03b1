package window

import (
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/internal/gputest"
	"github.com/spikevk/spikevk/viz"
)

// GLFW runs on the main OS thread (locked by this package's init): tests
// run on another goroutine and hand window work to the main one.
var mainQueue = make(chan func())

func TestMain(m *testing.M) {
	done := make(chan int, 1)
	go func() { done <- m.Run() }()
	for {
		select {
		case f := <-mainQueue:
			f()
		case code := <-done:
			os.Exit(code)
		}
	}
}

// onMain runs f on the main goroutine and waits for it.
func onMain(f func()) {
	finished := make(chan struct{})
	mainQueue <- func() { defer close(finished); f() }
	<-finished
}

// needDisplay skips without a display, or fails when
// SPIKEVK_REQUIRE_DISPLAY=1 (make test runs these tests under xvfb-run).
func needDisplay(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		if os.Getenv("SPIKEVK_REQUIRE_DISPLAY") == "1" {
			t.Fatal("no display, and SPIKEVK_REQUIRE_DISPLAY=1")
		}
		t.Skip("no display (run under xvfb-run)")
	}
}

// testNetwork is a small deterministic network: Poisson input driving
// conductance-based neurons, with a spike monitor of each group.
func testNetwork(backend string) (*spikevk.Network, []*spikevk.SpikeMonitor) {
	net := spikevk.New(spikevk.Config{Seed: 3, Backend: backend})
	in := net.PoissonGroup("input", 150, "15*Hz")
	cells := net.Group("cells", 100, spikevk.Builtin("lif_coba_exp"))
	cells.Set("v", "E_L + rand()*(V_th - E_L)")
	net.Connect("drive", in, cells, spikevk.Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
		spikevk.FixedProbability(0.2)).Set("w", "0.6*nS")
	return net, []*spikevk.SpikeMonitor{net.SpikeMonitor(in), net.SpikeMonitor(cells)}
}

// validation counts the validation layer's messages.
func validation(t *testing.T) (*atomic.Int32, func(vk.Message)) {
	var n atomic.Int32
	return &n, func(m vk.Message) {
		if m.Severity == "performance" {
			t.Log("vk:", m)
			return
		}
		n.Add(1)
		t.Errorf("validation: %s", m)
	}
}

// TestScreenshot runs a network in the window on each backend and checks
// that the screenshot, read back from the window's image, shows in its
// raster exactly the offline raster of the spikes the monitors recorded.
func TestScreenshot(t *testing.T) {
	needDisplay(t)
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				gputest.Context(t, vk.Options{}) // skips, or fails in CI, without a Vulkan device
			}
			net, mons := testNetwork(backend)
			defer net.Close()
			shot := filepath.Join(t.TempDir(), "window.png")
			messages, onMessage := validation(t)
			var w *Window
			var err error
			fills := 0
			onMain(func() {
				w, err = Open(net, Options{Width: 800, Height: 500, Span: 300, Screenshot: shot, Validation: true, OnMessage: onMessage})
				if err != nil {
					return
				}
				defer w.Close()
				// 1.5 s of 0.5 ms columns: the GPU feed's ring of four
				// widths wraps.
				err = w.Run(context.Background(), 1500)
				fills = w.feed.Fills()
			})
			if err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("VIZ_SHOW"); dir != "" {
				data, _ := os.ReadFile(shot)
				os.WriteFile(filepath.Join(dir, "window_"+backend+".png"), data, 0o644)
			}
			got := readPNG(t, shot)
			if b := got.Bounds(); b.Dx() != 800 || b.Dy() != 500 {
				t.Fatalf("screenshot of %v, want 800 × 500", b)
			}
			rect, view := w.Live().Layout()
			if view.T1 != 1500 || view.T1-view.T0 < 300 || view.Hi != 250 {
				t.Fatalf("final view %+v, want 300 ms or more up to 1500 ms, and 250 rows", view)
			}
			r, err := viz.NewRaster(rect.Dx(), rect.Dy(), []viz.Band{{N: 150, Color: viz.Palette[0]}, {N: 100, Color: viz.Palette[1]}}, view)
			if err != nil {
				t.Fatal(err)
			}
			spikes := 0
			for b, m := range mons {
				i, ts := m.Spikes()
				for k := range i {
					// Monitor times are float32 ms (host.Time): the step's
					// time in float64 is what the window bins.
					r.Add(b, int(i[k]), math.Round(ts[k]/0.1)*0.1)
				}
				spikes += len(i)
			}
			offline := r.Image()
			diff := 0
			for y := range rect.Dy() {
				for x := range rect.Dx() {
					if got.RGBAAt(rect.Min.X+x, rect.Min.Y+y) != offline.RGBAAt(x, y) {
						diff++
					}
				}
			}
			if diff != 0 || spikes == 0 {
				t.Errorf("%d of %d raster pixels differ from the offline raster of the %d spikes", diff, rect.Dx()*rect.Dy(), spikes)
			}
			// On Vulkan the GPU feed binned the screenshot's raster.
			if gpuFed := fills > 0; gpuFed != (backend == "vulkan") {
				t.Errorf("the GPU feed filled %d frames on the %s backend", fills, backend)
			}
			if messages.Load() != 0 {
				t.Errorf("%d validation messages", messages.Load())
			}
		})
	}
}

// TestControls drives pause, step and a knob through the API on each
// backend: nothing runs while paused, a step runs one chunk, and a knob's
// value is applied between chunks, before the chunk after the change, so
// that the run's spikes are those of the same network run without the
// window whose knob is set at that time.
func TestControls(t *testing.T) {
	needDisplay(t)
	for _, backend := range []string{"cpu", "vulkan"} {
		t.Run(backend, func(t *testing.T) {
			if backend == "vulkan" {
				gputest.Context(t, vk.Options{})
			}
			testControls(t, backend)
		})
	}
}

func testControls(t *testing.T, backend string) {
	net, mons := testNetwork(backend)
	rates, err := net.KnobByName("input.rates")
	if err != nil {
		t.Fatal(err)
	}
	var setAt atomic.Value // the time of the view when Set ran, and the value
	type set struct {
		now  float64
		expr string
	}
	var w *Window
	knob := &Knob{Name: "input.rates", Lo: 1, Hi: 50, Value: 15, Unit: "Hz", Set: func(expr string) error {
		setAt.Store(set{w.Live().Now(), expr})
		return rates.Set(expr)
	}}
	shot := filepath.Join(t.TempDir(), "controls.png")
	errs := make(chan error, 1)
	opened := make(chan struct{})
	go func() {
		var err error
		onMain(func() {
			w, err = Open(net, Options{Width: 640, Height: 400, Chunk: 5, Paused: true, Knobs: []*Knob{knob}, Screenshot: shot})
			close(opened)
			if err != nil {
				return
			}
			defer w.Close()
			err = w.Run(context.Background(), 50)
		})
		errs <- err
	}()
	<-opened
	if w == nil {
		t.Fatal(<-errs)
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (now %g ms)", what, w.Live().Now())
			}
		}
	}
	time.Sleep(200 * time.Millisecond)
	if now := w.Live().Now(); now != 0 {
		t.Fatalf("paused window ran to %g ms", now)
	}
	w.Step()
	wait("one step of 5 ms", func() bool { return w.Live().Now() == 5 })
	time.Sleep(100 * time.Millisecond)
	if now := w.Live().Now(); now != 5 {
		t.Fatalf("after one step the run is at %g ms, want 5", now)
	}
	w.SetKnob(0, 80) // clamped to 50
	if setAt.Load() != nil {
		t.Fatal("the knob was set while paused, before the next chunk")
	}
	w.Step()
	wait("the second step", func() bool { return w.Live().Now() == 10 })
	if s, _ := setAt.Load().(set); s.now != 5 || s.expr != "50*Hz" {
		t.Errorf("knob set at %g ms to %q, want at 5 ms to 50*Hz", s.now, s.expr)
	}
	w.Resume()
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if now := w.Live().Now(); now != 50 {
		t.Errorf("run ended at %g ms, want 50", now)
	}
	// The same network without the window, its knob set at 5 ms.
	twin, twinMons := testNetwork(backend)
	defer twin.Close()
	twinRates, err := twin.KnobByName("input.rates")
	if err != nil {
		t.Fatal(err)
	}
	if err := twin.Run(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	if err := twinRates.Set("50*Hz"); err != nil {
		t.Fatal(err)
	}
	if err := twin.Run(context.Background(), 45); err != nil {
		t.Fatal(err)
	}
	for k := range mons {
		i, ts := mons[k].Spikes()
		ti, tts := twinMons[k].Spikes()
		if !slices.Equal(i, ti) || !slices.Equal(ts, tts) {
			t.Errorf("group %d: %d spikes in the window, %d without it", k, len(i), len(ti))
		}
	}
	if i, _ := mons[0].Spikes(); len(i) < 150*45*50/1000/2 {
		t.Errorf("%d input spikes: the rate did not go up to 50 Hz", len(i))
	}
}

// TestNoDisplay checks that Open fails at once, with ErrNoDisplay, where
// there is no display.
func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	net, _ := testNetwork("cpu")
	if _, err := Open(net, Options{}); err != ErrNoDisplay {
		t.Fatalf("Open without a display: %v, want ErrNoDisplay", err)
	}
}

func readPNG(t *testing.T, path string) *image.RGBA {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				rgba.Set(x, y, img.At(x, y))
			}
		}
	}
	return rgba
}

// BenchmarkWindow runs COBA (64,000 neurons, 80 synapses each, 100 ms) on
// the Vulkan backend without and with the window (make bench, under
// xvfb-run): their ratio is the window's cost to the simulation.
func BenchmarkWindow(b *testing.B) {
	needDisplayB(b)
	const n, ms = 64000, 100
	for _, shown := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "window"}[shown]
		b.Run(name, func(b *testing.B) {
			for range b.N {
				net := spikevk.COBA(spikevk.Config{Seed: 1, Backend: "vulkan"}, n, 80.0/n)
				var err error
				onMain(func() {
					if !shown {
						err = net.Run(context.Background(), ms)
						net.Close()
						return
					}
					var w *Window
					if w, err = Open(net, Options{Screenshot: filepath.Join(b.TempDir(), "w.png")}); err != nil {
						return
					}
					defer w.Close()
					err = w.Run(context.Background(), ms)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/(ms/1000.0), "wall/bio-s")
		})
	}
}

func needDisplayB(b *testing.B) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		b.Skip("no display (run under xvfb-run)")
	}
}

// TestTrace checks that the trace of a neuron holds its v every
// TraceEvery ms, as a state monitor records it at those times.
func TestTrace(t *testing.T) {
	needDisplay(t)
	net, _ := testNetwork("cpu")
	cells := net.GroupByName("cells")
	mon := net.StateMonitor(cells, []string{"v"}, 0.5, 7)
	var w *Window
	var err error
	onMain(func() {
		w, err = Open(net, Options{Width: 640, Height: 480, TraceEvery: 0.5, Screenshot: filepath.Join(t.TempDir(), "trace.png")})
		if err != nil {
			return
		}
		defer w.Close()
		w.Live().SetTrace(1, 7, "cells neuron 7: v", "mV")
		err = w.Run(context.Background(), 20)
	})
	if err != nil {
		t.Fatal(err)
	}
	trace := w.Live().Trace()
	ts, v, err := mon.Values("v")
	if err != nil {
		t.Fatal(err)
	}
	if len(trace) != 40 {
		t.Fatalf("%d trace points in 20 ms every 0.5 ms, want 40", len(trace))
	}
	// Trace point k is v after step 5(k+1)-1, the monitor's sample k+1
	// is v at the start of step 5(k+1): the same value.
	for k, p := range trace {
		if k+1 >= len(ts) {
			break
		}
		if p.T != ts[k+1] || float32(p.V) != v[k+1][0] {
			t.Errorf("trace point %d: %g ms, %g mV; monitor: %g ms, %g mV", k, p.T, p.V, ts[k+1], v[k+1][0])
		}
	}
}

// TestMillion shows 10^6 Poisson neurons on the Vulkan backend: rows are
// binned to pixel rows on the GPU, and the last frame's raster counts
// every spike of the run once.
func TestMillion(t *testing.T) {
	needDisplay(t)
	if testing.Short() {
		t.Skip("10^6 neurons")
	}
	gputest.Context(t, vk.Options{})
	const n, ms = 1000000, 20
	net := spikevk.New(spikevk.Config{Seed: 5, Backend: "vulkan"})
	net.PoissonGroup("input", n, "10*Hz")
	var err error
	fills, total := 0, uint64(0)
	onMain(func() {
		var w *Window
		w, err = Open(net, Options{Width: 640, Height: 400, Span: ms, Screenshot: filepath.Join(t.TempDir(), "million.png")})
		if err != nil {
			return
		}
		defer w.Close()
		err = w.Run(context.Background(), ms)
		fills, total = w.feed.Fills(), w.feed.lastTotal
	})
	if err != nil {
		t.Fatal(err)
	}
	spikes := net.Summary().Groups[0].Spikes
	if fills == 0 || total != spikes || spikes < 150000 {
		t.Fatalf("GPU feed filled %d frames, the last with %d spikes; the run had %d", fills, total, spikes)
	}
}
