// Package elm writes the Expressive Leaky Memory (ELM) neuron of Spieler,
// Rahaman, Martius, Schölkopf & Levina (2023, arXiv 2306.16922) as models
// of the model language, generated from its weights: a neuron model (the
// memory units, the MLP that updates them and the linear readout) and one
// synapse model per branch (the per-synapse input traces, summed into the
// branch). The models are ordinary spikevk models, so both backends run
// them bit for bit alike.
//
// Per step t of Δt = dt (ELM v1, ../shared/reference/models.md §7):
//
//	s_t  = κ_s s_{t−1} + ReLU(ŵ_s) x_t                 per synapse, κ_s = exp(−Δt/τ_s)
//	u_t  = Σ_{synapses of branch b} s_t                  per branch (a synapse per branch without branches)
//	Δm_t = φ(MLP([u_t; κ_m ⊙ m_{t−1}])),               φ(z) = 1.7159·tanh(2z/3)
//	m_t  = κ_m ⊙ m_{t−1} + λ(1 − κ_m) ⊙ Δm_t,         κ_m = exp(−Δt/τ_m)
//	y_t  = W_y m_t + b_y
//
// In a network, the spike x_t of step t reaches the traces at the end of
// step t (host.Plan), so the memory sees it one step later: the memory
// after step t+1 is the paper's m_t.
package elm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spikevk/spikevk/internal/npyfile"
)

// Weights are the weights of an ELM neuron.
type Weights struct {
	Synapse []float64 // ŵ_s of each synapse (the model uses ReLU(ŵ_s))
	// Branch is the branch of each synapse, 0 … Branches()-1; nil: each
	// synapse is its own branch (ELM without branches).
	Branch []int
	TauM   []float64 // memory time constants in ms, one per memory unit
	// Layers is the MLP: its hidden layers, then the layer to the memory
	// units. The first takes the branch inputs then the decayed memory.
	Layers   []Layer
	ReadoutW [][]float64 // [output][memory unit]
	ReadoutB []float64
	TauS     float64 // synaptic trace time constant in ms; 0: 5 ms
	Lambda   float64 // memory update scale λ; 0: 5
	SiLU     bool    // hidden activation SiLU instead of ReLU
}

// Layer is a dense layer: out = W·in + B, W[out][in].
type Layer struct {
	W [][]float64
	B []float64
}

// Branches is the number of branches (inputs of the MLP besides memory).
func (w *Weights) Branches() int {
	if w.Branch == nil {
		return len(w.Synapse)
	}
	return slices.Max(w.Branch) + 1
}

func (w *Weights) tauS() float64 {
	if w.TauS == 0 {
		return 5
	}
	return w.TauS
}

func (w *Weights) lambda() float64 {
	if w.Lambda == 0 {
		return 5
	}
	return w.Lambda
}

// Check checks that the shapes fit together and every value is finite.
func (w *Weights) Check() error {
	d := len(w.TauM)
	switch {
	case len(w.Synapse) == 0:
		return fmt.Errorf("elm: no synapses")
	case d == 0:
		return fmt.Errorf("elm: no memory units (tau_m)")
	case w.Branch != nil && len(w.Branch) != len(w.Synapse):
		return fmt.Errorf("elm: %d branch indices for %d synapses", len(w.Branch), len(w.Synapse))
	case len(w.Layers) == 0:
		return fmt.Errorf("elm: no MLP layers")
	case len(w.ReadoutW) == 0 || len(w.ReadoutW) != len(w.ReadoutB):
		return fmt.Errorf("elm: readout of %d rows and %d biases", len(w.ReadoutW), len(w.ReadoutB))
	case w.TauS < 0 || w.Lambda < 0:
		return fmt.Errorf("elm: negative tau_s or lambda")
	}
	for _, b := range w.Branch {
		if b < 0 {
			return fmt.Errorf("elm: negative branch index %d", b)
		}
	}
	for k, t := range w.TauM {
		if !(t > 0) || math.IsInf(t, 0) {
			return fmt.Errorf("elm: tau_m[%d] = %g ms is not a positive time", k, t)
		}
	}
	in := w.Branches() + d
	for k, l := range w.Layers {
		if len(l.W) == 0 || len(l.W) != len(l.B) {
			return fmt.Errorf("elm: layer %d has %d rows and %d biases", k, len(l.W), len(l.B))
		}
		for _, row := range l.W {
			if len(row) != in {
				return fmt.Errorf("elm: layer %d takes %d inputs, its row has %d", k, in, len(row))
			}
		}
		in = len(l.W)
	}
	if in != d {
		return fmt.Errorf("elm: the last layer gives %d values for %d memory units", in, d)
	}
	for _, row := range w.ReadoutW {
		if len(row) != d {
			return fmt.Errorf("elm: a readout row has %d weights for %d memory units", len(row), d)
		}
	}
	all := [][]float64{w.Synapse, w.TauM, w.ReadoutB, {w.TauS, w.Lambda}}
	all = append(all, w.ReadoutW...)
	for _, l := range w.Layers {
		all = append(all, l.B)
		all = append(all, l.W...)
	}
	for _, xs := range all {
		for _, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > math.MaxFloat32 {
				return fmt.Errorf("elm: weight %g is not a finite float32", x)
			}
		}
	}
	return nil
}

