package vk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	vulkan "github.com/vulkan-go/vulkan"
)

// DeviceType is the kind of a physical device, ranked for automatic choice.
type DeviceType int

// Device kinds in the order spikevk prefers them.
const (
	Discrete DeviceType = iota
	Integrated
	Virtual
	CPU
	Other
)

func (t DeviceType) String() string {
	return [...]string{"discrete GPU", "integrated GPU", "virtual GPU", "CPU", "other"}[t]
}

func deviceType(t vulkan.PhysicalDeviceType) DeviceType {
	switch t {
	case vulkan.PhysicalDeviceTypeDiscreteGpu:
		return Discrete
	case vulkan.PhysicalDeviceTypeIntegratedGpu:
		return Integrated
	case vulkan.PhysicalDeviceTypeVirtualGpu:
		return Virtual
	case vulkan.PhysicalDeviceTypeCpu:
		return CPU
	}
	return Other
}

// DeviceInfo describes a physical device and the limits spikevk depends on.
type DeviceInfo struct {
	Index      int        // position in the driver's enumeration
	Name       string     // e.g. "NVIDIA H100" or "llvmpipe (LLVM 15.0.6, 256 bits)"
	Type       DeviceType // discrete, integrated, virtual, CPU
	APIVersion string     // Vulkan version the device supports, e.g. "1.3.230"
	VendorID   uint32

	MaxStorageBufferRange          uint32    // largest storage-buffer binding in bytes
	MaxComputeWorkGroupCount       [3]uint32 // dispatch size limit per dimension
	MaxComputeWorkGroupSize        [3]uint32
	MaxComputeWorkGroupInvocations uint32
	MaxPushConstantsSize           uint32
	NonCoherentAtomSize            uint64
	TimestampPeriod                float32 // nanoseconds per timestamp tick
	TimestampValidBits             uint32  // 0: the compute queue has no timestamps
	DeviceLocalBytes               uint64  // size of the largest device-local heap

	Int64            bool // shaderInt64
	Int64Atomics     bool // shaderBufferInt64Atomics
	Float32AtomicAdd bool // shaderBufferFloat32AtomicAdd (VK_EXT_shader_atomic_float)

	computeFamily int  // queue family with compute, -1 if none
	atomic64Ext   bool // needs VK_KHR_shader_atomic_int64 enabled (device below 1.2)
	atomicFloat   bool // VK_EXT_shader_atomic_float is available
	apiVersion    uint32
}

// String is a one-line summary, as `spikevk devices` prints it.
func (d DeviceInfo) String() string {
	return fmt.Sprintf("%d: %s (%s, Vulkan %s)", d.Index, d.Name, d.Type, d.APIVersion)
}

// Devices lists the Vulkan devices that have a compute queue, in the order
// spikevk prefers them (discrete, integrated, virtual, CPU).
func Devices() ([]DeviceInfo, error) {
	inst, err := newInstance(false, nil)
	if err != nil {
		return nil, err
	}
	defer vulkan.DestroyInstance(inst, nil)
	devs, _, err := enumerate(inst)
	return devs, err
}

// enumerate returns the usable devices ranked, and their handles by Index.
func enumerate(inst vulkan.Instance) ([]DeviceInfo, []vulkan.PhysicalDevice, error) {
	var n uint32
	if err := check(vulkan.EnumeratePhysicalDevices(inst, &n, nil), "enumerate devices"); err != nil {
		return nil, nil, err
	}
	handles := make([]vulkan.PhysicalDevice, n)
	if n > 0 {
		if err := check(vulkan.EnumeratePhysicalDevices(inst, &n, handles), "enumerate devices"); err != nil {
			return nil, nil, err
		}
	}
	var devs []DeviceInfo
	for i, pd := range handles[:n] {
		d := describe(inst, pd)
		d.Index = i
		if d.computeFamily >= 0 {
			devs = append(devs, d)
		}
	}
	sort.SliceStable(devs, func(a, b int) bool { return devs[a].Type < devs[b].Type })
	return devs, handles, nil
}

