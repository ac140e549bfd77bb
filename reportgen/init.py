"""`reportgen init`: a new dataset to type figures into, and the workbook form of a dataset.

- `write_workbook(source, xlsx_path)` writes a dataset (a folder, or tables in memory)
  as one Excel workbook: sheets units, indicators, values, targets, notes, settings,
  plus a hidden `lists` sheet feeding drop-down lists, so that a clerk can only pick
  known unit codes, periods and indicator codes in values/targets. Codes are text
  cells ("001" stays "001"); headers are bold and frozen.
- `init_dataset(target, template=None)` creates a new, empty dataset (a folder, or a
  workbook when `target` ends with .xlsx) with the template's units and settings and
  the indicator catalogue filled in. It never overwrites: a non-empty target raises
  `InitTargetExistsError`.

The bytes of a written workbook depend only on its content (fixed zip metadata and
document dates), so a rebuilt workbook can be compared with the previous one.
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

from reportgen.errors import InputFileError
from reportgen.i18n import N_
from reportgen.resources import package_path
from reportgen.dataset import section_of_heading as dataset_section_of_heading
from reportgen.files import normalize_zip

CATALOGUE_FILE = Path(__file__).parent / "catalogue" / "core.csv"
DEFAULT_TEMPLATE = package_path("samples", "hanoi")

COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "level", "parent"),
    "indicators": ("code", "name", "unit", "parent", "exhaustive", "additive", "kind"),
    "values": ("unit", "period", "indicator", "value", "scope"),
    "targets": ("unit", "year", "indicator", "target"),
    "notes": ("unit", "period", "section", "text"),
    "settings": ("key", "value"),
}
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
SECTION_NAMES = {"I": "Tình hình chung", "II": "Tồn tại, hạn chế và nguyên nhân",
                 "III": "Phương hướng, nhiệm vụ", "IV": "Đề xuất, kiến nghị"}
_FIXED_DOC_TIME = "2000-01-01T00:00:00Z"
_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


class InitTargetExistsError(InputFileError, FileExistsError):
    """`init` was asked to write where something already is; nothing was touched."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(N_("{path} already exists and is not empty; choose a new name"), path=self.path)


# ------------------------------------------------------------------ reading a folder

def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "") for k, v in row.items() if k is not None}
                for row in csv.DictReader(handle)]


def section_of_heading(heading: str) -> str:
    """"Tồn tại, hạn chế và nguyên nhân" → "II". An unknown heading is returned as it is
    (the loader then reports it, with its location, instead of the text being lost)."""
    return dataset_section_of_heading(heading) or heading.strip()


def notes_rows(notes_dir: Path) -> list[dict[str, str]]:
    """notes/<period>/<unit>.md → rows unit, period, section, text (one per "## " section;
    the text keeps its paragraphs, separated by a blank line)."""
    rows = []
    order = {s: i for i, s in enumerate(SECTION_NAMES)}
    for file in sorted(notes_dir.glob("*/*.md")) if notes_dir.is_dir() else ():
        text = unicodedata.normalize("NFC", file.read_text(encoding="utf-8-sig")).replace("\r\n", "\n")
        section, buffer, found = None, [], []

        def flush():
            body = re.sub(r"\n{3,}", "\n\n", "\n".join(buffer)).strip()
            if section is not None and body:
                found.append({"unit": file.stem, "period": file.parent.name,
                              "section": section, "text": body})

        for line in text.split("\n"):
            if line.startswith("## "):
                flush()
                section, buffer = section_of_heading(line[3:]), []
            elif section is not None:
                buffer.append(line.rstrip())
        flush()
        rows.extend(sorted(found, key=lambda r: order.get(r["section"], len(order))))
    return rows


def read_folder(folder: Path) -> dict[str, Any]:
    """The tables of a dataset folder, as text, plus its settings mapping."""
    folder = Path(folder)
    tables: dict[str, Any] = {}
    for name in ("units", "indicators", "values", "targets"):
        path = folder / f"{name}.csv"
        if path.exists():
            tables[name] = _read_csv(path)
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


