#!/usr/bin/env bash
# Training tokens/s of the tiny transformer: cad_ml (LibTorch) against the same model in PyTorch
# (Debian's python3-torch, the same LibTorch version), alternating runs; then generation tokens/s
# with and without the KV cache at 512 new tokens, and the achieved FLOP/s of a training step as
# a share of the measured matmul peak.
# Usage: bash bench/ml.sh BIN_DIR [THREADS] [RUNS]
set -eu
BIN=$(cd "$1" && pwd)
THREADS=${2:-1}
RUNS=${3:-3}
cd "$(dirname "$0")/.."
[ -x "$BIN/bench_ml" ] || { echo "ml.sh: $BIN/bench_ml not built" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "ml.sh: /usr/bin/python3 lacks torch (python3-torch)" >&2; exit 2; }
ARGS="--threads $THREADS --batch 8 --seq 256 --steps 10"
echo "| run | impl | torch | threads | batch x seq | params | step ms | train tokens/s |"
echo "|---:|---|---|---:|---|---:|---:|---:|"
last=
for r in $(seq "$RUNS"); do
  for impl in libtorch pytorch; do
    if [ $impl = libtorch ]; then out=$("$BIN/bench_ml" $ARGS); last=$out; else out=$(/usr/bin/python3 bench/ml_pytorch.py $ARGS); fi
    echo "$out" | jq -r --arg r "$r" '"| \($r) | \(.impl) | \(.torch) | \(.threads) | \(.batch) x \(.seq) | \(.params) | \(.train_step_ms * 10 | round / 10) | \(.train_tokens_per_s | round) |"'
  done
done
echo
echo "$last" | jq -r '"Generation (batch 1, 16-token prompt, \(.gen_new_tokens) new tokens, greedy): \(.gen_tokens_per_s_cache | round) tokens/s with the KV cache, \(.gen_tokens_per_s_no_cache | round) without (\(.cache_speedup * 10 | round / 10)x).",
  "Training step: \(.train_gflops * 100 | round / 100) GFLOP/s achieved (6 x matmul parameters + causal attention per token) against a measured float32 matmul peak of \(.matmul_peak_gflops * 10 | round / 10) GFLOP/s (1024^3 at::mm, \(.threads) thread(s)): \(.share_of_peak * 1000 | round / 10) % of peak."'
