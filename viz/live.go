package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/bits"
	"sort"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// LiveBand is a band of a live view: neurons Lo … Lo+N-1 of whole group
// Group of the network.
type LiveBand struct {
	Band
	Group, Lo int
}

// Live is what a live view of a running network shows: the spikes of the
// recent past, the population rate of each band, the trace of one chosen
// neuron, and the part of them in view. Batch feeds it (from the goroutine
// that runs the network); Draw paints a frame (from the one that shows
// it); its methods are safe for concurrent use.
type Live struct {
	mu    sync.Mutex
	bands []LiveBand
	dt    float64 // ms
	start []int   // first row of each band, over all bands

	// The retained past: spikes (row, step) in step order, a ring.
	rows  []uint32
	steps []uint64
	head  int // next slot
	held  int // spikes held
	next  uint64

	// Per band, spikes in each of the last len(counts[b]) steps (ring by step).
	counts [][]uint32

	trace      []TracePoint
	traceName  string
	traceUnit  string
	traceBand  int
	traceIndex int

	span, behind float64 // ms shown, and how far behind the newest step the view ends
	lo, hi       int     // rows shown, over the visible bands
	hidden       []bool
	help         bool

	layout  liveLayout // of the last frame
	changes uint64     // counts the calls that change what Draw shows

	rowTable []int32 // pixelRows' table, for the view of rowKey
	rowKey   string
	feed     Feed
}

// TracePoint is a value of a traced neuron at time T ms.
type TracePoint struct{ T, V float64 }

// Retention of a live view: spikes and steps of rate counts held.
const (
	liveSpikes = 1 << 23
	liveSteps  = 1 << 20
	liveTrace  = 1 << 16
)

// NewLive returns an empty live view of the bands of a network with time
// step dt ms, showing the last span ms.
func NewLive(bands []LiveBand, dt, span float64) (*Live, error) {
	if !(dt > 0) || !(span > 0) {
		return nil, fmt.Errorf("viz: live view with dt %g ms and span %g ms", dt, span)
	}
	l := &Live{bands: bands, dt: dt, start: make([]int, len(bands)+1), span: span,
		rows: make([]uint32, liveSpikes), steps: make([]uint64, liveSpikes), hidden: make([]bool, len(bands)),
		traceBand: -1}
	for b, band := range bands {
		l.start[b+1] = l.start[b] + band.N
		l.counts = append(l.counts, make([]uint32, liveSteps))
	}
	l.hi = l.visibleRows()
	return l, nil
}

// Batch takes a batch of spike records as spikevk.Network.Watch hands
// them: per whole group, steps records of (N+31)/32 words.
func (l *Live) Batch(first uint64, steps int, spikes [][]uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	for s := range steps {
		step := first + uint64(s)
		for b := range l.bands {
			l.counts[b][step%liveSteps] = 0
		}
		for b, band := range l.bands {
			if band.Group >= len(spikes) {
				continue
			}
			words := (len(spikes[band.Group]) / max(steps, 1))
			rec := spikes[band.Group][s*words : (s+1)*words]
			n := uint32(0)
			for w := band.Lo / 32; w < len(rec) && w*32 < band.Lo+band.N; w++ {
				word := rec[w]
				for word != 0 {
					i := w*32 + bits.TrailingZeros32(word)
					word &= word - 1
					if i < band.Lo || i >= band.Lo+band.N {
						continue
					}
					n++
					l.rows[l.head] = uint32(l.start[b] + i - band.Lo)
					l.steps[l.head] = step
					l.head = (l.head + 1) % liveSpikes
					l.held = min(l.held+1, liveSpikes)
				}
			}
			l.counts[b][step%liveSteps] = n
		}
	}
	l.next = max(l.next, first+uint64(steps))
}

// AddTrace appends a value of the traced neuron at t ms.
func (l *Live) AddTrace(t, v float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	if len(l.trace) == liveTrace {
		l.trace = append(l.trace[:0], l.trace[liveTrace/2:]...)
	}
	l.trace = append(l.trace, TracePoint{t, v})
}

// Trace returns a copy of the values of the traced neuron held.
func (l *Live) Trace() []TracePoint {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]TracePoint(nil), l.trace...)
}

