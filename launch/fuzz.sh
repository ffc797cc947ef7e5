#!/usr/bin/env bash
# The fuzz campaign over every parser of outside input (tests/fuzz, docs/fuzzing.md).
#
#   launch/fuzz.sh build                       # build the targets with clang into build/fuzz
#   launch/fuzz.sh seeds                       # seed corpora from ../shared and the fixtures
#   launch/fuzz.sh campaign [TARGET...]        # fuzz each target to FUZZ_RUNS executions (default 10M)
#                                              # or FUZZ_SECONDS seconds, whichever comes first;
#                                              # FUZZ_INSTANCE=2 (3, ...) beside a running one
#   launch/fuzz.sh totals                      # executions per target over all campaigns so far
#                                              # (the committed ledger, tests/fuzz/campaigns.tsv)
#   launch/fuzz.sh replay TARGET               # every seed, corpus and regression input once (ctest)
#   launch/fuzz.sh smoke TARGET [SECONDS]      # a short fuzz run from the seeds (ctest; default 15 s)
#
# Limits of every run: 2 GiB of memory (-rss_limit_mb, and -malloc_limit_mb for one allocation),
# 10 s per input. A campaign keeps its corpus in build/fuzz/corpus/<target> (so a later campaign
# on this machine continues from it), its log in build/fuzz/logs/, findings in
# build/fuzz/findings/<target>/, and appends "date commit target executions seconds findings" to
# the ledger tests/fuzz/campaigns.tsv (FUZZ_LEDGER), which is committed: build folders do not
# outlive a machine, and the executions of every campaign count towards the goal. A finding, once
# fixed, goes into tests/fuzz/regressions/<target>/, which ctest replays.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD_DIR=${BUILD_DIR:-build}
fuzz_dir=${LACOS_FUZZ_DIR:-$root/$BUILD_DIR/fuzz}   # ctest passes its build's folder
FUZZ_RUNS=${FUZZ_RUNS:-10000000}
FUZZ_SECONDS=${FUZZ_SECONDS:-0}   # 0: no time limit
shared=$(cd "$root/.." && pwd)/shared
data=${LACOS_DATA:-$shared/data}
models=${LACOS_MODELS:-$shared/models}
ledger=${FUZZ_LEDGER:-$root/tests/fuzz/campaigns.tsv}
limits=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10)

targets() {
  sed -n '/set(LACOS_FUZZ_TARGETS/,/)/p' tests/fuzz/targets.cmake | sed '1d;$d' | tr -d ' '
}

# The commit a campaign fuzzes, "-dirty" when the code differs from it (the ledger aside).
code_version() {
  local commit
  commit=$(git rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
  git diff --quiet HEAD -- . ":(exclude)${ledger#"$root"/}" 2>/dev/null || commit+=-dirty
  echo "$commit"
}

# Per target: the longest input worth trying (a few lines of a dataset, a cut-down tokenizer).
max_len() {
  case $1 in
    tokenizer_json) echo 65536 ;;
    overrides | tokenize_text) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

binary() {
  local path=$fuzz_dir/fuzz_$1
  [ -x "$path" ] || { echo "fuzz.sh: $path not built (launch/fuzz.sh build, or launch/setup.sh with clang)" >&2; exit 1; }
  echo "$path"
}

# The input folders of a target that exist: seeds, committed seeds, regressions.
inputs() {
  local folder
  for folder in "$fuzz_dir/seeds/$1" "$root/tests/fuzz/regressions/$1"; do
    [ -d "$folder" ] && echo "$folder"
  done
  return 0
}

