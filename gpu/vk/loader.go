package vk

/*
#cgo linux LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <vulkan/vulkan.h>

static PFN_vkGetInstanceProcAddr spk_gipa;

// spk_load opens the Vulkan loader by its run-time name, so that spikevk runs
// where only libvulkan1 (not the -dev package) is installed.
static void* spk_load(void) {
	if (spk_gipa) return (void*)spk_gipa;
	const char* names[] = {"libvulkan.so.1", "libvulkan.so", "libvulkan.1.dylib", "libMoltenVK.dylib"};
	for (int i = 0; i < 4 && !spk_gipa; i++) {
		void* lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (lib) spk_gipa = (PFN_vkGetInstanceProcAddr)dlsym(lib, "vkGetInstanceProcAddr");
	}
	return (void*)spk_gipa;
}

typedef struct {
	int int64Atomics;
	int float32AtomicAdd;
} spk_features;

// spk_query_features reads the post-1.0 feature structs through
// vkGetPhysicalDeviceFeatures2, chaining only the structs the device knows.
static int spk_query_features(VkInstance inst, VkPhysicalDevice pd, int atomic64, int atomicFloat, spk_features* out) {
	PFN_vkGetPhysicalDeviceFeatures2 get =
		(PFN_vkGetPhysicalDeviceFeatures2)spk_gipa(inst, "vkGetPhysicalDeviceFeatures2");
	if (!get) return 0;
	VkPhysicalDeviceShaderAtomicInt64Features a64 = {0};
	a64.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES;
	VkPhysicalDeviceShaderAtomicFloatFeaturesEXT af = {0};
	af.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT;
	VkPhysicalDeviceFeatures2 f2 = {0};
	f2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
	void** next = &f2.pNext;
	if (atomic64) { *next = &a64; next = &a64.pNext; }
	if (atomicFloat) { *next = &af; next = &af.pNext; }
	get(pd, &f2);
	out->int64Atomics = a64.shaderBufferInt64Atomics;
	out->float32AtomicAdd = af.shaderBufferFloat32AtomicAdd;
	return 1;
}

// spk_feature_chain allocates the pNext chain that enables the post-1.0
// features for vkCreateDevice; free it with spk_free_chain.
static void* spk_feature_chain(int int64Atomics, int float32AtomicAdd) {
	void* head = NULL;
	if (float32AtomicAdd) {
		VkPhysicalDeviceShaderAtomicFloatFeaturesEXT* af = calloc(1, sizeof(*af));
		af->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT;
		af->shaderBufferFloat32AtomicAdd = VK_TRUE;
		af->pNext = head;
		head = af;
	}
	if (int64Atomics) {
		VkPhysicalDeviceShaderAtomicInt64Features* a64 = calloc(1, sizeof(*a64));
		a64->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES;
		a64->shaderBufferInt64Atomics = VK_TRUE;
		a64->pNext = head;
		head = a64;
	}
	return head;
}

// spk_create_compute_pipeline creates the compute pipeline of module mod
// (entry point "main") with layout and the nspec 32-bit specialization
// constants spec (ids 0 …), its create info in C memory: vulkan-go's
// CreateComputePipelines copies it into a C array that a GC finalizer may
// free while the driver, compiling, still reads it.
static VkResult spk_create_compute_pipeline(VkInstance inst, VkDevice dev, VkShaderModule mod,
		VkPipelineLayout layout, const uint32_t* spec, uint32_t nspec, VkPipeline* out) {
	PFN_vkCreateComputePipelines create =
		(PFN_vkCreateComputePipelines)spk_gipa(inst, "vkCreateComputePipelines");
	if (!create) return VK_ERROR_INITIALIZATION_FAILED;
	VkComputePipelineCreateInfo ci = {0};
	ci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
	ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
	ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
	ci.stage.module = mod;
	ci.stage.pName = "main";
	ci.layout = layout;
	VkSpecializationInfo si = {0};
	VkSpecializationMapEntry* entries = NULL;
	if (nspec > 0) {
		entries = calloc(nspec, sizeof(*entries));
		if (!entries) return VK_ERROR_OUT_OF_HOST_MEMORY;
		for (uint32_t i = 0; i < nspec; i++) {
			entries[i].constantID = i;
			entries[i].offset = 4 * i;
			entries[i].size = 4;
		}
		si.mapEntryCount = nspec;
		si.pMapEntries = entries;
		si.dataSize = 4 * (size_t)nspec;
		si.pData = spec;
		ci.stage.pSpecializationInfo = &si;
	}
	VkResult r = create(dev, VK_NULL_HANDLE, 1, &ci, NULL, out);
	free(entries);
	return r;
}

static void spk_free_chain(void* head) {
	while (head) {
		VkBaseOutStructure* s = head;
		head = s->pNext;
		free(s);
	}
}
*/
import "C"

