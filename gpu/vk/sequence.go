package vk

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// Sequence is a list of dispatches recorded into one command buffer and
// submitted as one unit. Consecutive dispatches are separated by a memory
// barrier, so each kernel sees everything earlier ones wrote; the last is
// followed by a barrier that makes results visible to the host. A recorded
// sequence can be submitted any number of times.
type Sequence struct {
	ctx        *Context
	name       string
	timestamps bool
	ops        []dispatch
	cmd        vulkan.CommandBuffer
	fence      vulkan.Fence
	queries    vulkan.QueryPool
	nQueries   uint32
	recorded   bool
	pending    bool
	stats      Stats
}

type dispatch struct {
	bound  *Bound
	push   []byte
	groups [3]uint32
}

// Stats counts what one submission of a sequence executes.
type Stats struct {
	Dispatches int
	Barriers   int
}

// Timing is the GPU time of one dispatch, from its start to the completion
// of the previous command (so it includes the barrier before it).
type Timing struct {
	Kernel string
	Time   time.Duration
}

// NewSequence creates an empty sequence. With timestamps, the device records
// the time of every dispatch; read them with Timings after Wait.
func (c *Context) NewSequence(name string, timestamps bool) (*Sequence, error) {
	if timestamps && c.info.TimestampValidBits == 0 {
		return nil, fmt.Errorf("vk: sequence %q: device %s has no timestamps on its compute queue", name, c.info.Name)
	}
	s := &Sequence{ctx: c, name: name, timestamps: timestamps}
	ai := vulkan.CommandBufferAllocateInfo{
		SType:              vulkan.StructureTypeCommandBufferAllocateInfo,
		CommandPool:        c.pool,
		Level:              vulkan.CommandBufferLevelPrimary,
		CommandBufferCount: 1,
	}
	cmds := make([]vulkan.CommandBuffer, 1)
	c.mu.Lock()
	res := vulkan.AllocateCommandBuffers(c.device, &ai, cmds)
	c.mu.Unlock()
	ai.Free()
	if err := check(res, "sequence %q: allocate command buffer", name); err != nil {
		return nil, err
	}
	s.cmd = cmds[0]
	fi := vulkan.FenceCreateInfo{SType: vulkan.StructureTypeFenceCreateInfo}
	var fence vulkan.Fence
	res = vulkan.CreateFence(c.device, &fi, nil, &fence)
	fi.Free()
	if err := check(res, "sequence %q: create fence", name); err != nil {
		s.Close()
		return nil, err
	}
	s.fence = fence
	return s, nil
}

// Dispatch appends a dispatch of groups work groups of b, with push
// constants push (nil, []byte, or a fixed-size value such as a struct of
// 32-bit fields, encoded little-endian). A dispatch with zero groups in any
// dimension is skipped.
func (s *Sequence) Dispatch(b *Bound, push any, groups [3]uint32) error {
	if s.recorded {
		return fmt.Errorf("vk: sequence %q: dispatch after Record; call Reset first", s.name)
	}
	data, err := b.kernel.pushBytes(push)
	if err != nil {
		return err
	}
	for i, g := range groups {
		if g > s.ctx.info.MaxComputeWorkGroupCount[i] {
			return fmt.Errorf("vk: sequence %q: kernel %q: %d work groups in dimension %d, device limit maxComputeWorkGroupCount[%d] = %d",
				s.name, b.kernel.spec.Name, g, i, i, s.ctx.info.MaxComputeWorkGroupCount[i])
		}
		if g == 0 {
			return nil
		}
	}
	s.ops = append(s.ops, dispatch{bound: b, push: data, groups: groups})
	return nil
}

// Groups returns the number of work groups of size local that cover n
// threads, for a one-dimensional dispatch.
func Groups(n, local int) [3]uint32 {
	return [3]uint32{uint32((n + local - 1) / local), 1, 1}
}

