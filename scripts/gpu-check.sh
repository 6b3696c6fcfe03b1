#!/bin/sh
# gpu-check.sh checks spikevk on one GPU and times it there, in one go.
#
#   scripts/gpu-check.sh prepare        build everything here, into .gpucheck.tgz
#   scripts/gpu-check.sh run [-quick] [OUTDIR]
#
# prepare builds the command and the test binaries of the GPU packages
# (stripped) and puts them, glslc, the Vulkan loader and every shared
# library they need beyond the C and C++ runtimes into .gpucheck/, packed as
# .gpucheck.tgz: a bare machine with a GPU driver and no Go toolchain runs
# them. run (from the repository root, where the tests find their
# testdata) unpacks .gpucheck.tgz if .gpucheck/ is missing, and then
#   1. lists the Vulkan devices,
#   2. runs the conformance suite (gpu), the GPU exactness tests (models,
#      models/ir) and the root package's CPU/GPU comparisons on the first
#      device, failing on any mismatch,
#   3. times spikevk bench on the vulkan and cpu backends (COBA 4k to 1M;
#      COBA 64k and 1M on vulkan with the serial row walk and with
#      procedural rows; the Zerlaut network; PD14 at full scale on vulkan;
#      at most 30 s of wall time per run, 60 s for PD14; -quick: COBA 4k
#      and 16k for 200 ms, the serial and procedural runs at 4k, Zerlaut on
#      cpu, PD14 at 4,000 neurons, for lavapipe),
# and writes OUTDIR/gpu-check.json (the bench rows and each step's result)
# and OUTDIR/gpu-check.txt (the tables). OUTDIR defaults to $OUT, else
# gpu-check-out. It exits non-zero when any step fails.
#
# On a device lent through the device tool: run prepare here, then run
#   scripts/gpu-check.sh run
# there with .gpucheck.tgz carried (`make gpu-check` does both here, on
# lavapipe, with -quick).
set -eu

here=$(pwd)
pack=.gpucheck

