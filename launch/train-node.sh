#!/usr/bin/env bash
# All GPUs of this node, one rank each (NCCL); without GPUs, RANKS CPU ranks (MPI, default 2).
#   launch/train-node.sh experiments/scaling.yaml [overrides...]
# The global batch (train.batch_size) is split over the ranks and must divide by their number.
set -euo pipefail
source "$(dirname "$0")/dist-env.sh"
experiment=${1:?usage: launch/train-node.sh EXPERIMENT.yaml [overrides...]}
shift
gpus=$(gpu_count)
if [ "$gpus" -gt 0 ]; then
  ranks=${RANKS:-$gpus}
  device=cuda
  # Each rank near its GPU's CPU socket; lacos gives rank i of the node GPU i.
  binding=(--map-by numa --bind-to numa)
else
  ranks=${RANKS:-2}
  device=cpu
  # CPU ranks share the node's cores; each sizes its thread pool to cores / ranks.
  binding=(--bind-to none)
fi
oversubscribe=()
[ "$ranks" -gt "$(nproc)" ] && oversubscribe=(--oversubscribe)
exec mpirun -n "$ranks" "${binding[@]}" "${oversubscribe[@]}" "${LACOS_MPI_EXPORTS[@]}" \
  lacos-exp "$experiment" model.device=$device "$@"
