package syntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// tree prints e fully parenthesised, one list per operation, so that tests see
// its structure: (+ a (* b c)); a unary operation has one operand, (- x).
func tree(e Expr) string {
	switch n := e.(type) {
	case *Number:
		return n.Text
	case *Ident:
		return n.Name
	case *Bool:
		return fmt.Sprint(n.Value)
	case *Unary:
		return "(" + n.Op + " " + tree(n.X) + ")"
	case *Binary:
		return "(" + n.Op + " " + tree(n.X) + " " + tree(n.Y) + ")"
	case *Call:
		s := "(call " + n.Func
		for _, a := range n.Args {
			s += " " + tree(a)
		}
		return s + ")"
	}
	return fmt.Sprintf("<%T>", e)
}

// equalExpr reports whether a and b have the same structure, ignoring positions.
func equalExpr(a, b Expr) bool {
	switch x := a.(type) {
	case *Number:
		y, ok := b.(*Number)
		return ok && x.Text == y.Text && x.Value == y.Value
	case *Ident:
		y, ok := b.(*Ident)
		return ok && x.Name == y.Name
	case *Bool:
		y, ok := b.(*Bool)
		return ok && x.Value == y.Value
	case *Unary:
		y, ok := b.(*Unary)
		return ok && x.Op == y.Op && equalExpr(x.X, y.X)
	case *Binary:
		y, ok := b.(*Binary)
		return ok && x.Op == y.Op && equalExpr(x.X, y.X) && equalExpr(x.Y, y.Y)
	case *Call:
		y, ok := b.(*Call)
		if !ok || x.Func != y.Func || len(x.Args) != len(y.Args) {
			return false
		}
		for i := range x.Args {
			if !equalExpr(x.Args[i], y.Args[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func TestParseExpr(t *testing.T) {
	tests := []struct {
		src, tree, canon string
	}{
		// Numbers.
		{"3", "3", "3"},
		{"0.5", "0.5", "0.5"},
		{".5", ".5", ".5"},
		{"5.", "5.", "5."},
		{"1e-3", "1e-3", "1e-3"},
		{"2.5E+4", "2.5E+4", "2.5E+4"},
		{"True", "true", "True"},
		{"False", "false", "False"},
		// Names, units as names.
		{"v_pre", "v_pre", "v_pre"},
		{"xi_1", "xi_1", "xi_1"},
		{"-65*mV", "(* (- 65) mV)", "-65*mV"},
		{"10*ms", "(* 10 ms)", "10*ms"},
		// Precedence and associativity.
		{"a + b*c", "(+ a (* b c))", "a + b*c"},
		{"(a + b)*c", "(* (+ a b) c)", "(a + b)*c"},
		{"a - b - c", "(- (- a b) c)", "a - b - c"},
		{"a - (b - c)", "(- a (- b c))", "a - (b - c)"},
		{"a / b / c", "(/ (/ a b) c)", "a/b/c"},
		{"a / (b * c)", "(/ a (* b c))", "a/(b*c)"},
		{"a // b % c", "(% (// a b) c)", "a//b%c"},
		{"a**b**c", "(** a (** b c))", "a**b**c"},
		{"(a**b)**c", "(** (** a b) c)", "(a**b)**c"},
		{"-x**2", "(- (** x 2))", "-x**2"},
		{"(-x)**2", "(** (- x) 2)", "(-x)**2"},
		{"2**-1", "(** 2 (- 1))", "2**-1"},
		{"a**-b**c", "(** a (- (** b c)))", "a**-b**c"},
		{"- -x", "(- (- x))", "--x"},
		{"+x", "(+ x)", "+x"},
		{"a - -b", "(- a (- b))", "a - -b"},
		{"-(a + b)", "(- (+ a b))", "-(a + b)"},
		{"mV**-1", "(** mV (- 1))", "mV**-1"},
		// Comparisons and logic.
		{"v > vt", "(> v vt)", "v > vt"},
		{"v >= vt + 2*mV", "(>= v (+ vt (* 2 mV)))", "v >= vt + 2*mV"},
		{"a == b", "(== a b)", "a == b"},
		{"a != b", "(!= a b)", "a != b"},
		{"a <= b", "(<= a b)", "a <= b"},
		{"(a < b) == c", "(== (< a b) c)", "(a < b) == c"},
		{"a and b or c", "(or (and a b) c)", "a and b or c"},
		{"a or b and c", "(or a (and b c))", "a or b and c"},
		{"(a or b) and c", "(and (or a b) c)", "(a or b) and c"},
		{"not a < b", "(not (< a b))", "not a < b"},
		{"not a and b", "(and (not a) b)", "not a and b"},
		{"not (a and b)", "(not (and a b))", "not (a and b)"},
		{"not not a", "(not (not a))", "not not a"},
		{"-(not a)", "(- (not a))", "-(not a)"},
		{"v > vt and not_refractory", "(and (> v vt) not_refractory)", "v > vt and not_refractory"},
		// Calls.
		{"rand()", "(call rand)", "rand()"},
		{"exp(-t/tau)", "(call exp (/ (- t) tau))", "exp(-t/tau)"},
		{"clip(w + a, 0, wmax)", "(call clip (+ w a) 0 wmax)", "clip(w + a, 0, wmax)"},
		{"stimulus(t, i)", "(call stimulus t i)", "stimulus(t, i)"},
		{"f(a,)", "(call f a)", "f(a)"},
		{"rand() < p*dt", "(< (call rand) (* p dt))", "rand() < p*dt"},
		// Blanks, newlines and comments.
		{"  a\n + b # comment", "(+ a b)", "a + b"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.src)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.src, err)
			continue
		}
		if got := tree(e); got != tt.tree {
			t.Errorf("ParseExpr(%q) = %s, want %s", tt.src, got, tt.tree)
		}
		if got := Print(e); got != tt.canon {
			t.Errorf("Print(ParseExpr(%q)) = %q, want %q", tt.src, got, tt.canon)
		}
		back, err := ParseExpr(Print(e))
		if err != nil || !equalExpr(e, back) {
			t.Errorf("ParseExpr(Print(%q)) = %v, %v; want %s", tt.src, back, err, tree(e))
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"", "1:1: expected an expression"},
		{"2 *", `1:4: expected an expression after "*"`},
		{"2 * )", `1:5: expected an expression after "*", found ")"`},
		{"exp((v - vt)/dT", "1:4: unbalanced parenthesis opened at 1:4"},
		{"(a + b", "1:1: unbalanced parenthesis opened at 1:1"},
		{"a + b)", `1:6: unexpected ")" without a matching "("`},
		{"2 v", `1:3: missing operator between "2" and "v"`},
		{"10ms", `1:1: "10ms" is not a number: write "10*ms"`},
		{"a & b", `1:3: unexpected "&": write "and"`},
		{"a | b", `1:3: unexpected "|": write "or"`},
		{"v^2", `1:2: unexpected "^": write "**" for a power`},
		{"a < b < c", `1:7: chained comparisons are not supported: write "a < b and b < c"`},
		{"v = vt", `1:3: unexpected "=": write "==" to compare`},
		{"a + not b", `1:5: expected an expression after "+", found "not"`},
		{"x if c else y", `1:3: missing operator between "x" and "if"`},
		{"lambda", `1:1: "lambda" is a Python keyword and cannot be used in an expression`},
		{"1e999", "1:1: number 1e999 is too large"},
		{"τ*2", `1:1: unexpected character "τ": names use only the letters a-z and A-Z, digits and "_"`},
		{"f(a b)", `1:5: missing operator between "a" and "b"`},
		{"f(a; b)", `1:4: expected ")" to close the parenthesis opened at 1:2, found ";"`},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "1:201: expression nested too deeply (more than 200 levels)"},
		{strings.Repeat("-", 300) + "1", "1:201: expression nested too deeply (more than 200 levels)"},
		{strings.Repeat("not ", 300) + "a", "1:801: expression nested too deeply (more than 200 levels)"},
		{"1" + strings.Repeat(" + 1", 20001), "1:80003: expression too long (more than 20000 operations): split it into subexpressions"},
		{strings.Repeat("2**", 300) + "2", "1:602: expression nested too deeply (more than 200 levels)"},
		{strings.Repeat("f(", 300), "1:402: expression nested too deeply (more than 200 levels)"},
		{"a, b", `1:2: unexpected ","`},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.src)
		if err == nil {
			t.Errorf("ParseExpr(%q): no error, want %q", tt.src, tt.msg)
			continue
		}
		if err.Error() != tt.msg {
			t.Errorf("ParseExpr(%q): error %q, want %q", tt.src, err, tt.msg)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("ParseExpr(%q): error %T is not an *Error", tt.src, err)
		}
	}
}

func TestParseExprAt(t *testing.T) {
	_, err := ParseExprAt("v >\n vt +", Pos{File: "net.yaml", Line: 12, Col: 16})
	if want := `net.yaml:13:6: expected an expression after "+"`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	e, err := ParseExprAt("v > vt", Pos{File: "net.yaml", Line: 12, Col: 16})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Position(), (Pos{File: "net.yaml", Line: 12, Col: 18}); got != want {
		t.Errorf("position of > is %v, want %v", got, want)
	}
}

func TestIdentifiers(t *testing.T) {
	e, err := ParseExpr("g_c*(v_pre - v_post) + exp(v_pre/mV) + rand()")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Identifiers(e), " ")
	if want := "g_c v_pre v_post mV"; got != want {
		t.Errorf("Identifiers = %q, want %q", got, want)
	}
}

