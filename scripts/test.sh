#!/usr/bin/env bash
# The README's test command: builds hearth and runs every test: the GGUF reader fuzzer for a bounded time, the
# NEON kernels and the golden-logit test under aarch64 emulation (QEMU, three CPU models), then the whole
# native suite through CTest (C++ unit tests, golden logits on every instruction set, Python oracle and
# binding tests, the C example, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh build
scripts/fuzz_gguf.sh "${HEARTH_FUZZ_SECONDS:-60}"
scripts/test_aarch64.sh
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 1500)
