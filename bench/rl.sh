#!/usr/bin/env bash
# cad-rl's speed (bench/RESULTS.md, "cad-rl"): rollout generation with the shared group prefill
# against G separate rows; one RL step (rollouts + one update) of the tiny text model beside the
# same step in PyTorch (Debian's python3-torch), alternating runs, both with the passive OpenMP
# wait policy that cad-rl sets (PyTorch's default spinning is 2x slower here: bench/RESULTS.md); reward throughput of the
# sandboxed pool with 1 and 2 workers on the sft-tiny test split (data/sft-tiny).
# Usage: bash bench/rl.sh BIN_DIR [THREADS] [RUNS]
set -eu
BIN=$(cd "$1" && pwd)
THREADS=${2:-2}
RUNS=${3:-3}
cd "$(dirname "$0")/.."
[ -x "$BIN/bench_rl" ] || { echo "rl.sh: $BIN/bench_rl not built" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "rl.sh: /usr/bin/python3 lacks torch" >&2; exit 2; }
echo "## Rollouts: 8 prompts x G 8, 64 image tokens + 32 prompt tokens, 64 new tokens, T 1"
"$BIN/bench_rl" --mode prefill --threads "$THREADS" | jq -r '"shared prefill \(.shared_tokens_per_s | round) tokens/s (\(.shared_s * 1000 | round) ms), separate rows \(.separate_tokens_per_s | round) tokens/s (\(.separate_s * 1000 | round) ms): \(.speedup * 100 | round / 100)x"'
echo
echo "## One RL step, 8 prompts x G 8, 32 prompt + 64 new tokens, tiny text model"
echo "| run | impl | threads | generate ms | update ms | step ms | gen tokens/s |"
echo "|---:|---|---:|---:|---:|---:|---:|"
ARGS="--threads $THREADS --prompts 8 --group 8 --prompt 32 --new 64"
for r in $(seq "$RUNS"); do
  for impl in libtorch pytorch; do
    if [ $impl = libtorch ]; then out=$("$BIN/bench_rl" --mode step $ARGS); else out=$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/rl_pytorch.py $ARGS); fi
    echo "$out" | jq -r --arg r "$r" --arg i $impl '"| \($r) | \($i) | \(.threads) | \(.generate_ms | round) | \(.update_ms | round) | \(.step_ms | round) | \(.gen_tokens_per_s | round) |"'
  done
done
if [ -f data/sft-tiny/test.jsonl ]; then
  echo
  echo "## Rewards (cadrille, 64 samples of the sft-tiny test split, own code as the completion)"
  "$BIN/bench_rl" --mode reward --data data/sft-tiny --samples 64 | jq -r '"\(.samples_per_s_jobs1 * 10 | round / 10) samples/s with --reward-jobs 1, \(.samples_per_s_jobs2 * 10 | round / 10) with 2 (mean reward \(.mean_reward))"'
fi
