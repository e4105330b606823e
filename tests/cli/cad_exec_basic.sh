#!/usr/bin/env bash
## cad-exec as a user runs it: files, JSONL from stdin, outputs, --help, usage errors.
set -eu
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

## Show that --help documents the options and exits 0, --version prints the version.
"$BIN/cad-exec" --help > help.txt
for opt in --jsonl --out-dir --format --jobs --timeout --memory --shard --config --dry-run; do
  grep -q -- "$opt" help.txt || { echo "--help lacks $opt"; exit 1; }
done
"$BIN/cad-exec" --version | grep -q '^cad-exec [0-9]'

## Show that a usage error exits 2 with one clear line.
set +e
"$BIN/cad-exec" --jobs -3 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] || { echo "usage error exited $rc"; exit 1; }
grep -q 'cad-exec' err.txt

## Show that scripts given as files are executed and their solids written.
cat > box.py <<'PY'
import cadquery as cq
result = cq.Workplane("XY").box(10, 20, 30)
PY
printf 'x = (\n' > bad.py
"$BIN/cad-exec" box.py bad.py --out-dir out --format step,stl > exec.jsonl
[ "$(wc -l < exec.jsonl)" = 2 ]
head -1 exec.jsonl | grep -q '"id":"box"'
head -1 exec.jsonl | grep -q '"status":"ok"'
head -1 exec.jsonl | grep -q '"volume":6000'
tail -1 exec.jsonl | grep -q '"status":"syntax_error"'
[ -s out/box.step ] && [ -s out/box.stl ]
[ ! -e out/bad.step ]

## Show that JSONL records from stdin keep their order and samples, and that bad lines
## become records naming the line while processing continues: count in == count out.
{
  echo '{"id":"a","sample":0,"code":"import cadquery as cq\nr = cq.Workplane().box(1,1,1)"}'
  echo 'this is not json'
  echo '{"id":"b","sample":1}'
  echo '{"id":"c","sample":2,"code":"import os"}'
  printf '{"id":"d","code":"x = \xff"}\n'
  echo '{"id":"e","code":"import cadquery as cq\nshow_object(cq.Workplane().sphere(1))"}'
} > in.jsonl
"$BIN/cad-exec" --jsonl - --jobs 2 < in.jsonl > out.jsonl 2> log.txt
[ "$(wc -l < out.jsonl)" = 6 ] || { cat out.jsonl; exit 1; }
sed -n 1p out.jsonl | grep -q '"id":"a".*"status":"ok"'
sed -n 2p out.jsonl | grep -q '"status":"invalid_input"'
sed -n 2p out.jsonl | grep -q '"input_line":2'
sed -n 3p out.jsonl | grep -q '"id":"b".*"status":"invalid_input"'
sed -n 3p out.jsonl | grep -q "no string field 'code'"
sed -n 4p out.jsonl | grep -q '"SecurityError"'
sed -n 5p out.jsonl | grep -q '"status":"invalid_input"'
sed -n 5p out.jsonl | grep -q 'UTF-8'
sed -n 6p out.jsonl | grep -q '"id":"e".*"status":"ok"'

## Show that a missing input file is a runtime error (exit 1) naming the file.
set +e
"$BIN/cad-exec" --jsonl nope.jsonl 2> err.txt; rc=$?
set -e
[ "$rc" = 1 ] && grep -q 'nope.jsonl' err.txt

## Show that --shard K/N picks every N-th record and the shards together cover the input.
"$BIN/cad-exec" --jsonl in.jsonl --shard 0/2 > s0.jsonl 2>/dev/null
"$BIN/cad-exec" --jsonl in.jsonl --shard 1/2 > s1.jsonl 2>/dev/null
[ "$(wc -l < s0.jsonl)" = 3 ] && [ "$(wc -l < s1.jsonl)" = 3 ]

## Show that --dry-run prints the effective configuration as YAML and that it reads back.
"$BIN/cad-exec" --timeout 3 --format stl --dry-run > cfg.yaml
grep -q 'timeout: 3' cfg.yaml
"$BIN/cad-exec" --config cfg.yaml --dry-run | grep -q 'timeout: 3'

## Show that a folder given as a script is an input error that says so (it was status empty).
mkdir -p a_folder
"$BIN/cad-exec" a_folder 2>/dev/null \
  | jq -e '.status == "invalid_input" and (.error.message | test("is a directory"))' > /dev/null

## Show that a failed cad-generate record is relayed with its own reason, not "no field 'code'".
echo '{"id":"g","sample":0,"task":"drawing","expert":"views","status":"error","error":"the record has no drawing image"}' \
  | "$BIN/cad-exec" --jsonl - 2>/dev/null \
  | jq -e '.status == "invalid_input" and (.error.message | test("its error: the record has no drawing image"))' > /dev/null
## Show that one invalid UTF-8 byte inside `code` keeps the record's id on its invalid_input record
## (cad-exec, cad-render and cad-eval alike), and that an id with a bad byte is not guessed.
printf '{"id":"u1","code":"import cadquery as cq\\nr = cq.Workplane().box(1, 1, 1) # \377"}\n{"id":"u\3772","code":"x"}\n' > utf.jsonl
[ "$("$BIN/cad-exec" --jsonl utf.jsonl 2>/dev/null | jq -r '"\(.id) \(.status)"' | tr '\n' ' ')" = "u1 invalid_input line2 invalid_input " ]
[ "$("$BIN/cad-render" --jsonl utf.jsonl --out-dir utf_drawings --views none 2>/dev/null | jq -r .id | head -1)" = u1 ]
printf '{"id":"u1","code":"import cadquery as cq\\nr = cq.Workplane().box(1, 1, 1)"}\n' > utf_gt.jsonl
"$BIN/cad-eval" --gt utf_gt.jsonl -i utf.jsonl --metrics iou 2>/dev/null > utf_eval.jsonl || true
[ "$(jq -r '"\(.id) \(.status)"' utf_eval.jsonl | head -1)" = "u1 invalid_input" ]
[ "$(jq -r 'select(.status == "no_prediction") | .id' utf_eval.jsonl | wc -l)" = 0 ]
## Show that errors from a --config file name the file: bad YAML, an unknown key, a bad value
## (and that the command line still wins over the file).
printf 'timeout: [1\n' > bad_yaml.yaml
printf 'timeot: 3\n' > bad_key.yaml
printf 'timeout: abc\n' > bad_value.yaml
for f in bad_yaml bad_key bad_value; do
  set +e
  "$BIN/cad-exec" --config $f.yaml --dry-run > /dev/null 2> err.txt; rc=$?
  set -e
  [ "$rc" = 2 ] && grep -q "cad-exec: $f.yaml: " err.txt || { echo "$f: rc $rc"; cat err.txt; exit 1; }
done
"$BIN/cad-exec" --config bad_value.yaml --timeout 2 --dry-run | grep -q 'timeout: 2'
echo PASS
