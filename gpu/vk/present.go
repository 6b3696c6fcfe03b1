package vk

import (
	"errors"
	"fmt"
	"image"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// openSurface takes the surface of Options.Surface and moves the context's
// queue to a family that computes and presents to it.
func (c *Context) openSurface() error {
	p, err := c.opts.Surface(unsafe.Pointer(c.instance))
	if err != nil {
		return fmt.Errorf("vk: window surface: %w", err)
	}
	c.surface = vulkan.SurfaceFromPointer(p)
	var n uint32
	vulkan.GetPhysicalDeviceQueueFamilyProperties(c.physical, &n, nil)
	families := make([]vulkan.QueueFamilyProperties, n)
	vulkan.GetPhysicalDeviceQueueFamilyProperties(c.physical, &n, families)
	for i := range families {
		families[i].Deref()
		if vulkan.QueueFlagBits(families[i].QueueFlags)&vulkan.QueueComputeBit == 0 {
			continue
		}
		var ok vulkan.Bool32
		if vulkan.GetPhysicalDeviceSurfaceSupport(c.physical, uint32(i), c.surface, &ok) == vulkan.Success && ok == vulkan.True {
			c.info.computeFamily = i
			c.info.TimestampValidBits = families[i].TimestampValidBits
			return nil
		}
	}
	return fmt.Errorf("vk: device %s has no queue family that both computes and presents to the window", c.info.Name)
}

// Swapchain presents images to the context's surface (Options.Surface):
// each frame is copied from host memory into the next swapchain image, and
// can be read back from it.
type Swapchain struct {
	ctx      *Context
	handle   vulkan.Swapchain
	images   []vulkan.Image
	rendered []vulkan.Semaphore // per image: its copy finished
	acquired vulkan.Semaphore
	fence    vulkan.Fence
	pool     vulkan.CommandPool // its own: a pool is used by one thread at a time
	bgra     bool               // the images are B8G8R8A8
	capture  bool               // the images can be copied from
	w, h     int
	upload   allocation // host-visible, w·h·4 bytes
	readback allocation // host-visible, w·h·4 bytes, when capture
	stale    bool       // the surface changed: recreate before the next frame
}

// ErrNoSurface is returned by NewSwapchain for a context opened without
// Options.Surface.
var ErrNoSurface = errors.New("vk: the context has no window surface (Options.Surface)")

// NewSwapchain creates a swapchain for the context's surface, of the
// surface's size or, where the window system lets the swapchain choose,
// width × height pixels.
func (c *Context) NewSwapchain(width, height int) (*Swapchain, error) {
	if c.surface == nil {
		return nil, ErrNoSurface
	}
	s := &Swapchain{ctx: c}
	// Handles go through locals: s holds Go pointers (cgo's rules).
	var sem vulkan.Semaphore
	si := vulkan.SemaphoreCreateInfo{SType: vulkan.StructureTypeSemaphoreCreateInfo}
	err := check(vulkan.CreateSemaphore(c.device, &si, nil, &sem), "create semaphore")
	si.Free()
	s.acquired = sem
	if err == nil {
		var fence vulkan.Fence
		fi := vulkan.FenceCreateInfo{SType: vulkan.StructureTypeFenceCreateInfo}
		err = check(vulkan.CreateFence(c.device, &fi, nil, &fence), "create fence")
		fi.Free()
		s.fence = fence
	}
	if err == nil {
		var pool vulkan.CommandPool
		pi := vulkan.CommandPoolCreateInfo{
			SType:            vulkan.StructureTypeCommandPoolCreateInfo,
			QueueFamilyIndex: uint32(c.info.computeFamily),
		}
		err = check(vulkan.CreateCommandPool(c.device, &pi, nil, &pool), "create command pool")
		pi.Free()
		s.pool = pool
	}
	if err == nil {
		err = s.create(width, height)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Size is the size of the swapchain's images, which Present takes; 0 × 0
// while the window is minimised.
func (s *Swapchain) Size() (width, height int) { return s.w, s.h }

// Stale reports whether the window changed since the last frame, so that
// the next one must be drawn to its new size.
func (s *Swapchain) Stale() bool { return s.stale }

// Resize recreates the swapchain when the window's framebuffer is now
// width × height pixels or the surface changed since the last frame.
func (s *Swapchain) Resize(width, height int) error {
	if !s.stale && width == s.w && height == s.h {
		return nil
	}
	return s.create(width, height)
}

// create (re)creates the swapchain and its buffers.
func (s *Swapchain) create(width, height int) error {
	c := s.ctx
	vulkan.DeviceWaitIdle(c.device)
	var caps vulkan.SurfaceCapabilities
	if err := check(vulkan.GetPhysicalDeviceSurfaceCapabilities(c.physical, c.surface, &caps), "surface capabilities"); err != nil {
		return err
	}
	caps.Deref()
	caps.CurrentExtent.Deref()
	caps.MinImageExtent.Deref()
	caps.MaxImageExtent.Deref()
	usage := vulkan.ImageUsageFlagBits(caps.SupportedUsageFlags)
	if usage&vulkan.ImageUsageTransferDstBit == 0 {
		return fmt.Errorf("vk: the window's images cannot be copied to (no TRANSFER_DST usage) on %s", c.info.Name)
	}
	s.capture = usage&vulkan.ImageUsageTransferSrcBit != 0
	w, h := uint32(max(width, 0)), uint32(max(height, 0))
	if caps.CurrentExtent.Width != ^uint32(0) {
		w, h = caps.CurrentExtent.Width, caps.CurrentExtent.Height
	} else {
		w = min(max(w, caps.MinImageExtent.Width), caps.MaxImageExtent.Width)
		h = min(max(h, caps.MinImageExtent.Height), caps.MaxImageExtent.Height)
	}
	s.destroyImages()
	s.w, s.h, s.stale = int(w), int(h), false
	if w == 0 || h == 0 {
		return nil // minimised: nothing to present to
	}
	format, space, err := s.chooseFormat()
	if err != nil {
		return err
	}
	count := caps.MinImageCount + 1
	if caps.MaxImageCount > 0 {
		count = min(count, caps.MaxImageCount)
	}
	alpha := vulkan.CompositeAlphaOpaqueBit
	if supported := vulkan.CompositeAlphaFlagBits(caps.SupportedCompositeAlpha); supported&alpha == 0 {
		for bit := vulkan.CompositeAlphaFlagBits(1); bit <= 8; bit <<= 1 {
			if supported&bit != 0 {
				alpha = bit
				break
			}
		}
	}
	imageUsage := vulkan.ImageUsageTransferDstBit
	if s.capture {
		imageUsage |= vulkan.ImageUsageTransferSrcBit
	}
	old := s.handle
	info := vulkan.SwapchainCreateInfo{
		SType:            vulkan.StructureTypeSwapchainCreateInfo,
		Surface:          c.surface,
		MinImageCount:    count,
		ImageFormat:      format,
		ImageColorSpace:  space,
		ImageExtent:      vulkan.Extent2D{Width: w, Height: h},
		ImageArrayLayers: 1,
		ImageUsage:       vulkan.ImageUsageFlags(imageUsage),
		ImageSharingMode: vulkan.SharingModeExclusive,
		PreTransform:     caps.CurrentTransform,
		CompositeAlpha:   alpha,
		PresentMode:      vulkan.PresentModeFifo, // paced by the display, and always supported
		Clipped:          vulkan.True,
		OldSwapchain:     old,
	}
	var sc vulkan.Swapchain
	res := vulkan.CreateSwapchain(c.device, &info, nil, &sc)
	info.Free()
	if old != vulkan.NullSwapchain {
		vulkan.DestroySwapchain(c.device, old, nil)
		s.handle = vulkan.NullSwapchain
	}
	if err := check(res, "create swapchain (%d × %d)", w, h); err != nil {
		return err
	}
	s.handle = sc
	var n uint32
	if err := check(vulkan.GetSwapchainImages(c.device, sc, &n, nil), "swapchain images"); err != nil {
		return err
	}
	s.images = make([]vulkan.Image, n)
	if err := check(vulkan.GetSwapchainImages(c.device, sc, &n, s.images), "swapchain images"); err != nil {
		return err
	}
	for range s.images {
		si := vulkan.SemaphoreCreateInfo{SType: vulkan.StructureTypeSemaphoreCreateInfo}
		var sem vulkan.Semaphore
		res := vulkan.CreateSemaphore(c.device, &si, nil, &sem)
		si.Free()
		if err := check(res, "create semaphore"); err != nil {
			return err
		}
		s.rendered = append(s.rendered, sem)
	}
	bytes := uint64(w) * uint64(h) * 4
	if s.upload, err = c.allocate("window frame", bytes, hostVisible, hostCached); err != nil {
		return err
	}
	if s.capture {
		if s.readback, err = c.allocate("window capture", bytes, hostVisible, hostCached); err != nil {
			return err
		}
	}
	return nil
}

// chooseFormat picks an 8-bit RGBA or BGRA format of the surface.
func (s *Swapchain) chooseFormat() (vulkan.Format, vulkan.ColorSpace, error) {
	c := s.ctx
	var n uint32
	if err := check(vulkan.GetPhysicalDeviceSurfaceFormats(c.physical, c.surface, &n, nil), "surface formats"); err != nil {
		return 0, 0, err
	}
	formats := make([]vulkan.SurfaceFormat, n)
	if err := check(vulkan.GetPhysicalDeviceSurfaceFormats(c.physical, c.surface, &n, formats), "surface formats"); err != nil {
		return 0, 0, err
	}
	for _, want := range []vulkan.Format{vulkan.FormatB8g8r8a8Srgb, vulkan.FormatB8g8r8a8Unorm, vulkan.FormatR8g8b8a8Srgb, vulkan.FormatR8g8b8a8Unorm} {
		for _, f := range formats {
			f.Deref()
			if f.Format == want {
				s.bgra = want == vulkan.FormatB8g8r8a8Srgb || want == vulkan.FormatB8g8r8a8Unorm
				return f.Format, f.ColorSpace, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("vk: the window offers no 8-bit RGBA or BGRA format")
}

// Present shows img, which must be Size() pixels, in the window, and when
// capture is set returns the pixels read back from the presented image (nil
// where the window system does not allow it). A frame the window system
// refuses because the window changed is dropped without an error; the next
// Resize recreates the swapchain.
func (s *Swapchain) Present(img *image.RGBA, capture bool) (*image.RGBA, error) {
	if s.w == 0 || s.h == 0 || s.stale {
		return nil, nil
	}
	if b := img.Bounds(); b.Dx() != s.w || b.Dy() != s.h {
		return nil, fmt.Errorf("vk: frame of %d × %d pixels for a window of %d × %d", b.Dx(), b.Dy(), s.w, s.h)
	}
	capture = capture && s.capture
	c := s.ctx
	c.mu.Lock()
	defer c.mu.Unlock()
	var index uint32
	res := vulkan.AcquireNextImage(c.device, s.handle, uint64(c.opts.Timeout.Nanoseconds()), s.acquired, vulkan.NullFence, &index)
	switch res {
	case vulkan.ErrorOutOfDate:
		s.stale = true
		return nil, nil
	case vulkan.Suboptimal:
		s.stale = true
	default:
		if err := check(res, "acquire window image"); err != nil {
			return nil, err
		}
	}
	s.fill(img)
	if err := s.upload.flush(c); err != nil {
		return nil, err
	}
	if err := s.copyAndSubmit(index, capture); err != nil {
		return nil, err
	}
	pi := vulkan.PresentInfo{
		SType:              vulkan.StructureTypePresentInfo,
		WaitSemaphoreCount: 1,
		PWaitSemaphores:    []vulkan.Semaphore{s.rendered[index]},
		SwapchainCount:     1,
		PSwapchains:        []vulkan.Swapchain{s.handle},
		PImageIndices:      []uint32{index},
	}
	res = vulkan.QueuePresent(c.queue, &pi)
	pi.Free()
	if res == vulkan.ErrorOutOfDate || res == vulkan.Suboptimal {
		s.stale = true
	} else if err := check(res, "present"); err != nil {
		return nil, err
	}
	if !capture {
		return nil, nil
	}
	if err := s.readback.invalidate(c); err != nil {
		return nil, err
	}
	out := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	copy(out.Pix, s.readback.bytes())
	if s.bgra {
		swapRB(out.Pix)
	}
	return out, nil
}

// fill copies img into the upload buffer in the images' channel order.
func (s *Swapchain) fill(img *image.RGBA) {
	dst := s.upload.bytes()
	row := s.w * 4
	for y := range s.h {
		copy(dst[y*row:(y+1)*row], img.Pix[y*img.Stride:y*img.Stride+row])
	}
	if s.bgra {
		swapRB(dst[:row*s.h])
	}
}

// swapRB swaps the red and blue bytes of 4-byte pixels.
func swapRB(p []byte) {
	for k := 0; k+3 < len(p); k += 4 {
		p[k], p[k+2] = p[k+2], p[k]
	}
}

// copyAndSubmit records the copy of the upload buffer into image index
// (and back into the readback buffer), submits it after the image is
// acquired and waits for it.
func (s *Swapchain) copyAndSubmit(index uint32, capture bool) error {
	c := s.ctx
	cmd, err := c.beginOneTime(s.pool, "window frame")
	if err != nil {
		return err
	}
	cmds := []vulkan.CommandBuffer{cmd}
	defer vulkan.FreeCommandBuffers(c.device, s.pool, 1, cmds)
	im := s.images[index]
	transition(cmd, im, vulkan.ImageLayoutUndefined, vulkan.ImageLayoutTransferDstOptimal, 0, vulkan.AccessTransferWriteBit,
		vulkan.PipelineStageTransferBit, vulkan.PipelineStageTransferBit)
	region := []vulkan.BufferImageCopy{{
		ImageSubresource: vulkan.ImageSubresourceLayers{AspectMask: vulkan.ImageAspectFlags(vulkan.ImageAspectColorBit), LayerCount: 1},
		ImageExtent:      vulkan.Extent3D{Width: uint32(s.w), Height: uint32(s.h), Depth: 1},
	}}
	vulkan.CmdCopyBufferToImage(cmd, s.upload.buf, im, vulkan.ImageLayoutTransferDstOptimal, 1, region)
	last := vulkan.ImageLayoutTransferDstOptimal
	lastAccess := vulkan.AccessTransferWriteBit
	if capture {
		transition(cmd, im, last, vulkan.ImageLayoutTransferSrcOptimal, lastAccess, vulkan.AccessTransferReadBit,
			vulkan.PipelineStageTransferBit, vulkan.PipelineStageTransferBit)
		vulkan.CmdCopyImageToBuffer(cmd, im, vulkan.ImageLayoutTransferSrcOptimal, s.readback.buf, 1, region)
		memoryBarrier(cmd, vulkan.PipelineStageTransferBit, vulkan.PipelineStageHostBit, vulkan.AccessTransferWriteBit, vulkan.AccessHostReadBit)
		last, lastAccess = vulkan.ImageLayoutTransferSrcOptimal, vulkan.AccessTransferReadBit
	}
	transition(cmd, im, last, vulkan.ImageLayoutPresentSrc, lastAccess, 0,
		vulkan.PipelineStageTransferBit, vulkan.PipelineStageBottomOfPipeBit)
	if err := check(vulkan.EndCommandBuffer(cmd), "window frame: end command buffer"); err != nil {
		return err
	}
	submit := []vulkan.SubmitInfo{{
		SType:                vulkan.StructureTypeSubmitInfo,
		WaitSemaphoreCount:   1,
		PWaitSemaphores:      []vulkan.Semaphore{s.acquired},
		PWaitDstStageMask:    []vulkan.PipelineStageFlags{vulkan.PipelineStageFlags(vulkan.PipelineStageTransferBit)},
		CommandBufferCount:   1,
		PCommandBuffers:      cmds,
		SignalSemaphoreCount: 1,
		PSignalSemaphores:    []vulkan.Semaphore{s.rendered[index]},
	}}
	if err := check(vulkan.ResetFences(c.device, 1, []vulkan.Fence{s.fence}), "window frame: reset fence"); err != nil {
		return err
	}
	if err := c.noteLost(check(vulkan.QueueSubmit(c.queue, 1, submit, s.fence), "window frame: submit")); err != nil {
		return err
	}
	return c.waitFence(s.fence, "window frame")
}

// transition records a layout change of a colour image.
func transition(cmd vulkan.CommandBuffer, im vulkan.Image, from, to vulkan.ImageLayout, srcAccess, dstAccess vulkan.AccessFlagBits,
	srcStage, dstStage vulkan.PipelineStageFlagBits) {
	vulkan.CmdPipelineBarrier(cmd, vulkan.PipelineStageFlags(srcStage), vulkan.PipelineStageFlags(dstStage), 0, 0, nil, 0, nil,
		1, []vulkan.ImageMemoryBarrier{{
			SType:               vulkan.StructureTypeImageMemoryBarrier,
			SrcAccessMask:       vulkan.AccessFlags(srcAccess),
			DstAccessMask:       vulkan.AccessFlags(dstAccess),
			OldLayout:           from,
			NewLayout:           to,
			SrcQueueFamilyIndex: vulkan.QueueFamilyIgnored,
			DstQueueFamilyIndex: vulkan.QueueFamilyIgnored,
			Image:               im,
			SubresourceRange: vulkan.ImageSubresourceRange{
				AspectMask: vulkan.ImageAspectFlags(vulkan.ImageAspectColorBit),
				LevelCount: 1,
				LayerCount: 1,
			},
		}})
}

// destroyImages releases the per-image semaphores and the frame buffers;
// the swapchain itself goes when the next one is created or at Close.
func (s *Swapchain) destroyImages() {
	c := s.ctx
	for _, sem := range s.rendered {
		vulkan.DestroySemaphore(c.device, sem, nil)
	}
	s.rendered, s.images = nil, nil
	s.upload.free(c)
	s.readback.free(c)
}

// Close releases the swapchain. The context's surface stays until the
// context closes.
func (s *Swapchain) Close() {
	c := s.ctx
	vulkan.DeviceWaitIdle(c.device)
	s.destroyImages()
	if s.handle != vulkan.NullSwapchain {
		vulkan.DestroySwapchain(c.device, s.handle, nil)
		s.handle = vulkan.NullSwapchain
	}
	if s.acquired != vulkan.NullSemaphore {
		vulkan.DestroySemaphore(c.device, s.acquired, nil)
		s.acquired = vulkan.NullSemaphore
	}
	if s.pool != vulkan.NullCommandPool {
		vulkan.DestroyCommandPool(c.device, s.pool, nil)
		s.pool = vulkan.NullCommandPool
	}
	if s.fence != vulkan.NullFence {
		vulkan.DestroyFence(c.device, s.fence, nil)
		s.fence = vulkan.NullFence
	}
}