func describe(inst vulkan.Instance, pd vulkan.PhysicalDevice) DeviceInfo {
	var p vulkan.PhysicalDeviceProperties
	vulkan.GetPhysicalDeviceProperties(pd, &p)
	p.Deref()
	p.Limits.Deref()
	l := p.Limits
	d := DeviceInfo{
		Name:                           vulkan.ToString(p.DeviceName[:]),
		Type:                           deviceType(p.DeviceType),
		APIVersion:                     versionString(p.ApiVersion),
		VendorID:                       p.VendorID,
		MaxStorageBufferRange:          l.MaxStorageBufferRange,
		MaxComputeWorkGroupCount:       l.MaxComputeWorkGroupCount,
		MaxComputeWorkGroupSize:        l.MaxComputeWorkGroupSize,
		MaxComputeWorkGroupInvocations: l.MaxComputeWorkGroupInvocations,
		MaxPushConstantsSize:           l.MaxPushConstantsSize,
		NonCoherentAtomSize:            uint64(l.NonCoherentAtomSize),
		TimestampPeriod:                l.TimestampPeriod,
		computeFamily:                  -1,
		apiVersion:                     p.ApiVersion,
	}

	var nq uint32
	vulkan.GetPhysicalDeviceQueueFamilyProperties(pd, &nq, nil)
	families := make([]vulkan.QueueFamilyProperties, nq)
	vulkan.GetPhysicalDeviceQueueFamilyProperties(pd, &nq, families)
	for i := range families {
		families[i].Deref()
		if vulkan.QueueFlagBits(families[i].QueueFlags)&vulkan.QueueComputeBit != 0 {
			d.computeFamily = i
			d.TimestampValidBits = families[i].TimestampValidBits
			break
		}
	}

	var mp vulkan.PhysicalDeviceMemoryProperties
	vulkan.GetPhysicalDeviceMemoryProperties(pd, &mp)
	mp.Deref()
	for i := uint32(0); i < mp.MemoryHeapCount; i++ {
		mp.MemoryHeaps[i].Deref()
		h := mp.MemoryHeaps[i]
		if vulkan.MemoryHeapFlagBits(h.Flags)&vulkan.MemoryHeapDeviceLocalBit != 0 && uint64(h.Size) > d.DeviceLocalBytes {
			d.DeviceLocalBytes = uint64(h.Size)
		}
	}

	var f vulkan.PhysicalDeviceFeatures
	vulkan.GetPhysicalDeviceFeatures(pd, &f)
	f.Deref()
	d.Int64 = f.ShaderInt64 == vulkan.True

	exts := deviceExtensions(pd)
	has12 := p.ApiVersion >= vulkan.MakeVersion(1, 2, 0)
	d.atomic64Ext = !has12 && exts["VK_KHR_shader_atomic_int64"]
	d.atomicFloat = exts["VK_EXT_shader_atomic_float"]
	if p.ApiVersion >= vulkan.MakeVersion(1, 1, 0) {
		ext := queryExtendedFeatures(inst, pd, has12 || d.atomic64Ext, d.atomicFloat)
		d.Int64Atomics = ext.int64Atomics && d.Int64
		d.Float32AtomicAdd = ext.float32AtomicAdd
	}
	return d
}

func deviceExtensions(pd vulkan.PhysicalDevice) map[string]bool {
	var n uint32
	if vulkan.EnumerateDeviceExtensionProperties(pd, "", &n, nil) != vulkan.Success {
		return nil
	}
	props := make([]vulkan.ExtensionProperties, n)
	vulkan.EnumerateDeviceExtensionProperties(pd, "", &n, props)
	names := make(map[string]bool, n)
	for i := range props[:n] {
		props[i].Deref()
		names[vulkan.ToString(props[i].ExtensionName[:])] = true
	}
	return names
}

func versionString(v uint32) string {
	return fmt.Sprintf("%d.%d.%d", v>>22, (v>>12)&0x3ff, v&0xfff)
}

// choose picks a device: by index when want is a whole number, else by
// case-insensitive name substring, when want is not empty; else the first
// (best ranked) one. A number never matches a name ("5" is not "LLVM 15").
func choose(devs []DeviceInfo, want string) (DeviceInfo, error) {
	if len(devs) == 0 {
		return DeviceInfo{}, ErrNoDevice
	}
	if want == "" {
		return devs[0], nil
	}
	if i, err := strconv.Atoi(want); err == nil {
		for _, d := range devs {
			if d.Index == i {
				return d, nil
			}
		}
		return DeviceInfo{}, fmt.Errorf("vk: no device has index %d; devices: %s", i, deviceNames(devs))
	}
	for _, d := range devs {
		if strings.Contains(strings.ToLower(d.Name), strings.ToLower(want)) {
			return d, nil
		}
	}
	return DeviceInfo{}, fmt.Errorf("vk: no device matches %q; devices: %s", want, deviceNames(devs))
}

func deviceNames(devs []DeviceInfo) string {
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = d.String()
	}
	return strings.Join(names, "; ")
}

// MarshalText writes the kind as words, e.g. "discrete GPU".
func (t DeviceType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a kind written by MarshalText.
func (t *DeviceType) UnmarshalText(b []byte) error {
	for k := Discrete; k <= Other; k++ {
		if k.String() == string(b) {
			*t = k
			return nil
		}
	}
	return fmt.Errorf("vk: unknown device type %q", b)
}
