"""Reference statistics of the oscillating GIF population (NEST's example
pynest/examples/gif_population.py with the noise of Fabrizio Musacchio's
tutorial, FabrizioMusacchio/NEST_tutorials
tutorials/gif_neuron_model_with_oscillations.py) from Brian2, for
TestGIFPopulation in examples/gif_population_test.go: the network of
examples/gif_population/gif_population.yaml, built as spikevk builds it,
for several seeds.

100 neurons of spikevk's built-in model gif_psc_exp
(models/library/gif_psc_exp.yaml: its equations, escape-noise threshold
rand() < 1 - exp(-hazard*dt), reset with the jumps of the spike-triggered
currents and of the threshold elements, 4 ms refractory period during which
no spike is drawn, exact integration) with the tutorial's parameters (Mensi
et al. 2012 fits); v = -70 mV at the start, NEST's initial V_m. Recurrent
synapses: Bernoulli p = 0.3 with autapses (NEST's pairwise_bernoulli),
30 pA onto I_syn_ex, 1 ms delay. Noise: a PoissonInput of 67 trains at
12 Hz of 20 pA onto I_syn_ex per neuron (a NEST poisson_generator sends each
target its own train). dt = 0.1 ms, 2 s.

One difference stays: Brian2 delivers a spike in the step of the spike
plus its delay, spikevk at the start of the step after (host/plan.go,
Plan), 0.1 ms later.

Per seed it writes the mean rate (Hz) and, from the population spike count
in 5 ms bins over the 2 s (the tutorial's histogram), the period of the
population oscillation: the lag of the first peak of the autocorrelation of
the counts after it first turns negative (interpolated by a parabola
through the three bins around it) and the autocorrelation at that peak.
oscillation() below is what examples/gif_population_test.go computes.

Usage (Debian: apt-get install python3-brian; C++ compiler for
cpp_standalone; about 15 s per seed), from this directory:
    /usr/bin/python3 gif_population.py > gif_population.json
"""
import json
import sys
import tempfile

import numpy as np

import brian2
from brian2 import (NeuronGroup, Network, PoissonInput, SpikeMonitor, Synapses, defaultclock, device, Hz, mV, ms,
                    nS, pA, pF, second, seed, set_device)

SEEDS = list(range(1, 11))
DURATION_MS = 2000.0
BIN_MS = 5.0

PARAMS = {
    "N": 100, "p": 0.3, "autapses": True, "w_pA": 30.0, "delay_ms": 1.0,
    "N_noise": 67, "rate_noise_Hz": 12.0, "w_noise_pA": 20.0, "dt_ms": 0.1, "duration_ms": DURATION_MS,
    "neuron": "gif_psc_exp", "method": "exact",
    "C_m_pF": 83.1, "g_L_nS": 3.7, "E_L_mV": -67.0, "Delta_V_mV": 1.4, "V_T_star_mV": -39.6, "t_ref_ms": 4.0,
    "V_reset_mV": -36.7, "lambda_0_Hz": 1.0, "q_stc_pA": [56.7, -6.9], "tau_stc_ms": [57.8, 218.2],
    "q_sfa_mV": [11.7, 1.8], "tau_sfa_ms": [53.8, 640.0], "tau_syn_ex_ms": 10.0, "tau_syn_in_ms": 2.0,
    "v0_mV": -70.0, "bin_ms": BIN_MS,
}

EQS = """
dv/dt = (g_L*(E_L - v) - eta_1 - eta_2 + I_syn_ex + I_syn_in + I)/C_m : volt (unless refractory)
deta_1/dt = -eta_1/tau_stc_1 : amp
deta_2/dt = -eta_2/tau_stc_2 : amp
dgamma_1/dt = -gamma_1/tau_sfa_1 : volt
dgamma_2/dt = -gamma_2/tau_sfa_2 : volt
dI_syn_ex/dt = -I_syn_ex/tau_syn_ex : amp
dI_syn_in/dt = -I_syn_in/tau_syn_in : amp
V_T = V_T_star + gamma_1 + gamma_2 : volt
hazard = lambda_0*exp((v - V_T)/Delta_V) : Hz
"""
RESET = """
v = V_reset
eta_1 += q_stc_1
eta_2 += q_stc_2
gamma_1 += q_sfa_1
gamma_2 += q_sfa_2
"""


