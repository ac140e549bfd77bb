"""Spreadsheet cells carry no formulas (the OWASP "CSV injection" rule).

A *text* cell whose first character is `=`, `+`, `-`, `@`, a tab or a carriage return
could be evaluated by Excel or LibreOffice Calc (`=cmd|' /C calc'!A0`, `=HYPERLINK(…)`).
Such a text is written as text: in CSV with a leading apostrophe (Calc and Excel show the
rest and do not evaluate it), in XLSX as a string cell with quotePrefix set. Numbers are
typed values, not texts: a negative count written as a number stays the number -12.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: object) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A CSV field: texts neutralised, numbers (int, Decimal, float) left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def set_xlsx_cell(cell, value: object):
    """Put value into an openpyxl cell; a formula-like text becomes a plain string cell
    with quotePrefix (openpyxl would otherwise store any "=…" text as a formula)."""
    if not isinstance(value, (str, int, float, Decimal, type(None))):  # dates etc. stay typed upstream
        value = str(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell
