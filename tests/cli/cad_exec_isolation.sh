#!/usr/bin/env bash
## cad-exec's isolation: a worker that dies takes only its record, limits give their statuses.
set -eu
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"; kill $pid 2>/dev/null || true' EXIT
cd "$T"
pid=

ok='{"id":"ok1","code":"import cadquery as cq\nr = cq.Workplane().box(1,2,3)"}'
spin='{"id":"spin","code":"i = 0\nwhile True:\n    i += 1"}'

## Show that a worker killed by a signal (as a segfault inside OpenCASCADE would) gives a
## `crash` record, the worker is replaced, and the records after it still run.
{ echo "$spin"; echo "$ok"; } > in.jsonl
"$BIN/cad-exec" --jsonl in.jsonl --jobs 1 --timeout 60 --max-steps 0 > out.jsonl 2> log.txt &
pid=$!
worker=
for _ in $(seq 100); do
  worker=$(pgrep -P $pid | head -1 || true)
  [ -n "$worker" ] && break
  sleep 0.1
done
[ -n "$worker" ] || { echo "no worker process found"; exit 1; }
sleep 1
kill -SEGV "$worker"
wait $pid
[ "$(wc -l < out.jsonl)" = 2 ] || { cat out.jsonl log.txt; exit 1; }
sed -n 1p out.jsonl | grep -q '"status":"crash"'
sed -n 1p out.jsonl | grep -q 'SIGSEGV'
sed -n 2p out.jsonl | grep -q '"id":"ok1".*"status":"ok"'

## Show that the wall-clock limit stops a runaway script with status timeout.
echo "$spin" > spin.jsonl
"$BIN/cad-exec" --jsonl spin.jsonl --timeout 0.5 --max-steps 0 > out.jsonl 2>/dev/null
grep -q '"status":"timeout"' out.jsonl

## Show that the step budget stops it too, without waiting for the clock.
"$BIN/cad-exec" --jsonl spin.jsonl --max-steps 100000 > out.jsonl 2>/dev/null
grep -q '"status":"timeout"' out.jsonl
grep -q 'step budget' out.jsonl

## Show that the memory limit gives status memory, in the worker and in-process alike.
mem='{"id":"mem","code":"x = []\nfor i in range(10000):\n    x.append([0.5] * 100000)"}'
echo "$mem" > mem.jsonl
"$BIN/cad-exec" --jsonl mem.jsonl --memory 256 --jobs 1 > out.jsonl 2>/dev/null
grep -q '"status":"memory"' out.jsonl || { cat out.jsonl; exit 1; }
echo PASS