// SetTrace names the traced neuron (neuron i of band b) and the unit of
// its values, and forgets the values of the last one; b < 0: none.
func (l *Live) SetTrace(b, i int, name, unit string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	l.traceBand, l.traceIndex, l.traceName, l.traceUnit, l.trace = b, i, name, unit, nil
}

// Traced returns the traced neuron, band < 0 when none.
func (l *Live) Traced() (band, i int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.traceBand, l.traceIndex
}

// Changes counts the changes to what Draw shows: a frame need not be drawn
// again while it stays.
func (l *Live) Changes() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changes
}

// Bands returns the bands of the view.
func (l *Live) Bands() []LiveBand { return l.bands }

// Now is the time in ms at the end of the last batch.
func (l *Live) Now() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return float64(l.next) * l.dt
}

// visibleRows is the number of rows of the bands shown.
func (l *Live) visibleRows() int {
	n := 0
	for b, band := range l.bands {
		if !l.hidden[b] {
			n += band.N
		}
	}
	return n
}

// View returns the part of the raster in view: times in ms, rows counted
// over the visible bands.
func (l *Live) View() View {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.view()
}

func (l *Live) view() View {
	w := l.layout.raster.Dx()
	if w == 0 {
		w = 1000 // before the first frame
	}
	return l.viewFor(w)
}

// columns returns the time columns of a raster w pixels wide: a column is
// spc steps (the span shown rounded up to a whole number of steps a pixel),
// and the first, c0, is the column of steps c0·spc … (c0+1)·spc-1, so
// that the last holds the newest step in view.
func (l *Live) columns(w int) (spc, c0 uint64) {
	spc = uint64(max(1, math.Ceil(l.span/l.dt/float64(w)-1e-9)))
	end := uint64(max(int64(l.next)-int64(math.Round(l.behind/l.dt)), 0))
	if cols := (end + spc - 1) / spc; cols > uint64(w) {
		c0 = cols - uint64(w)
	}
	return spc, c0
}

// viewFor is the view of a raster w pixels wide: whole columns of steps.
func (l *Live) viewFor(w int) View {
	spc, c0 := l.columns(w)
	return View{T0: float64(c0*spc) * l.dt, T1: float64((c0+uint64(w))*spc) * l.dt, Lo: l.lo, Hi: max(l.hi, l.lo+1)}
}

// Span is the time the view shows, in ms.
func (v View) Span() float64 { return v.T1 - v.T0 }

// Reset makes the view follow the run again and show every visible row.
func (l *Live) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	l.behind, l.lo, l.hi = 0, 0, l.visibleRows()
}

// ZoomTime multiplies the time shown by f (f < 1 zooms in).
func (l *Live) ZoomTime(f float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	l.span = math.Min(math.Max(l.span*f, 10*l.dt), float64(liveSteps)*l.dt)
}

// PanTime moves the view by ms (negative: into the past); the view follows
// the run again once it reaches the newest step.
func (l *Live) PanTime(ms float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	l.behind = math.Min(math.Max(l.behind-ms, 0), math.Max(float64(l.next)*l.dt-l.span, 0))
}

// Following reports whether the view ends at the newest step.
func (l *Live) Following() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.behind == 0
}

// ZoomRows shows f times as many rows around the centre (f < 1 zooms in).
func (l *Live) ZoomRows(f float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	total := l.visibleRows()
	n := min(total, max(1, int(math.Round(float64(l.hi-l.lo)*f))))
	mid := (l.lo + l.hi) / 2
	l.lo = min(max(mid-n/2, 0), total-n)
	l.hi = l.lo + n
}

// PanRows moves the rows shown by a fraction of their number (positive:
// up, to higher rows).
func (l *Live) PanRows(frac float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	total, n := l.visibleRows(), l.hi-l.lo
	d := int(math.Round(frac * float64(n)))
	l.lo = min(max(l.lo+d, 0), total-n)
	l.hi = l.lo + n
}

// ToggleBand shows or hides band b; the rows shown become all visible rows.
func (l *Live) ToggleBand(b int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	if b < 0 || b >= len(l.bands) {
		return
	}
	l.hidden[b] = !l.hidden[b]
	if l.visibleRows() == 0 {
		l.hidden[b] = false
	}
	l.lo, l.hi = 0, l.visibleRows()
}

// ToggleHelp shows or hides the list of keys.
func (l *Live) ToggleHelp() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes++
	l.help = !l.help
}

