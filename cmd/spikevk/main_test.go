package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/gpu/vk"
)

func requireDevice(t *testing.T) {
	if _, err := vk.Devices(); err != nil {
		if os.Getenv("SPIKEVK_REQUIRE_GPU") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "usage: spikevk"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"smoke", "-n", "0"}, 1, "-n must be at least 1"},
		{[]string{"smoke", "-device", "no-such-device"}, 1, `no device matches "no-such-device"`},
		{[]string{"devices", "-bogus"}, 1, "flag provided but not defined"},
	} {
		if tc.stderr == `no device matches "no-such-device"` {
			requireDevice(t)
		}
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code || !strings.Contains(errOut.String(), tc.stderr) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tc.args, code, errOut.String(), tc.code, tc.stderr)
		}
	}
}

func TestDevicesAndSmoke(t *testing.T) {
	requireDevice(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"devices"}, &out, &errOut); code != 0 {
		t.Fatalf("devices: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "maxStorageBufferRange") {
		t.Errorf("devices output lacks limits:\n%s", out.String())
	}
	out.Reset()
	if code := run([]string{"devices", "-json"}, &out, &errOut); code != 0 {
		t.Fatalf("devices -json: exit %d: %s", code, errOut.String())
	}
	var devs []vk.DeviceInfo
	if err := json.Unmarshal(out.Bytes(), &devs); err != nil || len(devs) == 0 || devs[0].Name == "" {
		t.Errorf("devices -json: %v, %d devices:\n%s", err, len(devs), out.String())
	}
	out.Reset()
	if code := run([]string{"smoke", "-n", "1000"}, &out, &errOut); code != 0 {
		t.Fatalf("smoke: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "GPU equals CPU bit for bit") {
		t.Errorf("smoke output: %s", out.String())
	}
}
