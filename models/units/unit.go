package units

import (
	"fmt"
	"math"
	"sort"
)

// Unit is a physical unit: the value of one of it in SI base units, and its
// dimension. One millivolt is Unit{Scale: 1e-3, Dim: volt's Dim}.
type Unit struct {
	Scale float64 // value in SI base units (metre, kilogram, second, ampere, ...)
	Dim   Dim
}

// Mul returns the product of two units.
func (u Unit) Mul(o Unit) Unit { return Unit{u.Scale * o.Scale, u.Dim.Mul(o.Dim)} }

// Div returns the quotient of two units.
func (u Unit) Div(o Unit) Unit { return Unit{u.Scale / o.Scale, u.Dim.Div(o.Dim)} }

// Pow returns u raised to the rational power num/den. It panics if den is 0.
func (u Unit) Pow(num, den int) Unit {
	return Unit{math.Pow(u.Scale, float64(num)/float64(den)), u.Dim.Pow(num, den)}
}

// Internal returns the value of one u in spikevk's internal units (see the
// package documentation): Scale times Dim.InternalScale. One mV gives 1,
// one second 1000, one nS 1, one molar 1000.
func (u Unit) Internal() float64 { return u.Scale * u.Dim.InternalScale() }

// String prints the unit as a scale and a dimension, e.g. "0.001 V".
func (u Unit) String() string {
	return fmt.Sprintf("%g %s", u.Scale, u.Dim)
}

// internalExp10 is, for each base dimension, the power of ten by which a
// value in the SI base unit is multiplied to give the internal unit: µm,
// 1e-12 kg (ng), ms, pA, K, 1e-18 mol (amol), cd. The mass and amount units
// are the ones that make voltage come out in mV and concentration in mM.
var internalExp10 = [numBases]int64{6, 12, 3, 12, 0, 18, 0}

// InternalScale returns the factor that converts a value of dimension d from
// SI base units to spikevk's internal units: 1e3 for voltage (V → mV), 1e3
// for time (s → ms), 1e12 for current (A → pA), 1e9 for conductance, 1e12 for
// capacitance, 1e-9 for resistance (Ω → GΩ), 1e-3 for frequency (Hz → kHz),
// 1 for concentration (mol/m³ = mM). It is 10^k, k = 6·length + 12·mass +
// 3·time + 12·current + 18·amount exponents, computed with math.Pow10 when k
// is an integer.
func (d Dim) InternalScale() float64 {
	k := rat{}
	for i, e := range d.e {
		k = k.add(e.mul(rat{n: int32(internalExp10[i])}))
	}
	if k.den() == 1 {
		return math.Pow10(int(k.n))
	}
	return math.Pow(10, k.float())
}

