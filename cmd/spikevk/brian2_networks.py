"""The benchmark networks of spikevk (spikevk.COBA and spikevk.CUBA: Brette
et al. 2007, benchmarks 1 and 2) in Brian2's C++ standalone mode on one
thread: `spikevk bench` times Brian2 with it, and
testdata/brian2/make_benchmarks.py records its statistics.

Usage: python3 brian2_networks.py coba|cuba N P DURATION_MS SEED DIRECTORY

Prints one JSON object: neurons, synapses, spikes, rate_hz, cv_isi (the mean
over neurons with at least three spikes of the CV of their interspike
intervals), main_loop_s (Brian's own timing of the simulation loop,
device._last_run_time) and build_s (code generation and compilation).
"""
import json
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, ms, mV, nS, pF,
                    prefs, run, seed, set_device)


def coba(n):
    """spikevk's lif_coba_exp with its defaults, initial values as Brian's COBA example."""
    g_L, E_L, E_e, E_i, C_m = 10 * nS, -60 * mV, 0 * mV, -80 * mV, 200 * pF
    tau_e, tau_i, V_th, V_reset = 5 * ms, 10 * ms, -50 * mV, -60 * mV
    eqs = """
    dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v))/C_m : volt (unless refractory)
    dg_e/dt = -g_e/tau_e : siemens
    dg_i/dt = -g_i/tau_i : siemens
    """
    group = NeuronGroup(n, eqs, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                        method="exponential_euler", namespace=locals())
    group.v = "E_L - 5*mV + 5*mV*randn()"
    group.g_e = "(4 + 1.5*randn())*10*nS"
    group.g_i = "(20 + 12*randn())*10*nS"
    return group, "g_e_post += 6*nS", "g_i_post += 67*nS"


def cuba(n):
    """Brian2's CUBA example."""
    E_L, tau_m, tau_e, tau_i, V_th, V_reset = -49 * mV, 20 * ms, 5 * ms, 10 * ms, -50 * mV, -60 * mV
    eqs = """
    dv/dt = (g_e + g_i - (v - E_L))/tau_m : volt (unless refractory)
    dg_e/dt = -g_e/tau_e : volt
    dg_i/dt = -g_i/tau_i : volt
    """
    group = NeuronGroup(n, eqs, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                        method="exact", namespace=locals())
    group.v = "V_reset + rand()*(V_th - V_reset)"
    return group, "g_e_post += 1.62*mV", "g_i_post += -9*mV"


def main():
    network, n, p, duration, rng_seed, directory = (sys.argv[1], int(sys.argv[2]), float(sys.argv[3]),
                                                    float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0  # one thread
    defaultclock.dt = 0.1 * ms
    seed(rng_seed)
    group, on_exc, on_inh = {"coba": coba, "cuba": cuba}[network](n)
    ne = n * 4 // 5
    exc = Synapses(group[:ne], group, on_pre=on_exc)
    exc.connect(condition="i != j", p=p)  # no autapses, as spikevk
    inh = Synapses(group[ne:], group, on_pre=on_inh)
    inh.connect(condition=f"i + {ne} != j", p=p)
    spikes = SpikeMonitor(group)
    run(duration * ms)
    start = time.time()
    device.build(directory=directory, compile=True, run=True, debug=False)
    total = time.time() - start
    i, t = np.asarray(spikes.i[:]), np.asarray(spikes.t[:] / ms)
    order = np.lexsort((t, i))
    i, t = i[order], t[order]
    cvs = []
    for times in np.split(t, np.flatnonzero(np.diff(i)) + 1):  # one neuron's spikes each
        isi = np.diff(times)
        if len(isi) >= 2:
            cvs.append(isi.std() / isi.mean())
    print(json.dumps({"neurons": n, "synapses": int(len(exc) + len(inh)), "spikes": int(len(i)),
                      "rate_hz": len(i) / n / (duration / 1000), "cv_isi": float(np.mean(cvs)) if cvs else None,
                      "main_loop_s": float(device._last_run_time), "build_s": total - float(device._last_run_time)}))


main()
