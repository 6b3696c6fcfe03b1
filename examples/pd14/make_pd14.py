"""Writes pd14.yaml, the Potjans & Diesmann (2014) cortical microcircuit as
a spikevk network file, from the parameters of PyNN's example
(NeuralEnsemble/PyNN examples/Potjans2014/network_params.py; the tables of
../shared/reference/models.md, section 6.6).

    python3 examples/pd14/make_pd14.py > examples/pd14/pd14.yaml

The file's constant `scale` sets the number of neurons of every
population; the in-degrees stay those of the full model (each projection
has scale times its synapses), so that every neuron receives the input
statistics of the full-scale model (van Albada, Helias & Diesmann 2015,
PLoS Comput Biol 11:e1004490) with no DC compensation: `-set scale=1` is
the full model of 77,169 neurons and about 3*10^8 synapses. The default,
0.25, is the smallest at which every population's rate stays within 12 %
of the full model's (measured: examples/pd14/README.md); at 0.1 the L2/3
rates are 50 to 70 % too high, the correlations of a small network.
"""
import math

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
# Connection probabilities, rows target, columns source.
C = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
]


def synapses(target, source):
    """PD14's number of synapses of a projection: K = ln(1-C)/ln(1-1/(Npre*Npost))."""
    c = C[target][source]
    if c == 0:
        return 0
    return round(math.log(1 - c) / math.log(1 - 1 / (N[source] * N[target])))


def main():
    print(__doc__.strip().replace("\n", "\n# ").join(["# ", ""]).replace("# \n", "#\n"))
    print("""#
# Neurons: LIF with exponential current-based synapses (NEST's iaf_psc_exp):
# C = 250 pF, tau_m = 10 ms, E_L = V_reset = -65 mV, V_th = -50 mV, 2 ms
# refractory, tau_syn = 0.5 ms, v starting from N(-58 mV, 5 mV). Synapses:
# fixed total numbers (multapses and autapses allowed, as in NEST), weights
# normal with sd 10 % of the mean, 87.8 pA (a PSP of about 0.15 mV),
# doubled from L4E to L2/3E, -4 times it from inhibitory neurons; delays
# normal, 1.5 +- 0.75 ms from excitatory and 0.75 +- 0.375 ms from
# inhibitory neurons, at least one step. Drive: Poisson background of
# 8 Hz per external synapse with in-degrees K_ext.
name: pd14
description: |
  Potjans & Diesmann (2014) Cereb Cortex 24:785 cortical microcircuit: 8 populations of LIF neurons (77,169 at scale 1), Poisson background.
dt: 0.1*ms
seed: 1
duration: 1*second
constants:
  scale: 0.25          # fraction of the full model's neurons; in-degrees stay full
  w: 87.8*pA           # mean excitatory weight
  g: -4                # relative inhibitory weight
  w_ext: 87.8*pA       # weight of the background""")
    for p, n in zip(POPS, N):
        print(f"  n_{p}: int({n}*scale + 0.5)")
    print("groups:")
    for p, k in zip(POPS, K_EXT):
        print(f"""  {p}:
    model: |
      dv/dt = (E_L - v)/tau_m + I/C_m : volt (unless refractory)
      dI/dt = -I/tau_syn : amp
      E_L : volt
      tau_m : second
      C_m : farad
      tau_syn : second
    threshold: v > -50*mV
    reset: v = -65*mV
    refractory: 2*ms
    parameters: {{E_L: -65*mV, tau_m: 10*ms, C_m: 250*pF, tau_syn: 0.5*ms}}
    n: n_{p}
    set: {{v: -58*mV + 5*mV*randn()}}
    poisson_input:
      - {{target: I, n: {k}, rate: 8*Hz, weight: w_ext}}""")
    print("synapses:")
    for t, target in enumerate(POPS):
        for s, source in enumerate(POPS):
            k = synapses(t, s)
            if k == 0:
                continue
            excitatory = source.endswith("E")
            mean = "2*w" if (source, target) == ("L4E", "L23E") else ("w" if excitatory else "g*w")
            weight = f"clip({mean}*(1 + 0.1*randn()), 0*pA, 1*nA)" if excitatory else f"clip({mean}*(1 + 0.1*randn()), -1*nA, 0*pA)"
            delay = "clip(1.5*ms + 0.75*ms*randn(), 0.1*ms, 100*ms)" if excitatory else "clip(0.75*ms + 0.375*ms*randn(), 0.1*ms, 100*ms)"
            print(f"""  {source}_{target}:
    pre: {source}
    post: {target}
    model: "w_syn : amp"
    on_pre: I_post += w_syn
    connect: {{total: int({k}*scale + 0.5){", autapses: true" if source == target else ""}}}
    set: {{w_syn: "{weight}"}}
    delay: "{delay}\"""")
    print("monitors:")
    print("  spikes: [" + ", ".join(POPS) + "]")


if __name__ == "__main__":
    main()
