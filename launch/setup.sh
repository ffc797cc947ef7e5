#!/usr/bin/env bash
# Installs what lacos needs on Debian 12 (idempotent), then configures and builds it.
#
#   launch/setup.sh                 # Release build in ./build, binaries in ./build/bin
#   BUILD_DIR=build-asan CMAKE_ARGS="-DLACOS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" launch/setup.sh
#
# Re-running is cheap: installed packages are skipped and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
CMAKE_ARGS=${CMAKE_ARGS:-}
JOBS=${JOBS:-$(nproc)}

packages=(
  build-essential cmake pkg-config
  libtorch-dev libopenblas0-pthread   # LibTorch 1.13 (CPU); OpenBLAS: without it fp32 matmul is ~16x slower
  libopenblas0-openmp                 # the OpenMP build, which lacos binaries prefer (cmake/Dependencies.cmake)
  libopenmpi-dev openmpi-bin          # MPI (launching, data-parallel sync)
  libyaml-cpp-dev libhdf5-dev         # experiment files, results and embeddings
  nlohmann-json3-dev libcli11-dev libfmt-dev libgtest-dev zlib1g-dev
  python3-h5py curl ca-certificates   # tests read run.h5 with h5py; launch/download-data.sh fetches datasets
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's LibTorch links the reference BLAS unless OpenBLAS is the chosen alternative.
if command -v update-alternatives >/dev/null; then
  blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | awk '/^Value:/{print $2}')
  case "$blas" in
    *openblas*|"") ;;
    *) echo "setup: note: libblas.so.3 points to $blas, not OpenBLAS; LibTorch matmul will be slow" ;;
  esac
fi

cmake -S . -B "$BUILD_DIR" $CMAKE_ARGS >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "setup: built into $BUILD_DIR/bin (add it to PATH: export PATH=\"$PWD/$BUILD_DIR/bin:\$PATH\")"
