#!/usr/bin/env bash
# The README's test command: builds hearth and runs every test (C++ unit tests, Python oracle tests, the C
# example, CLI tests), then the GGUF reader fuzzer for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh build
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 1500)
scripts/fuzz_gguf.sh "${HEARTH_FUZZ_SECONDS:-60}"
