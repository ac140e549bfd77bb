"""Memory bombs and zip-slip: archives are checked from the central directory and read
with a bounded reader before openpyxl, python-docx or lxml see them."""
from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from reportgen.safety.archives import (
    ArchiveError, CheckedZip, check_sheet_rows, checked_zip_entry_name, safe_extract,
)
from reportgen.safety.limits import LimitExceeded, Limits
from reportgen.safety.paths import UnsafeNameError
from tests.hostile import bombs


def _workbook_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "values"
    workbook.active.append(["unit", "period", "indicator", "value"])
    workbook.active.append(["001", "2023-H1", "rehab_compulsory", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_200kb_workbook_that_inflates_to_200mb_is_refused_by_its_ratio(xlsx_bomb):
    assert xlsx_bomb.stat().st_size < 300 * 1024
    with pytest.raises(LimitExceeded) as caught:
        CheckedZip(xlsx_bomb)
    assert caught.value.limit == "archive_ratio"
    assert caught.value.where == "xl/worksheets/sheet1.xml"
    assert "REPORTGEN_LIMIT_ARCHIVE_RATIO" in caught.value.describe()


def test_with_the_ratio_raised_the_entry_size_or_total_still_bounds_it(xlsx_bomb):
    with pytest.raises(LimitExceeded) as caught:
        CheckedZip(xlsx_bomb, limits=Limits(archive_ratio=10 ** 6, archive_entry_bytes=100 * 1024 ** 2))
    assert caught.value.limit == "archive_entry_bytes"


def test_a_docx_with_a_1gb_unused_entry_is_refused_before_reading(docx_1gb):
    with pytest.raises(LimitExceeded) as caught:
        CheckedZip(docx_1gb, file="draft.docx")
    assert caught.value.limit == "archive_entry_bytes"
    assert caught.value.describe().startswith("draft.docx, word/media/unused.bin: ")


def test_a_million_row_sheet_is_refused_before_openpyxl(million_rows):
    with CheckedZip(million_rows) as archive:
        with pytest.raises(LimitExceeded) as caught:
            check_sheet_rows(archive)
    assert caught.value.limit == "sheet_rows"


def test_a_normal_workbook_passes_and_openpyxl_reads_the_checked_handle():
    with CheckedZip(_workbook_bytes(), file="quan.xlsx") as archive:
        assert check_sheet_rows(archive) == {}  # too small to need a scan
        workbook = openpyxl.load_workbook(archive.stream(), read_only=True)
        assert [list(r) for r in workbook["values"].iter_rows(values_only=True)][1][0] == "001"
        workbook.close()


def test_row_counting_is_exact_when_it_scans():
    with CheckedZip(_workbook_bytes(), limits=Limits(sheet_rows=1)) as archive:
        with pytest.raises(LimitExceeded):
            check_sheet_rows(archive)
    with CheckedZip(_workbook_bytes(), limits=Limits(sheet_rows=2)) as archive:
        assert check_sheet_rows(archive) == {"xl/worksheets/sheet1.xml": 2}
    with CheckedZip(bombs.big_sheet_xlsx(io.BytesIO(), rows=5000), limits=Limits(sheet_rows=100)) as archive:
        with pytest.raises(LimitExceeded):
            check_sheet_rows(archive)
    with CheckedZip(bombs.big_sheet_xlsx(io.BytesIO(), rows=5000), limits=Limits(sheet_rows=5000)) as archive:
        assert check_sheet_rows(archive) == {"xl/worksheets/sheet1.xml": 5000}
    with CheckedZip(bombs.big_sheet_xlsx(io.BytesIO(), rows=5000), limits=Limits(sheet_rows=4999)) as archive:
        with pytest.raises(LimitExceeded):
            check_sheet_rows(archive)
    with CheckedZip(bombs.big_sheet_xlsx(io.BytesIO(), rows=5000), limits=Limits(sheet_rows=700)) as archive:
        with pytest.raises(LimitExceeded):
            check_sheet_rows(archive)


def test_python_docx_reads_a_checked_docx(tmp_path):
    document = docx.Document()
    document.add_paragraph("BÁO CÁO")
    document.save(tmp_path / "draft.docx")
    with CheckedZip(tmp_path / "draft.docx") as archive:
        assert docx.Document(archive.stream()).paragraphs[0].text == "BÁO CÁO"
        assert b"B\xc3\x81O C\xc3\x81O" in archive.read_entries()["word/document.xml"]


def test_a_lying_header_does_not_inflate_past_what_it_declares(tmp_path):
    path = bombs.lying_zip(tmp_path / "lying.xlsx", real=8 * 1024 * 1024, declared=16)
    with CheckedZip(path) as archive:
        assert archive.inspection.total == 16
        with pytest.raises(ArchiveError) as caught:
            archive.read("data.xml")
    assert "not a readable ZIP" in caught.value.describe()


def test_the_total_is_enforced_while_reading_too(tmp_path):
    path = bombs.write_stored_zip(tmp_path / "a.zip", [("a.xml", b"a" * 1000), ("b.xml", b"b" * 1000)])
    limits = Limits(archive_total_bytes=1500)
    with pytest.raises(LimitExceeded):
        CheckedZip(path, limits=limits)


def test_too_many_entries(tmp_path):
    path = bombs.write_stored_zip(tmp_path / "many.zip", [(f"{i}.xml", b"") for i in range(50)])
    with pytest.raises(LimitExceeded) as caught:
        CheckedZip(path, limits=Limits(archive_entries=49))
    assert caught.value.limit == "archive_entries"


@pytest.mark.parametrize("name", [
    "../../etc/cron.d/x", "/etc/passwd", "a/../../x", "C:/Windows/x", "c:x", "..\\..\\x",
    "a\\b", "a\x00.xml", "x/\x07", "./x", "a//b",
])
def test_hostile_entry_names_are_refused(tmp_path, name):
    path = bombs.member_zip(tmp_path / "upload.zip", ["dataset.yaml", name])
    with pytest.raises(ArchiveError) as caught:
        CheckedZip(path, file="upload.zip")
    assert caught.value.describe().startswith("upload.zip: the archive entry")


def test_symlink_entries_are_refused(tmp_path):
    path = bombs.member_zip(tmp_path / "upload.zip", ["dataset.yaml", "notes"], symlinks=("notes",))
    with pytest.raises(ArchiveError) as caught:
        CheckedZip(path)
    assert "symbolic link" in caught.value.describe()


def test_names_that_collide_when_case_is_folded_are_refused(tmp_path):
    path = bombs.member_zip(tmp_path / "upload.zip", ["values.csv", "VALUES.csv"])
    with pytest.raises(ArchiveError) as caught:
        CheckedZip(path)
    assert "two entries" in caught.value.describe()


def test_encrypted_and_foreign_compression_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("a.xml", b"x" * 100)
    with pytest.raises(ArchiveError):
        CheckedZip(buffer.getvalue())
    data = bytearray(bombs.write_stored_zip(tmp_path / "e.zip", [("a.xml", b"x")]).read_bytes())
    data[6] |= 1  # local header: encrypted
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    with pytest.raises(ArchiveError) as caught:
        CheckedZip(bytes(data))
    assert "encrypted" in caught.value.describe()


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04" + b"\x00" * 100,
                                  b"PK\x05\x06" + b"\xff" * 18])
