#!/usr/bin/env bash
# cad-render throughput on the CADPrompt corpus, one worker: drawings (three views with
# dimensions, SVG + PNG + dims JSON, no shaded pictures) and shaded renders (iso only).
# Usage: bash bench/render_corpus.sh BIN_DIR [RUNS]
set -eu
BIN=$(cd "$1" && pwd)
RUNS=${2:-3}
cd "$(dirname "$0")/.."
CORPUS=../shared/corpus/cadprompt
[ -d "$CORPUS" ] || { echo "render_corpus.sh: $CORPUS not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "render_corpus.sh: jq is required" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in "$CORPUS"/*/; do
  jq -Rsc --arg id "$(basename "$d")" '{id: $id, code: .}' "$d/expert.py" >> "$tmp/in.jsonl"
done
n=$(wc -l < "$tmp/in.jsonl")
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
run() {  # label, cad-render options
  local label=$1; shift
  for r in $(seq "$RUNS"); do
    rm -rf "$tmp/out"
    start=$(date +%s.%N)
    "$BIN/cad-render" --jsonl "$tmp/in.jsonl" --out-dir "$tmp/out" --log-level warn "$@" > "$tmp/rec.jsonl"
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
  done | median > "$tmp/wall"
  ok=$(jq -r .status "$tmp/rec.jsonl" | grep -c '^ok$' || true)
  printf '| %s | %s | %s | %.2f | %.1f | %s/%s ok |\n' "$label" "$*" "$n" "$(cat "$tmp/wall")" \
    "$(echo "$n / $(cat "$tmp/wall")" | bc -l)" "$ok" "$n"
}
echo "| what | options | parts | wall s (median of $RUNS) | per second | statuses |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
run "drawings, in-process (one core)" --jobs 0 --views none
run "drawings, one worker" --jobs 1 --views none
run "shaded iso renders, in-process (one core)" --jobs 0 --no-svg --no-png --views iso
run "drawings + iso + grid, two workers" --jobs 2 --views iso,grid
