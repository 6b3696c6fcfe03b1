//go:build nohdf5

package main

import (
	"errors"
	"io"
)

// errNoHDF5 is the answer of the SONATA commands in a build without HDF5
// (go build -tags nohdf5, for a machine without libhdf5).
var errNoHDF5 = errors.New("this spikevk was built without HDF5 (-tags nohdf5), which SONATA files need: build it without the tag where libhdf5 is installed (Debian: libhdf5-dev)")

func exportCmd([]string, io.Writer, io.Writer) error       { return errNoHDF5 }
func runSONATA([]string, io.Writer, io.Writer) error       { return errNoHDF5 }
func importSpikesCmd([]string, io.Writer, io.Writer) error { return errNoHDF5 }
