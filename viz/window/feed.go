package window

import (
	"fmt"
	"slices"
	"sync"

	"github.com/spikevk/spikevk/gpu/vk"
	"github.com/spikevk/spikevk/shaders"
	"github.com/spikevk/spikevk/viz"
)

// gpuFeed is the window's raster feed on the Vulkan backend: after each
// submission of the simulation a kernel bins the spike records it wrote,
// on the device, into a ring of raster columns (counts per pixel row), and
// a frame reads the columns in view from it, W × H counts instead of the
// spikes. It fills a frame only when its ring holds every column in view
// for the frame's geometry; otherwise (just after a zoom, a resize or a
// pan further back than the ring reaches) the Live bins the spikes it
// holds on the host, into the same pixels.
type gpuFeed struct {
	ctx    *vk.Context
	bands  []viz.LiveBand
	groupN []int // neurons of each whole group

	bin, clear *vk.Kernel

	mu        sync.Mutex
	want      feedGeometry // what the frames ask for
	cur       feedGeometry // what the ring holds
	rows      []*vk.Buffer[int32]
	counts    *vk.Buffer[uint32] // [slot][H], slot = column % cols
	bound     []*vk.Bound        // per group: bin on its records, rows and counts
	boundTo   []vk.Binding       // the records buffer each is bound to
	clearB    *vk.Bound
	seq       *vk.Sequence
	from      uint64 // first column binned whole since cur was set
	top       int64  // last column cleared since cur was set, -1: none
	fills     int    // frames filled, for tests
	lastTotal uint64 // spikes in the last frame filled, for tests
	err       error  // the first error of the kernels; the feed then stops
	readBack  []uint32
}

// feedGeometry is the geometry of the ring: columns of spc steps, W in
// view and cols held, H pixel rows, and each neuron's pixel row.
type feedGeometry struct {
	key         string
	spc         uint64
	w, h, cols  int
	bandPixel   []int32 // per row over all bands, as viz.Feed gives it
	initialized bool
}

const binSource = `#version 450
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Records { uint rec[]; };
layout(std430, binding = 1) readonly buffer Rows { int pixelRow[]; };
layout(std430, binding = 2) buffer Counts { uint counts[]; };
layout(push_constant) uniform Push { uint words, first, spc, cols, h, n; } p;
// Thread (w, s) adds the spikes of word w of step first+s's record to the
// pixel of their neuron's row in the step's column.
void main() {
	uint w = gl_GlobalInvocationID.x;
	uint s = gl_GlobalInvocationID.y;
	if (w >= p.words) return;
	uint word = rec[s * p.words + w];
	uint slot = ((p.first + s) / p.spc) % p.cols;
	while (word != 0u) {
		uint i = w * 32u + uint(findLSB(word));
		word &= word - 1u;
		if (i < p.n) {
			int y = pixelRow[i];
			if (y >= 0) atomicAdd(counts[slot * p.h + uint(y)], 1u);
		}
	}
}
`

const clearSource = `#version 450
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer Counts { uint counts[]; };
layout(push_constant) uniform Push { uint start, cols, h; } p;
// Thread (y, c) zeroes pixel row y of column start+c.
void main() {
	uint y = gl_GlobalInvocationID.x;
	if (y >= p.h) return;
	uint slot = (p.start + gl_GlobalInvocationID.y) % p.cols;
	counts[slot * p.h + y] = 0u;
}
`

func newGPUFeed(ctx *vk.Context, bands []viz.LiveBand, groupN []int) (*gpuFeed, error) {
	f := &gpuFeed{ctx: ctx, bands: bands, groupN: groupN, top: -1}
	var err error
	if f.bin, err = kernel(ctx, "raster bin", binSource, 3, 24); err != nil {
		return nil, err
	}
	if f.clear, err = kernel(ctx, "raster clear", clearSource, 1, 12); err != nil {
		f.close()
		return nil, err
	}
	if f.seq, err = ctx.NewSequence("raster feed", false); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

func kernel(ctx *vk.Context, name, src string, buffers, push int) (*vk.Kernel, error) {
	code, err := shaders.Compile(name, src, shaders.Options{})
	if err != nil {
		return nil, err
	}
	return ctx.NewKernel(vk.KernelSpec{Name: name, Code: code, Buffers: buffers, PushBytes: push})
}

// Fill fills r from the ring when it holds the columns in view (viz.Feed).
func (f *gpuFeed) Fill(r *viz.Raster, c0, spc uint64, rowKey string, pixelRow []int32) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := fmt.Sprint(rowKey, "/", spc, "/", r.W, "×", r.H)
	if f.want.key != key {
		f.want = feedGeometry{key: key, spc: spc, w: r.W, h: r.H, cols: 4 * r.W, bandPixel: slices.Clone(pixelRow)}
	}
	cur := f.cur
	if f.err != nil || cur.key != key || f.top < 0 || c0 < f.from || int64(c0)+int64(cur.cols) <= f.top {
		return false
	}
	// Columns c0 … min(c0+W, top+1)-1 are in the ring; later ones are
	// empty.
	end := min(int64(c0)+int64(r.W), f.top+1)
	if f.readBack == nil || len(f.readBack) < r.W*r.H {
		f.readBack = make([]uint32, r.W*r.H)
	}
	for c := int64(c0); c < end; {
		slot := int(c % int64(cur.cols))
		n := min(int(end-c), cur.cols-slot)
		x := int(c - int64(c0))
		if err := f.counts.Read(slot*cur.h, f.readBack[x*cur.h:(x+n)*cur.h]); err != nil {
			f.err = err
			return false
		}
		c += int64(n)
	}
	clear(r.Counts)
	f.lastTotal = 0
	for x := range int(end - int64(c0)) {
		col := f.readBack[x*cur.h : (x+1)*cur.h]
		for y, v := range col {
			r.Counts[y*r.W+x] = v
			f.lastTotal += uint64(v)
		}
	}
	f.fills++
	return true
}

