#!/usr/bin/env bash
# README command 1: set up this machine (idempotent) and build the sample city report of
# Hà Nội for 2023-H1 end to end: validate, print the figures, write DOCX + PDF to build/.
# PERIOD=2023-Y UNIT=019 scripts/report.sh builds another one.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
PERIOD=${PERIOD:-2023-H1}
UNIT=${UNIT:-01}
.venv/bin/reportgen validate datasets/hanoi
.venv/bin/reportgen figures datasets/hanoi --period "$PERIOD" --unit "$UNIT"
.venv/bin/reportgen build datasets/hanoi --period "$PERIOD" --unit "$UNIT" \
  --format docx --format pdf --out build
echo "Báo cáo: build/$PERIOD/$UNIT.docx, build/$PERIOD/$UNIT.pdf"
