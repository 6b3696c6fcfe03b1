package units

import (
	"math"
	"strconv"
)

// displayUnits are the units Format chooses from: Brian2's display symbol,
// its power, its value in SI base units, and the prefixes (powers of ten)
// that read naturally for it in neuroscience, smallest first.
var displayUnits = []struct {
	symbol string
	power  int
	scale  float64
	dim    Dim
	exps   []int
}{
	{"V", 1, 1, NewDim(2, 1, -3, -1, 0, 0, 0), []int{-9, -6, -3, 0, 3}},
	{"s", 1, 1, NewDim(0, 0, 1, 0, 0, 0, 0), []int{-9, -6, -3, 0}},
	{"A", 1, 1, NewDim(0, 0, 0, 1, 0, 0, 0), []int{-15, -12, -9, -6, -3, 0}},
	{"S", 1, 1, NewDim(-2, -1, 3, 2, 0, 0, 0), []int{-12, -9, -6, -3, 0}},
	{"F", 1, 1, NewDim(-2, -1, 4, 2, 0, 0, 0), []int{-15, -12, -9, -6, -3, 0}},
	{"ohm", 1, 1, NewDim(2, 1, -3, -2, 0, 0, 0), []int{0, 3, 6, 9, 12}},
	{"Hz", 1, 1, NewDim(0, 0, -1, 0, 0, 0, 0), []int{0, 3, 6}},
	{"C", 1, 1, NewDim(0, 0, 1, 1, 0, 0, 0), []int{-18, -15, -12, -9, -6, -3, 0}},
	{"m", 1, 1, NewDim(1, 0, 0, 0, 0, 0, 0), []int{-9, -6, -3, 0}},
	{"m", 2, 1, NewDim(2, 0, 0, 0, 0, 0, 0), []int{-6, -3, 0}},
	{"m", 3, 1, NewDim(3, 0, 0, 0, 0, 0, 0), []int{-6, -3, 0}},
	{"M", 1, 1e3, NewDim(-3, 0, 0, 0, 0, 1, 0), []int{-9, -6, -3, 0}},
	{"mol", 1, 1, NewDim(0, 0, 0, 0, 0, 1, 0), []int{-18, -15, -12, -9, -6, -3, 0}},
	{"g", 1, 1e-3, NewDim(0, 1, 0, 0, 0, 0, 0), []int{-12, -9, -6, -3, 0, 3}},
	{"J", 1, 1, NewDim(2, 1, -2, 0, 0, 0, 0), []int{-18, -15, -12, -9, -6, -3, 0}},
	{"W", 1, 1, NewDim(2, 1, -3, 0, 0, 0, 0), []int{-15, -12, -9, -6, -3, 0}},
	{"K", 1, 1, NewDim(0, 0, 0, 0, 1, 0, 0), []int{0}},
}

var prefixByExp = map[int]string{
	-18: "a", -15: "f", -12: "p", -9: "n", -6: "u", -3: "m", 0: "", 3: "k",
	6: "M", 9: "G", 12: "T",
}

// Format prints value, a quantity of dimension d in spikevk's internal units,
// with a readable unit in Brian2's display style: Format(-65, voltage) is
// "-65 mV", Format(0.1, frequency) is "100 Hz", Format(6, conductance) is
// "6 nS". The prefix is the one that puts the number in [1, 1000) where the
// unit has one; zero and non-finite values use the internal unit. Dimensions
// with no display unit are printed in SI with Dim.String, e.g. "0.01 A/m^2".
func Format(value float64, d Dim) string {
	if d.IsDimensionless() {
		return strconv.FormatFloat(value, 'g', 6, 64)
	}
	si := value / d.InternalScale()
	for _, u := range displayUnits {
		if u.dim != d {
			continue
		}
		unit := func(e int) float64 { return u.scale * math.Pow10(e*u.power) }
		best := u.exps[0]
		for _, e := range u.exps {
			if math.Abs(si) >= unit(e) {
				best = e
			}
		}
		if si == 0 || math.IsNaN(si) || math.IsInf(si, 0) {
			best = internalExp(u.exps, unit, d)
		}
		name := prefixByExp[best] + u.symbol
		if u.power != 1 {
			name += "^" + strconv.Itoa(u.power)
		}
		return strconv.FormatFloat(si/unit(best), 'g', 6, 64) + " " + name
	}
	return strconv.FormatFloat(si, 'g', 6, 64) + " " + d.String()
}

// internalExp returns the prefix among exps whose unit is the internal unit
// of d, or the unprefixed unit when none is.
func internalExp(exps []int, unit func(int) float64, d Dim) int {
	for _, e := range exps {
		if math.Abs(unit(e)*d.InternalScale()-1) < 1e-9 {
			return e
		}
	}
	return 0
}
