package syntax

import (
	"fmt"
	"strings"
)

// knownFlags are the flags Brian2 defines for equations of neuron groups and synapses.
var knownFlags = []string{
	"unless refractory", "constant", "constant over dt", "shared", "linked",
	"clock-driven", "event-driven", "summed",
}

// ParseEquations parses an equations block, one equation per line:
//
//	dv/dt = (v_rest - v)/tau : volt (unless refractory)   # differential equation
//	I_syn = ge*(E_e - v) : amp                           # subexpression
//	tau : second (constant)                              # parameter
//
// As in Brian2, the expression after "=" runs to the next ":", so it may
// continue over several lines with no continuation mark, and "#" starts a
// comment. The unit field (everything after ":" up to "(", "#" or the end of
// the line) is kept as written, for the units package. Flags follow in
// parentheses, separated by commas: unless refractory, constant,
// constant over dt, shared, linked, clock-driven, event-driven, summed.
//
// file names the source in positions and may be empty. The error, if any, is
// an ErrorList holding the errors found (up to 10).
func ParseEquations(src string, file string) (*Equations, error) {
	return ParseEquationsAt(src, Pos{File: file, Line: 1, Col: 1})
}

type eqParser struct {
	s    *source
	eqs  *Equations
	seen map[string]*Equation
	errs ErrorList
}

func (p *eqParser) errorf(off int, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: p.s.pos(off), Msg: fmt.Sprintf(format, args...)})
}

// skipBlank skips blanks, newlines and comments from off.
func (p *eqParser) skipBlank(off int) int {
	text := p.s.text
	for off < len(text) {
		switch c := text[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			off++
		case c == '#':
			off = p.lineEnd(off)
		default:
			return off
		}
	}
	return off
}

