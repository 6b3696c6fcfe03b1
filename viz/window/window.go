// Package window shows a running network live in a GLFW window with a
// Vulkan swapchain: a scrolling spike raster of its groups, their
// population rates, the trace of a neuron the user clicks on, and the
// simulated time, wall time and real-time factor; keys pause, step, pace,
// zoom and pan, and turn the knobs (parameters that change between
// batches). Frames are painted by viz.Live, the code that paints the
// offline figures' rasters, and copied into the window's images.
//
// GLFW must run on the main OS thread: this package locks the main
// goroutine to it when it is imported, and Open and Window.Run must be
// called from the main goroutine. Tests need a TestMain that keeps the main
// goroutine (see this package's tests). Without a display (no DISPLAY or
// WAYLAND_DISPLAY) Open fails at once.
package window

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/go-gl/glfw/v3.3/glfw"

	"github.com/spikevk/spikevk"
	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/viz"
)

func init() { runtime.LockOSThread() }

// Band is a group or subgroup the window shows, under a name.
type Band struct {
	Name  string
	Group *spikevk.Group
}

// Knob is a parameter the user turns with the keys between batches: its
// value steps between Lo and Hi in Unit, and Set applies a value given
// as an expression ("12.5*Hz"). A Value of NaN means the value the network
// was built with; the first turn then starts from Lo.
type Knob struct {
	Name          string
	Lo, Hi, Value float64
	Unit          string
	Set           func(expr string) error
}

// Options configure a window.
type Options struct {
	Title         string
	Width, Height int     // pixels; 0: 1280 × 800
	Span          float64 // ms of raster shown; 0: 1000 ms
	Chunk         float64 // ms run between looks at the keys and knobs; 0: 10 ms
	TraceEvery    float64 // ms between samples of the traced neuron; 0: 0.5 ms
	Trace         string  // the variable traced on a click; "": v
	Speed         float64 // 0: as fast as possible; k > 0: real time × k
	Bands         []Band  // nil: every whole group
	Knobs         []*Knob
	// Screenshot names a PNG file that receives the last frame, read back
	// from the window, when the run ends; the window then closes by itself.
	Screenshot string
	Device     string // Vulkan device presenting; "": as gpu/vk chooses
	// Validation turns on the Khronos validation layer; its messages go to
	// OnMessage (nil: standard error).
	Validation bool
	OnMessage  func(vk.Message)
	// Paused starts the window paused: nothing runs until resumed or stepped.
	Paused bool
	// Traced, when set, is the neuron traced from the start, as a click
	// would choose it.
	Traced *Neuron
}

// Neuron is neuron Index of band Band (by position in the bands shown).
type Neuron struct{ Band, Index int }

// ErrNoDisplay is returned by Open without a display to open a window on.
var ErrNoDisplay = errors.New("window: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); run without -window, or under xvfb-run")

// Window is an open live window following a network.
type Window struct {
	net   *spikevk.Network
	opts  Options
	win   *glfw.Window
	ctx   *vk.Context
	sc    *vk.Swapchain
	live  *viz.Live
	feed  *gpuFeed // the raster's feed on the Vulkan backend
	bands []Band
	frame *image.RGBA

	mu      sync.Mutex // guards the controls below, shared with the simulation
	cond    *sync.Cond
	paused  bool
	steps   int     // batches to run while paused
	speed   float64 // 0: as fast as possible
	lastK   float64 // the last real-time factor, for f
	knob    int     // the selected knob
	pending []func() error
	quit    bool
	wall    time.Duration
	state   string
	message string
}

