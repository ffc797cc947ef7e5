#!/usr/bin/env bash
# Sets up (launch/setup.sh) and runs the whole test suite.
# Models and datasets are read from ../shared (beside the checkout) or LACOS_MODELS / LACOS_DATA;
# tests that need them are skipped when absent, unless LACOS_REQUIRE_SHARED=1 (CI) fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
