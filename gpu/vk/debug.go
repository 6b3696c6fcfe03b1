package vk

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	vulkan "github.com/vulkan-go/vulkan"
)

// Message is one report from the validation layer.
type Message struct {
	Severity string // "error", "warning" or "performance"
	Layer    string // layer prefix, e.g. "Validation"
	Text     string
}

func (m Message) String() string { return fmt.Sprintf("%s %s: %s", m.Layer, m.Severity, m.Text) }

// The binding keeps a single process-wide Go callback (the first one ever
// registered), so spikevk registers one dispatcher and forwards every
// message to all contexts with validation on.
var (
	sinksMu sync.Mutex
	sinks   = map[*Context]func(Message){}
)

func removeSink(c *Context) {
	sinksMu.Lock()
	delete(sinks, c)
	sinksMu.Unlock()
}

func dispatchMessage(flags vulkan.DebugReportFlags, _ vulkan.DebugReportObjectType, _ uint64, _ uint,
	_ int32, layer, text string, _ unsafe.Pointer) vulkan.Bool32 {
	m := Message{Severity: "warning", Layer: strings.Clone(layer), Text: strings.Clone(text)}
	switch {
	case vulkan.DebugReportFlagBits(flags)&vulkan.DebugReportErrorBit != 0:
		m.Severity = "error"
	case vulkan.DebugReportFlagBits(flags)&vulkan.DebugReportPerformanceWarningBit != 0:
		m.Severity = "performance"
	}
	sinksMu.Lock()
	fns := make([]func(Message), 0, len(sinks))
	for _, fn := range sinks {
		fns = append(fns, fn)
	}
	sinksMu.Unlock()
	for _, fn := range fns {
		fn(m)
	}
	return vulkan.False
}

func (c *Context) installDebugReport() error {
	sink := c.opts.OnMessage
	if sink == nil {
		sink = func(m Message) { fmt.Fprintln(os.Stderr, "vk:", m) }
	}
	sinksMu.Lock()
	sinks[c] = sink
	sinksMu.Unlock()
	info := vulkan.DebugReportCallbackCreateInfo{
		SType: vulkan.StructureTypeDebugReportCallbackCreateInfo,
		Flags: vulkan.DebugReportFlags(vulkan.DebugReportErrorBit | vulkan.DebugReportWarningBit |
			vulkan.DebugReportPerformanceWarningBit),
		PfnCallback: dispatchMessage,
	}
	var cb vulkan.DebugReportCallback
	res := vulkan.CreateDebugReportCallback(c.instance, &info, nil, &cb)
	info.Free()
	if err := check(res, "install validation message callback"); err != nil {
		removeSink(c)
		return err
	}
	c.debug, c.hasDebug = cb, true
	return nil
}