// Open opens a window that will follow net. Call it from the main
// goroutine, before net's first Run. The network's Vulkan backend then runs
// on the window's device (Network.ShareDevice), and Window.Close closes
// the network too.
func Open(net *spikevk.Network, opts Options) (*Window, error) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, ErrNoDisplay
	}
	if opts.Width <= 0 || opts.Height <= 0 {
		opts.Width, opts.Height = 1280, 800
	}
	if opts.Span <= 0 {
		opts.Span = 1000
	}
	if opts.Chunk <= 0 {
		opts.Chunk = 10
	}
	if opts.TraceEvery <= 0 {
		opts.TraceEvery = 0.5
	}
	if opts.Trace == "" {
		opts.Trace = "v"
	}
	if opts.Title == "" {
		opts.Title = "spikevk"
	}
	w := &Window{net: net, opts: opts, paused: opts.Paused, speed: opts.Speed, lastK: max(opts.Speed, 1), state: "ready"}
	w.cond = sync.NewCond(&w.mu)
	w.bands = opts.Bands
	if w.bands == nil {
		for _, g := range net.Groups() {
			w.bands = append(w.bands, Band{g.Name(), g})
		}
	}
	var live []viz.LiveBand
	for k, b := range w.bands {
		gi := groupIndex(net, b.Group)
		if gi < 0 {
			return nil, fmt.Errorf("window: band %q: %s is not a group of this network", b.Name, b.Group)
		}
		live = append(live, viz.LiveBand{Band: viz.Band{Name: b.Name, N: b.Group.N(), Color: viz.Palette[k%len(viz.Palette)]}, Group: gi, Lo: b.Group.Offset()})
	}
	var err error
	if w.live, err = viz.NewLive(live, net.DT(), opts.Span); err != nil {
		return nil, err
	}
	if err := glfw.Init(); err != nil {
		return nil, fmt.Errorf("window: %w", err)
	}
	if !glfw.VulkanSupported() {
		glfw.Terminate()
		return nil, errors.New("window: GLFW finds no Vulkan loader for windows")
	}
	glfw.WindowHint(glfw.ClientAPI, glfw.NoAPI)
	if w.win, err = glfw.CreateWindow(opts.Width, opts.Height, opts.Title, nil, nil); err != nil {
		glfw.Terminate()
		return nil, fmt.Errorf("window: %w", err)
	}
	w.ctx, err = vk.NewContext(vk.Options{
		Device:             opts.Device,
		Validation:         opts.Validation,
		OnMessage:          opts.OnMessage,
		InstanceExtensions: w.win.GetRequiredInstanceExtensions(),
		Surface: func(instance unsafe.Pointer) (uintptr, error) {
			return w.win.CreateWindowSurface((*byte)(instance), nil)
		},
	})
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("window: %w", err)
	}
	groupN := make([]int, len(net.Groups()))
	for k, g := range net.Groups() {
		groupN[k] = g.N()
	}
	if w.feed, err = newGPUFeed(w.ctx, live, groupN); err != nil {
		w.Close()
		return nil, fmt.Errorf("window: %w", err)
	}
	net.ShareDevice(w.ctx, w.feed.tap)
	w.live.SetFeed(w.feed)
	fw, fh := w.win.GetFramebufferSize()
	if w.sc, err = w.ctx.NewSwapchain(fw, fh); err != nil {
		w.Close()
		return nil, fmt.Errorf("window: %w", err)
	}
	// The first frame tells the GPU feed the raster's geometry before the
	// run starts.
	if _, err := w.draw(false); err != nil {
		w.Close()
		return nil, err
	}
	w.win.SetKeyCallback(w.onKey)
	w.win.SetMouseButtonCallback(w.onMouse)
	w.win.SetScrollCallback(w.onScroll)
	net.Watch(w.live.Batch)
	if t := opts.Traced; t != nil {
		if t.Band < 0 || t.Band >= len(w.bands) || t.Index < 0 || t.Index >= w.bands[t.Band].Group.N() {
			w.Close()
			return nil, fmt.Errorf("window: no neuron %d in band %d to trace", t.Index, t.Band)
		}
		w.trace(t.Band, t.Index)
	}
	return w, nil
}

// groupIndex is the index of g's whole group in net.Groups, or -1.
func groupIndex(net *spikevk.Network, g *spikevk.Group) int {
	if g == nil {
		return -1
	}
	for k, h := range net.Groups() {
		if h == g.Whole() {
			return k
		}
	}
	return -1
}

// Live returns what the window shows, for tests and callers that draw it
// elsewhere too.
func (w *Window) Live() *viz.Live { return w.live }