// lineEnd returns the offset of the newline ending the line of off, or len(text).
func (p *eqParser) lineEnd(off int) int {
	if i := strings.IndexByte(p.s.text[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(p.s.text)
}

// head recognises the start of an equation at off: "dX/dt =", "X =" or "X :".
// It returns the kind, the variable token and the offset after "=" or ":".
func (p *eqParser) head(off int) (Kind, token, int, bool) {
	l := &lexer{s: p.s, off: off, end: p.lineEnd(off), newlines: true}
	var t [4]token
	for i := range t {
		t[i] = l.next()
	}
	isOp := func(t token, op string) bool { return t.kind == tOp && t.text == op }
	switch {
	case t[0].kind != tIdent:
	case isOp(t[1], ":"):
		return Parameter, t[0], t[1].end, true
	case isOp(t[1], "="):
		return Subexpression, t[0], t[1].end, true
	case len(t[0].text) > 1 && t[0].text[0] == 'd' && isOp(t[1], "/") &&
		t[2].kind == tIdent && t[2].text == "dt" && isOp(t[3], "="):
		v := t[0]
		v.text, v.off = v.text[1:], v.off+1
		return Differential, v, t[3].end, true
	}
	return 0, token{}, 0, false
}

// equation parses the equation starting at off and returns the offset after it.
// After an error it skips to the next line.
func (p *eqParser) equation(off int) int {
	kind, v, after, ok := p.head(off)
	if !ok {
		p.errorf(off, `expected an equation such as "dv/dt = -v/tau : volt", "I = g*(E - v) : amp" or "tau : second"`)
		return p.lineEnd(off)
	}
	start := off
	if kind == Differential {
		start = v.off - 1
	}
	if msg := checkName(v.text); msg != "" {
		p.errorf(v.off, "%s", msg)
		return p.lineEnd(off)
	}
	eq := &Equation{Kind: kind, Var: v.text, Pos: p.s.pos(start)}
	colon := after - 1
	if kind != Parameter {
		var next int
		eq.Expr, colon, next = p.expression(eq, after)
		if eq.Expr == nil {
			return next
		}
	}
	end, ok := p.unitAndFlags(eq, colon+1)
	if !ok {
		return end
	}
	if first := p.seen[eq.Var]; first != nil {
		p.errorf(start, "%q is defined twice (first at %d:%d)", eq.Var, first.Pos.Line, first.Pos.Col)
		return end
	}
	p.seen[eq.Var] = eq
	p.eqs.Eqs = append(p.eqs.Eqs, eq)
	return end
}

// checkName returns why name cannot be defined by an equation, or "".
func checkName(name string) string {
	switch {
	case pythonKeywords[name]:
		return fmt.Sprintf("%q is a Python keyword and cannot be a variable name", name)
	case name[0] == '_':
		return fmt.Sprintf("%q starts with an underscore, which is reserved for internal names", name)
	case name == "t" || name == "dt" || name == "xi" || strings.HasPrefix(name, "xi_"):
		return fmt.Sprintf("%q has a special meaning (time, time step or noise) and cannot be defined", name)
	}
	return ""
}

// expression lexes and parses the right-hand side of eq, which starts at off
// and ends at the next ":". It returns the expression, the offset of the ":"
// and, on error (nil expression), where to resume.
func (p *eqParser) expression(eq *Equation, off int) (Expr, int, int) {
	l := &lexer{s: p.s, off: off, end: len(p.s.text), newlines: true}
	var toks []token
	var open []int // offsets of the "(" not yet closed
	for {
		t := l.next()
		switch {
		case t.kind == tOp && t.text == "(":
			open = append(open, t.off)
		case t.kind == tOp && t.text == ")" && len(open) > 0:
			open = open[:len(open)-1]
		case t.kind == tNewline:
			// A line that ends an operand, followed by a line that starts a
			// new equation, ends this equation: it lacks its unit or a ")".
			// (Brian2 would read on to the next ":" and fail with a
			// confusing message.)
			if len(toks) > 0 && endsOperand(toks[len(toks)-1]) {
				if _, _, _, ok := p.head(p.skipBlank(t.end)); ok {
					if len(open) > 0 {
						at := open[len(open)-1]
						p.errorf(at, "unbalanced parenthesis opened at %s", p.s.lineCol(at))
					} else {
						p.missingUnit(eq, toks[len(toks)-1].end)
					}
					return nil, 0, t.end
				}
			}
			continue
		}
		if t.kind == tEOF || t.kind == tOp && t.text == ":" {
			if t.kind == tEOF {
				end := off
				if len(toks) > 0 {
					end = toks[len(toks)-1].end
				}
				p.missingUnit(eq, end)
				return nil, 0, t.end
			}
			toks = append(toks, token{kind: tEOF, off: t.off, end: t.off})
			pp := &parser{s: p.s, toks: toks, after: "="}
			x := pp.parseWhole()
			if pp.err != nil {
				p.errs = append(p.errs, pp.err)
				return nil, 0, p.lineEnd(t.off)
			}
			return x, t.off, 0
		}
		toks = append(toks, t)
	}
}

// endsOperand reports whether an expression can end with token t.
func endsOperand(t token) bool {
	return t.kind == tNumber || t.kind == tIdent && !isOperatorWord(t.text) || t.kind == tOp && t.text == ")"
}

func (p *eqParser) missingUnit(eq *Equation, off int) {
	lhs := eq.Var
	if eq.Kind == Differential {
		lhs = "d" + eq.Var + "/dt"
	}
	p.errorf(off, `missing unit for %q: write "%s = ... : volt" (or ": 1" if it has no unit)`, eq.Var, lhs)
}

// unitAndFlags reads the unit field and the flags that follow the ":" of eq,
// which end at off. It returns the end of the line and whether all went well.
func (p *eqParser) unitAndFlags(eq *Equation, off int) (int, bool) {
	text := p.s.text
	end := p.lineEnd(off)
	stop := off
	for stop < end && text[stop] != '(' && text[stop] != '#' {
		stop++
	}
	unit := strings.TrimSpace(text[off:stop])
	if unit == "" {
		at := off - 1
		if stop < end && text[stop] == '(' {
			at = stop
		}
		p.errorf(at, `missing unit after ":" for %q: write a unit such as "volt", or "1" if it has no unit`, eq.Var)
		return end, false
	}
	eq.Unit = unit
	eq.UnitPos = p.s.pos(off + strings.Index(text[off:stop], unit))
	if stop == end || text[stop] == '#' {
		return end, true
	}
	closing := strings.IndexByte(text[stop:end], ')')
	if closing < 0 {
		p.errorf(stop, "unbalanced parenthesis opened at %s", p.s.lineCol(stop))
		return end, false
	}
	closing += stop
	ok := p.flags(eq, stop+1, closing)
	if rest := p.skipBlank(closing + 1); rest < end {
		p.errorf(rest, "unexpected %q after the flags", strings.TrimSpace(text[rest:p.lineEnd(rest)]))
		return end, false
	}
	return end, ok
}

// flags parses the comma-separated flags in text[start:end].
func (p *eqParser) flags(eq *Equation, start, end int) bool {
	ok := true
	for off := start; off <= end; {
		comma := strings.IndexByte(p.s.text[off:end], ',')
		stop := end
		if comma >= 0 {
			stop = off + comma
		}
		raw := p.s.text[off:stop]
		name := strings.Join(strings.Fields(raw), " ")
		at := off + len(raw) - len(strings.TrimLeft(raw, " \t"))
		switch {
		case name == "":
			p.errorf(at, "empty flag")
			ok = false
		case !isKnownFlag(name):
			msg := fmt.Sprintf("unknown flag %q", name)
			if s := closestFlag(name); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.errorf(at, "%s", msg)
			ok = false
		case eq.HasFlag(name):
			p.errorf(at, "flag %q is given twice", name)
			ok = false
		default:
			eq.Flags = append(eq.Flags, Flag{Name: name, Pos: p.s.pos(at)})
		}
		off = stop + 1
	}
	return ok
}

func isKnownFlag(name string) bool {
	for _, f := range knownFlags {
		if f == name {
			return true
		}
	}
	return false
}

// closestFlag returns the known flag within two edits of name, or "".
func closestFlag(name string) string { return Closest(name, knownFlags) }

// Closest returns the name of known within two edits of name (the first
// of the nearest), or "": the suggestion of an "unknown name" error.
func Closest(name string, known []string) string {
	if len(name) > 64 {
		return ""
	}
	best, bestDist := "", 3
	for _, f := range known {
		if d := editDistance(name, f); d < bestDist {
			best, bestDist = f, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ParseEquationsAt is ParseEquations for a block that starts at position at
// of a larger file (its first line is at.Line), so that positions and errors
// point into that file.
func ParseEquationsAt(src string, at Pos) (*Equations, error) {
	p := &eqParser{s: newSource(src, at), seen: map[string]*Equation{}}
	p.eqs = &Equations{File: at.File}
	for off := p.skipBlank(0); off < len(src) && len(p.errs) < maxErrors; off = p.skipBlank(off) {
		off = p.equation(off)
	}
	if len(p.errs) > maxErrors {
		p.errs = p.errs[:maxErrors]
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.eqs, nil
}
