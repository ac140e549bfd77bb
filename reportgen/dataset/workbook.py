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
from reportgen.dataset.form import (
    LEVEL_NAMES, NO, YES, form_rows, hint_of, label_of,
)
from reportgen.dataset.types import (
    CATALOGUE_FILE, COLUMNS, FORM_TABLE_COLUMNS, LEVELS, LIST_SEPARATOR, LISTS_SHEET_VI,
    GUIDE_SHEET, SCOPE_OWN, SCOPE_TOTAL, SECTIONS, SHEET_NAMES_VI, column_of_header,
    vietnamese_column,
)
from reportgen.periods import code_sort_key
from reportgen.files import normalize_zip
from reportgen.safety.formulas import set_xlsx_cell

DATA_SHEETS = ("units", "indicators", "values", "targets", "notes")
# Columns whose cells are always text, whatever they look like.
TEXT_COLUMNS = {
    "units": {"code", "name", "level", "parent"},
    "indicators": {"code", "name", "unit", "parent", "exhaustive", "additive", "kind"},
    "values": {"unit", "period", "indicator", "scope"},
    "targets": {"unit", "indicator"},
    "notes": {"unit", "period", "section", "text"},
    "issue_dates": {"period", "date"},  # dd/mm/yyyy typed as text is read the same in any locale
    "report_numbers": {"period", "unit", "number"},
}
NUMBER_COLUMNS = {"values": {"value"}, "targets": {"year", "target"}}
BOOLEAN_COLUMNS = {("indicators", "exhaustive"), ("indicators", "additive"),
                   ("indicators", "decimal")}
FIGURE_COLUMNS = {("values", "value"), ("targets", "target")}
WIDE_COLUMNS = {("values", "unit"): 30, ("values", "indicator"): 50, ("values", "period"): 30,
                ("targets", "unit"): 30, ("targets", "indicator"): 50, ("notes", "unit"): 30,
                ("notes", "period"): 30, ("units", "level"): 16, ("units", "parent"): 16,
                ("report_numbers", "unit"): 30, ("report_numbers", "period"): 30,
                ("issue_dates", "period"): 30, ("issue_dates", "date"): 16,
                ("report_numbers", "number"): 14, ("indicators", "name"): 50,
                ("units", "name"): 30, ("indicators", "parent"): 24}
LISTS_SHEET = "lists"  # the hidden sheet of older workbooks (not written any more)
VALIDATION_ROWS = 5000  # drop-downs reach at least this row, so there is room to type
PERIOD_KINDS = ("Q1", "Q2", "H1", "Q3", "9M", "Q4", "Y")
SECTION_TITLES = {"I": "Tình hình, kết quả thực hiện", "II": "Tồn tại, hạn chế và nguyên nhân",
                  "III": "Phương hướng, nhiệm vụ", "IV": "Đề xuất, kiến nghị"}
_FIXED_DOC_TIME = "2000-01-01T00:00:00Z"
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")

# Which drop-down each code column offers, and the text Excel shows for a value not in it.
LIST_COLUMNS = {("values", "unit"): "unit", ("values", "period"): "period",
                ("values", "indicator"): "indicator", ("values", "scope"): "scope",
                ("targets", "unit"): "unit", ("targets", "year"): "year",
                ("targets", "indicator"): "indicator", ("notes", "unit"): "unit",
                ("notes", "period"): "period", ("notes", "section"): "section",
                ("units", "level"): "level", ("units", "parent"): "unit",
                ("indicators", "exhaustive"): "yes_no", ("indicators", "additive"): "yes_no",
                ("issue_dates", "period"): "period", ("report_numbers", "period"): "period",
                ("report_numbers", "unit"): "unit"}
