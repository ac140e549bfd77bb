"""The value objects of a dataset (interface.md §1) and the names of its format.

Every layer imports these; nothing here imports pandas, openpyxl or yaml, so that
importing a type stays cheap (a Dask worker, the web app's request models).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from reportgen.periods import Period
from reportgen.problems import Location, Problem
from reportgen.resources import package_path

CATALOGUE_FILE = package_path("catalogue", "core.csv")
LEVELS = ("country", "province", "thanh-pho", "quan", "huyen", "thi-xa", "phuong", "xa",
          "thi-tran")
TABLES = ("units", "indicators", "values", "targets")
# The columns of each table, in the order the workbook writer puts them. The reader
# requires all but the OPTIONAL ones (and accepts extra columns, such as "decimal").
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "level", "parent"),
    "indicators": ("code", "name", "unit", "parent", "exhaustive", "additive", "kind", "relation"),
    "values": ("unit", "period", "indicator", "value", "scope"),
    "targets": ("unit", "year", "indicator", "target"),
    "notes": ("unit", "period", "section", "text"),
    "settings": ("key", "value"),
}
OPTIONAL_COLUMNS = {"indicators": ("kind", "relation"), "values": ("scope",)}
REQUIRED_COLUMNS = {table: tuple(c for c in columns if c not in OPTIONAL_COLUMNS.get(table, ()))
                    for table, columns in COLUMNS.items()}
SCOPE_TOTAL = "total"
SCOPE_OWN = "own"
SECTIONS = ("I", "II", "III", "IV")
# How an indicator with a parent relates to it: a "part" of the parent's split (the
# "trong đó" parts; they sum to the parent when it is exhaustive), or an overlapping
# count "of_which" ("31 nữ" of 832 people): never summed into the split, at most the parent.
RELATION_PART = "part"
RELATION_OF_WHICH = "of_which"
RELATIONS = (RELATION_PART, RELATION_OF_WHICH)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # the counted noun: "người", "mô hình"
    parent: str | None  # the total this is a part of ("trong đó")
    exhaustive: bool  # on a total: parts must sum to it
    additive: bool  # sums across units
    kind: str  # "flow" or "stock"
    decimal: bool = False  # values may carry decimals (else non-negative integers)
    core: bool = True  # from the core catalogue (else declared by the dataset)
    order: int = 0
    relation: str = RELATION_PART  # with a parent: "part" or "of_which" (RELATIONS)


@dataclass(frozen=True, slots=True)
class ValueRow:
    unit: str
    period: Period
    indicator: str
    value: int | Decimal
    scope: str
    location: Location


@dataclass(frozen=True, slots=True)
class TargetRow:
    unit: str
    year: int
    indicator: str
    target: int | Decimal
    location: Location


@dataclass(frozen=True)
class NoteSection:
    section: str  # "I".."IV"
    paragraphs: tuple[str, ...]
    location: Location


@dataclass
class Settings:
    title: str
    root: str
    percent_decimals: int = 1
    leading_zero_counts: bool = False
    pdf_engine: str | None = None  # "weasyprint" (the default) or "typst"
    place: str | None = None
    issue_dates: dict[str, date] = field(default_factory=dict)
    issue_date: date | None = None
    report_numbers: dict[str, dict[str, str]] = field(default_factory=dict)
    # Per level ({quan: {...}}) or once for every level; every leaf is a str (the schema
    # in dataset/settings.py guarantees it).
    agency: dict = field(default_factory=dict)
    addressees: object = None  # str | list[str] | {level: str | list[str]}
    signer: object = None  # {authority, title, name} | {level: {...}}
    recipients: object = None
    templates: str | None = None
    # period → True (every unit's totals are final) or the unit codes declared final;
    # "*" for every period. The draft then drops its "Số liệu chưa đủ" line.
    totals_final: dict[str, object] = field(default_factory=dict)
    # Who acts in the narrative ("toàn quận", "các quận, huyện, thị xã"), once or per
    # level; without it compose chooses from the unit tree.
    subject: object = None
    raw: dict = field(default_factory=dict)
    # Where each top-level key was given (dataset.yaml, or a row of the settings sheet).
    key_locations: dict[str, Location] = field(default_factory=dict)
    default_location: Location = field(default_factory=lambda: Location("dataset.yaml"))

    def issue_date_for(self, period: Period) -> date | None:
        return self.issue_dates.get(period.code, self.issue_date)

    def location(self, path: str) -> Location:
        """Where the setting `path` ("agency.quan.parent") was given."""
        top = path.split(".", 1)[0]
        return dataclasses.replace(self.key_locations.get(top, self.default_location), key=path)

    def template_strings(self):
        """(key path, text) of every setting compose renders as a template."""
        def walk(value, path):
            if isinstance(value, str):
                yield path, value
            elif isinstance(value, dict):
                for key, item in value.items():
                    yield from walk(item, f"{path}.{key}")
            elif isinstance(value, list):
                for index, item in enumerate(value, 1):
                    yield from walk(item, f"{path}[{index}]")
        for key in ("agency", "addressees", "signer", "recipients"):
            yield from walk(getattr(self, key), key)


@dataclass
class Dataset:
    path: Path
    settings: Settings
    units: dict[str, Unit]  # in code order
    indicators: dict[str, Indicator]  # in catalogue order
    values: list[ValueRow]
    targets: list[TargetRow]
    notes: dict[tuple[str, str], dict[str, NoteSection]]  # (unit, period) → section → text
    notes_location: Location | None = None

    @property
    def name(self) -> str:
        return self.path.stem if self.path.suffix else self.path.name

    @property
    def root(self) -> Unit:
        return self.units[self.settings.root]

    def children(self, code: str) -> list[Unit]:
        return list(self._children_index.get(code, ()))

    @cached_property
    def _children_index(self) -> dict[str, tuple[Unit, ...]]:
        # Built once: validation asks for the children of a unit for every figure.
        index: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            index.setdefault(unit.parent, []).append(unit)
        return {parent: tuple(units) for parent, units in index.items()}

    def descendants(self, code: str) -> list[Unit]:
        """Every unit below `code`, parents before their children, in code order."""
        # Iterative (depth-first, children in order): a deep chain cannot blow the stack.
        found: list[Unit] = []
        stack = list(reversed(self.children(code)))
        seen = {code}
        while stack:
            unit = stack.pop()
            if unit.code in seen:  # a parent cycle (validate reports it)
                continue
            seen.add(unit.code)
            found.append(unit)
            stack.extend(reversed(self.children(unit.code)))
        return found

    def periods(self) -> list[Period]:
        return sorted({row.period for row in self.values}, key=lambda p: p.sort_key)

    def parts_of(self, code: str) -> list[Indicator]:
        """The parts of `code`'s split ("trong đó"), overlapping counts excluded."""
        return [i for i in self.breakdown_of(code) if i.relation == RELATION_PART]

    def of_which_of(self, code: str) -> list[Indicator]:
        """The overlapping counts of `code` ("31 nữ" of the 832)."""
        return [i for i in self.breakdown_of(code) if i.relation == RELATION_OF_WHICH]

    def breakdown_of(self, code: str) -> list[Indicator]:
        """Every indicator directly below `code`, parts and overlapping counts, in order."""
        return list(self._breakdown_index.get(code, ()))

    @cached_property
    def _breakdown_index(self) -> dict[str, tuple[Indicator, ...]]:
        index: dict[str, list[Indicator]] = {}
        for indicator in sorted(self.indicators.values(), key=lambda i: i.order):
            if indicator.parent:
                index.setdefault(indicator.parent, []).append(indicator)
        return {parent: tuple(items) for parent, items in index.items()}


