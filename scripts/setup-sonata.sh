#!/usr/bin/env bash
# setup-sonata.sh installs what the SONATA runners need to run an exported
# network on PyNN with the NEURON backend under MPI (scripts/sonata_pynn.py),
# and compiles PyNN's NEURON mechanisms, which Debian ships uncompiled.
# Optional and heavy (about 400 MB), so not part of scripts/setup.sh.
#
# Usage (root, Debian 12 or later): scripts/setup-sonata.sh
# Elsewhere it prints what to install and exits 1.
#
# The compiled copy of PyNN goes to $SPIKEVK_PYNN (default
# /usr/local/lib/spikevk/pynn), which sonata_pynn.py puts first on its path;
# nothing under /usr is changed. Running it again does nothing that is done.
# NEST has no Debian package: build it (>= 3.5, with MPI and HDF5) from
# nest-simulator's sources for scripts/sonata_nest.py.
set -euo pipefail

packages=(python3-pynn python3-neuron neuron-dev openmpi-bin python3-mpi4py python3-h5py)
dest=${SPIKEVK_PYNN:-/usr/local/lib/spikevk/pynn}

if [[ ! -f /etc/debian_version || $(id -u) != 0 ]]; then
	cat >&2 <<EOF
setup-sonata.sh installs with apt-get as root on Debian. Elsewhere, install:
  NEURON 8 with MPI and its nrnivmodl, PyNN 0.10+ (pip install PyNN compiles its
  mechanisms), Open MPI with mpirun, mpi4py and h5py for the same python3;
or on Debian, as root: apt-get install ${packages[*]}
EOF
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

src=$(/usr/bin/python3 -c 'import os, pyNN; print(os.path.dirname(pyNN.__file__))')
lib=$dest/pyNN/neuron/nmodl/x86_64/libnrnmech.so
version=$(dpkg-query -W -f='${Version}' python3-pynn)
if [[ -f $lib && $(cat "$dest/.version" 2>/dev/null) == "$version" ]]; then
	echo "PyNN $version mechanisms already compiled in $dest"
	exit 0
fi

# Debian's nrnivmodl (8.2.2-4) looks for nrnmech_makefile in /usr/bin and
# misses -lnrniv; both are in /usr/lib/nrn. A fixed copy builds
# libnrnmech.so, all PyNN loads; the "special" executable it then fails to
# link (InterViews headers missing) is not needed.
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$src" "$dest/pyNN"
sed 's#"${bindir}/nrnmech_makefile"#/usr/lib/nrn/nrnmech_makefile#' /usr/bin/nrnivmodl >"$dest/nrnivmodl"
chmod +x "$dest/nrnivmodl"
(cd "$dest/pyNN/neuron/nmodl" &&
	"$dest/nrnivmodl" -loadflags "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn" >"$dest/nrnivmodl.log" 2>&1) || true
if [[ ! -f $lib ]]; then
	echo "setup-sonata.sh: nrnivmodl built no $lib; see $dest/nrnivmodl.log" >&2
	exit 1
fi
echo "$version" >"$dest/.version"
PYTHONPATH=$dest /usr/bin/python3 -c 'import pyNN.neuron' >/dev/null
echo "PyNN $version with compiled NEURON mechanisms in $dest"