def test_damaged_files_are_a_message(data):
    with pytest.raises(ArchiveError) as caught:
        CheckedZip(data, file="quan.xlsx")
    assert "not a readable ZIP" in caught.value.describe()


def test_a_missing_file_is_a_message(tmp_path):
    with pytest.raises(Exception) as caught:
        CheckedZip(tmp_path / "nope.xlsx")
    assert "cannot open the file" in caught.value.describe()


def test_safe_extract_writes_only_inside_and_new_files(tmp_path):
    path = bombs.write_stored_zip(tmp_path / "upload.zip", [
        ("dataset.yaml", b"title: x\n"), ("notes/", b""), ("notes/2023-H1/001.md", b"## a\n")])
    destination = tmp_path / "upload"
    with CheckedZip(path) as archive:
        written = safe_extract(archive, destination)
    assert sorted(p.relative_to(destination).as_posix() for p in written) == [
        "dataset.yaml", "notes/2023-H1/001.md"]
    assert (destination / "notes" / "2023-H1" / "001.md").read_bytes() == b"## a\n"
    with CheckedZip(path) as archive:  # again: files exist, nothing is overwritten
        with pytest.raises(FileExistsError):
            safe_extract(archive, destination)


def test_safe_extract_does_not_follow_a_link_planted_in_the_destination(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    destination = tmp_path / "upload"
    destination.mkdir()
    (destination / "notes").symlink_to(outside)
    path = bombs.write_stored_zip(tmp_path / "upload.zip", [("notes/001.md", b"x")])
    with CheckedZip(path) as archive:
        with pytest.raises(Exception):
            safe_extract(archive, destination)
    assert list(outside.iterdir()) == []


def test_writers_check_entry_names():
    assert checked_zip_entry_name("2023-H1/001.docx") == "2023-H1/001.docx"
    for name in ("../secret", "/abs", "a\\b"):
        with pytest.raises(UnsafeNameError):
            checked_zip_entry_name(name)
