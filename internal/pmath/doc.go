// Package pmath is portable float32 math: exp, log, square root, division,
// tanh, pow, sine and cosine computed with the same float32 operations in
// the same order in Go and in GLSL (shaders/include/pmath.glsl), so that
// the CPU reference and every Vulkan device give bit-identical results.
//
// # Rules
//
// Native exp, log, pow, sqrt, division, sin, cos and tanh are allowed
// several ULP of error by Vulkan and differ between drivers and from Go.
// These functions use only what Vulkan rounds correctly: float32 +, − and
// ×, comparisons, floor, integer operations and bit casts. Go could fuse a
// product and a sum into an FMA (it does on arm64 and with GOAMD64=v3), so
// every product here is rounded by an explicit float32 conversion; the
// GLSL twin stores every result in a precise local (SPIR-V NoContraction).
// Constants are float32 literals that the GLSL compiler reads to the same
// float32. Square root and division are correctly rounded, computed on the
// 24-bit significands with 32-bit integer arithmetic.
//
// Each GLSL function is named like its Go twin in snake case with a pm_
// prefix (Exp: pm_exp, logExt: pm_log_ext) and each constant in upper snake
// case with a PM_ prefix (expBig: PM_EXP_BIG). TestGLSLTwin checks that
// names, constants and magic numbers match; TestGLSLCompiles compiles the
// GLSL and checks that no float operation may be fused and no native
// function is used.
//
// # Denormals, infinities and NaN
//
// Devices may flush denormals to zero or keep them. So that both agree,
// every function reads a denormal argument as a zero of the same sign, and
// no function returns a denormal: a result whose magnitude would be below
// 2⁻¹²⁶ is a zero (Exp(−87.4) = 0, Div(2⁻¹²⁶, 2) = 0). No intermediate
// value is denormal either, except where flushing it cannot change the
// result. Infinite results are exact infinities built from bits, and every
// NaN result is the quiet NaN with bits 0x7fc00000, whatever the payload or
// sign of a NaN argument. Each function's documentation lists its special
// cases.
//
// # Accuracy
//
// Errors against float64 math, in units in the last place of the float32
// result (ULP) and relative, over 2²⁰ deterministic inputs per row, as
// measured by
//
//	go test ./internal/pmath -run TestAccuracy -v
//
// which also asserts the bound column. Sqrt and Div are correctly rounded;
// TestCorrectlyRounded checks them bit for bit against float64 arithmetic
// rounded to float32 on 2²⁰ random bit patterns each, and on operands near
// powers of two and the ends of the range.
//
//	function  inputs                               max ULP  max rel   bound
//	Exp       [−87.3, 88.7] uniform                   0.96  7.9e−8     1
//	          ±[2⁻³⁰, 2⁶·⁴] log-uniform                0.93  7.8e−8     1
//	Log       every positive normal (random bits)     0.57  6.1e−8     1
//	          [0.5, 2] uniform                        0.65  6.3e−8     1
//	Sqrt      every normal                            0.5   correctly rounded
//	Div       normal quotients                        0.5   correctly rounded
//	Tanh      ±[2⁻²⁰, 16] log-uniform                 1.25  1.3e−7     3
//	          [−10, 10] uniform                       1.27  1.4e−7     3
//	Sin, Cos  [−π, π] uniform                         1.48  1.2e−7     1.6
//	          ±[2⁻²⁰, 2²⁰] log-uniform                1.47  1.2e−7     1.6
//	          every finite normal (random bits)       1.52  1.2e−7     1.6
//	Pow       |y·ln x| ≤ 1                            0.97  8.0e−8     1
//	          |y·ln x| ≤ 10                           1.50  1.2e−7     2
//	          |y·ln x| ≤ 30                           3.70  3.2e−7     5
//	          |y·ln x| ≤ 87                           9.16  7.7e−7     13
//	          x ∈ [0, 4], y ∈ [−8, 8] uniform         1.25  1.0e−7     1.5
//
// Sin and Cos are accurate for every finite argument: their argument
// reduction is exact (Payne–Hanek, in integer arithmetic). Pow computes
// e**(y·log x) with log x to about 2⁻²⁸ relative and the product y·log x
// exact, so its error grows with |y·ln x| = |ln Pow(x, y)|, by about one
// ULP per 10.
//
// # Sources
//
// The polynomials are Cephes' single precision ones by Stephen L. Moshier
// (Cephes Math Library 2.2: expf.c, logf.c, tanhf.c, sinf.c). The
// reduction constants and the digit-by-digit square root follow fdlibm
// (e_expf.c, e_sqrtf.c, k_rem_pio2.c). Error-free sums and products are
// Knuth's TwoSum and Dekker's Fast2Sum and TwoProduct with Veltkamp's
// splitting (T. J. Dekker, "A floating-point technique for extending the
// available precision", Numer. Math. 18, 1971). The Sin and Cos reduction
// is M. Payne and R. Hanek, "Radian reduction for trigonometric functions",
// SIGNUM Newsletter 18(1), 1983.
package pmath
