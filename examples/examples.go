// Package examples holds the example networks, each in its folder with
// its network file and README; the default network of `spikevk run` is
// examples/coba.
package examples

import _ "embed"

// COBA is the network file of examples/coba, the COBA benchmark network,
// which `spikevk run` runs when given no file.
//
//go:embed coba/coba.yaml
var COBA []byte
