"""Brian2 2.5.1 reference for spikevk's parity suite (parity_test.go).

Each function below runs one small network that a Brian2 user writes in
their first week and stores what it computed under its own key of
parity.json; parity_test.go builds the same network in spikevk and
compares. Run with Debian's python3-brian:

    python3 testdata/brian2/parity.py > testdata/brian2/parity.json
"""
import json
import sys

import numpy as np
from brian2 import (Hz, Mohm, Network, NeuronGroup, SpikeGeneratorGroup,
                    StateMonitor, Synapses, defaultclock, mV, ms, nA, nS, pF,
                    prefs, seed)
import brian2

prefs.codegen.target = 'numpy'
DT = 0.1 * ms

# The functions and constants of Brian2's default namespace, each on a
# grid of its domain (x in (-1, 1), y > 0), as subexpressions.
FUNCTIONS = {
    'sin': 'sin(x)', 'cos': 'cos(x)', 'tan': 'tan(x)', 'sinh': 'sinh(3*x)', 'cosh': 'cosh(3*x)',
    'tanh': 'tanh(3*x)', 'arcsin': 'arcsin(x)', 'arccos': 'arccos(x)', 'arctan': 'arctan(20*x)',
    'exp': 'exp(5*x)', 'expm1': 'expm1(x)', 'exprel': 'exprel(x)', 'log': 'log(y)', 'log10': 'log10(y)',
    'log1p': 'log1p(x)', 'sqrt': 'sqrt(y)', 'abs': 'abs(x)', 'sign': 'sign(x)', 'floor': 'floor(5*x)',
    'ceil': 'ceil(5*x)', 'int': 'int(5*x)', 'clip': 'clip(x, -0.5, 0.25)',
    'constants': 'pi*x + e + int(y < inf)',
    'conditions': 'int(i == 3)*2 + int(x > 0)*1.5 - int(y >= 1)',
}
# A condition used as a number without int(): Brian2 2.5.1 refuses it.
BARE_CONDITION = '(i == 3)*2 + (x > 0)*1.5 - (y >= 1)'


def functions():
    n = 41
    eqs = '\n'.join(['x : 1', 'y : 1'] + ['f_%s = %s : 1' % (k, v) for k, v in FUNCTIONS.items()])
    g = NeuronGroup(n, eqs)
    g.x = np.linspace(-0.975, 0.975, n)
    g.y = np.geomspace(1e-3, 1e3, n)
    bare = NeuronGroup(n, 'x : 1\ny : 1\nc : 1')
    try:
        bare.c = BARE_CONDITION
        refused = ''
    except SyntaxError as err:
        refused = str(err)
    return {'n': n, 'x': list(g.x[:]), 'y': list(g.y[:]), 'expressions': FUNCTIONS,
            'values': {k: list(getattr(g, 'f_' + k)[:]) for k in FUNCTIONS},
            'bare_condition': BARE_CONDITION, 'bare_condition_refused': refused}


def timestep():
    # timestep(t, dt) at the first steps, and for times 2e-3 steps before
    # them (past its tolerance of 1e-3 steps).
    g = NeuronGroup(1, '''k = 1.0*timestep(t, dt) : 1
                          early = 1.0*timestep(t - 0.0002*ms, dt) : 1''')
    m = StateMonitor(g, ['k', 'early'], record=True)
    net = Network(g, m)
    net.run(1 * ms)
    return {'k': list(m.k[0]), 'early': list(m.early[0])}


def poisson():
    # poisson(lam) drawn once per neuron, 100000 neurons per mean.
    seed(5)
    n, means = 100000, [0.5, 3.0, 10.0, 14.0, 40.0]
    out = []
    for mean in means:
        g = NeuronGroup(n, 'k : 1\nlam : 1')
        g.lam = mean
        g.run_regularly('k = poisson(lam)', dt=DT)
        net = Network(g)
        net.run(DT)
        counts = np.asarray(g.k[:])
        out.append({'lam': mean, 'mean': counts.mean(), 'var': counts.var(), 'zeros': float(np.mean(counts == 0))})
    return {'n': n, 'draws': out}


def pairs_order():
    # Weights given per pair keep the order of the pairs.
    src = SpikeGeneratorGroup(2, [0, 1], [1, 3] * ms)
    tgt = NeuronGroup(2, 'v : 1')
    s = Synapses(src, tgt, 'w : 1', on_pre='v_post += w')
    s.connect(i=[0, 1, 0, 1], j=[0, 1, 1, 0])
    s.w = [1, 2, 4, 8]
    m = StateMonitor(tgt, 'v', record=True)
    net = Network(src, tgt, s, m)
    net.run(5 * ms)
    k = int(round(2 * ms / DT))
    return {'pairs_i': [0, 1, 0, 1], 'pairs_j': [0, 1, 1, 0], 'w': [1, 2, 4, 8],
            'v_at_2ms': list(m.v[:, k]), 'v_end': list(tgt.v[:])}


COBA = '''dv/dt = (g_e*(0*mV - v) + 10*nS*(-60*mV - v))/(200*pF) : volt
dg_e/dt = -g_e/(5*ms) : siemens'''


