#!/usr/bin/env bash
# Refresh the gettext catalogues: extract the English message ids from reportgen/,
# merge them into the Vietnamese catalogue, compile it to the .mo the package loads.
#
#   scripts/update_messages.sh           extract + update + compile
#   scripts/update_messages.sh --check   also fail when a message lacks a translation
#
# Then translate the new (empty or "fuzzy") entries in reportgen/locale/vi/LC_MESSAGES/
# reportgen.po and run the script again to compile them.
#
# Deterministic by construction: locations carry the file only (no line numbers, so
# moving code does not churn the catalogues), the POT creation date is kept when
# nothing else changed, and `pybabel update --ignore-pot-creation-date` leaves the
# .po header alone; the same .po always compiles to the same .mo (the script checks it).
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
[ -x "$PYBABEL" ] || PYBABEL=pybabel
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
LOCALE_DIR=reportgen/locale
DOMAIN=reportgen
POT="$LOCALE_DIR/$DOMAIN.pot"
LANGUAGES=(vi)
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1

mkdir -p "$LOCALE_DIR"
tmp_pot="$(mktemp)"
trap 'rm -f "$tmp_pot" "$tmp_pot".mo*' EXIT

"$PYBABEL" -q extract -F babel.cfg -k N_ -k _ \
    --add-location=file --sort-output --no-wrap \
    --project=reportgen --version="$("$PYTHON" -c "import reportgen; print(reportgen.__version__)")" \
    --copyright-holder="reportgen" \
    -o "$tmp_pot" reportgen
# Keep the old template (and its creation date) when only the date would change.
if [ -f "$POT" ] && diff -q -I '^"POT-Creation-Date:' "$POT" "$tmp_pot" >/dev/null; then
    :
else
    cat "$tmp_pot" > "$POT"
fi

for lang in "${LANGUAGES[@]}"; do
    po="$LOCALE_DIR/$lang/LC_MESSAGES/$DOMAIN.po"
    if [ ! -f "$po" ]; then
        "$PYBABEL" -q init -D "$DOMAIN" -i "$POT" -d "$LOCALE_DIR" -l "$lang" --no-wrap
    else
        "$PYBABEL" -q update -D "$DOMAIN" -i "$POT" -d "$LOCALE_DIR" -l "$lang" \
            --no-wrap --ignore-pot-creation-date --ignore-obsolete
    fi
    "$PYBABEL" compile --statistics -D "$DOMAIN" -d "$LOCALE_DIR" -l "$lang"
    # Same .po, same .mo: compile again elsewhere and compare byte for byte.
    "$PYBABEL" -q compile -D "$DOMAIN" -i "$po" -o "$tmp_pot.mo" -l "$lang"
    cmp -s "$tmp_pot.mo" "$LOCALE_DIR/$lang/LC_MESSAGES/$DOMAIN.mo" \
        || { echo "update_messages: $lang .mo is not reproducible" >&2; exit 1; }
    if [ "$CHECK" = 1 ]; then
        "$PYTHON" - "$po" <<'PY'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle)
missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
for message in missing:
    print(f"untranslated: {message}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
    fi
done
