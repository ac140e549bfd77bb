"""Generators of hostile files, each quick to make and small on disk.

- xlsx_bomb: a ~200 KB workbook whose one sheet inflates to ~200 MB (streamed, level 9)
- docx_with_unused_entry: a valid DOCX plus a 1 GiB stored entry, written sparsely
  (a hole in the file, never in memory); its CRC is computed over a reused zero buffer
- big_sheet_xlsx: a 1,048,576-row sheet from a raw XML writer (openpyxl would take minutes)
- lying_zip: an entry whose headers declare 16 bytes but inflate to 8 MiB
- nested_alias_yaml: the billion laughs (9 levels × 9 aliases)
- member_zip: any names / symlink entries, for the zip-slip cases
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="bin" ContentType="application/octet-stream"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="values" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '</Relationships>')
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:p><w:r><w:t>BÁO CÁO</w:t></w:r></w:p></w:body></w:document>')


def _workbook_parts(archive: zipfile.ZipFile) -> None:
    for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", XLSX_RELS),
                       ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
        archive.writestr(name, text)


def xlsx_bomb(path: Path, inflated: int = 200 * 1000 * 1000) -> Path:
    """A workbook of ~200 KB whose sheet1.xml inflates to `inflated` bytes."""
    # Whitespace between elements is valid XML and deflates about 1000:1.
    block = b'<row r="2"><c r="A2" t="inlineStr"><is><t>001</t></is></c></row>' + b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _workbook_parts(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            written = 0
            while written < inflated:
                sheet.write(block)
                written += len(block)
            sheet.write(SHEET_TAIL.encode())
    return path


def big_sheet_xlsx(path: Path, rows: int = 1_048_576) -> Path:
    """A sheet with `rows` rows (header + values), written as raw XML in seconds."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _workbook_parts(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c>'
                        b'<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>')
            chunk = []
            for number in range(2, rows + 1):
                chunk.append(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>001</t></is></c>'
                             f'<c r="B{number}"><v>{number}</v></c></row>')
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode() + SHEET_TAIL.encode())
    return path


# ---------------------------------------------------------------- a raw stored-zip writer

def _dos_time() -> tuple[int, int]:
    return 0, (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01 00:00


def write_stored_zip(path: Path, members: list[tuple[str, bytes | int]], *,
                     declared: dict[str, int] | None = None, symlinks: tuple[str, ...] = ()) -> Path:
    """A ZIP of stored entries; an int member is that many zero bytes written as a hole.
    `declared` overrides an entry's sizes in both headers (a lying header)."""
    time_, date_ = _dos_time()
    central = []
    zero = bytes(64 * 1024 * 1024)
    with open(path, "wb") as handle:
        for name, data in members:
            raw_name = name.encode("utf-8")
            if isinstance(data, int):
                size = data
                crc = 0
                left = size
                while left:
                    piece = min(left, len(zero))
                    crc = zlib.crc32(memoryview(zero)[:piece], crc)
                    left -= piece
            else:
                size, crc = len(data), zlib.crc32(data)
            shown = (declared or {}).get(name, size)
            offset = handle.tell()
            handle.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 0, time_, date_,
                                     crc, shown, shown, len(raw_name), 0) + raw_name)
            if isinstance(data, int):
                handle.seek(size, os.SEEK_CUR)  # a hole: no disk, no memory
            else:
                handle.write(data)
            attributes = (0o120777 << 16) if name in symlinks else (0o100644 << 16)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, 0x800, 0,
                                       time_, date_, crc, shown, shown, len(raw_name), 0, 0, 0, 0,
                                       attributes, offset) + raw_name)
        start = handle.tell()
        directory = b"".join(central)
        handle.write(directory)
        handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                                 len(directory), start, 0))
    return path


def docx_with_unused_entry(path: Path, size: int = 1024 ** 3) -> Path:
    """A DOCX that Word opens, plus word/media/unused.bin of `size` zero bytes (sparse)."""
    return write_stored_zip(path, [
        ("[Content_Types].xml", CONTENT_TYPES.encode()), ("_rels/.rels", DOCX_RELS.encode()),
        ("word/document.xml", DOCUMENT.encode()), ("word/media/unused.bin", size)])


def lying_zip(path: Path, real: int = 8 * 1024 * 1024, declared: int = 16) -> Path:
    """One deflated entry whose headers say `declared` bytes; it inflates to `real`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.xml", b"A" * real)
    data = bytearray(buffer.getvalue())
    # Local header: uncompressed size at offset 22; central directory entry: at 24.
    struct.pack_into("<I", data, 22, declared)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path


def member_zip(path: Path, names: list[str], *, symlinks: tuple[str, ...] = ()) -> Path:
    """A zip with exactly these entry names (zip-slip, drives, NUL...), tiny contents."""
    return write_stored_zip(path, [(name, b"x") for name in names], symlinks=symlinks)


def nested_alias_yaml(levels: int = 9, width: int = 9) -> str:
    """The billion laughs: width**levels strings from a ~1 KB document."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int = 10_000) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"
