package vk

import (
	"fmt"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// memoryType is one entry of the device's memory-type table.
type memoryType struct {
	flags vulkan.MemoryPropertyFlagBits
}

const (
	deviceLocal  = vulkan.MemoryPropertyDeviceLocalBit
	hostVisible  = vulkan.MemoryPropertyHostVisibleBit
	hostCoherent = vulkan.MemoryPropertyHostCoherentBit
	hostCached   = vulkan.MemoryPropertyHostCachedBit
)

func memoryTypes(pd vulkan.PhysicalDevice, forceNonCoherent bool) []memoryType {
	var mp vulkan.PhysicalDeviceMemoryProperties
	vulkan.GetPhysicalDeviceMemoryProperties(pd, &mp)
	mp.Deref()
	types := make([]memoryType, mp.MemoryTypeCount)
	for i := range types {
		mp.MemoryTypes[i].Deref()
		types[i].flags = vulkan.MemoryPropertyFlagBits(mp.MemoryTypes[i].PropertyFlags)
		if forceNonCoherent {
			types[i].flags &^= hostCoherent
		}
	}
	return types
}

// pickMemoryType returns the first type allowed by the bit mask that has all
// of required and preferred, else the first that has required, else -1.
func pickMemoryType(types []memoryType, allowed uint32, required, preferred vulkan.MemoryPropertyFlagBits) int {
	for _, want := range []vulkan.MemoryPropertyFlagBits{required | preferred, required} {
		for i, t := range types {
			if allowed&(1<<uint(i)) != 0 && t.flags&want == want {
				return i
			}
		}
	}
	return -1
}

// allocation is one VkBuffer with its own memory, mapped when host-visible.
type allocation struct {
	buf      vulkan.Buffer
	mem      vulkan.DeviceMemory
	size     uint64
	mapped   unsafe.Pointer // nil unless host-visible
	coherent bool
}

const bufferUsage = vulkan.BufferUsageStorageBufferBit | vulkan.BufferUsageTransferSrcBit | vulkan.BufferUsageTransferDstBit

// allocate creates a buffer of size bytes in memory with the required
// properties, preferring the preferred ones, and maps it if host-visible.
func (c *Context) allocate(name string, size uint64, required, preferred vulkan.MemoryPropertyFlagBits) (allocation, error) {
	var a allocation
	info := vulkan.BufferCreateInfo{
		SType:       vulkan.StructureTypeBufferCreateInfo,
		Size:        vulkan.DeviceSize(size),
		Usage:       vulkan.BufferUsageFlags(bufferUsage),
		SharingMode: vulkan.SharingModeExclusive,
	}
	var buf vulkan.Buffer
	res := vulkan.CreateBuffer(c.device, &info, nil, &buf)
	info.Free()
	if err := check(res, "create buffer %q (%s)", name, byteSize(size)); err != nil {
		return a, err
	}
	a.buf, a.size = buf, size

	var req vulkan.MemoryRequirements
	vulkan.GetBufferMemoryRequirements(c.device, buf, &req)
	req.Deref()
	ti := pickMemoryType(c.memTypes, req.MemoryTypeBits, required, preferred)
	if ti < 0 {
		a.free(c)
		return allocation{}, fmt.Errorf("vk: allocate buffer %q (%s): no memory type with properties %#x", name, byteSize(size), uint32(required))
	}
	alloc := vulkan.MemoryAllocateInfo{
		SType:           vulkan.StructureTypeMemoryAllocateInfo,
		AllocationSize:  req.Size,
		MemoryTypeIndex: uint32(ti),
	}
	var mem vulkan.DeviceMemory
	res = vulkan.AllocateMemory(c.device, &alloc, nil, &mem)
	alloc.Free()
	if err := check(res, "allocate buffer %q (%s)", name, byteSize(size)); err != nil {
		a.free(c)
		return allocation{}, err
	}
	a.mem = mem
	if err := check(vulkan.BindBufferMemory(c.device, buf, mem, 0), "bind memory of buffer %q", name); err != nil {
		a.free(c)
		return allocation{}, err
	}
	flags := c.memTypes[ti].flags
	if flags&hostVisible != 0 && !(c.opts.forceStaging && required == deviceLocal) {
		var p unsafe.Pointer
		if err := check(vulkan.MapMemory(c.device, mem, 0, vulkan.DeviceSize(vulkan.WholeSize), 0, &p), "map buffer %q", name); err != nil {
			a.free(c)
			return allocation{}, err
		}
		a.mapped = p
		a.coherent = flags&hostCoherent != 0
	}
	return a, nil
}

func (a *allocation) free(c *Context) {
	if a.mapped != nil {
		vulkan.UnmapMemory(c.device, a.mem)
		a.mapped = nil
	}
	if a.buf != vulkan.NullBuffer {
		vulkan.DestroyBuffer(c.device, a.buf, nil)
		a.buf = vulkan.NullBuffer
	}
	if a.mem != vulkan.NullDeviceMemory {
		vulkan.FreeMemory(c.device, a.mem, nil)
		a.mem = vulkan.NullDeviceMemory
	}
}

// bytes views the mapped memory as a byte slice.
func (a *allocation) bytes() []byte { return unsafe.Slice((*byte)(a.mapped), a.size) }

// flush makes host writes visible to the device on non-coherent memory.
func (a *allocation) flush(c *Context) error {
	if a.coherent {
		return nil
	}
	r := []vulkan.MappedMemoryRange{{SType: vulkan.StructureTypeMappedMemoryRange, Memory: a.mem, Size: vulkan.DeviceSize(vulkan.WholeSize)}}
	return check(vulkan.FlushMappedMemoryRanges(c.device, 1, r), "flush mapped memory")
}

// invalidate makes device writes visible to the host on non-coherent memory.
func (a *allocation) invalidate(c *Context) error {
	if a.coherent {
		return nil
	}
	r := []vulkan.MappedMemoryRange{{SType: vulkan.StructureTypeMappedMemoryRange, Memory: a.mem, Size: vulkan.DeviceSize(vulkan.WholeSize)}}
	return check(vulkan.InvalidateMappedMemoryRanges(c.device, 1, r), "invalidate mapped memory")
}

func byteSize(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
