#!/usr/bin/env bash
# cad-eval throughput on the CADPrompt corpus: each expert script (executed in the sandbox)
# against its ground_truth.stl, all default metrics (cd, iou, iou_best, f1), --jobs 1 and 2.
# Usage: bash bench/eval_corpus.sh BIN_DIR [RUNS]
set -eu
BIN=$(cd "$1" && pwd)
RUNS=${2:-1}
cd "$(dirname "$0")/.."
CORPUS=../shared/corpus/cadprompt
[ -d "$CORPUS" ] || { echo "eval_corpus.sh: $CORPUS not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "eval_corpus.sh: jq is required" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in "$CORPUS"/*/; do
  id=$(basename "$d")
  jq -cn --arg id "$id" --arg mesh "$(cd "$d" && pwd)/ground_truth.stl" '{id: $id, mesh: $mesh}' >> "$tmp/gt.jsonl"
  jq -Rsc --arg id "$id" '{id: $id, sample: 0, code: .}' "$d/expert.py" >> "$tmp/pred.jsonl"
done
n=$(wc -l < "$tmp/pred.jsonl")
echo "| --jobs | pairs | wall s | pairs/s | median time_ms per pair | statuses |"
echo "| ---: | ---: | ---: | ---: | ---: | --- |"
for jobs in 1 2; do
  for run in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    "$BIN/cad-eval" --gt "$tmp/gt.jsonl" -i "$tmp/pred.jsonl" --jobs "$jobs" --log-level warn \
      > "$tmp/out.jsonl" 2> "$tmp/table.txt"
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc -l)
    med=$(jq -r .time_ms "$tmp/out.jsonl" | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
    statuses=$(jq -r .status "$tmp/out.jsonl" | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1}')
    printf '| %s | %s | %.1f | %.2f | %.0f | %s |\n' "$jobs" "$n" "$wall" "$(echo "$n / $wall" | bc -l)" "$med" "$statuses"
  done
done
echo
echo "summary of the last run:"
cat "$tmp/table.txt"
