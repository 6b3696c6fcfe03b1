package integrate

import (
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models/ir"
)

// simulate builds one step of method m for the system f over the named
// variables, then runs it on the CPU for steps steps from x0.
func simulate(t *testing.T, m Method, names []string, f RHS, x0 []float64, dt float64, steps int) []float64 {
	t.Helper()
	b := ir.NewBuilder()
	x := make([]ir.Reg, len(names))
	for i, n := range names {
		x[i] = b.Input(n)
	}
	next, err := Step(b, m, names, x, b.Input("t"), b.Const(dt), f)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		b.Output(n, next[i])
	}
	p := b.Program()
	e := ir.NewEvaluator(p)
	state := make([][]float32, len(names)+1)
	for i := range names {
		state[i] = []float32{float32(x0[i])}
	}
	state[len(names)] = []float32{0}
	out := make([][]float32, len(names))
	for i := range out {
		out[i] = make([]float32, 1)
	}
	for s := 0; s < steps; s++ {
		state[len(names)][0] = float32(float64(s) * dt) // time from the step count
		if err := e.Run(1, state, out, ir.RNG{}); err != nil {
			t.Fatal(err)
		}
		for i := range names {
			state[i][0] = out[i][0]
		}
	}
	res := make([]float64, len(names))
	for i := range res {
		res[i] = float64(state[i][0])
	}
	return res
}

// oscillator: dx/dt = y, dy/dt = -x, whose solution from (1, 0) is
// (cos t, -sin t).
func oscillator(b *ir.Builder, x []ir.Reg, _ ir.Reg) []ir.Reg {
	return []ir.Reg{x[1], b.Op1(ir.OpNeg, x[0])}
}

// TestConvergenceOrder halves dt and checks that the error at t = 2 falls
// by 2^order for euler, rk2 and rk4.
func TestConvergenceOrder(t *testing.T) {
	for _, tc := range []struct {
		m     Method
		dt    float64
		order float64
		slack float64
	}{
		{Euler, 0.01, 1, 0.1},
		{RK2, 0.02, 2, 0.15},
		{Heun, 0.02, 2, 0.15},
		{RK4, 0.4, 4, 0.3},
	} {
		errAt := func(dt float64) float64 {
			steps := int(math.Round(2 / dt))
			x := simulate(t, tc.m, []string{"x", "y"}, oscillator, []float64{1, 0}, dt, steps)
			return math.Hypot(x[0]-math.Cos(2), x[1]+math.Sin(2))
		}
		e1, e2 := errAt(tc.dt), errAt(tc.dt/2)
		got := math.Log2(e1 / e2)
		t.Logf("%v: error %.3g at dt=%g, %.3g at dt=%g: order %.2f", tc.m, e1, tc.dt, e2, tc.dt/2, got)
		if math.Abs(got-tc.order) > tc.slack {
			t.Errorf("%v: errors %.3g at dt=%g and %.3g at dt=%g: order %.2f, want %g", tc.m, e1, tc.dt, e2, tc.dt/2, got, tc.order)
		}
	}
}

// TestExponentialEulerIsExactForLinear: a leaky integrator decays as
// EL + (v0 - EL)·exp(-t/tau) for any step, up to float32 rounding.
func TestExponentialEulerIsExactForLinear(t *testing.T) {
	const tau, el, v0 = 10.0, -65.0, -50.0
	leak := func(b *ir.Builder, x []ir.Reg, _ ir.Reg) []ir.Reg {
		return []ir.Reg{b.Op2(ir.OpDiv, b.Op2(ir.OpSub, b.Const(el), x[0]), b.Const(tau))}
	}
	for _, dt := range []float64{0.1, 1, 5} {
		steps := int(math.Round(50 / dt))
		v := simulate(t, ExponentialEuler, []string{"v"}, leak, []float64{v0}, dt, steps)[0]
		want := el + (v0-el)*math.Exp(-50/tau)
		if math.Abs(v-want) > 2e-5*math.Abs(want) {
			t.Errorf("dt=%g: v(50 ms) = %.7g, want %.7g", dt, v, want)
		}
	}
}

// TestExponentialEulerAtZeroRate: a = 0 (dx/dt = c) must not divide by zero.
func TestExponentialEulerAtZeroRate(t *testing.T) {
	drift := func(b *ir.Builder, x []ir.Reg, _ ir.Reg) []ir.Reg {
		return []ir.Reg{b.Op2(ir.OpAdd, b.Op2(ir.OpMul, b.Const(0), x[0]), b.Const(3))}
	}
	if v := simulate(t, ExponentialEuler, []string{"x"}, drift, []float64{1}, 0.5, 4)[0]; math.Abs(v-7) > 1e-6 {
		t.Errorf("x = %v, want 7", v)
	}
}

func TestExponentialEulerRejectsNonlinear(t *testing.T) {
	quad := func(b *ir.Builder, x []ir.Reg, _ ir.Reg) []ir.Reg { return []ir.Reg{b.Op2(ir.OpMul, x[0], x[0])} }
	b := ir.NewBuilder()
	_, err := Step(b, ExponentialEuler, []string{"v"}, []ir.Reg{b.Input("v")}, b.Input("t"), b.Const(0.1), quad)
	if err == nil || !strings.Contains(err.Error(), "dv/dt is not linear in v") {
		t.Errorf("err = %v", err)
	}
}

func TestParseMethod(t *testing.T) {
	for _, m := range []Method{Euler, RK2, RK4, ExponentialEuler, Heun} {
		if got, err := ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseMethod("milstein"); err == nil || !strings.Contains(err.Error(), `"milstein"`) {
		t.Errorf("err = %v", err)
	}
}
