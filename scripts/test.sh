#!/usr/bin/env bash
# README command 2 (and CI's, through .ci/run): set up this machine, run every test,
# the slow end-to-end ones (LibreOffice, many units, Dask) included.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 -q "$@"
