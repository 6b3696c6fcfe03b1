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

// Library returns the built-in neuron models, sorted by name.
func Library() ([]*File, error) { return readLibrary("library/*.yaml", ParseFile) }

// Builtin returns the built-in neuron model called name.
func Builtin(name string) (*File, error) {
	files, err := Library()
	if err != nil {
		return nil, err
	}
	return find(files, name, "model", func(f *File) string { return f.Name })
}

// SynapseLibrary returns the built-in synapse models, sorted by name.
func SynapseLibrary() ([]*SynapseFile, error) {
	return readLibrary("library/synapses/*.yaml", ParseSynapseFile)
}

// BuiltinSynapse returns the built-in synapse model called name.
func BuiltinSynapse(name string) (*SynapseFile, error) {
	files, err := SynapseLibrary()
	if err != nil {
		return nil, err
	}
	return find(files, name, "synapse model", func(f *SynapseFile) string { return f.Name })
}

// readLibrary parses the embedded files that match pattern, in the order
// of their paths.
func readLibrary[T any](pattern string, parse func(path string, data []byte) (T, error)) ([]T, error) {
	paths, err := fs.Glob(libraryFS, pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	files := make([]T, 0, len(paths))
	for _, p := range paths {
		data, err := libraryFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := parse(p, data)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// find returns the file called name, or an error listing the names of
// files, which hold built-in models of the kind what.
func find[T any](files []T, name, what string, nameOf func(T) string) (T, error) {
	names := make([]string, len(files))
	for i, f := range files {
		if nameOf(f) == name {
			return f, nil
		}
		names[i] = nameOf(f)
	}
	var none T
	return none, fmt.Errorf("no built-in %s %q; the built-in %ss are %s", what, name, what, strings.Join(names, ", "))
}
