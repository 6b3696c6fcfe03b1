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

// Zerlaut2019 is the network file of examples/zerlaut2019, the recurrent
// E/I network of Zerlaut et al. (2019), which `spikevk bench -net zerlaut`
// times.
//
//go:embed zerlaut2019/zerlaut2019.yaml
var Zerlaut2019 []byte

// PD14 is the network file of examples/pd14, the cortical microcircuit of
// Potjans & Diesmann (2014), which `spikevk bench -net pd14` times.
//
//go:embed pd14/pd14.yaml
var PD14 []byte
