package vk

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// Environment variables that override Options.
const (
	EnvDevice     = "SPIKEVK_DEVICE"     // device index or name substring
	EnvValidation = "SPIKEVK_VALIDATION" // "1": enable the Khronos validation layer
)

// DefaultTimeout bounds how long a submission may run before it is reported
// as hung.
const DefaultTimeout = 2 * time.Minute

// Options configure a Context. The zero value picks the best device without
// validation.
type Options struct {
	// Device selects a device by enumeration index or by a case-insensitive
	// substring of its name. Empty: $SPIKEVK_DEVICE, else the best device.
	Device string
	// Validation enables VK_LAYER_KHRONOS_validation and reports its
	// messages to OnMessage. $SPIKEVK_VALIDATION=1 turns it on too.
	Validation bool
	// OnMessage receives validation messages; it may be called from driver
	// threads. Nil: messages are printed to standard error.
	OnMessage func(Message)
	// Timeout bounds the wait for one submission (DefaultTimeout if zero).
	Timeout time.Duration
	// MaxChunkBytes lowers the size of one buffer chunk below the device's
	// maxStorageBufferRange (zero: no extra limit). Tests use it to exercise
	// chunking at small sizes.
	MaxChunkBytes uint64

	// InstanceExtensions are enabled on the instance besides spikevk's own,
	// e.g. a window system's surface extensions (GLFW names them).
	InstanceExtensions []string
	// Surface, when set, is called once the instance exists (a VkInstance)
	// and returns the address of a VkSurfaceKHR made for it, such as the
	// one GLFW's CreateWindowSurface returns, read at once. The context then uses a queue family that can both compute
	// and present to it, enables VK_KHR_swapchain, and owns the surface:
	// NewSwapchain presents to it and Close destroys it.
	Surface func(instance unsafe.Pointer) (uintptr, error)

	forceNonCoherent bool // tests: flush and invalidate as if memory were not coherent
	forceStaging     bool // tests: never map device-local memory, copy through staging
}

// Context is an open Vulkan device with one compute queue. Its methods are
// safe for concurrent use; submissions to the queue are serialised.
type Context struct {
	opts     Options
	info     DeviceInfo
	instance vulkan.Instance
	physical vulkan.PhysicalDevice
	device   vulkan.Device
	queue    vulkan.Queue
	pool     vulkan.CommandPool
	memTypes []memoryType
	debug    vulkan.DebugReportCallback
	hasDebug bool
	surface  vulkan.Surface // Options.Surface's, or nil

	mu      sync.Mutex // guards queue, pool and staging
	staging *stagingBuffer
	busy    atomic.Int32 // submitted sequences not yet seen to finish

	lostMu sync.Mutex
	lost   error // set when the device stopped answering
}

