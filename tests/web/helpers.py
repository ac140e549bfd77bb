"""Files a clerk or reviewer would upload: a workbook with a planted error, zips (good
and hostile), two DOCX drafts."""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from docx import Document

from reportgen.dataset.types import column_of_header, table_of_sheet
from reportgen.resources import package_path


def _values_sheet(book):
    """The figures sheet, whatever the workbook calls it ("Số liệu" or "values")."""
    return next(book[name] for name in book.sheetnames if table_of_sheet(name) == "values")


def planted_error(workbook: Path, target: Path, cell: str = "D5", value: str = "mười hai") -> Path:
    """The sample workbook with one figure typed as words: a located error at `cell`."""
    book = load_workbook(workbook)
    _values_sheet(book)[cell] = value
    book.save(target)
    return target


def changed_values(workbook: Path, target: Path, deltas: dict[tuple[str, str, str], int]) -> Path:
    """The workbook with figures moved by `deltas` ((unit, period, indicator) → +n)."""
    book = load_workbook(workbook)
    sheet = _values_sheet(book)
    header = [column_of_header("values", str(c.value)) for c in sheet[1]]
    left = dict(deltas)
    for row in sheet.iter_rows(min_row=2):
        record = dict(zip(header, row))
        key = (str(record["unit"].value), str(record["period"].value), str(record["indicator"].value))
        if key in left:
            record["value"].value = int(record["value"].value) + left.pop(key)
    assert not left, f"no such value rows: {left}"
    book.save(target)
    return target


def csv_zip(prefix: str = "hanoi/") -> bytes:
    folder = package_path("samples", "hanoi")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return buffer.getvalue()


def hostile_zip(name: str, data: bytes = b"x", symlink: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dataset.yaml", 'title: "x"\nroot: "01"\n')
        info = zipfile.ZipInfo(name)
        if symlink:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, data)
    return buffer.getvalue()


def draft(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.author = "test"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


OLD_DRAFT = ["BÁO CÁO", "Tổng số người nghiện được cai là 809 người.", "Kết quả đạt 67,4% kế hoạch năm."]
NEW_DRAFT = ["BÁO CÁO", "Tổng số người nghiện được cai là 812 người.", "Kết quả đạt 67,7% kế hoạch năm."]
