package syntax

import (
	"fmt"
	"math"
	"strconv"
)

// pythonKeywords are the words Python reserves; and, or, not, True and False
// have a meaning here, the others are errors.
var pythonKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true,
	"for": true, "from": true, "global": true, "if": true, "import": true, "in": true,
	"is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true,
	"raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// maxDepth bounds the nesting of an expression, so that no input exhausts the stack.
const maxDepth = 200

// maxOps bounds the binary operations of an expression: a chain a + b + …
// is a tree as deep as it is long, which every later stage walks
// recursively.
const maxOps = 20000

// parser parses one expression from a slice of tokens ending in tEOF.
type parser struct {
	s     *source
	toks  []token
	i     int
	depth int
	ops   int    // binary operations so far
	after string // the text before the tokens ("=" in an equation), for messages
	err   *Error
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(op string) bool { t := p.tok(); return t.kind == tOp && t.text == op }

func (p *parser) isWord(w string) bool { t := p.tok(); return t.kind == tIdent && t.text == w }

// fail records the first error; later ones are consequences of it.
func (p *parser) fail(off int, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Pos: p.s.pos(off), Msg: fmt.Sprintf(format, args...)}
	}
}

// errOff is where an error about token t is reported: at t, or just after
// the previous token when t is the end of the input.
func (p *parser) errOff(t token) int {
	if t.kind == tEOF && p.i > 0 {
		return p.toks[p.i-1].end
	}
	return t.off
}

// startsOperand reports whether t can begin an operand.
func startsOperand(t token) bool {
	return t.kind == tNumber || t.kind == tIdent && !isOperatorWord(t.text) || t.kind == tOp && t.text == "("
}

func isOperatorWord(s string) bool { return s == "and" || s == "or" || s == "not" }

// unexpected reports token t where an operator or the end was expected.
func (p *parser) unexpected(t token) {
	switch {
	case t.kind == tBad:
		p.fail(t.off, "%s", t.msg)
	case startsOperand(t) && p.i > 0:
		p.fail(t.off, "missing operator between %q and %q", p.toks[p.i-1].text, t.text)
	case t.kind == tOp && t.text == ")":
		p.fail(t.off, `unexpected ")" without a matching "("`)
	case t.kind == tOp && t.text == "=":
		p.fail(t.off, `unexpected "=": write "==" to compare`)
	default:
		p.fail(t.off, "unexpected %s", strconv.Quote(t.text))
	}
}

// parseWhole parses the tokens as one expression and reports leftovers.
func (p *parser) parseWhole() Expr {
	x := p.or()
	if p.err == nil && p.tok().kind != tEOF {
		p.unexpected(p.tok())
	}
	if p.err != nil {
		return nil
	}
	return x
}

// binaryLevel parses operands joined, left-associatively, by the operators that match accepts.
func (p *parser) binaryLevel(operand func() Expr, match func() bool) Expr {
	x := operand()
	for p.err == nil && match() {
		t := p.advance()
		if p.ops++; p.ops > maxOps {
			p.fail(t.off, "expression too long (more than %d operations): split it into subexpressions", maxOps)
			return nil
		}
		y := operand()
		if p.err != nil {
			return nil
		}
		x = &Binary{Op: t.text, X: x, Y: y, Pos: p.s.pos(t.off)}
	}
	return x
}

func (p *parser) or() Expr {
	return p.binaryLevel(p.and, func() bool { return p.isWord("or") })
}

func (p *parser) and() Expr {
	return p.binaryLevel(p.not, func() bool { return p.isWord("and") })
}

func (p *parser) not() Expr {
	if !p.isWord("not") {
		return p.comparison()
	}
	t := p.advance()
	if !p.enter(t) {
		return nil
	}
	x := p.not()
	p.depth--
	if p.err != nil {
		return nil
	}
	return &Unary{Op: "not", X: x, Pos: p.s.pos(t.off)}
}

// enter counts one level of nesting and fails past maxDepth.
func (p *parser) enter(t token) bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail(t.off, "expression nested too deeply (more than %d levels)", maxDepth)
		return false
	}
	return true
}

