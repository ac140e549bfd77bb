"""Message catalogues (gettext, compiled by scripts/update_messages.sh): every message the
code can show has a Vietnamese translation; Vietnamese is the default, English on request."""
from __future__ import annotations

import ast
import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from reportgen.i18n import DOMAIN, LOCALE_DIR, _, N_, set_language
from tests.dataset_factory import copy_sample, set_sample_value

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
PO_FILE = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.mo"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
UPDATE_HINT = "run scripts/update_messages.sh, translate the new entries, run it again"


def _extracted() -> dict[str, str]:
    """msgid → where it is, as pybabel extracts them (keywords N_ and _)."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            PACKAGE, method_map=[("**.py", "python")], keywords={"N_": None, "_": None}):
        if isinstance(message, str) and message:
            found.setdefault(message, f"reportgen/{filename}:{lineno}")
    return found


EXTRACTED = _extracted()


@pytest.fixture(scope="module")
def vietnamese() -> gettext.GNUTranslations:
    with MO_FILE.open("rb") as handle:
        return gettext.GNUTranslations(handle)


@pytest.fixture(autouse=True)
def _restore_language():
    yield
    set_language("vi")


def test_messages_are_found_in_the_code():
    assert len(EXTRACTED) > 100
    assert "a count cannot be negative" in EXTRACTED and "Fix: {fix}" in EXTRACTED


def test_every_marked_message_is_extractable():
    """A message marked inside an f-string is invisible to pybabel, so never translated."""
    marked = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("N_", "_") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                marked.setdefault(node.args[0].value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    hidden = {message: where for message, where in marked.items() if message not in EXTRACTED}
    assert not hidden


@pytest.mark.parametrize("message", sorted(EXTRACTED))
def test_every_message_has_a_vietnamese_translation(vietnamese, message):
    translated = vietnamese._catalog.get(message)
    assert translated, f"{EXTRACTED[message]}: no Vietnamese for {message!r}; {UPDATE_HINT}"
    # no stray spaces; argparse's own messages ("usage: ", "…%(message)s\n") keep theirs
    assert translated[:len(translated) - len(translated.lstrip())] == message[:len(message) - len(message.lstrip())]
    assert translated[len(translated.rstrip()):] == message[len(message.rstrip()):]
    assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(message)), (
        f"{EXTRACTED[message]}: the placeholders differ in {translated!r}")


def test_the_catalogue_has_no_fuzzy_or_empty_entries():
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    assert [m.id for m in catalog if m.id and (m.fuzzy or not m.string)] == []


def _messages_of_po(catalog) -> dict:
    """The .po as gettext sees a compiled catalogue: msgid (or (msgid, n) for a plural
    form) → msgstr, leaving out the header and what compiling leaves out (fuzzy, empty)."""
    messages = {}
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if message.pluralizable:
            for n, string in enumerate(message.string):
                messages[(message.id[0], n)] = string
        else:
            messages[message.id] = message.string
    return messages


def test_the_compiled_catalogue_is_the_po_file_compiled(vietnamese):
    """The .mo the package loads says what the .po says (and is not stale). Compared by
    messages, not bytes: the .mo header names the Babel that compiled it, and the
    suite must pass on any Babel the version range allows."""
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    compiled = {key: string for key, string in vietnamese._catalog.items() if key != ""}
    expected = _messages_of_po(catalog)
    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
    assert not stale, f"in one catalogue only: {stale[:5]}; {UPDATE_HINT}"
    changed = sorted(str(key) for key in expected if expected[key] != compiled[key])
    assert not changed, f"translated differently in the .mo: {changed[:5]}; {UPDATE_HINT}"
    headers = vietnamese.info()
    assert headers["language"] == "vi" and headers["plural-forms"] == catalog.plural_forms


def test_vietnamese_is_the_default_language():
    assert _(N_("row {row}"), row=12) == "dòng 12"


def test_locations_read_as_a_clerk_would_say_them():
    set_language("vi")
    assert _(N_("column {column} (cell {cell})"), column="value", cell="D12") == "cột value (ô D12)"
    assert _(N_("sheet {sheet}"), sheet="values") == "trang tính values"
    assert _(N_("Fix: {fix}"), fix="…") == "Cách sửa: …"
    assert (_(N_("error")), _(N_("warning"))) == ("lỗi", "cảnh báo")


def test_english_returns_the_message_ids():
    set_language("en")
    assert _(N_("row {row}"), row=12) == "row 12"


def test_an_unsupported_language_is_refused():
    with pytest.raises(ValueError):
        set_language("fr")


@pytest.fixture(scope="module")
def broken_dataset(tmp_path_factory):
    folder = copy_sample(tmp_path_factory.mktemp("i18n"))
    set_sample_value(folder, "019", "2023-H1", "vocational_training", "1,5")
    return folder


def _validate(*args) -> subprocess.CompletedProcess:
    import os
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_LANG"}
    return subprocess.run([sys.executable, "-m", "reportgen", "validate", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_cli_speaks_vietnamese_by_default_and_english_with_lang_en(broken_dataset):
    vi, en = _validate(broken_dataset), _validate(broken_dataset, "--lang", "en")
    assert vi.returncode == en.returncode == 1
    vi_errors = [line for line in vi.stderr.splitlines() if line.startswith("lỗi: ")]
    en_errors = [line for line in en.stderr.splitlines() if line.startswith("error: ")]
    assert len(vi_errors) == len(en_errors) >= 1
    assert any(", dòng " in line and "cột value" in line and "không phải là số nguyên" in line
               and "Cách sửa: " in line for line in vi_errors)
    assert any(", row " in line and "column value" in line and "not a whole number" in line
               and "Fix: " in line for line in en_errors)
    assert len(vi.stderr.splitlines()) == len(en.stderr.splitlines())
    assert "error" not in vi.stderr and "warning" not in vi.stderr and "Fix:" not in vi.stderr