def _period_key(code: str) -> tuple:
    match = re.match(r"^(\d{4})-(.+)$", code)
    if not match:
        return (9999, 9, code)
    rank = {"Q1": 1, "H1": 2, "Q2": 2, "Q3": 3, "9M": 4, "Q4": 5, "Y": 6}.get(match.group(2), 7)
    return (int(match.group(1)), rank, match.group(2))


def _catalogue_rows() -> list[dict[str, str]]:
    return _read_csv(CATALOGUE_FILE)


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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    tables: dict[str, Any] = read_folder(Path(source)) if isinstance(source, (str, Path)) else dict(source)
    settings = tables.get("settings") or []
    if isinstance(settings, Mapping):
        settings = settings_rows(settings)
    tables["settings"] = settings
    for name in ("units", "indicators", "values", "targets", "notes"):
        tables.setdefault(name, [])

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    sheets = {}
    for name in [*SHEET_ORDER, *(t for t in tables if t not in SHEET_ORDER and t != LISTS_SHEET)]:
        rows = list(tables.get(name) or [])
        columns = list(COLUMNS.get(name, ()))
        for row in rows:
            columns += [k for k in row if k not in columns]
        ws = wb.create_sheet(name)
        sheets[name] = ws
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = header_fill
        ws.freeze_panes = "A2"
        text_columns = TEXT_COLUMNS.get(name, set())
        widths = [len(c) for c in columns]
        for row in rows:
            values = [_cell_value(name, c, row.get(c)) for c in columns]
            ws.append(values)
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

    if with_validation:
        unit_codes = _unique(r.get("code") for r in tables["units"])
        indicator_codes = _unique([r["code"] for r in _catalogue_rows()]
                                  + [r.get("code") for r in tables["indicators"]])
        if periods is None:
            found = ([r.get("period") for r in tables["values"]]
                     + [r.get("period") for r in tables["notes"]])
            periods = sorted(_unique(found), key=_period_key)
        period_codes = _unique(periods)
        years = _unique([str(p)[:4] for p in period_codes if re.match(r"^\d{4}", str(p))]
                        + [str(r.get("year")) for r in tables["targets"] if r.get("year")])
        years = sorted(years)
        lists = {"unit": unit_codes, "period": period_codes, "indicator": indicator_codes,
                 "year": years, "scope": ["total", "own"]}
        ws = wb.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        ranges = {}
        for col, (key, items) in enumerate(lists.items(), start=1):
            letter = get_column_letter(col)
            ws.cell(row=1, column=col, value=key).font = bold
            ws.column_dimensions[letter].number_format = "@"
            for r, item in enumerate(items, start=2):
                cell = ws.cell(row=r, column=col, value=int(item) if key == "year" else str(item))
                if key != "year":
                    cell.number_format = "@"
            if items:
                ranges[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(items) + 1}"

        messages = {
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
        plan = {"values": ("unit", "period", "indicator", "scope"),
                "targets": ("unit", "year", "indicator")}
        for sheet_name, columns in plan.items():
            sheet = sheets[sheet_name]
            header = [c.value for c in sheet[1]]
            last = validation_rows or max(VALIDATION_ROWS, len(tables[sheet_name]) + 1001)
            for key in columns:
                if key not in header or key not in ranges:
                    continue
                letter = get_column_letter(header.index(key) + 1)
                title, text = messages[key]
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

    if comment:
        sheets["settings"]["A1"].comment = Comment(comment, "reportgen")
    xlsx_path = Path(xlsx_path)
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


# ------------------------------------------------------------------ init

def _is_empty_target(target: Path) -> bool:
    if not target.exists():
        return True
    if target.is_dir():
        return not any(target.iterdir())
    return target.stat().st_size == 0


def _template_tables(template: Path) -> dict[str, Any]:
    if template.is_file() and template.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(template, read_only=True, data_only=True)
        tables: dict[str, Any] = {}
        for name in ("units", "indicators", "values", "settings"):
            if name not in wb.sheetnames:
                continue
            rows = list(wb[name].iter_rows(values_only=True))
            if not rows:
                continue
            header = [str(h) if h is not None else "" for h in rows[0]]
            tables[name] = [{h: ("" if v is None else str(v)) for h, v in zip(header, r)}
                            for r in rows[1:] if any(v not in (None, "") for v in r)]
        wb.close()
        settings = {}
        for row in tables.get("settings", []):
            text = row.get("value", "")
            try:
                settings[row.get("key", "")] = yaml.safe_load(text) if text else None
            except yaml.YAMLError:
                settings[row.get("key", "")] = text
        tables["settings"] = settings
        tables["settings_text"] = yaml.dump(settings, Dumper=_NoAliasDumper, allow_unicode=True,
                                            sort_keys=False)
        return tables
    tables = read_folder(template)
    settings_file = template / "dataset.yaml"
    text = settings_file.read_text(encoding="utf-8") if settings_file.exists() else ""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].lstrip().startswith("#"):  # the template's own description
        lines.pop(0)
    tables["settings_text"] = "".join(lines)
    return tables


