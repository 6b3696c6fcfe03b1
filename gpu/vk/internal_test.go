package vk

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	vulkan "github.com/vulkan-go/vulkan"
)

func TestChoose(t *testing.T) {
	devs := []DeviceInfo{
		{Index: 1, Name: "NVIDIA H100", Type: Discrete},
		{Index: 0, Name: "llvmpipe (LLVM 15.0.6, 256 bits)", Type: CPU},
	}
	for _, tc := range []struct {
		want    string
		index   int
		errPart string
	}{
		{"", 1, ""},
		{"0", 0, ""},
		{"1", 1, ""},
		{"LLVMpipe", 0, ""},
		{"h100", 1, ""},
		{"radeon", 0, `no device matches "radeon"; devices: 1: NVIDIA H100`},
		{"7", 0, `no device has index 7`},
		{"15", 0, `no device has index 15`}, // not "LLVM 15"
	} {
		d, err := choose(devs, tc.want)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("choose(%q): err = %v, want one containing %q", tc.want, err, tc.errPart)
			}
			continue
		}
		if err != nil || d.Index != tc.index {
			t.Errorf("choose(%q) = device %d, %v; want device %d", tc.want, d.Index, err, tc.index)
		}
	}
	if _, err := choose(nil, ""); !errors.Is(err, ErrNoDevice) {
		t.Errorf("choose(no devices): err = %v, want ErrNoDevice", err)
	}
}

func TestPickMemoryType(t *testing.T) {
	// A discrete GPU's table: device-local, host-visible non-coherent,
	// host-visible coherent, host-visible coherent cached.
	table := []memoryType{
		{deviceLocal},
		{hostVisible},
		{hostVisible | hostCoherent},
		{hostVisible | hostCoherent | hostCached},
	}
	all := uint32(0b1111)
	for _, tc := range []struct {
		name                string
		allowed             uint32
		required, preferred vulkan.MemoryPropertyFlagBits
		want                int
	}{
		{"device local", all, deviceLocal, 0, 0},
		{"host visible prefers cached", all, hostVisible, hostCached, 3},
		{"staging prefers coherent cached", all, hostVisible, hostCoherent | hostCached, 3},
		{"preference unavailable falls back", 0b0011, hostVisible, hostCoherent, 1},
		{"mask excludes all matches", 0b0001, hostVisible, 0, -1},
		{"nothing has the flags", all, deviceLocal | hostVisible, 0, -1},
	} {
		if got := pickMemoryType(table, tc.allowed, tc.required, tc.preferred); got != tc.want {
			t.Errorf("%s: type %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestResultError(t *testing.T) {
	err := check(vulkan.ErrorOutOfDeviceMemory, "allocate buffer %q (%s)", "v", byteSize(4<<20))
	if got, want := err.Error(), `vk: allocate buffer "v" (4.0 MiB): VK_ERROR_OUT_OF_DEVICE_MEMORY`; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if check(vulkan.Success, "x") != nil {
		t.Error("VK_SUCCESS gave an error")
	}
	if !errors.Is(check(vulkan.Timeout, "wait"), ErrTimeout) {
		t.Error("VK_TIMEOUT is not ErrTimeout")
	}
	if got := ResultName(vulkan.Result(-12345)); got != "VkResult(-12345)" {
		t.Errorf("unknown result named %q", got)
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 128 << 20: "128.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestValidationMessagesReachSink makes an invalid call (a buffer of size 0)
// and checks that the validation layer's error reaches Options.OnMessage:
// the mechanism that turns validation errors into test failures.
func TestValidationMessagesReachSink(t *testing.T) {
	var mu sync.Mutex
	var got []Message
	c, err := NewContext(Options{Validation: true, OnMessage: func(m Message) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}})
	if err != nil {
		if os.Getenv("SPIKEVK_REQUIRE_GPU") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer c.Close()
	info := vulkan.BufferCreateInfo{
		SType:       vulkan.StructureTypeBufferCreateInfo,
		Size:        0,
		Usage:       vulkan.BufferUsageFlags(bufferUsage),
		SharingMode: vulkan.SharingModeExclusive,
	}
	var buf vulkan.Buffer
	res := vulkan.CreateBuffer(c.device, &info, nil, &buf)
	info.Free()
	if res == vulkan.Success && buf != vulkan.NullBuffer {
		vulkan.DestroyBuffer(c.device, buf, nil)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range got {
		if m.Severity == "error" && strings.Contains(m.Text, "VUID-VkBufferCreateInfo-size") {
			return
		}
	}
	t.Errorf("no validation error about the buffer size reached the sink; got %v", got)
}
