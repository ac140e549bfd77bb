"""reportgen.files: whole files with one mode; zips with the same bytes for the same content."""
from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from reportgen.files import (
    FILE_MODE, atomic_write, deterministic_zip, normalize_zip, save_workbook, utc_naive,
)


def make_zip(entries: list[tuple[str, bytes]], date_time=None, mode=0o600) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=date_time or time.localtime()[:6])
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return out.getvalue()


ENTRIES = [("word/document.xml", b"<doc/>"), ("_rels/.rels", b"<rels/>"),
           ("[Content_Types].xml", b"<types/>"), ("docProps/core.xml", b"<core/>")]


def test_entries_get_fixed_times_permissions_and_deflate():
    data = normalize_zip(make_zip(ENTRIES, date_time=(2024, 5, 6, 7, 8, 10)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED
        assert {i.filename: archive.read(i) for i in archive.infolist()} == dict(ENTRIES)


def test_content_types_come_first_then_a_stable_order():
    data = normalize_zip(make_zip(ENTRIES))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml",
                     "word/document.xml"]


def test_writer_clock_and_order_do_not_change_the_bytes():
    first = normalize_zip(make_zip(ENTRIES, date_time=(2020, 1, 1, 0, 0, 0), mode=0o600))
    second = normalize_zip(make_zip(ENTRIES[::-1], date_time=(2024, 12, 31, 23, 59, 58),
                                    mode=0o755))
    assert first == second
    assert normalize_zip(first) == first  # idempotent


def test_replace_swaps_or_adds_an_entry():
    data = normalize_zip(make_zip(ENTRIES), replace={"docProps/core.xml": b"<new/>",
                                                     "extra.xml": b"<x/>"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("docProps/core.xml") == b"<new/>"
        assert archive.read("extra.xml") == b"<x/>"


def test_deterministic_zip_does_not_depend_on_the_order_entries_are_given():
    forward = deterministic_zip(dict(ENTRIES))
    assert deterministic_zip(dict(ENTRIES[::-1])) == forward
    assert forward == normalize_zip(make_zip(ENTRIES))


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_write_gives_one_mode_whatever_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        atomic_write(tmp_path / "sub" / "01.docx", b"data")
    finally:
        os.umask(previous)
    target = tmp_path / "sub" / "01.docx"
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE == 0o644


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old draft")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old draft")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old draft"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_utc_naive_converts_an_aware_time_and_keeps_a_naive_one():
    hanoi = timezone(timedelta(hours=7))
    assert utc_naive(datetime(2023, 7, 6, 16, 30, tzinfo=hanoi)) == datetime(2023, 7, 6, 9, 30)
    assert utc_naive(datetime(2023, 7, 6, 16, 30)) == datetime(2023, 7, 6, 16, 30)


def test_a_saved_workbook_does_not_carry_the_clock():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Hà Nội"
    data = save_workbook(workbook, datetime(2023, 7, 5, 8, 0))
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    # openpyxl sets "modified" to the clock during save; both dates are the given one.
    assert core.count("2023-07-05T08:00:00Z") == 2
