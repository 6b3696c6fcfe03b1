// Package integrate turns differential equations into one time step of
// instructions (models/ir) by the methods Brian2 users know: euler, rk2
// (midpoint), rk4 and exponential_euler. The equations come as a function
// that emits their right-hand sides for given state registers, so a method
// can evaluate them at intermediate stages; the model compiler provides it.
package integrate

import (
	"fmt"

	"github.com/spikevk/spikevk/models/ir"
)

// RHS emits dx/dt for the state registers x at the time register t, one
// derivative per state variable, in the same order.
type RHS func(b *ir.Builder, x []ir.Reg, t ir.Reg) []ir.Reg

// Method is an integration scheme.
type Method int

// The methods, named as in Brian2.
const (
	Euler            Method = iota // forward Euler, order 1
	RK2                            // explicit midpoint, order 2
	RK4                            // classical Runge–Kutta, order 4
	ExponentialEuler               // exact for each equation linear in its own variable, order 1 overall
	// Heun is the explicit trapezoid rule; with white noise drawn once per
	// step it is the stochastic Heun method (Stratonovich), for
	// multiplicative noise.
	Heun
)

var methodNames = []string{"euler", "rk2", "rk4", "exponential_euler", "heun"}

func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod reads a method name as Brian2 spells it.
func ParseMethod(name string) (Method, error) {
	for m, n := range methodNames {
		if n == name {
			return Method(m), nil
		}
	}
	return 0, fmt.Errorf("unknown integration method %q (known: exact, euler, rk2, rk4, exponential_euler, heun)", name)
}

// Step emits x(t + dt) for the state registers x. names label the
// variables in errors: exponential_euler fails, naming the variable, when
// an equation is not linear in its own variable.
func Step(b *ir.Builder, m Method, names []string, x []ir.Reg, t, dt ir.Reg, f RHS) ([]ir.Reg, error) {
	switch m {
	case Euler:
		return axpy(b, x, dt, f(b, x, t)), nil
	case RK2:
		half := b.Op2(ir.OpMul, dt, b.Const(0.5))
		mid := axpy(b, x, half, f(b, x, t))
		return axpy(b, x, dt, f(b, mid, b.Op2(ir.OpAdd, t, half))), nil
	case RK4:
		return rk4(b, x, t, dt, f), nil
	case ExponentialEuler:
		return exponentialEuler(b, names, x, t, dt, f)
	case Heun:
		k1 := f(b, x, t)
		k2 := f(b, axpy(b, x, dt, k1), b.Op2(ir.OpAdd, t, dt))
		half := b.Op2(ir.OpMul, dt, b.Const(0.5))
		out := make([]ir.Reg, len(x))
		for i := range x {
			out[i] = b.Op2(ir.OpAdd, x[i], b.Op2(ir.OpMul, half, b.Op2(ir.OpAdd, k1[i], k2[i])))
		}
		return out, nil
	}
	return nil, fmt.Errorf("integrate: unknown method %v", m)
}

// axpy returns x + h·k elementwise.
func axpy(b *ir.Builder, x []ir.Reg, h ir.Reg, k []ir.Reg) []ir.Reg {
	out := make([]ir.Reg, len(x))
	for i := range x {
		out[i] = b.Op2(ir.OpAdd, x[i], b.Op2(ir.OpMul, h, k[i]))
	}
	return out
}

func rk4(b *ir.Builder, x []ir.Reg, t, dt ir.Reg, f RHS) []ir.Reg {
	half := b.Op2(ir.OpMul, dt, b.Const(0.5))
	tMid := b.Op2(ir.OpAdd, t, half)
	k1 := f(b, x, t)
	k2 := f(b, axpy(b, x, half, k1), tMid)
	k3 := f(b, axpy(b, x, half, k2), tMid)
	k4 := f(b, axpy(b, x, dt, k3), b.Op2(ir.OpAdd, t, dt))
	sixth := b.Op2(ir.OpMul, dt, b.Const(1.0/6))
	two := b.Const(2)
	out := make([]ir.Reg, len(x))
	for i := range x {
		sum := b.Op2(ir.OpAdd, k1[i], b.Op2(ir.OpMul, two, k2[i]))
		sum = b.Op2(ir.OpAdd, sum, b.Op2(ir.OpMul, two, k3[i]))
		sum = b.Op2(ir.OpAdd, sum, k4[i])
		out[i] = b.Op2(ir.OpAdd, x[i], b.Op2(ir.OpMul, sixth, sum))
	}
	return out
}

// exponentialEuler writes each dx/dt = a·x + c (a and c may depend on the
// other variables, taken at the start of the step) as
//
//	x ← x + (a·x + c)·dt·φ(a·dt),  φ(z) = (eᶻ − 1)/z,
//
// which equals Brian's −c/a + (x + c/a)·e^(a·dt) but stays finite at a = 0
// (φ is Builder.Exprel).
func exponentialEuler(b *ir.Builder, names []string, x []ir.Reg, t, dt ir.Reg, f RHS) ([]ir.Reg, error) {
	d := f(b, x, t)
	out := make([]ir.Reg, len(x))
	for i := range x {
		a, _, ok := b.Linear(d[i], x[i])
		if !ok {
			return nil, fmt.Errorf("exponential_euler: d%s/dt is not linear in %s; use euler, rk2 or rk4", names[i], names[i])
		}
		z := b.Op2(ir.OpMul, a, dt)
		step := b.Op2(ir.OpMul, d[i], b.Op2(ir.OpMul, dt, b.Exprel(z)))
		out[i] = b.Op2(ir.OpAdd, x[i], step)
	}
	return out, nil
}