// Status is what the header of a live frame says besides the view.
type Status struct {
	Wall    float64 // seconds of wall time the run has taken
	State   string  // "running", "paused", "done"…
	Speed   string  // "as fast as possible", "real time × 2"…
	Knobs   []string
	Message string
}

// Help lists the keys of the live window, as its help overlay shows them.
var Help = []string{
	"space     pause / resume",
	"n         one batch of steps (paused)",
	"f         as fast as possible / locked to real time",
	"+  -      real-time factor ×2 / ÷2 (locked)",
	"← →       pan in time (the view follows again at the end)",
	"↑ ↓       pan in neurons",
	"z  x      zoom in / out in time (also the wheel)",
	"a  s      zoom in / out in neurons (also shift + wheel)",
	"1 … 9     show / hide group 1 … 9",
	"click     trace the clicked neuron's v",
	"tab       next knob;  [ ]  its value down / up",
	"home      follow the run, all neurons",
	"h  ?      this help",
	"q  esc    quit",
}

// Frame geometry (pixels).
const (
	headerH = 40
	labelW  = 110
	marginR = 12
	axisH   = 18
	rateH   = 70
	traceH  = 110
	gapH    = 8
)

// liveLayout is where the parts of a frame lie.
type liveLayout struct {
	raster, rate, trace image.Rectangle
	view                View
	visible             []int // band of each visible band, bottom up
}

// Colours of a live frame.
var (
	liveBackground = color.RGBA{255, 255, 255, 255}
	liveInk        = color.RGBA{30, 30, 30, 255}
	liveFaint      = color.RGBA{200, 200, 200, 255}
)

// Draw paints a frame of the view on img: the header with st, the raster
// of the spikes in view with the band labels and a time axis, the
// population rate of each visible band, and the trace of the traced
// neuron.
func (l *Live) Draw(img *image.RGBA, st Status) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := img.Bounds()
	draw.Draw(img, b, image.NewUniform(liveBackground), image.Point{}, draw.Src)
	var lay liveLayout
	bottom := b.Max.Y - gapH
	if l.traceBand >= 0 {
		bottom -= axisH
		lay.trace = image.Rect(b.Min.X+labelW, bottom-traceH, b.Max.X-marginR, bottom)
		bottom = lay.trace.Min.Y - axisH - gapH
	}
	lay.rate = image.Rect(b.Min.X+labelW, bottom-rateH, b.Max.X-marginR, bottom)
	lay.raster = image.Rect(b.Min.X+labelW, b.Min.Y+headerH, b.Max.X-marginR, lay.rate.Min.Y-axisH-gapH)
	if lay.raster.Dx() < 10 || lay.raster.Dy() < 10 {
		return fmt.Errorf("viz: a live frame of %d × %d pixels is too small", b.Dx(), b.Dy())
	}
	lay.view = l.viewFor(lay.raster.Dx())
	var vis []Band
	for k, band := range l.bands {
		if !l.hidden[k] {
			vis = append(vis, band.Band)
			lay.visible = append(lay.visible, k)
		}
	}
	r, err := NewRaster(lay.raster.Dx(), lay.raster.Dy(), vis, lay.view)
	if err != nil {
		return err
	}
	pixelRow := l.pixelRows(r, lay.visible)
	spc, c0 := l.columns(r.W)
	if l.feed == nil || !l.feed.Fill(r, c0, spc, l.rowKey, pixelRow) {
		l.bin(r, pixelRow, spc, c0)
	}
	r.Paint(img.SubImage(lay.raster).(*image.RGBA), liveBackground)
	l.layout = lay
	face, err := liveFace()
	if err != nil {
		return err
	}
	l.drawLabels(img, face, r, lay)
	timeAxis(img, face, lay.raster, lay.view.T0, lay.view.T1)
	l.drawRates(img, face, lay)
	if l.traceBand >= 0 {
		l.drawTrace(img, face, lay)
		timeAxis(img, face, lay.trace, lay.view.T0, lay.view.T1)
	}
	l.drawHeader(img, face, st, lay)
	if l.help {
		drawHelp(img, face)
	}
	return nil
}

// Layout returns where the last frame put the raster and the view it
// showed.
func (l *Live) Layout() (raster image.Rectangle, view View) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.layout.raster, l.layout.view
}

