#!/usr/bin/env bash
# cad-eval throughput on the CADPrompt corpus: each expert script (executed in the sandbox)
# against its ground_truth.stl, all default metrics (cd, iou, iou_best, f1). Before and after
# in one run: --iou-backend occt (OpenCASCADE booleans against the STL made a solid, the path
# before CGAL) and auto (CGAL mesh booleans), --jobs 1; then auto with --jobs 2.
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
echo "- CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//'), nproc $(nproc); AVX-512: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| --iou-backend | --jobs | pairs | wall s | pairs/s | median / max time_ms per pair | iou by backend | mean IoU | IoU > 0.99 | statuses |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |"
for setting in "occt 1" "auto 1" "auto 2"; do
  set -- $setting
  backend=$1 jobs=$2
  for run in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    "$BIN/cad-eval" --gt "$tmp/gt.jsonl" -i "$tmp/pred.jsonl" --jobs "$jobs" --iou-backend "$backend" \
      --log-level warn > "$tmp/out.jsonl" 2> "$tmp/table.txt"
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc -l)
    med=$(jq -r .time_ms "$tmp/out.jsonl" | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
    max=$(jq -r .time_ms "$tmp/out.jsonl" | sort -g | tail -1)
    statuses=$(jq -r .status "$tmp/out.jsonl" | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1}')
    backends=$(jq -r '.iou_backend // "none"' "$tmp/out.jsonl" | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1}')
    mean_iou=$(jq -s '[.[] | select(.iou != null) | .iou] | add / length' "$tmp/out.jsonl")
    above=$(jq -s '[.[] | select(.iou != null and .iou > 0.99)] | length' "$tmp/out.jsonl")
    cp "$tmp/out.jsonl" "$tmp/out_${backend}_${jobs}.jsonl"
    printf '| %s | %s | %s | %.1f | %.2f | %.0f / %.0f | %s | %.4f | %s | %s |\n' "$backend" "$jobs" "$n" "$wall" \
      "$(echo "$n / $wall" | bc -l)" "$med" "$max" "$backends" "$mean_iou" "$above" "$statuses"
  done
done
echo
echo "Largest |IoU(auto) - IoU(occt)| over the ids both scored (jobs 1):"
jq -s -r --slurpfile o "$tmp/out_occt_1.jsonl" '
  ($o | map({key: .id, value: .iou}) | from_entries) as $occt
  | [.[] | select(.iou != null and $occt[.id] != null) | {id, d: ((.iou - $occt[.id]) | fabs), auto: .iou, occt: $occt[.id]}]
  | sort_by(-.d) | .[0:5][] | "  \(.id): auto \(.auto), occt \(.occt), |d| \(.d)"' "$tmp/out_auto_1.jsonl"
echo
echo "summary of the last run:"
cat "$tmp/table.txt"
