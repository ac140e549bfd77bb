"""Property-based: for any input, the primitives raise only their declared SafetyError
and never reach outside the root. Hypothesis generates random zip members, YAML, JSON,
codes, paths and settings strings (and shrinks a failure to its smallest case)."""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from reportgen.safety.archives import CheckedZip, safe_extract
from reportgen.safety.formulas import FORMULA_STARTS, csv_cell
from reportgen.safety.jsonsafe import load_json
from reportgen.safety.limits import Limits, SafetyError
from reportgen.safety.paths import check_code, is_code, open_inside, safe_join
from reportgen.safety.sandbox import SETTING_FILTERS, render_setting, setting_context
from reportgen.safety.yamlsafe import load_yaml
from tests.hostile import bombs

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = Limits(archive_total_bytes=1 << 20, archive_entry_bytes=1 << 18, archive_entries=50)
# Names built from the characters that matter: separators, dots, drives, NUL, case.
NAME_PIECES = st.sampled_from(["a", "B", "..", ".", "/", "\\", "C:", "\x00", "\n", " ", "é", "notes",
                               "values.csv", "VALUES.CSV", "con", "-", "_", "~", "%2e"])
NAMES = st.lists(NAME_PIECES, min_size=1, max_size=6).map("".join)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@FAST
@given(members=st.lists(st.tuples(NAMES, st.binary(max_size=64)), max_size=8))
def test_random_zip_members_extract_inside_or_are_refused(members):
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "dest").mkdir()
        (scratch / "dest" / "planted").symlink_to(scratch)
        before = _tree(scratch)
        path = bombs.write_stored_zip(scratch / "upload.zip", members)
        before.add("upload.zip")
        try:
            with CheckedZip(path, limits=SMALL) as archive:
                written = safe_extract(archive, scratch / "dest")
        except (SafetyError, FileExistsError):
            written = []
        dest = (scratch / "dest").resolve()
        for file in written:
            assert file.resolve().is_relative_to(dest)
        outside = {p for p in _tree(scratch) - before if not p.startswith("dest")}
        assert outside == set()


@FAST
@given(data=st.binary(max_size=600))
def test_random_bytes_as_an_archive(data):
    try:
        with CheckedZip(b"PK\x03\x04" + data, limits=SMALL) as archive:
            archive.read_entries()
    except SafetyError:
        pass


@FAST
@given(data=st.binary(max_size=400), flip=st.integers(0, 10_000))
def test_damaged_real_archives(data, flip):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", data * 50)
        archive.writestr("[Content_Types].xml", b"<Types/>")
    raw = bytearray(buffer.getvalue())
    raw[flip % len(raw)] ^= 0xFF
    try:
        with CheckedZip(bytes(raw), limits=SMALL) as archive:
            archive.read_entries()
    except SafetyError:
        pass


YAML_TEXT = st.lists(st.sampled_from(
    ["a", ":", " ", "\n", "  ", "-", "[", "]", "{", "}", ",", "&x", "*x", "!!str", "!tag", "'", '"',
     "#", "<<", "?", "|", ">", "2023-02-30", "9" * 30, "\t", "%YAML 1.1", "---", "..."]),
    max_size=40).map("".join)


@FAST
@given(text=YAML_TEXT)
def test_random_yaml_raises_only_declared_errors(text):
    try:
        data = load_yaml(text)
    except SafetyError:
        return
    _assert_plain(data)


def _assert_plain(value, depth=0):
    assert depth <= Limits().yaml_depth + 1
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_plain(key, depth + 1)
            _assert_plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item, depth + 1)
    else:
        assert isinstance(value, (str, int, float, bool, type(None), date, datetime))


# Printable text: PyYAML's own emitter mangles NEL and other C1 controls (not ours).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 18, 10 ** 18) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30)


@FAST
@given(data=PLAIN)
def test_yaml_round_trips_plain_data(data):
    assert load_yaml(yaml.safe_dump(data, allow_unicode=True)) == data


@FAST
@given(text=st.text(alphabet="[]{}\",:0123456789 aeEn.-\\", max_size=200))
def test_random_json_raises_only_declared_errors(text):
    try:
        load_json(text, file="manifest.json")
    except SafetyError:
        pass


@FAST
@given(text=st.text(max_size=40) | st.from_regex(r"[A-Za-z0-9_.\-]{0,40}", fullmatch=True))
def test_codes_are_either_refused_or_a_single_safe_file_name(text):
    if not is_code(text):
        try:
            check_code(text)
        except SafetyError:
            return
        raise AssertionError("check_code accepted what is_code refused")
    assert check_code(text) == text
    with tempfile.TemporaryDirectory() as root:
        joined = safe_join(root, text)
        assert joined.parent == Path(root).resolve() and joined.name == text
        assert text not in (".", "..") and "/" not in text and "\\" not in text


@FAST
@given(parts=st.lists(NAMES, min_size=1, max_size=3), mode=st.sampled_from(["rb", "wb", "xb"]))
def test_random_paths_stay_inside_the_root(parts, mode):
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        root = scratch / "root"
        root.mkdir()
        (root / "a").symlink_to(scratch)
        (root / "B").mkdir()
        (root / "B" / "notes").write_text("x", encoding="utf-8")
        before = _tree(scratch)
        relpath = "/".join(parts)
        try:
            path = safe_join(root, *parts)
            assert path.resolve().is_relative_to(root.resolve())
        except SafetyError:
            pass
        try:
            with open_inside(root, relpath, mode) as handle:
                if mode != "rb":
                    handle.write(b"y")
        except (SafetyError, FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError):
            pass
        new = _tree(scratch) - before
        assert all(p.startswith("root" + os.sep) for p in new)
        assert not any(p.startswith("root" + os.sep + "a" + os.sep) for p in new)


CONTEXT = setting_context(unit={"code": "001", "name": "Quận Ba Đình", "level": "quan"},
                          title="Phòng, chống tệ nạn xã hội")
TEMPLATE_PIECES = st.sampled_from(
    ["{{", "}}", "{%", "%}", " ", "unit", ".", "name", "code", "__class__", "|", "upper",
     "replace('a','bb')", "(", ")", "range(10**9)", "for x in", "endfor", "if", "endif", "else",
     "parent", "'", "~", "*", "9", "cycler", "[", "]", "is defined", "=="] + list(SETTING_FILTERS))


@FAST
@given(pieces=st.lists(TEMPLATE_PIECES, max_size=25))
def test_random_settings_render_or_are_refused_within_the_size_bound(pieces):
    text = "".join(pieces)
    limits = Limits(setting_chars=500)
    try:
        result = render_setting(text, CONTEXT, file="dataset.yaml", where="agency.quan.name", limits=limits)
    except SafetyError:
        return
    assert len(result) <= 500


@FAST
@given(text=st.text(max_size=30))
def test_no_csv_text_starts_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
