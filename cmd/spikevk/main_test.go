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

func TestModels(t *testing.T) {
	dir := t.TempDir()
	good := dir + "/good.yaml"
	bad := dir + "/bad.yaml"
	os.WriteFile(good, []byte("name: g\nequations: |\n  dv/dt = (v - E)/(10*ms) : volt\n  E : volt\nparameters:\n  E: -70*mV\ninitial:\n  v: E\n"), 0o644)
	os.WriteFile(bad, []byte("name: b\nequations: |\n  dv/dt = v : volt\n"), 0o644)
	synGood, synBad := dir+"/syn.yaml", dir+"/syn_bad.yaml"
	os.WriteFile(synGood, []byte("name: syn\nequations: |\n  w : siemens\non_pre: g_e_post += w\n"), 0o644)
	os.WriteFile(synBad, []byte("name: syn\non_pre: |\n  g_e_post += \n"), 0o644)
	for _, tc := range []struct {
		args         []string
		code         int
		stdout, errs string
	}{
		{[]string{"models"}, 0, "lif_coba_exp", ""},
		{[]string{"models"}, 0, "stdp_song2000", ""},
		{[]string{"models", "show", "tsodyks_markram"}, 0, "Markram H, Wang Y, Tsodyks M (1998)", ""},
		{[]string{"models", "check", synGood}, 0, "synapse model syn reads well", ""},
		{[]string{"models", "check", synBad}, 1, "", "syn_bad.yaml:3:"},
		{[]string{"models", "show", "adex"}, 0, "Brette R, Gerstner W (2005)", ""},
		{[]string{"models", "show", "nope"}, 1, "", `no built-in model "nope"`},
		{[]string{"models", "check", good}, 0, "dv/dt grows with v", ""},
		{[]string{"models", "check", bad}, 1, "", "bad.yaml:3:11: dv/dt must be in V/s"},
		{[]string{"models", "check"}, 1, "", "usage: spikevk models"},
	} {
		var out, errOut bytes.Buffer
		code := run(tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.errs) {
			t.Errorf("run(%q) = %d\nstdout %q\nstderr %q\nwant %d, %q, %q", tc.args, code, out.String(), errOut.String(), tc.code, tc.stdout, tc.errs)
		}
	}
}
