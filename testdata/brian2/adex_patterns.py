"""Reference spike times of examples/adex_patterns from Brian2, for
TestAdExPatterns in examples/adex_patterns_test.go.

The six AdEx parameter sets of the SpikingNeuralNetworks.jl AdEx tutorial
(JuliaSNN/SpikingNeuralNetworks.jl, "Tutorial: AdEx neuron"; Gerstner et
al. 2014, Neuronal Dynamics, Table 6.1), written as spikevk's built-in
model adex (models/library/adex.yaml) writes the AdEx:

    C dv/dt = g_L (E_L - v) + g_L Delta_T exp((v - V_T)/Delta_T) - w + I
    tau_w dw/dt = a (v - E_L) - w ;  v > V_peak: v = V_r, w += b

with the tutorial's R = 0.5 Gohm (g_L = 1/R), C = tau_m/R, V_T = -50 mV,
Delta_T = 2 mV, E_L = -70 mV, V_peak = 0 mV (SNN.jl spikes at V >= 0 mV),
v(0) = E_L, w(0) = 0. Protocol of the tutorial: 30 ms at 5 pA, then 300 ms
at the step current. Forward Euler (the method spikevk uses for adex),
dt = 0.1 ms, numpy target, float64. There is no randomness.

Usage (Debian: apt-get install python3-brian), from this directory:
    /usr/bin/python3 adex_patterns.py > adex_patterns.json
"""
import json
import sys

import brian2
from brian2 import NeuronGroup, Network, SpikeMonitor, Gohm, defaultclock, ms, mV, nS, pA, prefs

# Neuronal Dynamics Table 6.1 as the tutorial's `data` has it:
# name (the example's group), tau_m (ms), a (nS), tau_w (ms), b (pA), u_r (mV), step current (pA).
ROWS = [
    ("tonic", 20, 0.0, 30.0, 60.0, -55.0, 65),
    ("adapting", 20, 0.0, 100.0, 5.0, -55.0, 65),
    ("initial_burst", 5.0, 0.5, 100.0, 7.0, -51.0, 65),
    ("bursting", 5.0, -0.5, 100.0, 7.0, -46.0, 65),
    ("transient", 10, 1.0, 100, 10.0, -60.0, 65),
    ("delayed", 5.0, -1.0, 100.0, 10.0, -60.0, 25),
]
R = 0.5 * Gohm
EQS = """
dv/dt = (g_L*(E_L - v) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I)/C : volt
dw/dt = (a*(v - E_L) - w)/tau_w : amp
C : farad
g_L : siemens
E_L : volt
V_T : volt
Delta_T : volt
tau_w : second
a : siemens
b : amp
V_r : volt
V_peak : volt
I : amp
"""

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
g = NeuronGroup(len(ROWS), EQS, threshold="v > V_peak", reset="v = V_r\nw += b", method="euler")
g.g_L = 1 / R
g.C = [r[1] * ms / R for r in ROWS]
g.a = [r[2] * nS for r in ROWS]
g.tau_w = [r[3] * ms for r in ROWS]
g.b = [r[4] * pA for r in ROWS]
g.V_r = [r[5] * mV for r in ROWS]
g.E_L, g.V_T, g.Delta_T, g.V_peak = -70 * mV, -50 * mV, 2 * mV, 0 * mV
g.v = -70 * mV
g.w = 0 * pA
spikes = SpikeMonitor(g)
net = Network(g, spikes)
g.I = 5 * pA
net.run(30 * ms)
g.I = [r[6] * pA for r in ROWS]
net.run(300 * ms)

trains = spikes.spike_trains()
out = {"brian2": brian2.__version__, "target": "numpy, float64", "method": "euler", "dt_ms": 0.1,
       "schedule_ms": [30, 300], "pre_current_pA": 5,
       "spike_times_ms": {r[0]: [round(float(t / ms), 6) for t in trains[k]] for k, r in enumerate(ROWS)}}
json.dump(out, sys.stdout, indent=1)
print()