@dataclass
class LoadResult:
    dataset: Dataset | None
    problems: list[Problem]


# ---------------------------------------------------------------- the clerk's names
# One alias table, read by the loader and written by the workbook writer: the workbook
# a clerk gets from `init` has Vietnamese sheet and column names; the English names of
# interface.md §1 (and of older workbooks) are still read. Problems name a sheet and a
# column the way the workbook itself spells them.
FORM_TABLES = ("form", "issue_dates", "report_numbers")
SHEET_NAMES_VI: dict[str, str] = {
    "units": "Đơn vị",
    "indicators": "Chỉ tiêu",
    "values": "Số liệu",
    "targets": "Kế hoạch",
    "notes": "Nhận định",
    "form": "Thông tin văn bản",
    "issue_dates": "Ngày ban hành",
    "report_numbers": "Số văn bản",
}
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET_VI = "Danh sách"
FORM_COLUMNS = ("label", "value", "hint", "key")
COLUMNS_VI: dict[str, dict[str, str]] = {
    "units": {"code": "Mã đơn vị", "name": "Tên đơn vị", "level": "Cấp",
              "parent": "Đơn vị cấp trên"},
    "indicators": {"code": "Mã chỉ tiêu", "name": "Tên chỉ tiêu", "unit": "Đơn vị tính",
                   "parent": "Thuộc chỉ tiêu (trong đó)", "exhaustive": "Các phần cộng đủ tổng",
                   "additive": "Cộng được giữa các đơn vị", "kind": "Loại",
                   "decimal": "Có số thập phân", "relation": "Quan hệ với chỉ tiêu cha"},
    "values": {"unit": "Mã đơn vị", "period": "Kỳ báo cáo", "indicator": "Mã chỉ tiêu",
               "value": "Giá trị", "scope": "Phạm vi"},
    "targets": {"unit": "Mã đơn vị", "year": "Năm", "indicator": "Mã chỉ tiêu",
                "target": "Kế hoạch"},
    "notes": {"unit": "Mã đơn vị", "period": "Kỳ báo cáo", "section": "Mục", "text": "Nội dung"},
    "form": {"label": "Thông tin", "value": "Nội dung", "hint": "Ghi chú", "key": "Khóa"},
    "issue_dates": {"period": "Kỳ báo cáo", "date": "Ngày ban hành"},
    "report_numbers": {"period": "Kỳ báo cáo", "unit": "Mã đơn vị", "number": "Số văn bản"},
}
FORM_TABLE_COLUMNS = {"form": FORM_COLUMNS, "issue_dates": ("period", "date"),
                      "report_numbers": ("period", "unit", "number")}
# What a drop-down shows after a code: "006 — Quận Ba Đình". The reader keeps the code.
LIST_SEPARATOR = " — "


def _folded(text: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


_SHEET_ALIASES = {**{_folded(t): t for t in (*TABLES, "notes", "settings")},
                  **{_folded(vi): t for t, vi in SHEET_NAMES_VI.items()}}


def table_of_sheet(sheet_name: str) -> str | None:
    """"Số liệu" or "values" → "values"; None for a sheet that is not a table (Hướng dẫn)."""
    return _SHEET_ALIASES.get(_folded(sheet_name))


def column_of_header(table: str, header: str) -> str:
    """A header as the sheet spells it → the column's English name ("Mã đơn vị" → "unit").
    A header that is no known name is returned folded, as before (extra columns)."""
    folded = _folded(header)
    for column, vi in COLUMNS_VI.get(table, {}).items():
        if folded in (_folded(vi), column):
            return column
    return folded


def vietnamese_column(table: str, column: str) -> str:
    return COLUMNS_VI.get(table, {}).get(column, column)
