#!/usr/bin/env bash
# The GPU check of the model-and-trainer core (issue 19): one prepared script for a machine with
# a CUDA PyTorch but no network and no CAD stack (OpenCASCADE, CGAL, cairo). It
#   1. unpacks the few Debian packages the core needs (fmt, spdlog, yaml-cpp, nlohmann-json,
#      CLI11, Catch2) from bench/gpu-debs/ into a private prefix (never into /);
#   2. configures -DCAD_ML_CORE_ONLY=ON against that PyTorch's LibTorch
#      (torch.utils.cmake_prefix_path), with NCCL when nccl.h is found (if that build fails, it
#      builds again without NCCL and says so), and builds test_ml_core and bench_ml;
#   3. runs the core tests with CAD_TEST_DEVICE=cuda (the precision, attention, cache and
#      checkpoint tests place their models on the GPU);
#   4. measures training tokens/s of the small config (configs/models/small.yaml, text only) in
#      bf16 autocast and in fp32: bench_ml (LibTorch, cad_ml_core) against bench/ml_pytorch.py
#      (the same model, batch and optimizer in that machine's PyTorch), alternating, and
#      compares the bf16 loss curve with the fp32 one.
# Everything goes to OUT_DIR (default build-gpu/out): gpu.md (the tables for bench/RESULTS.md),
# the JSON of every run and the logs; when $OUT is set (the device tool's folder that comes
# back, at most 8 files), gpu.md and gpu-logs.tgz of the rest are copied there.
#
# Before, on a machine with Debian's archive (this project's):
#   bash bench/gpu.sh --fetch-debs        # ~1.7 MB of .debs into bench/gpu-debs (git-ignored)
# Then on the GPU machine, from the repository root (carry bench/gpu-debs):
#   bash bench/gpu.sh
# Settings (environment): DEVICE (cuda when PyTorch sees a GPU, else cpu), MODEL
# (configs/models/small.yaml), BATCH (16), SEQ (1024), STEPS (20), RUNS (2), JOBS (nproc),
# PYTHON (python3), TORCH_PREFIX (a LibTorch cmake prefix; default PyTorch's), BUILD_DIR
# (build-gpu). A dry run on the CPU with Debian's LibTorch checks every step but CUDA:
#   DEVICE=cpu PYTHON=/usr/bin/python3 TORCH_PREFIX=/usr/lib/x86_64-linux-gnu/cmake \
#     BATCH=4 SEQ=128 STEPS=3 RUNS=1 MODEL=configs/models/tiny.yaml bash bench/gpu.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEBS=$ROOT/bench/gpu-debs
PACKAGES="libfmt-dev libfmt9 libspdlog-dev libspdlog1.10 libyaml-cpp-dev libyaml-cpp0.7 nlohmann-json3-dev libcli11-dev catch2"

