#!/usr/bin/env bash
# The demo: execute the example scripts and the CADPrompt corpus, show what came out, then the
# example model writes code for drawings it has never seen, executed, scored and reported.
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
MODEL=examples/models/drawing-tiny
echo "== the example model ($MODEL) writes CadQuery for 6 drawings it has never seen"
# Drawings of new parts of the three families it was trained on (configs/datasets/demo.yaml:
# a seed no training recipe uses), then drawing -> code -> solid -> score -> report.
"$BIN/cad-dataset-build" --config configs/datasets/demo.yaml -o "$OUT/unseen" -q
RUN="$OUT/model"
mkdir -p "$RUN"
"$BIN/cad-generate" --model "$MODEL" -i "$OUT/unseen/test.jsonl" --task drawing --expert views \
  --max-new-tokens 400 --threads 2 -q > "$RUN/generations.jsonl"
head -1 "$RUN/generations.jsonl" | jq -r '"code the model wrote for " + .id + " (drawing: '"$OUT"'/unseen/assets/" + .id + "/drawing.png):", .code'
"$BIN/cad-exec" --jsonl "$RUN/generations.jsonl" --jobs 2 --out-dir "$RUN/solids" --format step -q \
  > "$RUN/exec.jsonl"
jq -c '{id, status, volume, step: .outputs.step}' "$RUN/exec.jsonl"
"$BIN/cad-eval" --gt "$OUT/unseen/test.jsonl" -i "$RUN/generations.jsonl" --jobs 2 -q \
  --summary "$RUN/eval_summary.json" > "$RUN/eval.jsonl"
jq -c '{id, status, iou, cd}' "$RUN/eval.jsonl"
jq -c '{exec_rate, mean_iou: .first_sample.mean_iou, median_cd: .first_sample.median_cd}' "$RUN/eval_summary.json"
cat > "$OUT/report.yaml" <<YAML
title: "demo: the example model on drawings it has never seen"
description: >-
  examples/models/drawing-tiny (the tiny drawing-to-code model of make rl-tiny, committed by
  make example-model) writing CadQuery for the drawings of configs/datasets/demo.yaml, six new
  parts of the families it was trained on; the curves are its RL training run.
gt: $OUT/unseen/test.jsonl
decoding: greedy, views expert, at most 400 new tokens
gallery-per-rule: 2
rows:
  - label: example model
    generations: $RUN/generations.jsonl
    eval: $RUN/eval.jsonl
    summary: $RUN/eval_summary.json
    metrics: $MODEL/metrics.jsonl
tables:
  - title: "the example model on the demo's drawings (cad-eval's summary)"
    layout: cad-eval
YAML
"$BIN/cad-report" --config "$OUT/report.yaml" -o "$OUT/report" --jobs 2 -q
echo "report: $OUT/report/report.html (open it in a browser; $OUT/report/report.md in markdown)"
echo "outputs in $OUT/"