// NeuronAt returns the neuron under pixel (x, y) of the last frame's
// raster: its band and index in the band.
func (l *Live) NeuronAt(x, y int) (band, i int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lay := l.layout
	if !(image.Point{x, y}).In(lay.raster) {
		return 0, 0, false
	}
	v := lay.view
	yb := lay.raster.Max.Y - 1 - y
	row := v.Lo + (2*yb+1)*(v.Hi-v.Lo)/(2*lay.raster.Dy())
	for _, b := range lay.visible {
		n := l.bands[b].N
		if row < n {
			return b, row, true
		}
		row -= n
	}
	return 0, 0, false
}

// bin counts the retained spikes in r's view: column step/spc - c0, pixel
// row pixelRow[row].
func (l *Live) bin(r *Raster, pixelRow []int32, spc, c0 uint64) {
	first, end := c0*spc, (c0+uint64(r.W))*spc
	// The held spikes are in step order from slot head-held on.
	oldest := (l.head - l.held + liveSpikes) % liveSpikes
	at := func(k int) uint64 { return l.steps[(oldest+k)&(liveSpikes-1)] }
	k := sort.Search(l.held, func(k int) bool { return at(k) >= first })
	for ; k < l.held; k++ {
		slot := (oldest + k) & (liveSpikes - 1)
		step := l.steps[slot]
		if step >= end {
			break
		}
		if y := pixelRow[l.rows[slot]]; y >= 0 {
			r.Counts[int(y)*r.W+int(step/spc-c0)]++
		}
	}
}

// Feed fills the counts of a live frame's raster in place of the spikes a
// Live holds, e.g. from counts a GPU binned where the spikes were made.
type Feed interface {
	// Fill fills r.Counts with the spikes of columns c0 … c0+r.W-1 of spc
	// steps each (column c holds steps c·spc … (c+1)·spc-1), the spike of
	// row k (counted over all bands) at pixel row pixelRow[k] (-1: not
	// shown), a mapping that stays while rowKey does. It reports false
	// when it cannot, and then the Live bins the spikes it holds.
	Fill(r *Raster, c0, spc uint64, rowKey string, pixelRow []int32) bool
}

// SetFeed makes Draw take a raster's counts from f where f can give them.
func (l *Live) SetFeed(f Feed) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.feed = f
	l.changes++
}

// pixelRows returns the pixel row (from the top) of every row of the
// bands in r's view, -1 for rows hidden or out of view; it keeps the table
// while the view's rows, the raster's height and the hidden bands stay.
func (l *Live) pixelRows(r *Raster, visible []int) []int32 {
	key := fmt.Sprint(r.View.Lo, r.View.Hi, r.H, visible)
	if key == l.rowKey {
		return l.rowTable
	}
	if len(l.rowTable) != l.start[len(l.bands)] {
		l.rowTable = make([]int32, l.start[len(l.bands)])
	}
	for k := range l.rowTable {
		l.rowTable[k] = -1
	}
	off := 0 // first row of the band over the visible bands
	for _, b := range visible {
		for i := range l.bands[b].N {
			if _, y, ok := r.Pixel(off+i, r.View.T0); ok {
				l.rowTable[l.start[b]+i] = int32(y)
			}
		}
		off += l.bands[b].N
	}
	l.rowKey = key
	return l.rowTable
}

func (l *Live) drawLabels(img *image.RGBA, face font.Face, r *Raster, lay liveLayout) {
	v := lay.view
	off := 0
	for k, b := range lay.visible {
		n := l.bands[b].N
		lo, hi := max(off, v.Lo), min(off+n, v.Hi)
		off += n
		if lo >= hi {
			continue
		}
		// Pixel rows of the band's part in view, from the bottom.
		y0 := lay.raster.Max.Y - (lo-v.Lo)*lay.raster.Dy()/(v.Hi-v.Lo)
		y1 := lay.raster.Max.Y - (hi-v.Lo)*lay.raster.Dy()/(v.Hi-v.Lo)
		fillRect(img, image.Rect(lay.raster.Min.X-6, y1, lay.raster.Min.X-2, y0), r.bands[k].Color)
		label := fmt.Sprintf("%s (%d)", l.bands[b].Name, n)
		if k < 9 {
			label = fmt.Sprintf("%d %s", k+1, label)
		}
		text(img, face, lay.raster.Min.X-8-textWidth(face, label), (y0+y1)/2+4, label, r.bands[k].Color)
	}
	text(img, face, 4, lay.raster.Min.Y+12, "neurons", liveInk)
	frame(img, lay.raster, liveFaint)
}