if [ "${1:-}" = "--fetch-debs" ]; then
  mkdir -p "$DEBS" && cd "$DEBS" && rm -f ./*.deb && apt-get download $PACKAGES && ls -la "$DEBS"
  exit $?
fi

OUT_DIR=${OUT_DIR:-$ROOT/build-gpu/out}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-gpu}
PYTHON=${PYTHON:-python3}
MODEL=${MODEL:-configs/models/small.yaml}
BATCH=${BATCH:-16}
SEQ=${SEQ:-1024}
STEPS=${STEPS:-20}
RUNS=${RUNS:-2}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OUT_DIR" "$BUILD_DIR"
REPORT=$OUT_DIR/gpu.md
START=$(date +%s)
# The project's tools wait passively for OpenMP work (cad-sft re-executes itself so); so do both sides here.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
log() { echo "[gpu.sh $(($(date +%s) - START)) s] $*" | tee -a "$OUT_DIR/gpu.log"; }
: > "$OUT_DIR/gpu.log"

# The machine.
{
  echo "# bench/gpu.sh on $(hostname) ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  "$PYTHON" -c 'import torch, platform; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "GPU", torch.cuda.is_available(), "python", platform.python_version())' 2>&1
  lscpu 2>/dev/null | grep -E '^Model name|^CPU\(s\)' | tr -s ' '
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo '```'
  echo
} > "$REPORT"
if [ -z "${DEVICE:-}" ]; then
  DEVICE=$("$PYTHON" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")' 2>/dev/null || echo cpu)
fi
log "device $DEVICE, model $MODEL, batch $BATCH x seq $SEQ, $STEPS timed steps, $RUNS run(s)"

# 1. The Debian packages, unpacked into a private prefix.
PREFIX=$BUILD_DIR/debroot
if ls "$DEBS"/*.deb > /dev/null 2>&1; then
  rm -rf "$PREFIX" && mkdir -p "$PREFIX"
  for deb in "$DEBS"/*.deb; do dpkg-deb -x "$deb" "$PREFIX" || { log "cannot unpack $deb"; exit 2; }; done
  log "unpacked $(ls "$DEBS"/*.deb | wc -l) packages into $PREFIX"
else
  log "no .debs in $DEBS (bash bench/gpu.sh --fetch-debs beforehand): using the system's packages"
fi
export LD_LIBRARY_PATH="$PREFIX/usr/lib/x86_64-linux-gnu:$PREFIX/usr/lib:${LD_LIBRARY_PATH:-}"

# 2. Configure and build the core against the PyTorch's LibTorch.
if [ -z "${TORCH_PREFIX:-}" ]; then
  TORCH_PREFIX=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
fi
NCCL_INCLUDE=$(find "$("$PYTHON" -c 'import site; print(site.getsitepackages()[0])' 2>/dev/null || echo /nonexistent)" \
  /usr/local/cuda/include /usr/include -name nccl.h 2>/dev/null | head -n 1)
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
# Torch's CMake config looks for the CUDA toolkit through nvcc.
if ! command -v nvcc > /dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH=/usr/local/cuda/bin:$PATH; fi
configure_and_build() {  # $1 = build dir, $2 = ON|OFF (NCCL)
  local dir=$1 nccl=$2
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCAD_ML_CORE_ONLY=ON \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$PREFIX/usr" -DCAD_WITH_NCCL="$nccl" \
    ${NCCL_INCLUDE:+-DCAD_NCCL_INCLUDE_DIR="$(dirname "$NCCL_INCLUDE")"} \
    > "$OUT_DIR/configure-nccl-$nccl.log" 2>&1 &&
    cmake --build "$dir" -j "$JOBS" --target test_ml_core bench_ml > "$OUT_DIR/build-nccl-$nccl.log" 2>&1
}
BIN=
log "configure and build against ${TORCH_PREFIX:-the system LibTorch} (nccl.h: ${NCCL_INCLUDE:-none})"
if configure_and_build "$BUILD_DIR/core" ON; then
  BIN=$BUILD_DIR/core/bin
  NCCL_STATE=$(grep -q 'NCCL process groups' "$OUT_DIR/configure-nccl-ON.log" && echo "built with NCCL" || echo "no NCCL (Gloo only)")
else
  log "build with NCCL failed (tail of build-nccl-ON.log / configure-nccl-ON.log below); building without it"
  tail -n 30 "$OUT_DIR/build-nccl-ON.log" "$OUT_DIR/configure-nccl-ON.log" 2>/dev/null | tee -a "$OUT_DIR/gpu.log"
  if configure_and_build "$BUILD_DIR/core-nonccl" OFF; then
    BIN=$BUILD_DIR/core-nonccl/bin
    NCCL_STATE="NCCL build FAILED, built without it"
  else
    log "build failed without NCCL too:"
    tail -n 40 "$OUT_DIR/build-nccl-OFF.log" "$OUT_DIR/configure-nccl-OFF.log" 2>/dev/null | tee -a "$OUT_DIR/gpu.log"
    NCCL_STATE="core build FAILED"
  fi
fi
TORCH_VERSION=$(grep -m1 -oE 'Torch: [^ ]+|Found Torch[^)]*' "$OUT_DIR"/configure-nccl-*.log 2>/dev/null | head -n 1)
log "build: $NCCL_STATE"
{
  echo "Build of cad_ml_core (-DCAD_ML_CORE_ONLY=ON) against ${TORCH_PREFIX:-system LibTorch}: $NCCL_STATE; $(($(date +%s) - START)) s so far."
  echo
} >> "$REPORT"

# 3. The core tests on the device.
if [ -n "$BIN" ]; then
  log "core tests with CAD_TEST_DEVICE=$DEVICE"
  if (cd "$ROOT" && CAD_TEST_DEVICE=$DEVICE timeout 300 "$BIN/test_ml_core" > "$OUT_DIR/test_ml_core.log" 2>&1); then
    TESTS="passed"
  else
    TESTS="FAILED (test_ml_core.log)"
  fi
  SUMMARY=$(grep -E '^(All tests passed|test cases:)' "$OUT_DIR/test_ml_core.log" | tail -n 1)
  log "core tests $TESTS: $SUMMARY"
  echo "Core tests (test_ml_core, CAD_TEST_DEVICE=$DEVICE): $TESTS — $SUMMARY" >> "$REPORT"
  echo >> "$REPORT"
fi

# 4. Training tokens/s: LibTorch (bench_ml) against PyTorch (bench/ml_pytorch.py), alternating.
ARGS="--batch $BATCH --seq $SEQ --steps $STEPS --threads $JOBS"
shape_args=
if [ -n "$BIN" ]; then
  # The model's shape as bench_ml reads it from the YAML, passed on to the PyTorch twin.
  probe=$("$BIN/bench_ml" --model "$MODEL" --device cpu --batch 1 --seq 8 --steps 1 --new-tokens 0 2>>"$OUT_DIR/gpu.log")
  shape_args=$(echo "$probe" | "$PYTHON" -c 'import json,sys; j=json.load(sys.stdin); print("--d-model %d --layers %d --heads %d --kv-heads %d --hidden %d --vocab %d --model %s" % (j["d_model"], j["n_layers"], j["n_heads"], j["n_kv_heads"], j["ffn_hidden"], j["vocab"], j["model"]))')
fi
[ -n "$shape_args" ] || shape_args="--d-model 512 --layers 8 --heads 8 --kv-heads 4 --hidden 1376 --vocab 4096 --model small"
{
  echo "Training, $MODEL text only ($shape_args), batch $BATCH x $SEQ tokens, AdamW + clipping, $STEPS timed steps after 3 warm-up steps, one fixed batch:"
  echo
  echo "| run | impl | torch | device | dtype | fused attention | step ms | train tokens/s | loss first -> last |"
  echo "|---:|---|---|---|---|---|---:|---:|---|"
} >> "$REPORT"
for r in $(seq "$RUNS"); do
  for dtype in bfloat16 float32; do
    for impl in libtorch pytorch; do
      json=$OUT_DIR/train-$impl-$dtype-$r.json
      if [ $impl = libtorch ]; then
        [ -n "$BIN" ] || continue
        "$BIN/bench_ml" --model "$MODEL" --device "$DEVICE" --dtype $dtype --new-tokens 0 $ARGS > "$json" 2>>"$OUT_DIR/gpu.log"
      else
        "$PYTHON" bench/ml_pytorch.py --device "$DEVICE" --dtype $dtype $shape_args $ARGS > "$json" 2>>"$OUT_DIR/gpu.log"
      fi
      rc=$?
      if [ $rc -ne 0 ] || [ ! -s "$json" ]; then
        log "$impl $dtype run $r failed (rc $rc)"
        echo "| $r | $impl | | $DEVICE | $dtype | | FAILED | | |" >> "$REPORT"
        continue
      fi
      "$PYTHON" - "$json" "$r" >> "$REPORT" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
l = j.get("losses") or [j["loss"]]
print("| %s | %s | %s | %s | %s | %s | %.1f | %.0f | %.3f -> %.3f |" % (sys.argv[2], j["impl"], j["torch"], j.get("device", "cpu"), j.get("dtype", "float32"), "yes" if j.get("fused_attention") else "no", j["train_step_ms"], j["train_tokens_per_s"], l[0], l[-1]))
EOF
      log "$impl $dtype run $r: $(tail -n 1 "$REPORT")"
    done
  done
done

# The summary: LibTorch against PyTorch (best run of each), bf16 loss curve against fp32.
"$PYTHON" - "$OUT_DIR" >> "$REPORT" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(out, "train-*.json")):
    try:
        j = json.load(open(path))
    except Exception:
        continue
    runs.setdefault((j["impl"], j.get("dtype", "float32")), []).append(j)
print()
for dtype in ("bfloat16", "float32"):
    lt, pt = runs.get(("libtorch", dtype)), runs.get(("pytorch", dtype))
    if lt and pt:
        a = max(r["train_tokens_per_s"] for r in lt)
        b = max(r["train_tokens_per_s"] for r in pt)
        print("- %s: LibTorch %.0f tokens/s, PyTorch %.0f tokens/s: %.2fx (target >= 1.0: %s)." % (dtype, a, b, a / b, "met" if a >= b else "NOT met"))
lb, lf = runs.get(("libtorch", "bfloat16")), runs.get(("libtorch", "float32"))
if lb and lf:
    cb, cf = lb[0]["losses"], lf[0]["losses"]
    gap = max(abs(x - y) / max(y, 1e-3) for x, y in zip(cb, cf))
    print("- bf16 against fp32 loss curve (LibTorch, same seed and batch, %d steps): largest relative gap %.4f (tolerance 0.05: %s)." % (len(cb), gap, "within" if gap <= 0.05 else "OUTSIDE"))
EOF
log "done in $(($(date +%s) - START)) s; report in $REPORT"
if [ -n "${OUT:-}" ] && [ -d "$OUT" ]; then
  cp "$REPORT" "$OUT/gpu.md" && tar -czf "$OUT/gpu-logs.tgz" -C "$OUT_DIR" .
fi
cat "$REPORT"
