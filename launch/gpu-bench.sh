#!/usr/bin/env bash
# docs/performance.md in one device call: build lacos against the GPU machine's LibTorch 2.x
# (CUDA), smoke-test it (a build problem costs a minute, not the session), run a single-rank NCCL
# job end to end, then lacos-bench and the HF+PEFT baseline on the same GPU, and merge the two into
# the table. Everything lands in $OUT (default results/gpu-bench/<date>).
#   launch/gpu-bench.sh                 # on the GPU machine
#   LACOS_BENCH_DEVICE=cpu BUILD_DIR=build launch/gpu-bench.sh   # the same steps on a CPU (checks the script)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-results/gpu-bench/$(date +%Y-%m-%d_%H-%M-%S)}
mkdir -p "$OUT"
DEVICE=${LACOS_BENCH_DEVICE:-cuda}
BUILD_DIR=${BUILD_DIR:-build-cuda}
log() { echo "[gpu-bench $(date +%H:%M:%S)] $*" | tee -a "$OUT/steps.log" >&2; }
has_torch=0
python3 -c 'import torch, transformers, peft' 2>/dev/null && has_torch=1

# 1. Configure and build (the library, the programs the benchmark uses). ~2-4 min on 16 cores.
if [ "$DEVICE" = cuda ] || [ ! -x "$BUILD_DIR/bin/lacos-bench" ]; then
  prefix=()
  [ "$has_torch" = 1 ] && prefix=(-DCMAKE_PREFIX_PATH="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')")
  log "configure $BUILD_DIR"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "${prefix[@]}" >"$OUT/configure.log" 2>&1 \
    || { tail -30 "$OUT/configure.log"; exit 1; }
  log "build"
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target lacos-bench lacos-exp lacos-embed lacos-bench-allreduce \
    >"$OUT/build.log" 2>&1 || { grep -m20 -E "error" "$OUT/build.log"; exit 1; }
fi
BIN="$BUILD_DIR/bin"

# 2. Smoke: what was built, and one tiny step on the device.
log "smoke"
"$BIN/lacos-exp" --version | tee "$OUT/version.txt"
timeout 120 "$BIN/lacos-bench" --device "$DEVICE" --shapes small --settings default --warmup 1 --steps 1 | tee "$OUT/smoke.txt"

# 3. A single-rank NCCL job end to end (dist.backend=nccl needs CUDA; on a CPU the MPI backend).
log "single-rank data-parallel job"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
backend=nccl
[ "$DEVICE" = cuda ] || backend=mpi
job="$OUT/nccl-job"
mkdir -p "$job/data"
for i in $(seq 0 63); do printf 'Sentence %d about cats.\tA text on cats, number %d.\n' "$i" "$i"; done >"$job/data/pairs.tsv"
printf 'A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\nTwo men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n' >"$job/data/sts.tsv"
cat >"$job/exp.yaml" <<YAML
experiment: {name: nccl-job, output_dir: $job/out, progress: false}
model: {name: tiny-bloom-a, root: $PWD/tests/fixtures, device: $DEVICE, dtype: bfloat16}
data: {root: $job/data, pairs: [pairs.tsv], shuffle: true}
train: {steps: 20, batch_size: 16, max_length: 16, eval_every: 10}
dist: {backend: $backend}
eval: {sets: [sts.tsv]}
YAML
timeout 180 mpirun -n 1 --bind-to none "$BIN/lacos-exp" "$job/exp.yaml" 2>&1 | tail -4 | tee "$OUT/nccl-job.txt"
grep -q "| run | completed |" "$OUT/nccl-job.txt" || { echo "the single-rank $backend job did not complete" >&2; exit 1; }

# 4. The two benchmarks, one after the other on the same GPU.
log "lacos-bench"
timeout 420 "$BIN/lacos-bench" --device "$DEVICE" --json >"$OUT/lacos.json"
"$BIN/lacos-bench" --help >/dev/null
if [ "$has_torch" = 1 ]; then
  log "HF+PEFT baseline"
  timeout 420 python3 launch/bench_hf_peft.py --device "$DEVICE" --json >"$OUT/hf_peft.json"
  python3 launch/perf_table.py "$OUT/lacos.json" "$OUT/hf_peft.json" | tee "$OUT/performance.md"
else
  log "no torch/transformers/peft in python3: baseline skipped, lacos's figures alone"
  python3 launch/perf_table.py "$OUT/lacos.json" | tee "$OUT/performance.md"
fi
log "done: $OUT"