LIST_ERRORS = {
    "unit": ("Mã đơn vị không có trong danh sách",
             "Mã này không có trong sheet Đơn vị. Hãy chọn trong danh sách thả xuống "
             "(ví dụ 001 — Quận Ba Đình). Mã đơn vị là chữ: gõ 001, không gõ 1."),
    "period": ("Kỳ báo cáo không có trong danh sách",
               "Hãy chọn kỳ trong danh sách thả xuống, ví dụ 2024-H1 (6 tháng đầu năm), "
               "2024-9M (9 tháng), 2024-Y (cả năm), 2024-Q3 (quý III)."),
    "indicator": ("Mã chỉ tiêu không có trong danh mục",
                  "Hãy chọn chỉ tiêu trong danh sách thả xuống; chỉ tiêu mới thì khai báo "
                  "trước ở sheet Chỉ tiêu."),
    "year": ("Năm không có trong danh sách", "Hãy chọn năm kế hoạch trong danh sách thả xuống."),
    "scope": ("Phạm vi không hợp lệ",
              "Để trống (số liệu của cả đơn vị) hoặc chọn own (phần do chính đơn vị "
              "trực tiếp thực hiện)."),
    "level": ("Cấp không hợp lệ", "Hãy chọn cấp trong danh sách, ví dụ quan — Quận."),
    "section": ("Mục không hợp lệ", "Hãy chọn I, II, III hoặc IV trong danh sách."),
    "yes_no": ("Chọn Có hoặc Không", "Hãy chọn Có hoặc Không."),
}
# The input prompt Excel shows on each column (title at most 32 characters).
PROMPTS: dict[str, dict[str, tuple[str, str]]] = {
    "units": {
        "code": ("Mã đơn vị", "Mã hành chính chính thức, gõ như chữ: 01, 001, 00004. Mỗi đơn vị một dòng."),
        "name": ("Tên đơn vị", "Tên chính thức, ví dụ: Quận Ba Đình, Huyện Gia Lâm."),
        "level": ("Cấp", "Chọn trong danh sách: thanh-pho, quan, huyen, thi-xa, phuong, xa..."),
        "parent": ("Đơn vị cấp trên", "Mã của đơn vị cấp trên (ví dụ 01). Để trống cho đơn vị cao nhất."),
    },
    "indicators": {
        "code": ("Mã chỉ tiêu", "Chỉ tiêu mới: chữ thường không dấu, nối bằng dấu gạch dưới, ví dụ shelters_visited."),
        "name": ("Tên chỉ tiêu", "Tên in trong báo cáo, ví dụ: Số người cai nghiện tự nguyện."),
        "unit": ("Đơn vị tính", "Ví dụ: người, cơ sở, lớp, mô hình."),
        "parent": ("Thuộc chỉ tiêu (trong đó)", "Mã chỉ tiêu tổng mà chỉ tiêu này là một phần ('trong đó'). Để trống nếu không có."),
        "exhaustive": ("Các phần cộng đủ tổng", "Có: các chỉ tiêu con cộng lại phải bằng chỉ tiêu này."),
        "additive": ("Cộng được giữa các đơn vị", "Có: số của cấp trên bằng tổng số của các đơn vị cấp dưới."),
        "kind": ("Loại", "flow: phát sinh trong kỳ (mặc định); stock: số hiện có tại thời điểm."),
        "relation": ("Quan hệ với chỉ tiêu cha",
                     "part (để trống): một phần của chỉ tiêu cha; of_which: số trùng, ví dụ "
                     "\"trong đó nữ\", không cộng vào tổng các phần."),
    },
    "values": {
        "unit": ("Mã đơn vị", "Chọn đơn vị trong danh sách (ví dụ 001 — Quận Ba Đình) hoặc gõ mã 001."),
        "period": ("Kỳ báo cáo", "Chọn kỳ: 2024-H1 (6 tháng đầu năm), 2024-9M, 2024-Y (cả năm), 2024-Q3."),
        "indicator": ("Mã chỉ tiêu", "Chọn chỉ tiêu trong danh sách thả xuống."),
        "value": ("Giá trị", "Số nguyên không âm, ví dụ 1200 hoặc 1.200. Không có số liệu thì bỏ cả dòng."),
        "scope": ("Phạm vi", "Thường để trống (số của cả đơn vị). own: phần chính đơn vị cấp trên trực tiếp thực hiện."),
    },
    "targets": {
        "unit": ("Mã đơn vị", "Chọn đơn vị trong danh sách hoặc gõ mã, ví dụ 001."),
        "year": ("Năm", "Năm kế hoạch, ví dụ 2024."),
        "indicator": ("Mã chỉ tiêu", "Chọn chỉ tiêu trong danh sách thả xuống."),
        "target": ("Kế hoạch", "Số kế hoạch giao cả năm, ví dụ 1200 hoặc 1.200."),
    },
    "notes": {
        "unit": ("Mã đơn vị", "Đơn vị có nhận định, ví dụ 001."),
        "period": ("Kỳ báo cáo", "Kỳ của báo cáo, ví dụ 2024-H1."),
        "section": ("Mục", "I, II, III hoặc IV (xem sheet Hướng dẫn)."),
        "text": ("Nội dung", "Lời văn của mục. Xuống dòng trong ô: Alt+Enter; mỗi dòng bắt đầu bằng '- ' là một gạch đầu dòng."),
    },
    "issue_dates": {
        "period": ("Kỳ báo cáo", "Chọn kỳ, ví dụ 2024-H1. Mỗi kỳ một dòng."),
        "date": ("Ngày ban hành", "Ngày/tháng/năm, ví dụ 05/07/2024."),
    },
    "report_numbers": {
        "period": ("Kỳ báo cáo", "Chọn kỳ, ví dụ 2024-H1."),
        "unit": ("Mã đơn vị", "Đơn vị ban hành báo cáo, ví dụ 006 (gõ như chữ: 006, không gõ 6)."),
        "number": ("Số văn bản", "Số do văn thư cấp, ví dụ 215."),
    },
}


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


