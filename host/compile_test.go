package host

import (
	"math"
	"strings"
	"testing"

	"github.com/spikevk/spikevk/models"
)

func builtin(t *testing.T, name string) *models.File {
	t.Helper()
	f, err := models.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// coba is a small COBA-like network: one group, an excitatory and an
// inhibitory projection from its two parts.
func coba(t *testing.T) *Network {
	f := builtin(t, "lif_coba_exp")
	return &Network{DT: 0.1, Seed: 7,
		Groups: []*Group{{Name: "P", N: 100, Model: f, Values: []Value{{Var: "v", Lo: 0, Hi: 100, Expr: "E_L + rand()*(V_th - E_L)"}}}},
		Projections: []*Projection{
			{Name: "exc", Pre: Range{0, 0, 80}, Post: Range{0, 0, 100}, Model: "w : siemens", OnPre: "g_e_post += w",
				Conn: Connectivity{Rule: FixedProbability, P: 0.1}, Values: []Value{{Var: "w", Expr: "6*nS"}}},
			{Name: "inh", Pre: Range{0, 80, 100}, Post: Range{0, 0, 100}, Model: "w : siemens", OnPre: "g_i_post += w",
				Conn: Connectivity{Rule: FixedProbability, P: 0.1}, Values: []Value{{Var: "w", Expr: "67*nS"}},
				Delay: Value{Expr: "1.5*ms"}},
		}}
}

func array(t *testing.T, as []Array, name string) Array {
	t.Helper()
	k := arrayIndex(as, name)
	if k < 0 {
		t.Fatalf("no array %s", name)
	}
	return as[k]
}

func TestCompileCOBA(t *testing.T) {
	c, err := Compile(coba(t))
	if err != nil {
		t.Fatal(err)
	}
	g := c.Plan.Groups[0]
	if got := strings.Join(g.Targets, ","); got != "g_e,g_i" {
		t.Errorf("targets %s, want g_e,g_i", got)
	}
	if g.Ring != 16 {
		t.Errorf("ring %d, want 16 (delay 15 steps + 1)", g.Ring)
	}
	v := array(t, g.Arrays, "v")
	if v.Const {
		t.Error("v is written by the step but marked constant")
	}
	for i, x := range v.Init {
		if !(x >= -60 && x <= -50) {
			t.Fatalf("v[%d] = %v outside [E_L, V_th]", i, x)
		}
	}
	if tau := array(t, g.Arrays, "tau_e"); !tau.Const || tau.Init[0] != 5 {
		t.Errorf("tau_e = %v const %v, want 5 ms, constant", tau.Init[0], tau.Const)
	}
	exc, inh := c.Plan.Projections[0], c.Plan.Projections[1]
	if len(exc.RowPtr) != 101 || exc.RowPtr[80] != exc.RowPtr[100] || inh.RowPtr[80] != 0 {
		t.Errorf("rows do not cover the whole group with the sources' rows only")
	}
	if w := array(t, inh.Arrays, "w"); !w.Const || w.Init[0] != 67 {
		t.Errorf("inhibitory w = %v, want 67 nS constant", w.Init[0])
	}
	if exc.Bytes() != 4*int64(len(exc.RowPtr)+len(exc.Target)) {
		t.Errorf("static synapses take %d bytes for %d synapses: more than a target index each", exc.Bytes(), exc.Synapses())
	}
	if exc.Delay != 0 || inh.Delay != 15 || inh.Delays != nil {
		t.Errorf("delays %d and %d, want 0 and 15 steps", exc.Delay, inh.Delay)
	}
	for j := range 100 {
		for k := exc.RowPtr[j]; k < exc.RowPtr[j+1]; k++ {
			if exc.Target[k] == uint32(j) {
				t.Fatalf("autapse %d→%d", j, j)
			}
		}
	}
	again, err := Compile(coba(t))
	if err != nil {
		t.Fatal(err)
	}
	if !equalU32(again.Plan.Projections[0].Target, exc.Target) || !equalF32(array(t, again.Plan.Groups[0].Arrays, "v").Init, v.Init) {
		t.Error("the same network compiled twice differs")
	}
}

func equalU32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if math.Float32bits(a[k]) != math.Float32bits(b[k]) {
			return false
		}
	}
	return true
}

