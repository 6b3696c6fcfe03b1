#!/usr/bin/python3
"""Run a spikevk SONATA export (spikevk export -sonata DIR -target nest) on
NEST >= 3.5 (nest.SonataNetwork), and write its spikes as a SONATA spikes
file.

    mpirun -np N python3 scripts/sonata_nest.py DIR [--out FILE] [--tstop MS] [--json]

UNTESTED HERE: NEST has no Debian package, so this script has not run on
this project's machines. It follows NEST 3.5-3.10's documented API
(SonataNetwork, BuildNetwork, GetLocalNodeCollection, spike_recorder) and
the rules met when NEST 3.8, built from source once, read an export of
the same layout (docs: ../shared/reference/scale-out.md §2.1, §3.4 in the
project's notes). Needs NEST built with MPI and HDF5, h5py, pandas and
mpi4py; it shares its SONATA helpers with sonata_pynn.py next to it.

What SonataNetwork leaves undone, done here:
  * the manifest's ${configdir}: the configs are resolved and handed to
    NEST with absolute paths;
  * per-node values (V_m, g_ex, ... in nodes.h5's 0/dynamics_params, which
    NEST ignores), set on each rank's own nodes only
    (nest.GetLocalNodeCollection: a full-length list on a distributed
    NodeCollection fails);
  * the output: each rank's spike_recorder events are gathered on rank 0,
    which writes /spikes/<population>/{timestamps (ms), node_ids}.
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

try:
    import nest  # before mpi4py: NEST initialises MPI, mpi4py then joins it
except ImportError as e:
    sys.exit("sonata_nest.py: cannot import NEST (%s): it needs NEST >= 3.5 built with MPI and HDF5, "
             "which Debian does not package (nest-simulator.org: pip, conda-forge or a source build)" % e)

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sonata_pynn import MPI, fail, load_configs, node_files, write_spikes  # noqa: E402


def resolved_file(cfg):
    """cfg written to a temporary file, for SonataNetwork to read."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="sonata-")
    with os.fdopen(fd, "w") as f:
        json.dump(cfg, f)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="export folder, or its simulation_config.json")
    ap.add_argument("--out", help="spikes file (default: the config's output_dir/spikes_file)")
    ap.add_argument("--tstop", type=float, help="run time in ms instead of run.tstop")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = ap.parse_args()
    comm = MPI.COMM_WORLD

    start = time.time()
    sim_path, sim_cfg, circuit = load_configs(args.dir, "NEST")
    out = args.out or os.path.join(sim_cfg.get("output", {}).get("output_dir", os.path.dirname(sim_path)),
                                   sim_cfg.get("output", {}).get("spikes_file", "spikes.h5"))
    nest.ResetKernel()
    files = [resolved_file(circuit), resolved_file(sim_cfg)]
    try:
        net = nest.SonataNetwork(files[0], sim_config=files[1])
        pops = net.BuildNetwork()
    except Exception as e:  # NEST raises its own kernel exceptions
        fail("%s: NEST cannot load the circuit: %s: %s" % (sim_path, type(e).__name__, e))
    finally:
        for f in files:
            os.remove(f)

    nodes = [n for n in node_files(circuit) if n[0] in pops]
    recorders = {}
    for name, node_id, groups, params, path in nodes:
        nc = pops[name]
        if nc[0].get("model") in ("spike_generator", "spike_train_injector"):  # virtual: NEST 3.5 / 3.6+
            continue
        local = nest.GetLocalNodeCollection(nc)
        if len(local) and params:
            rows = np.asarray(local.tolist()) - nc[0].global_id
            for g, values in params.items():
                in_group = np.nonzero(groups == g)[0]
                for k, v in values.items():
                    full = np.full(len(node_id), np.nan)
                    full[in_group] = v
                    local.set({k: full[rows].tolist()})
        recorders[name] = nest.Create("spike_recorder")
        nest.Connect(nc, recorders[name])
    comm.Barrier()
    built = time.time()
    if args.tstop:
        nest.Simulate(args.tstop)
    else:
        net.Simulate()
    comm.Barrier()
    simulated = time.time()

    local_spikes = {}
    for name, node_id, *_ in nodes:
        if name in recorders:
            ev = recorders[name].get("events")
            senders = np.asarray(ev["senders"], dtype=np.int64) - pops[name][0].global_id
            local_spikes[name] = (node_id[senders].astype(np.uint64), np.asarray(ev["times"], dtype=np.float64))
    parts = comm.gather(local_spikes, root=0)
    if comm.rank == 0:
        spikes = {k: (np.concatenate([p[k][0] for p in parts]), np.concatenate([p[k][1] for p in parts]))
                  for k in parts[0]}
        write_spikes(out, spikes)
        summary = {
            "engine": "nest", "ranks": comm.size, "nodes": int(sum(len(n[1]) for n in nodes)),
            "edges": int(nest.GetKernelStatus("num_connections")),
            "tstop_ms": args.tstop or sim_cfg["run"]["tstop"], "dt_ms": sim_cfg["run"]["dt"],
            "build_s": round(built - start, 3), "simulate_s": round(simulated - built, 3),
            "spikes": {k: int(len(v[0])) for k, v in spikes.items()}, "output": out,
        }
        print(json.dumps(summary) if args.json else
              "%s: %d nodes, %d edges, %g ms on %d rank(s): build %.2f s, simulate %.2f s, %d spikes -> %s"
              % (sim_path, summary["nodes"], summary["edges"], summary["tstop_ms"], comm.size, summary["build_s"],
                 summary["simulate_s"], sum(summary["spikes"].values()), out))


if __name__ == "__main__":
    main()
