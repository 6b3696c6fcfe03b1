//go:build !(goexperiment.simd && amd64)

package philox

// HasBlock8 is false without the simd experiment on amd64: Block8 is Draw
// eight times.
var HasBlock8 = false

// Block8 returns the first two words of Draw(k, stream, index+j, step,
// call) for j = 0 … 7 (w0[j] and w1[j]).
func Block8(k Key, stream, index, step, call uint32) (w0, w1 [8]uint32) {
	for j := range 8 {
		w := Draw(k, stream, index+uint32(j), step, call)
		w0[j], w1[j] = w[0], w[1]
	}
	return w0, w1
}
