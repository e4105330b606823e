#!/usr/bin/env python3
"""How many of CadQuery's own examples cad-exec runs to a solid (issue 16).

Reads a CadQuery checkout (a work tree, or a bare git directory and a revision): every
`.. cadquery::` block of doc/examples.rst and every examples/Ex*.py, skipping those that read
files or draw on screen. Each becomes one script (the blocks with `import cadquery` and
`import cadquery as cq` prepended, as CadQuery's Sphinx directive runs them), cad-exec runs them
all, and the tally goes to stdout: how many gave a solid, and each miss with its status and
message. Nothing of CadQuery is copied into this repository; the scripts live in --work.

  bench/cadquery_examples.py --cadquery /path/to/cadquery.git --rev HEAD \\
      --cad-exec build/bin/cad-exec --work /tmp/cq-examples
"""
import argparse
import json
import os
import re
import subprocess
import sys
import textwrap

# Scripts that need what the executor (rightly) never does: files and screens.
SKIP = re.compile(r"\bopen\(|importers\.|importStep|importDXF|\bshow\(|display\(|vis\.show")


def read(args, path):
    if args.rev:
        return subprocess.run(["git", "--git-dir", args.cadquery, "show", f"{args.rev}:{path}"],
                               check=True, capture_output=True, text=True).stdout
    with open(os.path.join(args.cadquery, path), encoding="utf-8") as f:
        return f.read()


def list_examples(args):
    if args.rev:
        out = subprocess.run(["git", "--git-dir", args.cadquery, "ls-tree", "--name-only",
                              args.rev, "examples/"], check=True, capture_output=True,
                             text=True).stdout.split()
    else:
        out = ["examples/" + n for n in os.listdir(os.path.join(args.cadquery, "examples"))]
    return sorted(p for p in out if re.match(r"examples/Ex\d+.*\.py$", p))


def rst_blocks(text):
    """The bodies of the `.. cadquery::` directives, dedented, in order."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)\.\. cadquery::", lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        i += 1
        while i < len(lines) and re.match(r"^\s+:[\w-]+:", lines[i]):  # directive options
            i += 1
        body = []
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line)
            i += 1
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cadquery", required=True, help="CadQuery work tree or bare git directory")
    ap.add_argument("--rev", default="", help="revision to read when --cadquery is a git directory")
    ap.add_argument("--cad-exec", default="build/bin/cad-exec")
    ap.add_argument("--work", default="/tmp/cadquery-examples")
    ap.add_argument("--jobs", default="2")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    scripts, skipped = [], []
    for k, block in enumerate(rst_blocks(read(args, "doc/examples.rst"))):
        name = f"examples_rst_{k + 1:02d}"
        code = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
        if SKIP.search(code):
            skipped.append(name)
            continue
        scripts.append((name, "import cadquery\nimport cadquery as cq\n" + block))
    for path in list_examples(args):
        name = os.path.splitext(os.path.basename(path))[0]
        source = read(args, path)
        code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
        if SKIP.search(code):
            skipped.append(name)
            continue
        scripts.append((name, source))
    paths = []
    for name, source in scripts:
        p = os.path.join(args.work, name + ".py")
        with open(p, "w", encoding="utf-8") as f:
            f.write(source)
        paths.append(p)
    run = subprocess.run([args.cad_exec, "-j", args.jobs, "--timeout", "60", *paths],
                         capture_output=True, text=True)
    records = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    solid = [r for r in records if r.get("status") == "ok" and (r.get("volume") or 0) > 0]
    misses = [r for r in records if r not in solid]
    print(f"{len(solid)} of {len(records)} run to a solid "
          f"({100.0 * len(solid) / max(1, len(records)):.1f} %); skipped (files or screen): "
          f"{', '.join(skipped) or 'none'}")
    for r in misses:
        err = r.get("error") or {}
        print(f"- {r.get('id')}: {r.get('status')}: {err.get('type', '')}: "
              f"{(err.get('message') or '').splitlines()[0] if err.get('message') else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
