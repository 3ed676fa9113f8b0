# HwGen — the front door. `make demo` and `make test` work on a fresh Debian 12 machine with the
# .NET 10 SDK: they install what is missing first.

SHELL := /bin/bash
DOTNET ?= dotnet
CONFIGURATION ?= Release
# The Debian packages HwGen drives (DESIGN §7), plus the C++ toolchain Verilator compiles with
# and ccache, which spares recompiling Verilator's runtime library for every model, and headless
# Chromium, in which the tests render a sweep's report.html; Slurm and munge, of which the tests
# and `make bench` start a private single-node cluster for `hwgen sweep --slurm`; GNU time, with
# which the bench measures a Slurm task's memory; a font for the report screenshots (installed without
# recommended packages, so nothing beyond these is pulled in).
EDA_PACKAGES := verilator iverilog yosys nextpnr-ice40 fpga-icestorm g++ make ccache chromium slurm-wlm munge time fonts-dejavu-core
EDA_TOOLS := verilator iverilog yosys nextpnr-ice40 icepack g++ make ccache chromium sbatch slurmctld munged /usr/bin/time
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUILD_STAMP := Generator/HwGen.Cli/bin/$(CONFIGURATION)/net10.0/hwgen.dll

.PHONY: all setup dotnet tools restore build test test-fast demo bench sweeps clean

all: build

## setup: install the EDA tools that are missing and restore the .NET packages
setup: tools restore

dotnet:
	@command -v $(DOTNET) >/dev/null || { echo "HwGen needs the .NET 10 SDK (dotnet) on the PATH" >&2; exit 1; }

tools: dotnet
	@missing=""; for tool in $(EDA_TOOLS); do PATH="$$PATH:/usr/sbin:/sbin" command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing EDA tools (missing:$$missing)"; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(EDA_PACKAGES); \
	fi

restore: dotnet
	$(DOTNET) restore HwGen.sln

## build: compile everything (Release); ./hwgen then runs the CLI
build: setup
	$(DOTNET) build HwGen.sln -c $(CONFIGURATION) --no-restore

## test: every test, co-simulation and synthesis included
test: build
	$(DOTNET) test HwGen.sln -c $(CONFIGURATION) --no-build

## test-fast: the tests that need no EDA tool or service (those carry [Trait("Category", "Tools")]:
## Verilator, Icarus, yosys, nextpnr, icestorm, Chromium, Slurm); needs and installs only the .NET
## packages, so it runs without `make tools`
test-fast: restore
	$(DOTNET) build HwGen.sln -c $(CONFIGURATION) --no-restore
	$(DOTNET) test HwGen.sln -c $(CONFIGURATION) --no-build --filter "Category!=Tools"

## demo: generate an example design, co-simulate it against the golden model, print the summary
demo: build
	./hwgen simulate examples/demo.yaml -o out/demo --vectors 8

## bench: measured runs (compression, EIE benchmark, Verilator today vs its earlier build and vs the
## cycle model, sweep throughput, the sweep on a single-node Slurm cluster with 1, 2 and 4 tasks,
## evaluators and retraining on the MNIST LeNet-300-100, tanh/sigmoid accuracy);
## results in out/bench/
BENCH := $(DOTNET) run -c $(CONFIGURATION) --no-build --project Generator/HwGen.Bench --
bench: build
	mkdir -p out/bench
	$(BENCH) compress --out out/bench/compress.md
	$(BENCH) eie --runs 1 --warmups 0 --out out/bench/eie-time.md --dir out/bench/eie
	$(BENCH) cosim --runs 1 --warmups 0 --out out/bench/cosim.md
	$(BENCH) sweep --runs 3 --warmups 0 --out out/bench/sweep.md
	$(BENCH) slurm --tasks 1,2,4 --out out/bench/slurm.md
	$(BENCH) evaluate --runs 3 --warmups 1 --out out/bench/evaluate.md
	$(BENCH) retrain --runs 3 --warmups 1 --out out/bench/retrain.md
	$(BENCH) mnist --runs 1 --warmups 0 --out out/bench/mnist.md
	$(BENCH) activation --runs 1 --warmups 0 --out out/bench/activation.md

## sweeps: run the example co-design sweeps (docs/sweeps.md) and refresh their reports in docs/sweeps/
sweeps: build
	./hwgen sweep examples/sweeps/lenet300.yaml -o out/sweeps/lenet300 --jobs 2
	./hwgen sweep examples/sweeps/alex8.yaml -o out/sweeps/alex8 --jobs 2
	./hwgen sweep examples/sweeps/lenet300-linear.yaml -o out/sweeps/lenet300-linear --jobs 2
	./hwgen sweep examples/mnist-lstm/sweep.yaml -o out/sweeps/mnist-lstm --jobs 2
	./hwgen sweep examples/mnist-lstm/balance-sweep.yaml -o out/sweeps/mnist-lstm-balance --jobs 2
	./hwgen sweep examples/external/sweep.yaml -o out/sweeps/alex8-external --jobs 2
	mkdir -p docs/sweeps
	cp out/sweeps/lenet300/report.html docs/sweeps/lenet300.html
	cp out/sweeps/alex8/report.html docs/sweeps/alex8.html
	cp out/sweeps/lenet300-linear/report.html docs/sweeps/lenet300-linear.html
	cp out/sweeps/alex8-external/report.html docs/sweeps/alex8-external.html

clean:
	$(DOTNET) clean HwGen.sln -c $(CONFIGURATION) >/dev/null
	rm -rf out
