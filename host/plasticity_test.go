package host

import (
	"slices"
	"strings"
	"testing"
)

// stdp turns projection "exc" of the coba network into pair-based STDP.
func stdp(n *Network) *Projection {
	p := n.Projections[0]
	p.Model = "w : siemens\ndapre/dt = -apre/(20*ms) : siemens (event-driven)\ndapost/dt = -apost/(20*ms) : siemens (event-driven)"
	p.OnPre = "g_e_post += w\napre += 0.1*nS\nw = clip(w + apost, 0*nS, 10*nS)"
	p.OnPost = "apost += -0.105*nS\nw = clip(w + apre, 0*nS, 10*nS)"
	return p
}

func TestCompileOnPost(t *testing.T) {
	n := coba(t)
	stdp(n)
	c, err := Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	pp := c.Plan.Projections[0]
	if pp.OnPost == nil {
		t.Fatal("no OnPost")
	}
	if pp.PostStream == pp.Stream {
		t.Error("OnPost draws from the stream of OnPre")
	}
	for _, name := range []string{"w", "apre", "apost", "lastupdate"} {
		if a := array(t, pp.Arrays, name); a.Const {
			t.Errorf("array %s is Const, but OnPre or OnPost changes it", name)
		}
	}
	if len(pp.ColPtr) != 101 || int(pp.ColPtr[100]) != pp.Synapses() {
		t.Fatalf("%d column pointers ending at %d for 100 neurons and %d synapses", len(pp.ColPtr), pp.ColPtr[len(pp.ColPtr)-1], pp.Synapses())
	}
	for i := range 100 {
		col := pp.ColSyn[pp.ColPtr[i]:pp.ColPtr[i+1]]
		if !slices.IsSorted(col) {
			t.Errorf("column %d is not in increasing order: %v", i, col)
		}
		for _, k := range col {
			if pp.Target[k] != uint32(i) {
				t.Errorf("column %d lists synapse %d, which ends on %d", i, k, pp.Target[k])
			}
		}
	}
}

func TestCompileOnPostErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Projection)
		want   string
	}{
		{"delays", func(p *Projection) { p.Delay = Value{Expr: "1*ms"} }, "on_post with synaptic delays is not supported"},
		{"effect", func(p *Projection) { p.OnPost += "\ng_e_pre += w" }, "on_post may change synapse variables only"},
		{"neuron variable with delays", func(p *Projection) {
			p.OnPost = ""
			p.OnPre += "\nw = w + 0*nS*v_post/mV"
			p.Delay = Value{Expr: "1*ms"}
		}, "on_pre reads v_post"},
		{"unknown neuron variable", func(p *Projection) { p.OnPost += "\nw = w + 0*nS*(t - lastspike_pre)/ms" }, "lastspike"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := coba(t)
			tt.change(stdp(n))
			_, err := Compile(n)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `projection "exc"`) {
				t.Errorf("error %v, want one naming the projection and containing %q", err, tt.want)
			} else {
				t.Log(err)
			}
		})
	}
}
