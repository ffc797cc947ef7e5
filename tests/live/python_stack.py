#!/usr/bin/env python3
"""The Python stack's side of the live parity tier (tests/live/): references computed at test time
by transformers, PEFT, sentence-transformers and bitsandbytes, for lacos_live_tests to compare with.

    python_stack.py cases --out DIR [--count N] [--seed S]   # random BLOOMs + PEFT adapters + references
    python_stack.py peft-embed --cases DIR                   # PEFT loads the adapters lacos saved
    python_stack.py adam8bit --out FILE                      # bitsandbytes' AdamW8bit trajectory
    python_stack.py bootstrap --data FILE --out FILE         # scipy's statistics on lacos's resamples
    python_stack.py powerlaw --data FILE --out FILE          # scipy.optimize.curve_fit's scaling fit

Each case folder holds `model/` (a HF folder saved by transformers), `adapter/` (saved by PEFT),
`case.json` (what was drawn) and `reference.safetensors`:
  {right,left}.input_ids / .attention_mask          int64 [B, L] (pad id 3)
  base.{right,left}.hidden, lora.{right,left}.hidden  float32 [B, L, H], after ln_f
  lora.{right,left}.pooled.{mean,weightedmean,lasttoken}   sentence-transformers' Pooling
  bf16.{right,left}.pooled.mean                     the same model and adapter run in bfloat16
  pairs.{anchor,positive,negative}.{input_ids,attention_mask}   right padded
  loss.{plain,symmetric,hard}                       sentence-transformers' MultipleNegativesRankingLoss
  grad.{plain,symmetric,hard}.<h.N...lora_A.weight> every LoRA weight's gradient of that loss

Exit status 77 (ctest's "skipped") when the stack is not installed, unless
LACOS_REQUIRE_PYTHON_STACK=1 (CI) makes that an error.
"""
import argparse
import json
import os
import random
import shutil
import sys
from pathlib import Path

try:
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from safetensors.torch import load_file, save_file
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import BloomConfig, BloomForCausalLM, BloomModel
except ImportError as missing:
    if os.environ.get("LACOS_REQUIRE_PYTHON_STACK") == "1":
        raise
    print(f"python_stack.py: the Python stack is not installed ({missing}); "
          "launch/setup.sh installs it (launch/python-stack.txt)", file=sys.stderr)
    sys.exit(77)

PAD = 3
POOLINGS = ("mean", "weightedmean", "lasttoken")
TARGETS = ("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h")
# Head counts alternate between powers of two and not (BLOOM's ALiBi slopes differ in the two).
HEADS = (4, 6, 8, 5, 2, 3, 16, 12)


def draw_case(index, seed):
    rng = random.Random(seed * 1000 + index)
    heads = HEADS[index % len(HEADS)]
    case = {
        "index": index,
        "seed": seed * 1000 + index,
        "n_head": heads,
        "hidden_size": heads * rng.choice((4, 8, 16)),
        "n_layer": rng.randint(1, 3),
        "vocab_size": rng.randint(120, 500),
        "apply_residual_connection_post_layernorm": index % 2 == 1,
        "layer_norm_epsilon": rng.choice((1e-5, 1e-6)),
        "causal_lm": (index // 2) % 2 == 1,  # checkpoint names `transformer.h...`, adapter keys `...transformer.h...`
        "sharded": index % 3 == 0,
        "r": rng.choice((1, 2, 4, 8)),
        "lora_alpha": rng.choice((1, 4, 8, 16, 32)),
        "use_rslora": index % 3 == 1,
        "target_modules": sorted(rng.sample(TARGETS, rng.randint(1, len(TARGETS)))),
        "pooling": POOLINGS[index % len(POOLINGS)],
        "batch": rng.randint(3, 6),
        "max_tokens": rng.randint(4, 14),
    }
    if case["n_layer"] > 1 and index % 4 == 3:
        case["layers_to_transform"] = sorted(rng.sample(range(case["n_layer"]), case["n_layer"] - 1))
    return case


def random_model(case):
    config = BloomConfig(
        vocab_size=case["vocab_size"], hidden_size=case["hidden_size"], n_layer=case["n_layer"],
        n_head=case["n_head"], layer_norm_epsilon=case["layer_norm_epsilon"],
        apply_residual_connection_post_layernorm=case["apply_residual_connection_post_layernorm"],
        hidden_dropout=0.0, attention_dropout=0.0, initializer_range=0.05,
        pad_token_id=PAD, bos_token_id=1, eos_token_id=2)
    torch.manual_seed(case["seed"])
    model = BloomForCausalLM(config) if case["causal_lm"] else BloomModel(config)
    with torch.no_grad():  # every LayerNorm weight and bias random, so every path matters
        for name, parameter in model.named_parameters():
            if "layernorm" in name or "ln_f" in name:
                parameter.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * torch.randn_like(parameter))
            elif name.endswith("bias"):
                parameter.copy_(0.05 * torch.randn_like(parameter))
    return model.eval()


