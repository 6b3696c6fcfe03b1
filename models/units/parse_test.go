package units

import (
	"errors"
	"math"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	area := length.Pow(2, 1)
	tests := []struct {
		in    string
		scale float64
		dim   Dim
	}{
		{"second", 1, timeDim},
		{"ms", 1e-3, timeDim},
		{"msecond", 1e-3, timeDim},
		{"us", 1e-6, timeDim},
		{"volt", 1, voltage},
		{"mV", 1e-3, voltage},
		{"mvolt", 1e-3, voltage},
		{"uvolt", 1e-6, voltage},
		{"amp", 1, current},
		{"ampere", 1, current},
		{"nA", 1e-9, current},
		{"pA", 1e-12, current},
		{"uA", 1e-6, current},
		{"pamp", 1e-12, current},
		{"siemens", 1, conductance},
		{"nS", 1e-9, conductance},
		{"uS", 1e-6, conductance},
		{"mS", 1e-3, conductance},
		{"nsiemens", 1e-9, conductance},
		{"farad", 1, capacitance},
		{"pF", 1e-12, capacitance},
		{"uF", 1e-6, capacitance},
		{"nF", 1e-9, capacitance},
		{"pfarad", 1e-12, capacitance},
		{"ohm", 1, resistance},
		{"kohm", 1e3, resistance},
		{"Mohm", 1e6, resistance},
		{"Gohm", 1e9, resistance},
		{"Hz", 1, frequency},
		{"hertz", 1, frequency},
		{"kHz", 1e3, frequency},
		{"MHz", 1e6, frequency},
		{"metre", 1, length},
		{"meter", 1, length},
		{"um", 1e-6, length},
		{"umetre", 1e-6, length},
		{"cm", 1e-2, length},
		{"mm", 1e-3, length},
		{"dametre", 10, length},
		{"cm2", 1e-4, area},
		{"um3", 1e-18, length.Pow(3, 1)},
		{"metre2", 1, area},
		{"molar", 1e3, conc},
		{"mM", 1, conc},
		{"uM", 1e-3, conc},
		{"nM", 1e-6, conc},
		{"mmolar", 1, conc},
		{"mole", 1, BaseDim(Amount)},
		{"mol", 1, BaseDim(Amount)},
		{"liter", 1e-3, length.Pow(3, 1)},
		{"litre", 1e-3, length.Pow(3, 1)},
		{"kilogram", 1, BaseDim(Mass)},
		{"kgram", 1, BaseDim(Mass)},
		{"gram", 1e-3, BaseDim(Mass)},
		{"kelvin", 1, BaseDim(Temperature)},
		{"candle", 1, BaseDim(Luminosity)},
		{"coulomb", 1, NewDim(0, 0, 1, 1, 0, 0, 0)},
		{"joule", 1, NewDim(2, 1, -2, 0, 0, 0, 0)},
		{"watt", 1, NewDim(2, 1, -3, 0, 0, 0, 0)},
		{"newton", 1, NewDim(1, 1, -2, 0, 0, 0, 0)},
		{"pascal", 1, NewDim(-1, 1, -2, 0, 0, 0, 0)},
		{"tesla", 1, NewDim(0, 1, -2, -1, 0, 0, 0)},
		{"weber", 1, NewDim(2, 1, -2, -1, 0, 0, 0)},
		{"henry", 1, NewDim(2, 1, -2, -2, 0, 0, 0)},
		{"1", 1, Dimensionless},
		{"radian", 1, Dimensionless},
		{"1/ms", 1e3, frequency},
		{"1/second", 1, frequency},
		{"ms**-1", 1e3, frequency},
		{"ms ** (-1)", 1e3, frequency},
		{"second**-.5", 1, timeDim.Pow(-1, 2)},
		{"second**(-1/2)", 1, timeDim.Pow(-1, 2)},
		{"mV**2", 1e-6, voltage.Pow(2, 1)},
		{"(mV/ms)**0.5", 1, voltage.Div(timeDim).Pow(1, 2)},
		{"uA/cm**2", 1e-2, current.Div(area)},
		{"mS/cm**2", 10, conductance.Div(area)},
		{"uF/cm**2", 1e-2, capacitance.Div(area)},
		{"siemens/meter**2", 1, conductance.Div(area)},
		{"metre**2", 1, area},
		{"nS*mV", 1e-12, current},
		{"(nS*mV)/pF", 1, voltage.Div(timeDim)},
		{"nS * mV / pF", 1, voltage.Div(timeDim)},
		{"mV/ms", 1, voltage.Div(timeDim)},
		{"amp/metre**2", 1, current.Div(area)},
		{"\tmV ", 1e-3, voltage},
		{"((mV))", 1e-3, voltage},
		{"metre**0", 1, Dimensionless},
		{"kHz**+1", 1e3, frequency},
		{"cmetre**(3/1)", 1e-6, length.Pow(3, 1)},
		{"ms**2e0", 1e-6, timeDim.Pow(2, 1)},
		{"1.0/ms", 1e3, frequency},
		{"metre**0.333", 1, length.Pow(333, 1000)},
		{"second**-1.5", 1, timeDim.Pow(-3, 2)},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !near(u.Scale, tt.scale) || u.Dim != tt.dim {
			t.Errorf("Parse(%q) = %g %v, want %g %v", tt.in, u.Scale, u.Dim, tt.scale, tt.dim)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `unit "" at column 1: empty unit expression`},
		{"   ", `unit "   " at column 4: empty unit expression`},
		{"mVolts", `unit "mVolts" at column 1: unknown unit "mVolts"; did you mean "mvolt"?`},
		{"uA/cmm**2", `unit "uA/cmm**2" at column 4: unknown unit "cmm"; did you mean "cm"?`},
		{"uV", `unit "uV" at column 1: unknown unit "uV"; did you mean "uvolt"?`},
		{"V", `unit "V" at column 1: unknown unit "V"; did you mean "volt"?`},
		{"s", `unit "s" at column 1: unknown unit "s"; did you mean "second"?`},
		{"kg", `unit "kg" at column 1: unknown unit "kg"; did you mean "kilogram"?`},
		{"Volt", `unit "Volt" at column 1: unknown unit "Volt"; did you mean "volt"?`},
		{"msec", `unit "msec" at column 1: unknown unit "msec"; did you mean "ms"?`},
		{"xyzzy", `unit "xyzzy" at column 1: unknown unit "xyzzy"`},
		{"2*mV", `unit "2*mV" at column 1: number "2" is not a unit; only 1 may stand for a unit`},
		{"mV*", `unit "mV*" at column 4: expected a unit name, 1 or "(" but found end of input`},
		{"mV mV", `unit "mV mV" at column 4: unexpected "mV"; expected "*", "/" or end of input`},
		{"(mV", `unit "(mV" at column 4: expected ")" to close the "(" at column 1 but found end of input`},
		{"mV)", `unit "mV)" at column 3: unexpected ")"; expected "*", "/" or end of input`},
		{"mV^2", `unit "mV^2" at column 3: unexpected "^"; expected "*", "/" or end of input`},
		{"µm", `unit "µm" at column 1: unexpected character "µ"`},
		{"mV/µm", `unit "mV/µm" at column 4: unexpected character "µ"`},
		{"ms**", `unit "ms**" at column 5: expected a number in the exponent but found end of input`},
		{"ms**x", `unit "ms**x" at column 5: expected a number in the exponent but found "x"`},
		{"ms**2**2", `unit "ms**2**2" at column 6: unexpected "**"; expected "*", "/" or end of input`},
		{"ms**(1/0)", `unit "ms**(1/0)" at column 5: exponent divides by zero`},
		{"ms**(1", `unit "ms**(1" at column 7: expected ")" to close the exponent at column 5 but found end of input`},
		{"ms**0.1234", `unit "ms**0.1234" at column 5: exponent "0.1234" is not a fraction with a denominator of at most 1000`},
		{"ms**1e-10", `unit "ms**1e-10" at column 5: exponent "1e-10" is not a fraction with a denominator of at most 1000`},
		{"metre**(999.999/0.001001001001001)", `unit "metre**(999.999/0.001001001001001)" at column 8: exponent 998999001/1000 out of range (denominator at most 1000)`},
		{"metre**(1/999.999)", `unit "metre**(1/999.999)" at column 8: exponent 1000/999999 out of range (denominator at most 1000)`},
		{"ms**1e9", `unit "ms**1e9" at column 5: exponent "1e9" is not a number of at most 1000`},
		{"(kelvin**999)**999", `unit "(kelvin**999)**999" at column 14: dimension exponent 998001 out of range (at most 1000, denominator at most 1000)`},
		{"metre**60", `unit "metre**60" at column 6: unit scale 1 (+Inf in internal units) out of range`},
		{"Ymetre**200", `unit "Ymetre**200" at column 7: unit scale +Inf out of range`},
		{"ymetre**200", `unit "ymetre**200" at column 7: unit scale 0 out of range`},
		{"mV*.", `unit "mV*." at column 4: number "." is not a unit; only 1 may stand for a unit`},
		{"mV/-ms", `unit "mV/-ms" at column 4: expected a unit name, 1 or "(" but found "-"`},
		{"ms**2e", `unit "ms**2e" at column 6: unexpected "e"; expected "*", "/" or end of input`},
		{"mkilogram", `unit "mkilogram" at column 1: unknown unit "mkilogram"; did you mean "kilogram"?`},
		{"celsius", `unit "celsius" at column 1: unknown unit "celsius"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error %s", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.in, err, tt.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error is %T, want *ParseError", tt.in, err)
		}
	}
}

func TestParseNesting(t *testing.T) {
	deep := ""
	for range maxNesting + 1 {
		deep += "("
	}
	if _, err := Parse(deep + "mV"); err == nil {
		t.Error("Parse accepted nesting deeper than maxNesting")
	}
}

// TestLookupAllNames checks that every table entry parses to itself and
// that the table holds the abbreviations Brian2 defines.
func TestLookupAllNames(t *testing.T) {
	for _, n := range names {
		u, err := Parse(n)
		if err != nil {
			t.Fatalf("Parse(%q): %v", n, err)
		}
		if v, _ := Lookup(n); u != v {
			t.Errorf("Parse(%q) = %v, Lookup gives %v", n, u, v)
		}
	}
	for short := range shortNames {
		if _, ok := Lookup(short); !ok {
			t.Errorf("Lookup(%q) failed", short)
		}
	}
	if _, ok := Lookup("uV"); ok {
		t.Error(`Lookup("uV") succeeded; Brian2 has no such name`)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"mV", "uA/cm**2", "(nS*mV)/pF", "ms**-1", "second**(-1/2)", "1", "((m))**0.5", "µm", "mVolts", "Ymetre**20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Column < 1 {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		if !(u.Scale > 0) || math.IsInf(u.Scale, 0) {
			t.Fatalf("Parse(%q) scale %g", s, u.Scale)
		}
		if in := u.Internal(); !(in > 0) || math.IsInf(in, 0) {
			t.Fatalf("Parse(%q) internal value %g", s, in)
		}
		_ = u.Dim.String()
	})
}
