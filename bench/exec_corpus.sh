#!/usr/bin/env bash
# exec_corpus.sh: cad-exec throughput on the 100 CADPrompt expert scripts, --jobs 1 and --jobs 2.
#
#   bash bench/exec_corpus.sh BIN_DIR [RUNS]
#
# Runs `cad-exec ../shared/corpus/cadprompt/*/expert.py --id-from-parent --jobs J` RUNS times
# (default 5) for each J, alternating J so that load from other processes hits both alike, and
# prints a markdown table: median wall time, scripts/s (scripts / median wall time), median of
# the per-record time_ms (median over the records of a run, then median over runs), median CPU
# time (user + sys of cad-exec and its workers) and the status counts. No output files are written (no --format). Run from the repository root.
set -eu

[ $# -ge 1 ] || { echo "usage: exec_corpus.sh BIN_DIR [RUNS]" >&2; exit 2; }
BIN_DIR=$1
RUNS=${2:-5}
CORPUS=${CAD_CORPUS:-../shared/corpus/cadprompt}
EXEC="$BIN_DIR/cad-exec"
[ -x "$EXEC" ] || { echo "exec_corpus.sh: $EXEC: not an executable" >&2; exit 2; }
[ -d "$CORPUS" ] || { echo "exec_corpus.sh: $CORPUS: no such corpus folder" >&2; exit 2; }
command -v jq >/dev/null || { echo "exec_corpus.sh: jq is required (apt-get install -y jq)" >&2; exit 2; }

scripts=("$CORPUS"/*/expert.py)
n=${#scripts[@]}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

TIMEFORMAT='%R %U %S'  # bash's `time`: wall, user and system seconds (children included)
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

for run in $(seq 1 "$RUNS"); do
  for jobs in 1 2; do
    { time "$EXEC" "${scripts[@]}" --id-from-parent --jobs "$jobs" --log-level warn \
        > "$tmp/out.jsonl" 2> "$tmp/err"; } 2> "$tmp/time"
    awk '{print $1}' "$tmp/time" >> "$tmp/wall.$jobs"
    awk '{print $2 + $3}' "$tmp/time" >> "$tmp/cpu.$jobs"
    jq -r '.time_ms' "$tmp/out.jsonl" | median >> "$tmp/rec.$jobs"
    jq -r '.status' "$tmp/out.jsonl" | sort | uniq -c | awk '{printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1}' > "$tmp/status.$jobs"
    lines=$(wc -l < "$tmp/out.jsonl")
    [ "$lines" -eq "$n" ] || { echo "exec_corpus.sh: --jobs $jobs wrote $lines records for $n scripts" >&2; exit 1; }
  done
done

echo "cad-exec on $n corpus scripts ($CORPUS/*/expert.py), $RUNS runs per setting, medians."
echo
echo "| --jobs | wall s (median) | wall s (min..max) | scripts/s | median time_ms per script | CPU s, user + sys (median) | statuses |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for jobs in 1 2; do
  wall=$(median < "$tmp/wall.$jobs")
  range=$(sort -g "$tmp/wall.$jobs" | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f..%.2f", lo, hi}')
  rec=$(median < "$tmp/rec.$jobs")
  cpu=$(median < "$tmp/cpu.$jobs")
  printf "| %s | %.3f | %s | %.1f | %.2f | %.2f | %s |\n" "$jobs" "$wall" "$range" \
    "$(echo "$n $wall" | awk '{print $1 / $2}')" "$rec" "$cpu" "$(cat "$tmp/status.$jobs")"
done
