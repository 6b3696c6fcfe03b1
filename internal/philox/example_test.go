package philox_test

import (
	"fmt"

	"github.com/spikevk/spikevk/internal/philox"
)

// The random numbers for neuron 7 at time step 100 in stream 3 of the run
// with seed 42: one block of four words, turned into a uniform deviate and a
// pair of normal deviates.
func Example() {
	key := philox.NewKey(42)
	w := philox.Draw(key, 3, 7, 100, 0)
	fmt.Printf("words   %08x\n", w)
	fmt.Printf("uniform %.7f\n", philox.Uniform(w[0]))
	z0, z1 := philox.NormalPair(w[2], w[3])
	fmt.Printf("normal  %.5f %.5f\n", z0, z1)
	// Output:
	// words   [631c87c5 54662336 0fd6f068 3a8ae4ee]
	// uniform 0.3871540
	// normal  0.31505 2.33796
}

// Block is a pure function of counter and key; this is the first of the
// Random123 known-answer vectors.
func ExampleBlock() {
	fmt.Printf("%08x\n", philox.Block(philox.Counter{}, philox.Key{}))
	// Output:
	// [6627e8d5 e169c58d bc57ac4c 9b00dbd8]
}