// drawRates draws the population rate of each visible band, binned to the
// strip's pixel columns.
func (l *Live) drawRates(img *image.RGBA, face font.Face, lay liveLayout) {
	rect, v := lay.rate, lay.view
	w := rect.Dx()
	rates := make([][]float64, len(lay.visible))
	peak := 1.0
	// Bins of a round number of steps, about 1/150 of the span.
	binSteps := uint64(max(1, math.Round(niceStep((v.T1-v.T0)/150)/l.dt)))
	binMs := float64(binSteps) * l.dt
	for k, b := range lay.visible {
		rates[k] = make([]float64, w)
		for x := range w {
			t := v.T0 + (float64(x)+0.5)*(v.T1-v.T0)/float64(w)
			s0 := uint64(math.Max(0, math.Floor(t/binMs))) * binSteps
			s1 := s0 + binSteps
			if s1 > l.next || l.next-s0 > liveSteps || l.bands[b].N == 0 {
				rates[k][x] = math.NaN()
				continue
			}
			sum := 0.0
			for s := s0; s < s1; s++ {
				sum += float64(l.counts[b][s%liveSteps])
			}
			rates[k][x] = sum / float64(l.bands[b].N) / (binMs / 1000)
			peak = math.Max(peak, rates[k][x])
		}
	}
	peak = niceCeil(peak)
	frame(img, rect, liveFaint)
	for k, b := range lay.visible {
		col := l.bands[b].Color
		prev := -1
		for x, hz := range rates[k] {
			if math.IsNaN(hz) {
				prev = -1
				continue
			}
			y := rect.Max.Y - 1 - int(hz/peak*float64(rect.Dy()-1))
			if prev < 0 {
				prev = y
			}
			vline(img, rect.Min.X+x, min(prev, y), max(prev, y), col)
			prev = y
		}
	}
	text(img, face, 4, rect.Min.Y+12, "rate (Hz)", liveInk)
	label := fmt.Sprintf("%g", peak)
	text(img, face, rect.Min.X-6-textWidth(face, label), rect.Min.Y+10, label, liveInk)
	text(img, face, rect.Min.X-6-textWidth(face, "0"), rect.Max.Y, "0", liveInk)
}

func (l *Live) drawTrace(img *image.RGBA, face font.Face, lay liveLayout) {
	rect, v := lay.trace, lay.view
	frame(img, rect, liveFaint)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range l.trace {
		if p.T >= v.T0 && p.T < v.T1 && !math.IsNaN(p.V) && !math.IsInf(p.V, 0) {
			lo, hi = math.Min(lo, p.V), math.Max(hi, p.V)
		}
	}
	title := fmt.Sprintf("%s (%s)", l.traceName, l.traceUnit)
	text(img, face, rect.Min.X, rect.Min.Y-6, title, liveInk)
	if lo > hi {
		return
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	col := l.bands[l.traceBand].Color
	px, py := -1, -1
	for _, p := range l.trace {
		if p.T < v.T0 || p.T >= v.T1 || math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			px = -1
			continue
		}
		x := rect.Min.X + int((p.T-v.T0)/(v.T1-v.T0)*float64(rect.Dx()))
		y := rect.Max.Y - 1 - int((p.V-lo)/(hi-lo)*float64(rect.Dy()-1))
		if px >= 0 {
			line(img, px, py, x, y, col)
		}
		px, py = x, y
	}
	for _, yv := range []struct {
		v float64
		y int
	}{{hi, rect.Min.Y + 10}, {lo, rect.Max.Y}} {
		s := fmt.Sprintf("%.4g", yv.v)
		text(img, face, rect.Min.X-6-textWidth(face, s), yv.y, s, liveInk)
	}
}

