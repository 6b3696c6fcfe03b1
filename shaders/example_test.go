package shaders_test

import (
	"fmt"

	"github.com/spikevk/spikevk/shaders"
)

// The include files every kernel can use with #include "name".
func ExampleIncludes() {
	for _, name := range shaders.Includes() {
		fmt.Println(name)
	}
	// Output:
	// philox.glsl
	// pmath.glsl
}

func ExampleExpand() {
	src, err := shaders.Expand("#version 450\n#include \"pmath.glsl\"\n#include \"pmath.glsl\"\nvoid main() {}\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = shaders.Expand("#include \"missing.glsl\"\n")
	fmt.Println(len(src) > 1000, err)
	// Output:
	// true source line 1: shaders: no include file "missing.glsl"
}
