"""The COBA benchmark network of `spikevk bench` in Brian2's C++ standalone
mode, on one thread, to time Brian2 against spikevk on the same network.

Usage: python3 brian2_coba.py N P DURATION_MS SEED DIRECTORY

Prints one JSON object: neurons, synapses, spikes, main_loop_s (Brian's own
timing of the simulation loop, device._last_run_time) and build_s (code
generation and compilation).
"""
import json
import sys
import time

from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device,
                    ms, mV, nS, pF, prefs, run, seed, set_device)

n, p, duration, rng_seed, directory = (int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]),
                                       int(sys.argv[4]), sys.argv[5])
set_device("cpp_standalone", directory=directory, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0  # one thread
defaultclock.dt = 0.1 * ms
seed(rng_seed)

# spikevk's lif_coba_exp with its defaults (Brette et al. 2007, benchmark 1).
g_L, E_L, E_e, E_i, C_m = 10 * nS, -60 * mV, 0 * mV, -80 * mV, 200 * pF
tau_e, tau_i, V_th, V_reset = 5 * ms, 10 * ms, -50 * mV, -60 * mV
eqs = """
dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v))/C_m : volt (unless refractory)
dg_e/dt = -g_e/tau_e : siemens
dg_i/dt = -g_i/tau_i : siemens
"""
P = NeuronGroup(n, eqs, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                method="exponential_euler")
P.v = "E_L - 5*mV + 5*mV*randn()"
P.g_e = "(4 + 1.5*randn())*10*nS"
P.g_i = "(20 + 12*randn())*10*nS"
ne = n * 4 // 5
exc = Synapses(P[:ne], P, on_pre="g_e_post += 6*nS")
exc.connect(condition="i != j", p=p)
inh = Synapses(P[ne:], P, on_pre="g_i_post += 67*nS")
inh.connect(condition=f"i + {ne} != j", p=p)
spikes = SpikeMonitor(P)
run(duration * ms)
start = time.time()
device.build(directory=directory, compile=True, run=True, debug=False)
total = time.time() - start
print(json.dumps({"neurons": n, "synapses": int(len(exc) + len(inh)), "spikes": int(spikes.num_spikes),
                  "main_loop_s": float(device._last_run_time), "build_s": total - float(device._last_run_time)}))
