package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds the testdata files with extension ext and the given strings to f's corpus.
func addSeeds(f *testing.F, ext string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
	if ext == "" {
		files = nil
	}
	for _, path := range files {
		if src, err := os.ReadFile(path); err == nil {
			f.Add(string(src))
		}
	}
	for _, s := range extra {
		f.Add(s)
	}
}

// checkRoundTrip fails unless e prints to text that parses back to e.
func checkRoundTrip(t *testing.T, e Expr) {
	t.Helper()
	text := Print(e)
	back, err := ParseExpr(text)
	if err != nil {
		t.Fatalf("Print gave %q, which does not parse: %v", text, err)
	}
	if !equalExpr(e, back) {
		t.Fatalf("Print gave %q, which parses to %s instead of %s", text, tree(back), tree(e))
	}
}

func FuzzParseExpr(f *testing.F) {
	addSeeds(f, "", "-x**2", "a and not b or c < d", "f(a, -b)**-2", "(1e-3 + .5)//2 % 3",
		"exp((v - vt)/dT", "v > vt & x", "10ms", "((((", "a < b < c", "True == False")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			if e != nil {
				t.Fatalf("ParseExpr(%q) returned both an expression and an error", src)
			}
			return
		}
		checkRoundTrip(t, e)
	})
}

func FuzzParseEquations(f *testing.F) {
	addSeeds(f, ".eqs", "dv/dt = -v/tau\ndw/dt = -w/tau : 1", "x : 1 (constant", "I = : amp", "v : volt\nv : volt")
	f.Fuzz(func(t *testing.T, src string) {
		eqs, err := ParseEquations(src, "fuzz.eqs")
		if err != nil {
			if list, ok := err.(ErrorList); !ok || len(list) == 0 || len(list) > maxErrors {
				t.Fatalf("error %T with %d entries", err, len(list))
			}
			return
		}
		for _, eq := range eqs.Eqs {
			if (eq.Expr == nil) != (eq.Kind == Parameter) || eq.Unit == "" {
				t.Fatalf("bad equation %+v", eq)
			}
			if eq.Expr != nil {
				checkRoundTrip(t, eq.Expr)
			}
		}
		again, err := ParseEquations(eqs.String(), "")
		if err != nil || again.String() != eqs.String() {
			t.Fatalf("canonical form %q does not parse back: %v", eqs.String(), err)
		}
	})
}

func FuzzParseStatements(f *testing.F) {
	addSeeds(f, ".stmts", "v = v_r; w += b", "v == 1", "x = (1 +\n2)")
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := ParseStatements(src)
		if err != nil {
			return
		}
		var lines []string
		for _, s := range stmts {
			checkRoundTrip(t, s.Expr)
			lines = append(lines, s.String())
		}
		again, err := ParseStatements(strings.Join(lines, "\n"))
		if err != nil || len(again) != len(stmts) {
			t.Fatalf("canonical form %q does not parse back: %v", lines, err)
		}
	})
}
