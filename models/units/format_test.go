package units

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		value float64
		d     Dim
		want  string
	}{
		{-65, voltage, "-65 mV"},
		{0.5, voltage, "500 uV"},
		{1200, voltage, "1.2 V"},
		{0, voltage, "0 mV"},
		{10, timeDim, "10 ms"},
		{0.1, timeDim, "100 us"},
		{2500, timeDim, "2.5 s"},
		{6, conductance, "6 nS"},
		{0.5, conductance, "500 pS"},
		{200, capacitance, "200 pF"},
		{1500, current, "1.5 nA"},
		{-3, current, "-3 pA"},
		{0.1, resistance, "100 Mohm"},
		{0, resistance, "0 Gohm"},
		{0.01, frequency, "10 Hz"},
		{0.0005, frequency, "0.5 Hz"},
		{0, frequency, "0 kHz"},
		{100, length, "100 um"},
		{0, length.Pow(2, 1), "0 um^2"},
		{1e6, length.Pow(2, 1), "1 mm^2"},
		{2, conc, "2 mM"},
		{0.01, conc, "10 uM"},
		{math.NaN(), voltage, "NaN mV"},
		{math.Inf(-1), timeDim, "-Inf ms"},
		{0.25, Dimensionless, "0.25"},
		{0.01, current.Div(length.Pow(2, 1)), "0.01 A/m^2"},
		{2, voltage.Div(timeDim), "2 V/s"},
		{1, NewDim(0, 0, 2, 0, 0, 0, 0), "1e-06 s^2"},
	}
	for _, tt := range tests {
		if got := Format(tt.value, tt.d); got != tt.want {
			t.Errorf("Format(%g, %v) = %q, want %q", tt.value, tt.d, got, tt.want)
		}
	}
}

// TestDisplayUnitsInternal checks that each display unit offers the internal
// unit as a prefix, which Format uses for zero and non-finite values.
func TestDisplayUnitsInternal(t *testing.T) {
	for _, u := range displayUnits {
		found := false
		for _, e := range u.exps {
			found = found || near(u.scale*math.Pow10(e*u.power)*u.dim.InternalScale(), 1)
		}
		if !found {
			t.Errorf("display unit %s^%d has no internal prefix", u.symbol, u.power)
		}
	}
}
