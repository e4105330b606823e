#!/usr/bin/env bash
## cad-dataset-build from the command line: help, usage errors, a real kill and resume.
set -eu
BIN=$1
SRC=$(pwd)
T=$(mktemp -d)
pid=
trap 'rm -rf "$T"; [ -n "$pid" ] && kill -KILL -- -$pid 2>/dev/null || true' EXIT
cd "$T"

## Show that --help documents the sources and the recipe, and --list-families the families.
"$BIN/cad-dataset-build" --help > help.txt
for word in --config --deepcad --scripts --jobs --ood-families --shard resumable; do
  grep -q -- "$word" help.txt || { echo "--help lacks $word"; exit 1; }
done
"$BIN/cad-dataset-build" --list-families > families.txt
[ "$(wc -l < families.txt)" -ge 12 ] || { cat families.txt; exit 1; }

## Show that usage errors exit 2 and name what is wrong.
set +e
"$BIN/cad-dataset-build" --config "$SRC/configs/datasets/tiny.yaml" 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q -- "-o OUT" err.txt || { echo "missing -o: rc $rc"; cat err.txt; exit 1; }
printf 'seed: 1\ncolour: red\n' > bad.yaml
"$BIN/cad-dataset-build" --config bad.yaml -o out 2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "bad.yaml: colour: unknown key" err.txt || { cat err.txt; exit 1; }
"$BIN/cad-dataset-build" --config "$SRC/configs/datasets/tiny.yaml" -o out --ood-families nope \
  2> err.txt; rc=$?
[ $rc = 2 ] && grep -q "unknown family 'nope'" err.txt || { cat err.txt; exit 1; }
set -e

## Show that --print-recipe gives the effective recipe, which reads back as a recipe.
"$BIN/cad-dataset-build" --config "$SRC/configs/datasets/tiny.yaml" --seed 11 --print-recipe \
  > recipe.yaml
grep -q "^seed: 11" recipe.yaml
grep -q "# planned samples:" recipe.yaml
"$BIN/cad-dataset-build" --config recipe.yaml --print-recipe > again.yaml
cmp recipe.yaml again.yaml

## Show that a build killed with SIGKILL (workers included) and run again equals an
## uninterrupted build, and that every planned sample is a record or a reject.
fam=$(awk 'NR<=3 {print $1}' families.txt)
{
  echo "name: cli"
  echo "seed: 5"
  echo "families:"
  for f in $fam; do echo "  $f: 4"; done
  echo "outputs: {solids: false, drawing_size: 256, render_size: 64}"
  echo "splits: {val: 0.25, test: 0.25}"
} > small.yaml
"$BIN/cad-dataset-build" -c small.yaml -o whole -j 2 -q 2> whole.log
setsid "$BIN/cad-dataset-build" -c small.yaml -o killed -j 1 -q 2> killed.log &
pid=$!
for _ in $(seq 600); do
  [ -f killed/work/records.jsonl ] && [ "$(wc -l < killed/work/records.jsonl)" -ge 3 ] && break
  sleep 0.05
done
kill -KILL -- -$pid 2>/dev/null || true
wait $pid 2>/dev/null || true
pid=
n=$(wc -l < killed/work/records.jsonl)
[ "$n" -ge 3 ] && [ "$n" -lt 12 ] || { echo "killed after $n records"; exit 1; }
[ ! -f killed/train.jsonl ]
"$BIN/cad-dataset-build" -c small.yaml -o killed -j 2 -q 2> resumed.log
grep -q "already built" resumed.log
for f in train.jsonl val.jsonl test.jsonl rejected.jsonl stats.json; do
  cmp "whole/$f" "killed/$f" || { echo "$f differs after resume"; exit 1; }
done
total=$(cat whole/train.jsonl whole/val.jsonl whole/test.jsonl whole/rejected.jsonl | wc -l)
[ "$total" = 12 ] || { echo "12 planned, $total out"; exit 1; }
jq -e '.counts.planned == 12' whole/stats.json > /dev/null

## Show that a source folder that does not exist is a usage error that creates nothing, for
## --deepcad as for --scripts, and that --print-recipe then prints no recipe without a count.
for src in --deepcad --scripts; do
  set +e
  "$BIN/cad-dataset-build" $src /no/such/folder -o never_made 2> err.txt; rc=$?
  "$BIN/cad-dataset-build" $src /no/such/folder --print-recipe > printed.txt 2>> err.txt; rc2=$?
  set -e
  [ "$rc" = 2 ] && [ "$rc2" = 2 ] || { echo "$src /no/such/folder: rc $rc, $rc2"; cat err.txt; exit 1; }
  [ ! -e never_made ] || { echo "$src /no/such/folder created the output folder"; exit 1; }
  [ ! -s printed.txt ] || { echo "$src: --print-recipe printed"; cat printed.txt; exit 1; }
  grep -q -- "$src /no/such/folder: not a folder" err.txt
done

## Show that a family asked for a style it cannot write is a usage error naming what it writes
## (it exited 0 and rejected every such sample).
printf 'name: t\nfamilies:\n  stepped_shaft: {count: 2, styles: [sketch]}\n' > bad_style.yaml
set +e
"$BIN/cad-dataset-build" --config bad_style.yaml -o never_styled 2> err.txt; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "family 'stepped_shaft' cannot write style 'sketch' (it writes chain, plane)" err.txt \
  || { echo "bad style: rc $rc"; cat err.txt; exit 1; }
[ ! -e never_styled ]
