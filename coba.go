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
