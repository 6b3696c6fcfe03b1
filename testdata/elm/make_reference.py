#!/usr/bin/python3
"""Reference for spikevk's ELM neuron (models/elm): the Expressive Leaky
Memory neuron of Spieler et al. (2023, arXiv 2306.16922), ELM v1 with
branches, written from the paper's equations in NumPy (float64), on random
weights and random input spikes.

Writes, for each configuration NAME, NAME_weights.npz (the weights in the
layout models/elm.Read takes), NAME_inputs.npz (the input spikes: i, t in
seconds, as spikevk's spike generators read them) and NAME_reference.npz
(m and y after every step t, [t][unit]), where the input of step t
enters in step t+1, as in spikevk. Run from the repository root:

    /usr/bin/python3 testdata/elm/make_reference.py
"""
import numpy as np

DT = 1.0  # ms
T = 300   # steps


def phi(z):
    return 1.7159 * np.tanh(2.0 * z / 3.0)


def make(name, seed, n_syn, branch, d, layers, n_out, silu, rate=0.08):
    rng = np.random.default_rng(seed)
    n_branch = n_syn if branch is None else int(branch.max()) + 1
    w_syn = 0.5 + 0.4 * rng.standard_normal(n_syn)          # some negative: ReLU makes them 0
    tau_m = np.logspace(np.log10(2.0), np.log10(150.0), d)   # ms, fixed (the NeuronIO range)
    sizes = [n_branch + d] + [2 * d] * layers + [d]
    Ws = [rng.standard_normal((sizes[k + 1], sizes[k])) / np.sqrt(sizes[k]) for k in range(len(sizes) - 1)]
    bs = [0.1 * rng.standard_normal(sizes[k + 1]) for k in range(len(sizes) - 1)]
    Wy = rng.standard_normal((n_out, d))
    by = 0.1 * rng.standard_normal(n_out)
    tau_s, lam = 5.0, 5.0
    weights = {"w_syn": w_syn, "tau_m": tau_m, "readout_w": Wy, "readout_b": by,
               "tau_s": np.array([tau_s]), "lambda": np.array([lam]), "silu": np.array([1.0 if silu else 0.0])}
    for k in range(len(Ws)):
        weights["layer_%d_w" % k], weights["layer_%d_b" % k] = Ws[k], bs[k]
    if branch is not None:
        weights["branch"] = branch.astype(np.int64)
    np.savez("testdata/elm/%s_weights.npz" % name, **weights)

    x = (rng.random((T, n_syn)) < rate).astype(float)       # x[t, k]: a spike of synapse k in step t
    steps, syns = np.nonzero(x)
    np.savez("testdata/elm/%s_inputs.npz" % name, i=syns.astype(np.int32), t=steps * DT / 1000.0)

    # The paper's equations, step by step, with the input of step t-1 in
    # step t: in spikevk (as in any clock-driven simulator) a spike of step
    # t reaches the synaptic traces at the end of step t, so the memory
    # sees it in step t+1.
    ks, km = np.exp(-DT / tau_s), np.exp(-DT / tau_m)
    ws = np.maximum(w_syn, 0.0)
    route = np.zeros((n_branch, n_syn))
    for k in range(n_syn):
        route[k if branch is None else branch[k], k] = 1.0
    s, m = np.zeros(n_syn), np.zeros(d)
    ms, ys = [], []
    for t in range(T):
        s = ks * s + ws * (x[t - 1] if t > 0 else 0.0)
        u = route @ s
        h = np.concatenate([u, km * m])
        for k in range(len(Ws)):
            h = Ws[k] @ h + bs[k]
            if k < len(Ws) - 1:
                h = h / (1.0 + np.exp(-h)) if silu else np.maximum(h, 0.0)
        m = km * m + lam * (1.0 - km) * phi(h)
        ms.append(m.copy())
        ys.append(Wy @ m + by)
    np.savez("testdata/elm/%s_reference.npz" % name, m=np.array(ms), y=np.array(ys))


# Branch-ELM as in the paper's NeuronIO configuration, scaled down: 12
# synapses on 4 branches, 3 memory units, one ReLU hidden layer of 2d.
make("branch", 2023, 12, np.arange(12) % 4, 3, 1, 2, silu=False)
# ELM without branches (a synapse per branch), SiLU, two hidden layers.
make("plain", 2306, 5, None, 2, 2, 1, silu=True)
