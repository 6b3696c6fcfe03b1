// Package vk is spikevk's thin layer over Vulkan compute: a Context (instance,
// device, queue and enabled features), typed storage buffers split into
// chunks above the device's storage-buffer range, compute Kernels with push
// and specialization constants, and Sequences that record many dispatches with
// barriers into one command buffer, submit it, wait on a fence with a finite
// timeout and read GPU timestamps.
//
// It is the only package of spikevk that imports github.com/vulkan-go/vulkan.
// Every error names the operation and the Vulkan result code (for example
// "vk: allocate buffer \"v\" (4 MiB): VK_ERROR_OUT_OF_DEVICE_MEMORY");
// validation-layer messages are delivered to Options.OnMessage.
package vk
