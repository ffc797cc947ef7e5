#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (tests/fuzz), made from the real files in ../shared and the
test fixtures: small enough that libFuzzer runs them fast (heads of datasets, tokenizers cut to a
few hundred tokens), real enough that every format's parser is reached. Nothing here is committed;
`launch/fuzz.sh seeds` writes them under build/fuzz/seeds/<target>/.

    fuzz_seeds.py --data DATA --models MODELS --fixtures tests/fixtures --out build/fuzz/seeds
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import tarfile
from pathlib import Path

HEAD_LINES = 12


def put(out, target, data, prefix=b""):
    data = prefix + (data if isinstance(data, bytes) else data.encode("utf-8"))
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def head(path, lines=HEAD_LINES):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def gzipped(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def tar_of(members, compress):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def small_tokenizer(path, keep=300):
    """tokenizer.json with the ids below `keep` and the merges among them."""
    tok = json.loads(Path(path).read_text(encoding="utf-8"))
    vocab = {t: i for t, i in tok["model"]["vocab"].items() if i < keep}
    merges = []
    for merge in tok["model"].get("merges", []):
        left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
        if left in vocab and right in vocab and left + right in vocab:
            merges.append(merge)
    tok["model"]["vocab"], tok["model"]["merges"] = vocab, merges
    tok["added_tokens"] = [t for t in tok.get("added_tokens", []) if t["id"] < keep]
    return json.dumps(tok, ensure_ascii=False)


def safetensors_bytes(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I8": 1, "U8": 1, "BOOL": 1, "F64": 8, "I16": 2}
    for name, dtype, shape in tensors:
        count = 1
        for d in shape:
            count *= d
        nbytes = count * sizes[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + nbytes]}
        blobs.append(bytes(range(256)) * (nbytes // 256) + bytes(nbytes % 256))
        offset += nbytes
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--models", type=Path, required=True)
    parser.add_argument("--fixtures", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out, data, fixtures = args.out, args.data, args.fixtures
    for needed in (data, args.models, fixtures):
        if not needed.is_dir():
            sys.exit(f"fuzz_seeds.py: {needed} not found")

    models = sorted(p for p in args.models.iterdir() if (p / "config.json").exists())
    model_dirs = models + sorted(p for p in fixtures.iterdir() if (p / "config.json").exists())
    for folder in model_dirs:
        put(out, "bloom_config", (folder / "config.json").read_bytes())
        put(out, "tokenizer_json", small_tokenizer(folder / "tokenizer.json"))
    for adapter in fixtures.glob("*/adapter"):
        put(out, "adapter_config", (adapter / "adapter_config.json").read_bytes())
        put(out, "safetensors", (adapter / "adapter_model.safetensors").read_bytes())
        config = json.loads((adapter / "adapter_config.json").read_text())
        put(out, "adapter_config", json.dumps({**config, "target_modules": "h\\.[0-9]+\\.self_attention\\..*"}))
        put(out, "adapter_config", json.dumps({**config, "layers_to_transform": [0, 1], "use_rslora": True}))
    put(out, "safetensors", safetensors_bytes([("a", "F32", [2, 3]), ("b", "I64", [4]), ("c", "BF16", [0])],
                                              {"format": "pt"}))
    put(out, "safetensors", safetensors_bytes([("h.0.w", "F16", [3, 1, 2]), ("s", "U8", [])]))

    for lang_file in sorted((data / "xnli").glob("dev-*.tsv")):
        lines = head(lang_file, 40).decode("utf-8").splitlines()
        for line in lines[1:6]:
            put(out, "tokenize_text", line.split("\t")[0])
    put(out, "tokenize_text", "<s>  leading spaces\t\ttabs\r\nand </s><pad> specials  ")

    nli_names = ["snli.jsonl", "mnli.jsonl.gz", "ocnli.json", "dev-fr.tsv", "kornli.tsv.gz", "xnli.tar", "xnli.tar.gz"]
    def nli_seed(kind, payload):
        put(out, "nli_file", payload, bytes([nli_names.index(kind)]))
    nli_seed("snli.jsonl", head(data / "nli/snli/snli_1.0_dev.jsonl.gz"))
    nli_seed("mnli.jsonl.gz", gzipped(head(data / "nli/mnli/dev.jsonl")))
    nli_seed("ocnli.json", head(data / "nli/ocnli/dev.json"))
    nli_seed("dev-fr.tsv", head(data / "xnli/dev-fr.tsv"))
    nli_seed("dev-fr.tsv", head(data / "nli/cad_snli/original/dev.tsv"))
    kornli = sorted((data / "kornlu").rglob("*.tsv"))
    if kornli:
        nli_seed("kornli.tsv.gz", gzipped(head(kornli[0])))
    with tarfile.open(data / "nli/xnli_test/xnli_test_de.tar.gz") as tar:
        member = next(m for m in tar.getmembers() if m.isfile() and m.name.endswith(".tsv"))
        tsv = b"".join(tar.extractfile(member).readlines()[:HEAD_LINES])
    nli_seed("xnli.tar", tar_of([(member.name, tsv)], compress=False))
    nli_seed("xnli.tar.gz", tar_of([(member.name, tsv)], compress=True))
    put(out, "tar", tar_of([(member.name, tsv), ("xnli/README", b"readme\n")], compress=False))
    put(out, "tar", tar_of([(member.name, tsv)], compress=True))

    sts_names = ["stsb-test.tsv", "sts-train.tsv", "stsb-de-test.csv", "SICK.txt", "bitext", "semeval"]
    def sts_seed(kind, payload):
        put(out, "sts_file", payload, bytes([sts_names.index(kind)]))
    for derived in sorted((data / "derived/sts-eval").glob("*.tsv"))[:3]:
        sts_seed("stsb-test.tsv", head(derived))
    stsb = sorted((data / "stsb").rglob("*.tsv")) + sorted((data / "stsb").rglob("*.csv"))
    if stsb:
        sts_seed("sts-train.tsv", head(stsb[0]))
    sts_seed("stsb-de-test.csv", head(data / "stsb_multi_mt/stsb-de-test.csv"))
    sick = sorted((data / "sick").rglob("SICK*.txt"))
    if sick:
        sts_seed("SICK.txt", head(sick[0]))
    # A bitext-mining set as lacos-prepare-data writes it: premises of XNLI with their English originals.
    def premises(path):
        seen = []
        for line in head(path).decode("utf-8").splitlines():
            premise = line.split("\t")[0]
            if premise not in seen:
                seen.append(premise)
        return seen
    pairs = zip(premises(data / "xnli/dev-de.tsv"), premises(data / "xnli/dev-en.tsv"))
    sts_seed("bitext", "".join(f"{de}\t{en}\n" for de, en in pairs).encode("utf-8"))
    year = data / "sts12-16/STS14"
    sts_seed("semeval", head(year / "STS.input.images.txt") + b"%%\n" + head(year / "STS.gs.images.txt"))

    for text in [head(data / "xnli/dev-en.tsv"), head(data / "nli/mnli/dev.jsonl", 3)]:
        put(out, "gzip", gzipped(text))
    with open(data / "derived/nli-entailment-pairs.tsv.gz", "rb") as f:
        put(out, "gzip", f.read(2048))  # a truncated member

    # Experiment files as lacos ships them, with overrides of every kind after "%%".
    overrides = ["model=tiny", "optim.lr=range(1e-4,4e-4,1e-4)", "train.steps=1,2", "+experiment.tag=x",
                 "~train.eval_every", "++dist.timeout_s=30", "eval.sets=[stsb-dev, sts17-en-en]"]
    for experiment in sorted((args.fixtures.parent.parent / "experiments").glob("*.yaml")):
        text = experiment.read_text(encoding="utf-8")
        put(out, "experiment", text)
        put(out, "experiment", text + "%%\n" + "\n".join(overrides) + "\n")
    put(out, "experiment", "defaults: [{model: tiny}, {optim: adam}, _self_]\nsweep:\n  model: [tiny, big]\n"
                           "train: {steps: 3, lr_warmup: '${train.steps}'}\n%%\noptim.lr=1e-3\n")
    put(out, "experiment", "a: &x [1, 2]\nb: *x\n")
    for line in overrides + ["model=a,b,c", "x='quoted,comma'", "y=[a,b],c", "z=range(10)", "w=range(0.5,2,0.25)"]:
        put(out, "overrides", line)

    # run_h5's and checkpoint_h5's input chooses the objects of a valid HDF5 file
    # (tests/fuzz/h5_generator.h): any bytes describe some file, so their seeds are fixed
    # pseudo-random bytes.
    for target in ("run_h5", "checkpoint_h5"):
        for i in range(8):
            put(out, target, b"".join(hashlib.sha256(f"{target} seed {i}.{j}".encode()).digest() for j in range(8)))

    print(f"fuzz_seeds.py: {sum(1 for _ in out.rglob('*') if _.is_file())} seeds in {out}")


if __name__ == "__main__":
    main()