// Params is the number of trainable parameters as the paper counts them:
// the synaptic weights, the MLP's weights and biases and the readout's
// (the memory time constants are fixed).
func (w *Weights) Params() int {
	n := len(w.Synapse)
	for _, l := range w.Layers {
		n += len(l.W)*len(l.W[0]) + len(l.B)
	}
	return n + len(w.ReadoutW)*len(w.ReadoutW[0]) + len(w.ReadoutB)
}

// ParamCount is the paper's parameter count of a Branch-ELM with one hidden
// layer of 2d units: n_syn + [(n_branch + d)·2d + 2d] + [2d·d + d] +
// [d·n_out + n_out].
func ParamCount(nSyn, nBranch, d, nOut int) int {
	return nSyn + (nBranch+d)*2*d + 2*d + 2*d*d + d + d*nOut + nOut
}

// lit writes x as a float32 literal of the model language.
func lit(x float64) string {
	s := strconv.FormatFloat(float64(float32(x)), 'g', -1, 32)
	if strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}

// dense writes b + Σ W[k]·in[k].
func dense(b float64, w []float64, in []string) string {
	terms := []string{lit(b)}
	for k, x := range w {
		terms = append(terms, lit(x)+"*"+in[k])
	}
	return strings.Join(terms, " + ")
}

// Neuron returns the equations of the ELM neuron for time step dt (ms):
// parameters u_0 … (the branch inputs, which the synapses of Synapses sum),
// states m_0 …, subexpressions y_0 … (the outputs) and the MLP's.
func (w *Weights) Neuron(dt float64) (string, error) {
	if err := w.Check(); err != nil {
		return "", err
	}
	if !(dt > 0) {
		return "", fmt.Errorf("elm: time step %g ms", dt)
	}
	var b strings.Builder
	d, nb := len(w.TauM), w.Branches()
	in := make([]string, 0, nb+d)
	for k := range nb {
		in = append(in, fmt.Sprintf("u_%d", k))
	}
	for j := range d {
		in = append(in, fmt.Sprintf("z_%d", j))
	}
	lambda := lit(w.lambda())
	for j, tau := range w.TauM {
		kappa := math.Exp(-dt / tau)
		// Euler's step of this equation is the paper's update exactly:
		// m + dt·(1-κ)(λΔm - m)/dt = κ·m + λ(1-κ)·Δm.
		fmt.Fprintf(&b, "dm_%d/dt = %s*(%s*D_%d - m_%d)/dt : 1\n", j, lit(1-kappa), lambda, j, j)
		fmt.Fprintf(&b, "z_%d = %s*m_%d : 1\n", j, lit(kappa), j)
	}
	for li, l := range w.Layers {
		last := li == len(w.Layers)-1
		var out []string
		for k, row := range l.W {
			name := fmt.Sprintf("a%d_%d", li, k)
			if last {
				name = fmt.Sprintf("o_%d", k)
			}
			fmt.Fprintf(&b, "%s = %s : 1\n", name, dense(l.B[k], row, in))
			if !last {
				h := fmt.Sprintf("h%d_%d", li, k)
				if w.SiLU {
					fmt.Fprintf(&b, "%s = %s/(1 + exp(-%s)) : 1\n", h, name, name)
				} else {
					fmt.Fprintf(&b, "%s = clip(%s, 0, inf) : 1\n", h, name)
				}
				name = h
			}
			out = append(out, name)
		}
		in = out
	}
	for j := range d {
		fmt.Fprintf(&b, "D_%d = 1.7159*tanh(2*o_%d/3) : 1\n", j, j)
	}
	mem := make([]string, d)
	for j := range d {
		mem[j] = fmt.Sprintf("m_%d", j)
	}
	for q, row := range w.ReadoutW {
		fmt.Fprintf(&b, "y_%d = %s : 1\n", q, dense(w.ReadoutB[q], row, mem))
	}
	for k := range nb {
		fmt.Fprintf(&b, "u_%d : 1\n", k)
	}
	return b.String(), nil
}

