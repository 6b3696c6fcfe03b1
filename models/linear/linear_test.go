package linear

import (
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

// TestLeakyIntegrator: dv/dt = (EL - v)/tau gives v ← EL + (v - EL)·e^(-dt/tau).
func TestLeakyIntegrator(t *testing.T) {
	const tau, el, dt = 10.0, -65.0, 0.1
	p, q, err := Propagator([][]float64{{-1 / tau}}, []float64{el / tau}, dt)
	if err != nil {
		t.Fatal(err)
	}
	decay := math.Exp(-dt / tau)
	near(t, "P", p[0][0], decay)
	near(t, "q", q[0], el*(1-decay))
}

// TestExponentialSynapse: a current-based LIF neuron with an exponential
// synapse, dv/dt = (-v + R·I)/tau_m, dI/dt = -I/tau_s, against the
// closed-form solution (tau_m ≠ tau_s).
func TestExponentialSynapse(t *testing.T) {
	const tm, ts, r, dt = 20.0, 5.0, 2.0, 0.5
	p, q, err := Propagator([][]float64{{-1 / tm, r / tm}, {0, -1 / ts}}, nil, dt)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "P_vv", p[0][0], math.Exp(-dt/tm))
	near(t, "P_II", p[1][1], math.Exp(-dt/ts))
	near(t, "P_vI", p[0][1], r*ts/(tm-ts)*(math.Exp(-dt/tm)-math.Exp(-dt/ts)))
	near(t, "P_Iv", p[1][0], 0)
	near(t, "q_v", q[0], 0)
}

// TestAlphaSynapse: equal time constants make A defective; the conductance
// of dg/dt = (x - g)/tau, dx/dt = -x/tau from g=0, x=1 is (t/tau)·e^(-t/tau).
func TestAlphaSynapse(t *testing.T) {
	const tau, dt = 3.0, 0.25
	p, _, err := Propagator([][]float64{{-1 / tau, 1 / tau}, {0, -1 / tau}}, nil, dt)
	if err != nil {
		t.Fatal(err)
	}
	g, x := 0.0, 1.0
	for step := 1; step <= 40; step++ {
		g, x = p[0][0]*g+p[0][1]*x, p[1][0]*g+p[1][1]*x
		tt := float64(step) * dt
		if want := tt / tau * math.Exp(-tt/tau); math.Abs(g-want) > 1e-13 {
			t.Fatalf("step %d: g = %.17g, want %.17g", step, g, want)
		}
	}
}

// TestIntegrator: a singular A (dx/dt = c) still works: x ← x + c·dt.
func TestIntegrator(t *testing.T) {
	p, q, err := Propagator([][]float64{{0}}, []float64{3}, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "P", p[0][0], 1)
	near(t, "q", q[0], 0.3)
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		a   [][]float64
		b   []float64
		dt  float64
		msg string
	}{
		{[][]float64{{1}}, []float64{1, 2}, 0.1, "1 equations but 2 constant terms"},
		{[][]float64{{1, 2}, {3}}, nil, 0.1, "row 1 of the 2×2 matrix has 1 elements"},
		{[][]float64{{math.NaN()}}, nil, 0.1, "coefficient (0, 0) is NaN"},
		{[][]float64{{1}}, nil, 0, "time step 0 must be positive"},
		{[][]float64{{1}}, nil, math.NaN(), "must be positive"},
	} {
		if _, _, err := Propagator(tc.a, tc.b, tc.dt); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("err = %v, want %q", err, tc.msg)
		}
	}
}