// Close closes the network, whose Vulkan backend runs on the window's
// device, and then the window.
func (w *Window) Close() {
	w.net.Close()
	if w.sc != nil {
		w.sc.Close()
		w.sc = nil
	}
	if w.feed != nil {
		w.live.SetFeed(nil)
		w.feed.close()
		w.feed = nil
	}
	if w.ctx != nil {
		w.ctx.Close()
		w.ctx = nil
	}
	if w.win != nil {
		w.win.Destroy()
		w.win = nil
		glfw.Terminate()
	}
}

// Pause stops the run after the current chunk; Resume continues it.
func (w *Window) Pause() { w.control(func() { w.paused = true }) }

// Resume continues a paused run.
func (w *Window) Resume() { w.control(func() { w.paused = false }) }

// Step runs one chunk of a paused run.
func (w *Window) Step() { w.control(func() { w.steps++ }) }

// SetSpeed paces the run: 0 as fast as possible, k > 0 real time × k.
func (w *Window) SetSpeed(k float64) {
	w.control(func() {
		w.speed = max(k, 0)
		if k > 0 {
			w.lastK = k
		}
	})
}

// SetKnob gives knob k the value v (clamped to its range) before the next
// chunk runs.
func (w *Window) SetKnob(k int, v float64) {
	w.control(func() { w.setKnobLocked(k, v) })
}

func (w *Window) setKnobLocked(k int, v float64) {
	if k < 0 || k >= len(w.opts.Knobs) {
		return
	}
	kn := w.opts.Knobs[k]
	kn.Value = math.Min(math.Max(v, kn.Lo), kn.Hi)
	expr := fmt.Sprintf("%.6g*%s", kn.Value, kn.Unit)
	if kn.Unit == "" || kn.Unit == "1" {
		expr = fmt.Sprintf("%.6g", kn.Value)
	}
	w.pending = append(w.pending, func() error { return kn.Set(expr) })
}

func (w *Window) control(f func()) {
	w.mu.Lock()
	f()
	w.mu.Unlock()
	w.cond.Broadcast()
}

// Run runs the network for duration ms in chunks on another goroutine and
// shows it until the run ends; with Options.Screenshot it then writes the
// last frame and returns, otherwise it shows the end of the run until the
// user closes the window (or ctx is cancelled). Call it from the main goroutine. Closing the window or cancelling
// ctx stops the run after its chunk.
func (w *Window) Run(ctx context.Context, duration float64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.simulate(ctx, duration) }()
	var runErr error
	running := true
	const frameGap = time.Second / 60
	last := time.Time{}
	lastChanges, lastStatus := uint64(0), ""
	for {
		glfw.WaitEventsTimeout(frameGap.Seconds())
		if w.win.ShouldClose() {
			w.control(func() { w.quit = true })
			cancel()
			if running {
				runErr = <-done
			}
			return ignoreCancel(runErr, ctx)
		}
		select {
		case runErr = <-done:
			running = false
			w.control(func() {
				w.state = "done"
				if runErr != nil {
					w.message = runErr.Error()
				}
			})
			if w.opts.Screenshot != "" {
				if err := w.screenshot(); err != nil {
					return errors.Join(runErr, err)
				}
				return runErr
			}
			if ctx.Err() != nil { // interrupted: close rather than wait for the user
				return runErr
			}
		default:
		}
		// A frame is drawn when what it shows changed, at most at the
		// display's rate: drawing costs the simulation nothing when
		// nothing happens (on lavapipe the device is the same CPU).
		changes, status := w.live.Changes(), fmt.Sprint(w.status())
		if time.Since(last) >= frameGap && (changes != lastChanges || status != lastStatus || w.sc.Stale()) {
			last, lastChanges, lastStatus = time.Now(), changes, status
			if _, err := w.draw(false); err != nil {
				cancel()
				if running {
					<-done
				}
				return err
			}
		}
	}
}

