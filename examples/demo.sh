#!/usr/bin/env bash
# The demo: execute the example scripts and the CADPrompt corpus, show what came out.
set -eu
BIN=${1:-build/bin}
OUT=${OUT:-out/demo}
mkdir -p "$OUT"
echo "== cad-exec on examples/cadquery/*.py (STEP + STL into $OUT/)"
"$BIN/cad-exec" examples/cadquery/*.py --out-dir "$OUT" --format step,stl > "$OUT/examples.jsonl"
cut -c1-200 "$OUT/examples.jsonl"
echo "== cad-render: three-view drawings with dimensions and shaded pictures of examples/parts/*.py"
"$BIN/cad-render" examples/parts/*.py --views iso,grid --jobs 2 --out-dir "$OUT/drawings" > "$OUT/render.jsonl"
jq -c '{id, status, dimensions: (.dimensions | length)}' "$OUT/render.jsonl"
echo "== cad-dataset-build: the tiny recipe (about 100 procedural parts with code, texts, CoT, drawings)"
"$BIN/cad-dataset-build" --config configs/datasets/tiny.yaml -o "$OUT/dataset" --jobs 2 -q
sed -n '1,12p' "$OUT/dataset/stats.md"
head -1 "$OUT/dataset/train.jsonl" | jq -r '"id: " + .id + " (" + .family + ", level " + .level + ")", "abstract: " + .text.abstract, "expert views:", .cot[0].text, "code:", .cot[0].code'
CORPUS=../shared/corpus/cadprompt
if [ -d "$CORPUS" ]; then
  echo "== cad-exec on the 100 CADPrompt expert scripts (--jobs 2)"
  "$BIN/cad-exec" "$CORPUS"/*/expert.py --id-from-parent --jobs 2 > "$OUT/corpus_exec.jsonl"
  echo "statuses:"; grep -o '"status":"[a-z_]*"' "$OUT/corpus_exec.jsonl" | sort | uniq -c
  echo "== cad-eval: 10 expert scripts against their ground-truth meshes (CD, IoU, IoU_best, F1)"
  : > "$OUT/gt.jsonl"; : > "$OUT/pred.jsonl"
  for d in $(ls -d "$CORPUS"/*/ | head -10); do
    id=$(basename "$d")
    jq -cn --arg id "$id" --arg mesh "$(cd "$d" && pwd)/ground_truth.stl" '{id: $id, mesh: $mesh}' >> "$OUT/gt.jsonl"
    jq -Rsc --arg id "$id" '{id: $id, sample: 0, code: .}' "$d/expert.py" >> "$OUT/pred.jsonl"
  done
  "$BIN/cad-eval" --gt "$OUT/gt.jsonl" -i "$OUT/pred.jsonl" --jobs 2 --summary "$OUT/summary.json" > "$OUT/eval.jsonl"
  jq -c '{id, status, cd, iou, iou_best}' "$OUT/eval.jsonl"
fi
echo "outputs in $OUT/"
