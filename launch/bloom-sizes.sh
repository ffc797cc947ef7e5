#!/usr/bin/env bash
# The real BLOOM sizes on this machine: random-weight folders of the exact bloom-560m ... 7b1
# shapes, written as sharded bfloat16 safetensors with a BLOOM-sized tokenizer (as the Hub ships
# them), each run through `lacos-exp experiments/scaling.yaml model=<size>` on the CPU with the
# int8 base, two training steps and a small evaluation. Prints one table row per size: load
# seconds, peak resident memory while loading and while training, training tokens/s
# (docs/performance.md, "The BLOOM sizes on a CPU").
#
#   launch/bloom-sizes.sh [bloom-560m bloom-1b1 bloom-1b7 bloom-3b bloom-7b1] [-- overrides...]
#   launch/bloom-sizes.sh bloom-7b1 -- train.activation_checkpointing=true
#
# Folders go to LACOS_BLOOM_SIZES (default build/bloom-sizes; 27 GB for all five) and are reused.
# SHARD_MB (default 5000: transformers' max_shard_size) sets the shard size.
set -euo pipefail
cd "$(dirname "$0")/.."
launch/setup.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
bin="$PWD/$BUILD_DIR/bin"
root=${LACOS_BLOOM_SIZES:-$PWD/$BUILD_DIR/bloom-sizes}
shard_mb=${SHARD_MB:-5000}
[ -z "${LACOS_DATA:-}" ] && [ -d ../shared/data ] && export LACOS_DATA="$(cd ../shared/data && pwd)"
data=${LACOS_DATA:?set LACOS_DATA (or put ../shared/data beside the checkout)}
sizes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sizes+=("$1"); shift; done
[ $# -gt 0 ] && shift
overrides=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(bloom-560m bloom-1b1 bloom-1b7 bloom-3b bloom-7b1)
mkdir -p "$root"

# A BLOOM-sized tokenizer (250,680 entries) learned from STS-B, and a 16-pair evaluation set.
[ -f "$root/tokenizer.json" ] ||
  "$bin/lacos-make-tokenizer" --out "$root/tokenizer.json" --corpus "$data/stsb/sts-train.csv" --vocab-size 250680
head -n 16 "$data/derived/sts-eval/stsb-test.tsv" >"$root/sts-small.tsv"

out="$root/runs"
rm -rf "$out"
echo "lacos-exp experiments/scaling.yaml, int8 base, float32 compute, 2 steps of 4 pairs (max 32 tokens)${overrides[*]:+, ${overrides[*]}}"
echo "| model | parameters | shards | load s | peak RSS loading | peak RSS training | training tokens/s | wall s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for size in "${sizes[@]}"; do
  if [ ! -f "$root/$size/config.json" ]; then
    "$bin/lacos-make-model" --shape "$size" --dtype bfloat16 --shard-mb "$shard_mb" \
      --tokenizer "$root/tokenizer.json" --out "$root/$size" --seed 0 >/dev/null 2>&1
  fi
  "$bin/lacos-exp" experiments/scaling.yaml "model=$size" "model.root=$root" model.dtype=auto \
    train.steps=2 train.batch_size=4 train.max_length=32 train.eval_every=0 train.log_every=1 \
    "eval.sets=[$root/sts-small.tsv]" experiment.progress=false "experiment.output_dir=$out/$size" "${overrides[@]}" \
    >"$root/$size.log" 2>&1 || { tail -20 "$root/$size.log"; exit 1; }
  shards=$(ls "$root/$size"/*.safetensors | wc -l)
  /usr/bin/python3 - "$out/$size/run/run.h5" "$size" "$shards" <<'PY'
import sys, h5py
s = h5py.File(sys.argv[1], "r")["summary"].attrs
gib = 2 ** 30
print(f"| {sys.argv[2]} | {int(s['params_total']) / 1e9:.2f} B | {sys.argv[3]} | {s['load_seconds']:.1f} | "
      f"{s['peak_resident_load_bytes'] / gib:.2f} GiB | {s['peak_resident_bytes'] / gib:.2f} GiB | "
      f"{s['tokens_per_second']:.0f} | {s['wall_seconds']:.0f} |")
PY
done
