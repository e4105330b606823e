#!/usr/bin/env bash
## cad-rl from the command line: usage errors, a few RL steps of a very small SFT model with
## rewards from executed code, a SIGKILL mid-run and --resume, two processes against one,
## hard-example mining, and cad-generate reading the RL checkpoint. Also cad-sft's refusal to
## mix a new run into an old run's folder.
set -eu
BIN=$1
SRC=$(pwd)
for tool in cad-rl cad-sft cad-generate cad-dataset-build; do
  if [ ! -x "$BIN/$tool" ]; then
    echo "$BIN/$tool is not built"
    [ "${CI:-}" = true ] && exit 1
    exit 77
  fi
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"


## Show that --help documents the subcommands, algorithms and rewards, and usage errors exit 2.
"$BIN/cad-rl" --help > help.txt
for word in train mine --algorithm --reward --reward-jobs --group-size --kl-beta --keep-top \
  --resume --overwrite --eps-high --dynamic-sampling; do
  grep -q -- "$word" help.txt || { echo "cad-rl --help lacks $word"; exit 1; }
done
set +e
"$BIN/cad-rl" train --init x --data d --out-dir o --algorithm ppo2 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "unknown algorithm 'ppo2'" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
"$BIN/cad-rl" train --init x --data d --out-dir o --group-size 1 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "group size" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
"$BIN/cad-rl" train --init x --data d --out-dir o --reward dino 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "unknown reward 'dino'" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
set -e

## Show that --dry-run prints the effective algorithm settings: the algorithm's published
## defaults where nothing was given, the options given where they were.
"$BIN/cad-rl" train --init x --data d --out-dir o --algorithm dapo --eps-low 0.15 --dry-run > dry.yaml
for want in "eps-low: 0.15" "eps-high: 0.28" "dynamic-sampling: true" "loss-aggregation: token-mean"; do
  grep -q "^$want\$" dry.yaml || { echo "--dry-run lacks '$want'"; cat dry.yaml; exit 1; }
done