func TestParseStatements(t *testing.T) {
	src := "\n  ge += w  # excitatory\n Apre += dApre; w = clip(w + Apost, 0, gmax)\n\nv_post -= 2*mV\nx *= 0.5; y /= 2; z //= 2; q %= 3; r **= 2\n"
	stmts, err := ParseStatements(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stmts {
		got = append(got, fmt.Sprintf("%v %s", s.Pos, s))
	}
	want := []string{
		"2:3 ge += w", "3:2 Apre += dApre", "3:17 w = clip(w + Apost, 0, gmax)", "5:1 v_post -= 2*mV",
		"6:1 x *= 0.5", "6:11 y /= 2", "6:19 z //= 2", "6:28 q %= 3", "6:36 r **= 2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseStatementsErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"v == v_r", `1:3: "==" compares: write "=" to assign`},
		{"v", `1:1: expected an assignment such as "v = ..." or "v += ..."`},
		{"v += ", `1:5: expected an expression after "+="`},
		{"3 = v", `1:1: expected a statement such as "v = v_reset" or "ge += w", found "3"`},
		{"if = 2", `1:1: "if" is a Python keyword and cannot be assigned to`},
		{"v = (v_r +\n 2*mV)", "1:11: expected an expression after \"+\"\n2:2: expected a statement such as \"v = v_reset\" or \"ge += w\", found \"2\""},
		{"a = 1\nb = \nc = 2 3", "2:4: expected an expression after \"=\"\n3:7: missing operator between \"2\" and \"3\""},
	}
	for _, tt := range tests {
		_, err := ParseStatements(tt.src)
		if err == nil {
			t.Errorf("ParseStatements(%q): no error, want %q", tt.src, tt.msg)
			continue
		}
		if err.Error() != tt.msg {
			t.Errorf("ParseStatements(%q): error %q, want %q", tt.src, err, tt.msg)
		}
	}
}

func TestNodes(t *testing.T) {
	e, err := ParseExprAt("f(1.5, x) or False", Pos{})
	if err != nil {
		t.Fatal(err)
	}
	or := e.(*Binary)
	call := or.X.(*Call)
	var got []string
	for _, n := range []Expr{or, call, call.Args[0], call.Args[1], or.Y} {
		got = append(got, fmt.Sprintf("%v %s", n.Position(), n))
	}
	want := "1:11 f(1.5, x) or False|1:1 f(1.5, x)|1:3 1.5|1:8 x|1:14 False"
	if strings.Join(got, "|") != want {
		t.Errorf("got %s, want %s", strings.Join(got, "|"), want)
	}
	if s := (&Number{Value: 0.25}).String(); s != "0.25" {
		t.Errorf("Number without text prints %q", s)
	}
	if s := Kind(0).String(); s != "Kind(0)" {
		t.Errorf("Kind(0).String() = %q", s)
	}
}

func TestLookup(t *testing.T) {
	eqs, err := ParseEquations("dv/dt = -v/tau : volt\ntau : second (constant)", "")
	if err != nil {
		t.Fatal(err)
	}
	if eq := eqs.Lookup("tau"); eq == nil || eq.Kind != Parameter || !eq.HasFlag("constant") || eq.HasFlag("shared") {
		t.Errorf("Lookup(tau) = %+v", eq)
	}
	if eq := eqs.Lookup("w"); eq != nil {
		t.Errorf("Lookup(w) = %+v, want nil", eq)
	}
}

// TestMultiLine checks Brian2's rule that an expression runs to the next ":".
func TestMultiLine(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x = a > 0 and\n    b : boolean\n", "x = a > 0 and b : boolean\n"},
		{"I = a +\n b : amp", "I = a + b : amp\n"},
		{"dv/dt = -v\n/tau\n: volt\nw : 1", "dv/dt = -v/tau : volt\nw : 1\n"},
		{"dv/dt = f(a,  # first\n  b) : 1 (constant over dt)", "dv/dt = f(a, b) : 1 (constant over dt)\n"},
		{"s = (a\n  + b)\n  * c : 1\r\nq : 1\r\n", "s = (a + b)*c : 1\nq : 1\n"},
	}
	for _, tt := range tests {
		eqs, err := ParseEquations(tt.src, "")
		if err != nil {
			t.Errorf("ParseEquations(%q): %v", tt.src, err)
			continue
		}
		if got := eqs.String(); got != tt.want {
			t.Errorf("ParseEquations(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
