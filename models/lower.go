package models

import (
	"fmt"
	"math"
	"strings"

	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
	"github.com/spikevk/spikevk/models/units"
)

// symbol is what a name in an expression means.
type symbol struct {
	dim  units.Dim
	expr syntax.Expr // subexpressions: lowered where used
	reg  ir.Reg      // values: the register that holds it
	bool bool        // a boolean value (a subexpression of unit "boolean")
	// constantOverDT marks a subexpression evaluated once per step.
	constantOverDT bool
}

// scope resolves names while lowering expressions to instructions.
// Names not in the scope are looked up as units (mV, ms).
type scope struct {
	b      *ir.Builder
	syms   map[string]*symbol
	active map[string]bool // subexpressions being lowered, to catch cycles
	// draws holds the deviate of each rand() or randn() call site and of
	// each noise symbol, so that lowering an expression again (for the
	// stages of an integration method) reuses this step's draws.
	draws map[any]ir.Reg
	// dt is the time step in ms, for the white-noise symbols xi.
	dt float64
	// series are the time series the network provides, by name.
	series map[string]TimeSeries
	// varying holds the registers of the random draws and time series
	// lowered so far: values that change from step to step without being
	// states or time.
	varying []ir.Reg
}

// TimeSeries declares a function of time that the network provides (Brian's
// TimedArray): f(t), one value per step for all neurons, or, PerNeuron,
// f(t, i), one value per step and neuron. A call lowers to the program
// input SeriesInput(name), which the runtime fills every step.
type TimeSeries struct {
	Dim       units.Dim
	PerNeuron bool
}

// SeriesInput names the program input that carries time series name.
func SeriesInput(name string) string { return name + "(t)" }

// seriesCall lowers a call of a declared time series; its arguments must be
// t, or t and i, as the runtime samples it at the step's time.
func (s *scope) seriesCall(n *syntax.Call, ts TimeSeries) (value, error) {
	want := []string{InputTime}
	if ts.PerNeuron {
		want = append(want, InputIndex)
	}
	ok := len(n.Args) == len(want)
	for k := 0; ok && k < len(want); k++ {
		id, isIdent := n.Args[k].(*syntax.Ident)
		ok = isIdent && id.Name == want[k]
	}
	if !ok {
		return value{}, errorf(n.Pos, "the time series %s must be called as %s(%s)", n.Func, n.Func, strings.Join(want, ", "))
	}
	r := s.b.Input(SeriesInput(n.Func))
	s.varying = append(s.varying, r)
	return value{reg: r, dim: ts.Dim}, nil
}

func newScope(b *ir.Builder) *scope {
	return &scope{b: b, syms: map[string]*symbol{}, active: map[string]bool{}, draws: map[any]ir.Reg{}}
}

// draw returns the deviate drawn for key, drawing it the first time.
func (s *scope) draw(key any, normal bool) ir.Reg {
	if r, ok := s.draws[key]; ok {
		return r
	}
	r := s.b.Rand()
	if normal {
		r = s.b.Randn()
	}
	s.draws[key] = r
	s.varying = append(s.varying, r)
	return r
}

// isNoise reports whether name is a white-noise symbol: xi or xi_<suffix>.
func isNoise(name string) bool { return name == "xi" || strings.HasPrefix(name, "xi_") }

// noise lowers a white-noise symbol: a standard normal deviate, drawn once
// per step, divided by sqrt(dt), in 1/sqrt(second). Integrated by
// Euler–Maruyama, x + dt·(f + g·xi) is x + f·dt + g·sqrt(dt)·N(0, 1).
func (s *scope) noise(name string) value {
	scale := s.b.Const(1 / math.Sqrt(s.dt))
	return value{reg: s.b.Op2(ir.OpMul, s.draw("noise "+name, true), scale), dim: units.BaseDim(units.Time).Pow(-1, 2)}
}

// value is a lowered expression: a register with its dimension, or a
// boolean register.
type value struct {
	reg  ir.Reg
	dim  units.Dim
	bool bool
	// num holds a literal's value, so that x**2 can become x*x.
	num   float64
	isNum bool
}

