package netfile

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/spikevk/spikevk/models"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// quantity is a constant value with its dimension, in spikevk's internal
// units (mV, ms, nS, pA, …; see units.Dim.InternalScale).
type quantity struct {
	v   float64
	dim units.Dim
}

// constant is a name of the constants section.
type constant struct {
	q    quantity
	text string // its expression with earlier constants substituted, parenthesised
}

// scope holds the constants of a network file.
type scope struct {
	consts map[string]constant
}

// Dimensions used by the fields of a network file.
var (
	dimless = units.Dimensionless
	dimTime = units.NewDim(0, 0, 1, 0, 0, 0, 0)
	dimRate = units.NewDim(0, 0, -1, 0, 0, 0, 0)
)

// evaluate evaluates a constant expression, such as "0.1*ms" or "80/N",
// in float64, so that "0.1*ms" is the float64 0.1 ms exactly.
func (s *scope) evaluate(text string, at syntax.Pos) (quantity, error) {
	e, err := syntax.ParseExprAt(text, at)
	if err != nil {
		return quantity{}, err
	}
	q, err := s.eval(e, 0)
	if err != nil {
		return quantity{}, err
	}
	if math.IsNaN(q.v) || math.IsInf(q.v, 0) {
		return quantity{}, &syntax.Error{Pos: at, Msg: fmt.Sprintf("%q is %g", text, q.v)}
	}
	return q, nil
}

// maxDepth bounds the nesting eval follows.
const maxDepth = 200

func (s *scope) eval(e syntax.Expr, depth int) (quantity, error) {
	fail := func(format string, args ...any) (quantity, error) {
		return quantity{}, &syntax.Error{Pos: e.Position(), Msg: fmt.Sprintf(format, args...)}
	}
	if depth > maxDepth {
		return fail("expression nested too deeply")
	}
	switch n := e.(type) {
	case *syntax.Number:
		return quantity{v: n.Value}, nil
	case *syntax.Ident:
		if c, ok := s.consts[n.Name]; ok {
			return c.q, nil
		}
		if v, ok := mathConstants[n.Name]; ok {
			return quantity{v: v}, nil
		}
		if u, ok := units.Lookup(n.Name); ok {
			return quantity{v: u.Internal(), dim: u.Dim}, nil
		}
		return fail("unknown name %q in a constant expression%s", n.Name, suggestion(n.Name, s.names()))
	case *syntax.Unary:
		x, err := s.eval(n.X, depth+1)
		if err != nil {
			return x, err
		}
		switch n.Op {
		case "-":
			x.v = -x.v
			return x, nil
		case "+":
			return x, nil
		}
		return fail("%q is not allowed in a constant expression", n.Op)
	case *syntax.Binary:
		x, err := s.eval(n.X, depth+1)
		if err != nil {
			return x, err
		}
		y, err := s.eval(n.Y, depth+1)
		if err != nil {
			return y, err
		}
		switch n.Op {
		case "+", "-":
			if !x.dim.Equal(y.dim) {
				return fail("%q adds %s to %s", n.Op, x.dim, y.dim)
			}
			if n.Op == "-" {
				y.v = -y.v
			}
			return quantity{v: x.v + y.v, dim: x.dim}, nil
		case "*":
			return quantity{v: x.v * y.v, dim: x.dim.Mul(y.dim)}, nil
		case "/":
			return quantity{v: x.v / y.v, dim: x.dim.Div(y.dim)}, nil
		case "//":
			if !x.dim.IsDimensionless() || !y.dim.IsDimensionless() {
				return fail("// needs numbers without units")
			}
			return quantity{v: math.Floor(x.v / y.v)}, nil
		case "**":
			if !y.dim.IsDimensionless() {
				return fail("an exponent must be a number without units")
			}
			if x.dim.IsDimensionless() {
				return quantity{v: math.Pow(x.v, y.v)}, nil
			}
			if y.v != math.Trunc(y.v) || math.Abs(y.v) > 64 {
				return fail("a quantity with units needs a whole exponent")
			}
			return quantity{v: math.Pow(x.v, y.v), dim: x.dim.Pow(int(y.v), 1)}, nil
		}
		return fail("%q is not allowed in a constant expression", n.Op)
	case *syntax.Call:
		fn, ok := mathFunctions[n.Func]
		if !ok {
			return fail("unknown function %q in a constant expression%s", n.Func, suggestion(n.Func, functionNames()))
		}
		if len(n.Args) != 1 {
			return fail("%s takes one argument", n.Func)
		}
		x, err := s.eval(n.Args[0], depth+1)
		if err != nil {
			return x, err
		}
		switch n.Func {
		case "abs", "floor", "ceil", "int":
			return quantity{v: fn(x.v), dim: x.dim}, nil
		case "sqrt":
			return quantity{v: math.Sqrt(x.v), dim: x.dim.Pow(1, 2)}, nil
		}
		if !x.dim.IsDimensionless() {
			return fail("%s needs a number without units, not %s", n.Func, x.dim)
		}
		return quantity{v: fn(x.v)}, nil
	}
	return fail("not allowed in a constant expression")
}

