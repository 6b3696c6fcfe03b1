package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is the error Parse returns. Its message has the form
//
//	unit "uA/cmm**2" at column 4: unknown unit "cmm"; did you mean "cm"?
type ParseError struct {
	Input  string // the whole unit expression
	Column int    // 1-based column of the offending token, in characters
	Msg    string // what is wrong, naming the token
}

// Error returns the message, naming the input, the column and the token.
func (e *ParseError) Error() string {
	return fmt.Sprintf("unit %q at column %d: %s", e.Input, e.Column, e.Msg)
}

// Limits that keep every accepted expression's exponents small and its scale
// finite; nothing physical comes near them.
const (
	maxExpNum   = 1000 // largest |numerator| of an exponent in a result
	maxExpDen   = 1000 // largest denominator of an exponent
	maxNesting  = 100  // deepest parenthesis nesting
	maxExponent = 1000 // largest |power| written after **
)

type tokKind int

const (
	tokEnd tokKind = iota
	tokName
	tokNumber
	tokStar   // *
	tokPow    // **
	tokSlash  // /
	tokLParen // (
	tokRParen // )
	tokMinus  // -
	tokPlus   // +
	tokBad    // a character that starts no token
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based, in characters
}

func (t token) describe() string {
	if t.kind == tokEnd {
		return "end of input"
	}
	return strconv.Quote(t.text)
}

// lex splits s into tokens; it never fails, leaving bad characters to the
// parser so that the error names the first problem from the left.
func lex(s string) []token {
	var toks []token
	col := 1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		start, startCol := i, col
		kind := tokBad
		switch {
		case r == ' ' || r == '\t':
			i += size
			col++
			continue
		case isLetter(r):
			kind = tokName
			for i < len(s) && (isLetter(rune(s[i])) || isDigit(rune(s[i]))) {
				i++
			}
		case isDigit(r) || r == '.':
			kind = tokNumber
			i = scanNumber(s, i)
		case strings.HasPrefix(s[i:], "**"):
			kind, i = tokPow, i+2
		default:
			i += size
			kind = punctuation(r)
		}
		toks = append(toks, token{kind, s[start:i], startCol})
		col += utf8.RuneCountInString(s[start:i])
	}
	return append(toks, token{tokEnd, "", col})
}

// punctuation returns the kind of a one-character token, tokBad for others.
func punctuation(r rune) tokKind {
	switch r {
	case '*':
		return tokStar
	case '/':
		return tokSlash
	case '(':
		return tokLParen
	case ')':
		return tokRParen
	case '-':
		return tokMinus
	case '+':
		return tokPlus
	}
	return tokBad
}

func isLetter(r rune) bool { return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }
func isDigit(r rune) bool  { return '0' <= r && r <= '9' }

// scanNumber returns the end of the number starting at s[i]: digits, an
// optional fraction and an optional exponent, as in Python.
func scanNumber(s string, i int) int {
	digits := func() {
		for i < len(s) && isDigit(rune(s[i])) {
			i++
		}
	}
	digits()
	if i < len(s) && s[i] == '.' {
		i++
		digits()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(rune(s[j])) {
			i = j
			digits()
		}
	}
	return i
}

