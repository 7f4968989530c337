#!/usr/bin/env bash
# Installs every Debian 12 package ormc needs to build, test and benchmark; does nothing when all are present.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang pkg-config
  clang-14 libclang-rt-14-dev  # tests/fuzz: clang++-14 and its libFuzzer runtime
  antlr4 libantlr4-runtime-dev default-jre-headless
  libpqxx-dev libpq-dev libsqlite3-dev libfmt-dev libkainjow-mustache-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  postgresql
  python3-sqlalchemy python3-psycopg2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