def inner_bloom(model):
    """The BloomModel inside a PeftModel around a BloomModel or a BloomForCausalLM."""
    base = model.get_base_model() if isinstance(model, PeftModel) else model
    return base.transformer if isinstance(base, BloomForCausalLM) else base


def random_batch(rng, case, count):
    lengths = [rng.randint(1, case["max_tokens"]) for _ in range(count)]
    lengths[rng.randrange(count)] = case["max_tokens"]
    return [[rng.randint(4, case["vocab_size"] - 1) for _ in range(n)] for n in lengths]


def padded(rows, side):
    width = max(len(row) for row in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.int64)
    mask = torch.zeros((len(rows), width), dtype=torch.int64)
    for i, row in enumerate(rows):
        start = width - len(row) if side == "left" else 0
        ids[i, start:start + len(row)] = torch.tensor(row)
        mask[i, start:start + len(row)] = 1
    return ids, mask


def pooled(hidden, mask, mode):
    """sentence-transformers' Pooling. Its padded weightedmean weighs by position in the padded
    row, so left padding would change the weights: left-padded rows go through its unpadded
    (flattened) path instead, whose weights count from each sentence's first token."""
    pooling = Pooling(hidden.size(-1), pooling_mode=mode)
    if mode == "weightedmean" and bool((mask[:, 0] == 0).any()):
        lengths = mask.sum(1)
        flat = hidden[mask.bool()].unsqueeze(0)
        cu = torch.cat([torch.zeros(1, dtype=torch.int32), lengths.cumsum(0).to(torch.int32)])
        return pooling({"token_embeddings": flat, "cu_seq_lens_q": cu})["sentence_embedding"]
    return pooling({"token_embeddings": hidden, "attention_mask": mask})["sentence_embedding"]


def lacos_name(peft_name):
    """base_model.model.[transformer.]h.0.self_attention.query_key_value.lora_A.default.weight
    -> h.0.self_attention.query_key_value.lora_A.weight (lacos' parameter names)."""
    name = peft_name.replace(".default", "")
    name = name[len("base_model.model."):]
    return name[len("transformer."):] if name.startswith("transformer.") else name


