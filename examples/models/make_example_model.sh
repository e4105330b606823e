#!/usr/bin/env bash
# Rebuild the demo's example model from a finished run of the project's own recipe:
#   bash examples/models/make_example_model.sh BIN RUN_DIR OUT_DIR DATA_DIR
# (make -f Makefile.wrapper example-model runs it on runs/rl-tiny.) Copies the run's final
# weights, model config and tokenizer (not the optimizer state), its training metrics and its
# test-split summary, writes provenance.json, and checks that none of the demo's drawings
# (configs/datasets/demo.yaml) shows a part whose code is in the run's training data.
set -euo pipefail
BIN=$1 RUN=$2 OUT=$3 DATA=$4
for f in "$RUN/final/model.safetensors" "$RUN/final/config.yaml" "$RUN/final/tokenizer.json" \
         "$RUN/metrics.jsonl" "$RUN/eval_summary.json" "$DATA/train.jsonl"; do
  [ -f "$f" ] || { echo "make_example_model: $f is missing (run the recipe first)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN/cad-dataset-build" --config configs/datasets/demo.yaml -o "$tmp/unseen" -q
seen=$(jq -c '.code' "$tmp/unseen/test.jsonl" | sort > "$tmp/demo_codes"
       cat "$DATA/train.jsonl" "$DATA/val.jsonl" | jq -c '.code' | sort -u > "$tmp/train_codes"
       comm -12 "$tmp/demo_codes" "$tmp/train_codes" | wc -l)
if [ "$seen" != 0 ]; then
  echo "make_example_model: $seen of the demo's parts occur in $DATA's training data" >&2
  exit 1
fi
mkdir -p "$OUT"
cp "$RUN/final/model.safetensors" "$RUN/final/config.yaml" "$RUN/final/tokenizer.json" "$OUT/"
cp "$RUN/metrics.jsonl" "$OUT/metrics.jsonl"
cp "$RUN/eval_summary.json" "$OUT/test_eval_summary.json"
jq -n --arg run "$RUN" --arg data "$DATA" --arg commit "$(git rev-parse --short HEAD)" \
  --arg date "$(date -u +%F)" --arg cpu "$(lscpu | sed -n 's/^Model name: *//p')" \
  --slurpfile s "$RUN/eval_summary.json" \
  '{source_run: $run, training_data: $data, commit: $commit, date: $date, cpu: $cpu,
    test_split: {ids: $s[0].ids, exec_rate: $s[0].exec_rate,
                 mean_iou: $s[0].first_sample.mean_iou, median_cd: $s[0].first_sample.median_cd},
    demo_parts_in_training_data: 0}' > "$OUT/provenance.json"
echo "make_example_model: $OUT from $RUN ($(du -sh "$OUT" | cut -f1)); none of the demo's 6 parts is in $DATA"
