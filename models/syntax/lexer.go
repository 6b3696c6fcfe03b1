package syntax

import (
	"fmt"
	"sort"
	"strings"
)

// source maps byte offsets of a text to positions.
type source struct {
	text  string
	file  string
	base  Pos   // position of text[0]
	lines []int // offsets at which lines start
}

func newSource(text string, base Pos) *source {
	if base.Line < 1 {
		base.Line = 1
	}
	if base.Col < 1 {
		base.Col = 1
	}
	s := &source{text: text, file: base.File, base: base, lines: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos returns the position of byte offset off.
func (s *source) pos(off int) Pos {
	i := sort.Search(len(s.lines), func(k int) bool { return s.lines[k] > off }) - 1
	col := off - s.lines[i] + 1
	if i == 0 {
		col += s.base.Col - 1
	}
	return Pos{File: s.file, Line: s.base.Line + i, Col: col}
}

// lineCol returns "line:col" of offset off, for messages that point elsewhere.
func (s *source) lineCol(off int) string {
	p := s.pos(off)
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

type tokKind int

const (
	tEOF tokKind = iota
	tNumber
	tIdent
	tOp      // operators and punctuation, text holds them
	tNewline // only when the lexer reports newlines
	tBad     // a character or literal the language does not have; msg says why
)

type token struct {
	kind tokKind
	text string
	msg  string // for tBad
	off  int    // start offset
	end  int    // end offset
}

// ops lists the operators, longest first so that the lexer takes the longest match.
var ops = []string{
	"**=", "//=",
	"**", "//", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=",
	"+", "-", "*", "/", "%", "<", ">", "=", "(", ")", ",", ":", ";",
}

// badChars explains characters that users bring from other languages.
var badChars = map[byte]string{
	'&':  `unexpected "&": write "and"`,
	'|':  `unexpected "|": write "or"`,
	'^':  `unexpected "^": write "**" for a power`,
	'!':  `unexpected "!": write "not", or "!=" to compare`,
	'~':  `unexpected "~": write "not"`,
	'\\': `unexpected "\": no line continuation is needed`,
	'\'': `unexpected quote: text strings are not allowed here`,
	'"':  `unexpected quote: text strings are not allowed here`,
	'[':  `unexpected "[": indexing is not supported`,
	']':  `unexpected "]": indexing is not supported`,
}

// lexer splits s.text[off:end] into tokens. Comments (# to end of line) and
// blanks are skipped; newlines are tokens only when newlines is set.
type lexer struct {
	s        *source
	off, end int
	newlines bool
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func (l *lexer) next() token {
	text := l.s.text
	for l.off < l.end {
		c := text[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.off++
			continue
		case c == '#':
			for l.off < l.end && text[l.off] != '\n' {
				l.off++
			}
			continue
		case c == '\n' && !l.newlines:
			l.off++
			continue
		}
		break
	}
	start := l.off
	if start >= l.end {
		return token{kind: tEOF, off: l.end, end: l.end}
	}
	c := text[start]
	switch {
	case c == '\n':
		l.off++
		return token{kind: tNewline, text: "\n", off: start, end: l.off}
	case isLetter(c):
		for l.off < l.end && (isLetter(text[l.off]) || isDigit(text[l.off])) {
			l.off++
		}
		return token{kind: tIdent, text: text[start:l.off], off: start, end: l.off}
	case isDigit(c) || c == '.' && start+1 < l.end && isDigit(text[start+1]):
		return l.number()
	}
	for _, op := range ops {
		if strings.HasPrefix(text[start:l.end], op) {
			l.off += len(op)
			return token{kind: tOp, text: op, off: start, end: l.off}
		}
	}
	l.off++
	msg, ok := badChars[c]
	if !ok {
		if c >= 0x80 {
			// Take the whole UTF-8 sequence so that the message shows the character.
			for l.off < l.end && text[l.off]&0xC0 == 0x80 {
				l.off++
			}
			msg = fmt.Sprintf("unexpected character %q: names use only the letters a-z and A-Z, digits and \"_\"", text[start:l.off])
		} else {
			msg = fmt.Sprintf("unexpected character %q", text[start:l.off])
		}
	}
	return token{kind: tBad, text: text[start:l.off], msg: msg, off: start, end: l.off}
}

// number lexes 12, 1.5, .5, 5., 1e-3, 2.5E+4.
func (l *lexer) number() token {
	text := l.s.text
	start := l.off
	digits := func() {
		for l.off < l.end && isDigit(text[l.off]) {
			l.off++
		}
	}
	digits()
	if l.off < l.end && text[l.off] == '.' {
		l.off++
		digits()
	}
	if l.off < l.end && (text[l.off] == 'e' || text[l.off] == 'E') {
		k := l.off + 1
		if k < l.end && (text[k] == '+' || text[k] == '-') {
			k++
		}
		if k < l.end && isDigit(text[k]) {
			l.off = k
			digits()
		}
	}
	num := text[start:l.off]
	if l.off < l.end && (isLetter(text[l.off]) || isDigit(text[l.off]) || text[l.off] == '.') {
		s := l.off
		for l.off < l.end && (isLetter(text[l.off]) || isDigit(text[l.off]) || text[l.off] == '.') {
			l.off++
		}
		msg := fmt.Sprintf("%q is not a number", text[start:l.off])
		if isLetter(text[s]) {
			msg += fmt.Sprintf(": write \"%s*%s\"", num, text[s:l.off])
		}
		return token{kind: tBad, text: text[start:l.off], msg: msg, off: start, end: l.off}
	}
	return token{kind: tNumber, text: num, off: start, end: l.off}
}
