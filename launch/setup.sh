#!/usr/bin/env bash
# Installs what lacos needs on Debian 12 (idempotent), then configures and builds it.
#
#   launch/setup.sh                 # Release build in ./build, binaries in ./build/bin
#   BUILD_DIR=build-asan CMAKE_ARGS="-DLACOS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" launch/setup.sh
#
# LibTorch is the pinned torch wheel (LACOS_TORCH_SPEC), installed into .venv beside the checkout:
# the one LibTorch line of every machine, built with CUDA 13 like the GPU machine's. Where a Python
# already has that torch (the GPU machine, which has no internet), LACOS_PYTHON=python3 uses it.
# Re-running is cheap: installed packages are skipped and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
CMAKE_ARGS=${CMAKE_ARGS:-}
JOBS=${JOBS:-$(nproc)}
LACOS_TORCH_SPEC=${LACOS_TORCH_SPEC:-torch==2.11.0}   # PyPI's 2.11.0 for Linux x86_64 is the cu130 build
LACOS_NUMPY_SPEC=${LACOS_NUMPY_SPEC:-numpy==2.4.6}    # torch's Python side warns on import without it

packages=(
  build-essential cmake pkg-config
  python3 python3-venv                # the venv that holds the torch wheel (LibTorch)
  libopenmpi-dev openmpi-bin          # MPI (launching, data-parallel sync)
  libyaml-cpp-dev libhdf5-dev         # experiment files, results and embeddings
  nlohmann-json3-dev libcli11-dev libgtest-dev zlib1g-dev
  python3-h5py curl ca-certificates   # tests read run.h5 with h5py; launch/download-data.sh fetches datasets
  clang-format git                    # the style check (ctest Style.ClangFormat); the version's commit
  clang libclang-rt-dev               # the libFuzzer targets (tests/fuzz, launch/fuzz.sh)
  iproute2                            # network-namespace "hosts" for the network-fault test
  librsvg2-bin fonts-dejavu-core      # lacos-report's PNG copies of its SVG plots (rsvg-convert)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# LibTorch from the torch wheel, in .venv (unless LACOS_PYTHON names a Python that has it).
torch_version=${LACOS_TORCH_SPEC#torch==}
if [ -n "${LACOS_PYTHON:-}" ]; then
  python=$LACOS_PYTHON
else
  python=.venv/bin/python
  if ! "$python" -c 'import torch, numpy' >/dev/null 2>&1 ||
     [ "$("$python" -c 'import torch; print(torch.__version__.split("+")[0])')" != "$torch_version" ]; then
    [ -x "$python" ] || python3 -m venv .venv
    echo "setup: installing $LACOS_TORCH_SPEC into .venv (LibTorch with CUDA; ~4.5 GB the first time)"
    .venv/bin/pip install --quiet --disable-pip-version-check "$LACOS_TORCH_SPEC" "$LACOS_NUMPY_SPEC"
  fi
fi
"$python" -c 'import torch; print("setup: LibTorch", torch.__version__, "CUDA", torch.version.cuda)'

# The Python stack lacos is compared with (launch/python-stack.txt), beside that torch: the live
# parity tests and the side-by-side benchmarks run it. Skipped where LACOS_PYTHON names a Python
# of its own (the GPU machine cannot install); those tests then skip.
if [ -z "${LACOS_PYTHON:-}" ] && ! "$python" - launch/python-stack.txt <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, wanted = line.split("==")
        assert version(name) == wanted, name
PY
then
  echo "setup: installing the Python stack of launch/python-stack.txt into .venv (transformers, PEFT, ...)"
  .venv/bin/pip install --quiet --disable-pip-version-check "$LACOS_TORCH_SPEC" -r launch/python-stack.txt
fi

case "$python" in
  /*) ;;
  */*) python="$PWD/$python" ;;
  *) python=$(command -v "$python") ;;
esac
# LibTorch's CMake package warns about CUDA architectures and its profiler library (harmless for
# lacos, which compiles no CUDA kernels): the configure log is shown only when configuring fails.
mkdir -p "$BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -DLACOS_PYTHON="$python" $CMAKE_ARGS >"$BUILD_DIR/configure.log" 2>&1 \
  || { cat "$BUILD_DIR/configure.log"; echo "setup: configuring failed (log: $BUILD_DIR/configure.log)" >&2; exit 1; }
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "setup: built into $BUILD_DIR/bin (add it to PATH: export PATH=\"$PWD/$BUILD_DIR/bin:\$PATH\")"
