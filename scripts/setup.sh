#!/usr/bin/env bash
# The README's main command: installs dependencies, builds hearth, fetches the real model and generates text.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh build
MODEL="$(scripts/fetch_model.sh)"
echo "== hearth run $MODEL" >&2
build/examples/hearth run "$MODEL" -p "The three primary colors are" -n 48 --temp 0 --ctx 512
