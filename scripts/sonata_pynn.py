#!/usr/bin/python3
"""Run a spikevk SONATA export (spikevk export -sonata DIR -target pynn) on
PyNN with the NEURON backend, and write its spikes as a SONATA spikes file.

    mpirun -np N /usr/bin/python3 scripts/sonata_pynn.py DIR [--out FILE] [--tstop MS] [--json]

DIR is the export folder (or its simulation_config.json). The same command
runs on one rank or many (as root, add --allow-run-as-root to mpirun).

PyNN's import_from_sonata builds the network; this script does what it
leaves undone:
  * the manifest's ${configdir} (PyNN cannot resolve it): the config is
    resolved here and handed to PyNN with absolute paths;
  * per-node initial values (v, gsyn_exc, ... in nodes.h5's
    0/dynamics_params), which PyNN reads but keeps as annotations;
  * spike inputs of virtual populations (PyNN reads only the old
    /spikes/gids layout, module "h5");
  * the output: every rank records its own cells, rank 0 gathers them and
    writes /spikes/<population>/{timestamps (ms), node_ids} sorted by time
    (PyNN 0.10 writes the old layout, from every rank).

Needs python3-pynn with compiled mechanisms, python3-neuron, python3-h5py,
python3-mpi4py and openmpi-bin: scripts/setup-sonata.sh installs them and
compiles PyNN into $SPIKEVK_PYNN (default /usr/local/lib/spikevk/pynn),
which goes first on the path here. Compare the result with spikevk's own
run through spikevk import-spikes FILE.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time

PYNN_DIR = os.environ.get("SPIKEVK_PYNN", "/usr/local/lib/spikevk/pynn")
if os.path.isdir(PYNN_DIR):
    sys.path.insert(0, PYNN_DIR)

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from mpi4py import MPI  # noqa: E402

MAGIC = 0x0A7A


def fail(msg):
    """Stop every rank with msg (rank 0 prints it)."""
    if MPI.COMM_WORLD.rank == 0:
        print(os.path.basename(sys.argv[0]) + ": " + msg, file=sys.stderr)
    sys.exit(1)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))


def resolve(cfg, path):
    """cfg with its manifest applied (${configdir} is path's folder) and
    every relative path made absolute, as the SONATA guide says."""
    base = os.path.dirname(os.path.abspath(path))
    vars = {"${configdir}": base}
    manifest = cfg.get("manifest", {})
    for _ in range(len(manifest) + 1):  # variables in variables
        for k, v in manifest.items():
            vars[k] = expand(v, vars)

    def walk(x, key=""):
        if isinstance(x, dict):
            return {k: walk(v, k) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v, key) for v in x]
        if isinstance(x, str) and key != "manifest":
            s = expand(x, vars)
            if (key.endswith(("_file", "_dir")) or key == "network") and key != "spikes_file" and not os.path.isabs(s):
                s = os.path.join(base, s)
            return s
        return x

    out = walk({k: v for k, v in cfg.items() if k != "manifest"})
    out["manifest"] = {}
    return out


def expand(s, vars):
    for k in sorted(vars, key=len, reverse=True):
        s = s.replace(k, vars[k])
    return s


def load_configs(arg, target="PyNN"):
    """The simulation and circuit configs of an export folder or config,
    resolved, checked to be for target."""
    sim_path = os.path.join(arg, "simulation_config.json") if os.path.isdir(arg) else arg
    sim_cfg = resolve(read_json(sim_path), sim_path)
    net = sim_cfg.get("network")
    if isinstance(net, str):
        circuit = resolve(read_json(net), net)
    elif "networks" in sim_cfg:
        circuit = sim_cfg
    else:
        fail("%s: no network (the circuit config's path)" % sim_path)
    if circuit.get("target_simulator") not in (target, None):
        fail("%s: target_simulator %r; export with -target %s" % (sim_path, circuit.get("target_simulator"), target.lower()))
    return sim_path, sim_cfg, circuit


def node_files(circuit):
    """(population name, node_id, node_group_id, {group: {name: per-node
    values of 0/dynamics_params}}, file) of each node population."""
    out = []
    for entry in circuit["networks"]["nodes"]:
        path = entry["nodes_file"]
        with h5py.File(path, "r") as f:
            for name, pop in f["nodes"].items():
                groups = pop["node_group_id"][()]
                params = {}
                for g in np.unique(groups):
                    dp = pop[str(g)].get("dynamics_params")
                    idx = pop["node_group_index"][groups == g]
                    params[g] = {k: dp[k][()][idx] for k in dp} if dp is not None else {}
                out.append((name, pop["node_id"][()], groups, params, path))
    return out


# The synaptic state variables PyNN's NEURON backend leaves at 0 at the
# start (its memb_init sets v only), and where they live: the cell's
# excitatory or inhibitory ExpSyn (g, µS) or ExpISyn (i, nA).
SYNAPTIC_STATE = {"gsyn_exc": ("esyn", "g"), "gsyn_inh": ("isyn", "g"),
                  "isyn_exc": ("esyn", "i"), "isyn_inh": ("isyn", "i")}


def set_initial_values(h, net, nodes):
    """Apply the per-node values PyNN kept as annotations: state variables
    become initial values (the parameters PyNN has applied itself). The
    synaptic ones are set on this rank's cells after NEURON's
    finitialize; the handler is returned, to be kept alive."""
    synaptic = []  # (cell, synapse, variable, value)
    for name, _, groups, params, path in nodes:
        assembly = net.get_component(name)
        for pop, g in zip(assembly.populations, np.unique(groups)):
            init = {}
            for k, v in params[g].items():
                if k in SYNAPTIC_STATE:
                    syn, var = SYNAPTIC_STATE[k]
                    synaptic += [(c._cell, syn, var, v[pop.id_to_index(c)]) for c in pop.local_cells]
                elif k in pop.celltype.default_initial_values:
                    init[k] = v
                elif k not in pop.celltype.default_parameters:
                    fail("%s: /nodes/%s/%d/dynamics_params/%s is neither a parameter nor a state variable of %s"
                         % (path, name, g, k, type(pop.celltype).__name__))
            if init:
                pop.initialize(**init)

    def start():
        for cell, syn, var, v in synaptic:
            setattr(getattr(cell, syn), var, v)
    return h.FInitializeHandler(1, start)


def lift_one_step_delays(net, dt):
    """Lengthen delays of exactly one step by a millionth of a step.
    NEURON refuses a minimum delay of one step under MPI ("mindelay is 0
    (or less than dt for fixed step method)") but delivers an event at the
    step nearest its time, so the spikes are those of one step. Done on
    any number of ranks, so that 1 and N ranks give the same spikes."""
    lifted = dt * (1 + 1e-6)
    for prj in net.projections:
        for c in prj.connections:
            if c.nc.delay < lifted:
                c.nc.delay = lifted


def set_input_spikes(sim, net, sim_cfg, sim_path):
    """Give the virtual populations the spikes the inputs name."""
    sets = read_json(sim_cfg["node_sets_file"]) if "node_sets_file" in sim_cfg else {}
    for name, inp in sim_cfg.get("inputs", {}).items():
        if inp.get("input_type") != "spikes":
            fail("%s: input %s: input_type %r; this runner plays spike inputs only"
                 % (sim_path, name, inp.get("input_type")))
        node_set = inp.get("node_set", "")
        pop = sets.get(node_set, {}).get("population", node_set) if isinstance(sets.get(node_set, {}), dict) else None
        try:
            assembly = net.get_component(pop)
        except Exception:
            assembly = None
        if assembly is None:
            fail("%s: input %s: node set %r is not a node population" % (sim_path, name, node_set))
        path = inp["input_file"]
        with h5py.File(path, "r") as f:
            grp = f.get("spikes/" + pop)
            if grp is None:
                fail("%s: no /spikes/%s for input %s" % (path, pop, name))
            t = grp["timestamps"][()]
            ids = grp["node_ids"][()] if "node_ids" in grp else grp["gids"][()]
        first = int(assembly.annotations["first_sonata_id"])
        trains = [[] for _ in range(assembly.size)]
        for i, s in zip(ids, t):
            trains[int(i) - first].append(s)
        k = 0
        for p in assembly.populations:
            p.set(spike_times=[sim.Sequence(np.sort(tr)) for tr in trains[k:k + p.size]])
            k += p.size


def local_spikes(net, nodes):
    """This rank's spikes: {population: (node_ids, times)}."""
    out = {}
    for name, node_id, groups, _, _ in nodes:
        assembly = net.get_component(name)
        if assembly.populations[0].celltype.__class__.__name__.startswith("SpikeSource"):
            continue
        ids, times = [], []
        for pop, g in zip(assembly.populations, np.unique(groups)):
            gid = node_id[groups == g]
            for st in pop.get_data("spikes", gather=False).segments[0].spiketrains:
                t = st.magnitude
                ids.append(np.full(len(t), gid[st.annotations["source_index"]], dtype=np.uint64))
                times.append(np.asarray(t, dtype=np.float64))
        out[name] = (np.concatenate(ids) if ids else np.zeros(0, np.uint64),
                     np.concatenate(times) if times else np.zeros(0))
    return out


def write_spikes(path, spikes):
    """Write the SONATA spikes file, each population sorted by time then id."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with h5py.File(path, "w") as f:
        f.attrs["magic"] = np.uint32(MAGIC)
        f.attrs["version"] = np.array([0, 1], dtype=np.uint32)
        for name, (ids, t) in spikes.items():
            order = np.lexsort((ids, t))
            g = f.create_group("spikes/" + name)
            g.attrs["sorting"] = "by_time"
            ts = g.create_dataset("timestamps", data=t[order])
            ts.attrs["units"] = "ms"
            g.create_dataset("node_ids", data=ids[order].astype(np.uint64))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="export folder, or its simulation_config.json")
    ap.add_argument("--out", help="spikes file (default: the config's output_dir/spikes_file)")
    ap.add_argument("--tstop", type=float, help="run time in ms instead of run.tstop")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = ap.parse_args()
    comm = MPI.COMM_WORLD

    start = time.time()
    sim_path, sim_cfg, circuit = load_configs(args.dir)
    run = sim_cfg.get("run", {})
    if "dt" not in run or not (args.tstop or run.get("tstop")):
        fail("%s: run needs dt and tstop (or give --tstop)" % sim_path)
    tstop = args.tstop or run["tstop"]
    out = args.out or os.path.join(sim_cfg.get("output", {}).get("output_dir", os.path.dirname(sim_path)),
                                   sim_cfg.get("output", {}).get("spikes_file", "spikes.h5"))
    try:
        import pyNN.neuron as sim
        from pyNN.serialization import import_from_sonata
    except (ImportError, OSError) as e:
        fail("cannot load PyNN's NEURON backend (%s); run scripts/setup-sonata.sh" % e)
    sim.setup(timestep=run["dt"])

    # PyNN reads the circuit from a file: hand it the resolved one.
    fd, resolved = tempfile.mkstemp(suffix=".json", prefix="circuit-")
    with os.fdopen(fd, "w") as f:
        json.dump(circuit, f)
    try:
        net = import_from_sonata(resolved, sim)
    except Exception as e:  # PyNN's reader raises bare Exceptions
        fail("%s: PyNN cannot load the circuit: %s: %s" % (sim_path, type(e).__name__, e))
    finally:
        os.remove(resolved)
    nodes = node_files(circuit)
    from neuron import h
    keep = set_initial_values(h, net, nodes)  # noqa: F841 (NEURON calls it at finitialize)
    set_input_spikes(sim, net, sim_cfg, sim_path)
    lift_one_step_delays(net, run["dt"])
    for a in net.assemblies:
        if not a.populations[0].celltype.__class__.__name__.startswith("SpikeSource"):
            a.record("spikes")
    comm.Barrier()
    built = time.time()
    sim.run(tstop)
    comm.Barrier()
    simulated = time.time()

    parts = comm.gather(local_spikes(net, nodes), root=0)
    edges = sum(p.size(gather=True) for p in net.projections)
    if comm.rank == 0:
        spikes = {name: (np.concatenate([p[name][0] for p in parts]), np.concatenate([p[name][1] for p in parts]))
                  for name in parts[0]}
        write_spikes(out, spikes)
        summary = {
            "engine": "pyNN.neuron", "ranks": comm.size, "nodes": int(sum(len(n[1]) for n in nodes)),
            "edges": int(edges), "tstop_ms": tstop, "dt_ms": run["dt"],
            "build_s": round(built - start, 3), "simulate_s": round(simulated - built, 3),
            "spikes": {k: int(len(v[0])) for k, v in spikes.items()}, "output": out,
        }
        if args.json:
            print(json.dumps(summary))
        else:
            print("%s: %d nodes, %d edges, %g ms on %d rank(s): build %.2f s, simulate %.2f s, %d spikes -> %s"
                  % (sim_path, summary["nodes"], edges, tstop, comm.size, summary["build_s"],
                     summary["simulate_s"], sum(summary["spikes"].values()), out))
    sim.end()


if __name__ == "__main__":
    main()