// prefixes are the SI prefixes as Brian2 spells them, with their powers of ten.
var prefixes = []struct {
	name string
	exp  int
}{
	{"y", -24}, {"z", -21}, {"a", -18}, {"f", -15}, {"p", -12}, {"n", -9},
	{"u", -6}, {"m", -3}, {"c", -2}, {"d", -1}, {"da", 1}, {"h", 2}, {"k", 3},
	{"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}, {"Z", 21}, {"Y", 24},
}

// baseUnits are Brian2's named units (brian2/units/allunits.py): each is
// also defined with every prefix and, like Brian2, as name2 and name3 for
// its square and cube. symbol is Brian2's display symbol.
var baseUnits = []struct {
	names  []string
	symbol string
	scale  float64
	dim    Dim
}{
	{[]string{"metre", "meter"}, "m", 1, NewDim(1, 0, 0, 0, 0, 0, 0)},
	{[]string{"gram", "gramme"}, "g", 1e-3, NewDim(0, 1, 0, 0, 0, 0, 0)},
	{[]string{"second"}, "s", 1, NewDim(0, 0, 1, 0, 0, 0, 0)},
	{[]string{"amp", "ampere"}, "A", 1, NewDim(0, 0, 0, 1, 0, 0, 0)},
	{[]string{"kelvin"}, "K", 1, NewDim(0, 0, 0, 0, 1, 0, 0)},
	{[]string{"mole", "mol"}, "mol", 1, NewDim(0, 0, 0, 0, 0, 1, 0)},
	{[]string{"candle", "candela"}, "cd", 1, NewDim(0, 0, 0, 0, 0, 0, 1)},
	{[]string{"radian"}, "rad", 1, Dimensionless},
	{[]string{"steradian"}, "sr", 1, Dimensionless},
	{[]string{"hertz"}, "Hz", 1, NewDim(0, 0, -1, 0, 0, 0, 0)},
	{[]string{"newton"}, "N", 1, NewDim(1, 1, -2, 0, 0, 0, 0)},
	{[]string{"pascal"}, "Pa", 1, NewDim(-1, 1, -2, 0, 0, 0, 0)},
	{[]string{"joule"}, "J", 1, NewDim(2, 1, -2, 0, 0, 0, 0)},
	{[]string{"watt"}, "W", 1, NewDim(2, 1, -3, 0, 0, 0, 0)},
	{[]string{"coulomb"}, "C", 1, NewDim(0, 0, 1, 1, 0, 0, 0)},
	{[]string{"volt"}, "V", 1, NewDim(2, 1, -3, -1, 0, 0, 0)},
	{[]string{"farad"}, "F", 1, NewDim(-2, -1, 4, 2, 0, 0, 0)},
	{[]string{"ohm"}, "ohm", 1, NewDim(2, 1, -3, -2, 0, 0, 0)},
	{[]string{"siemens"}, "S", 1, NewDim(-2, -1, 3, 2, 0, 0, 0)},
	{[]string{"weber"}, "Wb", 1, NewDim(2, 1, -2, -1, 0, 0, 0)},
	{[]string{"tesla"}, "T", 1, NewDim(0, 1, -2, -1, 0, 0, 0)},
	{[]string{"henry"}, "H", 1, NewDim(2, 1, -2, -2, 0, 0, 0)},
	{[]string{"lumen"}, "lm", 1, NewDim(0, 0, 0, 0, 0, 0, 1)},
	{[]string{"lux"}, "lx", 1, NewDim(-2, 0, 0, 0, 0, 0, 1)},
	{[]string{"becquerel"}, "Bq", 1, NewDim(0, 0, -1, 0, 0, 0, 0)},
	{[]string{"gray"}, "Gy", 1, NewDim(2, 0, -2, 0, 0, 0, 0)},
	{[]string{"sievert"}, "Sv", 1, NewDim(2, 0, -2, 0, 0, 0, 0)},
	{[]string{"katal"}, "kat", 1, NewDim(0, 0, -1, 0, 0, 1, 0)},
	{[]string{"liter", "litre"}, "l", 1e-3, NewDim(3, 0, 0, 0, 0, 0, 0)},
	{[]string{"molar"}, "M", 1e3, NewDim(-3, 0, 0, 0, 0, 1, 0)},
}

// shortNames are Brian2's standard abbreviations (brian2/units/stdunits.py).
var shortNames = map[string]string{
	"mV": "mvolt", "mA": "mamp", "uA": "uamp", "nA": "namp", "pA": "pamp",
	"pF": "pfarad", "uF": "ufarad", "nF": "nfarad",
	"nS": "nsiemens", "uS": "usiemens", "mS": "msiemens",
	"ms": "msecond", "us": "usecond",
	"Hz": "hertz", "kHz": "khertz", "MHz": "Mhertz",
	"cm": "cmetre", "cm2": "cmetre2", "cm3": "cmetre3",
	"mm": "mmetre", "mm2": "mmetre2", "mm3": "mmetre3",
	"um": "umetre", "um2": "umetre2", "um3": "umetre3",
	"mM": "mmolar", "uM": "umolar", "nM": "nmolar",
}

// table maps every unit name Parse accepts to its Unit; names is the same
// set sorted, for suggestions; symbolForms maps Brian2's display forms that
// are not names ("V", "uV", "s", "kg") to the name to write instead.
var table, names, symbolForms = buildTable()

func buildTable() (map[string]Unit, []string, map[string]string) {
	t := map[string]Unit{}
	sym := map[string]string{}
	add := func(name string, u Unit) {
		t[name] = u
		t[name+"2"] = u.Pow(2, 1)
		t[name+"3"] = u.Pow(3, 1)
	}
	// Brian2 also prefixes kilogram ("mkilogram"); spikevk does not.
	add("kilogram", Unit{1, NewDim(0, 1, 0, 0, 0, 0, 0)})
	for _, b := range baseUnits {
		for _, n := range b.names {
			add(n, Unit{b.scale, b.dim})
			for _, p := range prefixes {
				add(p.name+n, Unit{b.scale * math.Pow10(p.exp), b.dim})
			}
		}
		sym[b.symbol] = b.names[0]
		for _, p := range prefixes {
			sym[p.name+b.symbol] = p.name + b.names[0]
		}
	}
	sym["kg"] = "kilogram"
	for short, long := range shortNames {
		t[short] = t[long]
	}
	var ns []string
	for n := range t {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	for s := range sym {
		if _, ok := t[s]; ok {
			delete(sym, s)
		}
	}
	return t, ns, sym
}

// Lookup returns the unit with the given Brian2 name ("mV", "msecond",
// "Mohm", "cm2", "molar", ...).
func Lookup(name string) (Unit, bool) {
	u, ok := table[name]
	return u, ok
}
