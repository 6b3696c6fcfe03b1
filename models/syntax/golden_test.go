package syntax

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output:\n%s", path, got)
	}
}

// dumpEquations prints every field of the equations, the expression both in
// canonical form and as a tree.
func dumpEquations(eqs *Equations) string {
	var b strings.Builder
	for _, eq := range eqs.Eqs {
		fmt.Fprintf(&b, "%v %v %s\n", eq.Pos, eq.Kind, eq.Var)
		if eq.Expr != nil {
			fmt.Fprintf(&b, "\texpr  %s\n\ttree  %s\n\tnames %s\n", eq.Expr, tree(eq.Expr), strings.Join(Identifiers(eq.Expr), " "))
		}
		fmt.Fprintf(&b, "\tunit  %q at %v\n", eq.Unit, eq.UnitPos)
		for _, f := range eq.Flags {
			fmt.Fprintf(&b, "\tflag  %q at %v\n", f.Name, f.Pos)
		}
	}
	b.WriteString("canonical:\n" + eqs.String())
	return b.String()
}

func dumpStatements(stmts []Stmt) string {
	var b strings.Builder
	for _, s := range stmts {
		fmt.Fprintf(&b, "%v %s\n\ttree %s\n", s.Pos, s, tree(s.Expr))
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		ext := filepath.Ext(path)
		if ext != ".eqs" && ext != ".stmts" {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(path), ext)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if ext == ".eqs" {
				eqs, err := ParseEquations(string(src), filepath.Base(path))
				if err != nil {
					t.Fatal(err)
				}
				got = dumpEquations(eqs)
				// The canonical form parses back to the same equations.
				again, err := ParseEquations(eqs.String(), "")
				if err != nil || again.String() != eqs.String() {
					t.Errorf("canonical form does not parse back: %v\n%s", err, again)
				}
			} else {
				stmts, err := ParseStatements(string(src))
				if err != nil {
					t.Fatal(err)
				}
				got = dumpStatements(stmts)
			}
			checkGolden(t, name+".golden", got)
		})
	}
}

// TestErrorsGolden runs the bad inputs of testdata/errors.txt.
func TestErrorsGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "errors.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	cases := strings.Split(string(src), "\n=== ")
	for _, c := range cases[1:] {
		header, input, _ := strings.Cut(c, "\n")
		kind, _, _ := strings.Cut(header, ":")
		switch kind {
		case "eqs":
			_, err = ParseEquations(input, "model.eqs")
		case "expr":
			_, err = ParseExpr(input)
		case "stmts":
			_, err = ParseStatements(input)
		default:
			t.Fatalf("case %q: unknown kind %q", header, kind)
		}
		if err == nil {
			t.Errorf("case %q: no error", header)
			continue
		}
		fmt.Fprintf(&b, "=== %s\n%v\n\n", header, err)
	}
	checkGolden(t, "errors.golden", b.String())
}
