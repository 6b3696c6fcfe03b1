package spikevk

// STDPSynapses is the built-in synapse model stdp_song2000 (`spikevk
// models show stdp_song2000`): pair-based additive spike-timing-dependent
// plasticity (Song, Miller & Abbott 2000, Nat. Neurosci. 3:919–926; in the
// form of Brian2's example of the paper). A presynaptic spike adds
// w·w_max to the postsynaptic variable target (e.g. "g_e"), and each pair
// of spikes Δt = t_post − t_pre apart changes w by A_pre·exp(−Δt/τ_pre)
// when Δt > 0 and by A_post·exp(Δt/τ_post) when Δt < 0, through the
// event-driven traces apre and apost.
//
// w is the weight as a fraction of w_max = wmax (an expression with the
// units of target, e.g. "0.015*uS"), clipped to [0, 1], uniform at random
// at the start. The other parameters are those of Song et al.: τ_pre =
// τ_post = 20 ms, A_pre = 0.01 and A_post = −1.05·A_pre, so that depression
// slightly outweighs potentiation. The synapses must have no delay.
func STDPSynapses(target string, wmax string) Synapses {
	return BuiltinSynapses("stdp_song2000").Target(target).withUnitOf("w_max", wmax)
}

// STDPMultiplicativeSynapses is the built-in synapse model
// stdp_multiplicative: STDPSynapses with soft bounds (van Rossum, Bi &
// Turrigiano 2000, J. Neurosci. 20:8812–8821; Gütig et al. 2003,
// J. Neurosci. 23:3697–3714 with μ = 1): potentiation scales with the room
// left, w += A_pre·exp(−Δt/τ_pre)·(1 − w), and depression with the weight,
// w += A_post·exp(Δt/τ_post)·w, so weights settle inside [0, 1] (fractions
// of wmax) in a unimodal distribution instead of at the bounds. Same
// parameters, traces and conditions as STDPSynapses.
func STDPMultiplicativeSynapses(target string, wmax string) Synapses {
	return BuiltinSynapses("stdp_multiplicative").Target(target).withUnitOf("w_max", wmax)
}

// TsodyksMarkram is the built-in synapse model tsodyks_markram:
// short-term depression and facilitation of the Tsodyks–Markram model
// (Tsodyks & Markram 1997, PNAS 94:719–723; facilitation as in Tsodyks,
// Pawelzik & Markram 1998, Neural Comput. 10:821–835), in the event-driven
// form of Brian2's example "synapses/short_term_plasticity2": between
// spikes the utilization u decays to 0 with τ_facil and the available
// resources x recover to 1 with τ_rec; a presynaptic spike raises u by
// U·(1 − u), adds w·u·x to the postsynaptic variable target, a conductance
// (e.g. "g_e"), and uses the fraction u of the resources: x −= u·x.
//
// Every synapse has its own w (siemens), U (0 to 1), tau_rec and
// tau_facil (seconds), by default a depressing synapse (1 nS, U = 0.5,
// tau_rec = 800 ms, tau_facil = 0.001 ms); x starts at 1 and u at 0.
// Markram, Wang & Tsodyks (1998, PNAS 95:5323–5328) fit facilitating
// synapses with U = 0.15, tau_rec = 130 ms, tau_facil = 530 ms. The
// synapses may have delays.
func TsodyksMarkram(target string) Synapses {
	return BuiltinSynapses("tsodyks_markram").Target(target)
}
