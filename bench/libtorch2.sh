#!/usr/bin/env bash
# The model-and-trainer core against LibTorch 2.x on the CPU, without a GPU: a Debian trixie
# chroot (debootstrap; trixie ships LibTorch 2.6) gets the core's build dependencies, the
# working tree is copied in, configured with -DCAD_ML_CORE_ONLY=ON, built, and test_ml_core runs
# there. It exercises what Debian's 1.13 cannot: the fused scaled-dot-product attention, the
# autocast API of 2.4+, the optimizer-state keys of 2.x. bench/gpu.sh does the same on CUDA.
#
#   sudo bash bench/libtorch2.sh [CHROOT_DIR]     # default /tmp/cadrl-trixie; ~1 GB, root
#
# The chroot is kept (a second run only rebuilds); remove it with rm -rf CHROOT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHROOT=${1:-/tmp/cadrl-trixie}
PACKAGES="g++ cmake ninja-build libtorch-dev libfmt-dev libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgloo-dev libopenblas0-pthread"
if [ "$(id -u)" != 0 ]; then echo "libtorch2.sh: needs root (debootstrap, chroot)" >&2; exit 2; fi
if [ ! -x "$CHROOT/bin/sh" ]; then
  command -v debootstrap > /dev/null || apt-get install -y -qq debootstrap
  debootstrap --variant=minbase trixie "$CHROOT" http://deb.debian.org/debian
  chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
fi
chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  $PACKAGES > /dev/null
# The tests use Catch2 v2's single header; trixie has v3: bookworm's catch2 package is unpacked
# into /opt/catch2 (header-only).
if [ ! -f "$CHROOT/opt/catch2/usr/include/catch2/catch.hpp" ]; then
  mkdir -p "$CHROOT/opt/catch2" && (cd /tmp && apt-get download catch2 > /dev/null 2>&1) &&
    dpkg-deb -x /tmp/catch2_*.deb "$CHROOT/opt/catch2" && rm -f /tmp/catch2_*.deb
fi
# LibTorch reads /proc/cpuinfo to pick its kernels: without /proc its bf16 flash attention
# stops ("pack_vnni2 is only supported when avx512 is supported").
mountpoint -q "$CHROOT/proc" || { mount -t proc proc "$CHROOT/proc" && trap 'umount "$CHROOT/proc"' EXIT; }
rm -rf "$CHROOT/src" && mkdir -p "$CHROOT/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$CHROOT/src"
echo "libtorch2.sh: $(chroot "$CHROOT" dpkg-query -W -f='${Package} ${Version}\n' libtorch-dev g++ | tr '\n' ' ')"
chroot "$CHROOT" bash -c "set -e; cd /src && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCAD_ML_CORE_ONLY=ON -DCMAKE_PREFIX_PATH=/opt/catch2/usr > configure.log 2>&1 || { tail -30 configure.log; exit 1; }
  cmake --build build -j $(nproc) --target test_ml_core bench_ml > build.log 2>&1 || { tail -40 build.log; exit 1; }
  cd /src && OMP_WAIT_POLICY=PASSIVE CI=true build/bin/test_ml_core
  for dtype in float32 bfloat16; do
    OMP_WAIT_POLICY=PASSIVE build/bin/bench_ml --threads 1 --batch 8 --seq 256 --steps 5 --new-tokens 128 --dtype \$dtype
  done"
