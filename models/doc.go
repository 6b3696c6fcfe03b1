// Package models compiles neuron models written in Brian2's model language
// (equations with units, a threshold condition, reset statements and a
// refractory period) into one instruction program per time step
// (models/ir), which the CPU reference evaluates and the GPU backend turns
// into GLSL. Dimensions are checked at compile time; values are converted to
// the internal units of models/units (mV, ms, pA, nS, pF).
//
// Expressions use the operators + - * / ** (Python's), // and % (floored,
// as Python and Brian2: x % y = x - floor(x/y)*y), the comparisons
// < <= > >= == != joined by and, or, not, and the functions exp, exprel,
// log, sin, cos, tanh, sqrt, abs, floor, ceil, int (towards zero; of a
// condition: 1 where it holds, else 0), clip(x, lo, hi), rand() and
// randn(), plus the time series the network defines (f(t), f(t, i)).
package models
