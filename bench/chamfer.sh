#!/usr/bin/env bash
# chamfer.sh: Chamfer distance of 8192 x 8192 points, cad::metrics against SciPy's cKDTree.
#
#   bash bench/chamfer.sh BIN_DIR
#
# BIN_DIR holds bench_chamfer. Needs Debian's python3-scipy (for /usr/bin/python3; the
# `python3` first on PATH may lack it). Prints markdown: the machine, then the side-by-side
# table for one thread on both sides. Exits 1 when the two CD values disagree (1e-9 relative).
set -eu

BIN_DIR=${1:?usage: chamfer.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."

if ! /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  echo "chamfer.sh: /usr/bin/python3 has no scipy (apt-get install python3-scipy)" >&2
  exit 1
fi
echo "- CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//'), nproc $(nproc)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$BIN_DIR/bench_chamfer" --points 8192 --runs 20 --threads 1 --script "$HERE/chamfer_scipy.py"
