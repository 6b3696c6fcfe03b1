package spikevk

import "fmt"

// STDPSynapses is pair-based additive spike-timing-dependent plasticity
// (Song, Miller & Abbott 2000, Nat. Neurosci. 3:919–926; in the form of
// Brian2's example "Song, Miller and Abbott 2000"): a presynaptic spike
// adds w·wmax to the postsynaptic variable target (e.g. "g_e") and each
// pair of spikes Δt = t_post − t_pre apart changes w by
// A_pre·exp(−Δt/τ_pre) when Δt > 0 and by A_post·exp(Δt/τ_post) when
// Δt < 0, through the event-driven traces apre and apost.
//
// w is the weight as a fraction of wmax (an expression with the units of
// target, e.g. "0.015*uS"), clipped to [0, 1]: the weight w·wmax stays in
// [0, w_max]. The parameters are those of Song et al.: τ_pre = τ_post =
// 20 ms, A_pre = 0.01 (of w_max) and A_post = −1.05·A_pre, so that
// depression slightly outweighs potentiation. Set w before the first Run
// ("rand()" for a uniform start). The synapses must have no delay.
func STDPSynapses(target string, wmax string) Synapses {
	return Synapses{
		Model: `w : 1 # weight as a fraction of w_max
dapre/dt = -apre/(20*ms) : 1 (event-driven)
dapost/dt = -apost/(20*ms) : 1 (event-driven)`,
		OnPre:  fmt.Sprintf("%s_post += w*(%s)\napre += 0.01\nw = clip(w + apost, 0, 1)", target, wmax),
		OnPost: "apost += -1.05*0.01\nw = clip(w + apre, 0, 1)",
	}
}

// STDPMultiplicativeSynapses is STDPSynapses with soft bounds (van Rossum,
// Bi & Turrigiano 2000, J. Neurosci. 20:8812–8821; Gütig et al. 2003,
// J. Neurosci. 23:3697–3714 with μ = 1): potentiation scales with the room
// left, w += A_pre·exp(−Δt/τ_pre)·(1 − w), and depression with the weight,
// w += A_post·exp(Δt/τ_post)·w, so weights settle inside [0, 1] (fractions
// of wmax) in a unimodal distribution instead of at the bounds. Same
// parameters, traces and conditions as STDPSynapses.
func STDPMultiplicativeSynapses(target string, wmax string) Synapses {
	s := STDPSynapses(target, wmax)
	s.OnPre = fmt.Sprintf("%s_post += w*(%s)\napre += 0.01\nw = clip(w + apost*w, 0, 1)", target, wmax)
	s.OnPost = "apost += -1.05*0.01\nw = clip(w + apre*(1 - w), 0, 1)"
	return s
}

// TsodyksMarkram is short-term depression and facilitation of the
// Tsodyks–Markram model (Tsodyks & Markram 1997, PNAS 94:719–723;
// facilitation as in Tsodyks, Pawelzik & Markram 1998, Neural Comput.
// 10:821–835), in the event-driven form of Brian2's example
// "synapses/short_term_plasticity2": between spikes the utilization u
// decays to 0 with τ_facil and the available resources x recover to 1 with
// τ_rec; a presynaptic spike raises u by U·(1 − u), adds w·u·x to the
// postsynaptic variable target, a conductance (e.g. "g_e"), and uses the
// fraction u of the resources: x −= u·x.
//
// Every synapse has its own w (siemens), U (0 to 1), tau_rec and
// tau_facil (seconds): set them before the first Run, and x to 1 (u starts
// at 0). Markram, Wang & Tsodyks (1998, PNAS 95:5323–5328) fit depressing
// synapses with U = 0.5, tau_rec = 800 ms and a short tau_facil, and
// facilitating ones with U = 0.15, tau_rec = 130 ms, tau_facil = 530 ms.
// The synapses may have delays.
func TsodyksMarkram(target string) Synapses {
	return Synapses{
		Model: `w : siemens
U : 1
tau_rec : second
tau_facil : second
du/dt = -u/tau_facil : 1 (event-driven)
dx/dt = (1 - x)/tau_rec : 1 (event-driven)`,
		OnPre: fmt.Sprintf("u += U*(1 - u)\n%s_post += w*u*x\nx -= u*x", target),
	}
}