prepare() {
	export GOEXPERIMENT="${GOEXPERIMENT-simd}"
	rm -rf "$pack" "$pack.tgz"
	mkdir -p "$pack/bin" "$pack/lib"
	go build -tags nohdf5 -ldflags "-s -w" -o "$pack/bin/spikevk" ./cmd/spikevk # no SONATA: fewer libraries to carry
	for p in gpu models models/ir; do
		go test -c -ldflags "-s -w" -o "$pack/bin/$(echo "$p" | tr / _).test" "./$p"
	done
	go test -c -ldflags "-s -w" -o "$pack/bin/root.test" .
	cp "$(command -v glslc)" "$pack/bin/glslc"
	loader=$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')
	[ -n "$loader" ] || { echo "gpu-check: no libvulkan.so.1 here (scripts/setup.sh installs it)" >&2; exit 1; }
	cp -L "$loader" "$pack/lib/"
	# The libraries of the binaries, but the C and C++ runtimes, which the
	# machine that runs them has, newer: the GPU driver loaded into the
	# process may need its own versions of them.
	for f in "$pack"/bin/*; do ldd "$f" 2>/dev/null || true; done |
		awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
		grep -Ev '/(libc|libm|libpthread|libdl|librt|libresolv|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
		while read -r lib; do cp -L "$lib" "$pack/lib/"; done
	tar czf "$pack.tgz" "$pack"
	echo "gpu-check: $pack.tgz, $(du -h "$pack.tgz" | cut -f1)"
}

# step NAME COMMAND...: runs a step, logs it, records its result.
step() {
	name=$1
	shift
	echo "== $name: $*" | tee -a "$out/gpu-check.txt"
	if "$@" >>"$out/gpu-check.txt" 2>&1; then
		result=pass
	else
		result=FAIL
		failed=1
	fi
	echo "== $name: $result" | tee -a "$out/gpu-check.txt"
	steps="$steps{\"step\": \"$name\", \"result\": \"$result\"},"
}

# tests PACKAGE BINARY ARGS...: runs a test binary in its package folder.
tests() {
	(cd "$here/$1" && shift && "$@")
}

run() {
	quick=""
	if [ "${1-}" = -quick ]; then
		quick=1
		shift
	fi
	out=${1:-${OUT:-gpu-check-out}}
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	[ -d "$pack" ] || tar xzf "$pack.tgz"
	bin="$here/$pack/bin"
	export LD_LIBRARY_PATH="$here/$pack/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export SPIKEVK_GLSLC="$bin/glslc" SPIKEVK_REQUIRE_GPU=1 SPIKEVK_SHADER_CACHE=off
	nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
	if [ -f "$nvidia" ] && [ -z "${VK_DRIVER_FILES-}${VK_ICD_FILENAMES-}" ]; then
		export VK_DRIVER_FILES="$nvidia"
		export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:/usr/local/nvidia/lib64:/usr/local/nvidia/lib"
	fi
	: >"$out/gpu-check.txt"
	failed=0
	steps=""
	step devices "$bin/spikevk" devices
	step conformance tests gpu "$bin/gpu.test" -test.count=1
	step model-exactness tests models "$bin/models.test" -test.count=1 -test.run 'GPU'
	step ir-exactness tests models/ir "$bin/models_ir.test" -test.count=1 -test.run 'GPU'
	step network-exactness tests . "$bin/root.test" -test.count=1 -test.run 'Exact|Parity|Checkpoint'
	sizes=4000,16000,64000,256000,1000000
	t=1000
	budget=30s # per run: a slower one simulates less time, so the whole check fits in 8 minutes
	if [ -n "$quick" ]; then
		sizes=4000,16000
		t=200
	fi
	step bench "$bin/spikevk" bench -backend vulkan,cpu -brian2 no -n "$sizes" -t "$t" -budget "$budget" -save "$out/bench.json"
	serial=64000,1000000 # the auto walk is cooperative for COBA's rows of 80 on a GPU: the serial one for comparison
	if [ -n "$quick" ]; then
		serial=4000
	fi
	step bench-serial "$bin/spikevk" bench -backend vulkan -rowwalk serial -brian2 no -n "$serial" -t "$t" -budget "$budget" -save "$out/serial.json"
	step bench-procedural "$bin/spikevk" bench -backend vulkan -connectivity procedural -brian2 no -n "$serial" -t "$t" -budget "$budget" -save "$out/procedural.json"
	zerlaut=cpu
	pd14=77169
	if [ -n "$quick" ]; then
		pd14=4000
	else
		zerlaut=vulkan,cpu
	fi
	step bench-zerlaut "$bin/spikevk" bench -net zerlaut -backend "$zerlaut" -t "$t" -budget "$budget" -save "$out/zerlaut.json"
	step bench-pd14 "$bin/spikevk" bench -net pd14 -n "$pd14" -backend vulkan -t "$t" -budget 60s -save "$out/pd14.json"
	rows() { cat "$out/$1.json" 2>/dev/null || echo null; }
	printf '{"steps": [%s], "bench": %s, "serial": %s, "procedural": %s, "zerlaut": %s, "pd14": %s}\n' "${steps%,}" "$(rows bench)" "$(rows serial)" "$(rows procedural)" "$(rows zerlaut)" "$(rows pd14)" >"$out/gpu-check.json"
	echo "gpu-check: $out/gpu-check.json and gpu-check.txt; $( [ "$failed" = 0 ] && echo all steps passed || echo SOME STEPS FAILED)"
	return "$failed"
}

case "${1-}" in
prepare) prepare ;;
run)
	shift
	run "$@"
	;;
*)
	echo "usage: scripts/gpu-check.sh prepare | run [-quick] [OUTDIR]" >&2
	exit 2
	;;
esac
