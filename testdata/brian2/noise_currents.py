"""Reference statistics of the group lif of examples/noise_currents from
Brian2, for TestNoiseCurrents in examples/noise_currents_test.go.

The leaky integrate-and-fire neuron of the SpikingNeuralNetworks.jl
tutorial's "Noise input current" section (SNN.jl IFParameter and
CurrentNoiseParameter): tau_m dv/dt = -(v - E_L) + R I with R = 0.5 Gohm,
tau_m = 20 ms, E_L = -70 mV, spike at v > -50 mV, reset to -55 mV, 1 ms
refractory (SNN.jl's default), forward Euler, dt = 0.1 ms, driven by
I = 30 pA + 100 pA * N(0, 1) drawn afresh every step and neuron (Brian2:
randn() in a subexpression constant over dt), v(0) uniform in
[-55, -50) mV; 1000 independent neurons, 2 s, as the network file has it.

Per seed it writes the mean rate (Hz) and the mean CV of the interspike
intervals over neurons with at least three spikes (as spikevk's Summary).
Brian2 draws its own random numbers, so only the statistics can agree.

Usage (Debian: apt-get install python3-brian; a C++ compiler for the
cython target), from this directory:
    /usr/bin/python3 noise_currents.py > noise_currents.json
"""
import json
import sys

import numpy as np

import brian2
from brian2 import Gohm, Network, NeuronGroup, SpikeMonitor, defaultclock, ms, mV, pA, prefs, seed

SEEDS = [1, 2, 3, 4, 5]
N = 1000
DURATION_MS = 2000
EQS = """
dv/dt = (E_L - v + R_m*I)/tau_m : volt (unless refractory)
I = 30*pA + 100*pA*randn() : amp (constant over dt)
E_L : volt
R_m : ohm
tau_m : second
"""


def statistics(s):
    seed(s)
    defaultclock.dt = 0.1 * ms
    g = NeuronGroup(N, EQS, threshold="v > -50*mV", reset="v = -55*mV", refractory=1 * ms, method="euler")
    g.E_L, g.R_m, g.tau_m = -70 * mV, 0.5 * Gohm, 20 * ms
    g.v = "-55*mV + rand()*5*mV"
    mon = SpikeMonitor(g)
    Network(g, mon).run(DURATION_MS * ms)
    cvs = []
    for t in mon.spike_trains().values():
        if len(t) >= 3:
            isi = np.diff(np.asarray(t / ms))
            cvs.append(isi.std() / isi.mean())
    return {"seed": s, "rate_hz": mon.num_spikes / N / (DURATION_MS / 1000), "cv_isi": float(np.mean(cvs))}


prefs.codegen.target = "cython"
out = {"brian2": brian2.__version__, "target": "cython, float64", "neurons": N, "duration_ms": DURATION_MS,
       "dt_ms": 0.1, "lif": [statistics(s) for s in SEEDS]}
json.dump(out, sys.stdout, indent=1)
print()
