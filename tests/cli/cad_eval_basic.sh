#!/usr/bin/env bash
## cad-eval as a user runs it: JSONL and folders, every record accounted for, summary, errors.
set -eu
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

## Show that --help documents the metrics and options and exits 0.
"$BIN/cad-eval" --help > help.txt
for opt in --gt --summary --metrics --normalize --points --jobs --shard --seed; do
  grep -q -- "$opt" help.txt || { echo "--help lacks $opt"; exit 1; }
done

## Show that an unknown metric is a usage error (exit 2).
echo '{"id":"a","code":"x=1"}' > one.jsonl
set +e
"$BIN/cad-eval" --gt one.jsonl -i one.jsonl --metrics cd,bogus 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] && grep -q bogus err.txt

## Show that predictions are scored against ground truth by id; an id without prediction, a
## prediction without ground truth, a failing script and a bad line each get a record.
box='import cadquery as cq\nr = cq.Workplane().box(1, 2, 3)'
cat > gt.jsonl <<JSON
{"id":"a","code":"$box"}
{"id":"b","code":"$box"}
{"id":"c","code":"$box"}
JSON
cat > pred.jsonl <<JSON
{"id":"a","sample":0,"code":"$box"}
{"id":"a","sample":1,"code":"import cadquery as cq\nr = cq.Workplane().box(1, 2, 2)"}
{"id":"b","sample":0,"code":"import os"}
not json
{"id":"zz","sample":0,"code":"$box"}
JSON
"$BIN/cad-eval" --gt gt.jsonl -i pred.jsonl --jobs 2 --summary summary.json > eval.jsonl 2> table.txt
[ "$(wc -l < eval.jsonl)" = 6 ] || { cat eval.jsonl; exit 1; }
sed -n 1p eval.jsonl | grep -q '"id":"a".*"status":"ok"'
sed -n 1p eval.jsonl | jq -e '.iou > 0.999 and .cd < 1' > /dev/null
# box(1,2,2) vs box(1,2,3), each scaled to the unit cube: (0.5,1,1) vs (1/3,2/3,1): IoU (2/9)/(1/2) = 4/9
sed -n 2p eval.jsonl | jq -e '(.iou - 4/9 | fabs) < 1e-6' > /dev/null
sed -n 3p eval.jsonl | grep -q '"status":"exec_failed"'
sed -n 4p eval.jsonl | grep -q '"status":"invalid_input"'
sed -n 5p eval.jsonl | grep -q '"status":"no_ground_truth"'
sed -n 6p eval.jsonl | grep -q '"id":"c".*"status":"no_prediction"'
jq -e '.ids == 3 and .predictions == 4 and .samples_per_id == 2' summary.json > /dev/null
jq -e '(.invalidity_ratio - 2/3 | fabs) < 1e-9' summary.json > /dev/null
grep -q 'best of 2' table.txt

## Show that cad-exec's records work as predictions when they name a STEP file.
printf '{"id":"a","code":"%s"}\n' "$box" | "$BIN/cad-exec" --jsonl - --out-dir solids --format step > exec.jsonl 2>/dev/null
"$BIN/cad-eval" --gt gt.jsonl -i exec.jsonl --metrics iou 2>/dev/null | head -1 | jq -e '.status == "ok" and .iou > 0.999' > /dev/null

## Show that folders work on both sides: <id>.py ground truth against <id>+<sample>.step predictions.
mkdir gtdir preddir
printf 'import cadquery as cq\nr = cq.Workplane().box(1, 2, 3)\n' > gtdir/a.py
cp solids/a.step preddir/a+0.step
"$BIN/cad-eval" --gt gtdir -i preddir --metrics cd,iou 2>/dev/null | jq -e '.id == "a" and .sample == 0 and .iou > 0.999' > /dev/null

## Show that --iou-backend chooses the IoU computation and the record names it: against a mesh
## ground truth auto takes the CGAL mesh booleans, occt and voxel on request, a bad name exits 2.
printf '{"id":"a","code":"%s"}\n' "$box" | "$BIN/cad-exec" --jsonl - --out-dir meshes --format stl > exec_stl.jsonl 2>/dev/null
jq -c '{id, mesh: .outputs.stl}' exec_stl.jsonl > gt_mesh.jsonl
printf '{"id":"a","code":"%s"}\n' "$box" > pred_a.jsonl
for backend in auto:mesh mesh:mesh occt:occt voxel:voxel; do
  "$BIN/cad-eval" --gt gt_mesh.jsonl -i pred_a.jsonl --metrics iou,iou_best --iou-backend "${backend%%:*}" 2>/dev/null \
    | jq -e --arg b "${backend##*:}" '.status == "ok" and .iou_backend == $b and .iou > 0.97 and .iou_best > 0.97' > /dev/null
