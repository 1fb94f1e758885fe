#!/usr/bin/env python3
"""The size of the house: files over 600 lines and functions over 80 lines under a source tree.

usage: python3 ci/bench/structure.py [src]

A function is counted from its `fn` line to the closing brace at the same indentation (rustfmt's
layout), so the figure is what a reader scrolls through. The module graph is written by
`cargo test --test tidy` to target/module-graph.txt.
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
files, fns = [], []
for dirpath, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".rs"):
            continue
        path = os.path.join(dirpath, name)
        lines = open(path, encoding="utf-8").read().split("\n")
        rel = os.path.relpath(path, root)
        if len(lines) > 600:
            files.append((len(lines), rel))
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*)(pub(\([a-z]+\))? )?(async )?(const )?(unsafe )?fn (\w+)", line)
            if not m or line.rstrip().endswith(";"):
                continue
            indent = m.group(1)
            end = i + 1
            while end < len(lines) and not re.match("^" + indent + r"\}\s*$", lines[end]):
                end += 1
            if end < len(lines) and end - i + 1 > 80:
                fns.append((end - i + 1, f"{rel}:{m.group(7)}"))
print(f"files over 600 lines: {len(files)}")
for n, p in sorted(files, reverse=True):
    print(f"  {n:5} {p}")
print(f"functions over 80 lines: {len(fns)}")
for n, p in sorted(fns, reverse=True):
    print(f"  {n:5} {p}")
