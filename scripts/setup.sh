#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh Debian/Ubuntu machine that has only Python:
# system packages (fonts, LibreOffice for the tests, poppler, HarfBuzz subsetting), uv
# (pinned, from PyPI), and a virtual environment in .venv holding exactly the versions of
# uv.lock plus reportgen itself (editable) with its dev extras. Re-running is cheap: apt
# runs only for missing packages, uv only when uv.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8  # also in scripts/uv-requirements.txt, with the hashes of its wheels
UV_HOME=.tools/uv-$UV_VERSION
UV=$UV_HOME/bin/uv
# `scripts/setup.sh --print-uv`: where set-up puts uv (for `uv lock`, scripts/test.sh).
if [ "${1:-}" = --print-uv ]; then echo "$PWD/$UV"; exit 0; fi

# fonts-liberation2: Liberation Serif, the Times New Roman-metric face with full Vietnamese
#   coverage that the PDF embeds (Nghị định 30 asks for Times New Roman).
# libreoffice-writer-nogui: the real client the tests open our DOCX with.
# poppler-utils: pdftotext/pdffonts used by the tests to read our PDFs back.
# libharfbuzz-subset0: WeasyPrint subsets fonts with HarfBuzz (much faster than fontTools).
# libpango*: WeasyPrint's text layout.
# libreoffice-calc-nogui: tests/hostile opens CSV/XLSX outputs in Calc to prove no formula evaluates.
# chromium, chromium-driver: the real browser the web app's tests drive (Playwright with
#   executable_path=/usr/bin/chromium; Playwright's own browser download cannot run here).
APT_PACKAGES=(fonts-liberation2 fontconfig libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
              libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 python3-venv
              chromium chromium-driver)
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

# uv resolves and installs from PyPI only (it does not read pip's configuration), with this
# machine's python3: never a Python build of its own.
export UV_PYTHON_DOWNLOADS=never
if [ ! -x "$UV" ]; then
  echo "setup: installing uv $UV_VERSION into $UV_HOME"
  rm -rf "$UV_HOME"
  "$PYTHON" -m venv "$UV_HOME"
  "$UV_HOME/bin/python" -m pip install -q --disable-pip-version-check \
    --require-hashes --only-binary :all: -r scripts/uv-requirements.txt
fi

# The stamp holds the digest of what the environment was synced from, so a checkout that
# changes the lock (even to an older mtime) re-syncs, and an unchanged one costs nothing.
stamp=.venv/.reportgen-synced
wanted="uv $UV_VERSION $("$PYTHON" -c 'import sys; print(sys.version)' | head -1) $(cat uv.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: installing the locked Python dependencies and reportgen (editable) into .venv"
  # --frozen: install exactly uv.lock, never re-resolve (CI checks that the lock matches
  # pyproject.toml: scripts/test.sh). The project itself is installed editable.
  "$UV" sync --quiet --frozen --extra dev --python "$PYTHON"
  printf '%s\n' "$wanted" > "$stamp"
fi
