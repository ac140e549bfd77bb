"""Cleaning and parsing single cells: text, counts, true/false, note headings, paragraphs.

Pure functions over strings, shared by the reader (load.py) and the writer (workbook.py).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Iterator

from reportgen.dataset.types import SECTIONS

# Markdown note headings → section. Matched on the heading's first words, without
# diacritics, so "## Tồn tại, hạn chế" and "## TON TAI" both land in section II.
_SECTION_KEYWORDS = (
    ("tinh hinh", "I"), ("ket qua", "I"), ("ton tai", "II"), ("han che", "II"),
    ("phuong huong", "III"), ("nhiem vu", "III"), ("de xuat", "IV"), ("kien nghi", "IV"),
)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_DECIMAL = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$")


def clean_text(text: object) -> tuple[str, bool]:
    """NFC, no XML-illegal characters, single spaces, stripped. Returns (text, had_illegal)."""
    if text is None:
        return "", False
    value = str(text)
    if value.isascii() and value.isprintable() and "  " not in value and value == value.strip():
        return value, False  # the common case (codes, figures): nothing to clean
    value = unicodedata.normalize("NFC", value)
    stripped = _ILLEGAL_XML.sub("", value)
    had_illegal = stripped != value
    lines = stripped.replace("\r\n", "\n").split("\n")
    if len(lines) == 1:
        return _SPACES.sub(" ", lines[0]).strip(), had_illegal
    # Multi-line cells (notes, YAML in the settings sheet) keep each line's indentation.
    cleaned = []
    for line in lines:
        body = line.lstrip(" \t\u00a0")
        indent = line[: len(line) - len(body)].replace("\t", "    ").replace("\u00a0", " ")
        cleaned.append(indent + _SPACES.sub(" ", body).rstrip())
    return "\n".join(cleaned).strip("\n").rstrip(), had_illegal


def parse_count(text: str, *, allow_decimal: bool) -> int | Decimal | None:
    """'1200', '1.200' (a clerk's thousands dots), '1200.0' (Excel) → 1200.
    For decimal indicators '1,5' and '1.234,5' → Decimal. None when not a number."""
    value = text.replace(" ", "")
    if not value:
        return None
    if value.isascii() and value.isdigit():  # not "5²": isdigit() accepts it, int() does not
        return int(value)
    if _GROUPED.match(value):
        return int(value.replace(".", ""))
    if re.fullmatch(r"\d+\.0+", value):  # Excel's float rendering of a whole number
        return int(value.split(".")[0])
    if allow_decimal:
        if _GROUPED_DECIMAL.match(value) or re.fullmatch(r"\d+,\d+", value):
            return Decimal(value.replace(".", "").replace(",", "."))
        if re.fullmatch(r"\d+\.\d+", value):
            return Decimal(value)
    return None


def parse_bool(text: str, default: bool) -> bool | None:
    if text == "":
        return default
    lowered = text.lower()
    if lowered in ("true", "1", "yes", "có", "x"):
        return True
    if lowered in ("false", "0", "no", "không"):
        return False
    return None


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def section_of_heading(heading: str) -> str | None:
    plain = _strip_accents(heading).strip()
    plain = re.sub(r"^[ivx]+[.)]\s*", "", plain)
    if plain.upper() in SECTIONS:
        return plain.upper()
    for keyword, section in _SECTION_KEYWORDS:
        if plain.startswith(keyword):
            return section
    return None


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs; each "- " line is a paragraph of its own."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
        elif line.lstrip().startswith(("- ", "+ ", "* ")):
            if current:
                paragraphs.append(" ".join(current))
            current = ["- " + line.lstrip()[2:].strip()]
        else:
            current.append(line.strip())
    if current:
        paragraphs.append(" ".join(current))
    return tuple(paragraphs)


def markdown_sections(text: str) -> Iterator[tuple[str, int, list[str]]]:
    """The "## " sections of a note file: (heading, its line number, the lines below it).

    The one reading of the notes format, shared by the loader (which turns headings into
    sections and warns about unknown ones) and the workbook writer (which keeps the text)."""
    heading: str | None = None
    heading_line = 0
    buffer: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("## "):
            if heading is not None:
                yield heading, heading_line, buffer
            heading, heading_line, buffer = line[3:], number, []
        elif heading is not None:
            buffer.append(line)
    if heading is not None:
        yield heading, heading_line, buffer


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date_text(text: str):
    """A date as a clerk types it or Excel stores it: "10/07/2024" (dd/mm/yyyy, the way
    Vietnamese documents write dates), "2024-07-10", or a real Excel date (read as
    "2024-07-10 00:00:00"). None when it is not a date."""
    from datetime import date

    value = text.strip()
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY_DATE.match(value)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None
