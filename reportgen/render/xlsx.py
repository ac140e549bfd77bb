"""Appendix tables → one XLSX workbook, the machine-readable twin of the report's data
tables (Nghị định 09/2019 asks reports to be machine-readable where it can).

One sheet per Table found in the appendices, in order: row 1 holds Table.data_header,
then Table.data_rows as raw values (int, Decimal, str, None), never the formatted
strings of the printed table. Same model, same bytes (see reportgen/files.py).
"""
from __future__ import annotations

import re

from reportgen.files import save_workbook
from reportgen.model import ReportModel, Table
from reportgen.ooxml import xml_safe
from reportgen.safety.formulas import set_xlsx_cell

SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _appendix_tables(model: ReportModel) -> list[tuple[str, Table]]:
    found = []
    for appendix in model.appendices:
        tables = [b for b in appendix.blocks if isinstance(b, Table)]
        for number, table in enumerate(tables, 1):
            label = appendix.label if len(tables) == 1 else f"{appendix.label} ({number})"
            found.append((label, table))
    return found


def _sheet_title(label: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", xml_safe(label)).strip("'").strip() or "Sheet"
    base = base[:SHEET_NAME_MAX]
    title, counter = base, 2
    while title.lower() in used:
        suffix = f" {counter}"
        title = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        counter += 1
    used.add(title.lower())
    return title


def _value(value: object) -> object:
    if isinstance(value, str):
        return xml_safe(value)
    return value


def _header_and_rows(table: Table) -> tuple[tuple[str, ...], tuple[tuple[object, ...], ...]]:
    if table.data_header or table.data_rows:
        return table.data_header, table.data_rows
    # No machine-readable twin was composed: ship the printed cells as text rather
    # than drop the table (numbers stay as the report shows them).
    rows = table.rows + ((table.total,) if table.total is not None else ())
    return tuple(c.title for c in table.columns), rows


def _set_properties(workbook, model: ReportModel) -> None:
    info = model.info
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = xml_safe(info.author)
    properties.title, properties.subject = xml_safe(info.title), xml_safe(info.subject)
    properties.keywords, properties.language = xml_safe(info.keywords), xml_safe(info.language)


def render_appendix_xlsx(model: ReportModel) -> bytes | None:
    """The appendix tables as XLSX bytes, or None when the appendices hold no table."""
    tables = _appendix_tables(model)
    if not tables:
        return None
    # Imported here: validate, figures and a PDF-only build never pay for openpyxl.
    from reportgen.render._openpyxl import Font, get_column_letter, openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for label, table in tables:
        sheet = workbook.create_sheet(_sheet_title(label, used))
        header, rows = _header_and_rows(table)
        # Every cell through set_xlsx_cell: a text is a string cell, and one that starts
        # with =, +, -, @, tab or CR is quote-prefixed, so Excel and Calc show it and never
        # evaluate it (openpyxl would store "=..." as a formula); numbers stay numbers.
        for number, row in enumerate((header, *rows), 1):
            for column, value in enumerate(row, 1):
                set_xlsx_cell(sheet.cell(row=number, column=column), _value(value))
        for cell in sheet[1]:
            cell.font = bold
        for column, name in enumerate(header, 1):
            sheet.column_dimensions[get_column_letter(column)].width = max(10, len(str(name)) + 2)
        sheet.freeze_panes = "A2"
    _set_properties(workbook, model)
    return save_workbook(workbook, model.info.created)




def render_for_build(model: ReportModel, settings) -> bytes | None:
    """The `xlsx` entry of reportgen.render.FORMATS (None: the report has no table)."""
    return render_appendix_xlsx(model)
