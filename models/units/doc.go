// Package units provides physical dimensions, Brian2's unit names, and the
// conversion of quantities to spikevk's internal unit system.
//
// A Dim holds a rational exponent for each SI base dimension (m, kg, s, A,
// K, mol, cd); rational so that the white-noise symbol xi, of dimension
// s^-0.5, and square roots can be checked. A Unit is a scale relative to SI
// plus a Dim. Parse reads a unit expression as written after the colon of a
// Brian2 equation ("mV", "uA/cm**2", "siemens/meter**2", "1/second",
// "ms**-1", "(nS*mV)/pF", "1"), and Lookup finds one unit name.
//
// # Names
//
// The names are Brian2's (brian2/units/allunits.py and stdunits.py): the SI
// units metre/meter, gram/gramme, kilogram, second, amp/ampere, kelvin,
// mole/mol, candle, radian, steradian, hertz, newton, pascal, joule, watt,
// coulomb, volt, farad, ohm, siemens, weber, tesla, henry, lumen, lux,
// becquerel, gray, sievert, katal, liter/litre and molar, each also with the
// prefixes y z a f p n u m c d da h k M G T P E Z Y ("mvolt", "usecond",
// "Mohm", "nsiemens", "pfarad", "umetre", "mmolar") and with suffix 2 or 3
// for its square or cube ("metre2", "cmetre3"); plus Brian2's abbreviations
// mV mA uA nA pA pF uF nF nS uS mS ms us Hz kHz MHz cm cm2 cm3 mm mm2 mm3
// um um2 um3 mM uM nM. As in Brian2, display symbols that are not names
// ("V", "s", "uV", "kg") are rejected, with the name to use suggested.
// spikevk adds "candela" and leaves out Brian2's prefixed kilograms
// ("mkilogram") and its deprecated celsius.
//
// # Internal units
//
// Inside spikevk every value is a float32 in a unit system chosen so that
// neural magnitudes are near 1. It is fixed by the base units below; every
// other unit follows, so no conversion factor is ever needed between
// internal quantities (nS·mV = pA, pA/pF = mV/ms, mV/GΩ = pA).
//
//	base          internal unit   1 SI unit is
//	length        µm              1e6
//	mass          1e-12 kg (ng)   1e12
//	time          ms              1e3
//	current       pA              1e12
//	temperature   K               1
//	amount        1e-18 mol       1e18
//	luminosity    cd              1
//
// The mass and amount units look odd but are what make voltage come out in
// mV (kg m² s⁻³ A⁻¹: 1e12·1e12·1e-9·1e-12 = 1e3) and concentration in mM
// (mol m⁻³: 1e18·1e-18 = 1). The common derived dimensions:
//
//	dimension           internal unit       1 SI unit is
//	voltage             mV                  1e3
//	time                ms                  1e3
//	frequency, rate     kHz = 1/ms          1e-3
//	current             pA                  1e12
//	conductance         nS = pA/mV          1e9
//	capacitance         pF = pA·ms/mV       1e12
//	resistance          GΩ = mV/pA          1e-9
//	charge              fC = pA·ms          1e15
//	length              µm                  1e6
//	area                µm²                 1e12
//	volume              µm³ = fl            1e18
//	current density     pA/µm² = A/m²       1
//	conductance density nS/µm² = 1e3 S/m²   1e-3
//	capacitance density pF/µm² = 1 F/m²     1
//	concentration       mM = mol/m³         1
//	energy              aJ = pA·mV·ms       1e18
//	power               fW = pA·mV          1e15
//
// Dim.InternalScale gives the factor for any dimension and Unit.Internal the
// value of one unit: one molar is 1000 (mM), one Mohm 1e-3 (GΩ), one
// uF/cm**2 0.01 (pF/µm²). Format prints an internal value back with a
// readable unit, Brian2's way ("-65 mV", "100 Hz", "6 nS").
package units
