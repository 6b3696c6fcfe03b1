# spikevk: `make run` builds and runs the main job, `make test` runs the tests.
# Both first install the system packages they need (scripts/setup.sh).

GO      ?= go
BIN     := bin/spikevk
# Tests fail rather than skip when no Vulkan device answers: the setup
# installs lavapipe, so there always is one. Override with SPIKEVK_REQUIRE_GPU=0.
export SPIKEVK_REQUIRE_GPU ?= 1

.PHONY: all setup build run test check bench clean

all: build

setup:
	@sh scripts/setup.sh

build: setup
	$(GO) build -o $(BIN) ./cmd/spikevk

# Until the network engine lands, the main job lists the devices and runs
# the smoke kernel on the best one, checked against the CPU.
run: build
	./$(BIN) devices
	./$(BIN) smoke

# check: formatting and vet, no device needed.
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

test: setup check
	$(GO) test -count=1 -timeout 30m ./...

bench: setup
	$(GO) test -run '^$$' -bench . ./...

clean:
	rm -rf bin
