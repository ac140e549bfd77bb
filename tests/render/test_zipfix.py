"""normalize_zip: same content in, same bytes out, whatever clock and order wrote it."""
from __future__ import annotations

import io
import time
import zipfile

from reportgen.render.zipfix import normalize_zip


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
