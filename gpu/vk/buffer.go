package vk

import (
	"fmt"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// Scalar is an element type a storage buffer can hold.
type Scalar interface {
	~float32 | ~int32 | ~uint32 | ~int64 | ~uint64
}

// Memory says where a buffer lives.
type Memory int

const (
	// DeviceLocal memory is fastest for kernels. Reads and writes go through
	// a staging buffer unless the device memory is also host-visible
	// (integrated GPUs, lavapipe), in which case it is mapped directly.
	DeviceLocal Memory = iota
	// HostVisible memory is mapped into the host address space for its whole
	// life; host-cached memory is preferred, for fast readback.
	HostVisible
)

// Binding is something a kernel can bind as one storage buffer: a Buffer
// that fits in one chunk, or one chunk of a larger Buffer.
type Binding interface {
	binding() (vulkan.Buffer, uint64, error)
}

// Buffer is a typed storage buffer of Len elements. Buffers larger than one
// binding can address (maxStorageBufferRange, or Options.MaxChunkBytes) are
// split into chunks of ChunkLen elements, each its own VkBuffer.
type Buffer[T Scalar] struct {
	ctx      *Context
	name     string
	n        int
	chunkLen int
	chunks   []allocation
}

// NewBuffer allocates a buffer of n elements named name (the name appears in
// errors). n may be 0: the buffer can still be bound.
func NewBuffer[T Scalar](c *Context, name string, n int, m Memory) (*Buffer[T], error) {
	if n < 0 {
		return nil, fmt.Errorf("vk: buffer %q: negative length %d", name, n)
	}
	var zero T
	size := uint64(unsafe.Sizeof(zero))
	limit := uint64(c.info.MaxStorageBufferRange)
	if c.opts.MaxChunkBytes > 0 && c.opts.MaxChunkBytes < limit {
		limit = c.opts.MaxChunkBytes
	}
	chunkLen := int(limit / size)
	if chunkLen == 0 {
		return nil, fmt.Errorf("vk: buffer %q: chunk limit %d B is smaller than one element", name, limit)
	}
	b := &Buffer[T]{ctx: c, name: name, n: n, chunkLen: chunkLen}
	required, preferred := deviceLocal, vulkan.MemoryPropertyFlagBits(0)
	if m == HostVisible {
		required, preferred = hostVisible, hostCached
	}
	for off := 0; off < n || off == 0; off += chunkLen {
		elems := min(chunkLen, n-off)
		bytes := max(uint64(elems)*size, 16) // Vulkan forbids empty buffers
		name := name
		if n > chunkLen {
			name = fmt.Sprintf("%s[chunk %d]", b.name, len(b.chunks))
		}
		a, err := c.allocate(name, bytes, required, preferred)
		if err != nil {
			b.Close()
			return nil, err
		}
		b.chunks = append(b.chunks, a)
	}
	return b, nil
}

// Len is the number of elements.
func (b *Buffer[T]) Len() int { return b.n }

// Name is the name given at allocation.
func (b *Buffer[T]) Name() string { return b.name }

// Chunks is the number of chunks the buffer is split into (at least 1).
func (b *Buffer[T]) Chunks() int { return len(b.chunks) }

// ChunkLen is the number of elements per chunk; the last may hold fewer.
func (b *Buffer[T]) ChunkLen() int { return b.chunkLen }

// Chunk returns chunk i for binding to a kernel.
func (b *Buffer[T]) Chunk(i int) Binding { return chunkBinding{b.chunks[i].buf, b.chunks[i].size} }

type chunkBinding struct {
	buf  vulkan.Buffer
	size uint64
}

func (c chunkBinding) binding() (vulkan.Buffer, uint64, error) { return c.buf, c.size, nil }

func (b *Buffer[T]) binding() (vulkan.Buffer, uint64, error) {
	if len(b.chunks) != 1 {
		return nil, 0, fmt.Errorf("vk: buffer %q has %d chunks; bind them one at a time with Chunk(i)", b.name, len(b.chunks))
	}
	return b.chunks[0].buf, b.chunks[0].size, nil
}

// Write copies src into the buffer starting at element off.
func (b *Buffer[T]) Write(off int, src []T) error {
	return b.transfer(off, len(src), func(a *allocation, first, count, at int) error {
		return b.ctx.writeBytes(a, uint64(first)*b.elem(), asBytes(src[at:at+count]))
	})
}

// Read copies elements starting at off into dst.
func (b *Buffer[T]) Read(off int, dst []T) error {
	return b.transfer(off, len(dst), func(a *allocation, first, count, at int) error {
		return b.ctx.readBytes(a, uint64(first)*b.elem(), asBytes(dst[at:at+count]))
	})
}

// Upload replaces the whole content with src, which must have Len elements.
func (b *Buffer[T]) Upload(src []T) error {
	if len(src) != b.n {
		return fmt.Errorf("vk: upload to buffer %q: %d elements for a buffer of %d", b.name, len(src), b.n)
	}
	return b.Write(0, src)
}

// Download returns the whole content.
func (b *Buffer[T]) Download() ([]T, error) {
	out := make([]T, b.n)
	return out, b.Read(0, out)
}

func (b *Buffer[T]) elem() uint64 {
	var zero T
	return uint64(unsafe.Sizeof(zero))
}

// transfer splits the element range [off, off+n) at chunk boundaries and
// calls do for each piece: do(chunk, first element in chunk, count, offset in
// the caller's slice).
func (b *Buffer[T]) transfer(off, n int, do func(a *allocation, first, count, at int) error) error {
	if off < 0 || n < 0 || off+n > b.n {
		return fmt.Errorf("vk: buffer %q: range [%d, %d) outside [0, %d)", b.name, off, off+n, b.n)
	}
	for at := 0; at < n; {
		ci, first := (off+at)/b.chunkLen, (off+at)%b.chunkLen
		count := min(n-at, b.chunkLen-first)
		if err := do(&b.chunks[ci], first, count, at); err != nil {
			return fmt.Errorf("buffer %q: %w", b.name, err)
		}
		at += count
	}
	return nil
}

// Close frees the buffer's device memory (unless a timed-out submission may
// still be using it).
func (b *Buffer[T]) Close() {
	if b.ctx.busy.Load() > 0 {
		return
	}
	for i := range b.chunks {
		b.chunks[i].free(b.ctx)
	}
	b.chunks = nil
}

func asBytes[T Scalar](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(zero)))
}

