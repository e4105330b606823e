#!/usr/bin/env bash
# exec_overhead_callgrind.sh: the overhead of bench_exec_overhead counted in instructions, which
# other load on the machine cannot change.
#
#   bash bench/exec_overhead_callgrind.sh BIN_DIR [--located-primitives] [MODEL ...]
#
# For each model (default: all) and each side (execute: cad::exec::execute on the script; direct:
# the direct OpenCASCADE twin + cad::geom::measure), runs `bench_exec_overhead --variant SIDE`
# under valgrind's callgrind, counting only inside run_variant, once with 1 and once with 3
# repetitions; (Ir(3) - Ir(1)) / 2 is the cost of one warm repetition. Prints a markdown table
# with the instruction ratio per model and its geometric mean. Slow: about a minute per model.
# --located-primitives is passed to the direct side (see bench_exec_overhead --help).
set -eu

[ $# -ge 1 ] || { echo "usage: exec_overhead_callgrind.sh BIN_DIR [--located-primitives] [MODEL ...]" >&2; exit 2; }
BIN_DIR=$1
shift
direct_args=()
if [ "${1:-}" = --located-primitives ]; then
  direct_args=(--located-primitives)
  shift
fi
BENCH="$BIN_DIR/bench_exec_overhead"
[ -x "$BENCH" ] || { echo "exec_overhead_callgrind.sh: $BENCH: not an executable" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "exec_overhead_callgrind.sh: valgrind is required" >&2; exit 2; }
models=("$@")
[ ${#models[@]} -gt 0 ] || mapfile -t models < <("$BENCH" --list | cut -f1)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Instructions executed inside run_variant for `reps` repetitions of one side of one model.
instructions() {
  local extra=()
  [ "$2" = direct ] && extra=("${direct_args[@]}")
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --collect-atstart=no \
    '--toggle-collect=*run_variant*' "$BENCH" --model "$1" --variant "$2" --reps "$3" "${extra[@]}" 2>&1 >/dev/null |
    awk '/Collected :/ {print $NF}'
}

echo "Instructions (Ir, millions) per warm repetition, counted by callgrind: (Ir(3 reps) - Ir(1 rep)) / 2."
[ ${#direct_args[@]} -eq 0 ] || echo "Direct side run with ${direct_args[*]} (diagnostic)."
echo
echo "| model | direct OCCT + measure | cad::exec::execute | ratio |"
echo "| --- | ---: | ---: | ---: |"
log_sum=0
for m in "${models[@]}"; do
  d=$(( ($(instructions "$m" direct 3) - $(instructions "$m" direct 1)) / 2 ))
  e=$(( ($(instructions "$m" execute 3) - $(instructions "$m" execute 1)) / 2 ))
  printf "| %s | %.2f | %.2f | %.2fx |\n" "$m" "$(echo "$d" | awk '{print $1 / 1e6}')" \
    "$(echo "$e" | awk '{print $1 / 1e6}')" "$(echo "$e $d" | awk '{print $1 / $2}')"
  log_sum=$(echo "$log_sum $e $d" | awk '{print $1 + log($2 / $3)}')
done
geo=$(echo "$log_sum ${#models[@]}" | awk '{printf "%.3f", exp($1 / $2)}')
echo "| geometric mean | | | ${geo}x |"
echo
if [ ${#direct_args[@]} -eq 0 ]; then
  echo "Target: geometric mean ratio <= 1.25x: $(echo "$geo" | awk '{print ($1 <= 1.25) ? "met" : "NOT met"}')."
else
  echo "(Diagnostic: the target applies to the run without ${direct_args[*]}.)"
fi
