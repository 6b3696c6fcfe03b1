package syntax

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error is a syntax error at a position in the source.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: message", or the message alone without a
// position.
func (e *Error) Error() string {
	if e.Pos.Line == 0 && e.Pos.File == "" {
		return e.Msg // no position: none to print
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is the list of errors of one parse, in source order. The parse
// functions return a non-empty ErrorList as their error; errors.As finds the
// *Error values inside it.
type ErrorList []*Error

// maxErrors is how many errors a parse collects before it stops.
const maxErrors = 10

// Error returns the errors, one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors of the list, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Wrap adds context to err as fmt.Errorf("context: %w") does, except that
// a positioned *Error keeps its position first: "file:line:col: context:
// message", so that an error in a file reads from where it is.
func Wrap(err error, format string, args ...any) error {
	prefix := fmt.Sprintf(format, args...)
	if e, ok := err.(*Error); ok && e.Pos.Line > 0 {
		return &Error{Pos: e.Pos, Msg: prefix + ": " + e.Msg}
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// yamlLine matches the errors of the YAML parser that give a line.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLError turns an error of the YAML parser reading data from path into
// one at "path:line:", with a hint for the commonest cause, a tab where
// YAML wants spaces.
func YAMLError(path string, data []byte, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	if lines := strings.Split(string(data), "\n"); line >= 1 && line <= len(lines) && strings.Contains(lines[line-1], "\t") {
		msg += " (a tab: YAML indents with spaces)"
	}
	return &Error{Pos: Pos{File: path, Line: line}, Msg: "not valid YAML: " + msg}
}
