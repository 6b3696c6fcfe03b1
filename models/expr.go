package models

import (
	"fmt"
	"slices"
	"sort"

	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// ExprSpec is an expression that a network evaluates once per element: an
// initial value such as "E_L + rand()*(V_th - E_L)", a weight such as
// "clip(6*nS + 1*nS*randn(), 0*nS, 20*nS)" or a delay.
type ExprSpec struct {
	Text string
	At   syntax.Pos // where Text starts, for error positions
	// Names maps the names the expression may use (per-element values such
	// as parameters, i and j) to their dimensions.
	Names map[string]units.Dim
	Want  units.Dim // the dimension the value must have
	What  string    // what the value is, for messages, e.g. "initial value of v"
}

// OutputValue is the output of a program built by CompileExpr.
const OutputValue = "value"

// CompileExpr builds a program with one output, OutputValue, whose inputs
// are the names of spec.Names the expression uses, sorted. Random draws (rand(),
// randn()) are allowed; the caller chooses their stream.
func CompileExpr(spec ExprSpec) (*ir.Program, error) {
	e, err := syntax.ParseExprAt(spec.Text, spec.At)
	if err != nil {
		return nil, err
	}
	b := ir.NewBuilder()
	s := newScope(b)
	var names []string // the names used, as inputs in a fixed order
	for _, name := range syntax.Identifiers(e) {
		if _, ok := spec.Names[name]; ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range slices.Compact(names) {
		s.syms[name] = &symbol{dim: spec.Names[name], reg: b.Input(name)}
	}
	v, err := s.lower(e)
	if err != nil {
		return nil, err
	}
	if v.bool || !v.dim.Equal(spec.Want) {
		return nil, errorf(spec.At, "the %s must be in %s, but %q is %s", spec.What, spec.Want, spec.Text, kindOf(v.bool, v.dim))
	}
	b.Output(OutputValue, v.reg)
	return b.Program(), nil
}

// ExprDim returns the dimension of an expression of constants and units,
// such as "0.1*nS".
func ExprDim(text string) (units.Dim, error) {
	e, err := syntax.ParseExpr(text)
	if err != nil {
		return units.Dim{}, err
	}
	v, err := newScope(ir.NewBuilder()).lower(e)
	if err != nil {
		return units.Dim{}, err
	}
	if v.bool {
		return units.Dim{}, fmt.Errorf("%q is a condition, not a value", text)
	}
	return v.dim, nil
}
