"""Reference statistics of the COBA and CUBA benchmark networks (Brette et
al. 2007, benchmarks 1 and 2) from Brian2, for spikevk's benchmarks_test.go.

Runs each network as spikevk builds it (spikevk.COBA, spikevk.CUBA: 4000
neurons, p = 0.02, no autapses, dt = 0.1 ms, 1 s) in Brian2's C++ standalone
mode for several seeds, and writes benchmarks.json: per network and seed the
mean rate (Hz) and the mean CV of the interspike intervals over neurons with
at least three spikes. Brian2 draws its own random numbers, so only the
statistics can agree with spikevk's, not the rasters.

Usage (Debian: apt-get install python3-brian):
    /usr/bin/python3 make_benchmarks.py > benchmarks.json
"""
import json
import sys
import tempfile

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, ms, mV, nS, pF,
                    prefs, run, seed, set_device)

N, P, DURATION, SEEDS = 4000, 0.02, 1000 * ms, [1, 2, 3]


def coba():
    g_L, E_L, E_e, E_i, C_m = 10 * nS, -60 * mV, 0 * mV, -80 * mV, 200 * pF
    tau_e, tau_i, V_th, V_reset = 5 * ms, 10 * ms, -50 * mV, -60 * mV
    eqs = """
    dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v))/C_m : volt (unless refractory)
    dg_e/dt = -g_e/tau_e : siemens
    dg_i/dt = -g_i/tau_i : siemens
    """
    P_ = NeuronGroup(N, eqs, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                     method="exponential_euler", namespace=locals())
    P_.v = "E_L - 5*mV + 5*mV*randn()"
    P_.g_e = "(4 + 1.5*randn())*10*nS"
    P_.g_i = "(20 + 12*randn())*10*nS"
    return P_, "g_e_post += 6*nS", "g_i_post += 67*nS"


def cuba():
    E_L, tau_m, tau_e, tau_i, V_th, V_reset = -49 * mV, 20 * ms, 5 * ms, 10 * ms, -50 * mV, -60 * mV
    eqs = """
    dv/dt = (g_e + g_i - (v - E_L))/tau_m : volt (unless refractory)
    dg_e/dt = -g_e/tau_e : volt
    dg_i/dt = -g_i/tau_i : volt
    """
    P_ = NeuronGroup(N, eqs, threshold="v > V_th", reset="v = V_reset", refractory=5 * ms,
                     method="exact", namespace=locals())
    P_.v = "V_reset + rand()*(V_th - V_reset)"
    return P_, "g_e_post += 1.62*mV", "g_i_post += -9*mV"


def simulate(build, rng_seed):
    device.reinit()
    device.activate()
    set_device("cpp_standalone", directory=tempfile.mkdtemp(), build_on_run=True)
    prefs.devices.cpp_standalone.openmp_threads = 0
    defaultclock.dt = 0.1 * ms
    seed(rng_seed)
    P_, on_exc, on_inh = build()
    ne = N * 4 // 5
    exc = Synapses(P_[:ne], P_, on_pre=on_exc)
    exc.connect(condition="i != j", p=P)
    inh = Synapses(P_[ne:], P_, on_pre=on_inh)
    inh.connect(condition=f"i + {ne} != j", p=P)
    mon = SpikeMonitor(P_)
    run(DURATION)
    i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
    cvs = []
    for k in range(N):
        tk = np.sort(t[i == k])
        if len(tk) >= 3:
            isi = np.diff(tk)
            cvs.append(isi.std() / isi.mean())
    return {"seed": rng_seed, "rate_hz": len(i) / N / float(DURATION / (1000 * ms)), "cv_isi": float(np.mean(cvs))}


out = {"brian2": __import__("brian2").__version__, "neurons": N, "p": P, "duration_ms": float(DURATION / ms),
       "COBA": [simulate(coba, s) for s in SEEDS], "CUBA": [simulate(cuba, s) for s in SEEDS]}
json.dump(out, sys.stdout, indent=1)
print()
