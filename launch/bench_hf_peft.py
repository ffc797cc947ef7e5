#!/usr/bin/env python3
"""The Python stack's side of docs/performance.md: the same workload as `lacos-bench`, run with
transformers + peft + torch, printing one JSON object in lacos-bench's format.

Workload: random-initialised BLOOM of the real shapes in bfloat16, LoRA r=8 alpha=16 dropout 0.05
on query_key_value, mean pooling, MNR loss (scale 20), AdamW on the adapters, 32 pairs (64
sequences) x 64 tokens per step, no activation checkpointing; mean of 10 steps after 3 warm-up
steps; memory = torch.cuda.max_memory_allocated, reset before the timed steps. Embedding: 128 x 64
sentences, no gradient, tokenization excluded.

    python3 launch/bench_hf_peft.py [--shapes bloom-560m bloom-1b7 bloom-7b1] [--device cuda] [--json]
    python3 launch/bench_hf_peft.py --shapes MODEL_DIR --device cpu --dtype float32 --base int8

A shape that is a HF model folder is loaded with from_pretrained: `--base int8` then loads it
8-bit through bitsandbytes (BitsAndBytesConfig(load_in_8bit=True), as the LACoS-BLOOM recipe),
the rest in --dtype. `peak_resident_bytes` is the process's high-water mark (ru_maxrss, loading
included): run one shape per process to compare (launch/side-by-side.sh does).
"""
import argparse
import json
import math
import os
import resource
import time

import torch
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model
from transformers import BloomConfig, BloomModel

SHAPES = {  # hidden, layers, heads (the released BLOOM family; "small" is lacos-bench's CPU stand-in)
    "bloom-560m": (1024, 24, 16),
    "bloom-1b1": (1536, 24, 16),
    "bloom-1b7": (2048, 24, 16),
    "bloom-3b": (2560, 30, 32),
    "bloom-7b1": (4096, 30, 32),
    "small": (256, 4, 4),
}
VOCAB = 250880


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def reset_peak(device):
    if device.type == "cuda":
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)


def peak_allocated(device):
    return torch.cuda.max_memory_allocated(device) if device.type == "cuda" else 0


def mean_seconds(device, warmup, repeats, body):
    for _ in range(warmup):
        body()
    synchronize(device)
    reset_peak(device)
    start = time.perf_counter()
    for _ in range(repeats):
        body()
    synchronize(device)
    return (time.perf_counter() - start) / repeats


def token_ids(count, tokens, salt, device, vocab=VOCAB):
    # The same deterministic ids as lacos-bench (full length, no padding).
    i = torch.arange(count).unsqueeze(1)
    t = torch.arange(tokens).unsqueeze(0)
    return (4 + (i * 7919 + t * 104729 + salt) % (vocab - 4)).to(device)


def mean_pool(hidden, mask):
    mask = mask.unsqueeze(-1).to(torch.float32)
    return (hidden.to(torch.float32) * mask).sum(1) / mask.sum(1).clamp_min(1e-9)


def mnr_loss(anchors, positives, scale=20.0):
    scores = F.normalize(anchors, dim=1) @ F.normalize(positives, dim=1).t() * scale
    return F.cross_entropy(scores, torch.arange(anchors.size(0), device=anchors.device))


def open_model(shape, args, device):
    dtype = getattr(torch, args.dtype)
    if os.path.isdir(shape):
        quantization = None
        if args.base == "int8":
            from transformers import BitsAndBytesConfig
            quantization = BitsAndBytesConfig(load_in_8bit=True)
        return BloomModel.from_pretrained(shape, dtype=dtype, quantization_config=quantization,
                                          device_map=str(device))
    if args.base != "float":
        raise SystemExit(f"--base {args.base} needs a model folder (shape '{shape}' is random-initialised)")
    hidden, layers, heads = SHAPES[shape]
    config = BloomConfig(vocab_size=VOCAB, hidden_size=hidden, n_layer=layers, n_head=heads)
    torch.manual_seed(0)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # initialise in the compute dtype directly (7b1 in float32 is 28 GB)
    with torch.device(device):
        model = BloomModel(config)
    torch.set_default_dtype(previous)
    return model


