package spikevk

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spikevk/spikevk/host"
)

// Summary describes a simulation so far.
type Summary struct {
	Seed           uint64  `json:"seed"`
	Neurons        int     `json:"neurons"` // in all groups
	Backend        string  `json:"backend"`
	Device         string  `json:"device"`
	DT             float64 `json:"dt_ms"`
	Time           float64 `json:"time_ms"`          // biological time simulated
	Build          float64 `json:"build_s"`          // wall time of building and loading the network
	Wall           float64 `json:"wall_s"`           // wall time of the runs
	RealTimeFactor float64 `json:"real_time_factor"` // wall time per biological time
	Synapses       int     `json:"synapses"`         // of the projections listed (not PoissonInput's own)
	Events         uint64  `json:"synaptic_events"`  // spikes times synapses leaving them
	// SynapseBytes is the memory of the synapses: row pointers, targets,
	// per-synapse delays and the per-synapse variables that are not one
	// constant.
	SynapseBytes int64               `json:"synapse_bytes"`
	Stats        host.Stats          `json:"backend_stats"`
	Groups       []GroupSummary      `json:"groups"`
	Projections  []ProjectionSummary `json:"projections"`
	// Fault is the runaway value that stopped the simulation (see
	// Network.Run); nil: none. Monitors hold the rest of its batch.
	Fault *Fault `json:"fault,omitempty"`
}

// Fault is a NaN, infinite or runaway value of a neuron (host.StateError).
type Fault struct {
	Group    string  `json:"group"`
	Neuron   int     `json:"neuron"`
	Variable string  `json:"variable"`
	Time     float64 `json:"time_ms"` // at the start of the step that computed it
	Value    float64 `json:"value"`   // NaN and ±Inf as JSON strings
	Message  string  `json:"message"`
}

// MarshalJSON writes a value JSON cannot hold (NaN, ±Inf) as a string.
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault
	var v any = f.Value
	if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
		v = fmt.Sprint(f.Value)
	}
	return json.Marshal(struct {
		plain
		Value any `json:"value"`
	}{plain(f), v})
}

// ProjectionSummary describes one projection: its groups (as
// Group.Label names them), rule and synapses.
type ProjectionSummary struct {
	Name     string  `json:"name"`
	Pre      string  `json:"pre"`
	Post     string  `json:"post"`
	Rule     string  `json:"rule"`        // all_to_all, fixed_probability, …
	P        float64 `json:"p,omitempty"` // fixed_probability
	K        int     `json:"k,omitempty"` // fixed_indegree, fixed_outdegree, fixed_total
	Synapses int     `json:"synapses"`
}

// GroupSummary describes the activity of one group.
type GroupSummary struct {
	Name   string  `json:"name"`
	N      int     `json:"neurons"`
	Spikes uint64  `json:"spikes"`
	Rate   float64 `json:"rate_hz"` // mean rate per neuron
	// CV is the mean over neurons with at least three spikes of the
	// coefficient of variation of their interspike intervals; NaN (JSON
	// null) when no neuron has three.
	CV float64 `json:"cv_isi"`
}

// MarshalJSON writes a missing CV as null.
func (g GroupSummary) MarshalJSON() ([]byte, error) {
	type plain GroupSummary
	var cv *float64
	if !math.IsNaN(g.CV) {
		cv = &g.CV
	}
	return json.Marshal(struct {
		plain
		CV *float64 `json:"cv_isi"`
	}{plain(g), cv})
}

