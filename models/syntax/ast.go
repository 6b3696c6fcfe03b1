// Package syntax parses the model language: Brian2-style equations, expressions
// and statements, written as text with units and flags.
//
// It turns text into a small syntax tree and reports errors with file, line and
// column. It does not interpret units: the text after the colon of an equation
// is kept raw, with its position, for the units package. Nor does it resolve
// names: units inside expressions (-65*mV) and function names are plain
// identifiers and calls, resolved by a later stage.
package syntax

import "fmt"

// Pos is a position in a source text. Line and Col are 1-based; Col counts
// bytes. The zero Pos means "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

// String returns "file:line:col", or "line:col" when File is empty, and
// "file:line" for a line without a column (Col 0).
func (p Pos) String() string {
	s := fmt.Sprintf("%d:%d", p.Line, p.Col)
	if p.Col == 0 && p.Line > 0 { // a line without a column, as the YAML parser gives
		s = fmt.Sprint(p.Line)
	}
	if p.File == "" {
		return s
	}
	return p.File + ":" + s
}

// Expr is an expression node: *Number, *Ident, *Bool, *Unary, *Binary or *Call.
// Its String method prints it in canonical form (see Print).
type Expr interface {
	// Position returns where the node starts (for Unary and Binary, the operator).
	Position() Pos
	String() string
	exprNode()
}

// Number is a numeric literal such as 3, 0.5, .5 or 1e-3.
type Number struct {
	Value float64
	Text  string // the literal as written; an integer literal has no '.', 'e' or 'E'
	Pos   Pos
}

// Ident is a name: a variable (v, v_pre, xi_1, t, dt, i, N), a parameter or a
// unit (mV, ms), told apart by a later stage.
type Ident struct {
	Name string
	Pos  Pos
}

// Bool is the literal True or False.
type Bool struct {
	Value bool
	Pos   Pos
}

// Unary is a unary operation; Op is "-", "+" or "not".
type Unary struct {
	Op  string
	X   Expr
	Pos Pos // position of the operator
}

// Binary is a binary operation. Op is one of
// + - * / // % ** < <= > >= == != and or.
type Binary struct {
	Op   string
	X, Y Expr
	Pos  Pos // position of the operator
}

// Call is a function call f(a, b). The function name is not checked here.
type Call struct {
	Func string
	Args []Expr
	Pos  Pos // position of the function name
}

// Position returns where the literal starts.
func (n *Number) Position() Pos { return n.Pos }

// Position returns where the name starts.
func (n *Ident) Position() Pos { return n.Pos }

// Position returns where the literal starts.
func (n *Bool) Position() Pos { return n.Pos }

// Position returns the position of the operator.
func (n *Unary) Position() Pos { return n.Pos }

// Position returns the position of the operator.
func (n *Binary) Position() Pos { return n.Pos }

// Position returns the position of the function name.
func (n *Call) Position() Pos { return n.Pos }

func (*Number) exprNode() {}
func (*Ident) exprNode()  {}
func (*Bool) exprNode()   {}
func (*Unary) exprNode()  {}
func (*Binary) exprNode() {}
func (*Call) exprNode()   {}

// Walk calls fn for e and then, in source order, for each of its sub-expressions,
// depth first. It does nothing when e is nil.
func Walk(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch n := e.(type) {
	case *Unary:
		Walk(n.X, fn)
	case *Binary:
		Walk(n.X, fn)
		Walk(n.Y, fn)
	case *Call:
		for _, a := range n.Args {
			Walk(a, fn)
		}
	}
}

// Identifiers returns the names an expression reads, each once, in order of
// first appearance. Function names of calls are not included.
func Identifiers(e Expr) []string {
	var names []string
	seen := map[string]bool{}
	Walk(e, func(x Expr) {
		if id, ok := x.(*Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
	})
	return names
}

// Kind tells the three kinds of equation apart.
type Kind int

// The kinds of equation.
const (
	Differential  Kind = iota + 1 // dv/dt = expr : unit
	Subexpression                 // I = expr : unit
	Parameter                     // p : unit
)

// String returns "differential", "subexpression" or "parameter".
func (k Kind) String() string {
	switch k {
	case Differential:
		return "differential"
	case Subexpression:
		return "subexpression"
	case Parameter:
		return "parameter"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Flag is one flag of an equation, such as "unless refractory". Name is
// normalised: trimmed, with runs of blanks inside it replaced by one space.
type Flag struct {
	Name string
	Pos  Pos
}

// Equation is one line (or more, for a long expression) of an equations block.
type Equation struct {
	Kind    Kind
	Var     string // the variable defined: v for dv/dt
	Expr    Expr   // the right-hand side; nil for a parameter
	Unit    string // the unit field as written, trimmed: "volt", "siemens/meter**2", "1", "boolean"
	UnitPos Pos
	Flags   []Flag
	Pos     Pos // start of the equation
}

// HasFlag reports whether the equation carries the named flag.
func (eq *Equation) HasFlag(name string) bool {
	for _, f := range eq.Flags {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Equations is a parsed equations block, in source order.
type Equations struct {
	File string
	Eqs  []*Equation
}

// Lookup returns the equation that defines name, or nil.
func (e *Equations) Lookup(name string) *Equation {
	for _, eq := range e.Eqs {
		if eq.Var == name {
			return eq
		}
	}
	return nil
}

// Stmt is one statement of reset or on_pre/on_post code: Var Op Expr, where
// Op is "=", "+=", "-=", "*=", "/=", "//=", "%=" or "**=".
type Stmt struct {
	Var  string
	Op   string
	Expr Expr
	Pos  Pos // position of Var
}
