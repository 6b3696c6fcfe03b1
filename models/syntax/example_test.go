package syntax_test

import (
	"fmt"

	"github.com/spikevk/spikevk/models/syntax"
)

func ExampleParseEquations() {
	eqs, err := syntax.ParseEquations(`
dv/dt = (gL*(EL - v) + ge*(Ee - v))/C : volt (unless refractory)
dge/dt = -ge/tau_e : siemens
C : farad  # membrane capacitance
`, "coba.eqs")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, eq := range eqs.Eqs {
		fmt.Printf("%s %s, unit %q, reads %v\n", eq.Kind, eq.Var, eq.Unit, syntax.Identifiers(eq.Expr))
	}

	_, err = syntax.ParseEquations("dv/dt = -v/tau\n", "lif.eqs")
	fmt.Println(err)
	// Output:
	// differential v, unit "volt", reads [gL EL v ge Ee C]
	// differential ge, unit "siemens", reads [ge tau_e]
	// parameter C, unit "farad", reads []
	// lif.eqs:1:15: missing unit for "v": write "dv/dt = ... : volt" (or ": 1" if it has no unit)
}

func ExampleParseExpr() {
	e, err := syntax.ParseExpr("-x**2 + (a*b)*c")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	// Output:
	// -x**2 + a*b*c
}

func ExampleParseStatements() {
	stmts, err := syntax.ParseStatements("ge += w\nw = clip(w + Apost, 0, gmax)")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range stmts {
		fmt.Println(s.Var, s.Op, s.Expr)
	}
	// Output:
	// ge += w
	// w = clip(w + Apost, 0, gmax)
}
