"""Reference statistics of additive STDP (Song, Miller & Abbott 2000, Fig. 1)
from Brian2, for TestSTDPBimodal in plasticity_test.go: the network of that
test, built as spikevk builds it, for several seeds.

1,000 Poisson inputs at 10 Hz + 10 Hz*i/N (PoissonGroup) onto one neuron of
spikevk's built-in model lif_coba_exp (models/library/lif_coba_exp.yaml: its
equations, threshold, reset and 5 ms refractory period; C_m = 100 pF,
E_L = -74 mV, V_th = -54 mV, V_reset = -60 mV, v = -60 mV at the start, the
other parameters the model's defaults) by all-to-all synapses with the rule
of spikevk.STDPSynapses("g_e", "0.1*nS") (plasticity.go): on_pre adds
w*w_max to g_e, apre += 0.01, w = clip(w + apost, 0, 1); on_post
apost += -1.05*0.01, w = clip(w + apre, 0, 1); event-driven traces with
tau = 20 ms; on_pre runs before on_post, in Brian2 as in spikevk; w = rand()
at the start. The neuron is integrated by exponential Euler, the method
spikevk picks for it (models/neuron.go: not linear with constant
coefficients, each equation linear in its own variable), forced here: Brian2
2.5.1 would pick forward Euler for these equations. dt = 0.5 ms, 100 s.

One difference stays: Brian2 delivers a spike to g_e in the step of the
spike, spikevk at the start of the next step (host/plan.go, Plan).

Per seed it writes the output rate (Hz, over the 100 s and over the last
50 s), and at 20, 50 and 100 s the share of weights below 0.1 and above 0.9
(fractions of w_max) and, at 100 s, a histogram of w in 10 bins on [0, 1]
(the last bin includes 1). Brian2 draws its own random numbers, so only
these statistics can agree with spikevk's.

Usage (Debian: apt-get install python3-brian; C++ compiler for
cpp_standalone; about 30 s per seed), from this directory:
    /usr/bin/python3 stdp_song.py > stdp_song.json
"""
import json
import sys
import tempfile

import numpy as np

import brian2
from brian2 import (NeuronGroup, Network, PoissonGroup, SpikeMonitor, StateMonitor, Synapses, defaultclock,
                    device, mV, ms, nS, pA, pF, second, seed, set_device)

SEEDS = list(range(1, 11))
DURATION_S = 100
SNAPSHOTS_S = (20, 50)  # w is also taken at DURATION_S

PARAMS = {
    "N": 1000, "rates": "10*Hz + 10*Hz*i/N", "dt_ms": 0.5, "duration_s": DURATION_S,
    "neuron": "lif_coba_exp", "method": "exponential_euler",
    "C_m_pF": 100.0, "g_L_nS": 10.0, "E_L_mV": -74.0, "E_e_mV": 0.0, "E_i_mV": -80.0, "tau_e_ms": 5.0,
    "tau_i_ms": 10.0, "I_pA": 0.0, "V_th_mV": -54.0, "V_reset_mV": -60.0, "v0_mV": -60.0, "refractory_ms": 5.0,
    "w_max_nS": 0.1, "w0": "rand()", "A_pre": 0.01, "A_post": -1.05 * 0.01, "tau_pre_ms": 20.0, "tau_post_ms": 20.0,
}

EQS = """
dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v) + I)/C_m : volt (unless refractory)
dg_e/dt = -g_e/tau_e : siemens
dg_i/dt = -g_i/tau_i : siemens
"""

SYNAPSE = """
w : 1
dapre/dt = -apre/(20*ms) : 1 (event-driven)
dapost/dt = -apost/(20*ms) : 1 (event-driven)
"""
ON_PRE = """
g_e_post += w*wmax
apre += 0.01
w = clip(w + apost, 0, 1)
"""
ON_POST = """
apost += -1.05*0.01
w = clip(w + apre, 0, 1)
"""


def shares(w):
    return {"low": float(np.mean(w < 0.1)), "high": float(np.mean(w > 0.9))}


def simulate(s):
    device.reinit()
    set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="stdp_song_"))  # builds and runs at net.run
    defaultclock.dt = PARAMS["dt_ms"] * ms
    seed(s)
    n = PARAMS["N"]
    ns = {"g_L": 10 * nS, "E_L": -74 * mV, "E_e": 0 * mV, "E_i": -80 * mV, "C_m": 100 * pF, "tau_e": 5 * ms,
          "tau_i": 10 * ms, "I": 0 * pA, "V_th": -54 * mV, "V_reset": -60 * mV, "wmax": 0.1 * nS, "N": n}
    inputs = PoissonGroup(n, rates="10*Hz + 10*Hz*i/N", namespace=ns)
    neuron = NeuronGroup(1, EQS, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                         method="exponential_euler", namespace=ns)
    neuron.v = -60 * mV
    syn = Synapses(inputs, neuron, SYNAPSE, on_pre=ON_PRE, on_post=ON_POST, namespace=ns)
    syn.connect()
    syn.w = "rand()"
    spikes = SpikeMonitor(neuron)
    # Records at the start of the steps at 0, 10, 20, … s: w as the steps
    # before left it.
    weights = StateMonitor(syn, "w", record=np.arange(n), dt=10 * second)
    net = Network(inputs, neuron, syn, spikes, weights)
    net.run(DURATION_S * second)

    t = np.asarray(spikes.t / second)
    w = np.asarray(syn.w[:])
    out = {"seed": s, "rate_hz": len(t) / DURATION_S,
           "rate_last_half_hz": float(np.sum(t >= DURATION_S / 2)) / (DURATION_S / 2), "w": {}}
    for at in SNAPSHOTS_S:
        k = int(round(at / 10))
        out["w"][str(at)] = shares(np.asarray(weights.w[:, k]))
    out["w"][str(DURATION_S)] = shares(w)
    out["hist"] = np.histogram(w, bins=10, range=(0, 1))[0].tolist()
    print("seed %d: %.2f Hz, %s" % (s, out["rate_hz"], out["w"]), file=sys.stderr)
    return out


def main():
    runs = [simulate(s) for s in SEEDS]
    summary = {}
    for name, get in [("rate_hz", lambda r: r["rate_hz"]),
                      ("rate_last_half_hz", lambda r: r["rate_last_half_hz"])] + \
            [("%s_%s" % (side, at), lambda r, side=side, at=at: r["w"][str(at)][side])
             for at in SNAPSHOTS_S + (DURATION_S,) for side in ("low", "high")]:
        x = np.array([get(r) for r in runs])
        summary[name] = {"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1))}
    json.dump({"brian2": brian2.__version__, "device": "cpp_standalone",
               "command": "cd testdata/brian2 && /usr/bin/python3 stdp_song.py > stdp_song.json",
               "params": PARAMS, "seeds": SEEDS, "summary": summary, "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
