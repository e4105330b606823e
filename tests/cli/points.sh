#!/usr/bin/env bash
## The points input from the command line: a tiny dataset with meshes, a very small point model
## trained with cadrille's noise, points-to-code for the test records, then a user's folder of
## scans (no code) sampled best-of-2, executed and scored with the scans as ground truth.
set -eu
BIN=$1
for tool in cad-sft cad-generate cad-dataset-build cad-exec cad-eval; do
  [ -x "$BIN/$tool" ] || { echo "skip: $BIN/$tool is not built"; [ "${CI:-}" = true ] && exit 1; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

## Show that --help documents the points task and the noise options.
"$BIN/cad-sft" --help > help.txt
for word in points --point-noise --point-noise-probability; do
  grep -q -- "$word" help.txt || { echo "cad-sft --help lacks $word"; exit 1; }
done
"$BIN/cad-generate" --help | grep -q "folder" || { echo "cad-generate --help lacks scans"; exit 1; }

## A tiny dataset: three families, meshes only.
fam=$("$BIN/cad-dataset-build" --list-families | awk 'NR<=3 {print $1}')
{
  echo "name: points-cli"
  echo "seed: 3"
  echo "families:"
  for f in $fam; do echo "  $f: 4"; done
  echo "experts: [views]"
  echo "outputs: {drawings: false, renders: false, solids: false, meshes: true}"
  echo "splits: {val: 0.2, test: 0.2}"
} > recipe.yaml
"$BIN/cad-dataset-build" -c recipe.yaml -o data -j 2 -q 2> build.log || { cat build.log; exit 1; }
ntest=$(wc -l < data/test.jsonl)
[ "$ntest" -ge 1 ] || { echo "empty test split"; exit 1; }

cat > model.yaml <<'YAML'
name: cli-points
d_model: 32
n_layers: 1
n_heads: 2
n_kv_heads: 1
context: 512
vision: false
points: true
point_count: 64
point_frequencies: 4
point_frame: fixed
YAML

## Show that a model without a point encoder refuses the task with a usage error.
sed 's/^points: true$/points: false/' model.yaml > plain.yaml
set +e
"$BIN/cad-sft" train --model plain.yaml --data data --tasks points --steps 2 --out-dir plain \
  -q 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "needs a model with a point encoder" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }

## Show that a few steps train on point clouds with the noise on.
"$BIN/cad-sft" train --model model.yaml --data data --tasks points --experts views --no-cot \
  --vocab-size 400 --steps 8 --batch-size 4 --lr 3e-3 --warmup 2 --eval-every 4 \
  --val-examples 4 --point-noise 0.01 --point-noise-probability 0.5 --out-dir run --threads 2 \
  -q > train.json 2> train.log || { cat train.log; exit 1; }
grep -q '"finished":true' train.json || { cat train.json train.log; exit 1; }
[ -f run/final/model.safetensors ]
grep -q "point_frame: fixed" run/final/config.yaml || { cat run/final/config.yaml; exit 1; }

## Show that cad-generate writes one record per test record from its mesh.
"$BIN/cad-generate" --model run/final -i data/test.jsonl --task points --max-new-tokens 40 \
  -q > gen.jsonl 2> gen.log || { cat gen.log; exit 1; }
[ "$(wc -l < gen.jsonl)" = "$ntest" ] || { cat gen.jsonl; exit 1; }
[ "$(grep -c '"status":"ok"' gen.jsonl)" = "$ntest" ] || { cat gen.jsonl; exit 1; }

## A user's scans: two meshes and a file that is not a mesh; every file gets its records.
mkdir scans
n=0
for mesh in $(ls data/assets/*/mesh.stl | head -2); do
  n=$((n + 1)); cp "$mesh" "scans/scan-$n.stl"
done
echo "solid broken" > scans/broken.stl
echo "notes" > scans/readme.txt
"$BIN/cad-generate" --model run/final -i scans --task points -k 2 --temperature 0.9 \
  --max-new-tokens 40 -q > scan_gen.jsonl 2> scan_gen.log || { cat scan_gen.log; exit 1; }
[ "$(wc -l < scan_gen.jsonl)" = 6 ] || { cat scan_gen.jsonl; exit 1; }
for id in scan-1 scan-2; do
  [ "$(grep -c "\"id\":\"$id\".*\"status\":\"ok\"" scan_gen.jsonl)" = 2 ] || { cat scan_gen.jsonl; exit 1; }
done
[ "$(grep -c '"id":"broken".*"status":"error"' scan_gen.jsonl)" = 2 ] || { cat scan_gen.jsonl; exit 1; }
grep -q 'broken.stl' scan_gen.jsonl || { echo "the error does not name the file"; exit 1; }

## Show that the scans execute and score against the folder, CAD-Recode's fixed frame, best of 2.
"$BIN/cad-exec" --jsonl scan_gen.jsonl -j 0 --timeout 5 > scan_exec.jsonl 2> exec.log ||
  { cat exec.log; exit 1; }
rm scans/broken.stl scans/readme.txt
"$BIN/cad-eval" --gt scans -i scan_exec.jsonl --metrics cd,iou --normalize fixed \
  --summary summary.json > scan_eval.jsonl 2> eval.log || { cat eval.log; exit 1; }
[ "$(grep -c '"id":"scan-' scan_eval.jsonl)" = 4 ] || { cat scan_eval.jsonl; exit 1; }
jq -e '.normalize == "fixed" and .samples_per_id == 2' summary.json > /dev/null ||
  { cat summary.json; exit 1; }

## Show that a folder of scans without --task points is a usage error.
set +e
"$BIN/cad-generate" --model run/final -i scans -q > /dev/null 2> err.txt; rc=$?
set -e
[ $rc = 2 ] && grep -q "need --task points" err.txt || { echo "rc $rc"; cat err.txt; exit 1; }
echo "ok"
