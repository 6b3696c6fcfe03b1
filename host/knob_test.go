package host

import (
	"slices"
	"strings"
	"testing"
)

// TestCompileKnobs: a knob's array and the derived arrays of its group
// are not Const, those of other groups still are; what cannot be a knob
// is an error naming it and listing the parameters.
func TestCompileKnobs(t *testing.T) {
	net := coba(t)
	net.Groups = append(net.Groups, &Group{Name: "Q", N: 10, Model: builtin(t, "lif_coba_exp")})
	net.Groups[0].Knobs = []string{"tau_e"}
	c, err := Compile(net)
	if err != nil {
		t.Fatal(err)
	}
	derived := c.Models[0].Neuron.Derived()
	if len(derived) == 0 {
		t.Fatal("lif_coba_exp has no derived values: the test covers nothing")
	}
	for _, name := range append([]string{"tau_e"}, derived...) {
		if array(t, c.Plan.Groups[0].Arrays, name).Const {
			t.Errorf("group P: %s is Const", name)
		}
		if !array(t, c.Plan.Groups[1].Arrays, name).Const {
			t.Errorf("group Q (no knobs): %s is not Const", name)
		}
	}
	if !array(t, c.Plan.Groups[0].Arrays, "tau_i").Const {
		t.Error("group P: tau_i, not a knob, is not Const")
	}

	for _, tc := range []struct {
		name  string
		knob  string
		build func(n *Network)
		want  []string
	}{
		{"unknown", "tau", nil, []string{`group "P"`, "no parameter tau", "parameters: g_L, E_L"}},
		{"state", "g_e", nil, []string{`group "P"`, "g_e is a state variable"}},
		{"current", "I", func(n *Network) { n.Groups[0].Currents = []Current{{Var: "I", Expr: "10*pA"}} },
			[]string{`group "P"`, "I is a subexpression"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := coba(t)
			if tc.build != nil {
				tc.build(n)
			}
			n.Groups[0].Knobs = []string{tc.knob}
			_, err := Compile(n)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}

	gap := gapNetwork(t)
	gap.Groups[0].Knobs = []string{"I"}
	if _, err := Compile(gap); err == nil || !strings.Contains(err.Error(), `group "io": knob I: synapses change I in every step`) {
		t.Errorf("knob on a summed variable: %v", err)
	}
}

// TestRetune: Retune gives the arrays Compile gives a network built with
// the value, for the whole group and a part of it, and rejects what is
// not a knob.
func TestRetune(t *testing.T) {
	build := func(values ...Value) *Compiled {
		n := coba(t)
		n.Groups[0].Knobs = []string{"tau_e"}
		n.Groups[0].Values = append(n.Groups[0].Values, values...)
		c, err := Compile(n)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	params := func(c *Compiled) map[string][]float32 {
		out := map[string][]float32{}
		for _, p := range c.Models[0].Neuron.Params {
			out[p.Name] = array(t, c.Plan.Groups[0].Arrays, p.Name).Init
		}
		return out
	}
	for _, v := range []Value{
		{Var: "tau_e", Hi: 100, Expr: "2*ms"},
		{Var: "tau_e", Lo: 10, Hi: 30, Expr: "tau_i/2 + i*0.1*ms"},
	} {
		c := build()
		got, err := c.Retune(0, v, 17, params(c))
		if err != nil {
			t.Fatal(err)
		}
		want := build(v)
		if len(got) != 1+len(c.Models[0].Neuron.Derived()) {
			t.Errorf("%s: %d arrays, want the knob's and the derived ones", v.Expr, len(got))
		}
		for _, a := range got {
			if w := array(t, want.Plan.Groups[0].Arrays, a.Name).Init; !slices.Equal(a.Values, w) {
				t.Errorf("%s: array %s differs from the one Compile fills", v.Expr, a.Name)
			}
		}
	}
	c := build()
	for _, tc := range []struct {
		v    Value
		want string
	}{
		{Value{Var: "tau_i", Hi: 100, Expr: "2*ms"}, "tau_i is not a knob"},
		{Value{Var: "tau_e", Hi: 101, Expr: "2*ms"}, "outside the group"},
		{Value{Var: "tau_e", Hi: 100, Expr: "2*mV"}, "must be in"},
	} {
		if _, err := c.Retune(0, tc.v, 0, params(c)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Retune(%v): %v, want an error naming %q", tc.v, err, tc.want)
		}
	}
}