// Record writes the dispatches into the command buffer.
func (s *Sequence) Record() error {
	if s.recorded {
		return nil
	}
	if err := s.makeQueries(); err != nil {
		return err
	}
	cmd := s.cmd
	bi := vulkan.CommandBufferBeginInfo{SType: vulkan.StructureTypeCommandBufferBeginInfo}
	res := vulkan.BeginCommandBuffer(cmd, &bi)
	bi.Free()
	if err := check(res, "sequence %q: begin command buffer", s.name); err != nil {
		return err
	}
	s.stats = Stats{}
	if s.timestamps {
		vulkan.CmdResetQueryPool(cmd, s.queries, 0, s.nQueries)
		vulkan.CmdWriteTimestamp(cmd, vulkan.PipelineStageTopOfPipeBit, s.queries, 0)
	}
	var bound *Bound
	for i, op := range s.ops {
		if i > 0 {
			memoryBarrier(cmd, vulkan.PipelineStageComputeShaderBit, vulkan.PipelineStageComputeShaderBit,
				vulkan.AccessShaderWriteBit, vulkan.AccessShaderReadBit|vulkan.AccessShaderWriteBit)
			s.stats.Barriers++
		}
		k := op.bound.kernel
		if bound == nil || bound.kernel != k {
			vulkan.CmdBindPipeline(cmd, vulkan.PipelineBindPointCompute, k.pipeline)
		}
		if bound != op.bound {
			vulkan.CmdBindDescriptorSets(cmd, vulkan.PipelineBindPointCompute, k.layout, 0, 1,
				[]vulkan.DescriptorSet{op.bound.set}, 0, nil)
		}
		bound = op.bound
		if len(op.push) > 0 {
			vulkan.CmdPushConstants(cmd, k.layout, vulkan.ShaderStageFlags(vulkan.ShaderStageComputeBit), 0,
				uint32(len(op.push)), unsafe.Pointer(&op.push[0]))
		}
		vulkan.CmdDispatch(cmd, op.groups[0], op.groups[1], op.groups[2])
		s.stats.Dispatches++
		if s.timestamps {
			vulkan.CmdWriteTimestamp(cmd, vulkan.PipelineStageBottomOfPipeBit, s.queries, uint32(i+1))
		}
	}
	memoryBarrier(cmd, vulkan.PipelineStageComputeShaderBit, vulkan.PipelineStageHostBit|vulkan.PipelineStageTransferBit,
		vulkan.AccessShaderWriteBit, vulkan.AccessHostReadBit|vulkan.AccessTransferReadBit)
	if err := check(vulkan.EndCommandBuffer(cmd), "sequence %q: end command buffer", s.name); err != nil {
		return err
	}
	s.recorded = true
	return nil
}

func (s *Sequence) makeQueries() error {
	if !s.timestamps {
		return nil
	}
	n := uint32(len(s.ops) + 1)
	if s.queries != vulkan.NullQueryPool && s.nQueries == n {
		return nil
	}
	if s.queries != vulkan.NullQueryPool {
		vulkan.DestroyQueryPool(s.ctx.device, s.queries, nil)
		s.queries = vulkan.NullQueryPool
	}
	qi := vulkan.QueryPoolCreateInfo{SType: vulkan.StructureTypeQueryPoolCreateInfo, QueryType: vulkan.QueryTypeTimestamp, QueryCount: n}
	var qp vulkan.QueryPool
	res := vulkan.CreateQueryPool(s.ctx.device, &qi, nil, &qp)
	qi.Free()
	if err := check(res, "sequence %q: create timestamp query pool", s.name); err != nil {
		return err
	}
	s.queries, s.nQueries = qp, n
	return nil
}

// Stats reports the dispatches and barriers of the recorded sequence.
func (s *Sequence) Stats() Stats { return s.stats }

// Reset empties the sequence so that it can be filled and recorded again.
// It must not be running.
func (s *Sequence) Reset() error {
	if s.pending {
		return fmt.Errorf("vk: sequence %q: reset while running", s.name)
	}
	s.ops, s.recorded, s.stats = s.ops[:0], false, Stats{}
	return check(vulkan.ResetCommandBuffer(s.cmd, 0), "sequence %q: reset command buffer", s.name)
}

