#!/usr/bin/env bash
## Drawings pass the drafter's check (cad-render --check): no label on another label or on an
## edge of the part, each label beside its own span, leaders on visible edges and each at its
## own point, no tangent edges drawn; and they carry the units note and the projection symbol;
## keyways are dimensioned (width, depth) where they are seen.
## Over the example parts and dataset parts of the families where these were seen (plate_holes,
## enclosure, flange, pulley, l_bracket) at the tiny dataset's drawing size.
set -eu
BIN=$1
SRC=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

## Show that a clean drawing gives an empty `check` and exit 0, and the counts on stderr.
"$BIN/cad-render" "$SRC/examples/parts/block_with_hole.py" --check --views none --out-dir d \
  > one.jsonl 2> err.txt
[ "$(jq -c .check one.jsonl)" = "[]" ] || { jq -c .check one.jsonl; exit 1; }
grep -q "check: 0 faults in 0 of 1 drawings" err.txt || { cat err.txt; exit 1; }
grep -q ">ALL DIMENSIONS IN mm</text>" d/block_with_hole_drawing.svg

## Show that the example parts pass.
set +e
"$BIN/cad-render" "$SRC"/examples/parts/*.py --check --size 800 --views none --no-png \
  --out-dir d > examples.jsonl 2> err.txt
rc=$?
set -e
[ "$rc" = 0 ] || { jq -c '{id, check}' examples.jsonl; cat err.txt; exit 1; }

## Show that dataset parts pass at 768 px (the tiny dataset's size and line width).
cat > recipe.yaml <<'YAML'
name: check
seed: 7
families:
  plate_holes: 6
  enclosure: 6
  flange: 6
  pulley: 6
  l_bracket: 4
styles: [chain, sketch, plane]
experts: [views]
outputs:
  drawings: false
  renders: false
  meshes: false
  solids: false
splits:
  val: 0
  test: 0
YAML
"$BIN/cad-dataset-build" --config recipe.yaml -o data -q
cat data/*.jsonl > all.jsonl
[ "$(wc -l < all.jsonl)" -ge 20 ] || { echo "too few parts"; exit 1; }
set +e
"$BIN/cad-render" --jsonl all.jsonl --check --size 768 --line-width 1.5 --views none --no-svg \
  --no-png --out-dir d > parts.jsonl 2> err.txt
set -e
[ "$(jq -r .status parts.jsonl | sort -u)" = ok ]
grep -q "check: .* of $(wc -l < all.jsonl) drawings" err.txt || { cat err.txt; exit 1; }
## Leaders onto circles hidden in their view (the pulley's groove, a blind hole seen from
## above) and the leaders of a small hole in a small boss are not fixed yet (tools/cad-render
## README, NOT YET): every other kind of fault must be gone.
jq -c '.id as $id | .check[] | select(.kind != "leader_off_feature" and .kind != "shared_leader_tip")
       | {id: $id, kind, message}' parts.jsonl > faults.jsonl
[ ! -s faults.jsonl ] || { cat faults.jsonl; exit 1; }
## Show that every pulley with a keyway has its width and depth on the top view.
for id in $(jq -r 'select((.id | startswith("pulley")) and (.code | contains("keyway"))) | .id' all.jsonl); do
  for f in "keyway width" "keyway depth"; do
    jq -r --arg id "$id" --arg f "$f" \
      'select(.id == $id) | any(.dimensions[]; .feature == $f and .view == "top")' parts.jsonl \
      | grep -qx true || { echo "$id: no $f on the top view"; exit 1; }
  done
done
[ -n "$(jq -r 'select(.code | contains("keyway")) | .id' all.jsonl)" ] || { echo "no keyway"; exit 1; }
## Show that every pulley's V groove has its angle (degrees) and its width at the rim, on one
## side view, and that the angle is the one its profile makes.
n=0
for id in $(jq -r 'select(.id | startswith("pulley")) | .id' all.jsonl); do
  jq -e -s --arg id "$id" '.[] | select(.id == $id) | .dimensions as $d
      | ($d | map(select(.kind == "angle" and .feature == "groove angle" and .unit == "degree"
                         and .value > 0 and .value < 180)) | length) == 1
        and ($d | map(select(.feature == "groove width at rim")) | length) == 1
        and ([$d[] | select(.feature == "groove angle" or .feature == "groove width at rim") | .view]
             | unique | length) == 1' parts.jsonl > /dev/null \
    || { echo "$id: no groove angle and width"; jq -c --arg id "$id" 'select(.id == $id) | .dimensions' parts.jsonl; exit 1; }
  n=$((n + 1))
done
[ "$n" -ge 4 ] || { echo "only $n pulleys"; exit 1; }
echo PASS
