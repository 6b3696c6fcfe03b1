package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseKnob(t *testing.T) {
	tests := []struct {
		in      string
		want    knobSpec
		wantErr string
	}{
		{"poisson.rate=1..50 Hz", knobSpec{"poisson.rate", 1, 50, "Hz"}, ""},
		{"neurons.I = 0..200*pA", knobSpec{"neurons.I", 0, 200, "pA"}, ""},
		{"E.g_c=-1.5..2e1", knobSpec{"E.g_c", -1.5, 20, ""}, ""},
		{"neurons.I=0..200 nS*mV", knobSpec{"neurons.I", 0, 200, "nS*mV"}, ""},
		{"rate=1..50 Hz", knobSpec{}, "group.parameter"},
		{"poisson.rate 1..50 Hz", knobSpec{}, "group.parameter"},
		{"poisson.rate=1-50 Hz", knobSpec{}, "no '..'"},
		{"poisson.rate=a..50 Hz", knobSpec{}, "low end"},
		{"poisson.rate=1..b Hz", knobSpec{}, "high end"},
		{"poisson.rate=5..5 Hz", knobSpec{}, "empty"},
		{"poisson.rate=50..5 Hz", knobSpec{}, "empty"},
	}
	for _, tt := range tests {
		got, err := parseKnob(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseKnob(%q) = %v, want an error with %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseKnob(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// TestRunWindowErrors checks what -window says where it cannot open, and
// for bad -trace and -knob values, before anything runs.
func TestRunWindowErrors(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-window"}, "no display"},
		{[]string{"-window", "-trace", "X:3"}, `no group "X" shown (shown: E, I)`},
		{[]string{"-window", "-trace", "E:3200"}, "E has neurons 0 … 3199"},
		{[]string{"-window", "-trace", "E3"}, "GROUP:INDEX"},
		{[]string{"-window", "-knob", "neurons.bogus=0..1 pA"}, "has no parameter bogus"},
		{[]string{"-knob", "neurons=0..1"}, "group.parameter"},
		{[]string{"-screenshot", "x.png", "-speed", "2"}, "-screenshot, -speed only work with -window"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		args := append([]string{"run", "-backend", "cpu", "-t", "1", "-out", ""}, tt.args...)
		if code := run(args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("spikevk %s: exit %d, stderr %q; want an error with %q", strings.Join(args, " "), code, errOut.String(), tt.want)
		}
	}
}
