#!/usr/bin/env python3
"""Reference runs of spikevk's built-in models in Brian2.

Reads the model files (../../library/*.yaml), runs each listed model in Brian2
(numpy target, float64) with the same equations, defaults, initial values,
integration method and time step as spikevk, and writes <model>.json with the
spike times and the membrane potential sampled every millisecond.

  /usr/bin/python3 make_reference.py    # Debian: apt-get install python3-brian python3-yaml

The Go test (models/brian2_test.go) compares spikevk's CPU reference with
these files; it does not need Brian2.
"""
import json
import os
import sys

import yaml
import brian2 as b2

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY = os.path.join(HERE, "..", "..", "library")

# model -> (drive overrides, method, duration in ms); the drive makes the
# neuron fire regularly.
RUNS = {
    "lif_coba_exp": ({"I": "250*pA"}, "exponential_euler", 300),
    "lif_cuba_exp": ({"I": "500*pA"}, "exponential_euler", 300),
    "adex": ({"I": "1*nA"}, "euler", 300),
    "izhikevich": ({"I": "10*mV"}, "euler", 300),
    "hh_traub": ({"I": "500*pA"}, "exponential_euler", 300),
}
DT = 0.1  # ms


def run(name, drive, method, duration):
    with open(os.path.join(LIBRARY, name + ".yaml")) as f:
        model = yaml.safe_load(f)
    b2.start_scope()
    b2.defaultclock.dt = DT * b2.ms
    ns = dict(vars(b2))
    params = {}
    for pname, spec in (model.get("parameters") or {}).items():
        value = spec["value"] if isinstance(spec, dict) else spec
        params[pname] = eval(str(drive.get(pname, value)), ns, params)
    kwargs = dict(threshold=model.get("threshold"), reset=model.get("reset"), method=method)
    if model.get("refractory"):
        kwargs["refractory"] = eval(model["refractory"], ns)
    group = b2.NeuronGroup(1, model["equations"], **kwargs)
    for pname, value in params.items():  # parameters are per-neuron variables
        setattr(group, pname, value)
    for sname, value in (model.get("initial") or {}).items():
        setattr(group, sname, eval(str(value), ns, params))
    spikes = b2.SpikeMonitor(group)
    trace = b2.StateMonitor(group, "v", record=0, dt=1 * b2.ms)
    b2.run(duration * b2.ms)
    return {
        "model": name,
        "simulator": "Brian2 " + b2.__version__ + " (numpy target, float64)",
        "dt_ms": DT,
        "method": method,
        "duration_ms": duration,
        "drive": drive,
        "spike_times_ms": [float(t / b2.ms) for t in spikes.t],
        "v_every_ms_mV": [float(v / b2.mV) for v in trace.v[0]],
    }


def main():
    b2.prefs.codegen.target = "numpy"
    for name, (drive, method, duration) in RUNS.items():
        result = run(name, drive, method, duration)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(result, f, indent=1)
        print(name, len(result["spike_times_ms"]), "spikes", file=sys.stderr)


if __name__ == "__main__":
    main()