case ${1:-} in
  build)
    # The checkpoint target links the main build's LibTorch.
    torch_dir=$(sed -n 's/^Torch_DIR:PATH=//p' "$root/$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
    [ -n "$torch_dir" ] || { echo "fuzz.sh: configure the main build first (launch/setup.sh): it finds LibTorch" >&2; exit 1; }
    cmake -S tests/fuzz -B "$fuzz_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DLACOS_FMT_INCLUDE_DIR="$root/$BUILD_DIR/fmt-include" -DTorch_DIR="$torch_dir" >/dev/null
    cmake --build "$fuzz_dir" -j "$(nproc)"
    ;;
  seeds)
    rm -rf "$fuzz_dir/seeds"
    if [ ! -d "$data" ] || [ ! -d "$models" ]; then
      echo "fuzz.sh: no data or models ($data, $models): seeds come from them" >&2
      [ "${LACOS_REQUIRE_SHARED:-0}" = 1 ] && exit 1
      exit 77
    fi
    python3 launch/fuzz_seeds.py --data "$data" --models "$models" --fixtures tests/fixtures --out "$fuzz_dir/seeds"
    ;;
  replay)
    target=${2:?target}
    bin=$(binary "$target")
    mapfile -t folders < <(inputs "$target")
    [ -d "$fuzz_dir/corpus/$target" ] && folders+=("$fuzz_dir/corpus/$target")
    [ ${#folders[@]} -gt 0 ] || { echo "fuzz.sh: no inputs for $target (launch/fuzz.sh seeds)" >&2; exit 1; }
    # -runs=0: run every input once and stop; a crash, leak or escaped exception fails the test.
    # A failing input is written under findings/, never into the working folder.
    mkdir -p "$fuzz_dir/findings/$target"
    exec "$bin" "${limits[@]}" -max_len="$(max_len "$target")" -runs=0 -artifact_prefix="$fuzz_dir/findings/$target/" \
      "${folders[@]}"
    ;;
  totals)
    # Campaigns add up per target: each one's executions are executions of that target's code.
    [ -f "$ledger" ] || { echo "fuzz.sh: no campaign yet ($ledger)" >&2; exit 1; }
    awk -F'\t' -v goal="$FUZZ_RUNS" '
      /^#/ || $1 == "date" { next }
      { runs[$3] += $4; secs[$3] += $5; found[$3] += $6; if (!($3 in order)) order[$3] = ++n }
      END {
        printf "%-16s %14s %9s %9s %8s  %s\n", "target", "executions", "seconds", "per sec", "findings", "to the goal"
        for (t in order) names[order[t]] = t
        for (i = 1; i <= n; ++i) {
          t = names[i]
          left = goal - runs[t]
          printf "%-16s %14d %9d %9.0f %8d  %s\n", t, runs[t], secs[t], secs[t] ? runs[t] / secs[t] : 0, found[t],
                 (left > 0 ? left " left" : "reached")
        }
      }' "$ledger"
    ;;
  smoke)
    target=${2:?target}
    seconds=${3:-15}
    bin=$(binary "$target")
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mapfile -t folders < <(inputs "$target")
    "$bin" "${limits[@]}" -max_len="$(max_len "$target")" -max_total_time="$seconds" \
      -artifact_prefix="$scratch/" -print_final_stats=1 "$scratch" "${folders[@]}" 2>&1 | tail -25
    exit "${PIPESTATUS[0]}"
    ;;
  campaign)
    shift
    [ $# -gt 0 ] || set -- $(targets)
    mkdir -p "$fuzz_dir/logs"
    # ASan records up to 30 frames at every allocation; that bookkeeping was a quarter of the
    # experiment target's time. Two frames keep every check (a finding replays with full stacks);
    # fewer than two silences LeakSanitizer.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=2}
    # The ledger names the commit fuzzed, so the targets are brought up to date with it first.
    [ -f "$fuzz_dir/CMakeCache.txt" ] && cmake --build "$fuzz_dir" -j "$(nproc)" >/dev/null
    # A second campaign of a target (FUZZ_INSTANCE=2, on another core) shares its corpus: libFuzzer
    # reloads the corpus folder every second, so the two build on each other's inputs. It has its
    # own log, marker and finding names ("i2-crash-..."), so each counts its own findings and
    # appends its own ledger row.
    instance=${FUZZ_INSTANCE:-}
    [[ $instance =~ ^[0-9]*$ ]] || { echo "fuzz.sh: FUZZ_INSTANCE must be a number, not '$instance'" >&2; exit 2; }
    if [ -n "$instance" ]; then mine=(-name "i$instance-*"); else mine=(! -name 'i[0-9]*-*'); fi
    status=0
    for target in "$@"; do
      bin=$(binary "$target")
      mkdir -p "$fuzz_dir/corpus/$target" "$fuzz_dir/findings/$target"
      mapfile -t folders < <(inputs "$target")
      log=$fuzz_dir/logs/$target${instance:+.$instance}.log
      commit=$(code_version)
      start=$(date +%s)
      # Findings of this campaign only: files older than this marker were counted before.
      marker=$fuzz_dir/logs/$target${instance:+.$instance}.start
      touch "$marker"
      set +e
      "$bin" "${limits[@]}" -max_len="$(max_len "$target")" -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_SECONDS" \
        -print_final_stats=1 \
        -artifact_prefix="$fuzz_dir/findings/$target/${instance:+i$instance-}" "$fuzz_dir/corpus/$target" \
        "${folders[@]}" >"$log" 2>&1
      rc=$?
      set -e
      seconds=$(( $(date +%s) - start ))
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
      findings=$(find "$fuzz_dir/findings/$target" -type f -newer "$marker" "${mine[@]}" | wc -l)
      [ -f "$ledger" ] || printf 'date\tcommit\ttarget\texecutions\tseconds\tfindings\n' >"$ledger"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" \
        "$target" "${runs:-0}" "$seconds" "$findings" | tee -a "$ledger"
      if [ "$rc" -ne 0 ]; then
        echo "fuzz.sh: $target stopped with status $rc; see $log and $fuzz_dir/findings/$target/" >&2
        status=1
      fi
    done
    exit $status
    ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
