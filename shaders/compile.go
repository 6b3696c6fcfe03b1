package shaders

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Environment variables that configure the default compiler.
const (
	EnvGlslc = "SPIKEVK_GLSLC"        // path of glslc (default: glslc on PATH)
	EnvCache = "SPIKEVK_SHADER_CACHE" // cache folder; "off" disables the cache
)

// Options are compile options beyond the source.
type Options struct {
	Defines map[string]string // preprocessor macros (-DNAME=VALUE)
}

// Compiler turns GLSL compute shaders into SPIR-V with glslc.
type Compiler struct {
	Glslc    string // glslc executable
	CacheDir string // folder for cached SPIR-V; empty: no cache

	versionOnce sync.Once
	version     string
	versionErr  error
}

// CompileError is a shader that glslc rejected.
type CompileError struct {
	Name   string // the kernel's name
	Log    string // glslc's messages; line numbers refer to Source
	Source string // the expanded source that was compiled
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("shaders: compile %s:\n%s\nsource:\n%s", e.Name, strings.TrimSpace(e.Log), numbered(e.Source))
}

var (
	defaultOnce     sync.Once
	defaultCompiler *Compiler
)

// Default returns the compiler configured from the environment: glslc from
// $SPIKEVK_GLSLC or PATH, the cache in $SPIKEVK_SHADER_CACHE or the user's
// cache folder (spikevk/spirv).
func Default() *Compiler {
	defaultOnce.Do(func() {
		c := &Compiler{Glslc: os.Getenv(EnvGlslc)}
		if c.Glslc == "" {
			c.Glslc = "glslc"
		}
		switch dir := os.Getenv(EnvCache); dir {
		case "off":
		case "":
			if base, err := os.UserCacheDir(); err == nil {
				c.CacheDir = filepath.Join(base, "spikevk", "spirv")
			}
		default:
			c.CacheDir = dir
		}
		defaultCompiler = c
	})
	return defaultCompiler
}

// Compile compiles with the default compiler.
func Compile(name, src string, opts Options) ([]uint32, error) {
	return Default().Compile(name, src, opts)
}

// Compile expands src's includes and compiles it as a compute shader for
// Vulkan 1.1, returning SPIR-V words. name appears in errors.
func (c *Compiler) Compile(name, src string, opts Options) ([]uint32, error) {
	src, err := Expand(src)
	if err != nil {
		return nil, fmt.Errorf("shaders: %s: %w", name, err)
	}
	version, err := c.glslcVersion()
	if err != nil {
		return nil, err
	}
	args := []string{"-fshader-stage=compute", "--target-env=vulkan1.1"}
	keys := make([]string, 0, len(opts.Defines))
	for k := range opts.Defines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-D"+k+"="+opts.Defines[k])
	}
	key := cacheKey(version, args, src)
	if words, ok := c.cached(key); ok {
		return words, nil
	}
	args = append(args, "-o", "-", "-")
	cmd := exec.Command(c.Glslc, args...)
	cmd.Stdin = strings.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, &CompileError{Name: name, Log: stderr.String(), Source: src}
		}
		return nil, fmt.Errorf("shaders: compile %s: run %s: %w", name, c.Glslc, err)
	}
	words, err := Words(stdout.Bytes())
	if err != nil {
		return nil, fmt.Errorf("shaders: compile %s: %w", name, err)
	}
	c.store(key, stdout.Bytes())
	return words, nil
}

func (c *Compiler) glslcVersion() (string, error) {
	c.versionOnce.Do(func() {
		out, err := exec.Command(c.Glslc, "--version").Output()
		if err != nil {
			c.versionErr = fmt.Errorf("shaders: cannot run the GLSL compiler %q (%v); install glslc (Debian: apt-get install glslc, or `make setup`) or set %s", c.Glslc, err, EnvGlslc)
			return
		}
		c.version = string(out)
	})
	return c.version, c.versionErr
}

func cacheKey(version string, args []string, src string) string {
	h := sha256.New()
	for _, s := range append([]string{version, src}, args...) {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Compiler) cached(key string) ([]uint32, bool) {
	if c.CacheDir == "" {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(c.CacheDir, key+".spv"))
	if err != nil {
		return nil, false
	}
	words, err := Words(b)
	return words, err == nil
}

// store writes the SPIR-V to the cache atomically; a failure only costs a
// later recompile, so it is ignored.
func (c *Compiler) store(key string, spv []byte) {
	if c.CacheDir == "" || os.MkdirAll(c.CacheDir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.CacheDir, key+".*.tmp")
	if err != nil {
		return
	}
	_, werr := tmp.Write(spv)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(c.CacheDir, key+".spv")) != nil {
		os.Remove(tmp.Name())
	}
}

// Words converts SPIR-V bytes (little-endian) to words and checks the magic
// number.
func Words(b []byte) ([]uint32, error) {
	if len(b) < 20 || len(b)%4 != 0 {
		return nil, fmt.Errorf("not SPIR-V: %d bytes", len(b))
	}
	w := make([]uint32, len(b)/4)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	if w[0] != 0x07230203 {
		return nil, fmt.Errorf("not SPIR-V: magic %#x", w[0])
	}
	return w, nil
}
