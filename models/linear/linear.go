// Package linear integrates linear systems with constant coefficients
// exactly: for dx/dt = A·x + b, one step of length dt is
//
//	x(t+dt) = P·x(t) + q,  P = exp(A·dt),  q = ∫₀^dt exp(A·s) ds · b.
//
// P and q come from one matrix exponential of the augmented matrix
// [[A, b], [0, 0]]·dt (C. Van Loan, "Computing integrals involving the
// matrix exponential", IEEE Trans. Autom. Control 23(3), 1978), computed on
// the host in float64 with gonum, so A may be singular (pure integrators)
// or defective (alpha synapses, equal time constants) without special
// cases. The model compiler rounds P and q to float32 for both backends.
package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// maxEntry bounds the entries of A·dt and b·dt: beyond it the matrix
// exponential's scaling and squaring runs for ever (at Inf) or long, and the
// result would not fit in float32 anyway.
const maxEntry = 1e30

func usable(x float64) bool { return !math.IsNaN(x) && math.Abs(x) <= maxEntry }

// CoefficientError is a coefficient of A (Col < n) or a constant term of b
// (Col == n) that is NaN, infinite or too large.
type CoefficientError struct {
	Row, Col int
	Value    float64
}

func (e *CoefficientError) Error() string {
	return fmt.Sprintf("linear: coefficient (%d, %d) is %v", e.Row, e.Col, e.Value)
}

// Propagator returns P and q for dx/dt = A·x + b over a step dt. A is n×n
// (row-major rows), b has n elements (nil means zero).
func Propagator(a [][]float64, b []float64, dt float64) (p [][]float64, q []float64, err error) {
	n := len(a)
	if b != nil && len(b) != n {
		return nil, nil, fmt.Errorf("linear: %d equations but %d constant terms", n, len(b))
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, nil, fmt.Errorf("linear: time step %v must be positive and finite", dt)
	}
	aug := mat.NewDense(n+1, n+1, nil)
	for i, row := range a {
		if len(row) != n {
			return nil, nil, fmt.Errorf("linear: row %d of the %d×%d matrix has %d elements", i, n, n, len(row))
		}
		for j, v := range row {
			if !usable(v * dt) {
				return nil, nil, &CoefficientError{Row: i, Col: j, Value: v}
			}
			aug.Set(i, j, v*dt)
		}
		if b != nil {
			if !usable(b[i] * dt) {
				return nil, nil, &CoefficientError{Row: i, Col: n, Value: b[i]}
			}
			aug.Set(i, n, b[i]*dt)
		}
	}
	var e mat.Dense
	e.Exp(aug)
	p = make([][]float64, n)
	q = make([]float64, n)
	for i := range p {
		p[i] = make([]float64, n)
		for j := range p[i] {
			p[i][j] = e.At(i, j)
		}
		q[i] = e.At(i, n)
	}
	return p, q, nil
}
