package vk

import (
	"encoding/binary"
	"fmt"

	vulkan "github.com/vulkan-go/vulkan"
)

// KernelSpec describes a compute shader and its interface.
type KernelSpec struct {
	Name      string   // for errors and timings
	Code      []uint32 // SPIR-V words; entry point "main"
	Buffers   int      // storage buffers at bindings 0..Buffers-1 of set 0
	PushBytes int      // size of the push-constant block, a multiple of 4
	Spec      []uint32 // specialization constants with ids 0..len(Spec)-1, 32 bits each
}

// Kernel is a compute pipeline with its layouts.
type Kernel struct {
	ctx       *Context
	spec      KernelSpec
	module    vulkan.ShaderModule
	setLayout vulkan.DescriptorSetLayout
	layout    vulkan.PipelineLayout
	pipeline  vulkan.Pipeline
	pools     []vulkan.DescriptorPool // one per Bind
}

// NewKernel builds the pipeline for s.
func (c *Context) NewKernel(s KernelSpec) (*Kernel, error) {
	if s.PushBytes%4 != 0 || s.PushBytes < 0 || uint32(s.PushBytes) > c.info.MaxPushConstantsSize {
		return nil, fmt.Errorf("vk: kernel %q: push-constant block of %d bytes (must be a multiple of 4, at most %d)",
			s.Name, s.PushBytes, c.info.MaxPushConstantsSize)
	}
	if len(s.Code) < 5 || s.Code[0] != 0x07230203 {
		return nil, fmt.Errorf("vk: kernel %q: code is not SPIR-V", s.Name)
	}
	k := &Kernel{ctx: c, spec: s}
	if err := k.build(); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

func (k *Kernel) build() error {
	dev, s := k.ctx.device, k.spec
	mi := vulkan.ShaderModuleCreateInfo{
		SType:    vulkan.StructureTypeShaderModuleCreateInfo,
		CodeSize: uint(4 * len(s.Code)),
		PCode:    s.Code,
	}
	var mod vulkan.ShaderModule
	res := vulkan.CreateShaderModule(dev, &mi, nil, &mod)
	mi.Free()
	if err := check(res, "kernel %q: create shader module", s.Name); err != nil {
		return err
	}
	k.module = mod

	binds := make([]vulkan.DescriptorSetLayoutBinding, s.Buffers)
	for i := range binds {
		binds[i] = vulkan.DescriptorSetLayoutBinding{
			Binding:         uint32(i),
			DescriptorType:  vulkan.DescriptorTypeStorageBuffer,
			DescriptorCount: 1,
			StageFlags:      vulkan.ShaderStageFlags(vulkan.ShaderStageComputeBit),
		}
	}
	dli := vulkan.DescriptorSetLayoutCreateInfo{
		SType:        vulkan.StructureTypeDescriptorSetLayoutCreateInfo,
		BindingCount: uint32(len(binds)),
		PBindings:    binds,
	}
	var dsl vulkan.DescriptorSetLayout
	res = vulkan.CreateDescriptorSetLayout(dev, &dli, nil, &dsl)
	dli.Free()
	if err := check(res, "kernel %q: create descriptor set layout", s.Name); err != nil {
		return err
	}
	k.setLayout = dsl

	pli := vulkan.PipelineLayoutCreateInfo{
		SType:          vulkan.StructureTypePipelineLayoutCreateInfo,
		SetLayoutCount: 1,
		PSetLayouts:    []vulkan.DescriptorSetLayout{dsl},
	}
	if s.PushBytes > 0 {
		pli.PushConstantRangeCount = 1
		pli.PPushConstantRanges = []vulkan.PushConstantRange{{
			StageFlags: vulkan.ShaderStageFlags(vulkan.ShaderStageComputeBit), Size: uint32(s.PushBytes)}}
	}
	var pl vulkan.PipelineLayout
	res = vulkan.CreatePipelineLayout(dev, &pli, nil, &pl)
	pli.Free()
	if err := check(res, "kernel %q: create pipeline layout", s.Name); err != nil {
		return err
	}
	k.layout = pl

	pipe, res := createComputePipeline(k.ctx.instance, dev, mod, pl, s.Spec)
	if err := check(res, "kernel %q: create compute pipeline", s.Name); err != nil {
		return err
	}
	k.pipeline = pipe
	return nil
}

// Name is the kernel's name.
func (k *Kernel) Name() string { return k.spec.Name }

// Bound is a kernel with its buffers bound: what a Sequence dispatches.
type Bound struct {
	kernel *Kernel
	set    vulkan.DescriptorSet
}

// Bind binds bufs to bindings 0..len(bufs)-1. Each call allocates a new
// descriptor set, so a kernel can run on several sets of buffers.
func (k *Kernel) Bind(bufs ...Binding) (*Bound, error) {
	if len(bufs) != k.spec.Buffers {
		return nil, fmt.Errorf("vk: kernel %q takes %d buffers, got %d", k.spec.Name, k.spec.Buffers, len(bufs))
	}
	infos := make([]vulkan.DescriptorBufferInfo, len(bufs))
	for i, b := range bufs {
		buf, size, err := b.binding()
		if err != nil {
			return nil, fmt.Errorf("kernel %q binding %d: %w", k.spec.Name, i, err)
		}
		infos[i] = vulkan.DescriptorBufferInfo{Buffer: buf, Range: vulkan.DeviceSize(size)}
	}
	pool, err := k.ctx.newDescriptorPool(max(len(bufs), 1))
	if err != nil {
		return nil, fmt.Errorf("kernel %q: %w", k.spec.Name, err)
	}
	ai := vulkan.DescriptorSetAllocateInfo{
		SType:              vulkan.StructureTypeDescriptorSetAllocateInfo,
		DescriptorPool:     pool,
		DescriptorSetCount: 1,
		PSetLayouts:        []vulkan.DescriptorSetLayout{k.setLayout},
	}
	var set vulkan.DescriptorSet
	res := vulkan.AllocateDescriptorSets(k.ctx.device, &ai, &set)
	ai.Free()
	if err := check(res, "kernel %q: allocate descriptor set", k.spec.Name); err != nil {
		vulkan.DestroyDescriptorPool(k.ctx.device, pool, nil)
		return nil, err
	}
	k.pools = append(k.pools, pool)
	if len(infos) > 0 {
		writes := make([]vulkan.WriteDescriptorSet, len(infos))
		for i := range infos {
			writes[i] = vulkan.WriteDescriptorSet{
				SType:           vulkan.StructureTypeWriteDescriptorSet,
				DstSet:          set,
				DstBinding:      uint32(i),
				DescriptorCount: 1,
				DescriptorType:  vulkan.DescriptorTypeStorageBuffer,
				PBufferInfo:     infos[i : i+1],
			}
		}
		vulkan.UpdateDescriptorSets(k.ctx.device, uint32(len(writes)), writes, 0, nil)
	}
	return &Bound{kernel: k, set: set}, nil
}

func (c *Context) newDescriptorPool(buffers int) (vulkan.DescriptorPool, error) {
	pi := vulkan.DescriptorPoolCreateInfo{
		SType:         vulkan.StructureTypeDescriptorPoolCreateInfo,
		MaxSets:       1,
		PoolSizeCount: 1,
		PPoolSizes:    []vulkan.DescriptorPoolSize{{Type: vulkan.DescriptorTypeStorageBuffer, DescriptorCount: uint32(buffers)}},
	}
	var pool vulkan.DescriptorPool
	res := vulkan.CreateDescriptorPool(c.device, &pi, nil, &pool)
	pi.Free()
	return pool, check(res, "create descriptor pool")
}

// pushBytes encodes push constants: nil, a []byte, or a value of fixed size
// (a struct of 32-bit fields, a []uint32, ...) in little-endian order.
func (k *Kernel) pushBytes(push any) ([]byte, error) {
	var data []byte
	switch p := push.(type) {
	case nil:
	case []byte:
		data = p
	default:
		var err error
		if data, err = binary.Append(nil, binary.LittleEndian, push); err != nil {
			return nil, fmt.Errorf("vk: kernel %q: encode push constants: %w", k.spec.Name, err)
		}
	}
	if len(data) != k.spec.PushBytes {
		return nil, fmt.Errorf("vk: kernel %q: %d bytes of push constants for a block of %d", k.spec.Name, len(data), k.spec.PushBytes)
	}
	return data, nil
}

// Close destroys the pipeline, its layouts and the descriptor sets of every
// Bind. The kernel must not be in use by a running sequence.
func (k *Kernel) Close() {
	if k.ctx.busy.Load() > 0 {
		return
	}
	dev := k.ctx.device
	for _, p := range k.pools {
		vulkan.DestroyDescriptorPool(dev, p, nil)
	}
	k.pools = nil
	if k.pipeline != vulkan.NullPipeline {
		vulkan.DestroyPipeline(dev, k.pipeline, nil)
		k.pipeline = vulkan.NullPipeline
	}
	if k.layout != vulkan.NullPipelineLayout {
		vulkan.DestroyPipelineLayout(dev, k.layout, nil)
		k.layout = vulkan.NullPipelineLayout
	}
	if k.setLayout != vulkan.NullDescriptorSetLayout {
		vulkan.DestroyDescriptorSetLayout(dev, k.setLayout, nil)
		k.setLayout = vulkan.NullDescriptorSetLayout
	}
	if k.module != vulkan.NullShaderModule {
		vulkan.DestroyShaderModule(dev, k.module, nil)
		k.module = vulkan.NullShaderModule
	}
}