done
"$BIN/cad-eval" --gt gt_mesh.jsonl -i pred_a.jsonl --metrics iou 2>/dev/null \
  | jq -e '.iou > 0.999999 and .iou_mesh_tolerance > 0 and .iou_mesh_error == 0' > /dev/null
set +e
"$BIN/cad-eval" --gt gt_mesh.jsonl -i pred_a.jsonl --iou-backend bogus > /dev/null 2> bad.txt
rc=$?
set -e
[ "$rc" = 2 ] && grep -q 'iou-backend' bad.txt

## Show that a ground-truth mesh with a hole is reported, not scored: open_mesh, and the error says
## what is left after the repairs. (Drop the last triangle of the binary STL: 50 bytes.)
stl=$(jq -r .mesh gt_mesh.jsonl)
n=$(od -An -tu4 -j80 -N4 "$stl" | tr -d ' ')
{ head -c 80 "$stl"; printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( (n-1) & 255 )) $(( ((n-1) >> 8) & 255 )) 0 0)"; tail -c +85 "$stl" | head -c $(( 50 * (n - 1) )); } > holed.stl
jq -cn --arg m "$PWD/holed.stl" '{id: "a", mesh: $m}' > gt_holed.jsonl
"$BIN/cad-eval" --gt gt_holed.jsonl -i pred_a.jsonl --metrics cd,iou 2>/dev/null \
  | jq -e '.status == "open_mesh" and .iou == null and .cd != null and (.error.message | test("3 boundary edges left"))' > /dev/null

## Show that a ground truth that cannot be loaded is the benchmark's fault: 4 good ids (one
## prediction fails) and one whose mesh is missing give IR 1/4, not 2/5, and the count apart.
{
  for id in g1 g2 g3 g4; do printf '{"id":"%s","code":"%s"}\n' "$id" "$box"; done
  printf '{"id":"g5","mesh":"%s/missing.stl"}\n' "$PWD"
} > gt_broken.jsonl
{
  for id in g1 g2 g3 g5; do printf '{"id":"%s","code":"%s"}\n' "$id" "$box"; done
  printf '{"id":"g4","code":"import cadquery as cq\\nr = cq.Workplane().nothing()"}\n'
} > pred_broken.jsonl
"$BIN/cad-eval" --gt gt_broken.jsonl -i pred_broken.jsonl --metrics iou --summary broken.json > broken.jsonl 2> broken.txt
jq -e '.invalid_ground_truth_ids == 1 and (.invalidity_ratio - 0.25 | fabs) < 1e-9 and .ids == 5' broken.json > /dev/null
grep -q 'left out of IR' broken.txt
[ "$(jq -r 'select(.id == "g5") | .status' broken.jsonl)" = invalid_ground_truth ]

## Show that a run where no prediction matches any ground-truth id is an error with the ids of both
## sides (every record still written), and that a partial mismatch is a warning with counts.
printf '{"id":"x1","code":"%s"}\n{"id":"x2","code":"%s"}\n' "$box" "$box" > pred_other.jsonl
set +e
"$BIN/cad-eval" --gt gt_broken.jsonl -i pred_other.jsonl --metrics iou > other.jsonl 2> other.txt
rc=$?
set -e
[ "$rc" = 1 ]
grep -q 'no prediction matches a ground-truth id' other.txt
grep -q '"x1"' other.txt && grep -q "g1" other.txt
[ "$(jq -r 'select(.status == "no_ground_truth") | .id' other.jsonl | wc -l)" = 2 ]
cat pred_broken.jsonl pred_other.jsonl > pred_some.jsonl
"$BIN/cad-eval" --gt gt_broken.jsonl -i pred_some.jsonl --metrics iou > /dev/null 2> some.txt
grep -q '2 of 7 predictions have no ground truth' some.txt

## Show that the occt backend keeps its exact boolean when the common exceeds the smaller volume
## by no more than the mesh's tolerance allows (00000007's expert against its STL: 1.1e-6
## relative; it fell back to a voxel estimate of 0.9944 against the exact 0.9949).
CORPUS=$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus/cadprompt/00000007
if [ -d "$CORPUS" ]; then
  jq -cn --arg m "$CORPUS/ground_truth.stl" '{id: "c7", mesh: $m}' > gt_c7.jsonl
  jq -Rsc '{id: "c7", code: .}' "$CORPUS/expert.py" > pred_c7.jsonl
  "$BIN/cad-eval" --gt gt_c7.jsonl -i pred_c7.jsonl --metrics iou --iou-backend occt 2>/dev/null \
    | jq -e '.iou_backend == "occt" and (.iou - 0.99493 | fabs) < 1e-4' > /dev/null
elif [ "${CI:-}" = true ]; then
  echo "corpus not found at $CORPUS" >&2
  exit 1
fi

