// Package atomicfile writes files that appear complete or not at all, even
// across a power loss: each is written under a temporary name in its
// folder, flushed to the disk, renamed, and the folder flushed too.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Write calls write with a temporary path next to path, to create the
// file there, then flushes it and renames it to path (mode 0644). On an
// error nothing is left behind and a file already at path is untouched.
func Write(path string, write func(tmp string) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil { // CreateTemp makes 0600
		os.Remove(tmp)
		return err
	}
	if err := sync(tmp); err != nil { // on disk before the rename, so a power loss leaves no empty file
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return sync(filepath.Dir(path)) // the rename itself
}

// WriteFile writes data to path as Write does.
func WriteFile(path string, data []byte) error {
	return Write(path, func(tmp string) error { return os.WriteFile(tmp, data, 0o644) })
}

// sync flushes a file, or a folder's entries, to the disk.
func sync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// temporary matches the names Write gives its temporary files.
var temporary = regexp.MustCompile(`^\..+\.[0-9]+$`)

// RemoveTemporaries removes from dir the temporary files of writes that
// never finished, such as a killed process leaves behind.
func RemoveTemporaries(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && temporary.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
