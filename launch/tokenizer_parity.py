#!/usr/bin/env python3
"""Tokenizer parity at scale: every text of every dataset under a data folder, tokenized by lacos
(`lacos-tokenize`) and by HF `tokenizers` with the same tokenizer.json, must give identical ids.

    .venv/bin/python launch/tokenizer_parity.py --data ../shared/data \\
        --tokenizer ../shared/models/lacos-tiny-{1,2,3,4}/tokenizer.json --bloom-sized build/bloom-tokenizer.json

`--bloom-sized FILE` adds a BLOOM-sized synthetic tokenizer (250,680 entries, lacos-make-tokenizer
learning from STS-B train), made there when missing. Without --data the folder is LACOS_DATA, else
../shared/data; without --tokenizer, the lacos-tiny models' under LACOS_MODELS or ../shared/models.
Absent data or models exit with status 77 (ctest's "skipped"), unless LACOS_REQUIRE_SHARED=1.

Texts: each file (gzip, tar.gz and zip members read through; licences, READMEs and HTML skipped) is read
as one JSON document, else line by line as JSON Lines, else as tab-separated fields: every string
value or field is a text (ids and labels included: they are strings a tokenizer must handle too).
Unique texts are tokenized without special tokens, as `lacos-tokenize` does. Identical
tokenizer.json files (the four lacos-tiny models share one) are run once and reported together.
Exit status 1 on any difference; the first differences are printed.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

try:
    from tokenizers import Tokenizer
except ImportError:
    if os.environ.get("LACOS_REQUIRE_PYTHON_STACK") == "1":
        raise
    print("skipped: HF tokenizers is not installed (launch/setup.sh installs launch/python-stack.txt)", file=sys.stderr)
    sys.exit(77)

SKIPPED_SUFFIXES = {".md", ".html"}
SKIPPED_NAMES = {"LICENSE", "LICENCE", "SHA256SUMS"}


def strings_in(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            strings_in(item, out)
    elif isinstance(value, list):
        for item in value:
            strings_in(item, out)


def texts_of(name, raw):
    try:
        text = raw.decode("utf-8-sig")  # every dataset here is UTF-8 (msrp with a BOM)
    except UnicodeDecodeError as error:
        sys.exit(f"{name}: not UTF-8 ({error})")
    out = []
    try:
        strings_in(json.loads(text), out)
        return out
    except json.JSONDecodeError:
        pass
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            strings_in(json.loads(line), out)
            continue
        except json.JSONDecodeError:
            pass
        out.extend(field for field in line.split("\t"))
    return out


def dataset_texts(root):
    """{relative file (or zip member): [texts]}"""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.name in SKIPPED_NAMES or path.suffix in SKIPPED_SUFFIXES:
            continue
        relative = str(path.relative_to(root))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith((".jsonl", ".json", ".tsv", ".csv", ".txt")) and not member.endswith("README.txt"):
                        found[f"{relative}:{member}"] = texts_of(member, archive.read(member))
            continue
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if member.isfile() and not Path(member.name).name.startswith("."):
                        found[f"{relative}:{member.name}"] = texts_of(member.name, archive.extractfile(member).read())
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        found[relative] = texts_of(relative, raw)
    return found


def lacos_ids(binary, tokenizer, texts):
    payload = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts).encode("utf-8")
    result = subprocess.run([binary, "--tokenizer", str(tokenizer)], input=payload, capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit(f"lacos-tokenize failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return [json.loads(line) for line in io.StringIO(result.stdout.decode("utf-8"))]


def absent(what):
    if os.environ.get("LACOS_REQUIRE_SHARED") == "1":
        sys.exit(f"not found: {what}")
    print(f"skipped: not found: {what}", file=sys.stderr)
    sys.exit(77)


def main():
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("LACOS_DATA", root.parent / "shared" / "data")))
    parser.add_argument("--tokenizer", action="append", type=Path)
    parser.add_argument("--bloom-sized", type=Path, help="a BLOOM-sized synthetic tokenizer.json (made when missing)")
    parser.add_argument("--bin", type=Path, default=root / "build" / "bin", help="folder with lacos-tokenize")
    args = parser.parse_args()
    if not args.data.is_dir():
        absent(args.data)
    if not args.tokenizer:
        models = Path(os.environ.get("LACOS_MODELS", root.parent / "shared" / "models"))
        args.tokenizer = [models / f"lacos-tiny-{i}" / "tokenizer.json" for i in range(1, 5)]
    for path in args.tokenizer:
        if not path.exists():
            absent(path)
    if args.bloom_sized:
        if not args.bloom_sized.exists():
            subprocess.run([str(args.bin / "lacos-make-tokenizer"), "--out", str(args.bloom_sized), "--corpus",
                            str(args.data / "stsb" / "sts-train.csv"), "--vocab-size", "250680"], check=True)
        args.tokenizer.append(args.bloom_sized)
    args.lacos_tokenize = str(args.bin / "lacos-tokenize")

    files = dataset_texts(args.data)
    all_texts = [t for texts in files.values() for t in texts]
    unique = sorted(set(all_texts))
    print(f"{len(files)} files under {args.data}: {len(all_texts)} texts, {len(unique)} unique, "
          f"{sum(len(t.encode('utf-8')) for t in unique) / 1e6:.1f} MB")

    groups = {}
    for path in args.tokenizer:
        groups.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
    failed = False
    for digest, paths in groups.items():
        hf = Tokenizer.from_file(str(paths[0]))
        start = time.perf_counter()
        expected = [e.ids for e in hf.encode_batch(unique, add_special_tokens=False)]
        hf_seconds = time.perf_counter() - start
        start = time.perf_counter()
        ours = lacos_ids(args.lacos_tokenize, paths[0], unique)
        lacos_seconds = time.perf_counter() - start
        differing = [i for i, (a, b) in enumerate(zip(ours, expected)) if a != b]
        if len(ours) != len(expected):
            differing.append(-1)
        tokens = sum(len(ids) for ids in expected)
        names = ", ".join(str(p) for p in paths)
        print(f"{names} (sha256 {digest[:12]}, vocab {hf.get_vocab_size()}): {len(unique)} texts, {tokens} tokens, "
              f"{len(unique) - len(differing)} identical, {len(differing)} differ "
              f"(HF tokenizers {hf_seconds:.1f} s, lacos-tokenize {lacos_seconds:.1f} s incl. JSON)")
        for i in differing[:5]:
            print(f"  text {unique[i]!r}\n    lacos {ours[i]}\n    HF    {expected[i]}")
        failed = failed or bool(differing)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
