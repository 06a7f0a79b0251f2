#!/usr/bin/env bash
# Installs every system and Python dependency of hearth on a fresh Debian machine. Safe to re-run: it only
# calls apt-get/pip when something is missing.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake clang libclang-rt-14-dev python3 python3-pip
  libabsl-dev libeigen3-dev libbenchmark-dev libgtest-dev libgmock-dev googletest pybind11-dev
  libpcre2-dev nlohmann-json3-dev pkg-config unzip
)
PIP_PACKAGES=(numpy gguf pytest jinja2 scikit-build-core pybind11)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# dpkg-query -W (not dpkg -s) so that a package also installed for another architecture (multiarch, see
# scripts/test_aarch64.sh) still counts as installed.
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c "import numpy, gguf, pytest, jinja2, scikit_build_core, pybind11" >/dev/null 2>&1; then
  echo "install_deps: installing Python packages: ${PIP_PACKAGES[*]}"
  python3 -m pip install -q "${PIP_PACKAGES[@]}" 2>/dev/null ||
    python3 -m pip install -q --break-system-packages "${PIP_PACKAGES[@]}"
fi
