"""Write a dataset in its workbook form, and read a folder as plain text tables.

`write_workbook(source, xlsx_path)` writes a dataset (a folder, or tables in memory) as
one Excel workbook: sheets units, indicators, values, targets, notes, settings, plus a
hidden `lists` sheet feeding drop-down lists, so that a clerk can only pick known unit
codes, periods and indicator codes in values/targets. Codes are text cells ("001" stays
"001"); headers are bold and frozen. `init` uses it for a new workbook.

The bytes of a written workbook depend only on its content (fixed zip metadata and
document dates), so a rebuilt workbook can be compared with the previous one.

This is the writing side of the format load.py reads: the same COLUMNS, the same
catalogue, the same notes parser (cells.markdown_sections).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from reportgen.dataset.cells import markdown_sections, section_of_heading
from reportgen.dataset.types import CATALOGUE_FILE, COLUMNS, SECTIONS
from reportgen.periods import code_sort_key
from reportgen.files import normalize_zip
from reportgen.safety.formulas import set_xlsx_cell

SHEET_ORDER = ("units", "indicators", "values", "targets", "notes", "settings")
# Columns whose cells are always text, whatever they look like.
TEXT_COLUMNS = {
    "units": {"code", "name", "level", "parent"},
    "indicators": {"code", "name", "unit", "parent", "exhaustive", "additive", "kind"},
    "values": {"unit", "period", "indicator", "scope"},
    "targets": {"unit", "indicator"},
    "notes": {"unit", "period", "section", "text"},
    "settings": {"key"},
}
NUMBER_COLUMNS = {"values": {"value"}, "targets": {"year", "target"}}
LISTS_SHEET = "lists"
VALIDATION_ROWS = 5000  # drop-downs reach at least this row, so there is room to type
_FIXED_DOC_TIME = "2000-01-01T00:00:00Z"
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


# ------------------------------------------------------------------ reading a folder as text

def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file as rows of text keyed by column name (no cleaning, no parsing)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "") for k, v in row.items() if k is not None}
                for row in csv.DictReader(handle)]


def catalogue_rows() -> list[dict[str, str]]:
    """The core indicator catalogue, as the rows of an indicators table."""
    return read_rows(CATALOGUE_FILE)


def _note_section(heading: str) -> str:
    """"Tồn tại, hạn chế và nguyên nhân" → "II". An unknown heading is kept as it is (the
    loader then reports it, with its location, instead of the text being lost)."""
    return section_of_heading(heading) or heading.strip()


def notes_rows(notes_dir: Path) -> list[dict[str, str]]:
    """notes/<period>/<unit>.md → rows unit, period, section, text (one per "## " section;
    the text keeps its paragraphs, separated by a blank line)."""
    rows = []
    order = {s: i for i, s in enumerate(SECTIONS)}
    for file in sorted(notes_dir.glob("*/*.md")) if notes_dir.is_dir() else ():
        text = unicodedata.normalize("NFC", file.read_text(encoding="utf-8-sig")).replace("\r\n", "\n")
        found = []
        for heading, _line, lines in markdown_sections(text):
            body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
            if body:
                found.append({"unit": file.stem, "period": file.parent.name,
                              "section": _note_section(heading), "text": body})
        rows.extend(sorted(found, key=lambda r: order.get(r["section"], len(order))))
    return rows


def read_folder(folder: Path) -> dict[str, Any]:
    """The tables of a dataset folder, as text, plus its settings mapping."""
    folder = Path(folder)
    tables: dict[str, Any] = {}
    for name in ("units", "indicators", "values", "targets"):
        path = folder / f"{name}.csv"
        if path.exists():
            tables[name] = read_rows(path)
    tables["notes"] = notes_rows(folder / "notes")
    settings_file = folder / "dataset.yaml"
    tables["settings"] = (yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
                          if settings_file.exists() else {})
    return tables


# ------------------------------------------------------------------ settings

class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # anchors (&id001) mean nothing to a clerk
        return True


def settings_rows(settings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flatten dataset.yaml into key/value rows: scalars as they are, nested values as
    YAML text (flow style, one line). A string that YAML would read back as something else ("01" → 1) is
    written quoted, so the value survives the round trip."""
    rows = []
    for key, value in settings.items():
        if isinstance(value, (dict, list)):
            # flow style on one line: readers may strip each line of a cell, which
            # would break the indentation of block-style YAML
            text = yaml.dump(value, Dumper=_NoAliasDumper, allow_unicode=True,
                             sort_keys=False, default_flow_style=True, width=10**6).strip()
            rows.append({"key": str(key), "value": text})
        elif isinstance(value, str):
            try:
                same = yaml.safe_load(value) == value
            except yaml.YAMLError:
                same = False
            if not same:
                value = yaml.dump(value, Dumper=_NoAliasDumper, allow_unicode=True, width=1000)
                value = value.strip().removesuffix("...").strip()
            rows.append({"key": str(key), "value": value})
        elif hasattr(value, "isoformat"):  # an unquoted date in the YAML
            rows.append({"key": str(key), "value": value.isoformat()})
        else:
            rows.append({"key": str(key), "value": value})
    return rows


# ------------------------------------------------------------------ writing a workbook

def _cell_value(table: str, column: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column in TEXT_COLUMNS.get(table, ()):
        return str(value)
    if column in NUMBER_COLUMNS.get(table, ()) and isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _INTEGER.match(text):
            return int(text)
        if _DECIMAL.match(text):
            try:
                return Decimal(text)
            except InvalidOperation:
                return text
    return value


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item not in (None, "") and item not in seen:
            seen[str(item)] = None
    return list(seen)


def write_workbook(source: Mapping[str, Any] | Path | str, xlsx_path: Path | str, *,
                   with_validation: bool = True, periods: Iterable[str] | None = None,
                   validation_rows: int | None = None, comment: str | None = None) -> Path:
    """Write the workbook form of a dataset.

    `source`: a dataset folder, or tables {"units": [row, ...], "values": [...], ...}
    (rows are dicts keyed by column name; "settings" may be the dataset.yaml mapping or
    key/value rows). `periods`: the periods offered in the drop-down (default: those in
    values, targets' years and notes). `comment`: a note attached to the settings
    sheet's header (an Excel comment, not a setting). Returns `xlsx_path`.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    tables = _tables_of(source)
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: _write_sheet(wb, name, list(tables.get(name) or []))
              for name in [*SHEET_ORDER, *(t for t in tables
                                           if t not in SHEET_ORDER and t != LISTS_SHEET)]}
    if with_validation:
        ranges = _write_lists(wb, _drop_down_lists(tables, periods))
        _add_validations(sheets, tables, ranges, validation_rows)
    if comment:
        sheets["settings"]["A1"].comment = Comment(comment, "reportgen")
    return _save(wb, Path(xlsx_path))


def _tables_of(source: Mapping[str, Any] | Path | str) -> dict[str, Any]:
    tables: dict[str, Any] = read_folder(Path(source)) if isinstance(source, (str, Path)) else dict(source)
    settings = tables.get("settings") or []
    if isinstance(settings, Mapping):
        settings = settings_rows(settings)
    tables["settings"] = settings
    for name in ("units", "indicators", "values", "targets", "notes"):
        tables.setdefault(name, [])
    return tables


def _write_sheet(wb, name: str, rows: list[dict[str, Any]]):
    """One table as a sheet: a bold frozen header, text columns formatted as text (typed
    codes stay text), widths fitted to the content, long text wrapped."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = list(COLUMNS.get(name, ()))
    for row in rows:
        columns += [k for k in row if k not in columns]
    ws = wb.create_sheet(name)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.freeze_panes = "A2"
    text_columns = TEXT_COLUMNS.get(name, set())
    widths = [len(c) for c in columns]
    for row in rows:
        values = [_cell_value(name, c, row.get(c)) for c in columns]
        ws.append([None] * len(values))
        for cell, value in zip(ws[ws.max_row], values):
            set_xlsx_cell(cell, value)  # "=1+1" in a name stays text (issue 10)
        for i, v in enumerate(values):
            if v is not None:
                widths[i] = max(widths[i], max(len(line) for line in str(v).split("\n")))
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        is_text = column in text_columns or (name == "settings" and column == "value")
        if is_text:
            ws.column_dimensions[letter].number_format = "@"  # typed codes stay text
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell.value, str):
                    cell.number_format = "@"
        long_text = (name, column) in (("notes", "text"), ("settings", "value"))
        width = 100 if long_text else min(max(widths[i - 1] + 2, 8), 60)
        ws.column_dimensions[letter].width = width
        if long_text:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return ws