def measure(shape, args, device, with_embedding):
    model = open_model(shape, args, device)
    vocab = model.config.vocab_size
    total = sum(p.numel() for p in model.parameters())
    non_embedding = total - model.word_embeddings.weight.numel()
    lora = LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules=["query_key_value"])
    model = get_peft_model(model, lora)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    anchors = token_ids(args.pairs, args.tokens, 1, device, vocab)
    positives = token_ids(args.pairs, args.tokens, 2, device, vocab)
    ids = torch.cat([anchors, positives])
    mask = torch.ones_like(ids)

    def step():
        out = model(input_ids=ids, attention_mask=mask).last_hidden_state
        pooled = mean_pool(out, mask)
        loss = mnr_loss(pooled[: args.pairs], pooled[args.pairs:])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    model.train()
    seconds = mean_seconds(device, args.warmup, args.steps, step)
    tokens_per_step = 2 * args.pairs * args.tokens
    row = {
        "shape": shape, "setting": "hf+peft", "base": args.base, "dtype": args.dtype,
        "params_total": total, "params_non_embedding": non_embedding,
        "tokens_per_step": tokens_per_step, "step_seconds": seconds,
        "tokens_per_second": tokens_per_step / seconds,
        "peak_allocated_bytes": peak_allocated(device),
        "mfu": 4.0 * non_embedding * tokens_per_step / seconds / (args.peak_tflops * 1e12),
    }
    if with_embedding:
        model.eval()
        embed_ids = token_ids(args.embed_sentences, args.tokens, 3, device, vocab)
        embed_mask = torch.ones_like(embed_ids)

        def embed():
            with torch.no_grad():
                out = model(input_ids=embed_ids, attention_mask=embed_mask).last_hidden_state
                mean_pool(out, embed_mask).cpu()

        embed_seconds = mean_seconds(device, args.warmup, args.steps, embed)
        row["embed_sentences_per_second"] = args.embed_sentences / embed_seconds
        row["embed_peak_allocated_bytes"] = peak_allocated(device)
    row["peak_resident_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    del model, optimizer
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", nargs="+", default=None)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float32", "float16"])
    parser.add_argument("--base", default="float", choices=["float", "int8"],
                        help="frozen base: as --dtype, or 8-bit through bitsandbytes (model folders only)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--pairs", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--embed-sentences", type=int, default=128)
    parser.add_argument("--peak-tflops", type=float, default=790.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default prints a table too)")
    args = parser.parse_args()
    device = torch.device(args.device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    shapes = args.shapes or (["bloom-560m", "bloom-1b7", "bloom-7b1"] if device.type == "cuda" else ["small"])
    results = [measure(shape, args, device, with_embedding=True) for shape in shapes]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    report = {
        "program": "hf+peft", "device": name, "torch": torch.__version__,
        "transformers": __import__("transformers").__version__, "peft": __import__("peft").__version__,
        "peak_tflops": args.peak_tflops,
        "threads": torch.get_num_threads(),
        "workload": {"pairs": args.pairs, "tokens": args.tokens, "warmup": args.warmup, "steps": args.steps,
                     "optimizer": "torch.optim.AdamW", "lora": "r=8 alpha=16 dropout=0.05 query_key_value",
                     "embed_sentences": args.embed_sentences},
        "results": results,
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"HF+PEFT on {name} (torch {torch.__version__})")
    print("| shape | tokens/s | step ms | peak allocated | MFU | embedding sentences/s |")
    print("|---|---|---|---|---|---|")
    for row in results:
        print(f"| {row['shape']} | {row['tokens_per_second']:.0f} | {1e3 * row['step_seconds']:.1f} | "
              f"{row['peak_allocated_bytes'] / 2**30:.2f} GiB | {100 * row['mfu']:.1f}% | "
              f"{row.get('embed_sentences_per_second', math.nan):.0f} |")


if __name__ == "__main__":
    main()