// Summary returns the summary of the runs so far (zero before the first).
func (n *Network) Summary() Summary {
	s := n.sim
	if s == nil {
		return Summary{Seed: n.cfg.Seed, DT: n.cfg.DT}
	}
	wall := s.wall
	if !s.running.IsZero() {
		wall += time.Since(s.running)
	}
	sum := Summary{Seed: n.cfg.Seed, Backend: s.backend.Name(), Device: s.backend.Device(), DT: n.cfg.DT,
		Time: float64(s.step) * n.cfg.DT, Build: s.buildTime.Seconds(), Wall: wall.Seconds(), Events: s.nEvents}
	if sum.Time > 0 {
		sum.RealTimeFactor = sum.Wall / (sum.Time / 1000)
	}
	for k, p := range s.compiled.Plan.Projections {
		sum.SynapseBytes += p.Bytes()
		d := n.desc.Projections[k]
		if internal(n.desc.Groups[d.Pre.Group]) {
			continue // PoissonInput's own projection
		}
		sum.Synapses += p.Synapses()
		ps := ProjectionSummary{Name: d.Name, Pre: n.rangeLabel(d.Pre), Post: n.rangeLabel(d.Post), Rule: d.Conn.Rule.String(), Synapses: p.Synapses()}
		switch d.Conn.Rule {
		case host.FixedProbability:
			ps.P = d.Conn.P
		case host.FixedInDegree, host.FixedOutDegree, host.FixedTotal:
			ps.K = d.Conn.K
		}
		sum.Projections = append(sum.Projections, ps)
	}
	for _, g := range n.desc.Groups {
		if !internal(g) {
			sum.Neurons += g.N
		}
	}
	if e := s.fault; e != nil {
		sum.Fault = &Fault{Group: e.Group, Neuron: e.Neuron, Variable: e.Var, Time: float64(e.Time), Value: float64(e.Value), Message: e.Error()}
	}
	sum.Stats = s.backend.Stats()
	for gi, g := range s.compiled.Plan.Groups {
		if !internal(n.desc.Groups[gi]) {
			sum.Groups = append(sum.Groups, s.groups[gi].summary(g.Name, 0, g.N, sum.Time))
		}
	}
	for _, g := range n.subgroups {
		sum.Groups = append(sum.Groups, s.groups[g.index].summary(g.label, g.lo, g.hi, sum.Time))
	}
	return sum
}

// summary describes the activity of neurons lo … hi-1 over timeMs.
func (st *groupStats) summary(name string, lo, hi int, timeMs float64) GroupSummary {
	gs := GroupSummary{Name: name, N: hi - lo, CV: math.NaN()}
	cvSum, cvN := 0.0, 0
	for i := lo; i < hi; i++ {
		c := st.count[i]
		gs.Spikes += uint64(c)
		if c < 3 {
			continue
		}
		k := float64(c - 1)
		mean := st.isiSum[i] / k
		variance := math.Max(0, st.isiSq[i]/k-mean*mean)
		cvSum += math.Sqrt(variance) / mean
		cvN++
	}
	if gs.N > 0 && timeMs > 0 {
		gs.Rate = float64(gs.Spikes) / float64(gs.N) / (timeMs / 1000)
	}
	if cvN > 0 {
		gs.CV = cvSum / float64(cvN)
	}
	return gs
}

// String formats the summary as a table, as `spikevk run` prints it.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "backend %s on %s\n", s.Backend, s.Device)
	fmt.Fprintf(&b, "%d neurons, %d synapses in %d projections, seed %d, dt %g ms, %g ms simulated\n\n",
		s.Neurons, s.Synapses, len(s.Projections), s.Seed, s.DT, s.Time)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "group\tneurons\tspikes\trate (Hz)\tCV of ISI\t")
	for _, g := range s.Groups {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.3f\t\n", g.Name, g.N, g.Spikes, g.Rate, g.CV)
	}
	tw.Flush()
	if s.Fault != nil {
		fmt.Fprintf(&b, "\nstopped at a fault: %s\n", s.Fault.Message)
	}
	fmt.Fprintf(&b, "\nbuild %.2f s, run %.2f s wall, real-time factor %.3f, %.3g synaptic events/s\n",
		s.Build, s.Wall, s.RealTimeFactor, float64(s.Events)/max(s.Wall, 1e-9))
	return b.String()
}
