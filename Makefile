# spikevk: `make run` builds and runs the main job, `make test` runs the tests.
# Both first install the system packages they need (scripts/setup.sh).

GO      ?= go
# The CPU backend's evaluator has AVX2 vector loops written with Go's
# experimental simd/archsimd package, built with GOEXPERIMENT=simd; without
# it (plain `go build`) scalar loops give the same results, more slowly.
export GOEXPERIMENT ?= simd
BIN     := bin/spikevk
# Tests fail rather than skip when no Vulkan device answers: the setup
# installs lavapipe, so there always is one. Override with SPIKEVK_REQUIRE_GPU=0.
export SPIKEVK_REQUIRE_GPU ?= 1
# Likewise numpy, which the setup installs: the tests open the outputs with it.
export SPIKEVK_REQUIRE_NUMPY ?= 1

.PHONY: setup-sonata all setup build run test check bench gpu-check clean

all: build

setup:
	@sh scripts/setup.sh

build: setup
	$(GO) build -o $(BIN) ./cmd/spikevk

# The main job: the COBA benchmark network (4,000 neurons, 1 s) on the best
# device, its summary printed and its spikes written to spikevk-out/.
run: build
	./$(BIN) run

# check: formatting and vet (also of the build without HDF5), no device needed.
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags nohdf5 ./cmd/spikevk

# The live window's tests need a display: they run once more under Xvfb,
# where a missing display fails them instead of skipping.
test: setup check
	$(GO) test -count=1 -timeout 30m ./...
	GOEXPERIMENT= $(GO) test -count=1 ./models/ir ./cpu
	SPIKEVK_REQUIRE_DISPLAY=1 xvfb-run -a -s "-screen 0 1280x1024x24" $(GO) test -count=1 ./viz/window

# setup-sonata: the optional packages of the SONATA runners (PyNN, NEURON,
# Open MPI; scripts/setup-sonata.sh), with which make test also runs
# sonata's TestPyNN end to end; CI installs them.
setup-sonata:
	@bash scripts/setup-sonata.sh

# bench: the COBA table of spikevk bench (every backend, and Brian2's C++
# standalone mode when python3-brian is installed), then the Go benchmarks.
bench: build
	./$(BIN) bench
	$(GO) test -run '^$$' -bench . ./...

# gpu-check: the conformance and exactness tests and the bench on the first
# Vulkan device, from prebuilt binaries (scripts/gpu-check.sh: the same
# script runs them on a lent GPU machine); -quick sizes, for lavapipe.
gpu-check: setup
	sh scripts/gpu-check.sh prepare
	sh scripts/gpu-check.sh run -quick gpu-check-out

clean:
	rm -rf bin .gpucheck .gpucheck.tgz gpu-check-out