// mathConstants are the constants of the model language (Brian2's).
var mathConstants = models.Constants

// mathFunctions are the functions a constant expression may call.
var mathFunctions = map[string]func(float64) float64{
	"sqrt": math.Sqrt, "exp": math.Exp, "log": math.Log, "log10": math.Log10, "abs": math.Abs,
	"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "floor": math.Floor, "ceil": math.Ceil, "int": math.Trunc,
}

func functionNames() []string {
	var names []string
	for k := range mathFunctions {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func (s *scope) names() []string {
	var names []string
	for k := range s.consts {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// substitute replaces the constants named in an expression with their
// parenthesised expressions, for the expressions spikevk evaluates per
// neuron or synapse. Names of the model (parameters, states, i, j) are
// left alone, so a constant must not share a name with them.
func (s *scope) substitute(text string, at syntax.Pos) (string, error) {
	if len(s.consts) == 0 {
		return text, nil
	}
	e, err := syntax.ParseExprAt(text, at)
	if err != nil {
		return "", err
	}
	var idents []*syntax.Ident
	var walk func(e syntax.Expr, depth int) error
	walk = func(e syntax.Expr, depth int) error {
		if depth > maxDepth {
			return &syntax.Error{Pos: e.Position(), Msg: "expression nested too deeply"}
		}
		switch n := e.(type) {
		case *syntax.Ident:
			if _, ok := s.consts[n.Name]; ok {
				idents = append(idents, n)
			}
		case *syntax.Unary:
			return walk(n.X, depth+1)
		case *syntax.Binary:
			if err := walk(n.X, depth+1); err != nil {
				return err
			}
			return walk(n.Y, depth+1)
		case *syntax.Call:
			for _, a := range n.Args {
				if err := walk(a, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(e, 0); err != nil {
		return "", err
	}
	// Offsets of the lines of text, to turn positions into byte offsets.
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	offset := func(p syntax.Pos) int {
		line := p.Line - at.Line
		col := p.Col - 1
		if line == 0 {
			col = p.Col - at.Col
		}
		return starts[line] + col
	}
	sort.Slice(idents, func(a, b int) bool { return offset(idents[a].Pos) > offset(idents[b].Pos) })
	out := text
	for _, id := range idents {
		o := offset(id.Pos)
		if o < 0 || o+len(id.Name) > len(out) || out[o:o+len(id.Name)] != id.Name {
			return "", &syntax.Error{Pos: id.Pos, Msg: "internal error: cannot place constant " + id.Name}
		}
		out = out[:o] + s.consts[id.Name].text + out[o+len(id.Name):]
	}
	return out, nil
}

// identRe matches a name of the model language.
var identRe = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// substituteCode replaces the constants named in code written in place
// (equations, threshold, reset, on_pre, on_post) with their parenthesised
// expressions, leaving comments and numbers (1e3) alone. A constant
// takes precedence over a name of the model (builder.declared rejects
// equations that declare one).
func (s *scope) substituteCode(code string) string {
	if len(s.consts) == 0 {
		return code
	}
	lines := strings.Split(code, "\n")
	for k, line := range lines {
		body, comment, _ := strings.Cut(line, "#")
		var out strings.Builder
		last := 0
		for _, m := range identRe.FindAllStringIndex(body, -1) {
			name := body[m[0]:m[1]]
			c, ok := s.consts[name]
			if !ok || m[0] > 0 && (body[m[0]-1] >= '0' && body[m[0]-1] <= '9' || body[m[0]-1] == '.') {
				continue
			}
			out.WriteString(body[last:m[0]])
			out.WriteString(c.text)
			last = m[1]
		}
		out.WriteString(body[last:])
		if strings.Contains(line, "#") {
			out.WriteString("#" + comment)
		}
		lines[k] = out.String()
	}
	return strings.Join(lines, "\n")
}

// define adds a constant.
func (s *scope) define(name, text string, at syntax.Pos) error {
	if !isName(name) {
		return &syntax.Error{Pos: at, Msg: fmt.Sprintf("constant %q: a name is a letter or _ then letters, digits and _", name)}
	}
	if _, ok := units.Lookup(name); ok {
		return &syntax.Error{Pos: at, Msg: fmt.Sprintf("constant %q has the name of a unit", name)}
	}
	if _, ok := mathConstants[name]; ok || contains(reservedNames, name) {
		return &syntax.Error{Pos: at, Msg: fmt.Sprintf("constant %q has a name the model language gives a meaning (i, j, t, dt, N: the group's size, pi, e, inf)", name)}
	}
	q, err := s.evaluate(text, at)
	if err != nil {
		return err
	}
	sub, err := s.substitute(text, at)
	if err != nil {
		return err
	}
	s.consts[name] = constant{q: q, text: "(" + strings.TrimSpace(sub) + ")"}
	return nil
}

// reservedNames mean something in every expression of a group or synapse.
var reservedNames = []string{"i", "j", "t", "dt", "N", "xi", "True", "False"}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for k, c := range s {
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (k == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
