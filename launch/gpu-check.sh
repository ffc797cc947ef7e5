#!/usr/bin/env bash
# The GPU machine's checks, in two device calls that each end well under the 10-minute limit and
# together fit ~12 minutes of device time with start-up (docs/gpu.md):
#
#   launch/gpu-check.sh smoke   # call 1 (~5 min): configure and build only what the checks need
#                               #   (tests off), then: --version; HF parity of the fixtures on the
#                               #   GPU (float32 <= 1e-4, bfloat16) and the fused attention's backward
#                               #   (lacos-check-device); a 12-step lacos-exp run, bf16, int8 base,
#                               #   8-bit Adam on every adapter tensor, over NCCL with its collectives
#                               #   forced on one rank, the steps that do not log under CUDA's
#                               #   sync-debug mode "error"; lacos-bench's step under sync-debug too
#   launch/gpu-check.sh bench   # call 2 (~5 min): lacos-bench for bloom-560m, 1b7 and 7b1 (default
#                               #   and lean), launch/bench_hf_peft.py in the same call, the table
#
# CPU mode, to check the script before it goes to the GPU (reuses an existing build, small shapes):
#   LACOS_DEVICE=cpu BUILD_DIR=build launch/gpu-check.sh smoke
# Everything lands in $OUT (default results/gpu-check/<date>); the last lines say what passed.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${1:-}
case "$stage" in smoke|bench) ;; *) echo "usage: launch/gpu-check.sh smoke|bench" >&2; exit 2 ;; esac
DEVICE=${LACOS_DEVICE:-cuda}
BUILD_DIR=${BUILD_DIR:-build-gpu}
PYTHON=${LACOS_PYTHON:-python3}   # the GPU machine's Python, which has torch 2.11 (no venv there)
OUT=${OUT:-results/gpu-check/$(date +%Y-%m-%d_%H-%M-%S)}
mkdir -p "$OUT"
BIN="$BUILD_DIR/bin"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
log() { echo "[gpu-check $(date +%H:%M:%S)] $*" | tee -a "$OUT/steps.log" >&2; }
step() {  # step NAME TIMEOUT COMMAND...: runs it, output in $OUT/NAME.txt, fails the script on failure
  local name=$1 limit=$2; shift 2
  log "$name"
  if ! timeout "$limit" "$@" >"$OUT/$name.txt" 2>&1; then
    tail -25 "$OUT/$name.txt" >&2
    log "FAILED: $name (output in $OUT/$name.txt)"
    exit 1
  fi
  tail -4 "$OUT/$name.txt" >&2
}
small=()   # on a CPU: the small stand-in shape and few steps
[ "$DEVICE" = cuda ] || small=(--shapes small --warmup 1 --steps 2)

if [ "$stage" = smoke ]; then
  if [ "$DEVICE" = cuda ] || [ ! -x "$BIN/lacos-check-device" ]; then
    log "configure $BUILD_DIR (tests off)"
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DLACOS_BUILD_TESTS=OFF -DLACOS_PYTHON="$(command -v "$PYTHON")" \
      >"$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
    step build 420 cmake --build "$BUILD_DIR" -j"$(nproc)" --target lacos-exp lacos-bench lacos-check-device
  fi
  step version 60 "$BIN/lacos-exp" --version
  step check-device 180 "$BIN/lacos-check-device" --device "$DEVICE" --fixtures tests/fixtures

  # 12 steps of the default recipe on the fixture model, logging every 5th: steps 1-4, 6-9 and 10
  # run under sync-debug "error" (CUDA throws on any synchronisation); min_8bit_size 0 gives every
  # adapter tensor 8-bit state; the NCCL communicator runs its collectives with one rank.
  backend=nccl
  [ "$DEVICE" = cuda ] || backend=mpi
  job="$OUT/train-job"
  mkdir -p "$job/data"
  for i in $(seq 0 63); do printf 'Sentence %d about cats.\tA text on cats, number %d.\n' "$i" "$i"; done >"$job/data/pairs.tsv"
  printf 'A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\nTwo men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n' >"$job/data/sts.tsv"
  cat >"$job/exp.yaml" <<YAML
experiment: {name: train-job, output_dir: $job/out, progress: false}
model: {name: tiny-bloom-a, root: $PWD/tests/fixtures, device: $DEVICE, dtype: auto, base_weights: int8}
optim: {name: adamw8bit, min_8bit_size: 0}
data: {root: $job/data, pairs: [pairs.tsv], shuffle: true}
train: {steps: 12, batch_size: 16, max_length: 16, log_every: 5}
dist: {backend: $backend, force_collectives: true}
eval: {sets: [sts.tsv]}
YAML
  LACOS_SYNC_DEBUG=error step train-sync-debug 240 mpirun -n 1 --bind-to none "$BIN/lacos-exp" "$job/exp.yaml"
  grep -q "| train-job | completed |\|completed" "$OUT/train-sync-debug.txt" \
    || { log "FAILED: the training run did not complete"; exit 1; }
  cp "$job/out/run/run.log" "$OUT/train-run.log"
  grep -h "optimizer:\|train:" "$OUT/train-run.log" | tee -a "$OUT/steps.log" >&2
  grep -q "100.0% of it in 8 bits" "$OUT/train-run.log" || { log "FAILED: 8-bit Adam did not hold every adapter tensor"; exit 1; }
  grep -q "collectives: $backend (1 rank(s))" "$OUT/train-run.log" || { log "FAILED: the run did not use $backend"; exit 1; }
  step bench-sync-debug 180 "$BIN/lacos-bench" --device "$DEVICE" --settings default --sync-debug \
    $([ "$DEVICE" = cuda ] && echo --shapes bloom-560m --warmup 1 --steps 3 || echo "${small[@]}")
  log "smoke passed: $OUT"
  exit 0
fi

# bench: both benchmarks on the same device in one call, then the table.
step lacos-bench 300 "$BIN/lacos-bench" --device "$DEVICE" --json "${small[@]}"
cp "$OUT/lacos-bench.txt" "$OUT/lacos.json"
if "$PYTHON" -c 'import torch, transformers, peft' 2>/dev/null; then
  step hf-peft 270 "$PYTHON" launch/bench_hf_peft.py --device "$DEVICE" --json \
    $([ "$DEVICE" = cuda ] || echo --shapes small --warmup 1 --steps 2)
  cp "$OUT/hf-peft.txt" "$OUT/hf_peft.json"
  python3 launch/perf_table.py "$OUT/lacos.json" "$OUT/hf_peft.json" | tee "$OUT/performance.md"
else
  log "no torch/transformers/peft in $PYTHON: baseline skipped, lacos's figures alone"
  python3 launch/perf_table.py "$OUT/lacos.json" | tee "$OUT/performance.md"
fi
log "bench done: $OUT"