import (
	"errors"
	"sync"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

var (
	loadOnce sync.Once
	loadErr  error
)

// load finds the Vulkan loader and initialises the binding's global
// function pointers, once per process.
func load() error {
	loadOnce.Do(func() {
		gipa := C.spk_load()
		if gipa == nil {
			loadErr = errors.New("vk: cannot load the Vulkan loader (libvulkan.so.1); install a Vulkan loader and driver, e.g. `make setup` on Debian")
			return
		}
		vulkan.SetGetInstanceProcAddr(unsafe.Pointer(gipa))
		if err := vulkan.Init(); err != nil {
			loadErr = errors.New("vk: initialise the Vulkan loader: " + err.Error())
		}
	})
	return loadErr
}

// extendedFeatures are the device features spikevk reads through pNext chains.
type extendedFeatures struct {
	int64Atomics     bool
	float32AtomicAdd bool
}

// queryExtendedFeatures asks the device for the features above Vulkan 1.0.
// atomic64 and atomicFloat say whether the device knows the structs at all
// (Vulkan 1.2 or VK_KHR_shader_atomic_int64; VK_EXT_shader_atomic_float).
func queryExtendedFeatures(inst vulkan.Instance, pd vulkan.PhysicalDevice, atomic64, atomicFloat bool) extendedFeatures {
	var out C.spk_features
	ok := C.spk_query_features(C.VkInstance(unsafe.Pointer(inst)), C.VkPhysicalDevice(unsafe.Pointer(pd)),
		cBool(atomic64), cBool(atomicFloat), &out)
	if ok == 0 {
		return extendedFeatures{}
	}
	return extendedFeatures{int64Atomics: out.int64Atomics != 0, float32AtomicAdd: out.float32AtomicAdd != 0}
}

// featureChain is a C-allocated pNext chain for vkCreateDevice.
type featureChain struct{ head unsafe.Pointer }

func newFeatureChain(f extendedFeatures) featureChain {
	return featureChain{head: C.spk_feature_chain(cBool(f.int64Atomics), cBool(f.float32AtomicAdd))}
}

func (c featureChain) free() { C.spk_free_chain(c.head) }

// createComputePipeline creates the compute pipeline of module mod (entry
// point "main") with layout and the specialization constants spec (ids 0
// …), through spk_create_compute_pipeline.
func createComputePipeline(inst vulkan.Instance, dev vulkan.Device, mod vulkan.ShaderModule, layout vulkan.PipelineLayout, spec []uint32) (vulkan.Pipeline, vulkan.Result) {
	var data *C.uint32_t
	if len(spec) > 0 {
		data = (*C.uint32_t)(unsafe.Pointer(&spec[0]))
	}
	var p C.VkPipeline
	res := C.spk_create_compute_pipeline(C.VkInstance(unsafe.Pointer(inst)), C.VkDevice(unsafe.Pointer(dev)),
		C.VkShaderModule(unsafe.Pointer(mod)), C.VkPipelineLayout(unsafe.Pointer(layout)), data, C.uint32_t(len(spec)), &p)
	return vulkan.Pipeline(unsafe.Pointer(p)), vulkan.Result(res)
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