// Submit starts the sequence on the device (recording it first if needed)
// and returns without waiting.
func (s *Sequence) Submit() error {
	if s.pending {
		return fmt.Errorf("vk: sequence %q: submitted while still running", s.name)
	}
	if err := s.ctx.usable(); err != nil {
		return err
	}
	if err := s.Record(); err != nil {
		return err
	}
	c := s.ctx
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := check(vulkan.ResetFences(c.device, 1, []vulkan.Fence{s.fence}), "sequence %q: reset fence", s.name); err != nil {
		return err
	}
	if err := c.submitLocked(s.cmd, s.fence, s.name); err != nil {
		return err
	}
	s.pending = true
	c.busy.Add(1)
	return nil
}

// Wait blocks until the submitted sequence finishes or the context's
// timeout passes; a timeout is reported as ErrTimeout and leaves the
// context unusable.
func (s *Sequence) Wait() error {
	if !s.pending {
		return nil
	}
	err := s.ctx.waitFence(s.fence, s.name)
	if !errors.Is(err, ErrTimeout) {
		s.pending = false
		s.ctx.busy.Add(-1)
	}
	return err
}

// Run submits the sequence and waits for it.
func (s *Sequence) Run() error {
	if err := s.Submit(); err != nil {
		return err
	}
	return s.Wait()
}

// Timings returns the GPU time of every dispatch of the last run.
func (s *Sequence) Timings() ([]Timing, error) {
	if !s.timestamps {
		return nil, fmt.Errorf("vk: sequence %q was created without timestamps", s.name)
	}
	if len(s.ops) == 0 {
		return nil, nil
	}
	ts := make([]uint64, s.nQueries)
	res := vulkan.GetQueryPoolResults(s.ctx.device, s.queries, 0, s.nQueries, uint(8*len(ts)), unsafe.Pointer(&ts[0]), 8,
		vulkan.QueryResultFlags(vulkan.QueryResult64Bit|vulkan.QueryResultWaitBit))
	if err := check(res, "sequence %q: read timestamps", s.name); err != nil {
		return nil, err
	}
	bits := s.ctx.info.TimestampValidBits
	mask := ^uint64(0)
	if bits < 64 {
		mask = 1<<bits - 1
	}
	period := float64(s.ctx.info.TimestampPeriod)
	out := make([]Timing, len(s.ops))
	for i, op := range s.ops {
		ticks := (ts[i+1] - ts[i]) & mask
		out[i] = Timing{Kernel: op.bound.kernel.spec.Name, Time: time.Duration(float64(ticks) * period)}
	}
	return out, nil
}

// Close waits for a pending run and frees the sequence's Vulkan objects. A
// sequence still running after a timeout is left allocated rather than
// freed while the device may use it.
func (s *Sequence) Close() {
	if s.Wait(); s.pending {
		return
	}
	c := s.ctx
	if s.queries != vulkan.NullQueryPool {
		vulkan.DestroyQueryPool(c.device, s.queries, nil)
	}
	if s.fence != vulkan.NullFence {
		vulkan.DestroyFence(c.device, s.fence, nil)
	}
	if s.cmd != nil {
		c.mu.Lock()
		vulkan.FreeCommandBuffers(c.device, c.pool, 1, []vulkan.CommandBuffer{s.cmd})
		c.mu.Unlock()
	}
	*s = Sequence{ctx: c, name: s.name}
}

func (c *Context) submitLocked(cmd vulkan.CommandBuffer, fence vulkan.Fence, name string) error {
	si := []vulkan.SubmitInfo{{
		SType:              vulkan.StructureTypeSubmitInfo,
		CommandBufferCount: 1,
		PCommandBuffers:    []vulkan.CommandBuffer{cmd},
	}}
	return c.noteLost(check(vulkan.QueueSubmit(c.queue, 1, si, fence), "%s: submit", name))
}