// TestCompileValues checks values on subgroups (i counts from the
// subgroup's start), arrays with units, and per-synapse values of i and j.
func TestCompileValues(t *testing.T) {
	net := coba(t)
	g := net.Groups[0]
	g.Values = append(g.Values,
		Value{Var: "v", Lo: 10, Hi: 20, Expr: "-70*mV + i*mV"},
		Value{Var: "I", Lo: 0, Hi: 3, Array: []float64{1, 2, 3}, Unit: "nA"})
	net.Projections[0].Values = append(net.Projections[0].Values, Value{Var: "w", Expr: "(i + j/1000)*nS"})
	net.Projections[0].Delay = Value{Expr: "rand()*2*ms"}
	c, err := Compile(net)
	if err != nil {
		t.Fatal(err)
	}
	gp := c.Plan.Groups[0]
	v := array(t, gp.Arrays, "v").Init
	for i := 10; i < 20; i++ {
		if v[i] != float32(-70+i-10) {
			t.Errorf("v[%d] = %v, want %v", i, v[i], -70+i-10)
		}
	}
	if I := array(t, gp.Arrays, "I").Init; I[0] != 1000 || I[2] != 3000 || I[3] != 0 {
		t.Errorf("I = %v…, want 1000 2000 3000 0 pA", I[:4])
	}
	if a := array(t, gp.Arrays, "I"); a.Const {
		t.Error("I differs between neurons but is marked constant")
	}
	exc := c.Plan.Projections[0]
	w := array(t, exc.Arrays, "w").Init
	for j := range 80 {
		for k := exc.RowPtr[j]; k < exc.RowPtr[j+1]; k++ {
			want := float32(float32(j) + float32(exc.Target[k])/1000)
			if math.Abs(float64(w[k]-want)) > 1e-4*math.Abs(float64(want))+1e-6 {
				t.Fatalf("w of %d→%d = %v, want %v", j, exc.Target[k], w[k], want)
			}
		}
	}
	if exc.Delays == nil {
		t.Fatal("random delays became one delay")
	}
	seen := map[uint16]bool{}
	for _, d := range exc.Delays {
		if d > 20 {
			t.Fatalf("delay %d steps above 2 ms", d)
		}
		seen[d] = true
	}
	if len(seen) < 15 {
		t.Errorf("only %d distinct delays out of 0…20 steps", len(seen))
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(n *Network)
		want   string
	}{
		{"unknown variable", func(n *Network) { n.Groups[0].Values[0].Var = "u" }, `group "P": model lif_coba_exp has no variable "u"`},
		{"bad expression", func(n *Network) { n.Groups[0].Values[0].Expr = "E_L + 3*ms" }, "value of v"},
		{"dimension", func(n *Network) { n.Groups[0].Values[0].Expr = "3*ms" }, "must be in"},
		{"unknown target", func(n *Network) { n.Projections[0].OnPre = "g_x_post += w" }, `projection "exc"`},
		{"parameter target that derived values use", func(n *Network) { n.Projections[0].OnPre = "tau_e_post += w*ms/nS" }, "values computed once before the run depend on"},
		{"delay not whole steps", func(n *Network) { n.Projections[1].Delay.Expr = "0.15*ms" }, "not a whole number of time steps"},
		{"negative delay", func(n *Network) { n.Projections[1].Delay.Expr = "-1*ms" }, "0 or more"},
		{"delay too long", func(n *Network) { n.Projections[1].Delay.Expr = "7000*ms" }, "the longest delay is 65535 steps"},
		{"delay units", func(n *Network) { n.Projections[1].Delay.Expr = "1*mV" }, "delay"},
		{"duplicate name", func(n *Network) { n.Projections[1].Name = "P" }, `projection "P" has the name of a group`},
		{"slice outside", func(n *Network) { n.Projections[0].Pre.Hi = 101 }, "outside group"},
		{"array length", func(n *Network) {
			n.Groups[0].Values[0] = Value{Var: "v", Lo: 0, Hi: 100, Array: []float64{1}, Unit: "mV"}
		}, "1 values for 100 elements"},
		{"array unit", func(n *Network) {
			n.Groups[0].Values[0] = Value{Var: "v", Lo: 0, Hi: 2, Array: []float64{1, 2}, Unit: "nS"}
		}, "values in"},
		{"synapse variable", func(n *Network) { n.Projections[0].Values[0].Var = "weight" }, `no variable "weight"`},
		{"no default", func(n *Network) { // (equations written in place start every variable at 0)
			n.Groups[0].Model = &models.File{Name: "mine", Equations: "dv/dt = -v/tau : volt\ntau : second"}
			n.Groups[0].Values = nil
		}, "parameter tau of model mine has no default"},
		{"bad probability", func(n *Network) { n.Projections[0].Conn.P = 1.5 }, `projection "exc"`},
		{"time step", func(n *Network) { n.DT = 0 }, "time step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := coba(t)
			tt.change(n)
			_, err := Compile(n)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestCompileZeroWeightWarning: a weight that is 0 everywhere warns,
// unless a constant zero says it is meant.
func TestCompileZeroWeightWarning(t *testing.T) {
	for _, tt := range []struct {
		values []Value
		warns  bool
	}{
		{nil, true},
		{[]Value{{Var: "w", Expr: "6*nS*int(i < 0)"}}, true},
		{[]Value{{Var: "w", Expr: "0*nS"}}, false},
		{[]Value{{Var: "w", Expr: "6*nS"}, {Var: "w", Expr: "0*nS"}}, false},
	} {
		n := coba(t)
		n.Projections[0].Values = tt.values
		c, err := Compile(n)
		if err != nil {
			t.Fatal(err)
		}
		warned := len(c.Warnings) == 1 && strings.Contains(c.Warnings[0], "w is 0 for every synapse")
		if warned != tt.warns || len(c.Warnings) > 1 {
			t.Errorf("values %v: warnings %q, want a warning about w: %v", tt.values, c.Warnings, tt.warns)
		}
	}
}

func TestFixedPoint(t *testing.T) {
	tests := []struct {
		x    float32
		want int64
	}{
		{0, 0}, {1, 1 << 32}, {-1, -1 << 32}, {6, 6 << 32}, {0.5, 1 << 31},
		{1e-10, 0}, {3e-10, 1}, {-3e-10, -1}, // truncation toward zero
		{1e30, 1 << 62}, {-1e30, -1 << 62}, {float32(math.NaN()), -1 << 62}, {float32(math.Inf(1)), 1 << 62},
	}
	for _, tt := range tests {
		if got := ToFixed(tt.x); got != tt.want {
			t.Errorf("ToFixed(%v) = %d, want %d", tt.x, got, tt.want)
		}
	}
	if got := FromFixed(3 << 32); got != 3 {
		t.Errorf("FromFixed(3·2^32) = %v", got)
	}
	if got := FromFixed(1); got != 1.0/(1<<32) {
		t.Errorf("FromFixed(1) = %v, want 2^-32", got)
	}
	if got := AddFixed(1, ToFixed(2)); got != 3 {
		t.Errorf("AddFixed(1, 2) = %v", got)
	}
	if Time(10000, 0.1) != 1000 {
		t.Errorf("Time(10000, 0.1) = %v, want 1000", Time(10000, 0.1))
	}
}
