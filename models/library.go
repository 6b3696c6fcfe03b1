package models

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed library/*.yaml library/synapses/*.yaml
var libraryFS embed.FS

// Library returns the built-in models, sorted by name.
func Library() ([]*File, error) {
	paths, err := fs.Glob(libraryFS, "library/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	files := make([]*File, 0, len(paths))
	for _, p := range paths {
		data, err := libraryFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := ParseFile(p, data)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// Builtin returns the built-in model called name.
func Builtin(name string) (*File, error) {
	files, err := Library()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		if f.Name == name {
			return f, nil
		}
		names[i] = f.Name
	}
	return nil, fmt.Errorf("no built-in model %q; the built-in models are %s", name, strings.Join(names, ", "))
}
