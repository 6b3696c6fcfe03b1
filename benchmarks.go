package spikevk

// COBA builds the conductance-based benchmark network of Vogels & Abbott
// (2005) as specified by Brette et al. (2007, benchmark 1): size leaky
// integrate-and-fire neurons (model lif_coba_exp: C_m = 200 pF, g_L = 10
// nS, E_L = -60 mV, V_th = -50 mV, V_reset = -60 mV, 5 ms refractory,
// tau_e = 5 ms, tau_i = 10 ms), the first 4/5 excitatory and the rest
// inhibitory, every ordered pair connected with probability p (no
// autapses), excitatory synapses adding 6 nS to g_e and inhibitory ones 67
// nS to g_i (the Brian and NEST weights; PyNN's VAbenchmarks use 4 and 51
// nS), no delay and no external input. Initial values follow Brian's COBA
// example: v = -65 mV + 5 mV·N(0,1), g_e = (4 + 1.5·N(0,1))·10 nS, g_i =
// (20 + 12·N(0,1))·10 nS. The published network has size 4000 and p = 0.02.
//
// The group is called "neurons"; the projections "exc" and "inh".
func COBA(cfg Config, size int, p float64) *Network {
	net := New(cfg)
	all := net.Group("neurons", size, Builtin("lif_coba_exp"))
	all.Set("v", "E_L - 5*mV + 5*mV*randn()")
	all.Set("g_e", "(4 + 1.5*randn())*10*nS")
	all.Set("g_i", "(20 + 12*randn())*10*nS")
	ne := size * 4 / 5
	net.Connect("exc", all.Slice(0, ne), all, Synapses{Model: "w : siemens", OnPre: "g_e_post += w"},
		FixedProbability(p)).Set("w", "6*nS")
	net.Connect("inh", all.Slice(ne, size), all, Synapses{Model: "w : siemens", OnPre: "g_i_post += w"},
		FixedProbability(p)).Set("w", "67*nS")
	return net
}

// cubaModel is the neuron of Brian2's CUBA example (Brette et al. 2007,
// benchmark 2): synaptic inputs in volts, decaying with tau_e and tau_i.
var cubaModel = Equations{
	Equations: `dv/dt = (g_e + g_i - (v - E_L))/tau_m : volt (unless refractory)
dg_e/dt = -g_e/tau_e : volt
dg_i/dt = -g_i/tau_i : volt
E_L : volt
tau_m : second
tau_e : second
tau_i : second
V_th : volt
V_reset : volt`,
	Threshold:  "v > V_th",
	Reset:      "v = V_reset",
	Refractory: "5*ms",
}

// CUBA builds the current-based benchmark network of Brette et al. (2007,
// benchmark 2) as Brian2's CUBA example: size neurons with tau_m = 20 ms,
// E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV, 5 ms refractory, synaptic
// inputs decaying with tau_e = 5 ms and tau_i = 10 ms; the first 4/5
// excitatory (w = 1.62 mV), the rest inhibitory (w = -9 mV), every ordered
// pair connected with probability p (no autapses); v starts uniform
// between V_reset and V_th. The published network has size 4000 and p =
// 0.02; it sustains its own activity.
//
// The group is called "neurons"; the projections "exc" and "inh".
func CUBA(cfg Config, size int, p float64) *Network {
	net := New(cfg)
	all := net.Group("neurons", size, cubaModel.Model())
	all.Set("E_L", "-49*mV").Set("tau_m", "20*ms").Set("tau_e", "5*ms").Set("tau_i", "10*ms")
	all.Set("V_th", "-50*mV").Set("V_reset", "-60*mV")
	all.Set("v", "V_reset + rand()*(V_th - V_reset)")
	ne := size * 4 / 5
	net.Connect("exc", all.Slice(0, ne), all, Synapses{Model: "w : volt", OnPre: "g_e_post += w"},
		FixedProbability(p)).Set("w", "1.62*mV")
	net.Connect("inh", all.Slice(ne, size), all, Synapses{Model: "w : volt", OnPre: "g_i_post += w"},
		FixedProbability(p)).Set("w", "-9*mV")
	return net
}
