"""Reference statistics of the Zerlaut et al. (2019) E/I network in the
configuration of SpikingNeuralNetworks.jl's example "Recurrent EI network"
(../shared/reference/models.md, "Zerlaut 2019 EI network") from Brian2, for
TestZerlaut2019 in examples/zerlaut2019_test.go: the network of
examples/zerlaut2019/zerlaut2019.yaml, built as spikevk builds it, at the
example's two afferent rates (4 and 10 Hz) for several seeds.

10,000 conductance-based LIF neurons (8,000 E, 2,000 I; C = 200 pF,
g_L = 10 nS, E_L = V_reset = -70 mV, V_th = -50 mV (E) and -53 mV (I),
refractory 2 ms, exponential conductances tau_e = tau_i = 5 ms, E_e = 0 mV,
E_i = -80 mV; v uniform in [V_reset, V_th] at the start), integrated by
exponential Euler, the method spikevk picks for these equations (linear in
v with coefficients that depend on g_e and g_i), forced here. Recurrent
synapses with p = 0.05 from E (2 nS onto g_e) and from I (10 nS onto g_i)
to every neuron, without autapses (spikevk leaves them out), no delay. Two
afferent layers of 100 Poisson sources each, onto E and onto I, p = 0.1,
4 nS onto g_e. dt = 0.1 ms, 2 s.

Without delays Brian2 delivers a spike in its own step, after the
threshold test, and spikevk at the start of the next step, before the
integration: both act on the integration of the next step.

Per seed and afferent rate it writes the mean rates of E and I over
0.5-2 s (after the start from uniform v) and the burstiness of E: the
standard deviation over the mean of E's spike count in 5 ms bins over
0.5-2 s (1/sqrt(mean count) for independent Poisson neurons, much more
for the population bursts this network makes). stats() below is what
examples/zerlaut2019_test.go computes.

The network has a second, saturated state: once a large enough burst
recruits every neuron, E and I fire at the limit of the refractory period
(the equilibrium of the recurrent conductances, at full and equal rates,
lies at (400*2*0 + 100*10*(-80))/(400*2 + 100*10) = -44 mV, above
threshold). A run whose E rate over 0.5-2 s exceeds 50 Hz is counted as
saturated ("saturated" in the summary) and left out of the means and sds.

Usage (Debian: apt-get install python3-brian; C++ compiler for
cpp_standalone; about a minute per run), from this directory:
    /usr/bin/python3 zerlaut2019.py > zerlaut2019.json
"""
import json
import sys
import tempfile

import numpy as np

import brian2
from brian2 import (NeuronGroup, Network, PoissonGroup, SpikeMonitor, Synapses, defaultclock, device, Hz, mV, ms,
                    nS, pF, second, seed, set_device)

SEEDS = list(range(1, 11))
RATES_HZ = (4, 10)
DURATION_MS = 2000.0
FROM_MS = 500.0
BIN_MS = 5.0
N_E, N_I, N_AFF = 8000, 2000, 100

PARAMS = {
    "N_E": N_E, "N_I": N_I, "p": 0.05, "Q_E_nS": 2.0, "Q_I_nS": 10.0, "autapses": False, "delay_ms": 0.0,
    "N_aff": N_AFF, "p_aff": 0.1, "Q_aff_nS": 4.0, "rates_Hz": list(RATES_HZ),
    "C_m_pF": 200.0, "g_L_nS": 10.0, "E_L_mV": -70.0, "V_reset_mV": -70.0, "V_th_E_mV": -50.0, "V_th_I_mV": -53.0,
    "refractory_ms": 2.0, "tau_e_ms": 5.0, "tau_i_ms": 5.0, "E_e_mV": 0.0, "E_i_mV": -80.0,
    "v0": "V_reset + rand()*(V_th - V_reset)", "method": "exponential_euler",
    "dt_ms": 0.1, "duration_ms": DURATION_MS, "from_ms": FROM_MS, "bin_ms": BIN_MS,
}