def make_case(index, seed, out):
    case = draw_case(index, seed)
    folder = out / f"case-{index}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    model = random_model(case)
    model.save_pretrained(folder / "model", max_shard_size="20KB" if case["sharded"] else "10GB")
    lora = LoraConfig(r=case["r"], lora_alpha=case["lora_alpha"], lora_dropout=0.0,
                      target_modules=case["target_modules"], use_rslora=case["use_rslora"],
                      layers_to_transform=case.get("layers_to_transform"))
    peft_model = get_peft_model(model, lora)
    generator = torch.Generator().manual_seed(case["seed"] + 1)
    with torch.no_grad():
        for name, parameter in peft_model.named_parameters():
            if "lora_A" in name:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) / parameter.size(1) ** 0.5)
            elif "lora_B" in name:
                parameter.copy_(0.1 * torch.randn(parameter.shape, generator=generator))
    peft_model.save_pretrained(folder / "adapter")
    peft_model.eval()
    bloom = inner_bloom(peft_model)
    rng = random.Random(case["seed"] + 2)
    sentences = random_batch(rng, case, case["batch"])
    ref = {}
    for side in ("right", "left"):
        ids, mask = padded(sentences, side)
        ref[f"{side}.input_ids"], ref[f"{side}.attention_mask"] = ids, mask
        with torch.no_grad():
            with peft_model.disable_adapter():
                ref[f"base.{side}.hidden"] = bloom(input_ids=ids, attention_mask=mask).last_hidden_state
            hidden = bloom(input_ids=ids, attention_mask=mask).last_hidden_state
        ref[f"lora.{side}.hidden"] = hidden
        for mode in POOLINGS:
            ref[f"lora.{side}.pooled.{mode}"] = pooled(hidden, mask, mode)

    # The three losses and every LoRA gradient, on anchor/positive/negative columns.
    columns = {c: padded(random_batch(rng, case, case["batch"]), "right") for c in ("anchor", "positive", "negative")}
    for column, (ids, mask) in columns.items():
        ref[f"pairs.{column}.input_ids"], ref[f"pairs.{column}.attention_mask"] = ids, mask
    losses = {
        "plain": (MultipleNegativesRankingLoss(None, scale=20.0), ("anchor", "positive")),
        "symmetric": (MultipleNegativesRankingLoss(None, scale=20.0, directions=("query_to_doc", "doc_to_query"),
                                                   partition_mode="per_direction"), ("anchor", "positive")),
        "hard": (MultipleNegativesRankingLoss(None, scale=20.0), ("anchor", "positive", "negative")),
    }
    lora_parameters = [(n, p) for n, p in peft_model.named_parameters() if p.requires_grad]
    for kind, (loss_fn, used) in losses.items():
        peft_model.zero_grad(set_to_none=True)
        embeddings = []
        for column in used:
            ids, mask = columns[column]
            embeddings.append(pooled(bloom(input_ids=ids, attention_mask=mask).last_hidden_state, mask, case["pooling"]))
        loss = loss_fn.compute_loss_from_embeddings(embeddings, None)
        loss.backward()
        ref[f"loss.{kind}"] = loss.detach().reshape(1)
        for name, parameter in lora_parameters:
            ref[f"grad.{kind}.{lacos_name(name)}"] = parameter.grad.detach().clone()
    peft_model.zero_grad(set_to_none=True)

    # bfloat16: the same weights cast, run by transformers in bfloat16.
    peft_model.to(torch.bfloat16)
    for side in ("right", "left"):
        ids, mask = ref[f"{side}.input_ids"], ref[f"{side}.attention_mask"]
        with torch.no_grad():
            hidden = bloom(input_ids=ids, attention_mask=mask).last_hidden_state
        ref[f"bf16.{side}.pooled.mean"] = pooled(hidden.float(), mask, "mean")
    save_file({k: v.contiguous() for k, v in ref.items()}, folder / "reference.safetensors")
    case["lora_parameters"] = len(lora_parameters)
    (folder / "case.json").write_text(json.dumps(case, indent=1))
    return case