def oscillation(times_ms, duration_ms=DURATION_MS, bin_ms=BIN_MS):
    """Period (ms) and height of the first autocorrelation peak of the
    population spike count in bins of bin_ms, or (0, 0) when there is none."""
    counts = np.histogram(times_ms, bins=int(round(duration_ms / bin_ms)), range=(0, duration_ms))[0].astype(float)
    x = counts - counts.mean()
    norm = np.dot(x, x)
    if norm == 0:
        return 0.0, 0.0
    r = np.array([np.dot(x[:len(x) - k], x[k:]) / norm for k in range(len(x))])
    k = 1
    while k < len(r) and r[k] >= 0:
        k += 1
    while k < len(r) and r[k] <= 0:
        k += 1
    best = k
    while k < len(r) and r[k] > 0:
        if r[k] > r[best]:
            best = k
        k += 1
    if best >= len(r) - 1:
        return 0.0, 0.0
    a, b, c = r[best - 1], r[best], r[best + 1]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c != 0 else 0.0
    return float((best + shift) * bin_ms), float(b)


def simulate(s):
    device.reinit()
    set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="gif_population_"))
    defaultclock.dt = PARAMS["dt_ms"] * ms
    seed(s)
    ns = {"C_m": 83.1 * pF, "g_L": 3.7 * nS, "E_L": -67 * mV, "Delta_V": 1.4 * mV, "V_T_star": -39.6 * mV,
          "V_reset": -36.7 * mV, "lambda_0": 1 * Hz, "q_stc_1": 56.7 * pA, "q_stc_2": -6.9 * pA,
          "tau_stc_1": 57.8 * ms, "tau_stc_2": 218.2 * ms, "q_sfa_1": 11.7 * mV, "q_sfa_2": 1.8 * mV,
          "tau_sfa_1": 53.8 * ms, "tau_sfa_2": 640 * ms, "tau_syn_ex": 10 * ms, "tau_syn_in": 2 * ms, "I": 0 * pA}
    n = PARAMS["N"]
    pop = NeuronGroup(n, EQS, threshold="rand() < 1 - exp(-hazard*dt)", reset=RESET, refractory=4 * ms,
                      method="exact", namespace=ns)
    pop.v = -70 * mV
    rec = Synapses(pop, pop, "w : amp", on_pre="I_syn_ex_post += w")
    rec.connect(p=PARAMS["p"])  # Brian2 keeps autapses, as NEST's pairwise_bernoulli
    rec.w = 30 * pA
    rec.delay = 1 * ms
    noise = PoissonInput(pop, "I_syn_ex", PARAMS["N_noise"], PARAMS["rate_noise_Hz"] * Hz, weight=20 * pA)
    spikes = SpikeMonitor(pop)
    net = Network(pop, rec, noise, spikes)
    net.run(DURATION_MS * ms)

    t = np.asarray(spikes.t / ms)
    period, peak = oscillation(t)
    out = {"seed": s, "synapses": int(len(rec)), "spikes": int(len(t)),
           "rate_hz": len(t) / (n * DURATION_MS / 1000), "period_ms": period, "ac_peak": peak}
    print("seed %d: %s" % (s, out), file=sys.stderr)
    return out


def main():
    runs = [simulate(s) for s in SEEDS]
    summary = {}
    for name in ("rate_hz", "period_ms", "ac_peak"):
        x = np.array([r[name] for r in runs])
        summary[name] = {"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1))}
    json.dump({"brian2": brian2.__version__, "device": "cpp_standalone",
               "command": "cd testdata/brian2 && /usr/bin/python3 gif_population.py > gif_population.json",
               "params": PARAMS, "seeds": SEEDS, "summary": summary, "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