## Show that a broken STEP file is reported in the record with OpenCASCADE's reason, and that
## OCCT's own colour-coded messages do not reach stderr (cad-render and cad-eval).
printf 'ISO-10303-21;\nHEADER;\ngarbage\nENDSEC;\n' > broken.step
"$BIN/cad-render" broken.step --out-dir broken_drawings --views none > broken_render.jsonl 2> broken_render.txt || true
jq -e '.status == "error" and (.error.message | test("not a readable STEP file .*Incorrect syntax"))' broken_render.jsonl > /dev/null
jq -cn --arg s "$PWD/broken.step" '{id: "a", step: $s}' > gt_broken_step.jsonl
"$BIN/cad-eval" --gt gt_broken_step.jsonl -i pred_a.jsonl --metrics iou > broken_eval.jsonl 2> broken_eval.txt || true
jq -e '.status == "invalid_ground_truth" and (.error.message | test("Incorrect syntax"))' broken_eval.jsonl > /dev/null
if grep -q "$(printf '\033')" broken_render.txt broken_eval.txt || grep -q 'ERR StepFile' broken_render.txt broken_eval.txt; then
  echo "OCCT's messages reached stderr"; cat -v broken_render.txt broken_eval.txt; exit 1
fi

## Show that a solid BRepCheck rejects (a bow tie extruded, valid CadQuery) is scored as the
## peers score it, the record saying so on each side, and that --require-valid (in cad-eval
## and cad-exec) makes it a failed execution.
BOW='import cadquery as cq
result = cq.Workplane("XY").polyline([(0, 0), (10, 10), (10, 0), (0, 4)]).close().extrude(2)
'
jq -cn --arg c "$BOW" '{id: "bow", code: $c}' > gt_bow.jsonl
jq -cn --arg c "$BOW" '{id: "bow", sample: 0, code: $c}' > pred_bow.jsonl
"$BIN/cad-eval" --gt gt_bow.jsonl -i pred_bow.jsonl --metrics iou,cd 2>/dev/null > bow.jsonl
jq -e '.status == "ok" and .pred_valid == false and .gt_valid == false and .iou > 0.99' bow.jsonl > /dev/null \
  || { echo "invalid solid not scored:"; cat bow.jsonl; exit 1; }
"$BIN/cad-eval" --gt gt_bow.jsonl -i pred_bow.jsonl --metrics iou --require-valid 2>/dev/null > bow_strict.jsonl
jq -e '.status == "exec_failed" and .pred_status == "invalid_geometry"' bow_strict.jsonl > /dev/null \
  || { echo "--require-valid:"; cat bow_strict.jsonl; exit 1; }
"$BIN/cad-exec" --jsonl pred_bow.jsonl 2>/dev/null > bow_exec.jsonl
jq -e '.status == "ok" and .valid == false' bow_exec.jsonl > /dev/null
"$BIN/cad-exec" --jsonl pred_bow.jsonl --require-valid 2>/dev/null \
  | jq -e '.status == "invalid_geometry"' > /dev/null
## ... and a cad-exec record of it as the prediction follows the same rule.
"$BIN/cad-eval" --gt gt_bow.jsonl -i bow_exec.jsonl --metrics iou --require-valid 2>/dev/null \
  | jq -e '.status == "exec_failed"' > /dev/null

## Show that shards joined give the same summary as one run.
"$BIN/cad-eval" --gt gt.jsonl -i pred.jsonl --shard 0/2 > s0.jsonl 2>/dev/null
"$BIN/cad-eval" --gt gt.jsonl -i pred.jsonl --shard 1/2 > s1.jsonl 2>/dev/null
cat s0.jsonl s1.jsonl | "$BIN/cad-eval" --summarize-only -i - --summary joined.json 2>/dev/null
jq -e '.ids == 3 and .predictions == 4' joined.json > /dev/null
## Show that --metrics dims reads a ground truth's dims JSON next to the --gt file (the path
## its drawing.dims names) and says which of its dimensions the prediction misses.
mkdir -p ds/assets
cat > ds/assets/a_dims.json <<JSON
[{"kind":"linear","feature":"overall width","value":1.0,"label":"1","view":"front"},
 {"kind":"diameter","feature":"hole","value":7.0,"label":"Ø7","view":"top"}]
JSON
echo "{\"id\":\"a\",\"code\":\"$box\",\"drawing\":{\"dims\":\"assets/a_dims.json\"}}" > ds/gt.jsonl
echo "{\"id\":\"a\",\"code\":\"$box\"}" > one_box.jsonl
"$BIN/cad-eval" --gt ds/gt.jsonl -i one_box.jsonl --metrics dims --summary dims.json > dims.jsonl 2> dims.txt
jq -e '.dims == 0.5 and .dims_total == 2 and .dims_missed == ["Ø7"]' dims.jsonl > /dev/null || { cat dims.jsonl; exit 1; }
jq -e '.first_sample.mean_dims == 0.5' dims.json > /dev/null
grep -q "dimension agreement" dims.txt
echo PASS