def default_method():
    # The method Brian2 chooses without one (the first of exact, euler,
    # heun that applies) and the trace it gives a conductance neuron.
    chosen = None
    for method in ('exact', 'euler', 'heun'):
        try:
            Network(NeuronGroup(1, COBA, method=method)).run(0 * ms)
        except Exception:  # noqa: BLE001 - Brian2 refuses a method by raising
            continue
        chosen = method
        break
    g = NeuronGroup(1, COBA)
    g.v = -60 * mV
    g.g_e = 100 * nS
    m = StateMonitor(g, 'v', record=True)
    net = Network(g, m)
    net.run(20 * ms)
    return {'equations': COBA, 'method': chosen, 'v_mV': list(m.v[0] / mV)}


def rate_units():
    g = NeuronGroup(3, 'dr/dt = (r_inf - r)/(10*ms) : Hz\nr_inf : Hz')
    g.r = [0, 59.9, 120] * Hz
    g.r_inf = 50 * Hz
    net = Network(g)
    net.run(5 * ms)
    return {'r_Hz': list(g.r[:] / Hz)}


RATE = '''du/dt = (-u + I_rec + I_ext)/(10*ms) : 1
r = 1/(1 + exp(-u)) : 1
I_rec : 1
I_ext : 1'''


def summed_rates():
    # A rate network: two summed inputs read the presynaptic subexpression r.
    rates = NeuronGroup(3, RATE, method='euler')
    rates.u = [-1, 0, 2]
    drive = NeuronGroup(2, 'du/dt = (2 - u)/(5*ms) : 1\nr = u*u : 1', method='euler')
    rec = Synapses(rates, rates, 'w : 1\nI_rec_post = w*r_pre : 1 (summed)')
    rec.connect(condition='i != j')
    rec.w = '0.5 - 0.25*i + 0.1*j'
    ext = Synapses(drive, rates, 'w : 1\nI_ext_post = w*r_pre : 1 (summed)')
    ext.connect()
    ext.w = '-0.3 + 0.2*i*j'
    m = StateMonitor(rates, 'u', record=True)
    net = Network(rates, drive, rec, ext, m)
    net.run(30 * ms)
    return {'equations': RATE, 'u': [list(row) for row in m.u[:, ::10].T]}


GAP = '''dv/dt = (-v + 100*Mohm*(I_gap + I_stim))/(10*ms) : volt
I_gap : amp
I_stim : amp'''


def inject_summed():
    # Gap junctions (a summed variable) plus a step current on one input.
    g = NeuronGroup(2, GAP, method='exact')
    g.v = [0, 10] * mV
    s = Synapses(g, g, 'w : siemens\nI_gap_post = w*(v_pre - v_post) : amp (summed)')
    s.connect(condition='i != j')
    s.w = 2 * nS
    g.run_regularly('I_stim = 0.1*nA*int(t >= 5*ms)', dt=DT, when='before_groups')
    m = StateMonitor(g, 'v', record=True)
    net = Network(g, s, m)
    net.run(20 * ms)
    return {'v_mV': [list(row) for row in (m.v[:, ::10] / mV).T]}


LIF = '''dv/dt = (-70*mV - v + 100*Mohm*I)/(10*ms) : volt (unless refractory)
I = I0 + 0.2*nA*sin(2*pi*25*Hz*t) : amp
I0 : amp'''


def set_inject():
    # A constant per neuron plus a sinusoid on one current, with spikes.
    g = NeuronGroup(3, LIF, threshold='v > -50*mV', reset='v = -70*mV', refractory=2 * ms, method='euler')
    g.v = -70 * mV
    g.I0 = [0.1, 0.2, 0.3] * nA
    m = StateMonitor(g, 'v', record=True)
    spikes = brian2.SpikeMonitor(g)
    net = Network(g, m, spikes)
    net.run(100 * ms)
    return {'I0_nA': [0.1, 0.2, 0.3], 'v_mV': [list(row) for row in (m.v[:, ::10] / mV).T],
            'spike_i': [int(k) for k in spikes.i], 'spike_t_ms': list(spikes.t / ms)}


def inject_subgroup():
    # A current into the second half of a group only.
    g = NeuronGroup(4, 'dv/dt = (-v + 100*Mohm*I)/(10*ms) : volt\nI : amp', method='exact')
    g[2:].run_regularly('I = 0.15*nA', dt=DT, when='before_groups')
    m = StateMonitor(g, 'v', record=True)
    net = Network(g, m)
    net.run(10 * ms)
    return {'v_end_mV': list(g.v[:] / mV)}


def main():
    defaultclock.dt = DT
    out = {'simulator': 'brian2 ' + brian2.__version__, 'target': 'numpy', 'dt_ms': float(DT / ms)}
    for item in (functions, timestep, poisson, pairs_order, default_method, rate_units, summed_rates,
                 inject_summed, set_inject, inject_subgroup):
        out[item.__name__] = item()
    json.dump(out, sys.stdout, indent=1, default=float)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
