package units

import (
	"math"
	"testing"
)

var (
	voltage     = NewDim(2, 1, -3, -1, 0, 0, 0)
	current     = BaseDim(Current)
	timeDim     = BaseDim(Time)
	conductance = NewDim(-2, -1, 3, 2, 0, 0, 0)
	capacitance = NewDim(-2, -1, 4, 2, 0, 0, 0)
	resistance  = NewDim(2, 1, -3, -2, 0, 0, 0)
	frequency   = NewDim(0, 0, -1, 0, 0, 0, 0)
	length      = BaseDim(Length)
	conc        = NewDim(-3, 0, 0, 0, 0, 1, 0)
)

func TestDimAlgebra(t *testing.T) {
	tests := []struct {
		name      string
		got, want Dim
	}{
		{"S*V=A", conductance.Mul(voltage), current},
		{"A/F=V/s", current.Div(capacitance), voltage.Div(timeDim)},
		{"V/A=ohm", voltage.Div(current), resistance},
		{"1/ohm=S", Dimensionless.Div(resistance), conductance},
		{"F/S=s", capacitance.Div(conductance), timeDim},
		{"s^-1=Hz", timeDim.Pow(-1, 1), frequency},
		{"(s^-1/2)^2=Hz", timeDim.Pow(-1, 2).Pow(2, 1), frequency},
		{"(V^2)^(1/2)=V", voltage.Pow(2, 1).Pow(1, 2), voltage},
		{"V^0=1", voltage.Pow(0, 1), Dimensionless},
		{"V/V=1", voltage.Div(voltage), Dimensionless},
		{"m^(2/4)=m^(1/2)", length.Pow(2, 4), length.Pow(-1, -2)},
		{"s^(1/3)*s^(2/3)=s", timeDim.Pow(1, 3).Mul(timeDim.Pow(2, 3)), timeDim},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if !voltage.Div(voltage).IsDimensionless() || voltage.IsDimensionless() {
		t.Error("IsDimensionless wrong")
	}
	if n, d := timeDim.Pow(-3, 6).Exponent(Time); n != -1 || d != 2 {
		t.Errorf("Exponent(Time) of s^(-3/6) = %d/%d, want -1/2", n, d)
	}
}

func TestDimString(t *testing.T) {
	tests := []struct {
		d    Dim
		want string
	}{
		{Dimensionless, "1"},
		{voltage, "V"},
		{current, "A"},
		{conductance, "S"},
		{capacitance, "F"},
		{resistance, "ohm"},
		{frequency, "Hz"},
		{timeDim, "s"},
		{length, "m"},
		{length.Pow(2, 1), "m^2"},
		{conc, "mol/m^3"},
		{current.Div(length.Pow(2, 1)), "A/m^2"},
		{conductance.Div(length.Pow(2, 1)), "S/m^2"},
		{capacitance.Div(length.Pow(2, 1)), "F/m^2"},
		{voltage.Div(timeDim), "V/s"},
		{BaseDim(Mass), "kg"},
		{voltage.Mul(current.Pow(-1, 1)).Mul(timeDim.Pow(2, 1)), "m^2 kg s^-1 A^-2"},
		{voltage.Pow(2, 1), "m^4 kg^2 s^-6 A^-2"},
		{timeDim.Pow(-1, 2), "s^-0.5"},
		{voltage.Mul(timeDim.Pow(-1, 2)), "m^2 kg s^-3.5 A^-1"},
		{length.Pow(1, 3), "m^(1/3)"},
		{NewDim(0, 0, 0, 0, 1, 0, 1), "K cd"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestBaseString(t *testing.T) {
	want := []string{"m", "kg", "s", "A", "K", "mol", "cd"}
	for b := Length; b <= Luminosity; b++ {
		if b.String() != want[b] {
			t.Errorf("Base(%d).String() = %q, want %q", b, b, want[b])
		}
	}
	if got := Base(9).String(); got != "Base(9)" {
		t.Errorf("Base(9).String() = %q", got)
	}
}

func TestPowPanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"Pow(1, 0)", func() { voltage.Pow(1, 0) }},
		{"overflow", func() { voltage.Pow(math.MaxInt32, 1) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tt.name)
				}
			}()
			tt.f()
		}()
	}
}

func TestUnitString(t *testing.T) {
	u, _ := Lookup("mV")
	if got := u.Mul(u).Div(u).String(); got != "0.001 V" {
		t.Errorf("String() = %q, want %q", got, "0.001 V")
	}
}

// TestInternal checks one unit of each kind against the internal unit
// system of the package documentation.
func TestInternal(t *testing.T) {
	tests := []struct {
		name string
		want float64
	}{
		{"volt", 1e3}, {"mV", 1}, {"second", 1e3}, {"ms", 1}, {"amp", 1e12},
		{"pA", 1}, {"nA", 1e3}, {"siemens", 1e9}, {"nS", 1}, {"farad", 1e12},
		{"pF", 1}, {"ohm", 1e-9}, {"Mohm", 1e-3}, {"Gohm", 1}, {"hertz", 1e-3},
		{"kHz", 1}, {"metre", 1e6}, {"um", 1}, {"um2", 1}, {"cm2", 1e8},
		{"molar", 1e3}, {"mM", 1}, {"coulomb", 1e15}, {"kilogram", 1e12},
		{"mole", 1e18}, {"joule", 1e18}, {"watt", 1e15}, {"kelvin", 1},
		{"radian", 1}, {"liter", 1e15}, {"henry", 1e-6},
	}
	for _, tt := range tests {
		u, ok := Lookup(tt.name)
		if !ok {
			t.Errorf("Lookup(%q) failed", tt.name)
			continue
		}
		if got := u.Internal(); !near(got, tt.want) {
			t.Errorf("1 %s = %g internal, want %g", tt.name, got, tt.want)
		}
	}
}

// TestInternalConsistent checks that internal values multiply like SI ones:
// nS·mV = pA, pA/pF = mV/ms, mV/pA = GΩ.
func TestInternalConsistent(t *testing.T) {
	for _, expr := range []string{"nS*mV/pA", "(pA/pF)/(mV/ms)", "mV/pA/Gohm", "pF/nS/ms", "1/ms/kHz", "pA*ms/(fcoulomb)"} {
		u, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if !u.Dim.IsDimensionless() || !near(u.Internal(), 1) {
			t.Errorf("%s = %v, internal %g; want dimensionless 1", expr, u, u.Internal())
		}
	}
	if got := timeDim.Pow(-1, 2).InternalScale(); !near(got, math.Pow(10, -1.5)) {
		t.Errorf("InternalScale(s^-0.5) = %g", got)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Abs(b) }
