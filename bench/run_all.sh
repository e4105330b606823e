#!/usr/bin/env bash
# run_all.sh: every benchmark (cad-exec, Chamfer, cad-eval, cad-render, cad-dataset-build, cad_ml),
# as one markdown report on stdout.
#
#   bash bench/run_all.sh BIN_DIR            (make -f Makefile.wrapper bench does this)
#
# BIN_DIR holds cad-exec and bench_exec_overhead. Progress goes to stderr. Needs jq; uses
# valgrind for instruction counts when it is installed. About 6 minutes in all. Copy the figures
# into bench/RESULTS.md with the machine description printed first.
set -eu

[ $# -ge 1 ] || { echo "usage: run_all.sh BIN_DIR" >&2; exit 2; }
BIN_DIR=$1
[ -d "$BIN_DIR" ] || { echo "run_all.sh: $BIN_DIR: no such directory" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# The benchmarks run from the repository root (the corpus is ../shared/corpus from there);
# BIN_DIR stays as given in the commands printed, relative to the root when it is relative.
case $BIN_DIR in /*) ;; *) BIN_DIR=$(cd "$BIN_DIR" && pwd) && BIN_DIR=${BIN_DIR#"$ROOT"/} ;; esac
cd "$ROOT"

echo "# cad-exec benchmarks ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- nproc: $(nproc)"
echo "- CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//')"
echo "- memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## Corpus throughput"
echo
echo "    bash bench/exec_corpus.sh $BIN_DIR"
echo
bash "$HERE/exec_corpus.sh" "$BIN_DIR"
echo

echo "## Interpreter overhead against direct OpenCASCADE"
echo
echo "    $BIN_DIR/bench_exec_overhead"
echo
"$BIN_DIR/bench_exec_overhead"
echo
if command -v valgrind >/dev/null; then
  echo "Instruction counts (independent of other load on the machine):"
  echo
  echo "    bash bench/exec_overhead_callgrind.sh $BIN_DIR"
  echo
  bash "$HERE/exec_overhead_callgrind.sh" "$BIN_DIR"
  echo
fi
echo "Diagnostic: direct twins whose primitives carry lib/cq's identity-valued location:"
echo
echo "    $BIN_DIR/bench_exec_overhead --located-primitives"
echo
"$BIN_DIR/bench_exec_overhead" --located-primitives
echo
if command -v valgrind >/dev/null; then
  echo "    bash bench/exec_overhead_callgrind.sh $BIN_DIR --located-primitives"
  echo
  bash "$HERE/exec_overhead_callgrind.sh" "$BIN_DIR" --located-primitives
  echo
fi

echo "## Cost of process isolation"
echo
echo "    bash bench/exec_isolation.sh $BIN_DIR"
echo
bash "$HERE/exec_isolation.sh" "$BIN_DIR"
echo
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## Chamfer distance against SciPy's cKDTree"
echo
echo "    bash bench/chamfer.sh $BIN_DIR"
echo
bash "$HERE/chamfer.sh" "$BIN_DIR"
echo

echo "## cad-eval throughput on the corpus"
echo
echo "    bash bench/eval_corpus.sh $BIN_DIR"
echo
bash "$HERE/eval_corpus.sh" "$BIN_DIR"
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## The mesh IoU's stages on the corpus, beside the occt backend"
echo
echo "    $BIN_DIR/bench_mesh_iou --corpus ../shared/corpus/cadprompt"
echo
"$BIN_DIR/bench_mesh_iou" --corpus "$HERE/../../shared/corpus/cadprompt"
echo

echo "## cad-render throughput on the corpus"
echo
echo "    bash bench/render_corpus.sh $BIN_DIR"
echo
bash "$HERE/render_corpus.sh" "$BIN_DIR"
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "## cad-dataset-build throughput (and FULL=1 for the 2,000-sample default dataset)"
echo
echo "    bash bench/dataset_build.sh $BIN_DIR 8"
echo
bash "$HERE/dataset_build.sh" "$BIN_DIR" 8
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

if [ -x "$BIN_DIR/bench_ml" ]; then
  echo "## cad_ml training and generation speed against PyTorch"
  echo
  echo "    bash bench/ml.sh $BIN_DIR 1 3"
  echo
  bash "$HERE/ml.sh" "$BIN_DIR" 1 3
  echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## OpenMP wait policy at 2 threads"
  echo
  echo "    bash bench/omp_wait.sh $BIN_DIR 2 2"
  echo
  bash "$HERE/omp_wait.sh" "$BIN_DIR" 2 2
  echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ -x "$BIN_DIR/bench_rl" ]; then
  echo "## cad-rl: shared group prefill, one RL step against PyTorch, reward throughput"
  echo
  echo "    bash bench/rl.sh $BIN_DIR 2 3"
  echo
  bash "$HERE/rl.sh" "$BIN_DIR" 2 3
  echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