// tap bins the records of steps first … first+n-1 (gpu.Tap).
func (f *gpuFeed) tap(first, n uint32, records []vk.Binding) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil || f.want.key == "" {
		return nil
	}
	if f.want.key != f.cur.key {
		if err := f.apply(f.want, uint64(first)); err != nil {
			f.err = err
			return nil // the host feed takes over; the run goes on
		}
	}
	if err := f.run(first, n, records); err != nil {
		f.err = err
	}
	return nil
}

// apply makes the ring hold geometry g from step first on.
func (f *gpuFeed) apply(g feedGeometry, first uint64) error {
	if f.rows == nil {
		for gi, n := range f.groupN {
			b, err := vk.NewBuffer[int32](f.ctx, fmt.Sprintf("raster rows of group %d", gi), max(n, 1), vk.DeviceLocal)
			if err != nil {
				return err
			}
			f.rows = append(f.rows, b)
		}
	}
	tables := make([][]int32, len(f.groupN))
	for gi, n := range f.groupN {
		tables[gi] = make([]int32, max(n, 1))
		for i := range tables[gi] {
			tables[gi][i] = -1
		}
	}
	row := 0
	for _, b := range f.bands {
		for i := range b.N {
			tables[b.Group][b.Lo+i] = g.bandPixel[row+i]
		}
		row += b.N
	}
	for gi, t := range tables {
		if err := f.rows[gi].Upload(t); err != nil {
			return err
		}
	}
	if f.counts == nil || f.counts.Len() != g.cols*g.h {
		if f.counts != nil {
			f.counts.Close()
		}
		var err error
		if f.counts, err = vk.NewBuffer[uint32](f.ctx, "raster columns", g.cols*g.h, vk.HostVisible); err != nil {
			f.counts = nil
			return err
		}
		f.bound, f.boundTo, f.clearB = nil, nil, nil
	}
	f.cur = g
	f.from = (first + g.spc - 1) / g.spc
	f.top = int64(first/g.spc) - 1
	// The columns still hold the last geometry's counts: each is cleared
	// when the run enters it.
	return nil
}

// run clears the columns the steps enter and bins their spikes.
func (f *gpuFeed) run(first, n uint32, records []vk.Binding) error {
	g := f.cur
	if f.clearB == nil {
		var err error
		if f.clearB, err = f.clear.Bind(f.counts); err != nil {
			return err
		}
	}
	if len(f.bound) != len(records) {
		f.bound, f.boundTo = make([]*vk.Bound, len(records)), make([]vk.Binding, len(records))
	}
	if err := f.seq.Reset(); err != nil {
		return err
	}
	last := int64((uint64(first) + uint64(n) - 1) / g.spc)
	if last > f.top {
		start := max(f.top+1, last-int64(g.cols)+1)
		push := [3]uint32{uint32(start % int64(g.cols)), uint32(g.cols), uint32(g.h)}
		if err := f.seq.Dispatch(f.clearB, push, [3]uint32{uint32((g.h + 63) / 64), uint32(last - start + 1), 1}); err != nil {
			return err
		}
		f.top = last
	}
	for gi, rec := range records {
		if gi >= len(f.groupN) || f.groupN[gi] == 0 {
			continue
		}
		if f.bound[gi] == nil || f.boundTo[gi] != rec {
			b, err := f.bin.Bind(rec, f.rows[gi], f.counts)
			if err != nil {
				return err
			}
			f.bound[gi], f.boundTo[gi] = b, rec
		}
		words := uint32((f.groupN[gi] + 31) / 32)
		push := [6]uint32{words, first, uint32(g.spc), uint32(g.cols), uint32(g.h), uint32(f.groupN[gi])}
		if err := f.seq.Dispatch(f.bound[gi], push, [3]uint32{(words + 63) / 64, n, 1}); err != nil {
			return err
		}
	}
	if err := f.seq.Record(); err != nil {
		return err
	}
	return f.seq.Run()
}

// Fills is the number of frames the feed filled.
func (f *gpuFeed) Fills() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fills
}

func (f *gpuFeed) close() {
	if f.seq != nil {
		f.seq.Close()
	}
	for _, b := range f.rows {
		b.Close()
	}
	if f.counts != nil {
		f.counts.Close()
	}
	for _, k := range []*vk.Kernel{f.bin, f.clear} {
		if k != nil {
			k.Close()
		}
	}
	*f = gpuFeed{}
}