func (l *Live) drawHeader(img *image.RGBA, face font.Face, st Status, lay liveLayout) {
	now := float64(l.next) * l.dt / 1000
	rtf := "–"
	if now > 0 {
		rtf = fmt.Sprintf("%.3g", st.Wall/now)
	}
	line1 := fmt.Sprintf("t = %.3f s    wall %.1f s    wall/bio s %s    %s    %s", now, st.Wall, rtf, st.State, st.Speed)
	if l.behind > 0 {
		line1 += "    (view behind: home follows)"
	}
	text(img, face, 8, 16, line1, liveInk)
	line2 := strings.Join(st.Knobs, "    ")
	if st.Message != "" {
		line2 = st.Message + "    " + line2
	}
	if line2 == "" {
		line2 = "h: help"
	}
	text(img, face, 8, 33, line2, liveInk)
}

func drawHelp(img *image.RGBA, face font.Face) {
	b := img.Bounds()
	w, h := 460, 24+18*len(Help)
	box := image.Rect(b.Min.X+(b.Dx()-w)/2, b.Min.Y+(b.Dy()-h)/2, b.Min.X+(b.Dx()+w)/2, b.Min.Y+(b.Dy()+h)/2).Intersect(b)
	draw.Draw(img, box, image.NewUniform(color.RGBA{250, 250, 245, 240}), image.Point{}, draw.Over)
	frame(img, box, liveInk)
	for k, s := range Help {
		text(img, face, box.Min.X+16, box.Min.Y+24+18*k, s, liveInk)
	}
}

// timeAxis labels the time below rect with ticks at round values of ms.
func timeAxis(img *image.RGBA, face font.Face, rect image.Rectangle, t0, t1 float64) {
	step := niceStep((t1 - t0) / 6)
	for t := math.Ceil(t0/step) * step; t < t1; t += step {
		x := rect.Min.X + int((t-t0)/(t1-t0)*float64(rect.Dx()))
		vline(img, x, rect.Max.Y, rect.Max.Y+4, liveInk)
		s := fmt.Sprintf("%g", math.Round(t*1000)/1000)
		text(img, face, x-textWidth(face, s)/2, rect.Max.Y+16, s, liveInk)
	}
	text(img, face, 4, rect.Max.Y+16, "t (ms)", liveInk)
}

// niceStep is the 1, 2 or 5 × 10^k at or above x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// niceCeil rounds x up to 1, 2 or 5 × 10^k.
func niceCeil(x float64) float64 { return niceStep(x) }

var (
	faceOnce sync.Once
	faceVal  font.Face
	faceErr  error
)

// liveFace is the font of live frames: Go Regular at 12 px.
func liveFace() (font.Face, error) {
	faceOnce.Do(func() {
		f, err := opentype.Parse(goregular.TTF)
		if err != nil {
			faceErr = err
			return
		}
		faceVal, faceErr = opentype.NewFace(f, &opentype.FaceOptions{Size: 12, DPI: 72, Hinting: font.HintingFull})
	})
	return faceVal, faceErr
}

func text(img *image.RGBA, face font.Face, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func textWidth(face font.Face, s string) int { return font.MeasureString(face, s).Round() }

func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r.Intersect(img.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
}

func hline(img *image.RGBA, x0, x1, y int, c color.RGBA) {
	fillRect(img, image.Rect(x0, y, x1, y+1), c)
}

func vline(img *image.RGBA, x, y0, y1 int, c color.RGBA) {
	fillRect(img, image.Rect(x, y0, x+1, y1+1), c)
}

// frame draws the outline just outside r.
func frame(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	hline(img, r.Min.X-1, r.Max.X+1, r.Min.Y-1, c)
	hline(img, r.Min.X-1, r.Max.X+1, r.Max.Y, c)
	vline(img, r.Min.X-1, r.Min.Y-1, r.Max.Y, c)
	vline(img, r.Max.X, r.Min.Y-1, r.Max.Y, c)
}

// line draws a segment from (x0, y0) to (x1, y1) (Bresenham), its ends
// clamped to the image.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	b := img.Bounds()
	clampX := func(x int) int { return min(max(x, b.Min.X-1), b.Max.X) }
	clampY := func(y int) int { return min(max(y, b.Min.Y-1), b.Max.Y) }
	x0, y0, x1, y1 = clampX(x0), clampY(y0), clampX(x1), clampY(y1)
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		if (image.Point{x0, y0}).In(img.Bounds()) {
			img.SetRGBA(x0, y0, c)
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e // before either move, or the walk can miss its end
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(x int) int { return max(x, -x) }

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
