package shaders

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	inc := Includes()
	if len(inc) == 0 {
		t.Fatal("no embedded include files")
	}
	body, err := Include(inc[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src, want, errPart string
	}{
		{"no includes", "a\nb\n", "a\nb\n", ""},
		{"include", "x\n#include \"" + inc[0] + "\"\ny\n", "x\n" + body + "y\n", ""},
		{"spaces", "  #  include   \"" + inc[0] + "\"  \n", body, ""},
		{"twice", "#include \"" + inc[0] + "\"\n#include \"" + inc[0] + "\"\n", body, ""},
		{"missing", "a\nb\n#include \"nope.glsl\"\n", "", `source line 3: shaders: no include file "nope.glsl"`},
		{"not a directive", "// #include \"nope.glsl\"\n", "// #include \"nope.glsl\"\n", ""},
	} {
		got, err := Expand(tc.src)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.errPart)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		} else if got != tc.want {
			t.Errorf("%s: got\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

func TestNumbered(t *testing.T) {
	src := strings.Repeat("x\n", 9) + "last\n"
	got := numbered(src)
	if !strings.HasPrefix(got, " 1  x\n") || !strings.HasSuffix(got, "10  last\n") {
		t.Errorf("numbered:\n%s", got)
	}
}

// FuzzExpand checks that Expand never panics and that its output, when it
// succeeds, is fully expanded: expanding it again changes nothing.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"", "#include \"philox.glsl\"\n", "#include \"x\"", "a\n#include\"pmath.glsl\"\r\n", "#  include \"\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := Expand(src)
		if err != nil {
			return
		}
		again, err := Expand(out)
		if err != nil || again != out {
			t.Fatalf("expanding the expanded source changed it (err %v)", err)
		}
	})
}

func requireGlslc(t *testing.T) {
	if _, err := exec.LookPath("glslc"); err != nil {
		if os.Getenv("SPIKEVK_REQUIRE_GPU") == "1" {
			t.Fatal("glslc is not installed")
		}
		t.Skip("glslc is not installed")
	}
}

func TestCompileErrorShowsNumberedSource(t *testing.T) {
	requireGlslc(t)
	c := &Compiler{Glslc: "glslc"}
	src := "#version 450\nlayout(local_size_x = 1) in;\nvoid main() {\n\tfloat x = undefined_thing;\n}\n"
	_, err := c.Compile("broken", src, Options{})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CompileError", err)
	}
	msg := err.Error()
	for _, want := range []string{"compile broken", ":4: error", "undefined_thing", "4  \tfloat x = undefined_thing;"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error message lacks %q:\n%s", want, msg)
		}
	}
}

func TestCompileCache(t *testing.T) {
	requireGlslc(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	// A glslc wrapper that counts compilations.
	wrapper := filepath.Join(dir, "glslc")
	script := "#!/bin/sh\n[ \"$1\" = --version ] || echo x >> " + log + "\nexec glslc \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "#version 450\nlayout(local_size_x = 1) in;\nvoid main() {}\n"
	calls := func() int {
		b, _ := os.ReadFile(log)
		return strings.Count(string(b), "x")
	}
	for i, tc := range []struct {
		opts  Options
		calls int
	}{
		{Options{}, 1},
		{Options{}, 1}, // cached
		{Options{Defines: map[string]string{"N": "4"}}, 2},
		{Options{Defines: map[string]string{"N": "4"}}, 2}, // cached
	} {
		c := &Compiler{Glslc: wrapper, CacheDir: filepath.Join(dir, "cache")}
		words, err := c.Compile("empty", src, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if words[0] != 0x07230203 {
			t.Fatalf("compile %d: not SPIR-V", i)
		}
		if got := calls(); got != tc.calls {
			t.Errorf("after compile %d: glslc ran %d times, want %d", i, got, tc.calls)
		}
	}
}

func TestMissingCompiler(t *testing.T) {
	c := &Compiler{Glslc: filepath.Join(t.TempDir(), "no-glslc")}
	_, err := c.Compile("x", "#version 450\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "install glslc") {
		t.Errorf("err = %v, want advice to install glslc", err)
	}
}

func TestWords(t *testing.T) {
	good := []byte{0x03, 0x02, 0x23, 0x07, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	if w, err := Words(good); err != nil || len(w) != 5 {
		t.Errorf("Words(good) = %v, %v", w, err)
	}
	for _, bad := range [][]byte{nil, good[:19], append([]byte{0, 0, 0, 0}, good[4:]...)} {
		if _, err := Words(bad); err == nil {
			t.Errorf("Words(%v): no error", bad)
		}
	}
}

func TestKernelsCompile(t *testing.T) {
	requireGlslc(t)
	for _, name := range []string{"smoke"} {
		src, err := Kernel(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&Compiler{Glslc: "glslc"}).Compile(name, src, Options{}); err != nil {
			t.Error(err)
		}
	}
	if _, err := Kernel("nope"); err == nil {
		t.Error("Kernel(nope): no error")
	}
}

// FuzzWords checks that Words never panics and accepts only whole words
// that start with the SPIR-V magic number.
func FuzzWords(f *testing.F) {
	f.Add([]byte{0x03, 0x02, 0x23, 0x07, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := Words(b)
		if err != nil {
			return
		}
		if len(w) != len(b)/4 || len(b)%4 != 0 || w[0] != 0x07230203 {
			t.Fatalf("accepted %d bytes as %d words starting %#x", len(b), len(w), w[0])
		}
	})
}
