package units

import (
	"fmt"
	"strconv"
	"strings"
)

// rat is a rational dimension exponent in lowest terms.
type rat struct {
	n  int32 // numerator
	d1 int32 // denominator minus one, so that the zero value is 0/1
}

// mkRat returns n/d in lowest terms. It panics if d is zero or the reduced
// fraction does not fit in int32: both are programmer errors (Parse bounds
// its exponents long before that).
func mkRat(n, d int64) rat {
	if d == 0 {
		panic("units: zero denominator in exponent")
	}
	if d < 0 {
		n, d = -n, -d
	}
	g := gcd(abs64(n), d)
	n, d = n/g, d/g
	if n != int64(int32(n)) || d != int64(int32(d)) {
		panic(fmt.Sprintf("units: dimension exponent %d/%d overflows", n, d))
	}
	return rat{n: int32(n), d1: int32(d - 1)}
}

// gcd returns the greatest common divisor of a ≥ 0 and b > 0.
func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func (r rat) num() int64 { return int64(r.n) }
func (r rat) den() int64 { return int64(r.d1) + 1 }

func (r rat) add(s rat) rat {
	return mkRat(r.num()*s.den()+s.num()*r.den(), r.den()*s.den())
}

func (r rat) mul(s rat) rat { return mkRat(r.num()*s.num(), r.den()*s.den()) }

func (r rat) float() float64 { return float64(r.n) / float64(r.den()) }

// String prints integers plainly, halves as decimals (as Brian2 does,
// "s^-0.5") and other fractions as "(n/d)".
func (r rat) String() string {
	switch r.den() {
	case 1:
		return strconv.Itoa(int(r.n))
	case 2:
		return strconv.FormatFloat(r.float(), 'f', 1, 64)
	}
	return fmt.Sprintf("(%d/%d)", r.n, r.den())
}

// Base is one of the seven SI base dimensions.
type Base int

// The SI base dimensions, in the order Brian2 prints them.
const (
	Length      Base = iota // metre, m
	Mass                    // kilogram, kg
	Time                    // second, s
	Current                 // ampere, A
	Temperature             // kelvin, K
	Amount                  // mole, mol
	Luminosity              // candela, cd
	numBases
)

var baseSymbols = [numBases]string{"m", "kg", "s", "A", "K", "mol", "cd"}

// String returns the SI symbol of the base unit ("m", "kg", "s", ...).
func (b Base) String() string {
	if b < 0 || b >= numBases {
		return "Base(" + strconv.Itoa(int(b)) + ")"
	}
	return baseSymbols[b]
}

// Dim is a physical dimension: a rational exponent for each SI base
// dimension. The zero value is dimensionless. Dims are comparable with ==
// and can be map keys.
type Dim struct {
	e [numBases]rat
}

// Dimensionless is the dimension of pure numbers (and of radian).
var Dimensionless Dim

// NewDim returns the dimension m^m kg^kg s^s A^a K^k mol^mol cd^cd with
// integer exponents.
func NewDim(m, kg, s, a, k, mol, cd int) Dim {
	var d Dim
	for i, x := range [numBases]int{m, kg, s, a, k, mol, cd} {
		d.e[i] = mkRat(int64(x), 1)
	}
	return d
}

// BaseDim returns the dimension of base b to the first power.
func BaseDim(b Base) Dim {
	var d Dim
	d.e[b] = rat{n: 1}
	return d
}

// Exponent returns the exponent of base b as a fraction num/den in lowest
// terms with den > 0.
func (d Dim) Exponent(b Base) (num, den int) {
	return int(d.e[b].num()), int(d.e[b].den())
}

// Mul returns the dimension of a product.
func (d Dim) Mul(o Dim) Dim {
	for i := range d.e {
		d.e[i] = d.e[i].add(o.e[i])
	}
	return d
}

// Div returns the dimension of a quotient.
func (d Dim) Div(o Dim) Dim {
	for i := range d.e {
		d.e[i] = d.e[i].add(mkRat(-o.e[i].num(), o.e[i].den()))
	}
	return d
}

// Pow returns d raised to the rational power num/den. It panics if den is 0.
func (d Dim) Pow(num, den int) Dim {
	p := mkRat(int64(num), int64(den))
	for i := range d.e {
		d.e[i] = d.e[i].mul(p)
	}
	return d
}

// Equal reports whether d and o are the same dimension.
func (d Dim) Equal(o Dim) bool { return d == o }

// IsDimensionless reports whether all exponents are zero.
func (d Dim) IsDimensionless() bool { return d == Dimensionless }

// namedDims are the dimensions String prints by name, with Brian2's symbols.
var namedDims = []struct {
	dim  Dim
	name string
}{
	{NewDim(2, 1, -3, -1, 0, 0, 0), "V"},
	{NewDim(0, 0, 0, 1, 0, 0, 0), "A"},
	{NewDim(-2, -1, 3, 2, 0, 0, 0), "S"},
	{NewDim(-2, -1, 4, 2, 0, 0, 0), "F"},
	{NewDim(2, 1, -3, -2, 0, 0, 0), "ohm"},
	{NewDim(0, 0, -1, 0, 0, 0, 0), "Hz"},
	{NewDim(0, 0, 1, 1, 0, 0, 0), "C"},
	{NewDim(2, 1, -2, 0, 0, 0, 0), "J"},
	{NewDim(2, 1, -3, 0, 0, 0, 0), "W"},
	{NewDim(1, 1, -2, 0, 0, 0, 0), "N"},
	{NewDim(-1, 1, -2, 0, 0, 0, 0), "Pa"},
	{NewDim(2, 1, -2, -1, 0, 0, 0), "Wb"},
	{NewDim(0, 1, -2, -1, 0, 0, 0), "T"},
	{NewDim(2, 1, -2, -2, 0, 0, 0), "H"},
	{NewDim(0, 0, -1, 0, 0, 1, 0), "kat"},
	{NewDim(2, 1, -4, -1, 0, 0, 0), "V/s"},
	{NewDim(-2, 0, 0, 1, 0, 0, 0), "A/m^2"},
	{NewDim(-4, -1, 3, 2, 0, 0, 0), "S/m^2"},
	{NewDim(-4, -1, 4, 2, 0, 0, 0), "F/m^2"},
	{NewDim(3, 1, -3, -2, 0, 0, 0), "ohm m"},
	{NewDim(-3, 0, 0, 0, 0, 1, 0), "mol/m^3"},
}

// String prints the dimension the way Brian2 does: "1" when dimensionless, a
// derived unit's symbol when it has one ("V", "S", "F", "ohm", "Hz", "C",
// "A/m^2", "mol/m^3", ...), and otherwise the base units with their
// exponents, as in "m^2 kg s^-3 A^-1". Every error message in spikevk that
// names a dimension uses this form.
func (d Dim) String() string {
	if d.IsDimensionless() {
		return "1"
	}
	for _, n := range namedDims {
		if n.dim == d {
			return n.name
		}
	}
	var parts []string
	for b, e := range d.e {
		switch {
		case e.n == 0:
		case e == rat{n: 1}:
			parts = append(parts, baseSymbols[b])
		default:
			parts = append(parts, baseSymbols[b]+"^"+e.String())
		}
	}
	return strings.Join(parts, " ")
}
