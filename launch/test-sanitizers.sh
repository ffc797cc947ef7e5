#!/usr/bin/env bash
# Builds lacos with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) and runs the whole
# test suite under them, leak checking included. Open MPI's allocations that outlive
# MPI_Finalize are suppressed (tests/lsan.supp); full unwinding lets the suppressions see through
# the MCA plugins Open MPI unloads at exit. On 2 cores: the tests take ~28 min (1697 s for 293 on
# 2026-12-01), the build ~17 min from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR=build-asan
# The fuzz targets are sanitized builds of their own (tests/fuzz): not built twice.
# Benchmarks stay on: the bench tests and the tokenizer parity run (lacos-make-tokenizer) need them.
export CMAKE_ARGS="-DLACOS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLACOS_BUILD_BENCHMARKS=ON -DLACOS_BUILD_FUZZERS=OFF"
launch/setup.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" "$@"
