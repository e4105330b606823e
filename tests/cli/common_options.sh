#!/usr/bin/env bash
## The options the README promises every tool, checked against each tool's --help, and -q
## keeping stderr quiet where records are processed.
set -eu
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
has() {  # tool option...: the tool's --help lists every option
  local tool=$1
  shift
  "$BIN/$tool" --help > help.txt 2>&1
  for option in "$@"; do
    grep -q -- "$option" help.txt || { echo "$tool --help lacks $option"; exit 1; }
  done
}
for tool in cad-dataset-build cad-sft cad-rl cad-generate cad-exec cad-eval cad-render cad-report; do
  has $tool --config --log-level '-q,' --help
done
for tool in cad-sft cad-rl cad-generate cad-exec cad-eval cad-render cad-report; do has $tool --dry-run; done
has cad-dataset-build --print-recipe
for tool in cad-dataset-build cad-generate cad-exec cad-eval cad-render; do has $tool --shard; done

## A subcommand's --help says where the options are (CLI11 lists only -h there).
"$BIN/cad-sft" train --help | grep -q 'cad-sft --help'
"$BIN/cad-rl" mine --help | grep -q 'cad-rl --help'

## cad-sft's and cad-rl's -i/-o say what they are there, not "JSONL input/output".
"$BIN/cad-sft" --help | grep -- '-o,' | grep -q 'tokenizer'
"$BIN/cad-sft" --help | grep -- '-i,' | grep -q 'not used'
"$BIN/cad-rl" --help | grep -- '-o,' | grep -q 'mine'

## -q: nothing on stderr for a run that succeeds.
printf '{"id":"a","code":"import cadquery as cq\\nr = cq.Workplane().box(1, 1, 1)"}\n' > one.jsonl
"$BIN/cad-exec" --jsonl one.jsonl -q > /dev/null 2> err.txt
[ ! -s err.txt ] || { echo "cad-exec -q wrote to stderr"; cat err.txt; exit 1; }
"$BIN/cad-render" --jsonl one.jsonl --out-dir d --views none -q > /dev/null 2> err.txt
[ ! -s err.txt ] || { echo "cad-render -q wrote to stderr"; cat err.txt; exit 1; }
echo PASS
