#!/usr/bin/env python3
"""Checks that framework/ folders include only folders below them (docs/architecture.md).

Each folder sits on one layer; a file may include its own folder and folders on lower layers,
never a folder on its own layer or above. Run by ctest (Architecture.LayersLookDown), so CI
fails on an include that runs back up. `--graph` prints the folder graph as found.
"""
import pathlib
import re
import sys

# Bottom to top. Folders on one line are independent of each other.
LAYERS = [
    ["core"],
    ["io", "tokenizer", "config", "optim", "layers", "distributed"],
    ["data", "quant"],
    ["model"],
    ["lora"],
    ["embed"],
    ["eval"],
    ["train"],
    ["report", "experiment"],
    ["apps"],
    ["bench"],
]
LAYER_OF = {folder: index for index, folders in enumerate(LAYERS) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/')


def main() -> int:
    # --root DIR checks DIR/framework instead of this checkout's (the test of this script uses it).
    checkout = pathlib.Path(__file__).resolve().parent.parent
    if "--root" in sys.argv:
        checkout = pathlib.Path(sys.argv[sys.argv.index("--root") + 1])
    root = checkout / "framework"
    problems, edges = [], {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cpp", ".cu", ".cuh"):
            continue
        folder = path.relative_to(root).parts[0]
        if folder not in LAYER_OF:
            problems.append(f"{path.relative_to(root)}: folder '{folder}' has no layer in launch/check_layers.py")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match or match.group(1) == folder:
                continue
            target = match.group(1)
            edges.setdefault(folder, set()).add(target)
            if target not in LAYER_OF:
                problems.append(f"framework/{path.relative_to(root)}:{number}: includes unknown folder '{target}'")
            elif LAYER_OF[target] >= LAYER_OF[folder]:
                problems.append(f"framework/{path.relative_to(root)}:{number}: '{folder}' (layer {LAYER_OF[folder]}) "
                                f"includes '{target}' (layer {LAYER_OF[target]}): layers only look down")
    if "--graph" in sys.argv:
        for folder in sorted(edges, key=lambda f: (LAYER_OF.get(f, -1), f)):
            print(f"{folder} -> {', '.join(sorted(edges[folder], key=lambda f: (LAYER_OF.get(f, -1), f)))}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} include(s) against the layering", file=sys.stderr)
        return 1
    print(f"layers look down: {sum(len(t) for t in edges.values())} folder dependencies, all downward")
    return 0


if __name__ == "__main__":
    sys.exit(main())
