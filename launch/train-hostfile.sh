#!/usr/bin/env bash
# Several nodes listed in an Open MPI hostfile ("node1 slots=8" per line), RANKS_PER_NODE ranks
# on each (default: this node's GPU count, or 1 on CPU). Every node needs the same build, models
# and data at the same paths; LACOS_MODELS / LACOS_DATA and NCCL_* are passed to all ranks.
#   launch/train-hostfile.sh hosts.txt experiments/scaling.yaml [overrides...]
set -euo pipefail
source "$(dirname "$0")/dist-env.sh"
hostfile=${1:?usage: launch/train-hostfile.sh HOSTFILE EXPERIMENT.yaml [overrides...]}
experiment=${2:?usage: launch/train-hostfile.sh HOSTFILE EXPERIMENT.yaml [overrides...]}
shift 2
gpus=$(gpu_count)
per_node=${RANKS_PER_NODE:-$([ "$gpus" -gt 0 ] && echo "$gpus" || echo 1)}
device=cpu
[ "$gpus" -gt 0 ] && device=cuda
nodes=$(grep -cv '^\s*\(#\|$\)' "$hostfile")
exec mpirun --hostfile "$hostfile" -n $((nodes * per_node)) --map-by ppr:"$per_node":node --bind-to none \
  "${LACOS_MPI_EXPORTS[@]}" lacos-exp "$experiment" model.device=$device "$@"