def next_periods(periods: Iterable[str]) -> list[str]:
    """The template's periods, every H1/Y of their years, and the following year's
    H1 and Y (no clock is read: the result depends on the template only)."""
    periods = _unique(periods)
    years = sorted({int(p[:4]) for p in periods if re.match(r"^\d{4}-", p)})
    if years:
        for year in range(years[0], years[-1] + 2):
            periods += [f"{year}-H1", f"{year}-Y"]
    return sorted(_unique(periods), key=_period_key)


def init_dataset(target: Path | str, *, template: Path | str | None = None) -> Path:
    """Create a new dataset at `target` (a folder, or a workbook if it ends with .xlsx)
    with the template's units and settings, the indicator catalogue, and empty values,
    targets and notes. Raises InitTargetExistsError if `target` exists and is not empty."""
    target = Path(target)
    template = Path(template) if template is not None else DEFAULT_TEMPLATE
    if not _is_empty_target(target):
        raise InitTargetExistsError(target)
    if not template.exists():
        raise FileNotFoundError(f"không tìm thấy bộ dữ liệu mẫu: {template}")
    source = _template_tables(template)
    catalogue = _catalogue_rows()
    core_codes = {r["code"] for r in catalogue}
    indicators = catalogue + [r for r in source.get("indicators", []) if r.get("code") not in core_codes]
    periods = next_periods(r.get("period", "") for r in source.get("values", []))
    comment = (f"# Tạo bởi `reportgen init` từ bộ dữ liệu mẫu {template.name}: kiểm tra lại "
               f"tiêu đề, cơ quan ban hành, người ký, nơi nhận và ngày ban hành.\n"
               f"# Created by `reportgen init` from the template {template.name}: review "
               f"the title, issuing agency, signer, recipients and issue dates.\n")

    if target.suffix.lower() == ".xlsx":
        tables = {"units": source.get("units", []), "indicators": indicators, "values": [],
                  "targets": [], "notes": [], "settings": source.get("settings") or {}}
        try:
            return write_workbook(tables, target, periods=periods, comment=comment)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    target.mkdir(parents=True, exist_ok=True)

    def write(name: str, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([[r.get(c, "") for c in columns] for r in rows])

    write("units.csv", COLUMNS["units"], source.get("units", []))
    write("indicators.csv", COLUMNS["indicators"], indicators)
    write("values.csv", COLUMNS["values"], [])
    write("targets.csv", COLUMNS["targets"], [])
    (target / "notes").mkdir(exist_ok=True)
    (target / "dataset.yaml").write_text(comment + source.get("settings_text", ""), encoding="utf-8")
    return target