def _drop_down_lists(tables: Mapping[str, Any], periods: Iterable[str] | None) -> dict[str, list[str]]:
    unit_codes = _unique(r.get("code") for r in tables["units"])
    indicator_codes = _unique([r["code"] for r in catalogue_rows()]
                              + [r.get("code") for r in tables["indicators"]])
    if periods is None:
        found = ([r.get("period") for r in tables["values"]]
                 + [r.get("period") for r in tables["notes"]])
        periods = sorted(_unique(found), key=code_sort_key)
    period_codes = _unique(periods)
    years = _unique([str(p)[:4] for p in period_codes if re.match(r"^\d{4}", str(p))]
                    + [str(r.get("year")) for r in tables["targets"] if r.get("year")])
    return {"unit": unit_codes, "period": period_codes, "indicator": indicator_codes,
            "year": sorted(years), "scope": ["total", "own"]}


def _write_lists(wb, lists: dict[str, list[str]]) -> dict[str, str]:
    """The hidden sheet the drop-downs read; returns each list's cell range."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges = {}
    for col, (key, items) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=key).font = Font(bold=True)
        ws.column_dimensions[letter].number_format = "@"
        for r, item in enumerate(items, start=2):
            cell = ws.cell(row=r, column=col, value=int(item) if key == "year" else str(item))
            if key != "year":
                cell.number_format = "@"
        if items:
            ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(items) + 1}"
    return ranges


_VALIDATION_MESSAGES = {
    "unit": ("Mã đơn vị không hợp lệ",
             "Mã đơn vị không có trong danh sách đơn vị (sheet units). "
             "Hãy chọn mã trong danh sách thả xuống, ví dụ 001."),
    "period": ("Kỳ báo cáo không hợp lệ",
               "Kỳ báo cáo không có trong danh sách. Hãy chọn trong danh sách "
               "thả xuống, ví dụ 2023-H1 (6 tháng) hoặc 2023-Y (năm)."),
    "indicator": ("Mã chỉ tiêu không hợp lệ",
                  "Mã chỉ tiêu không có trong danh mục chỉ tiêu (sheet indicators). "
                  "Hãy chọn mã trong danh sách thả xuống."),
    "year": ("Năm không hợp lệ", "Hãy chọn năm kế hoạch trong danh sách thả xuống."),
    "scope": ("Phạm vi không hợp lệ",
              "Để trống (số liệu của cả đơn vị) hoặc chọn own (phần do chính đơn vị "
              "trực tiếp thực hiện)."),
}
_VALIDATED_COLUMNS = {"values": ("unit", "period", "indicator", "scope"),
                      "targets": ("unit", "year", "indicator")}


def _add_validations(sheets, tables: Mapping[str, Any], ranges: dict[str, str],
                     validation_rows: int | None) -> None:
    """Drop-down lists on the code columns and a non-negative check on the figures."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for sheet_name, columns in _VALIDATED_COLUMNS.items():
        sheet = sheets[sheet_name]
        header = [c.value for c in sheet[1]]
        last = validation_rows or max(VALIDATION_ROWS, len(tables[sheet_name]) + 1001)
        for key in columns:
            if key not in header or key not in ranges:
                continue
            letter = get_column_letter(header.index(key) + 1)
            title, text = _VALIDATION_MESSAGES[key]
            dv = DataValidation(type="list", formula1=f"={ranges[key]}", allow_blank=True,
                                showDropDown=False, showErrorMessage=True, errorStyle="stop",
                                errorTitle=title, error=text, showInputMessage=False)
            dv.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(dv)
        value_column = "value" if sheet_name == "values" else "target"
        if value_column in header:
            letter = get_column_letter(header.index(value_column) + 1)
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                errorTitle="Số liệu không hợp lệ",
                                error="Nhập một số không âm, không có dấu phân cách hàng "
                                      "nghìn (ví dụ 1200, không viết 1.200).")
            dv.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(dv)


def _save(wb, xlsx_path: Path) -> Path:
    xlsx_path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.properties.creator = "reportgen"
    wb.save(buffer)
    xlsx_path.write_bytes(_normalize_zip(buffer.getvalue()))
    return xlsx_path


def _normalize_zip(data: bytes) -> bytes:
    """Fixed entry metadata (zipfix) and fixed document dates: openpyxl stamps the clock
    into docProps/core.xml, so the same content would otherwise differ per run."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        core = source.read("docProps/core.xml").decode("utf-8")
    core = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                  lambda m: m.group(1) + _FIXED_DOC_TIME + m.group(3), core)
    return normalize_zip(data, replace={"docProps/core.xml": core.encode("utf-8")})