// Synapses returns the synapse model of branch k: per-synapse traces s with
// weight w = ReLU(ŵ_s), summed into u_k.
func (w *Weights) Synapses(k int) (model, onPre string) {
	return fmt.Sprintf("w : 1\nds/dt = -s/(%s*ms) : 1 (clock-driven)\nu_%d_post = s : 1 (summed)", lit(w.tauS()), k), "s += w"
}

// SynapseWeight is ReLU(ŵ_s) of synapse k.
func (w *Weights) SynapseWeight(k int) float64 { return math.Max(0, w.Synapse[k]) }

// BranchOf is the branch of synapse k.
func (w *Weights) BranchOf(k int) int {
	if w.Branch == nil {
		return k
	}
	return w.Branch[k]
}

// Read reads weights from a .npz file with arrays w_syn (ŵ_s), tau_m (ms),
// layer_0_w, layer_0_b, layer_1_w, … (the MLP, [out][in]), readout_w,
// readout_b, and optionally branch (an integer per synapse), tau_s (ms),
// lambda (one value each) and silu (one value; nonzero: SiLU).
func Read(path string) (*Weights, error) {
	arrays, err := npyfile.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	get := func(name string, required bool) ([]float64, error) {
		a, ok := arrays[name]
		if !ok && required {
			return nil, fmt.Errorf("%s: no array %q (it has %s)", path, name, strings.Join(slices.Sorted(maps.Keys(arrays)), ", "))
		}
		return a.Data, nil
	}
	matrix := func(name string) ([][]float64, error) {
		a, ok := arrays[name]
		if !ok {
			return nil, fmt.Errorf("%s: no array %q", path, name)
		}
		if len(a.Shape) != 2 {
			return nil, fmt.Errorf("%s: array %q of shape %v, want two dimensions", path, name, a.Shape)
		}
		rows := make([][]float64, a.Shape[0])
		for r := range rows {
			rows[r] = a.Data[r*a.Shape[1] : (r+1)*a.Shape[1]]
		}
		return rows, nil
	}
	w := &Weights{}
	if w.Synapse, err = get("w_syn", true); err != nil {
		return nil, err
	}
	if w.TauM, err = get("tau_m", true); err != nil {
		return nil, err
	}
	for k := 0; ; k++ {
		if _, ok := arrays[fmt.Sprintf("layer_%d_w", k)]; !ok {
			break
		}
		var l Layer
		if l.W, err = matrix(fmt.Sprintf("layer_%d_w", k)); err != nil {
			return nil, err
		}
		if l.B, err = get(fmt.Sprintf("layer_%d_b", k), true); err != nil {
			return nil, err
		}
		w.Layers = append(w.Layers, l)
	}
	if w.ReadoutW, err = matrix("readout_w"); err != nil {
		return nil, err
	}
	if w.ReadoutB, err = get("readout_b", true); err != nil {
		return nil, err
	}
	branch, _ := get("branch", false)
	for _, b := range branch {
		if b != math.Trunc(b) || b < 0 || b > math.MaxInt32 {
			return nil, fmt.Errorf("%s: branch index %g is not a whole number from 0", path, b)
		}
		w.Branch = append(w.Branch, int(b))
	}
	for name, dst := range map[string]*float64{"tau_s": &w.TauS, "lambda": &w.Lambda} {
		v, _ := get(name, false)
		if len(v) > 1 {
			return nil, fmt.Errorf("%s: %s holds %d values, want one", path, name, len(v))
		}
		if len(v) == 1 {
			*dst = v[0]
		}
	}
	silu, _ := get("silu", false)
	w.SiLU = len(silu) == 1 && silu[0] != 0
	if err := w.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}
