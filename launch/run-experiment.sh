#!/usr/bin/env bash
# Sets up (launch/setup.sh) and runs an experiment on one rank:
#   launch/run-experiment.sh [experiments/quickstart.yaml] [lacos-exp options...]
# Models and data come from LACOS_MODELS / LACOS_DATA; when unset, ../shared/models and
# ../shared/data beside the checkout are used if present, else the datasets are downloaded into
# ./data and absent lacos-tiny models are replaced by random stand-ins (with a notice).
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
export PATH="$PWD/$BUILD_DIR/bin:$PATH"
[ -z "${LACOS_MODELS:-}" ] && [ -d ../shared/models ] && export LACOS_MODELS="$(cd ../shared/models && pwd)"
[ -z "${LACOS_DATA:-}" ] && [ -d ../shared/data ] && export LACOS_DATA="$(cd ../shared/data && pwd)"
# No datasets anywhere: fetch the public ones (checksummed) into ./data.
if [ -z "${LACOS_DATA:-}" ] && [ ! -f data/derived/nli-entailment-pairs.tsv.gz ]; then
  launch/download-data.sh data
fi
# Containers often run as root, which Open MPI refuses unless told otherwise.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
experiment=${1:-experiments/quickstart.yaml}
[ $# -gt 0 ] && shift
exec mpirun -n 1 lacos-exp "$experiment" "$@"