def period_range(periods: Iterable[str], *, until_year: int | None = None) -> list[str]:
    """Every period of every year from the earliest year among `periods` to two years
    after the latest (or after `until_year`, when that is later), plus `periods`
    themselves: the drop-down never stops at the last year that has data."""
    periods = _unique(periods)
    years = sorted({int(p[:4]) for p in periods if re.match(r"^\d{4}-", p)})
    if until_year is not None:
        years = sorted(set(years) | {until_year})
    if years:
        for year in range(years[0], years[-1] + 3):
            periods += [f"{year}-{kind}" for kind in PERIOD_KINDS]
    return sorted(_unique(periods), key=code_sort_key)


def write_workbook(source: Mapping[str, Any] | Path | str, xlsx_path: Path | str, *,
                   with_validation: bool = True, periods: Iterable[str] | None = None,
                   validation_rows: int | None = None, comment: str | None = None) -> Path:
    """Write the clerk's workbook form of a dataset.

    `source`: a dataset folder, or tables {"units": [row, ...], "values": [...], ...}
    (rows are dicts keyed by the English column names; "settings" is the dataset.yaml
    mapping, or key/value rows). Sheets, in order: Hướng dẫn (how to fill in every sheet,
    with examples), Đơn vị, Chỉ tiêu, Số liệu, Kế hoạch, Nhận định, Thông tin văn bản (the
    settings as a form), Ngày ban hành, Số văn bản, and the hidden Danh sách feeding the
    drop-downs ("006 — Quận Ba Đình"). `periods`: the periods offered (default: those of
    the data, from their earliest year to two years after the latest). `comment`: a note
    on the form's first cell. Returns `xlsx_path`.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    tables = _tables_of(source)
    settings = tables["settings"]
    wb = Workbook()
    wb.remove(wb.active)
    lists = _drop_down_lists(tables, periods)
    _write_guide(wb, tables, lists)
    sheets = {name: _write_sheet(wb, name, list(tables.get(name) or []))
              for name in DATA_SHEETS}
    for name, rows in tables.items():
        if name not in (*DATA_SHEETS, "settings", LISTS_SHEET):
            sheets[name] = _write_sheet(wb, name, list(rows or []))  # an extra table, kept
    levels = [r.get("level") for r in tables["units"] if r.get("level")]
    sheets["form"] = _write_form(wb, settings, levels)
    sheets["issue_dates"] = _write_sheet(wb, "issue_dates", _issue_date_rows(settings))
    sheets["report_numbers"] = _write_sheet(wb, "report_numbers", _report_number_rows(settings))
    if with_validation:
        ranges = _write_lists(wb, lists)
        _add_validations(sheets, tables, ranges, validation_rows)
    if comment:
        sheets["form"]["A1"].comment = Comment(comment, "reportgen")
    return _save(wb, Path(xlsx_path))


def _tables_of(source: Mapping[str, Any] | Path | str) -> dict[str, Any]:
    tables: dict[str, Any] = read_folder(Path(source)) if isinstance(source, (str, Path)) else dict(source)
    settings = tables.get("settings") or {}
    if not isinstance(settings, Mapping):  # key/value rows, as an older settings sheet
        mapping = {}
        for row in settings:
            text = row.get("value")
            try:
                mapping[row.get("key")] = yaml.safe_load(text) if isinstance(text, str) else text
            except yaml.YAMLError:
                mapping[row.get("key")] = text
        settings = mapping
    tables["settings"] = dict(settings)
    for name in ("units", "indicators", "values", "targets", "notes"):
        tables.setdefault(name, [])
    return tables


def _write_sheet(wb, name: str, rows: list[dict[str, Any]]):
    """One table as a sheet with Vietnamese headers: bold, frozen, text columns formatted
    as text (a typed 001 stays 001), columns wide enough for the Vietnamese names."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = list(COLUMNS.get(name, FORM_TABLE_COLUMNS.get(name, ())))
    for row in rows:
        columns += [k for k in row if k not in columns]
    ws = wb.create_sheet(SHEET_NAMES_VI.get(name, name))
    ws.append([vietnamese_column(name, c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    text_columns = TEXT_COLUMNS.get(name, set())
    widths = [len(vietnamese_column(name, c)) for c in columns]
    for row in rows:
        values = [_cell_value(name, c, _shown_value(name, c, row.get(c))) for c in columns]
        ws.append([None] * len(values))
        for cell, value in zip(ws[ws.max_row], values):
            set_xlsx_cell(cell, value)  # "=1+1" in a name stays text (issue 10)
        for i, v in enumerate(values):
            if v is not None:
                widths[i] = max(widths[i], max(len(line) for line in str(v).split("\n")))
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column in text_columns:
            ws.column_dimensions[letter].number_format = "@"  # typed codes stay text
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell.value, str):
                    cell.number_format = "@"
        long_text = (name, column) in (("notes", "text"),)
        # a code column shows its drop-down's "code — name", so it is as wide as a name
        width = 100 if long_text else max(min(max(widths[i - 1] + 2, 10), 60),
                                          WIDE_COLUMNS.get((name, column), 0))
        ws.column_dimensions[letter].width = width
        if long_text or width >= 60:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return ws


def _shown_value(table: str, column: str, value: Any) -> Any:
    """true/false of the indicators table as Có/Không, the way a clerk writes it."""
    if (table, column) in BOOLEAN_COLUMNS and isinstance(value, str):
        return {"true": YES, "false": NO}.get(value.strip().lower(), value)
    return value


def _drop_down_lists(tables: Mapping[str, Any], periods: Iterable[str] | None) -> dict[str, list]:
    """What each drop-down offers: "code — Vietnamese name" (the reader keeps the code)."""
    from reportgen.periods import Period

    units = {r.get("code"): r.get("name") or "" for r in tables["units"] if r.get("code")}
    indicators = {r["code"]: r["name"] for r in catalogue_rows()}
    indicators.update({r.get("code"): r.get("name") or indicators.get(r.get("code"), "")
                       for r in tables["indicators"] if r.get("code")})
    if periods is None:
        found = ([r.get("period") for r in tables["values"]]
                 + [r.get("period") for r in tables["notes"]]
                 + [f"{r.get('year')}-Y" for r in tables["targets"] if r.get("year")])
        periods = period_range(found)
    period_codes = _unique(periods)
    years = sorted(_unique([str(p)[:4] for p in period_codes if re.match(r"^\d{4}", str(p))]
                           + [str(r.get("year")) for r in tables["targets"] if r.get("year")]))

    def labelled(code: str, name: str) -> str:
        return f"{code}{LIST_SEPARATOR}{name}" if name else code

    def period_label(code: str) -> str:
        try:
            return labelled(code, Period.parse(code).label)
        except ValueError:
            return code

    return {
        "unit": [labelled(c, n) for c, n in units.items()],
        "period": [period_label(p) for p in period_codes],
        "indicator": [labelled(c, n) for c, n in indicators.items()],
        "year": [int(y) for y in years],
        "scope": [labelled(SCOPE_TOTAL, "toàn đơn vị (để trống cũng được)"),
                  labelled(SCOPE_OWN, "phần chính đơn vị trực tiếp thực hiện")],
        "level": [labelled(level, LEVEL_NAMES[level]) for level in LEVELS],
        "section": [labelled(s, t) for s, t in SECTION_TITLES.items()],
        "yes_no": [YES, NO],
    }


def _write_lists(wb, lists: dict[str, list]) -> dict[str, str]:
    """The hidden sheet the drop-downs read; returns each list's cell range."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET_VI)
    ws.sheet_state = "hidden"
    ranges = {}
    for col, (key, items) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=key).font = Font(bold=True)
        ws.column_dimensions[letter].number_format = "@"
        for r, item in enumerate(items, start=2):
            cell = ws.cell(row=r, column=col, value=item)
            if isinstance(item, str):
                cell.number_format = "@"
        if items:
            ranges[key] = f"'{LISTS_SHEET_VI}'!${letter}$2:${letter}${len(items) + 1}"
    return ranges


def _add_validations(sheets, tables: Mapping[str, Any], ranges: dict[str, str],
                     validation_rows: int | None) -> None:
    """A prompt on every column; drop-downs on the code columns; a non-negative check on
    the figures whose message allows 1.200."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for table, columns in PROMPTS.items():
        sheet = sheets.get(table)
        if sheet is None:
            continue
        header = [column_of_header(table, c.value or "") for c in sheet[1]]
        rows = len(tables.get(table) or []) if table in tables else sheet.max_row
        last = validation_rows or max(VALIDATION_ROWS, rows + 1001)
        for column, (title, prompt) in columns.items():
            if column not in header:
                continue
            letter = get_column_letter(header.index(column) + 1)
            list_name = LIST_COLUMNS.get((table, column))
            if list_name and list_name in ranges:
                error_title, error = LIST_ERRORS[list_name]
                # "warning", not "stop": a bare code typed by hand (006) is not in the
                # list ("006 — Quận Ba Đình") but the reader accepts it
                dv = DataValidation(type="list", formula1=f"={ranges[list_name]}", allow_blank=True,
                                    showErrorMessage=True, errorStyle="warning",
                                    errorTitle=error_title, error=error)
            elif (table, column) in FIGURE_COLUMNS:
                dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                    allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                    errorTitle="Số liệu không hợp lệ",
                                    error="Nhập một số không âm, ví dụ 1200 hoặc 1.200 "
                                          "(không nhập chữ, không nhập số âm).")
            else:
                dv = DataValidation(allow_blank=True)
            dv.promptTitle, dv.prompt, dv.showInputMessage = title[:32], prompt[:255], True
            dv.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(dv)
    _add_form_validations(sheets["form"], ranges)


# ------------------------------------------------------------------ the form and the guide

def _issue_date_rows(settings: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for period, value in (settings.get("issue_dates") or {}).items():
        rows.append({"period": str(period), "date": _dmy(value)})
    return rows


def _dmy(value: Any) -> str:
    from reportgen.dataset.cells import parse_date_text

    parsed = value if hasattr(value, "strftime") else parse_date_text(str(value))
    return parsed.strftime("%d/%m/%Y") if parsed else str(value)


def _report_number_rows(settings: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"period": str(period), "unit": str(unit), "number": str(number)}
            for period, units in (settings.get("report_numbers") or {}).items()
            for unit, number in (units or {}).items()]


def _write_form(wb, settings: Mapping[str, Any], levels: list[str]):
    """`Thông tin văn bản`: one labelled row per setting, the value in column B, a hint in
    C and the setting's key in the hidden column D (the reader goes by the key, so a
    clerk may reword a label or insert a row)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(SHEET_NAMES_VI["form"])
    ws.append([vietnamese_column("form", c) for c in ("label", "value", "hint", "key")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.freeze_panes = "A2"
    for key, value in form_rows(dict(settings), levels):
        if key is None:
            ws.append([value])
            cell = ws.cell(row=ws.max_row, column=1)
            cell.font = Font(bold=True, color="1F4E79")
            continue
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        ws.append([label_of(key), None if value is None else str(value), hint_of(key), key])
        row = ws.max_row
        ws.cell(row=row, column=2).number_format = "@"
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=3).font = Font(italic=True, color="666666")
    for letter, width in (("A", 48), ("B", 60), ("C", 60), ("D", 24)):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["D"].hidden = True
    return ws


def _add_form_validations(ws, ranges: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    by_key: dict[str, list[str]] = {}
    for row in ws.iter_rows(min_row=2):
        key = row[3].value if len(row) > 3 else None
        if key:
            by_key.setdefault(key.split(".")[0] if "." in key else key, []).append(f"B{row[0].row}")
    rules = {
        "root": DataValidation(type="list", formula1=f"={ranges['unit']}", errorStyle="warning",
                               showErrorMessage=True, errorTitle=LIST_ERRORS["unit"][0],
                               error=LIST_ERRORS["unit"][1]) if "unit" in ranges else None,
        "leading_zero_counts": DataValidation(type="list", formula1=f'"{YES},{NO}"',
                                              showErrorMessage=True, errorStyle="stop",
                                              errorTitle=LIST_ERRORS["yes_no"][0],
                                              error=LIST_ERRORS["yes_no"][1]),
        "percent_decimals": DataValidation(type="whole", operator="between", formula1="0",
                                           formula2="3", showErrorMessage=True, errorStyle="stop",
                                           errorTitle="Số chữ số thập phân",
                                           error="Nhập 0, 1, 2 hoặc 3."),
    }
    for key, cells in by_key.items():
        dv = rules.get(key) or DataValidation()
        dv.allow_blank = True
        dv.promptTitle = label_of(key)[:32]
        dv.prompt = (hint_of(key) or label_of(key))[:255]
        dv.showInputMessage = True
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)


_GUIDE = [
    ("h", "HƯỚNG DẪN NHẬP SỐ LIỆU BÁO CÁO"),
    ("p", "Tệp này chứa mọi thông tin để lập báo cáo: danh sách đơn vị, số liệu từng kỳ, kế "
          "hoạch năm, nhận định của đơn vị và thông tin ghi trên văn bản (cơ quan, người ký, "
          "ngày ban hành). Điền lần lượt các sheet theo thứ tự dưới đây. Không đổi tên sheet "
          "và tên cột ở dòng 1."),
    ("p", "Khi đặt con trỏ vào một ô, Excel hiện gợi ý cách nhập cột đó. Ở các cột có mũi tên "
          "thả xuống, hãy chọn trong danh sách (ví dụ \"006 — Quận Cầu Giấy\"); gõ tay mã "
          "\"006\" cũng được."),
    ("p", "Các sheet số liệu không có dòng mẫu: mọi dòng trong đó đều được đưa vào báo cáo, "
          "nên một dòng mẫu quên xóa sẽ thành số liệu sai trên văn bản. Ví dụ chỉ nằm ở sheet "
          "này."),
    ("h", "1. Sheet Đơn vị: danh sách đơn vị"),
    ("p", "Mỗi đơn vị một dòng. Mã đơn vị là mã hành chính, luôn gõ như chữ: 01, 001 (không "
          "gõ 1). Cấp: chọn trong danh sách. Đơn vị cấp trên: mã của đơn vị cấp trên; để trống "
          "cho đơn vị cao nhất."),
    ("t", ("Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cấp trên")),
    ("r", ("01", "Thành phố Hà Nội", "thanh-pho", "")),
    ("r", ("001", "Quận Ba Đình", "quan", "01")),
    ("h", "2. Sheet Chỉ tiêu: danh mục chỉ tiêu"),
    ("p", "Đã có sẵn danh mục chỉ tiêu chung. Chỉ thêm dòng khi cần chỉ tiêu mới. Cột \"Thuộc "
          "chỉ tiêu (trong đó)\" ghi mã chỉ tiêu tổng mà chỉ tiêu này là một phần."),
    ("h", "3. Sheet Số liệu: số liệu từng kỳ"),
    ("p", "Mỗi dòng một con số: đơn vị, kỳ báo cáo, chỉ tiêu, giá trị. Giá trị là số nguyên "
          "không âm, gõ 1200 hoặc 1.200. Không có số liệu thì không nhập dòng đó (không gõ 0 "
          "nếu thực tế chưa có số). Phạm vi thường để trống; chỉ chọn own cho phần do chính "
          "đơn vị cấp trên thực hiện (ví dụ Sở trực tiếp tổ chức)."),
    ("p", "Kỳ báo cáo: 2024-H1 là 6 tháng đầu năm 2024, 2024-9M là 9 tháng, 2024-Y là cả năm, "
          "2024-Q3 là quý III."),
    ("t", ("Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Phạm vi")),
    ("r", ("001", "2024-H1", "rehab_compulsory", "1.200", "")),
    ("r", ("01", "2024-H1", "rehab_compulsory", "35", "own")),
    ("h", "4. Sheet Kế hoạch: chỉ tiêu kế hoạch năm"),
    ("p", "Mỗi dòng: đơn vị, năm, chỉ tiêu, số kế hoạch giao cả năm. Báo cáo sẽ tính tỷ lệ "
          "thực hiện so với kế hoạch."),
    ("t", ("Mã đơn vị", "Năm", "Mã chỉ tiêu", "Kế hoạch")),
    ("r", ("001", "2024", "rehab_compulsory", "2.500")),
    ("h", "5. Sheet Nhận định: lời văn của đơn vị"),
    ("p", "Mỗi dòng một mục của báo cáo cho một đơn vị, một kỳ. Mục I: tình hình, kết quả; "
          "II: tồn tại, hạn chế và nguyên nhân; III: phương hướng, nhiệm vụ; IV: đề xuất, kiến "
          "nghị. Xuống dòng trong ô bằng Alt+Enter; dòng bắt đầu bằng \"- \" là một gạch đầu "
          "dòng."),
    ("t", ("Mã đơn vị", "Kỳ báo cáo", "Mục", "Nội dung")),
    ("r", ("001", "2024-H1", "II", "Công tác quản lý sau cai nghiện còn gặp khó khăn.")),
    ("h", "6. Sheet Thông tin văn bản: cơ quan, người ký, nơi nhận"),
    ("p", "Mỗi dòng một thông tin, ghi ở cột Nội dung. Với mỗi cấp đơn vị (Thành phố, Quận, "
          "Huyện...) có một nhóm dòng riêng: tên cơ quan cấp trên, tên cơ quan, tên viết tắt, "
          "thẩm quyền ký, chức vụ, họ tên người ký, Kính gửi, Nơi nhận (mỗi nơi một dòng; còn "
          "thiếu dòng thì chèn thêm dòng và chép cả cột Khóa ẩn của dòng trên)."),
    ("t", ("Thông tin", "Nội dung")),
    ("r", ("Tên cơ quan ban hành (dòng 2 bên trái)", "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")),
    ("r", ("Họ và tên người ký", "Trần Văn Minh")),
    ("h", "7. Sheet Ngày ban hành và sheet Số văn bản"),
    ("p", "Ngày ban hành: mỗi kỳ một dòng, ngày ghi theo ngày/tháng/năm (05/07/2024). Chưa có "
          "ngày thì để trống: báo cáo để chỗ trống \"ngày ... tháng ... năm ...\". Số văn bản: "
          "kỳ, mã đơn vị, số do văn thư cấp; chưa có số thì báo cáo để trống \"Số:    /BC-...\"."),
    ("t", ("Kỳ báo cáo", "Ngày ban hành")),
    ("r", ("2024-H1", "05/07/2024")),
    ("t", ("Kỳ báo cáo", "Mã đơn vị", "Số văn bản")),
    ("r", ("2024-H1", "006", "95")),
    ("h", "Sau khi nhập xong"),
    ("p", "Lưu tệp dạng Excel (.xlsx) và chạy kiểm tra (reportgen validate TÊN-TỆP.xlsx). Mỗi "
          "lỗi được báo kèm tên sheet, số dòng và ô (ví dụ: sheet Số liệu, dòng 12, cột Giá trị "
          "(ô D12)) cùng cách sửa."),
]


def _write_guide(wb, tables: Mapping[str, Any], lists: Mapping[str, list]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(GUIDE_SHEET)
    for column, width in zip("ABCDE", (34, 30, 40, 16, 14)):
        ws.column_dimensions[column].width = width
    for kind, content in _GUIDE:
        if kind == "h":
            ws.append([])
            ws.append([content])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13, color="1F4E79")
        elif kind == "p":
            ws.append([content])
            row = ws.max_row
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * (len(content) // 120 + 1)
        else:
            ws.append(list(content))
            for cell in ws[ws.max_row]:
                cell.number_format = "@"
                if kind == "t":
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor="DDEBF7")
                else:
                    cell.font = Font(italic=True)
    ws["A1"].font = Font(bold=True, size=15, color="1F4E79")


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
