#!/usr/bin/env bash
# Configures and builds hearth. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Defaults: build/, Release, warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${1:-build}"
shift || true
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${HEARTH_BUILD_TYPE:-Release}" -DHEARTH_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