func isComparison(t token) bool {
	if t.kind != tOp {
		return false
	}
	switch t.text {
	case "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

func (p *parser) comparison() Expr {
	x := p.arith()
	if p.err != nil || !isComparison(p.tok()) {
		return x
	}
	t := p.advance()
	y := p.arith()
	if p.err != nil {
		return nil
	}
	if next := p.tok(); isComparison(next) {
		p.fail(next.off, `chained comparisons are not supported: write "a %s b and b %s c"`, t.text, next.text)
		return nil
	}
	return &Binary{Op: t.text, X: x, Y: y, Pos: p.s.pos(t.off)}
}

func (p *parser) arith() Expr {
	return p.binaryLevel(p.term, func() bool { return p.isOp("+") || p.isOp("-") })
}

func (p *parser) term() Expr {
	return p.binaryLevel(p.factor, func() bool {
		return p.isOp("*") || p.isOp("/") || p.isOp("//") || p.isOp("%")
	})
}

// factor is a unary minus or plus, which binds less tightly than "**" on its
// right: -x**2 is -(x**2).
func (p *parser) factor() Expr {
	if !p.isOp("-") && !p.isOp("+") {
		return p.power()
	}
	t := p.advance()
	if !p.enter(t) {
		return nil
	}
	x := p.factor()
	p.depth--
	if p.err != nil {
		return nil
	}
	return &Unary{Op: t.text, X: x, Pos: p.s.pos(t.off)}
}

// power is right-associative, and its exponent may carry a sign: 2**-1.
func (p *parser) power() Expr {
	x := p.primary()
	if p.err != nil || !p.isOp("**") {
		return x
	}
	t := p.advance()
	if !p.enter(t) {
		return nil
	}
	y := p.factor()
	p.depth--
	if p.err != nil {
		return nil
	}
	return &Binary{Op: "**", X: x, Y: y, Pos: p.s.pos(t.off)}
}

func (p *parser) primary() Expr {
	t := p.tok()
	switch {
	case t.kind == tNumber:
		p.advance()
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			p.fail(t.off, "number %s is too large", t.text)
			return nil
		}
		return &Number{Value: v, Text: t.text, Pos: p.s.pos(t.off)}
	case t.kind == tIdent && (t.text == "True" || t.text == "False"):
		p.advance()
		return &Bool{Value: t.text == "True", Pos: p.s.pos(t.off)}
	case t.kind == tIdent && !pythonKeywords[t.text]:
		p.advance()
		if p.isOp("(") {
			return p.call(t)
		}
		return &Ident{Name: t.text, Pos: p.s.pos(t.off)}
	case t.kind == tOp && t.text == "(":
		p.advance()
		if !p.enter(t) {
			return nil
		}
		x := p.or()
		p.depth--
		p.closeParen(t)
		if p.err != nil {
			return nil
		}
		return x
	case t.kind == tBad:
		p.fail(t.off, "%s", t.msg)
		return nil
	case t.kind == tIdent && !isOperatorWord(t.text):
		p.fail(t.off, "%q is a Python keyword and cannot be used in an expression", t.text)
		return nil
	}
	var msg string
	switch {
	case p.i > 0:
		msg = fmt.Sprintf("expected an expression after %q", p.toks[p.i-1].text)
	case p.after != "":
		msg = fmt.Sprintf("expected an expression after %q", p.after)
	default:
		msg = "expected an expression"
	}
	if t.kind != tEOF {
		msg += ", found " + strconv.Quote(t.text)
	}
	p.fail(p.errOff(t), "%s", msg)
	return nil
}

// closeParen expects the ")" that closes the "(" at open.
func (p *parser) closeParen(open token) {
	if p.err != nil {
		return
	}
	t := p.tok()
	switch {
	case t.kind == tOp && t.text == ")":
		p.advance()
	case t.kind == tEOF:
		p.fail(open.off, "unbalanced parenthesis opened at %s", p.s.lineCol(open.off))
	case startsOperand(t) || t.kind == tBad:
		p.unexpected(t)
	default:
		p.fail(t.off, "expected \")\" to close the parenthesis opened at %s, found %s", p.s.lineCol(open.off), strconv.Quote(t.text))
	}
}

// call parses the arguments of a call to the function named by name; the
// current token is "(".
func (p *parser) call(name token) Expr {
	open := p.advance()
	if !p.enter(open) {
		return nil
	}
	defer func() { p.depth-- }()
	c := &Call{Func: name.text, Pos: p.s.pos(name.off)}
	for p.err == nil && !p.isOp(")") {
		a := p.or()
		if p.err != nil {
			return nil
		}
		c.Args = append(c.Args, a)
		if !p.isOp(",") {
			break
		}
		p.advance()
	}
	p.closeParen(open)
	if p.err != nil {
		return nil
	}
	return c
}

// lexAll lexes s.text[start:end] to a token slice ending in tEOF.
func lexAll(s *source, start, end int, newlines bool) []token {
	l := &lexer{s: s, off: start, end: end, newlines: newlines}
	var toks []token
	for {
		t := l.next()
		toks = append(toks, t)
		if t.kind == tEOF {
			return toks
		}
	}
}

// ParseExpr parses one expression, such as a threshold "v > vt" or the
// right-hand side of an equation. Newlines count as blanks and "#" starts a
// comment. Positions start at line 1, column 1; the error, if any, is an ErrorList.
func ParseExpr(src string) (Expr, error) {
	return ParseExprAt(src, Pos{Line: 1, Col: 1})
}

// ParseExprAt is ParseExpr for an expression that starts at position at of a
// larger file, so that positions and errors point into that file.
func ParseExprAt(src string, at Pos) (Expr, error) {
	s := newSource(src, at)
	p := &parser{s: s, toks: lexAll(s, 0, len(src), false)}
	x := p.parseWhole()
	if p.err != nil {
		return nil, ErrorList{p.err}
	}
	return x, nil
}

// assignOps are the operators of a statement.
var assignOps = map[string]bool{
	"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "//=": true, "%=": true, "**=": true,
}

// ParseStatements parses reset or on_pre/on_post code: statements such as
// "v = v_r", "ge += w" or "w = clip(w + apost, 0, wmax)", one per line or
// separated by ";" (as in Brian, a statement cannot continue on the next line).
// Blank lines and "#" comments are ignored. All errors found (up to 10) are
// returned as an ErrorList.
func ParseStatements(src string) ([]Stmt, error) {
	return ParseStatementsAt(src, Pos{Line: 1, Col: 1})
}

// ParseStatementsAt is ParseStatements for code that starts at position at of
// a larger file.
func ParseStatementsAt(src string, at Pos) ([]Stmt, error) {
	s := newSource(src, at)
	toks := lexAll(s, 0, len(src), true)
	var stmts []Stmt
	var errs ErrorList
	for start := 0; start < len(toks) && len(errs) < maxErrors; {
		end := start
		for toks[end].kind != tEOF && toks[end].kind != tNewline && !(toks[end].kind == tOp && toks[end].text == ";") {
			end++
		}
		if end > start {
			line := append(toks[start:end:end], token{kind: tEOF, off: toks[end].off, end: toks[end].off})
			st, err := parseStmt(s, line)
			if err != nil {
				errs = append(errs, err)
			} else {
				stmts = append(stmts, st)
			}
		}
		start = end + 1
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return stmts, nil
}

// parseStmt parses one statement from toks, which end in tEOF and are not empty.
func parseStmt(s *source, toks []token) (Stmt, *Error) {
	errAt := func(off int, format string, args ...any) (Stmt, *Error) {
		return Stmt{}, &Error{Pos: s.pos(off), Msg: fmt.Sprintf(format, args...)}
	}
	v := toks[0]
	switch {
	case v.kind == tBad:
		return errAt(v.off, "%s", v.msg)
	case v.kind != tIdent:
		return errAt(v.off, `expected a statement such as "v = v_reset" or "ge += w", found %s`, strconv.Quote(v.text))
	case pythonKeywords[v.text]:
		return errAt(v.off, "%q is a Python keyword and cannot be assigned to", v.text)
	}
	op := toks[1]
	if op.kind != tOp || !assignOps[op.text] {
		if op.kind == tOp && op.text == "==" {
			return errAt(op.off, `"==" compares: write "=" to assign`)
		}
		return errAt(v.off, `expected an assignment such as "%s = ..." or "%s += ..."`, v.text, v.text)
	}
	p := &parser{s: s, toks: toks, i: 2}
	x := p.parseWhole()
	if p.err != nil {
		return Stmt{}, p.err
	}
	return Stmt{Var: v.text, Op: op.text, Expr: x, Pos: s.pos(v.off)}, nil
}
