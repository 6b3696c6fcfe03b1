package vk

import (
	"errors"
	"fmt"

	vulkan "github.com/vulkan-go/vulkan"
)

// ErrNoDevice reports that no Vulkan device could be found.
var ErrNoDevice = errors.New("vk: no Vulkan device found")

// ErrTimeout reports that the device did not finish a submission in time.
var ErrTimeout = errors.New("vk: timed out waiting for the device")

// ResultError is a Vulkan call that returned a failing result code.
type ResultError struct {
	Op     string        // what was being done, e.g. `create buffer "v"`
	Result vulkan.Result // the code Vulkan returned
}

func (e *ResultError) Error() string {
	return fmt.Sprintf("vk: %s: %s", e.Op, ResultName(e.Result))
}

// Is lets errors.Is match ErrTimeout for a VK_TIMEOUT result.
func (e *ResultError) Is(target error) bool {
	return target == ErrTimeout && e.Result == vulkan.Timeout
}

// check turns a Vulkan result into an error naming op; VK_SUCCESS is nil.
func check(res vulkan.Result, op string, args ...any) error {
	if res == vulkan.Success {
		return nil
	}
	return &ResultError{Op: fmt.Sprintf(op, args...), Result: res}
}

var resultNames = map[vulkan.Result]string{
	vulkan.Success:                    "VK_SUCCESS",
	vulkan.NotReady:                   "VK_NOT_READY",
	vulkan.Timeout:                    "VK_TIMEOUT",
	vulkan.EventSet:                   "VK_EVENT_SET",
	vulkan.EventReset:                 "VK_EVENT_RESET",
	vulkan.Incomplete:                 "VK_INCOMPLETE",
	vulkan.ErrorOutOfHostMemory:       "VK_ERROR_OUT_OF_HOST_MEMORY",
	vulkan.ErrorOutOfDeviceMemory:     "VK_ERROR_OUT_OF_DEVICE_MEMORY",
	vulkan.ErrorInitializationFailed:  "VK_ERROR_INITIALIZATION_FAILED",
	vulkan.ErrorDeviceLost:            "VK_ERROR_DEVICE_LOST",
	vulkan.ErrorMemoryMapFailed:       "VK_ERROR_MEMORY_MAP_FAILED",
	vulkan.ErrorLayerNotPresent:       "VK_ERROR_LAYER_NOT_PRESENT",
	vulkan.ErrorExtensionNotPresent:   "VK_ERROR_EXTENSION_NOT_PRESENT",
	vulkan.ErrorFeatureNotPresent:     "VK_ERROR_FEATURE_NOT_PRESENT",
	vulkan.ErrorIncompatibleDriver:    "VK_ERROR_INCOMPATIBLE_DRIVER",
	vulkan.ErrorTooManyObjects:        "VK_ERROR_TOO_MANY_OBJECTS",
	vulkan.ErrorFormatNotSupported:    "VK_ERROR_FORMAT_NOT_SUPPORTED",
	vulkan.ErrorFragmentedPool:        "VK_ERROR_FRAGMENTED_POOL",
	vulkan.ErrorOutOfPoolMemory:       "VK_ERROR_OUT_OF_POOL_MEMORY",
	vulkan.ErrorInvalidExternalHandle: "VK_ERROR_INVALID_EXTERNAL_HANDLE",
	vulkan.ErrorSurfaceLost:           "VK_ERROR_SURFACE_LOST_KHR",
	vulkan.ErrorNativeWindowInUse:     "VK_ERROR_NATIVE_WINDOW_IN_USE_KHR",
	vulkan.Suboptimal:                 "VK_SUBOPTIMAL_KHR",
	vulkan.ErrorOutOfDate:             "VK_ERROR_OUT_OF_DATE_KHR",
	vulkan.ErrorIncompatibleDisplay:   "VK_ERROR_INCOMPATIBLE_DISPLAY_KHR",
	vulkan.ErrorValidationFailed:      "VK_ERROR_VALIDATION_FAILED_EXT",
	vulkan.ErrorInvalidShaderNv:       "VK_ERROR_INVALID_SHADER_NV",
}

// ResultName returns the name of a Vulkan result code as the specification
// spells it, e.g. "VK_ERROR_DEVICE_LOST".
func ResultName(r vulkan.Result) string {
	if name, ok := resultNames[r]; ok {
		return name
	}
	return fmt.Sprintf("VkResult(%d)", int32(r))
}
