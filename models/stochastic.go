package models

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spikevk/spikevk/models/integrate"
	"github.com/spikevk/spikevk/models/ir"
	"github.com/spikevk/spikevk/models/syntax"
)

// noise says whether the equations are stochastic, and how.
type noise int

const (
	deterministic  noise = iota
	additive             // the factor of every xi is free of the states
	multiplicative       // some factor of xi depends on a state
)

// noiseKind finds the white-noise terms of the right-hand sides. Each xi
// must enter linearly (dx/dt = f + g·xi).
func noiseKind(b *ir.Builder, s *scope, rates, x []ir.Reg, names []string, diffs []*syntax.Equation) (noise, error) {
	var keys []string
	for k := range s.draws {
		if name, ok := k.(string); ok && strings.HasPrefix(name, "noise ") {
			keys = append(keys, name)
		}
	}
	sort.Strings(keys)
	kind := deterministic
	for _, key := range keys {
		xi := s.noise(strings.TrimPrefix(key, "noise ")).reg
		for i, r := range rates {
			if !b.DependsOn(r, xi) {
				continue
			}
			g, _, ok := b.Linear(r, xi)
			if !ok {
				return 0, errorf(diffs[i].Expr.Position(), "the noise %s must enter d%s/dt linearly, as in f + g*%s",
					strings.TrimPrefix(key, "noise "), names[i], strings.TrimPrefix(key, "noise "))
			}
			kind = max(kind, additive)
			for _, state := range x {
				if b.DependsOn(g, state) {
					kind = multiplicative
				}
			}
		}
	}
	return kind, nil
}

// stochasticStep integrates equations with white noise: Euler–Maruyama
// (euler) for additive noise, the stochastic Heun method (heun,
// Stratonovich) for multiplicative noise or when asked for, as Brian2 does.
func stochasticStep(b *ir.Builder, s *scope, n *Neuron, spec NeuronSpec, kind noise, diffs []*syntax.Equation, names []string, x []ir.Reg) ([]ir.Reg, error) {
	method := integrate.Euler
	if kind == multiplicative {
		method = integrate.Heun
	}
	switch spec.Method {
	case "":
	case "euler":
		if kind == multiplicative {
			return nil, fmt.Errorf("models: euler (Euler–Maruyama) needs additive noise, but a noise term is multiplied by a state variable; use heun")
		}
	case "heun":
		method = integrate.Heun
	default:
		return nil, fmt.Errorf("models: the equations are stochastic (they use xi), so the method must be euler or heun, not %s", spec.Method)
	}
	n.Method = method.String()
	n.Rates = b.Snapshot()
	return integrate.Step(b, method, names, x, s.syms[InputTime].reg, s.syms["dt"].reg, rhs(s, n, diffs))
}