type parser struct {
	input string
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEnd {
		p.pos++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &ParseError{Input: p.input, Column: t.col, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses a unit expression as written after the colon of a Brian2
// equation: unit names ("mV", "siemens", "Mohm"), the number 1, products and
// quotients ("nS*mV", "uA/cm**2", "1/second"), parentheses, and powers with
// an integer or rational exponent ("metre**2", "ms**-1", "second**-0.5",
// "(mV/ms)**(1/2)"). It never panics; errors are *ParseError.
func Parse(s string) (Unit, error) {
	p := &parser{input: s, toks: lex(s)}
	if p.peek().kind == tokEnd {
		return Unit{}, p.errorf(p.peek(), "empty unit expression")
	}
	u, err := p.product()
	if err != nil {
		return Unit{}, err
	}
	if t := p.peek(); t.kind != tokEnd {
		return Unit{}, p.errorf(t, "unexpected %s; expected \"*\", \"/\" or end of input", t.describe())
	}
	return u, nil
}

// product = power { ("*" | "/") power }
func (p *parser) product() (Unit, error) {
	u, err := p.power()
	for err == nil {
		op := p.peek()
		if op.kind != tokStar && op.kind != tokSlash {
			break
		}
		p.next()
		var v Unit
		if v, err = p.power(); err != nil {
			break
		}
		if op.kind == tokStar {
			u = u.Mul(v)
		} else {
			u = u.Div(v)
		}
		err = p.check(op, u)
	}
	return u, err
}

// power = atom [ "**" exponent ]
func (p *parser) power() (Unit, error) {
	u, err := p.atom()
	if err != nil || p.peek().kind != tokPow {
		return u, err
	}
	op := p.next()
	num, den, err := p.exponent()
	if err != nil {
		return Unit{}, err
	}
	u = u.Pow(num, den)
	return u, p.check(op, u)
}

// atom = name | "1" | "(" product ")"
func (p *parser) atom() (Unit, error) {
	t := p.next()
	switch t.kind {
	case tokName:
		if u, ok := table[t.text]; ok {
			return u, nil
		}
		msg := fmt.Sprintf("unknown unit %q", t.text)
		if s := suggest(t.text); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return Unit{}, p.errorf(t, "%s", msg)
	case tokNumber:
		if v, err := strconv.ParseFloat(t.text, 64); err != nil || v != 1 {
			return Unit{}, p.errorf(t, "number %q is not a unit; only 1 may stand for a unit", t.text)
		}
		return Unit{Scale: 1}, nil
	case tokLParen:
		if p.depth++; p.depth > maxNesting {
			return Unit{}, p.errorf(t, "parentheses nested deeper than %d", maxNesting)
		}
		u, err := p.product()
		if err != nil {
			return Unit{}, err
		}
		if c := p.next(); c.kind != tokRParen {
			return Unit{}, p.errorf(c, "expected \")\" to close the \"(\" at column %d but found %s", t.col, c.describe())
		}
		p.depth--
		return u, nil
	case tokBad:
		return Unit{}, p.errorf(t, "unexpected character %s", t.describe())
	}
	return Unit{}, p.errorf(t, "expected a unit name, 1 or \"(\" but found %s", t.describe())
}

// exponent = [sign] number | "(" [sign] number [ "/" [sign] number ] ")"
func (p *parser) exponent() (num, den int, err error) {
	if p.peek().kind != tokLParen {
		return p.signedNumber()
	}
	open := p.next()
	num, den, err = p.signedNumber()
	if err == nil && p.peek().kind == tokSlash {
		p.next()
		var n2, d2 int
		if n2, d2, err = p.signedNumber(); err == nil {
			if n2 == 0 {
				return 0, 0, p.errorf(open, "exponent divides by zero")
			}
			r := mkRat(int64(num)*int64(d2), int64(den)*int64(n2))
			num, den = int(r.num()), int(r.den())
		}
	}
	if err != nil {
		return 0, 0, err
	}
	if c := p.next(); c.kind != tokRParen {
		return 0, 0, p.errorf(c, "expected \")\" to close the exponent at column %d but found %s", open.col, c.describe())
	}
	if num > maxExponent*maxExpDen || -num > maxExponent*maxExpDen || den > maxExpDen {
		return 0, 0, p.errorf(open, "exponent %d/%d out of range (denominator at most %d)", num, den, maxExpDen)
	}
	return num, den, nil
}

// signedNumber reads an optionally signed number and returns it as a
// fraction with a denominator of at most maxExpDen.
func (p *parser) signedNumber() (num, den int, err error) {
	sign := 1
	if k := p.peek().kind; k == tokMinus || k == tokPlus {
		if p.next().kind == tokMinus {
			sign = -1
		}
	}
	t := p.next()
	if t.kind != tokNumber {
		return 0, 0, p.errorf(t, "expected a number in the exponent but found %s", t.describe())
	}
	v, perr := strconv.ParseFloat(t.text, 64)
	if perr != nil || v > maxExponent {
		return 0, 0, p.errorf(t, "exponent %q is not a number of at most %d", t.text, maxExponent)
	}
	for d := 1; d <= maxExpDen; d++ {
		n := math.Round(v * float64(d))
		if math.Abs(v*float64(d)-n) <= 1e-12*math.Max(1, n) {
			return sign * int(n), d, nil
		}
	}
	return 0, 0, p.errorf(t, "exponent %q is not a fraction with a denominator of at most %d", t.text, maxExpDen)
}

// check rejects results whose exponents or scale left the supported range;
// op is the operator blamed.
func (p *parser) check(op token, u Unit) error {
	for _, e := range u.Dim.e {
		if abs64(e.num()) > maxExpNum || e.den() > maxExpDen {
			return p.errorf(op, "dimension exponent %s out of range (at most %d, denominator at most %d)", e, maxExpNum, maxExpDen)
		}
	}
	if !(u.Scale > 0) || math.IsInf(u.Scale, 0) {
		return p.errorf(op, "unit scale %g out of range", u.Scale)
	}
	if in := u.Internal(); !(in > 0) || math.IsInf(in, 0) {
		return p.errorf(op, "unit scale %g (%g in internal units) out of range", u.Scale, in)
	}
	return nil
}
