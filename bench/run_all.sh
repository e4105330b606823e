#!/usr/bin/env bash
# run_all.sh: every cad-exec benchmark, as one markdown report on stdout.
#
#   bash bench/run_all.sh BIN_DIR            (make -f Makefile.wrapper bench does this)
#
# BIN_DIR holds cad-exec and bench_exec_overhead. Progress goes to stderr. Copy the figures
# into bench/RESULTS.md with the machine description printed first.
set -eu

BIN_DIR=${1:?usage: run_all.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."

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

echo "## Cost of process isolation"
echo
echo "    bash bench/exec_isolation.sh $BIN_DIR"
echo
bash "$HERE/exec_isolation.sh" "$BIN_DIR"
echo
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