def cases(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for index in range(args.count):
        case = make_case(index, args.seed, out)
        print(f"case {index}: heads {case['n_head']} hidden {case['hidden_size']} layers {case['n_layer']} "
              f"post-ln {case['apply_residual_connection_post_layernorm']} causal-lm {case['causal_lm']} "
              f"sharded {case['sharded']} r {case['r']} alpha {case['lora_alpha']} rslora {case['use_rslora']} "
              f"targets {','.join(case['target_modules'])} layers {case.get('layers_to_transform', 'all')} "
              f"pooling {case['pooling']}")
    versions = {m: __import__(m).__version__ for m in ("torch", "transformers", "peft", "sentence_transformers")}
    (out / "versions.json").write_text(json.dumps(versions))
    print("references by", ", ".join(f"{k} {v}" for k, v in versions.items()))


def peft_embed(args):
    """For each case with `lacos-adapter/` (saved by lacos) and `lacos-embed.safetensors` (ids,
    mask and lacos' embeddings), PEFT loads the adapter onto the base and embeds the same ids."""
    done = 0
    for folder in sorted(Path(args.cases).glob("case-*")):
        if not (folder / "lacos-adapter").is_dir():
            continue
        case = json.loads((folder / "case.json").read_text())
        inputs = load_file(folder / "lacos-embed.safetensors")
        base = (BloomForCausalLM if case["causal_lm"] else BloomModel).from_pretrained(folder / "model")
        model = PeftModel.from_pretrained(base, folder / "lacos-adapter").eval()
        out = {}
        with torch.no_grad():
            for side in ("right", "left"):
                ids, mask = inputs[f"{side}.input_ids"], inputs[f"{side}.attention_mask"]
                hidden = inner_bloom(model)(input_ids=ids, attention_mask=mask).last_hidden_state
                out[f"{side}.pooled.{case['pooling']}"] = pooled(hidden, mask, case["pooling"])
        save_file(out, folder / "peft-embed.safetensors")
        done += 1
    print(f"PEFT embedded with {done} lacos-saved adapters")


def cuda_dquantize(code, x):
    """bitsandbytes' CUDA quantizer (dQuantize in csrc/kernels.cu, non-stochastic), transcribed
    element-wise: a 7-step binary search from code 127, then the nearer of the last pivot and its
    bracketing neighbour. (Its CPU backend instead rounds x to a 65,536-point grid and looks the
    code up in a table, which differs for values closer together than 2/65535.)"""
    pivot = torch.full_like(x, 127, dtype=torch.int64)
    lower_pivot, upper_pivot = torch.zeros_like(pivot), torch.full_like(pivot, 255)
    lower, upper = torch.full_like(x, -1.0), torch.full_like(x, 1.0)
    value = code[pivot]
    step = 64
    while step > 0:
        above = x > value
        lower_pivot, lower = torch.where(above, pivot, lower_pivot), torch.where(above, value, lower)
        upper_pivot, upper = torch.where(above, upper_pivot, pivot), torch.where(above, upper, value)
        pivot = torch.where(above, pivot + step, pivot - step)
        value = code[pivot]
        step //= 2
    upper = torch.where(upper_pivot == 255, code[255], upper)
    lower = torch.where(lower_pivot == 0, code[0], lower)
    above = x > value
    up = torch.where(x > (upper + value) * 0.5, upper_pivot, pivot)
    down = torch.where(x < (lower + value) * 0.5, lower_pivot, pivot)
    return torch.where(above, up, down).to(torch.uint8)


def with_cuda_quantizer(ops):
    """Replaces the requantization of bitsandbytes' CPU 8-bit optimizer step by the CUDA kernel's."""
    def quantize(values, code, absmax_out, out_uint8, blocksize):
        flat = values.reshape(-1).float()
        n = flat.numel()
        blocks = torch.nn.functional.pad(flat, (0, (-n) % blocksize)).view(-1, blocksize)
        absmax = blocks.abs().max(1).values
        normed = (blocks / absmax.unsqueeze(1)).reshape(-1)[:n]
        out_uint8.copy_(cuda_dquantize(code, normed).view(out_uint8.shape))
        absmax_out.copy_(absmax)
    ops._quant_blockwise_fp32_direct = quantize


def adam8bit_run(bnb, args, record_prefix, out):
    generator = torch.Generator().manual_seed(7)
    big = torch.nn.Parameter(torch.randn(5000, generator=generator))
    small = torch.nn.Parameter(torch.randn(30, 20, generator=generator))
    out["init.big"], out["init.small"] = big.detach().clone(), small.detach().clone()
    optimizer = bnb.optim.AdamW8bit([big, small], lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
                                    weight_decay=args.weight_decay)
    for step in range(args.steps):
        scale = 10.0 ** random.Random(step).uniform(-3, 1)
        for name, parameter in (("big", big), ("small", small)):
            parameter.grad = scale * torch.randn(parameter.shape, generator=generator)
            out[f"grad.{step}.{name}"] = parameter.grad.clone()
        optimizer.step()
        state_big, state_small = optimizer.state[big], optimizer.state[small]
        out[f"{record_prefix}param.{step}.big"] = big.detach().clone()
        out[f"{record_prefix}param.{step}.small"] = small.detach().clone()
        for key in ("state1", "state2", "absmax1", "absmax2"):
            out[f"{record_prefix}{key}.{step}.big"] = state_big[key].clone()
        out[f"{record_prefix}state1.{step}.small"] = state_small["state1"].clone()
        out[f"{record_prefix}state2.{step}.small"] = state_small["state2"].clone()
    out["qmap1"] = optimizer.state[big]["qmap1"].clone()
    out["qmap2"] = optimizer.state[big]["qmap2"].clone()


def adam8bit(args):
    """bitsandbytes' AdamW8bit on its CPU backend: a tensor with 8-bit state (5000 elements, not a
    whole number of 256-blocks) and one below min_8bit_size (32-bit state), 20 steps of seeded
    gradients whose scale changes over time; every state and parameter recorded after each step.
    Twice: as shipped (`cpu.` keys), and with the CUDA kernel's quantizer (`cuda.` keys)."""
    import bitsandbytes as bnb
    from bitsandbytes.backends.cpu import ops
    out = {}
    adam8bit_run(bnb, args, "cpu.", out)
    with_cuda_quantizer(ops)
    adam8bit_run(bnb, args, "cuda.", out)
    out["options"] = torch.tensor([args.lr, args.weight_decay, float(args.steps)], dtype=torch.float64)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    save_file(out, args.out)
    print(f"bitsandbytes {bnb.__version__} AdamW8bit on the CPU: {args.steps} steps, with its CPU and its CUDA "
          f"quantizer -> {args.out}")


MASK64 = (1 << 64) - 1


def splitmix64_indices(n, seed, resample):
    """lacos's resample `resample` of n pairs (framework/eval/bootstrap.h), drawn again here."""
    state = (seed ^ ((0xD1B54A32D192ED03 * (resample + 1)) & MASK64)) & MASK64
    indices = []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        indices.append((z * n) >> 64)
    return indices


def bootstrap(args):
    """scipy's Spearman and Pearson on the resamples lacos draws, numpy's percentiles and the paired
    p-value over them; and scipy.stats.bootstrap's own percentile interval (its own resamples), as an
    independent check of the method."""
    import numpy as np
    from scipy import stats
    data = json.loads(Path(args.data).read_text())
    gold = np.array(data["gold"])
    a, b = np.array(data["predicted_a"]), np.array(data["predicted_b"])
    seed, resamples, level = data["seed"], data["resamples"], data["level"]
    out = {}
    for name, which in (("spearman", lambda x, y: stats.spearmanr(x, y).statistic),
                        ("pearson", lambda x, y: stats.pearsonr(x, y).statistic)):
        per_a, per_b = [], []
        for i in range(resamples):
            idx = np.array(splitmix64_indices(len(gold), seed, i))
            per_a.append(100 * which(a[idx], gold[idx]))
            per_b.append(100 * which(b[idx], gold[idx]))
        per_a, per_b = np.array(per_a), np.array(per_b)
        tails = [100 * (1 - level) / 2, 100 * (1 + level) / 2]
        diff = per_a - per_b
        observed = 100 * which(a, gold) - 100 * which(b, gold)
        scipy_interval = stats.bootstrap((a, gold), lambda x, y: 100 * which(x, y), paired=True, vectorized=False,
                                         n_resamples=2000, confidence_level=level, method="percentile",
                                         rng=np.random.default_rng(0)).confidence_interval
        out[name] = {
            "resampled_a": per_a.tolist(),
            "interval_a": np.percentile(per_a, tails).tolist(),
            "difference": observed,
            "difference_interval": np.percentile(diff, tails).tolist(),
            "p_value": (1 + np.sum(np.abs(diff - observed) >= abs(observed))) / (1 + resamples),
            "scipy_bootstrap_interval_a": [scipy_interval.low, scipy_interval.high],
        }
    Path(args.out).write_text(json.dumps(out))
    print(f"scipy {stats.__name__} on {resamples} resamples of {len(gold)} pairs -> {args.out}")


def powerlaw(args):
    """scipy.optimize.curve_fit of score = a - b * (N / 1e6)^(-c), weighted by sigma, from a generic
    start: parameters and standard errors (absolute_sigma=False, as lacos)."""
    import numpy as np
    from scipy.optimize import curve_fit
    data = json.loads(Path(args.data).read_text())
    x = np.array(data["parameters"]) / 1e6
    y, sigma = np.array(data["score"]), np.array(data["sigma"])
    popt, pcov = curve_fit(lambda n, a, b, c: a - b * n ** (-c), x, y, p0=[y.max(), 1.0, 0.5], sigma=sigma,
                           maxfev=100000)
    Path(args.out).write_text(json.dumps({"params": popt.tolist(), "errors": np.sqrt(np.diag(pcov)).tolist()}))
    print(f"curve_fit: a={popt[0]:.4f} b={popt[1]:.4f} c={popt[2]:.4f} -> {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("cases")
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=8)
    p.add_argument("--seed", type=int, default=int(os.environ.get("LACOS_LIVE_SEED", "2026")))
    p = sub.add_parser("peft-embed")
    p.add_argument("--cases", required=True)
    p = sub.add_parser("adam8bit")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    for command in ("bootstrap", "powerlaw"):
        p = sub.add_parser(command)
        p.add_argument("--data", required=True)
        p.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    {"cases": cases, "peft-embed": peft_embed, "adam8bit": adam8bit, "bootstrap": bootstrap,
     "powerlaw": powerlaw}[args.command](args)


if __name__ == "__main__":
    main()