func ignoreCancel(err error, ctx context.Context) error {
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// simulate runs the network in chunks, honouring pause, steps, pace and
// knobs between them.
func (w *Window) simulate(ctx context.Context, duration float64) error {
	dt := w.net.DT()
	total := int64(math.Round(duration / dt))
	var ran int64
	for ran < total {
		w.mu.Lock()
		for w.paused && w.steps == 0 && !w.quit && ctx.Err() == nil {
			w.state = "paused"
			w.cond.Wait()
		}
		if w.quit || ctx.Err() != nil {
			w.mu.Unlock()
			return ctx.Err()
		}
		if w.paused {
			w.steps--
		}
		w.state = "running"
		pending, speed := w.pending, w.speed
		w.pending = nil
		w.mu.Unlock()
		for _, set := range pending {
			if err := set(); err != nil {
				w.control(func() { w.message = err.Error() })
			}
		}
		band, neuron := w.live.Traced()
		chunk := int64(math.Round(w.opts.Chunk / dt))
		if band >= 0 {
			chunk = int64(math.Round(w.opts.TraceEvery / dt))
		}
		n := min(max(chunk, 1), total-ran)
		start := time.Now()
		if err := w.net.Run(ctx, float64(n)*dt); err != nil {
			return err
		}
		ran += n
		if band >= 0 {
			if v, err := w.bands[band].Group.Get(w.opts.Trace); err == nil && neuron < len(v) {
				w.live.AddTrace(w.net.Summary().Time, float64(v[neuron]))
			}
		}
		if speed > 0 {
			// Locked to real time × speed: the chunk takes at least its
			// simulated time / speed.
			time.Sleep(time.Duration(float64(n)*dt/speed*float64(time.Millisecond)) - time.Since(start))
		}
		w.mu.Lock()
		w.wall += time.Since(start)
		w.mu.Unlock()
	}
	return nil
}

// draw paints a frame and presents it, reading it back when capture is
// set.
func (w *Window) draw(capture bool) (*image.RGBA, error) {
	fw, fh := w.win.GetFramebufferSize()
	if err := w.sc.Resize(fw, fh); err != nil {
		return nil, fmt.Errorf("window: %w", err)
	}
	sw, sh := w.sc.Size()
	if sw == 0 || sh == 0 {
		return nil, nil
	}
	if w.frame == nil || w.frame.Bounds().Dx() != sw || w.frame.Bounds().Dy() != sh {
		w.frame = image.NewRGBA(image.Rect(0, 0, sw, sh))
	}
	if err := w.live.Draw(w.frame, w.status()); err != nil {
		return nil, err
	}
	shown, err := w.sc.Present(w.frame, capture)
	if err != nil {
		return nil, fmt.Errorf("window: %w", err)
	}
	if capture && shown == nil {
		shown = w.frame
	}
	return shown, nil
}

// status is the header's text.
func (w *Window) status() viz.Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := viz.Status{Wall: w.wall.Seconds(), State: w.state, Message: w.message, Speed: "as fast as possible (f: real time)"}
	if w.speed > 0 {
		st.Speed = fmt.Sprintf("real time × %g (f: as fast as possible)", w.speed)
	}
	for k, kn := range w.opts.Knobs {
		s := fmt.Sprintf("%s = %.4g %s", kn.Name, kn.Value, kn.Unit)
		if math.IsNaN(kn.Value) {
			s = fmt.Sprintf("%s = as built (%g…%g %s)", kn.Name, kn.Lo, kn.Hi, kn.Unit)
		}
		if k == w.knob {
			s = "> " + s + "  ([ ] turn it)"
		}
		st.Knobs = append(st.Knobs, s)
	}
	return st
}

