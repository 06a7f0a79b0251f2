#!/usr/bin/env bash
# Cross-builds hearth for AArch64 Linux and runs the kernel tests and the golden-logit test under QEMU
# user-mode emulation, once per emulated CPU, checking which NEON level the dispatcher picks on each:
#   cortex-a53  (Armv8.0: NEON only)        -> neon
#   neoverse-n1 (Armv8.2: + dotprod)         -> neon-dotprod
#   max         (every feature QEMU has)     -> neon-i8mm
# This verifies correctness only; emulated timings say nothing about ARM speed (see docs/arm.md).
# Installs what it needs when missing (Debian multiarch: the cross compiler, QEMU and the :arm64 libraries).
# Usage: scripts/test_aarch64.sh            (build dir: build-aarch64, or $HEARTH_AARCH64_BUILD_DIR)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${HEARTH_AARCH64_BUILD_DIR:-${ROOT}/build-aarch64}"
JOBS="${JOBS:-$(nproc)}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# ---- Dependencies (idempotent).
HOST_PACKAGES=(g++-aarch64-linux-gnu qemu-user cmake pkg-config nlohmann-json3-dev python3)
ARM64_PACKAGES=(libabsl-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64 libpcre2-dev:arm64)
need_update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "test_aarch64: enabling the arm64 architecture (multiarch)"
  $SUDO dpkg --add-architecture arm64
  need_update=1
fi
missing=()
for pkg in "${HOST_PACKAGES[@]}" "${ARM64_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test_aarch64: installing ${missing[*]}"
  need_update=1
fi
if [ "$need_update" -eq 1 ]; then
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---- Cross build of the tests that run here (no benchmarks, no Python extension).
cmake -S "$ROOT" -B "$BUILD_DIR" \
  -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DHEARTH_WERROR=ON \
  -DHEARTH_BUILD_BENCHMARKS=OFF -DHEARTH_BUILD_PYTHON=OFF -DHEARTH_BUILD_FUZZERS=OFF >/dev/null

# Kernel tests: the NEON ones, and the scalar/SIMD suites, which cover every level the CPU runs.
KERNEL_TESTS=(neon_kernels_test neon_gemm_test dispatch_test fp16_test float_ops_test matmul_test gemm_test
              scalar_float_formats_test scalar_legacy_quants_test scalar_iq4_quants_test scalar_k_quants_test
              simd_legacy_test simd_k_quants_test)
# The golden-logit test (every shared model: one batch, token by token, chunks of 5, prefill + decode, greedy)
# runs on the level each emulated CPU gets. HEARTH_AARCH64_GOLDEN=0 skips it (kernel tests only).
GOLDEN="${HEARTH_AARCH64_GOLDEN:-1}"
available="$(cmake --build "$BUILD_DIR" --target help)"
has_target() { grep -qE "(^|[ .])$1(\$|[ :])" <<<"$available"; }
targets=()
for t in "${KERNEL_TESTS[@]}"; do
  if has_target "$t"; then targets+=("$t"); fi
done
kernel_regex="^($(IFS='|'; echo "${targets[*]}"))\$"
if [ "$GOLDEN" != "0" ]; then targets+=(golden_logits_test); fi
echo "test_aarch64: building ${targets[*]}"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${targets[@]}"

# ---- Emulated runs: ctest runs each binary through CMAKE_CROSSCOMPILING_EMULATOR (qemu-aarch64).
# Python tests (LABEL python) would run the host interpreter against aarch64 binaries: excluded.
LEVELS=(cortex-a53:neon neoverse-n1:neon-dotprod max:neon-i8mm)
status=0
for pair in "${LEVELS[@]}"; do
  cpu="${pair%%:*}"
  isa="${pair#*:}"
  echo "test_aarch64: QEMU_CPU=${cpu}, expecting ${isa}"
  if ! QEMU_CPU="$cpu" HEARTH_EXPECT_ISA="$isa" \
      ctest --test-dir "$BUILD_DIR" -LE python -R "$kernel_regex" -j"$JOBS" --output-on-failure; then
    status=1
  fi
done

# Golden logits, one process per emulated CPU, JOBS at a time (QEMU emulates floating point in software:
# a level takes minutes, most of it in the F16 model). Each runs one emulated thread: spinning pool
# workers would compete with the other emulators for the host's cores.
if [ "$GOLDEN" != "0" ]; then
  logs="$(mktemp -d)"
  trap 'rm -rf "$logs"' EXIT
  run_golden() {
    local cpu="$1" isa="$2" rc=0
    QEMU_CPU="$cpu" HEARTH_GOLDEN_THREADS=1 qemu-aarch64 -L /usr/aarch64-linux-gnu \
      "$BUILD_DIR/tests/golden_logits_test" --gtest_filter="*_${isa//-/_}" >"$logs/$cpu.log" 2>&1 || rc=$?
    echo "$rc" >"$logs/$cpu.rc"
  }
  # Every shared model must pass on every level (a filter that matched nothing would pass silently).
  shared="${HEARTH_SHARED_DIR:-$ROOT/../shared}"
  golden_models="$(find "$shared/data/golden" -name '*.logits.json' 2>/dev/null | wc -l)"
  if [ "$golden_models" -eq 0 ]; then
    echo "test_aarch64: no golden data under $shared/data/golden" >&2
    exit 1
  fi
  for pair in "${LEVELS[@]}"; do
    cpu="${pair%%:*}"
    isa="${pair#*:}"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    echo "test_aarch64: QEMU_CPU=${cpu}, golden logits with ${isa}"
    run_golden "$cpu" "$isa" &
  done
  wait
  for pair in "${LEVELS[@]}"; do
    cpu="${pair%%:*}"
    passed="$(grep -c '^\[       OK \]' "$logs/$cpu.log" || true)"
    if [ "$(cat "$logs/$cpu.rc" 2>/dev/null)" = "0" ] && [ "$passed" -eq "$golden_models" ]; then
      echo "test_aarch64: golden logits passed on ${cpu} (${passed} models)"
    else
      echo "test_aarch64: golden logits FAILED on ${cpu} (${passed} of ${golden_models} models passed):"
      cat "$logs/$cpu.log"
      status=1
    fi
  done
fi
if [ "$status" -eq 0 ]; then echo "test_aarch64: all emulated runs passed"; fi
exit "$status"
