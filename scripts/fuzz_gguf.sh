#!/usr/bin/env bash
# Fuzzes the GGUF reader with libFuzzer + ASan + UBSan for SECONDS (default 60).
#   scripts/fuzz_gguf.sh [SECONDS]
# Builds tests/fuzz/gguf_reader_fuzzer with clang in build-fuzz, seeds it with small valid GGUF files written
# by gguf-py (tests/fuzz/make_gguf_seeds.py), and exits non-zero if the fuzzer finds a crash, leak, timeout
# or sanitizer report. Crashing inputs are kept in build-fuzz/artifacts/.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${HEARTH_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${HEARTH_FUZZ_BUILD_JOBS:-2}"

CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHEARTH_BUILD_FUZZERS=ON -DHEARTH_SANITIZE=ON \
  -DHEARTH_BUILD_TESTS=ON -DHEARTH_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target gguf_reader_fuzzer

FUZZER="$(find "$BUILD" -type f -name gguf_reader_fuzzer -perm -u+x | head -n1)"
if [[ -z "$FUZZER" ]]; then
  echo "fuzz_gguf.sh: gguf_reader_fuzzer was not built (is the compiler clang?)" >&2
  exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus" "$WORK/seeds" "$BUILD/artifacts"
python3 "$ROOT/tests/fuzz/make_gguf_seeds.py" "$WORK/seeds"

# libFuzzer exits non-zero on any finding; set -e propagates it.
"$FUZZER" "$WORK/corpus" "$WORK/seeds" \
  -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
  -dict="$ROOT/tests/fuzz/gguf.dict" -artifact_prefix="$BUILD/artifacts/" -print_final_stats=1
echo "fuzz_gguf.sh: no findings in ${SECONDS_TO_RUN}s"