// screenshot draws the last frame, reads it back from the window and
// writes it to Options.Screenshot.
func (w *Window) screenshot() error {
	img, err := w.draw(true)
	if err != nil {
		return err
	}
	if img == nil {
		return errors.New("window: screenshot: the window has no area (minimised)")
	}
	f, err := os.Create(w.opts.Screenshot)
	if err != nil {
		return fmt.Errorf("window: screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("window: screenshot %s: %w", w.opts.Screenshot, err)
	}
	return f.Close()
}

func (w *Window) onKey(_ *glfw.Window, key glfw.Key, _ int, action glfw.Action, _ glfw.ModifierKey) {
	if action == glfw.Release {
		return
	}
	l := w.live
	switch key {
	case glfw.KeySpace:
		w.control(func() { w.paused = !w.paused })
	case glfw.KeyN:
		w.Step()
	case glfw.KeyF:
		w.control(func() {
			if w.speed > 0 {
				w.speed = 0
			} else {
				w.speed = w.lastK
			}
		})
	case glfw.KeyEqual, glfw.KeyKPAdd:
		w.control(func() {
			w.lastK *= 2
			if w.speed > 0 {
				w.speed = w.lastK
			}
		})
	case glfw.KeyMinus, glfw.KeyKPSubtract:
		w.control(func() {
			w.lastK /= 2
			if w.speed > 0 {
				w.speed = w.lastK
			}
		})
	case glfw.KeyLeft:
		l.PanTime(-0.25 * l.View().Span())
	case glfw.KeyRight:
		l.PanTime(0.25 * l.View().Span())
	case glfw.KeyUp:
		l.PanRows(0.25)
	case glfw.KeyDown:
		l.PanRows(-0.25)
	case glfw.KeyZ:
		l.ZoomTime(0.5)
	case glfw.KeyX:
		l.ZoomTime(2)
	case glfw.KeyA:
		l.ZoomRows(0.5)
	case glfw.KeyS:
		l.ZoomRows(2)
	case glfw.KeyHome:
		l.Reset()
	case glfw.KeyH, glfw.KeySlash:
		l.ToggleHelp()
	case glfw.KeyTab:
		w.control(func() {
			if n := len(w.opts.Knobs); n > 0 {
				w.knob = (w.knob + 1) % n
			}
		})
	case glfw.KeyLeftBracket, glfw.KeyRightBracket:
		w.control(func() {
			if w.knob >= len(w.opts.Knobs) {
				return
			}
			kn := w.opts.Knobs[w.knob]
			d := (kn.Hi - kn.Lo) / 20
			if key == glfw.KeyLeftBracket {
				d = -d
			}
			if math.IsNaN(kn.Value) {
				w.setKnobLocked(w.knob, kn.Lo+max(d, 0))
				return
			}
			w.setKnobLocked(w.knob, kn.Value+d)
		})
	case glfw.KeyQ, glfw.KeyEscape:
		w.win.SetShouldClose(true)
	default:
		if key >= glfw.Key1 && key <= glfw.Key9 {
			l.ToggleBand(int(key - glfw.Key1))
		}
	}
}

func (w *Window) onMouse(win *glfw.Window, button glfw.MouseButton, action glfw.Action, _ glfw.ModifierKey) {
	if button != glfw.MouseButtonLeft || action != glfw.Press {
		return
	}
	x, y := w.framebufferPos(win.GetCursorPos())
	if b, i, ok := w.live.NeuronAt(x, y); ok {
		w.trace(b, i)
	}
}

// trace makes neuron i of band b the traced one.
func (w *Window) trace(b, i int) {
	name := fmt.Sprintf("%s neuron %d: %s", w.bands[b].Name, i, w.opts.Trace)
	w.live.SetTrace(b, i, name, traceUnit(w.opts.Trace))
}

// traceUnit is the unit Group.Get gives a variable in: the model
// language's internal units (mV, nS, pA, ms) for the usual names.
func traceUnit(v string) string {
	switch {
	case v[0] == 'v' || v[0] == 'V':
		return "mV"
	case v[0] == 'g':
		return "nS"
	case v[0] == 'I':
		return "pA"
	}
	return "internal units"
}

func (w *Window) onScroll(win *glfw.Window, _, dy float64) {
	f := math.Pow(0.8, dy)
	if win.GetKey(glfw.KeyLeftShift) == glfw.Press || win.GetKey(glfw.KeyRightShift) == glfw.Press {
		w.live.ZoomRows(f)
		return
	}
	w.live.ZoomTime(f)
}

// framebufferPos converts a cursor position in screen coordinates to
// framebuffer pixels.
func (w *Window) framebufferPos(x, y float64) (int, int) {
	ww, wh := w.win.GetSize()
	fw, fh := w.win.GetFramebufferSize()
	if ww > 0 && wh > 0 {
		x, y = x*float64(fw)/float64(ww), y*float64(fh)/float64(wh)
	}
	return int(x), int(y)
}
