#!/usr/bin/env bash
## Two inputs with one id never overwrite each other's files: input files whose ids collide are a
## usage error naming both (with --id-from-parent as the way out), and a JSONL record that
## repeats an earlier (id, sample) while files are written is refused with its own record.
set -eu
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
mkdir -p p1 p2
printf 'import cadquery as cq\nr = cq.Workplane().box(1, 1, 1)\n' > p1/part.py
printf 'import cadquery as cq\nr = cq.Workplane().box(2, 1, 1)\n' > p2/part.py

expect_usage_error() {  # tool args...: exit 2, the message names both inputs and the fix
  set +e
  "$@" > out.jsonl 2> err.txt
  rc=$?
  set -e
  [ "$rc" = 2 ] || { echo "expected exit 2 from $*, got $rc" >&2; cat err.txt >&2; exit 1; }
  grep -q 'p1/part' err.txt && grep -q 'p2/part' err.txt && grep -q -- '--id-from-parent' err.txt
  [ ! -s out.jsonl ]
}

## cad-exec: scripts sharing a file name.
expect_usage_error "$BIN/cad-exec" p1/part.py p2/part.py --format stl --out-dir solids
"$BIN/cad-exec" p1/part.py p2/part.py --format stl --out-dir solids --id-from-parent 2>/dev/null > ok.jsonl
[ "$(jq -r .id ok.jsonl | tr '\n' ' ')" = "p1 p2 " ]
[ -f solids/p1.stl ] && [ -f solids/p2.stl ]

## cad-render: the same, for drawings (and STEP/mesh inputs).
expect_usage_error "$BIN/cad-render" p1/part.py p2/part.py --out-dir drawings --views none
"$BIN/cad-render" p1/part.py p2/part.py --out-dir drawings --views none --id-from-parent 2>/dev/null > ok.jsonl
[ "$(jq -r .id ok.jsonl | tr '\n' ' ')" = "p1 p2 " ]
[ -f drawings/p1_drawing.png ] && [ -f drawings/p2_drawing.png ]

## JSONL: a repeated (id, sample) gets invalid_input naming the earlier line; every record is there.
{
  printf '{"id":"a","code":"import cadquery as cq\\nr = cq.Workplane().box(1, 1, 1)"}\n'
  printf '{"id":"a","code":"import cadquery as cq\\nr = cq.Workplane().box(2, 1, 1)"}\n'
  printf '{"id":"a","sample":1,"code":"import cadquery as cq\\nr = cq.Workplane().box(3, 1, 1)"}\n'
} > dup.jsonl
for tool in exec render; do
  if [ $tool = exec ]; then
    "$BIN/cad-exec" --jsonl dup.jsonl --format stl --out-dir j_$tool 2>/dev/null > rec.jsonl
  else
    "$BIN/cad-render" --jsonl dup.jsonl --out-dir j_$tool --views none 2>/dev/null > rec.jsonl || true
  fi
  [ "$(wc -l < rec.jsonl)" = 3 ]
  [ "$(jq -r .status rec.jsonl | tr '\n' ' ')" = "ok invalid_input ok " ]
  jq -e -s 'map(select(.status == "invalid_input")) | .[0].error.message | test("repeat line 1")' rec.jsonl > /dev/null
done
## Without output files, repeated ids are only samples of one id: both run.
"$BIN/cad-exec" --jsonl dup.jsonl 2>/dev/null | jq -r .status | grep -c ok | grep -q 3
echo PASS
