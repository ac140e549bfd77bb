#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh Debian/Ubuntu machine that has only Python:
# system packages (fonts, LibreOffice for the tests, poppler, HarfBuzz subsetting), a
# virtual environment in .venv and reportgen with its test extras. Re-running is cheap:
# apt runs only for missing packages, pip only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-liberation2: Liberation Serif, the Times New Roman-metric face with full Vietnamese
#   coverage that the PDF embeds (Nghị định 30 asks for Times New Roman).
# libreoffice-writer-nogui: the real client the tests open our DOCX with.
# poppler-utils: pdftotext/pdffonts used by the tests to read our PDFs back.
# libharfbuzz-subset0: WeasyPrint subsets fonts with HarfBuzz (much faster than fontTools).
# libpango*: WeasyPrint's text layout.
# libreoffice-calc-nogui: tests/hostile opens CSV/XLSX outputs in Calc to prove no formula evaluates.
APT_PACKAGES=(fonts-liberation2 fontconfig libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
              libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 python3-venv)
PYTHON=${PYTHON:-python3}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if [ "$package" = python3-venv ] && "$PYTHON" -m venv --help >/dev/null 2>&1 && \
     "$PYTHON" -c "import ensurepip" >/dev/null 2>&1; then
    continue  # this Python already ships venv and ensurepip (e.g. pyenv, python.org builds)
  fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.reportgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing reportgen and its Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
