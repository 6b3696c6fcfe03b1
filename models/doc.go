// Package models compiles neuron models written in Brian2's model language
// (equations with units, a threshold condition, reset statements and a
// refractory period) into one instruction program per time step
// (models/ir), which the CPU reference evaluates and the GPU backend turns
// into GLSL. Dimensions are checked at compile time; values are converted to
// the internal units of models/units (mV, ms, pA, nS, pF).
package models
