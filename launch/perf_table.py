#!/usr/bin/env python3
"""Merges lacos-bench's and bench_hf_peft.py's JSON (one device call) into the markdown table of
docs/performance.md, with the ratios the performance goals are stated in. Without the baseline's
JSON (no torch/transformers/peft where it ran) it prints lacos's rows alone.

    python3 launch/perf_table.py lacos.json [hf_peft.json] > table.md
"""
import json
import sys


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
            if row["setting"] == "default":
                goals.append((f"{shape} default: >= 1.3x throughput at <= 0.8x memory", speed >= 1.3 and memory <= 0.8))
            if row["setting"] == "lean" and shape == "bloom-7b1":
                goals.append(("bloom-7b1 lean: <= 8.5 GiB at >= 0.9x throughput",
                              row["peak_allocated_bytes"] <= 8.5 * 2**30 and speed >= 0.9))
    print("\nGoals:")
    for name, met in goals:
        print(f"- {'met' if met else 'NOT met'}: {name}")


if __name__ == "__main__":
    main()
