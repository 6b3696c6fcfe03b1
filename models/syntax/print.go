package syntax

import (
	"strconv"
	"strings"
)

// Precedence levels, loosest first, as in Python.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCompare
	precAdd   // + -
	precMul   // * / // %
	precUnary // unary - +
	precPower // **
	precAtom
)

func precedence(e Expr) int {
	switch n := e.(type) {
	case *Unary:
		if n.Op == "not" {
			return precNot
		}
		return precUnary
	case *Binary:
		switch n.Op {
		case "or":
			return precOr
		case "and":
			return precAnd
		case "+", "-":
			return precAdd
		case "*", "/", "//", "%":
			return precMul
		case "**":
			return precPower
		}
		return precCompare
	}
	return precAtom
}

// Print returns e in canonical form: single spaces around +, -, comparisons,
// "and" and "or" but none around *, /, //, % and **, and only the parentheses the precedence rules require, so that
// parsing the result gives e back. A nil e prints as "".
func Print(e Expr) string {
	var b strings.Builder
	write(&b, e)
	return b.String()
}

func write(b *strings.Builder, e Expr) {
	switch n := e.(type) {
	case *Number:
		if n.Text != "" {
			b.WriteString(n.Text)
		} else {
			b.WriteString(strconv.FormatFloat(n.Value, 'g', -1, 64))
		}
	case *Ident:
		b.WriteString(n.Name)
	case *Bool:
		if n.Value {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case *Unary:
		b.WriteString(n.Op)
		if n.Op == "not" {
			b.WriteByte(' ')
			writeOperand(b, n.X, precedence(n.X) < precNot)
		} else {
			writeOperand(b, n.X, precedence(n.X) < precUnary)
		}
	case *Binary:
		p := precedence(n)
		switch {
		case n.Op == "**":
			// Right-associative; the exponent may be a signed factor.
			writeOperand(b, n.X, precedence(n.X) <= precPower)
			b.WriteString("**")
			writeOperand(b, n.Y, precedence(n.Y) < precUnary)
		case p == precCompare:
			// Comparisons do not chain: parenthesise a comparison on either side.
			writeOperand(b, n.X, precedence(n.X) <= p)
			b.WriteString(" " + n.Op + " ")
			writeOperand(b, n.Y, precedence(n.Y) <= p)
		default:
			op := " " + n.Op + " "
			if p == precMul {
				op = n.Op
			}
			writeOperand(b, n.X, precedence(n.X) < p)
			b.WriteString(op)
			writeOperand(b, n.Y, precedence(n.Y) <= p)
		}
	case *Call:
		b.WriteString(n.Func)
		b.WriteByte('(')
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a)
		}
		b.WriteByte(')')
	}
}

func writeOperand(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	write(b, e)
	if paren {
		b.WriteByte(')')
	}
}

// String returns the literal as written.
func (n *Number) String() string { return Print(n) }

// String returns the name.
func (n *Ident) String() string { return n.Name }

// String returns "True" or "False".
func (n *Bool) String() string { return Print(n) }

// String returns the expression in canonical form.
func (n *Unary) String() string { return Print(n) }

// String returns the expression in canonical form.
func (n *Binary) String() string { return Print(n) }

// String returns the call in canonical form.
func (n *Call) String() string { return Print(n) }

// String returns the equation in canonical form, as
// "dv/dt = expr : unit (flag, flag)".
func (eq *Equation) String() string {
	var b strings.Builder
	switch eq.Kind {
	case Differential:
		b.WriteString("d" + eq.Var + "/dt = " + Print(eq.Expr))
	case Subexpression:
		b.WriteString(eq.Var + " = " + Print(eq.Expr))
	default:
		b.WriteString(eq.Var)
	}
	b.WriteString(" : " + eq.Unit)
	if len(eq.Flags) > 0 {
		names := make([]string, len(eq.Flags))
		for i, f := range eq.Flags {
			names[i] = f.Name
		}
		b.WriteString(" (" + strings.Join(names, ", ") + ")")
	}
	return b.String()
}

// String returns the equations in canonical form, one per line.
func (e *Equations) String() string {
	var b strings.Builder
	for _, eq := range e.Eqs {
		b.WriteString(eq.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// String returns the statement in canonical form, as "v += w".
func (s Stmt) String() string { return s.Var + " " + s.Op + " " + Print(s.Expr) }