// stagingBytes is the size of the context's reusable staging buffer.
const stagingBytes = 16 << 20

// stagingBuffer is host-visible memory for copies to and from device-local
// buffers that cannot be mapped.
type stagingBuffer struct{ allocation }

func (s *stagingBuffer) close(c *Context) { s.free(c) }

// writeBytes copies src to byte offset off of a, mapped or through staging.
func (c *Context) writeBytes(a *allocation, off uint64, src []byte) error {
	if a.mapped != nil {
		copy(a.bytes()[off:], src)
		return a.flush(c)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.stagingLocked()
	if err != nil {
		return err
	}
	for len(src) > 0 {
		n := copy(st.bytes(), src)
		if err := st.flush(c); err != nil {
			return err
		}
		if err := c.copyLocked(st.buf, 0, a.buf, off, uint64(n)); err != nil {
			return err
		}
		src, off = src[n:], off+uint64(n)
	}
	return nil
}

// readBytes copies from byte offset off of a into dst.
func (c *Context) readBytes(a *allocation, off uint64, dst []byte) error {
	if a.mapped != nil {
		if err := a.invalidate(c); err != nil {
			return err
		}
		copy(dst, a.bytes()[off:])
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, err := c.stagingLocked()
	if err != nil {
		return err
	}
	for len(dst) > 0 {
		n := min(uint64(len(dst)), st.size)
		if err := c.copyLocked(a.buf, off, st.buf, 0, n); err != nil {
			return err
		}
		if err := st.invalidate(c); err != nil {
			return err
		}
		copy(dst, st.bytes()[:n])
		dst, off = dst[n:], off+n
	}
	return nil
}

func (c *Context) stagingLocked() (*stagingBuffer, error) {
	if err := c.usable(); err != nil {
		return nil, err
	}
	if c.staging == nil {
		a, err := c.allocate("staging", stagingBytes, hostVisible, hostCoherent|hostCached)
		if err != nil {
			return nil, err
		}
		c.staging = &stagingBuffer{a}
	}
	return c.staging, nil
}

// copyLocked copies n bytes between buffers on the device and waits, with
// barriers that order it after earlier kernels and before later ones and
// host reads.
func (c *Context) copyLocked(src vulkan.Buffer, srcOff uint64, dst vulkan.Buffer, dstOff, n uint64) error {
	return c.runOnceLocked("copy", func(cmd vulkan.CommandBuffer) {
		memoryBarrier(cmd, vulkan.PipelineStageComputeShaderBit|vulkan.PipelineStageTransferBit, vulkan.PipelineStageTransferBit,
			vulkan.AccessShaderWriteBit|vulkan.AccessTransferWriteBit, vulkan.AccessTransferReadBit|vulkan.AccessTransferWriteBit)
		vulkan.CmdCopyBuffer(cmd, src, dst, 1, []vulkan.BufferCopy{{
			SrcOffset: vulkan.DeviceSize(srcOff), DstOffset: vulkan.DeviceSize(dstOff), Size: vulkan.DeviceSize(n)}})
		memoryBarrier(cmd, vulkan.PipelineStageTransferBit, vulkan.PipelineStageComputeShaderBit|vulkan.PipelineStageTransferBit|vulkan.PipelineStageHostBit,
			vulkan.AccessTransferWriteBit, vulkan.AccessShaderReadBit|vulkan.AccessShaderWriteBit|vulkan.AccessTransferReadBit|vulkan.AccessHostReadBit)
	})
}