func errorf(pos syntax.Pos, format string, args ...any) error {
	return &syntax.Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// lower emits instructions for e.
func (s *scope) lower(e syntax.Expr) (value, error) {
	b := s.b
	switch n := e.(type) {
	case *syntax.Number:
		return value{reg: b.Const(n.Value), num: n.Value, isNum: true}, nil
	case *syntax.Bool:
		// true is 0 < 1; a boolean register needs a comparison.
		zero, one := b.Const(0), b.Const(1)
		if n.Value {
			return value{reg: b.Op2(ir.OpLt, zero, one), bool: true}, nil
		}
		return value{reg: b.Op2(ir.OpLt, one, zero), bool: true}, nil
	case *syntax.Ident:
		return s.ident(n)
	case *syntax.Unary:
		x, err := s.lower(n.X)
		if err != nil {
			return value{}, err
		}
		switch n.Op {
		case "not":
			if !x.bool {
				return value{}, errorf(n.Pos, "\"not\" needs a condition, not a number")
			}
			return value{reg: b.Op1(ir.OpNot, x.reg), bool: true}, nil
		case "-":
			x = s.number(x)
			return value{reg: b.Op1(ir.OpNeg, x.reg), dim: x.dim, num: -x.num, isNum: x.isNum}, nil
		}
		return s.number(x), nil
	case *syntax.Binary:
		return s.binary(n)
	case *syntax.Call:
		return s.call(n)
	}
	return value{}, fmt.Errorf("models: unknown expression node %T", e)
}

// Constants are the numbers of Brian2's default namespace that every
// expression may use; a model's own variable of the same name takes
// precedence.
var Constants = map[string]float64{"pi": math.Pi, "e": math.E, "inf": math.Inf(1)}

func (s *scope) ident(n *syntax.Ident) (value, error) {
	sym, ok := s.syms[n.Name]
	if !ok && n.Name == InputSize && s.dt > 0 {
		// N, the size of the group, becomes an input when first used.
		sym = &symbol{reg: s.b.Input(InputSize)}
		s.syms[InputSize], ok = sym, true
	}
	if !ok && isNoise(n.Name) && s.dt > 0 {
		return s.noise(n.Name), nil
	}
	if !ok {
		if v, ok := Constants[n.Name]; ok {
			return value{reg: s.b.Const(v), num: v, isNum: true}, nil
		}
		u, ok := units.Lookup(n.Name)
		if !ok {
			return value{}, errorf(n.Pos, "unknown name %q%s", n.Name, s.suggest(n.Name))
		}
		return value{reg: s.b.Const(u.Internal()), dim: u.Dim}, nil
	}
	if sym.expr == nil {
		return value{reg: sym.reg, dim: sym.dim, bool: sym.bool}, nil
	}
	if s.active[n.Name] {
		return value{}, errorf(n.Pos, "subexpression %q refers to itself", n.Name)
	}
	s.active[n.Name] = true
	defer delete(s.active, n.Name)
	v, err := s.lower(sym.expr)
	if err != nil {
		return value{}, err
	}
	if v.bool != sym.bool || !v.bool && !v.dim.Equal(sym.dim) {
		return value{}, errorf(sym.expr.Position(), "%s is declared %s but its expression is %s", n.Name, kindOf(sym.bool, sym.dim), kindOf(v.bool, v.dim))
	}
	v.isNum = false
	return v, nil
}

func kindOf(isBool bool, d units.Dim) string {
	if isBool {
		return "a condition (boolean)"
	}
	return "in " + d.String()
}

// suggest names a close match among the scope's names, for error messages.
func (s *scope) suggest(name string) string {
	for known := range s.syms {
		if strings.EqualFold(known, name) {
			return fmt.Sprintf("; did you mean %q?", known)
		}
	}
	return ""
}

func sameDim(pos syntax.Pos, op string, x, y value) error {
	if !x.dim.Equal(y.dim) {
		return errorf(pos, "the two sides of %q have different dimensions: %s and %s", op, x.dim, y.dim)
	}
	return nil
}

var comparisons = map[string]ir.Op{"<": ir.OpLt, "<=": ir.OpLe, ">": ir.OpGt, ">=": ir.OpGe, "==": ir.OpEq, "!=": ir.OpNe}

func (s *scope) binary(n *syntax.Binary) (value, error) {
	b := s.b
	x, err := s.lower(n.X)
	if err != nil {
		return value{}, err
	}
	y, err := s.lower(n.Y)
	if err != nil {
		return value{}, err
	}
	switch n.Op {
	case "and", "or":
		if !x.bool || !y.bool {
			return value{}, errorf(n.Pos, "%q needs conditions on both sides", n.Op)
		}
		op := ir.OpAnd
		if n.Op == "or" {
			op = ir.OpOr
		}
		return value{reg: b.Op2(op, x.reg, y.reg), bool: true}, nil
	}
	x, y = s.number(x), s.number(y)
	if op, ok := comparisons[n.Op]; ok {
		if err := sameDim(n.Pos, n.Op, x, y); err != nil {
			return value{}, err
		}
		return value{reg: b.Op2(op, x.reg, y.reg), bool: true}, nil
	}
	switch n.Op {
	case "+", "-":
		if err := sameDim(n.Pos, n.Op, x, y); err != nil {
			return value{}, err
		}
		op := ir.OpAdd
		if n.Op == "-" {
			op = ir.OpSub
		}
		return value{reg: b.Op2(op, x.reg, y.reg), dim: x.dim}, nil
	case "*":
		return value{reg: b.Op2(ir.OpMul, x.reg, y.reg), dim: x.dim.Mul(y.dim)}, nil
	case "/":
		return value{reg: b.Op2(ir.OpDiv, x.reg, y.reg), dim: x.dim.Div(y.dim)}, nil
	case "//", "%":
		if err := sameDim(n.Pos, n.Op, x, y); err != nil {
			return value{}, err
		}
		q := b.Op1(ir.OpFloor, b.Op2(ir.OpDiv, x.reg, y.reg))
		if n.Op == "//" {
			return value{reg: q, dim: units.Dimensionless}, nil
		}
		// Python's modulo: x - floor(x/y)*y, with the sign of y.
		return value{reg: b.Op2(ir.OpSub, x.reg, b.Op2(ir.OpMul, q, y.reg)), dim: x.dim}, nil
	case "**":
		return s.power(n, x, y)
	}
	return value{}, errorf(n.Pos, "unknown operator %q", n.Op)
}

// maxIntPower is the largest integer exponent written out as products.
const maxIntPower = 8

// power lowers x**y: small integer exponents become products (exact for
// negative bases, as in n**4 of Hodgkin–Huxley), others use pow.
func (s *scope) power(n *syntax.Binary, x, y value) (value, error) {
	b := s.b
	if !y.dim.IsDimensionless() {
		return value{}, errorf(n.Pos, "the exponent of \"**\" must be dimensionless, not %s", y.dim)
	}
	if !y.isNum {
		if !x.dim.IsDimensionless() {
			return value{}, errorf(n.Pos, "a quantity in %s can only be raised to a constant power", x.dim)
		}
		return value{reg: b.Op2(ir.OpPow, x.reg, y.reg)}, nil
	}
	k := y.num
	if k == math.Trunc(k) && math.Abs(k) <= maxIntPower && k != 0 {
		r := x.reg
		for i := 1; i < int(math.Abs(k)); i++ {
			r = b.Op2(ir.OpMul, r, x.reg)
		}
		if k < 0 {
			r = b.Op2(ir.OpDiv, b.Const(1), r)
		}
		return value{reg: r, dim: x.dim.Pow(int(k), 1)}, nil
	}
	num, den, ok := rational(k)
	if !ok && !x.dim.IsDimensionless() {
		return value{}, errorf(n.Pos, "cannot raise a quantity in %s to the power %v", x.dim, k)
	}
	return value{reg: b.Op2(ir.OpPow, x.reg, y.reg), dim: x.dim.Pow(num, den)}, nil
}

// rational writes k as num/den with a small denominator.
func rational(k float64) (num, den int, ok bool) {
	for den = 1; den <= 12; den++ {
		if v := k * float64(den); v == math.Trunc(v) && math.Abs(v) < 1e6 {
			return int(v), den, true
		}
	}
	return 0, 1, false
}

// funcArity lists the functions of the language with their argument counts.
var funcArity = map[string]int{"exp": 1, "exprel": 1, "log": 1, "sin": 1, "cos": 1, "tanh": 1, "sqrt": 1, "abs": 1, "floor": 1,
	"ceil": 1, "int": 1, "clip": 3, "rand": 0, "randn": 0,
	"tan": 1, "sinh": 1, "cosh": 1, "log10": 1, "expm1": 1, "log1p": 1, "sign": 1, "where": 3,
	"arcsin": 1, "arccos": 1, "arctan": 1, "timestep": 2, "poisson": 1}

// composed are Brian2's functions written with the IR's ops, so that both
// backends compute them alike: each takes a dimensionless number.
var composed = map[string]func(b *ir.Builder, x ir.Reg) ir.Reg{
	"tan": func(b *ir.Builder, x ir.Reg) ir.Reg { return b.Op2(ir.OpDiv, b.Op1(ir.OpSin, x), b.Op1(ir.OpCos, x)) },
	"sinh": func(b *ir.Builder, x ir.Reg) ir.Reg {
		return b.Op2(ir.OpMul, b.Const(0.5), b.Op2(ir.OpSub, b.Op1(ir.OpExp, x), b.Op1(ir.OpExp, b.Op1(ir.OpNeg, x))))
	},
	"cosh": func(b *ir.Builder, x ir.Reg) ir.Reg {
		return b.Op2(ir.OpMul, b.Const(0.5), b.Op2(ir.OpAdd, b.Op1(ir.OpExp, x), b.Op1(ir.OpExp, b.Op1(ir.OpNeg, x))))
	},
	"log10": func(b *ir.Builder, x ir.Reg) ir.Reg { return b.Op2(ir.OpMul, b.Op1(ir.OpLog, x), b.Const(1/math.Ln10)) },
	// e^x − 1 = x·exprel(x), without the cancellation near 0.
	"expm1": func(b *ir.Builder, x ir.Reg) ir.Reg { return b.Op2(ir.OpMul, x, b.Exprel(x)) },
	// log(1 + x) = log(u)·x/(u − 1) for u = 1 + x rounded (Goldberg 1991),
	// x where u rounds to 1.
	"log1p": func(b *ir.Builder, x ir.Reg) ir.Reg {
		u := b.Op2(ir.OpAdd, b.Const(1), x)
		q := b.Op2(ir.OpDiv, b.Op2(ir.OpMul, b.Op1(ir.OpLog, u), x), b.Op2(ir.OpSub, u, b.Const(1)))
		return b.Select(b.Op2(ir.OpEq, u, b.Const(1)), x, q)
	},
	"sign": func(b *ir.Builder, x ir.Reg) ir.Reg {
		return b.Select(b.Op2(ir.OpGt, x, b.Const(0)), b.Const(1), b.Select(b.Op2(ir.OpLt, x, b.Const(0)), b.Const(-1), b.Const(0)))
	},
	"arctan": arctan,
	// arcsin(x) = arctan(x/sqrt((1 − x)(1 + x))), ±π/2 at ±1, NaN past them.
	"arcsin": func(b *ir.Builder, x ir.Reg) ir.Reg {
		one := b.Const(1)
		c := b.Op1(ir.OpSqrt, b.Op2(ir.OpMul, b.Op2(ir.OpSub, one, x), b.Op2(ir.OpAdd, one, x)))
		return arctan(b, b.Op2(ir.OpDiv, x, c))
	},
	// arccos(x) = 2·arctan(sqrt((1 − x)/(1 + x))), exact near 1, π at −1.
	"arccos": func(b *ir.Builder, x ir.Reg) ir.Reg {
		one := b.Const(1)
		q := b.Op1(ir.OpSqrt, b.Op2(ir.OpDiv, b.Op2(ir.OpSub, one, x), b.Op2(ir.OpAdd, one, x)))
		return b.Op2(ir.OpMul, b.Const(2), arctan(b, q))
	},
}

// arctan reduces |x| to r ≤ 1 (arctan x = π/2 − arctan(1/x)), then to
// |r'| ≤ tan(π/12) (arctan r = π/6 + arctan((r − 1/√3)/(1 + r/√3))), where
// the Taylor series to r'¹³ is below a float32 ulp; the sign comes last.
func arctan(b *ir.Builder, x ir.Reg) ir.Reg {
	a := b.Op1(ir.OpAbs, x)
	one := b.Const(1)
	inv := b.Op2(ir.OpGt, a, one)
	r := b.Select(inv, b.Op2(ir.OpDiv, one, a), a)
	high := b.Op2(ir.OpGt, r, b.Const(2-math.Sqrt(3)))
	shifted := b.Op2(ir.OpDiv, b.Op2(ir.OpSub, r, b.Const(1/math.Sqrt(3))), b.Op2(ir.OpAdd, one, b.Op2(ir.OpMul, r, b.Const(1/math.Sqrt(3)))))
	r = b.Select(high, shifted, r)
	z := b.Op2(ir.OpMul, r, r)
	p := b.Const(1.0 / 13)
	for k := 11; k >= 1; k -= 2 {
		c := 1 / float64(k)
		if k%4 == 3 {
			c = -c
		}
		p = b.Op2(ir.OpAdd, b.Const(c), b.Op2(ir.OpMul, z, p))
	}
	y := b.Op2(ir.OpAdd, b.Select(high, b.Const(math.Pi/6), b.Const(0)), b.Op2(ir.OpMul, r, p))
	y = b.Select(inv, b.Op2(ir.OpSub, b.Const(math.Pi/2), y), y)
	return b.Select(b.Op2(ir.OpLt, x, b.Const(0)), b.Op1(ir.OpNeg, y), y)
}

// unaryFuncs are the functions of one dimensionless number.
var unaryFuncs = map[string]ir.Op{"exp": ir.OpExp, "log": ir.OpLog, "sin": ir.OpSin, "cos": ir.OpCos, "tanh": ir.OpTanh}

// number is v, or for a condition 1 where it holds and 0 elsewhere, as
// Brian2 reads a condition in arithmetic ((i == 0)*nA).
func (s *scope) number(v value) value {
	if !v.bool {
		return v
	}
	return value{reg: s.b.Select(v.reg, s.b.Const(1), s.b.Const(0))}
}

// poissonTerms is how many values of the distribution function poisson()
// compares its uniform draw with, and poissonInversionMax the largest mean
// for which they are enough: a mean of 14 reaches 40 with probability
// 1.1e-8, below 2⁻²⁴, the resolution of the uniform draw.
const (
	poissonTerms        = 40
	poissonInversionMax = 14
)

// poisson lowers Brian2's poisson(λ), a Poisson count of mean λ: by
// inversion, Σ_k [u > F(k)] over the distribution function F, for
// λ ≤ poissonInversionMax, else as floor(λ + √λ·N(0, 1) + 1/2) from 0 on
// (normal approximation; Brian2 draws these exactly by rejection, so the
// counts of such large means differ by the approximation, a skew of
// 1/(6√λ) and below). Each call draws its own deviates.
func (s *scope) poisson(key *syntax.Call, lambda ir.Reg) ir.Reg {
	b := s.b
	u := s.draw(key, false)
	p := b.Op1(ir.OpExp, b.Op1(ir.OpNeg, lambda))
	f, count := p, b.Const(0)
	for k := 1; k <= poissonTerms; k++ {
		count = b.Op2(ir.OpAdd, count, b.Select(b.Op2(ir.OpGt, u, f), b.Const(1), b.Const(0)))
		p = b.Op2(ir.OpMul, p, b.Op2(ir.OpMul, lambda, b.Const(1/float64(k))))
		f = b.Op2(ir.OpAdd, f, p)
	}
	z := s.draw(struct {
		call   *syntax.Call
		normal bool
	}{key, true}, true)
	normal := b.Op1(ir.OpFloor, b.Op2(ir.OpAdd, b.Op2(ir.OpAdd, lambda, b.Op2(ir.OpMul, b.Op1(ir.OpSqrt, lambda), z)), b.Const(0.5)))
	normal = b.Op2(ir.OpMax, normal, b.Const(0))
	return b.Select(b.Op2(ir.OpGt, lambda, b.Const(poissonInversionMax)), normal, count)
}

// where is Brian2's where(condition, a, b): a where the condition holds,
// else b, both in one dimension.
func (s *scope) where(n *syntax.Call) (value, error) {
	var vs [3]value
	for i, a := range n.Args {
		v, err := s.lower(a)
		if err != nil {
			return value{}, err
		}
		vs[i] = v
	}
	c, x, y := vs[0], vs[1], vs[2]
	switch {
	case !c.bool:
		return value{}, errorf(n.Args[0].Position(), "the first argument of where() is a condition, such as v > V_th")
	}
	x, y = s.number(x), s.number(y)
	switch {
	case !x.dim.Equal(y.dim):
		return value{}, errorf(n.Pos, "where() needs its two values in one dimension, got %s and %s", x.dim, y.dim)
	}
	return value{reg: s.b.Select(c.reg, x.reg, y.reg), dim: x.dim}, nil
}

func (s *scope) call(n *syntax.Call) (value, error) {
	b := s.b
	if ts, ok := s.series[n.Func]; ok {
		return s.seriesCall(n, ts)
	}
	if n.Func == "where" && len(n.Args) == 3 {
		return s.where(n)
	}
	args := make([]value, len(n.Args))
	for i, a := range n.Args {
		v, err := s.lower(a)
		if err != nil {
			return value{}, err
		}
		if v.bool && n.Func == "int" && len(n.Args) == 1 {
			// Brian2's int(condition): 1 where it holds, else 0.
			return value{reg: b.Select(v.reg, b.Const(1), b.Const(0))}, nil
		}
		args[i] = s.number(v)
	}
	count, known := funcArity[n.Func]
	if !known {
		return value{}, errorf(n.Pos, "unknown function %s()", n.Func)
	}
	if len(args) != count {
		return value{}, errorf(n.Pos, "%s() takes %d arguments, got %d", n.Func, count, len(args))
	}
	if op, ok := unaryFuncs[n.Func]; ok {
		if !args[0].dim.IsDimensionless() {
			return value{}, errorf(n.Pos, "the argument of %s() must be dimensionless, not %s", n.Func, args[0].dim)
		}
		return value{reg: b.Op1(op, args[0].reg)}, nil
	}
	if f, ok := composed[n.Func]; ok {
		if n.Func != "sign" && !args[0].dim.IsDimensionless() {
			return value{}, errorf(n.Pos, "the argument of %s() must be dimensionless, not %s", n.Func, args[0].dim)
		}
		return value{reg: f(b, args[0].reg)}, nil
	}
	switch n.Func {
	case "exprel":
		if !args[0].dim.IsDimensionless() {
			return value{}, errorf(n.Pos, "the argument of exprel() must be dimensionless, not %s", args[0].dim)
		}
		return value{reg: b.Exprel(args[0].reg)}, nil
	case "sqrt":
		return value{reg: b.Op1(ir.OpSqrt, args[0].reg), dim: args[0].dim.Pow(1, 2)}, nil
	case "abs":
		return value{reg: b.Op1(ir.OpAbs, args[0].reg), dim: args[0].dim}, nil
	case "floor", "ceil", "int":
		op := map[string]ir.Op{"floor": ir.OpFloor, "ceil": ir.OpCeil, "int": ir.OpTrunc}[n.Func]
		return value{reg: b.Op1(op, args[0].reg), dim: args[0].dim}, nil
	case "clip":
		x, lo, hi := args[0], args[1], args[2]
		if !x.dim.Equal(lo.dim) || !x.dim.Equal(hi.dim) {
			return value{}, errorf(n.Pos, "clip() needs its three arguments in one dimension, got %s, %s and %s", x.dim, lo.dim, hi.dim)
		}
		return value{reg: b.Op2(ir.OpMin, b.Op2(ir.OpMax, x.reg, lo.reg), hi.reg), dim: x.dim}, nil
	case "timestep":
		t, dt := args[0], args[1]
		if !t.dim.Equal(units.BaseDim(units.Time)) || !dt.dim.Equal(t.dim) {
			return value{}, errorf(n.Pos, "timestep() takes a time and a time step, got %s and %s", t.dim, dt.dim)
		}
		// Brian2's int((t + 1e-3*dt)/dt): the step that t falls in.
		shifted := b.Op2(ir.OpAdd, t.reg, b.Op2(ir.OpMul, b.Const(1e-3), dt.reg))
		return value{reg: b.Op1(ir.OpTrunc, b.Op2(ir.OpDiv, shifted, dt.reg))}, nil
	case "poisson":
		if !args[0].dim.IsDimensionless() {
			return value{}, errorf(n.Pos, "the argument of poisson() is a mean count, dimensionless, not %s", args[0].dim)
		}
		return value{reg: s.poisson(n, args[0].reg)}, nil
	case "rand":
		return value{reg: s.draw(n, false)}, nil
	}
	return value{reg: s.draw(n, true)}, nil
}
