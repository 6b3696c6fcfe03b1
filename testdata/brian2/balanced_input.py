"""Reference statistics of examples/balanced_input from Brian2, for
TestBalancedInput in examples/balanced_input_test.go.

The "Balanced input spikes" tutorial of SpikingNeuralNetworks.jl
(docs/src/examples.md, as ../shared/reference/models.md describes it): an
AdEx neuron (SNN.jl AdExParameter with R = 0.5 Gohm, tau_m = 20 ms,
V_t = -50 mV, Delta_T = 2 mV, E_L = -70 mV, V_r = -55 mV and the defaults
a = 4 nS, b = 80.5 pA, tau_w = 144 ms; spike at v >= 0 mV; 5 ms
refractory, during which v and w are held, as SNN.jl skips the neuron's
update), with SNN.jl's DoubleExpSynapse conductances (rise 1 ms / decay
6 ms, E_e = 0 mV; rise 0.5 ms / decay 2 ms, E_i = -75 mV; each input spike
adds its weight to the rise variable h), driven by 1000 excitatory Poisson
sources at 1 Hz and 1000 inhibitory ones at 10 Hz, each with weight 5 nS
(Brian2's PoissonInput, independent for each neuron); forward Euler as
SNN.jl, dt = 0.1 ms, v(0) uniform in [V_r, V_t), 200 independent neurons,
1 s, as the network file has it.

Per seed it writes the mean rate (Hz) and the mean CV of the interspike
intervals over neurons with at least three spikes (as spikevk's Summary).
Brian2 draws its own random numbers, so only the statistics can agree.

Usage (Debian: apt-get install python3-brian; a C++ compiler for the
cython target), from this directory:
    /usr/bin/python3 balanced_input.py > balanced_input.json
"""
import json
import sys

import numpy as np

import brian2
from brian2 import (Gohm, Hz, Network, NeuronGroup, PoissonInput, SpikeMonitor, defaultclock, ms, mV, nS, pA,
                    prefs, seed)

SEEDS = [1, 2, 3, 4, 5]
N = 200
DURATION_MS = 1000
EQS = """
dv/dt = (E_L - v + Delta_T*exp((v - V_T)/Delta_T) - R_m*(g_e*(v - E_e) + g_i*(v - E_i)) - R_m*w)/tau_m : volt (unless refractory)
dw/dt = (a*(v - E_L) - w)/tau_w : amp (unless refractory)
dg_e/dt = -g_e/tau_de + h_e : siemens
dh_e/dt = -h_e/tau_re : siemens/second
dg_i/dt = -g_i/tau_di + h_i : siemens
dh_i/dt = -h_i/tau_ri : siemens/second
"""
PARAMS = dict(E_L=-70 * mV, R_m=0.5 * Gohm, tau_m=20 * ms, V_T=-50 * mV, Delta_T=2 * mV, V_peak=0 * mV,
              V_r=-55 * mV, a=4 * nS, b=80.5 * pA, tau_w=144 * ms, E_e=0 * mV, E_i=-75 * mV,
              tau_re=1 * ms, tau_de=6 * ms, tau_ri=0.5 * ms, tau_di=2 * ms)


def statistics(s):
    seed(s)
    defaultclock.dt = 0.1 * ms
    g = NeuronGroup(N, EQS, threshold="v > V_peak", reset="v = V_r\nw += b", refractory=5 * ms,
                    method="euler", namespace=PARAMS)
    g.v = "V_r + rand()*(V_T - V_r)"
    exc = PoissonInput(g, "h_e", N=1000, rate=1 * Hz, weight="5*nS/ms")
    inh = PoissonInput(g, "h_i", N=1000, rate=10 * Hz, weight="5*nS/ms")
    mon = SpikeMonitor(g)
    Network(g, exc, inh, mon).run(DURATION_MS * ms)
    cvs = []
    for t in mon.spike_trains().values():
        if len(t) >= 3:
            isi = np.diff(np.asarray(t / ms))
            cvs.append(isi.std() / isi.mean())
    return {"seed": s, "rate_hz": mon.num_spikes / N / (DURATION_MS / 1000), "cv_isi": float(np.mean(cvs))}


prefs.codegen.target = "cython"
out = {"brian2": brian2.__version__, "target": "cython, float64", "neurons": N, "duration_ms": DURATION_MS,
       "dt_ms": 0.1, "cell": [statistics(s) for s in SEEDS]}
json.dump(out, sys.stdout, indent=1)
print()
