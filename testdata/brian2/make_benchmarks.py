"""Reference statistics of the COBA and CUBA benchmark networks from Brian2,
for spikevk's benchmarks_test.go: runs cmd/spikevk/brian2_networks.py (the
networks as spikevk.COBA and spikevk.CUBA build them: 4000 neurons, p =
0.02, dt = 0.1 ms, 1 s) for several seeds and writes, per network and seed,
the mean rate (Hz) and the mean CV of the interspike intervals. Brian2 draws
its own random numbers, so only the statistics can agree with spikevk's.

Usage (Debian: apt-get install python3-brian), from this directory:
    /usr/bin/python3 make_benchmarks.py > benchmarks.json
"""
import json
import os
import subprocess
import sys
import tempfile

import brian2

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cmd", "spikevk", "brian2_networks.py")


def statistics(network, seed):
    out = subprocess.run([sys.executable, SCRIPT, network, "4000", "0.02", "1000", str(seed), tempfile.mkdtemp()],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return {"seed": seed, "rate_hz": r["rate_hz"], "cv_isi": r["cv_isi"]}


out = {"brian2": brian2.__version__, "neurons": 4000, "p": 0.02, "duration_ms": 1000.0,
       "COBA": [statistics("coba", s) for s in (1, 2, 3)],
       "CUBA": [statistics("cuba", s) for s in (1, 2, 3)]}
json.dump(out, sys.stdout, indent=1)
print()
