#!/usr/bin/env bash
# cad-dataset-build throughput: samples per second with --jobs 1 and --jobs 2, with and without
# drawings and renders, on a recipe of N parts from every family of the default recipe
# (configs/datasets/default.yaml with its counts replaced); then, with FULL=1, the whole
# 2,000-sample default dataset on --jobs 2 (target: under 15 minutes on 2 cores).
# Usage: bash bench/dataset_build.sh BIN_DIR [N_PER_FAMILY]   (FULL=1 for the full build)
set -eu
BIN=$(cd "$1" && pwd)
N=${2:-8}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The default recipe with N parts per family.
sed -E "/^families:/,/^styles:/ s/^(  [a-z_]+): [0-9]+$/\1: $N/; s/^name: .*/name: bench/" configs/datasets/default.yaml \
  > "$tmp/bench.yaml"
planned=$("$BIN/cad-dataset-build" -c "$tmp/bench.yaml" --print-recipe | sed -n 's/# planned samples: //p')
echo "| jobs | assets | samples | wall s | samples/s | records | rejected |"
echo "|---:|---|---:|---:|---:|---:|---:|"
run() {  # jobs, label, extra options
  local jobs=$1 label=$2; shift 2
  rm -rf "$tmp/out"
  start=$(date +%s.%N)
  "$BIN/cad-dataset-build" -c "$tmp/bench.yaml" -o "$tmp/out" -j "$jobs" -q --log-level warn "$@"
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  records=$(cat "$tmp"/out/{train,val,test}.jsonl | wc -l)
  rejected=$(wc -l < "$tmp/out/rejected.jsonl")
  printf '| %s | %s | %s | %.1f | %.2f | %s | %s |\n' "$jobs" "$label" "$planned" "$wall" \
    "$(echo "$planned / $wall" | bc -l)" "$records" "$rejected"
}
run 1 "all (drawings, renders, STL, STEP)"
run 2 "all (drawings, renders, STL, STEP)"
run 1 "code, texts, CoT, STL, STEP only" --no-drawings --no-renders
run 2 "code, texts, CoT, STL, STEP only" --no-drawings --no-renders
if [ "${FULL:-0}" = 1 ]; then
  rm -rf "$tmp/out"
  start=$(date +%s.%N)
  "$BIN/cad-dataset-build" -c configs/datasets/default.yaml -o "$tmp/out" -j 2 -q --log-level warn
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  echo
  echo "Full default recipe (2,000 planned), --jobs 2: $(printf '%.0f' "$wall") s" \
    "($(printf '%.2f' "$(echo "2000 / $wall" | bc -l)") samples/s);" \
    "$(jq -c .counts "$tmp/out/stats.json")"
fi
