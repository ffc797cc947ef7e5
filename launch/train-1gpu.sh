#!/usr/bin/env bash
# One GPU (or the CPU when there is none): one rank, no collectives.
#   launch/train-1gpu.sh experiments/scaling.yaml [overrides...]
set -euo pipefail
source "$(dirname "$0")/dist-env.sh"
experiment=${1:?usage: launch/train-1gpu.sh EXPERIMENT.yaml [overrides...]}
shift
device=cpu
[ "$(gpu_count)" -gt 0 ] && device=cuda
# --bind-to none: the rank may use every core (LibTorch sizes its thread pool from them).
exec mpirun -n 1 --bind-to none "${LACOS_MPI_EXPORTS[@]}" lacos-exp "$experiment" model.device=$device "$@"
