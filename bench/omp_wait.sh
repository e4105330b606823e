#!/usr/bin/env bash
# OpenMP wait policy at 2+ threads: LibTorch's intra-op pool (libgomp) spins between parallel
# regions by default while OpenBLAS's own threads run the matrix products. cad-sft and
# cad-generate re-execute themselves with OMP_WAIT_POLICY=PASSIVE unless it is set
# (lib/ml/openmp_env.h); this measures what that buys, for cad_ml and the PyTorch twin, the
# policies alternating run by run so they see the same load.
# Usage: bash bench/omp_wait.sh BIN_DIR [THREADS] [RUNS]
set -eu
BIN=$(cd "$1" && pwd)
THREADS=${2:-2}
RUNS=${3:-2}
cd "$(dirname "$0")/.."
[ -x "$BIN/bench_ml" ] || { echo "omp_wait.sh: $BIN/bench_ml not built" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "omp_wait.sh: /usr/bin/python3 lacks torch (python3-torch)" >&2; exit 2; }
ARGS="--threads $THREADS --batch 8 --seq 256 --steps 10"
echo "| run | impl | threads | OMP_WAIT_POLICY | step ms | train tokens/s | generation tokens/s (KV cache) |"
echo "|---:|---|---:|---|---:|---:|---:|"
for r in $(seq "$RUNS"); do
  for policy in ACTIVE PASSIVE; do
    for impl in libtorch pytorch; do
      if [ $impl = libtorch ]; then
        out=$(OMP_WAIT_POLICY=$policy "$BIN/bench_ml" $ARGS)
      else
        out=$(OMP_WAIT_POLICY=$policy /usr/bin/python3 bench/ml_pytorch.py $ARGS)
      fi
      echo "$out" | jq -r --arg r "$r" --arg p "$policy" '"| \($r) | \(.impl) | \(.threads) | \($p) | \(.train_step_ms * 10 | round / 10) | \(.train_tokens_per_s | round) | \(if .gen_tokens_per_s_cache then (.gen_tokens_per_s_cache | round | tostring) else "-" end) |"'
    done
  done
done
