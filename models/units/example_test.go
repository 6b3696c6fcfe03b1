package units_test

import (
	"fmt"

	"github.com/spikevk/spikevk/models/units"
)

func Example() {
	gL, _ := units.Parse("mS/cm**2")
	fmt.Println(gL.Dim, gL.Internal()) // nS/µm² internally

	tau, _ := units.Parse("ms")
	cm, _ := units.Parse("uF/cm**2")
	fmt.Println(cm.Dim.Div(gL.Dim) == tau.Dim)

	v, _ := units.Lookup("mvolt")
	fmt.Println(units.Format(-65*v.Internal(), v.Dim))

	_, err := units.Parse("uA/cmm**2")
	fmt.Println(err)
	// Output:
	// S/m^2 0.01
	// true
	// -65 mV
	// unit "uA/cmm**2" at column 4: unknown unit "cmm"; did you mean "cm"?
}
