#!/usr/bin/env bash
# Sets up (launch/setup.sh) and runs the whole test suite.
# Models and datasets are read from ../shared (beside the checkout) or LACOS_MODELS / LACOS_DATA;
# tests that need them are skipped when absent, unless LACOS_REQUIRE_SHARED=1 (CI) fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
# Skips are counted: a test that cannot run here (no ../shared, no Python stack, no clang, no
# tmpfs) says so and is listed; with LACOS_NO_SKIPS=1 (CI) any skip fails the run, so a green CI
# never hides a test that did not run.
log="$BUILD_DIR/ctest.log"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
skipped=$(sed -n '/The following tests did not run:/,/^$/p' "$log" | grep -c '(Skipped)' || true)
echo "test.sh: $skipped test(s) skipped"
if [ "$skipped" -gt 0 ] && [ "${LACOS_NO_SKIPS:-0}" = 1 ]; then
  echo "test.sh: LACOS_NO_SKIPS=1 and $skipped test(s) skipped (listed above): failing" >&2
  status=1
fi
exit "$status"
