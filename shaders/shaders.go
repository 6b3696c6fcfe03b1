// Package shaders holds spikevk's GLSL sources and includes, embedded in the
// binary, and compiles GLSL compute shaders to SPIR-V at run time with glslc,
// caching the results on disk by a hash of the source, the options and the
// compiler version.
//
// Sources include shared files with `#include "name.glsl"`; Expand replaces
// each such line by the embedded file (once per file), so the source glslc
// sees, and the one a compile error prints with line numbers, is complete.
package shaders

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

//go:embed include/*.glsl kernels/*.comp
var files embed.FS

// Kernel returns the embedded kernel source kernels/name.comp, expanded.
func Kernel(name string) (string, error) {
	b, err := files.ReadFile("kernels/" + name + ".comp")
	if err != nil {
		return "", fmt.Errorf("shaders: no kernel %q", name)
	}
	return Expand(string(b))
}

// Include returns the embedded include file include/name.
func Include(name string) (string, error) {
	b, err := files.ReadFile("include/" + name)
	if err != nil {
		return "", fmt.Errorf("shaders: no include file %q", name)
	}
	return string(b), nil
}

// Includes lists the embedded include files.
func Includes() []string {
	names, _ := fs.Glob(files, "include/*.glsl")
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "include/")
	}
	return names
}

var includeLine = regexp.MustCompile(`^\s*#\s*include\s+"([^"]+)"\s*$`)

// Expand replaces every `#include "file"` line of src by the embedded include
// file, recursively; a file already included is skipped.
func Expand(src string) (string, error) {
	var out strings.Builder
	if err := expand(&out, src, "source", map[string]bool{}); err != nil {
		return "", err
	}
	return out.String(), nil
}

func expand(out *strings.Builder, src, from string, seen map[string]bool) error {
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		m := includeLine.FindStringSubmatch(sc.Text())
		if m == nil {
			out.WriteString(sc.Text())
			out.WriteByte('\n')
			continue
		}
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		inc, err := Include(m[1])
		if err != nil {
			return fmt.Errorf("%s line %d: %w", from, line, err)
		}
		if err := expand(out, inc, m[1], seen); err != nil {
			return err
		}
	}
	return sc.Err()
}

// numbered returns src with a line number in front of every line.
func numbered(src string) string {
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	var b strings.Builder
	width := len(fmt.Sprint(len(lines)))
	for i, l := range lines {
		fmt.Fprintf(&b, "%*d  %s\n", width, i+1, l)
	}
	return b.String()
}
