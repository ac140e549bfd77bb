#!/usr/bin/env bash
# README command 2 (and CI's, through .ci/run): set up this machine, run every test,
# the slow end-to-end ones (LibreOffice, many units, Dask, the installed wheel) included.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ "${CI:-}" = true ]; then
  # setup.sh installs uv.lock as it is (--frozen); CI also refuses a lock that no longer
  # matches pyproject.toml (a dependency added or a range changed without `uv lock`).
  UV_PYTHON_DOWNLOADS=never "$(./scripts/setup.sh --print-uv)" lock --check --python "${PYTHON:-python3}"
fi
exec .venv/bin/python -m pytest -n 2 -q "$@"