// NewContext opens the device chosen by opts.
func NewContext(opts Options) (*Context, error) {
	if opts.Device == "" {
		opts.Device = os.Getenv(EnvDevice)
	}
	if os.Getenv(EnvValidation) == "1" {
		opts.Validation = true
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	inst, err := newInstance(opts.Validation, opts.InstanceExtensions)
	if err != nil {
		return nil, err
	}
	c := &Context{opts: opts, instance: inst}
	if opts.Validation {
		if err := c.installDebugReport(); err != nil {
			c.Close()
			return nil, err
		}
	}
	devs, handles, err := enumerate(inst)
	if err == nil {
		c.info, err = choose(devs, opts.Device)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.physical = handles[c.info.Index]
	if opts.Surface != nil {
		if err := c.openSurface(); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.openDevice(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Info describes the device the context runs on.
func (c *Context) Info() DeviceInfo { return c.info }

// newInstance creates a Vulkan 1.2 instance, with the validation layer and
// the debug-report extension when validation is asked for, and the extra
// extensions.
func newInstance(validation bool, extra []string) (vulkan.Instance, error) {
	if err := load(); err != nil {
		return nil, err
	}
	var layers, exts []string
	for _, e := range extra {
		exts = append(exts, e+"\x00")
	}
	if validation {
		if !instanceLayerPresent(validationLayer) {
			return nil, fmt.Errorf("vk: validation requested but layer %s is not installed (Debian: vulkan-validationlayers)", validationLayer)
		}
		layers = append(layers, validationLayer+"\x00")
		exts = append(exts, "VK_EXT_debug_report\x00")
	}
	app := vulkan.ApplicationInfo{
		SType:            vulkan.StructureTypeApplicationInfo,
		PApplicationName: "spikevk\x00",
		PEngineName:      "spikevk\x00",
		ApiVersion:       vulkan.MakeVersion(1, 2, 0),
	}
	info := vulkan.InstanceCreateInfo{
		SType:                   vulkan.StructureTypeInstanceCreateInfo,
		PApplicationInfo:        &app,
		EnabledLayerCount:       uint32(len(layers)),
		PpEnabledLayerNames:     layers,
		EnabledExtensionCount:   uint32(len(exts)),
		PpEnabledExtensionNames: exts,
	}
	var inst vulkan.Instance
	res := vulkan.CreateInstance(&info, nil, &inst)
	info.Free()
	app.Free()
	if err := check(res, "create instance"); err != nil {
		return nil, err
	}
	if err := vulkan.InitInstance(inst); err != nil {
		vulkan.DestroyInstance(inst, nil)
		return nil, fmt.Errorf("vk: load instance functions: %w", err)
	}
	return inst, nil
}

const validationLayer = "VK_LAYER_KHRONOS_validation"

func instanceLayerPresent(name string) bool {
	var n uint32
	if vulkan.EnumerateInstanceLayerProperties(&n, nil) != vulkan.Success {
		return false
	}
	props := make([]vulkan.LayerProperties, n)
	vulkan.EnumerateInstanceLayerProperties(&n, props)
	for i := range props[:n] {
		props[i].Deref()
		if vulkan.ToString(props[i].LayerName[:]) == name {
			return true
		}
	}
	return false
}

// openDevice creates the logical device with one compute queue and the
// features spikevk uses, and a command pool for it.
func (c *Context) openDevice() error {
	d := c.info
	var exts []string
	if d.atomic64Ext && d.Int64Atomics {
		exts = append(exts, "VK_KHR_shader_atomic_int64\x00")
	}
	if d.Float32AtomicAdd {
		exts = append(exts, "VK_EXT_shader_atomic_float\x00")
	}
	if c.surface != nil {
		exts = append(exts, "VK_KHR_swapchain\x00")
	}
	chain := newFeatureChain(extendedFeatures{int64Atomics: d.Int64Atomics, float32AtomicAdd: d.Float32AtomicAdd})
	defer chain.free()
	features := vulkan.PhysicalDeviceFeatures{ShaderInt64: boolVk(d.Int64)}
	queue := vulkan.DeviceQueueCreateInfo{
		SType:            vulkan.StructureTypeDeviceQueueCreateInfo,
		QueueFamilyIndex: uint32(d.computeFamily),
		QueueCount:       1,
		PQueuePriorities: []float32{1},
	}
	info := vulkan.DeviceCreateInfo{
		SType:                   vulkan.StructureTypeDeviceCreateInfo,
		PNext:                   chain.head,
		QueueCreateInfoCount:    1,
		PQueueCreateInfos:       []vulkan.DeviceQueueCreateInfo{queue},
		EnabledExtensionCount:   uint32(len(exts)),
		PpEnabledExtensionNames: exts,
		PEnabledFeatures:        []vulkan.PhysicalDeviceFeatures{features},
	}
	var dev vulkan.Device
	res := vulkan.CreateDevice(c.physical, &info, nil, &dev)
	info.Free()
	if err := check(res, "create device on %s", d.Name); err != nil {
		return err
	}
	c.device = dev
	var q vulkan.Queue
	vulkan.GetDeviceQueue(dev, uint32(d.computeFamily), 0, &q)
	c.queue = q

	poolInfo := vulkan.CommandPoolCreateInfo{
		SType:            vulkan.StructureTypeCommandPoolCreateInfo,
		Flags:            vulkan.CommandPoolCreateFlags(vulkan.CommandPoolCreateResetCommandBufferBit),
		QueueFamilyIndex: uint32(d.computeFamily),
	}
	var pool vulkan.CommandPool
	res = vulkan.CreateCommandPool(dev, &poolInfo, nil, &pool)
	poolInfo.Free()
	if err := check(res, "create command pool"); err != nil {
		return err
	}
	c.pool = pool
	c.memTypes = memoryTypes(c.physical, c.opts.forceNonCoherent)
	return nil
}

func boolVk(b bool) vulkan.Bool32 {
	if b {
		return vulkan.True
	}
	return vulkan.False
}

// Close waits for the device to go idle and releases everything the context
// created directly. Buffers, kernels and sequences must be closed first.
// After a timeout with work still running, the device is left open rather
// than destroyed under a running kernel.
func (c *Context) Close() {
	if c.busy.Load() > 0 {
		return
	}
	if c.device != nil {
		vulkan.DeviceWaitIdle(c.device)
		if c.staging != nil {
			c.staging.close(c)
		}
		if c.pool != nil {
			vulkan.DestroyCommandPool(c.device, c.pool, nil)
		}
		vulkan.DestroyDevice(c.device, nil)
		c.device = nil
	}
	if c.surface != nil {
		vulkan.DestroySurface(c.instance, c.surface, nil)
		c.surface = nil
	}
	if c.hasDebug {
		vulkan.DestroyDebugReportCallback(c.instance, c.debug, nil)
		removeSink(c)
		c.hasDebug = false
	}
	if c.instance != nil {
		vulkan.DestroyInstance(c.instance, nil)
		c.instance = nil
	}
}

// usable reports whether the device still answers.
func (c *Context) usable() error {
	c.lostMu.Lock()
	defer c.lostMu.Unlock()
	return c.lost
}

// setLost records that the device stopped answering and returns err.
func (c *Context) setLost(err error) error {
	c.lostMu.Lock()
	defer c.lostMu.Unlock()
	if c.lost == nil {
		c.lost = err
	}
	return err
}
