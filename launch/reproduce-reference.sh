#!/usr/bin/env bash
# Runs the Python stack's reference recipe (../shared/models/README.md) with lacos-train:
# LoRA r=8 alpha=16 on query_key_value, MNR (scale 20), 400 steps of 64 pairs in file order,
# float32 AdamW, lr 1e-3 x min((s+1)/40, (400-s)/360), truncation 64, mean pooling, evaluated on
# every STS file in data/derived/sts-eval. Each run folder is a lacos-exp run (run.h5, adapter/);
# completed ones are skipped, interrupted ones resume. experiments/reference.yaml is the same recipe.
#
#   launch/reproduce-reference.sh [results-dir] [seeds] [models] [extra lacos-train flags...]
#   launch/reproduce-reference.sh results/reference "0 1" "lacos-tiny-1 lacos-tiny-2"
#   launch/reproduce-reference.sh results/adam8bit "0 1 2" "lacos-tiny-1" --optimizer adamw8bit --min-8bit-size 0
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MODELS=${LACOS_MODELS:-../shared/models}
DATA=${LACOS_DATA:-../shared/data}
out=${1:-results/reference}
seeds=${2:-"0 1"}
models=${3:-"lacos-tiny-1 lacos-tiny-2 lacos-tiny-3 lacos-tiny-4"}
shift $(( $# < 3 ? $# : 3 ))
for model in $models; do
  for seed in $seeds; do
    run="$out/$model/seed$seed"
    echo "== $model seed $seed -> $run"
    mkdir -p "$run"
    "$BUILD_DIR/bin/lacos-train" --model "$MODELS/$model" --train "$DATA/derived/nli-entailment-pairs.tsv.gz" \
      --output "$run" --eval "$DATA"/derived/sts-eval/*.tsv --steps 400 --batch-size 64 --lr 1e-3 \
      --schedule linear --warmup 40 --lora-r 8 --lora-alpha 16 --lora-dropout 0 --lora-targets query_key_value \
      --optimizer adamw --weight-decay 0 --beta1 0.9 --beta2 0.999 --eps 1e-8 --max-grad-norm 0 \
      --base-weights float --dtype float32 --max-length 64 --pooling mean --mnr-scale 20 --seed "$seed" --quiet "$@" \
      > "$run/train.log" 2>&1 || { echo "failed: see $run/train.log"; exit 1; }
  done
done