EQS = """
dv/dt = (g_L*(E_L - v) + g_e*(E_e - v) + g_i*(E_i - v))/C_m : volt (unless refractory)
dg_e/dt = -g_e/tau_e : siemens
dg_i/dt = -g_i/tau_i : siemens
V_th : volt
"""


def stats(t_e_ms, t_i_ms):
    """Rates of E and I (Hz) over FROM_MS..DURATION_MS and the burstiness of E."""
    span = (DURATION_MS - FROM_MS) / 1000
    t_e = t_e_ms[t_e_ms >= FROM_MS]
    t_i = t_i_ms[t_i_ms >= FROM_MS]
    counts = np.histogram(t_e, bins=int(round((DURATION_MS - FROM_MS) / BIN_MS)), range=(FROM_MS, DURATION_MS))[0]
    burst = float(np.std(counts) / np.mean(counts)) if np.mean(counts) > 0 else 0.0
    return {"rate_e_hz": len(t_e) / N_E / span, "rate_i_hz": len(t_i) / N_I / span, "burstiness_e": burst}


def simulate(s, rate):
    device.reinit()
    set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="zerlaut2019_"))
    defaultclock.dt = PARAMS["dt_ms"] * ms
    seed(s)
    ns = {"C_m": 200 * pF, "g_L": 10 * nS, "E_L": -70 * mV, "E_e": 0 * mV, "E_i": -80 * mV, "tau_e": 5 * ms,
          "tau_i": 5 * ms, "V_reset": -70 * mV}
    g = NeuronGroup(N_E + N_I, EQS, threshold="v > V_th", reset="v = V_reset", refractory=2 * ms,
                    method="exponential_euler", namespace=ns)
    E, I = g[:N_E], g[N_E:]
    E.V_th = -50 * mV
    I.V_th = -53 * mV
    g.v = "V_reset + rand()*(V_th - V_reset)"
    aff = PoissonGroup(2 * N_AFF, rate * Hz)
    aff_e = Synapses(aff[:N_AFF], E, on_pre="g_e_post += 4*nS")
    aff_e.connect(p=0.1)
    aff_i = Synapses(aff[N_AFF:], I, on_pre="g_e_post += 4*nS")
    aff_i.connect(p=0.1)
    exc = Synapses(E, g, on_pre="g_e_post += 2*nS")
    exc.connect(condition="i != j", p=0.05)
    inh = Synapses(I, g, on_pre="g_i_post += 10*nS")
    inh.connect(condition="i + %d != j" % N_E, p=0.05)
    mon_e, mon_i = SpikeMonitor(E), SpikeMonitor(I)
    net = Network(g, aff, aff_e, aff_i, exc, inh, mon_e, mon_i)
    net.run(DURATION_MS * ms)
    out = {"seed": s, "rate_hz": rate,
           "synapses": {"aff_e": int(len(aff_e)), "aff_i": int(len(aff_i)), "exc": int(len(exc)), "inh": int(len(inh))}}
    out.update(stats(np.asarray(mon_e.t / ms), np.asarray(mon_i.t / ms)))
    print("seed %d, %g Hz: %s" % (s, rate, out), file=sys.stderr)
    return out


def main():
    runs = [simulate(s, r) for r in RATES_HZ for s in SEEDS]
    summary = {}
    for r in RATES_HZ:
        low = [run for run in runs if run["rate_hz"] == r and run["rate_e_hz"] <= 50]
        summary["saturated_%d" % r] = sum(1 for run in runs if run["rate_hz"] == r) - len(low)
        for name in ("rate_e_hz", "rate_i_hz", "burstiness_e"):
            x = np.array([run[name] for run in low])
            summary["%s_%d" % (name, r)] = {"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)), "n": len(x)}
    json.dump({"brian2": brian2.__version__, "device": "cpp_standalone",
               "command": "cd testdata/brian2 && /usr/bin/python3 zerlaut2019.py > zerlaut2019.json",
               "params": PARAMS, "seeds": SEEDS, "summary": summary, "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
