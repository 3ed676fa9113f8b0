#!/bin/sh
# The Verilator build of a generated design as HwGen made it before the co-simulation speed-up
# (commit ab6c5d7): `make bench` (cosim) builds it next to today's build_sim.sh to measure the
# speed-up in one run. Used only by the benchmark, with the harness beside it
# (Baseline/hwgen_harness.cpp), on designs without SPRAM: ./build_sim.sh verilator
set -eu
cd "$(dirname "$0")"
if [ "${1:-verilator}" != verilator ] || [ $# -gt 1 ]; then
  echo "build_sim.sh (baseline): only a Verilator build without tracing" >&2
  exit 2
fi
pkg=$(basename rtl/*_pkg.sv)
name=${pkg%_pkg.sv}
defines="-DHWGEN_TOP=${name}_top -DHWGEN_PKG=${name}_pkg"
if command -v ccache > /dev/null 2>&1; then
  OBJCACHE="${OBJCACHE:-ccache}"
  export OBJCACHE
fi
mdir=obj_dir
# shellcheck disable=SC2086
verilator --cc --exe --build -j 1 --x-assign fast --x-initial fast -O3 \
  -CFLAGS -O1 $defines --top-module hwgen_sim_top --Mdir "$mdir" -o Vhwgen_sim \
  -f sources.f tb/hwgen_sim_top.sv tb/hwgen_harness.cpp > "$mdir.log" 2>&1 \
  || { cat "$mdir.log" >&2; exit 1; }