## Show that every shipped RL, MERL and CME-CAD recipe parses (dry runs), with MERL's options.
for cfg in "$SRC"/configs/rl/*.yaml; do
  "$BIN/cad-rl" train --config "$cfg" --dry-run > /dev/null || { echo "$cfg does not parse"; exit 1; }
done
"$BIN/cad-rl" train --config "$SRC/configs/rl/tiny.yaml" --dry-run | grep -q "^kl-beta: 0.1$"
"$BIN/cad-rl" train --init x --data d --out-dir o --experts views,planner,coords --eiae true \
  --mecl-weight 0.5 --hsb-chunks 4 --dry-run > merl.yaml
for want in "eiae: true" "mecl-weight: 0.5" "hsb-chunks: 4"; do
  grep -q "^$want\$" merl.yaml || { echo "--dry-run lacks '$want'"; cat merl.yaml; exit 1; }
done
set +e
"$BIN/cad-rl" train --init x --data d --out-dir o --mecl-weight 1 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "two or more experts" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
set -e
"$BIN/cad-sft" train --config "$SRC/configs/cmecad/meft.yaml" --dry-run | grep -q "^batch-size: 24$"
"$BIN/cad-dataset-build" --config "$SRC/configs/cmecad/dataset.yaml" --print-recipe |
  grep -q "^cot_length: short$"

## A tiny dataset (sft-tiny's three families, 30 samples) and a few SFT steps of a very small model.
{
  echo "name: rl-cli"
  echo "seed: 5"
  echo "families:"
  for f in wedge hex_spacer bushing; do echo "  $f: 10"; done
  echo "experts: [views]"
  echo "outputs: {solids: false, renders: false, drawing_size: 128}"
  echo "splits: {val: 0.2, test: 0.2}"
} > recipe.yaml
"$BIN/cad-dataset-build" -c recipe.yaml -o data -j 2 -q 2> build.log || { cat build.log; exit 1; }
cat > model.yaml <<'YAML'
name: cli
d_model: 32
n_layers: 1
n_heads: 2
n_kv_heads: 1
context: 512
vision: true
image_size: 32
patch_size: 8
vision_d_model: 32
vision_layers: 1
vision_heads: 2
YAML
sft=(--model model.yaml --data data --tasks drawing --experts views --no-cot --vocab-size 400
  --batch-size 4 --lr 3e-3 --warmup 2 --eval-every 0 --val-examples 2 --threads 1 -q)
"$BIN/cad-sft" train "${sft[@]}" --steps 60 --out-dir sft > /dev/null 2> sft.log ||
  { cat sft.log; exit 1; }

## Show that cad-sft refuses to train into a folder that holds a run unless --resume or
## --overwrite (a later --resume would otherwise pick up the old run's checkpoints).
set +e
"$BIN/cad-sft" train "${sft[@]}" --steps 60 --out-dir sft > /dev/null 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "already holds a run" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
"$BIN/cad-sft" train "${sft[@]}" --steps 2 --out-dir sft --overwrite > over.json 2> err.txt ||
  { cat err.txt; exit 1; }
grep -q '"step":2' over.json
[ ! -d sft/checkpoints/step-0000060 ] || { echo "--overwrite kept the old checkpoints"; exit 1; }
"$BIN/cad-sft" train "${sft[@]}" --steps 60 --out-dir sft --overwrite > /dev/null 2> sft.log

## Show that RL runs from the SFT checkpoint with rewards of executed code and writes the
## metrics (every field of data_schemas/rl_metrics.schema.json's step lines), the completions
## and checkpoints that cad-generate reads.
rl=(--init sft/final --data data --algorithm cppo --group-size 4 --keep-top 2
  --prompts-per-step 2 --max-new-tokens 48 --temperature 1.0 --lr 1e-3 --reward cadrille
  --reward-jobs 2 --reward-timeout 5 --val-examples 2 --threads 1 -q)
"$BIN/cad-rl" train "${rl[@]}" --steps 3 --completions-every 1 --out-dir rl > rl.json 2> rl.log ||
  { cat rl.log; exit 1; }
grep -q '"finished":true' rl.json || { cat rl.json rl.log; exit 1; }
python3 - rl/metrics.jsonl rl/completions.jsonl <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
steps = [l for l in lines if "reward_mean" in l]
vals = [l for l in lines if "val_exec" in l]
assert [l["step"] for l in steps] == [1, 2, 3], lines
for l in steps:
    for k in ("reward_std", "exec_rate", "iou_mean", "kl", "entropy", "clip_fraction", "ratio_min",
              "ratio_max", "zero_variance_groups", "completion_length", "tokens_per_s",
              "time_generate_s", "time_reward_s", "time_update_s", "reward_exec", "reward_iou"):
        assert k in l, (k, l)
    assert -10 <= l["reward_mean"] <= 10 and 0 <= l["exec_rate"] <= 1, l
assert len(vals) == 1 and vals[0]["val_records"] == 2, vals
comps = [json.loads(l) for l in open(sys.argv[2])]
assert len(comps) == 3 * 2 * 4, len(comps)
for c in comps:
    assert c["reward"] == -10 or (c["status"] == "ok" and 0 <= c["reward"] <= 10), c
PY
"$BIN/cad-generate" --model rl/final -i data/test.jsonl --max-new-tokens 16 -q > gen.jsonl
[ -s data/test.jsonl ] && [ "$(wc -l < gen.jsonl)" = "$(wc -l < data/test.jsonl)" ]

## Show that cad-eval scores predictions with the same rewards: the ground truth's own code
## earns 10 (cadrille) and 1.5 (cmecad without reasoning: the format gate gives 0).
python3 -c '
import json, sys
for line in open("data/test.jsonl"):
    r = json.loads(line)
    print(json.dumps({"id": r["id"], "sample": 0, "code": r["code"], "cot": "why"}))
    print(json.dumps({"id": r["id"], "sample": 1, "code": r["code"]}))
    print(json.dumps({"id": r["id"], "sample": 2, "code": "r = ("}))' > own.jsonl
"$BIN/cad-eval" --gt data/test.jsonl -i own.jsonl --reward cadrille --metrics cd -j 2 \
  --summary s.json > own_eval.jsonl 2> eval.log || { cat eval.log; exit 1; }
python3 - own_eval.jsonl s.json <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs:
    want = -10 if r["sample"] == 2 else 10
    assert abs(r["reward"] - want) < 1e-3 and "iou" in r["reward_components"], r
assert abs(json.load(open(sys.argv[2]))["mean_reward"] - 10 / 3) < 1e-2
PY
"$BIN/cad-eval" --gt data/test.jsonl -i own.jsonl --reward cmecad -j 2 > own_eval.jsonl 2> eval.log
python3 - own_eval.jsonl <<'PY'
import json, sys
for r in (json.loads(l) for l in open(sys.argv[1])):
    want = {0: 1.5, 1: 0.0, 2: 0.0}[r["sample"]]
    assert abs(r["reward"] - want) < 1e-3, r
PY

## Show that an RL run killed with SIGKILL after its step-2 checkpoint and resumed ends with the
## same parameters and metrics as an uninterrupted run.
kill_args=("${rl[@]}" --steps 8 --checkpoint-every 2 --val-split "")
"$BIN/cad-rl" train "${kill_args[@]}" --out-dir whole > /dev/null 2> whole.log
"$BIN/cad-rl" train "${kill_args[@]}" --out-dir killed > /dev/null 2> killed.log &
victim=$!
for _ in $(seq 3000); do
  [ -d killed/checkpoints/step-0000002 ] && break
  sleep 0.01
done
kill -KILL $victim 2>/dev/null || true
wait $victim 2>/dev/null || true
## The kill happened mid-run: no final model, fewer than 8 metrics lines.
[ ! -d killed/final ] || { echo "the run finished before the kill"; exit 1; }
[ "$(grep -c reward_mean killed/metrics.jsonl)" -lt 8 ]
set +e
"$BIN/cad-rl" train "${kill_args[@]}" --out-dir killed > /dev/null 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "already holds a run" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
"$BIN/cad-rl" train "${kill_args[@]}" --out-dir killed --resume > resumed.json 2>> killed.log ||
  { cat killed.log; exit 1; }
grep -q "resuming from" killed.log
grep -q '"finished":true' resumed.json
python3 "$SRC/tests/cli/same_params.py" whole/final/model.safetensors killed/final/model.safetensors
cmp <(grep -o '"reward_mean":[^,]*' whole/metrics.jsonl) \
    <(grep -o '"reward_mean":[^,]*' killed/metrics.jsonl)

## Show that two processes (torchrun's variables, Gloo on loopback), one prompt each, end with
## the same parameters as one process with both prompts.
dist_args=("${rl[@]}" --steps 2 --updates 1 --val-split "" --checkpoint-every 0)
"$BIN/cad-rl" train "${dist_args[@]}" --out-dir single > /dev/null 2> single.log
port=$((20000 + $$ % 20000))
RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
  timeout 120 "$BIN/cad-rl" train "${dist_args[@]}" --out-dir dist > /dev/null 2> rank1.log &
rank1=$!
set +e
RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
  timeout 120 "$BIN/cad-rl" train "${dist_args[@]}" --out-dir dist > /dev/null 2> rank0.log
rc0=$?
wait $rank1
rc1=$?
set -e
[ $rc0 = 0 ] && [ $rc1 = 0 ] || { cat rank0.log rank1.log; exit 1; }
python3 "$SRC/tests/cli/same_params.py" single/final/model.safetensors dist/final/model.safetensors

## Show that mining keeps the records whose mean reward is below the threshold, with it.
"$BIN/cad-rl" mine --model sft/final --data data --split val --samples 2 --threshold 100 \
  --max-new-tokens 32 --reward-jobs 2 -q > all.jsonl 2> mine.log || { cat mine.log; exit 1; }
[ "$(wc -l < all.jsonl)" = "$(wc -l < data/val.jsonl)" ] || { cat mine.log; exit 1; }
grep -q '"mined_reward"' all.jsonl
"$BIN/cad-rl" mine --model sft/final --data data --split val --samples 2 --threshold -100 \
  --max-new-tokens 32 --reward-jobs 2 -q > none.jsonl 2> mine.log
[ ! -s none.jsonl ]
echo PASS
