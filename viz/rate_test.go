package viz

import (
	"math"
	"strings"
	"testing"
)

func TestSpikeRate(t *testing.T) {
	s := Spikes{Name: "P", N: 10, I: []int32{0, 1, 2, 3, 4}, T: []float64{0, 0.5, 4.99, 5, 12}}
	for _, tc := range []struct {
		t0, t1, bin float64
		want        []float64 // Hz
	}{
		// 10 neurons, 5 ms bins: one spike is 20 Hz; the last bin, 2.5 ms long, 40 Hz.
		{0, 12, 5, []float64{60, 20, 0}},
		{0, 12.5, 5, []float64{60, 20, 40}},
		{0, 10, 10, []float64{40}},
		{5, 15, 5, []float64{20, 20}},
	} {
		r, err := SpikeRate(s, tc.t0, tc.t1, tc.bin)
		if err != nil {
			t.Fatal(err)
		}
		if !near(r.Hz, tc.want) || r.T0 != tc.t0 || r.Bin != tc.bin {
			t.Errorf("%g…%g ms in %g ms bins: %+v, want %v", tc.t0, tc.t1, tc.bin, r, tc.want)
		}
	}
	for _, bad := range []Spikes{{Name: "none", N: 0}, {Name: "P", N: 1}} {
		if _, err := SpikeRate(bad, 0, 0, 1); err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("%+v: error %v", bad, err)
		}
	}
}

func TestRebinSmooth(t *testing.T) {
	r := Rate{Name: "P", T0: 2, Bin: 0.1, Hz: []float64{10, 20, 30, 40, 50, 60, 70}}
	if got := r.Rebin(0.3); math.Abs(got.Bin-0.3) > 1e-12 || !near(got.Hz, []float64{20, 50, 70}) || got.T0 != 2 {
		t.Errorf("rebinned to 0.3 ms: %+v", got)
	}
	if got := r.Rebin(0.05); !near(got.Hz, r.Hz) {
		t.Errorf("rebinned to shorter bins: %+v", got)
	}
	flat := Rate{Bin: 1, Hz: []float64{5, 5, 5, 5, 5, 5, 5, 5}}
	if got := flat.Smooth(2); !near(got.Hz, flat.Hz) {
		t.Errorf("a constant rate smoothed: %v", got.Hz)
	}
	// A single spike spreads as a Gaussian and keeps its area (far from the ends).
	pulse := Rate{Bin: 1, Hz: make([]float64, 41)}
	pulse.Hz[20] = 1
	got := pulse.Smooth(3)
	sum := 0.0
	for _, x := range got.Hz {
		sum += x
	}
	if math.Abs(sum-1) > 1e-12 || got.Hz[20] <= got.Hz[21] || math.Abs(got.Hz[17]/got.Hz[20]-math.Exp(-0.5)) > 1e-12 {
		t.Errorf("a pulse smoothed with σ = 3 bins: sum %g, %v", sum, got.Hz[14:27])
	}
}

func TestDisplayUnit(t *testing.T) {
	for _, tc := range []struct {
		si      string
		largest float64
		scale   float64
		unit    string
	}{
		{"V", 0.07, 1e3, "mV"},
		{"S", 1e-8, 1e9, "nS"},
		{"A", 3e-10, 1e12, "pA"},
		{"A", 2e-9, 1e9, "nA"},
		{"F", 2e-10, 1e12, "pF"},
		{"1", 1, 1, ""},
		{"m^2 kg", 1, 1, "m^2 kg"},
	} {
		if scale, unit := displayUnit(tc.si, tc.largest); scale != tc.scale || unit != tc.unit {
			t.Errorf("%s (up to %g): ×%g %q, want ×%g %q", tc.si, tc.largest, scale, unit, tc.scale, tc.unit)
		}
	}
}

func TestFigureErrors(t *testing.T) {
	if err := Single(newPlot("", "", "")).Save(t.TempDir() + "/x.gif"); err == nil || !strings.Contains(err.Error(), "x.gif") {
		t.Errorf("save as gif: %v", err)
	}
	if _, err := RasterPlot([]Spikes{{Name: "E", N: 5, I: []int32{5}, T: []float64{1}}}, 0, 10); err == nil || !strings.Contains(err.Error(), `"E"`) {
		t.Errorf("a spike of neuron 5 of 5: %v", err)
	}
	if _, err := RasterPlot(nil, 10, 10); err == nil {
		t.Error("an empty time span: no error")
	}
	if _, err := WeightPlot("exc", nil, "S"); err == nil || !strings.Contains(err.Error(), "exc") {
		t.Errorf("no weights: %v", err)
	}
}

func near(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if math.Abs(a[k]-b[k]) > 1e-9*math.Max(1, math.Abs(b[k])) {
			return false
		}
	}
	return true
}