// waitFence waits for fence with the context's timeout.
func (c *Context) waitFence(fence vulkan.Fence, name string) error {
	res := vulkan.WaitForFences(c.device, 1, []vulkan.Fence{fence}, vulkan.True, uint64(c.opts.Timeout.Nanoseconds()))
	if res == vulkan.Timeout {
		return c.setLost(fmt.Errorf("vk: %s did not finish within %v (a hung or very long kernel); the device context is no longer usable: %w",
			name, c.opts.Timeout, ErrTimeout))
	}
	return c.noteLost(check(res, "%s: wait for the device", name))
}

// noteLost marks the context unusable after VK_ERROR_DEVICE_LOST.
func (c *Context) noteLost(err error) error {
	var re *ResultError
	if errors.As(err, &re) && re.Result == vulkan.ErrorDeviceLost {
		return c.setLost(err)
	}
	return err
}

// runOnceLocked records a one-time command buffer, submits it and waits.
func (c *Context) runOnceLocked(name string, record func(cmd vulkan.CommandBuffer)) error {
	cmd, err := c.beginOneTime(c.pool, name)
	if err != nil {
		return err
	}
	cmds := []vulkan.CommandBuffer{cmd}
	defer vulkan.FreeCommandBuffers(c.device, c.pool, 1, cmds)
	record(cmd)
	if err := check(vulkan.EndCommandBuffer(cmd), "%s: end command buffer", name); err != nil {
		return err
	}
	fi := vulkan.FenceCreateInfo{SType: vulkan.StructureTypeFenceCreateInfo}
	var fence vulkan.Fence
	res := vulkan.CreateFence(c.device, &fi, nil, &fence)
	fi.Free()
	if err := check(res, "%s: create fence", name); err != nil {
		return err
	}
	defer vulkan.DestroyFence(c.device, fence, nil)
	if err := c.submitLocked(cmd, fence, name); err != nil {
		return err
	}
	return c.waitFence(fence, name)
}

// memoryBarrier records a global memory barrier.
func memoryBarrier(cmd vulkan.CommandBuffer, src, dst vulkan.PipelineStageFlagBits, srcAccess, dstAccess vulkan.AccessFlagBits) {
	vulkan.CmdPipelineBarrier(cmd, vulkan.PipelineStageFlags(src), vulkan.PipelineStageFlags(dst), 0,
		1, []vulkan.MemoryBarrier{{
			SType:         vulkan.StructureTypeMemoryBarrier,
			SrcAccessMask: vulkan.AccessFlags(srcAccess),
			DstAccessMask: vulkan.AccessFlags(dstAccess),
		}}, 0, nil, 0, nil)
}

// beginOneTime allocates a command buffer from pool and begins it for one
// submission; the caller frees it.
func (c *Context) beginOneTime(pool vulkan.CommandPool, name string) (vulkan.CommandBuffer, error) {
	ai := vulkan.CommandBufferAllocateInfo{
		SType:              vulkan.StructureTypeCommandBufferAllocateInfo,
		CommandPool:        pool,
		Level:              vulkan.CommandBufferLevelPrimary,
		CommandBufferCount: 1,
	}
	cmds := make([]vulkan.CommandBuffer, 1)
	res := vulkan.AllocateCommandBuffers(c.device, &ai, cmds)
	ai.Free()
	if err := check(res, "%s: allocate command buffer", name); err != nil {
		return nil, err
	}
	bi := vulkan.CommandBufferBeginInfo{
		SType: vulkan.StructureTypeCommandBufferBeginInfo,
		Flags: vulkan.CommandBufferUsageFlags(vulkan.CommandBufferUsageOneTimeSubmitBit),
	}
	res = vulkan.BeginCommandBuffer(cmds[0], &bi)
	bi.Free()
	if err := check(res, "%s: begin command buffer", name); err != nil {
		vulkan.FreeCommandBuffers(c.device, pool, 1, cmds)
		return nil, err
	}
	return cmds[0], nil
}
