#!/usr/bin/env bash
# The demo: execute the example scripts and the CADPrompt corpus, show what came out.
set -eu
BIN=${1:-build/bin}
OUT=${OUT:-out/demo}
mkdir -p "$OUT"
echo "== cad-exec on examples/cadquery/*.py (STEP + STL into $OUT/)"
"$BIN/cad-exec" examples/cadquery/*.py --out-dir "$OUT" --format step,stl > "$OUT/examples.jsonl"
cut -c1-200 "$OUT/examples.jsonl"
CORPUS=../shared/corpus/cadprompt
if [ -d "$CORPUS" ]; then
  echo "== cad-exec on the 100 CADPrompt expert scripts (--jobs 2)"
  "$BIN/cad-exec" "$CORPUS"/*/expert.py --id-from-parent --jobs 2 > "$OUT/corpus_exec.jsonl"
  echo "statuses:"; grep -o '"status":"[a-z_]*"' "$OUT/corpus_exec.jsonl" | sort | uniq -c
fi
echo "outputs in $OUT/"
