#!/usr/bin/env python3
"""Merges lacos-bench's and bench_hf_peft.py's JSON (one device call) into the markdown table of
docs/performance.md, with the ratios the performance goals are stated in. Without the baseline's
JSON (no torch/transformers/peft where it ran) it prints lacos's rows alone.

    python3 launch/perf_table.py lacos.json [hf_peft.json] > table.md
"""
import json
import sys

# The goals on an H100/H200, same workload as the baseline (32 pairs x 64 tokens, LoRA r8 on
# query_key_value, bf16): tokens/s at most GiB peak allocated. Baseline measured on an H100
# (transformers + PEFT): 60,200 / 40,000 / 13,300 tokens/s at 4.03 / 8.55 / 26.2 GiB.
GOALS = {
    ("bloom-560m", "default"): (78_000, 3.2),
    ("bloom-1b7", "default"): (52_000, 6.8),
    ("bloom-7b1", "default"): (17_300, 21.0),
    ("bloom-7b1", "lean"): (12_000, 8.5),
}


def gib(value):
    return f"{value / 2**30:.2f} GiB"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: perf_table.py LACOS_JSON [HF_PEFT_JSON]")
    lacos = json.load(open(sys.argv[1]))
    if len(sys.argv) == 2:
        print(f"Machine: {lacos['device']} (lacos: LibTorch {lacos['libtorch']}; no baseline); "
              f"MFU against {lacos['peak_tflops']:.3g} TFLOP/s.\n")
        print("| shape | run | tokens/s | peak allocated | MFU | embedding sentences/s |\n|---|---|---|---|---|---|")
        for row in lacos["results"]:
            embed = row.get("embed_sentences_per_second")
            print(f"| {row['shape']} | lacos {row['setting']} | {row['tokens_per_second']:.0f} | "
                  f"{gib(row['peak_allocated_bytes'])} | {100 * row['mfu']:.1f}% | {'-' if embed is None else f'{embed:.0f}'} |")
        return
    baseline = json.load(open(sys.argv[2]))
    base = {row["shape"]: row for row in baseline["results"]}
    print(f"Machine: {lacos['device']} (lacos: LibTorch {lacos['libtorch']}; baseline: torch {baseline.get('torch', '?')}, "
          f"transformers {baseline.get('transformers', '?')}, peft {baseline.get('peft', '?')}); "
          f"MFU against {lacos['peak_tflops']:.3g} TFLOP/s.\n")
    print("| shape | run | tokens/s | vs HF+PEFT | peak allocated | vs HF+PEFT | MFU | embedding sentences/s | vs HF |")
    print("|---|---|---|---|---|---|---|---|---|")
    goals = []
    for shape, reference in base.items():
        print(f"| {shape} | HF+PEFT | {reference['tokens_per_second']:.0f} | 1.00x | {gib(reference['peak_allocated_bytes'])} | "
              f"1.00x | {100 * reference['mfu']:.1f}% | {reference.get('embed_sentences_per_second', 0):.0f} | 1.00x |")
        for row in (r for r in lacos["results"] if r["shape"] == shape):
            speed = row["tokens_per_second"] / reference["tokens_per_second"]
            memory = row["peak_allocated_bytes"] / max(reference["peak_allocated_bytes"], 1)
            embed = ""
            if "embed_sentences_per_second" in row and reference.get("embed_sentences_per_second"):
                ratio = row["embed_sentences_per_second"] / reference["embed_sentences_per_second"]
                embed = f"{row['embed_sentences_per_second']:.0f} | {ratio:.2f}x"
                goals.append((f"{shape} embedding >= 1.5x", ratio >= 1.5))
            else:
                embed = "- | -"
            print(f"| {shape} | lacos {row['setting']} | {row['tokens_per_second']:.0f} | {speed:.2f}x | "
                  f"{gib(row['peak_allocated_bytes'])} | {memory:.2f}x | {100 * row['mfu']:.1f}% | {embed} |")
            goal = GOALS.get((shape, row["setting"]))
            if goal:
                tokens, memory_gib = goal
                goals.append((f"{shape} {row['setting']}: >= {tokens:,} tokens/s at <= {memory_gib} GiB",
                              row["tokens_per_second"] >= tokens and row["peak_allocated_bytes"] <= memory_gib * 2**30))
    print("\nGoals:")
    for name, met in goals:
        print(f"- {'met' if met else 'NOT met'}: {name}")


if __name__ == "__main__":
    main()
