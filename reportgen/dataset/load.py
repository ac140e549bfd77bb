"""Read a dataset folder (CSV) or workbook (.xlsx) into a Dataset (interface.md §1).

pandas stays at this edge: every cell is read as text, then cleaned (cells.py: Unicode
NFC, stray spaces, XML-illegal control characters) and parsed into plain value objects.
Problems with single cells are collected with their location, never raised, so a clerk
sees every one in a single run; only a dataset that cannot be opened at all raises
DatasetError.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from reportgen.dataset.cells import (
    clean_text, markdown_sections, parse_bool, parse_count, parse_date_text, section_of_heading,
    split_paragraphs,
)
from reportgen.dataset.settings import parse_settings
from reportgen.dataset.types import (
    CATALOGUE_FILE, COLUMNS, FORM_TABLES, LEVELS, LIST_SEPARATOR, RELATION_PART, RELATIONS,
    REQUIRED_COLUMNS, SCOPE_OWN, SCOPE_TOTAL, SHEET_NAMES_VI, TABLES, Dataset, Indicator,
    LoadResult, NoteSection, Settings, TargetRow, Unit, ValueRow, column_of_header,
    table_of_sheet, vietnamese_column,
)
from reportgen.i18n import N_
from reportgen.periods import Period, PeriodError
from reportgen.problems import DatasetError, Location, Problem
from reportgen.safety.archives import ArchiveError, CheckedZip, check_sheet_rows
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError, check_count, check_tree_depth
from reportgen.safety.paths import is_code, open_inside, read_inside
from reportgen.safety.yamlsafe import YamlError, load_yaml

CODE_FIX = N_("use 1 to 32 ASCII letters, digits, \"_\" or \"-\", starting with a letter or "
              "digit (for example 001, rehab_compulsory, 2023-H1)")


# ---------------------------------------------------------------- reading tables

class _Cell:
    """A cleaned cell; its Location is built only when asked for (a problem, a value row)."""

    __slots__ = ("text", "_table", "_row", "_column")

    def __init__(self, text: str, table: "_Table", row: int, column: str):
        self.text = text
        self._table = table
        self._row = row
        self._column = column

    @property
    def location(self) -> Location:
        return self._table.location(self._row, self._column)


# Columns holding codes: a drop-down shows "006 — Quận Ba Đình", the reader keeps "006".
_CODE_COLUMNS = {
    "units": ("level", "parent"), "indicators": ("parent", "kind"),
    "values": ("unit", "period", "indicator", "scope"), "targets": ("unit", "year", "indicator"),
    "notes": ("unit", "period", "section"), "issue_dates": ("period",),
    "report_numbers": ("period", "unit"),
}


def strip_list_label(text: str) -> str:
    """"006 — Quận Ba Đình" (what a drop-down shows) → "006"; a bare code stays as it is."""
    for separator in (LIST_SEPARATOR, " – "):
        if separator in text:
            return text.split(separator, 1)[0].strip()
    return text


class _Table:
    """Rows of cleaned text cells with their locations, from a CSV file or a sheet.

    Headers are matched through the alias table (types.COLUMNS_VI): `header` holds the
    English column names the parsers use, `shown` the headers as the sheet spells them,
    which is what a located problem names."""

    def __init__(self, name: str, file: str, sheet: str | None, header: list[str],
                 rows: list[list[str]], problems: list[Problem]):
        self.name = name
        self.file = file
        self.sheet = sheet
        self.shown = [clean_text(h)[0] for h in header]
        self.header = [column_of_header(name, h) for h in self.shown]
        self.rows = rows
        self.problems = problems
        self.vietnamese = bool(sheet) and table_of_sheet(sheet) == name and sheet != name

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        letter = None
        shown = column
        if column in self.header:
            index = self.header.index(column)
            shown = self.shown[index] or column
            if self.sheet:
                letter = _column_letter(index)
        elif column and self.vietnamese:
            shown = vietnamese_column(self.name, column)
        return Location(self.file, self.sheet, row, shown, letter)

    def check_columns(self, required: tuple[str, ...]) -> bool:
        missing = [c for c in required if c not in self.header]
        if missing:
            name = (lambda c: vietnamese_column(self.name, c)) if self.vietnamese else str
            self.problems.append(Problem.error(
                self.location(1), N_("missing column(s): {columns}"),
                fix=N_("add a header row with the columns {expected}"),
                columns=", ".join(map(name, missing)), expected=",".join(map(name, required))))
            return False
        # Two columns of one name: one would silently hide the other's figures.
        seen: dict[str, int] = {}
        duplicated = False
        for index, column in enumerate(self.header):
            if column and column in seen:
                self.problems.append(Problem.error(
                    Location(self.file, self.sheet, 1, column, _column_letter(index) if self.sheet else None),
                    N_("the column \"{column}\" appears twice (columns {first} and {second})"),
                    fix=N_("keep one column of that name; rename or delete the other"),
                    column=column, first=seen[column] + 1, second=index + 1))
                duplicated = True
            seen.setdefault(column, index)
        if duplicated:
            return False
        known = COLUMNS.get(self.name, ()) + EXTRA_COLUMNS.get(self.name, ())
        for index, column in enumerate(self.header):
            if column and known and column not in known:
                self.problems.append(Problem.warning(
                    Location(self.file, self.sheet, 1, column, _column_letter(index) if self.sheet else None),
                    N_("unknown column \"{column}\"; it is not read"),
                    fix=N_("check the spelling; the columns are: {expected}"),
                    column=column, expected=", ".join(known)))
        return True

    def records(self) -> Iterator[tuple[int, dict[str, _Cell]]]:
        header = self.header
        for index, raw in enumerate(self.rows):
            row_number = index + 2  # the header is row 1 in both Excel and a text editor
            if _is_clean_row(raw) and len(raw) >= len(header):
                # The common case (codes and figures in plain ASCII): nothing to clean.
                if not any(raw):
                    continue
                yield row_number, {column: _Cell(text, self, row_number, column)
                                   for column, text in zip(header, raw)}
                continue
            if not any(str(v).strip() for v in raw):
                continue
            codes = _CODE_COLUMNS.get(self.name, ())
            cells = {}
            for position, column in enumerate(header):
                raw_value = raw[position] if position < len(raw) else ""
                text, had_illegal = clean_text(raw_value)
                if had_illegal:
                    self.problems.append(Problem.warning(
                        self.location(row_number, column),
                        N_("control characters that cannot appear in a document were removed"),
                        fix=N_("retype the text without invisible characters"), value=text))
                if column in codes:
                    text = strip_list_label(text)
                cells[column] = _Cell(text, self, row_number, column)
            yield row_number, cells


def _is_clean_row(raw: list[str]) -> bool:
    """True when clean_text would leave every cell as it is: printable ASCII, no cell
    starting or ending with a space, no double space. Checked on the joined row, where
    every cell boundary is a "|" (so a cell's edge space shows as "| " or " |")."""
    joined = "|".join(raw)
    return (joined.isascii() and joined.isprintable() and "  " not in joined
            and "| " not in joined and " |" not in joined and joined == joined.strip())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Columns the reader accepts beyond the writer's own (COLUMNS).
EXTRA_COLUMNS = {"indicators": ("decimal",)}


def _located(error: SafetyError, location: Location | None = None) -> Problem:
    return error.as_problem(location)


def _read_csv(folder: Path, name: str, problems: list[Problem], limits: Limits) -> _Table | None:
    relative = f"{name}.csv"
    rows: list[list[str]] = []
    try:
        with open_inside(folder, relative, "rb") as raw, \
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                if len(rows) > limits.sheet_rows:  # the header plus sheet_rows data rows
                    raise LimitExceeded("sheet_rows", limits.sheet_rows, f"> {limits.sheet_rows}",
                                        file=relative)
                rows.append(row)
    except FileNotFoundError:
        return None
    except SafetyError as error:
        problems.append(_located(error, Location(relative)))
        return None
    except UnicodeDecodeError:
        problems.append(Problem.error(
            Location(relative), N_("the file is not UTF-8 text"),
            fix=N_("save it as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8)")))
        return None
    except csv.Error as error:
        problems.append(Problem.error(Location(relative, row=len(rows) + 1),
                                      N_("cannot read the file: {reason}"), reason=str(error)[:200]))
        return None
    except OSError as error:
        problems.append(Problem.error(Location(relative), N_("cannot read the file: {reason}"),
                                      reason=error.strerror or str(error)))
        return None
    if not rows:
        problems.append(Problem.error(Location(relative), N_("the file is empty"),
                                      fix=N_("add a header row and data rows")))
        return None
    return _Table(name, relative, None, rows[0], rows[1:], problems)


def _read_workbook(path: Path, problems: list[Problem], limits: Limits) -> dict[str, _Table] | None:
    """Sheets by name. The archive is checked (entries, sizes, ratios, rows per sheet)
    before openpyxl sees a byte, and openpyxl reads the very handle that was checked."""
    try:
        with CheckedZip(path, file=path.name, limits=limits) as archive:
            check_sheet_rows(archive)
            import pandas as pd  # only for a workbook that passed the checks

            sheets = pd.read_excel(archive.stream(), sheet_name=None, dtype=str,
                                   keep_default_na=False, header=None, engine="openpyxl")
    except ArchiveError as error:
        if "reason" in error.params and "entry" not in error.params:  # not a ZIP at all
            problems.append(Problem.error(
                Location(path.name), N_("cannot open the workbook: {reason}"),
                fix=N_("save the file as an Excel workbook (.xlsx) and try again"),
                reason=error.params["reason"]))
        else:
            problems.append(_located(error))
        return None
    except SafetyError as error:
        problems.append(_located(error))
        return None
    except Exception as error:  # openpyxl raises many types for a damaged/foreign file
        problems.append(Problem.error(
            Location(path.name), N_("cannot open the workbook: {reason}"),
            fix=N_("save the file as an Excel workbook (.xlsx) and try again"),
            reason=type(error).__name__))
        return None
    tables: dict[str, _Table] = {}
    names: dict[str, str] = {}
    for sheet_name, frame in sheets.items():
        # "Số liệu" and "values" are the same table; Hướng dẫn and the lists are no table.
        key = table_of_sheet(sheet_name) or clean_text(sheet_name)[0].casefold()
        if key in names:
            # "values" and "VALUES" (or a hidden " Values"): one would silently replace
            # the other, so neither is read.
            problems.append(Problem.error(
                Location(path.name, str(sheet_name)),
                N_("the sheets \"{first}\" and \"{second}\" have the same name; reportgen cannot tell which to read"),
                fix=N_("delete or rename one of them (hidden sheets count too)"),
                first=names[key], second=str(sheet_name)))
            tables.pop(key, None)
            continue
        names[key] = str(sheet_name)
        if frame.empty:
            continue
        rows = frame.values.tolist()
        tables[key] = _Table(key, path.name, str(sheet_name), [str(c) for c in rows[0]],
                             [[str(c) for c in r] for r in rows[1:]], problems)
    return tables


# ---------------------------------------------------------------- the loader

def load_catalogue() -> dict[str, Indicator]:
    with CATALOGUE_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    catalogue = {}
    for order, row in enumerate(rows):
        catalogue[row["code"]] = Indicator(
            code=row["code"], name=row["name"], unit=row["unit"], parent=row["parent"] or None,
            exhaustive=row["exhaustive"] != "false", additive=row["additive"] != "false",
            kind=row.get("kind") or "flow", core=True, order=order,
            relation=row.get("relation") or RELATION_PART)
    return catalogue


def load_dataset(path: Path, *, limits: Limits | None = None) -> LoadResult:
    """Read everything that can be read; report every problem found on the way. Every
    byte passes the safety checks (reportgen.safety) with the operator's `limits`."""
    path = Path(path)
    limits = limits or Limits.from_environ()
    problems: list[Problem] = []
    if not path.exists():
        raise DatasetError([Problem.error(Location(str(path)), N_("no such dataset"),
                                          fix=N_("give a dataset folder or an .xlsx workbook"))])
    if path.is_dir():
        tables, raw_settings, locate, notes_source = _read_folder(path, problems, limits)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _read_workbook(path, problems, limits)
        if tables is None:  # refused or unreadable: its own problem says why
            raise DatasetError(problems)
        form_tables = {name: tables.pop(name) for name in FORM_TABLES if name in tables}
        if "form" in form_tables:  # the clerk's form (Thông tin văn bản); wins over "settings"
            from reportgen.dataset.form import read_form

            tables.pop("settings", None)
            raw_settings, locate = read_form(form_tables, problems)
        else:  # an older workbook: key/value YAML in a "settings" sheet
            raw_settings, locate = _settings_from_sheet(path, tables.pop("settings", None), problems, limits)
        notes_source = tables.pop("notes", None)
    else:
        raise DatasetError([Problem.error(Location(path.name), N_("not a dataset"),
                                          fix=N_("give a dataset folder or an .xlsx workbook"))])
    if raw_settings is None:
        raise DatasetError(problems)
    settings, settings_problems = parse_settings(raw_settings, locate)
    problems += settings_problems
    for name in ("units", "values"):
        if name not in tables:
            where = Location(path.name if path.is_file() else f"{name}.csv")
            problems.append(Problem.error(where, N_("the table \"{table}\" is missing"),
                                          fix=N_("add the {table} table (see README: dataset layout)"),
                                          table=name))
    units = _parse_units(tables.get("units"), problems)
    tree_ok = _check_tree(tables.get("units"), units, problems, limits)
    indicators = load_catalogue()
    _parse_indicators(tables.get("indicators"), indicators, problems)
    values = _parse_values(tables.get("values"), indicators, problems, limits, units)
    targets = _parse_targets(tables.get("targets"), indicators, problems, limits, units)
    notes, notes_location = _parse_notes(path, notes_source, problems, limits)
    if settings is None or not tree_ok:
        return LoadResult(None, problems)
    _restore_setting_codes(settings, units, locate, problems)
    dataset = Dataset(path, settings, units, indicators, values, targets, notes, notes_location)
    return LoadResult(dataset, problems)


def _check_tree(table: "_Table | None", units: dict[str, Unit], problems: list[Problem],
                limits: Limits) -> bool:
    """The unit tree is at most unit_depth deep and has no cycle (checked iteratively):
    the roll-ups walk it, so a 1,000-level chain is refused here, before they run."""
    if not units:
        return True
    try:
        check_tree_depth({u.code: u.parent for u in units.values()}, limits,
                         file=table.file if table else None)
    except LimitExceeded as error:
        problems.append(_located(error, Location(table.file, table.sheet, column="parent",
                                                 key=error.where) if table else None))
        return False
    except SafetyError as error:  # a parent cycle: the roll-ups would loop
        problems.append(_located(error, Location(table.file, table.sheet, column="parent",
                                                 key=error.where) if table else None))
        return False
    return True


def _read_folder(path: Path, problems: list[Problem], limits: Limits):
    tables = {}
    for name in TABLES:
        table = _read_csv(path, name, problems, limits)
        if table is not None:
            tables[name] = table
    raw_settings = None
    try:
        data = read_inside(path, "dataset.yaml", max_bytes=limits.yaml_bytes, limit="yaml_bytes")
        raw_settings = load_yaml(data, file="dataset.yaml", limits=limits, text_scalars=True)
        if raw_settings is None:
            raw_settings = {}
    except FileNotFoundError:
        problems.append(Problem.error(Location("dataset.yaml"), N_("the file is missing"),
                                      fix=N_("create dataset.yaml with at least title and root")))
    except SafetyError as error:
        problems.append(_located(error))
    except OSError as error:
        problems.append(Problem.error(Location("dataset.yaml"), N_("cannot read the file: {reason}"),
                                      reason=error.strerror or str(error)))
    if raw_settings is not None and not isinstance(raw_settings, dict):
        problems.append(Problem.error(Location("dataset.yaml"), N_("not a mapping of settings"),
                                      fix=N_("write one \"key: value\" per line")))
        raw_settings = None
    return tables, raw_settings, lambda key: Location("dataset.yaml"), path / "notes"


def _settings_from_sheet(path: Path, table: _Table | None, problems: list[Problem], limits: Limits):
    """The settings sheet's key/value rows; each value cell is YAML, read like dataset.yaml
    (bounded, no tags, plain scalars kept as text)."""
    sheet_location = Location(path.name, "settings")
    if table is None:
        problems.append(Problem.error(Location(path.name, "settings"), N_("the table \"{table}\" is missing"),
                                      fix=N_("add the {table} table (see README: dataset layout)"),
                                      table="settings"))
        return None, lambda key: sheet_location
    if not table.check_columns(REQUIRED_COLUMNS["settings"]):
        return None, lambda key: sheet_location
    settings: dict = {}
    rows: dict[str, Location] = {}
    for row, cells in table.records():
        key = cells["key"].text
        text = cells["value"].text
        location = cells["value"].location
        if key in rows:
            problems.append(Problem.error(
                cells["key"].location, N_("the key \"{key}\" is given twice (first on line {first})"),
                fix=N_("keep one of the two entries"), key=key[:80], first=rows[key].row))
            continue
        rows[key] = location
        if not text:
            settings[key] = None
            continue
        try:
            settings[key] = load_yaml(text, file=path.name, limits=limits, text_scalars=True)
        except LimitExceeded as error:
            problems.append(_located(error, location))
        except YamlError as error:
            if error.message.startswith("the YAML cannot be read"):
                settings[key] = text  # not YAML: a plain text such as "Lưu: VT, LĐTBXH"
            else:
                problems.append(_located(error, location))  # a tag, a duplicate key...
    return settings, lambda key: rows.get(key, sheet_location)


def restored_codes(code: str, units) -> list[str]:
    """The unit codes a number may stand for when a cell dropped its leading zeros: "6" →
    ["006"], "1" → ["01", "001"]. Empty when `code` is a unit or no code fits."""
    if code in units or not code.isdigit():
        return []
    return [u for u in units if u.isdigit() and u != code and u.lstrip("0") == code.lstrip("0")]


def restored_code(code: str, units) -> str | None:
    """The one unit code `code` stands for (see restored_codes), or None."""
    fits = restored_codes(code, units)
    return fits[0] if len(fits) == 1 else None


def _lost_zeros(location: Location, code: str, restored: str | list[str]) -> Problem:
    codes = [restored] if isinstance(restored, str) else restored
    return Problem.error(location, N_("the code {value} has lost its leading zeros: did you mean {code}?"),
                         fix=N_("format the cell as Text and type {code} (or pick it from the drop-down list)"),
                         value=code, code=" / ".join(codes))


def _restore_setting_codes(settings: Settings, units, location_of, problems: list[Problem]) -> None:
    """A root or report-number unit written as a number ("01" read as 1, YAML's 006 read
    as 6): one located problem naming the code meant, and the code put back so that the
    same mistake is not reported again as an unknown unit."""
    roots = [c for c in restored_codes(settings.root, units) if not units[c].parent]
    if len(roots) == 1:  # "1": 01 and 001 fit, but only 01 has no parent
        problems.append(_lost_zeros(location_of("root"), settings.root, roots[0]))
        settings.root = roots[0]
    for period, numbers in settings.report_numbers.items():
        for unit in list(numbers):
            if unit in units:
                continue
            restored = restored_codes(unit, units)
            location = location_of(f"report_numbers.{period}.{unit}")
            if restored:
                problems.append(_lost_zeros(location, unit, restored))
                if len(restored) == 1:
                    numbers[restored[0]] = numbers.pop(unit)
            else:
                problems.append(Problem.error(location, N_("report number for an unknown unit"),
                                              fix=N_("use a code from the units table (codes are text: 001, not 1)"),
                                              value=unit))


def _parse_units(table: _Table | None, problems: list[Problem]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    parents: dict[str, _Cell] = {}
    if table is None or not table.check_columns(REQUIRED_COLUMNS["units"]):
        return units
    for _row, cells in table.records():
        code, name, level = cells["code"].text, cells["name"].text, cells["level"].text
        parent = cells["parent"].text or None
        if not code:
            problems.append(Problem.error(cells["code"].location, N_("the unit code is empty"),
                                          fix=N_("write the official administrative code, e.g. 001")))
            continue
        if not is_code(code):
            problems.append(Problem.error(cells["code"].location, N_("the {kind} \"{code}\" is not a valid code"),
                                          fix=CODE_FIX, kind="unit code", code=code[:80]))
            continue
        if parent is not None and not is_code(parent):
            problems.append(Problem.error(cells["parent"].location, N_("the {kind} \"{code}\" is not a valid code"),
                                          fix=CODE_FIX, kind="unit code", code=parent[:80]))
            parent = None
        if code in units:
            problems.append(Problem.error(cells["code"].location, N_("duplicate unit code"),
                                          fix=N_("each unit appears once; remove or correct this row"),
                                          value=code))
            continue
        if level not in LEVELS:
            problems.append(Problem.error(cells["level"].location, N_("unknown unit level"),
                                          fix=N_("use one of: {levels}"), value=level,
                                          levels=", ".join(LEVELS)))
        if not name:
            problems.append(Problem.error(cells["name"].location, N_("the unit name is empty"),
                                          fix=N_("write the unit's official name, e.g. Quận Ba Đình")))
        units[code] = Unit(code, name, level, parent)
        parents[code] = cells["parent"]
    for code, unit in units.items():  # a parent typed as 1 for "01"
        restored = restored_code(unit.parent, units) if unit.parent else None
        if restored:
            problems.append(_lost_zeros(parents[code].location, unit.parent, restored))
            units[code] = Unit(unit.code, unit.name, unit.level, restored)
    return dict(sorted(units.items()))


def _parse_indicators(table: _Table | None, indicators: dict[str, Indicator],
                      problems: list[Problem]) -> None:
    if table is None or not table.check_columns(REQUIRED_COLUMNS["indicators"]):
        return
    next_order = len(indicators)
    for _row, cells in table.records():
        code = cells["code"].text
        if not code:
            problems.append(Problem.error(cells["code"].location, N_("the indicator code is empty"),
                                          fix=N_("write a code in lower case with underscores, e.g. shelters_visited")))
            continue
        if not is_code(code):
            problems.append(Problem.error(cells["code"].location, N_("the {kind} \"{code}\" is not a valid code"),
                                          fix=CODE_FIX, kind="indicator code", code=code[:80]))
            continue
        flags = {}
        for column, default in (("exhaustive", True), ("additive", True), ("decimal", False)):
            cell = cells.get(column)
            text = cell.text if cell else ""
            parsed = parse_bool(text, default)
            if parsed is None:
                problems.append(Problem.error(cell.location, N_("not true or false"),
                                              fix=N_("write true or false"), value=text))
                parsed = default
            flags[column] = parsed
        kind = cells["kind"].text.lower() if "kind" in cells and cells["kind"].text else "flow"
        if kind not in ("flow", "stock"):
            problems.append(Problem.error(cells["kind"].location, N_("unknown indicator kind"),
                                          fix=N_("write flow or stock"), value=kind))
            kind = "flow"
        existing = indicators.get(code)
        relation_cell = cells.get("relation")
        relation = (relation_cell.text.lower() if relation_cell is not None and relation_cell.text
                    else existing.relation if existing else RELATION_PART)
        if relation not in RELATIONS:
            problems.append(Problem.error(relation_cell.location, N_("unknown relation to the parent indicator"),
                                          fix=N_("leave it empty or write part (a share of the parent's split) or of_which (an overlapping count such as women among them)"),
                                          value=relation))
            relation = RELATION_PART
        indicators[code] = Indicator(
            code=code, name=cells["name"].text or (existing.name if existing else code),
            unit=cells["unit"].text or (existing.unit if existing else ""),
            parent=cells["parent"].text or None, exhaustive=flags["exhaustive"],
            additive=flags["additive"], kind=kind, decimal=flags["decimal"],
            core=existing is not None and existing.core,
            order=existing.order if existing else next_order, relation=relation)
        if existing is None:
            next_order += 1
    for indicator in list(indicators.values()):
        if indicator.parent and indicator.parent not in indicators:
            problems.append(Problem.error(Location(table.file, table.sheet, column="parent"),
                                          N_("indicator {code} is a part of an unknown indicator"),
                                          fix=N_("declare the total indicator or correct the parent code"),
                                          value=indicator.parent, code=indicator.code))
    # Breakdowns may go to any depth, so a parent chain must end: a cycle would make every
    # roll-up loop. The cycle is cut (the indicator becomes a total) after reporting it.
    for indicator in list(indicators.values()):
        seen, current = {indicator.code}, indicators[indicator.code].parent
        while current and current in indicators:
            if current == indicator.code:
                parent = indicators[indicator.code].parent
                problems.append(Problem.error(Location(table.file, table.sheet, column="parent"),
                                              N_("indicator {code} is a part of itself (through {parent})"),
                                              fix=N_("correct the parent codes so that each breakdown leads up to one total"),
                                              value=parent, code=indicator.code, parent=parent))
                indicators[indicator.code] = replace(indicators[indicator.code], parent=None)
                break
            if current in seen:
                break  # a cycle above this indicator: reported for its members
            seen.add(current)
            current = indicators[current].parent


def _unit_code(cells: dict[str, _Cell], units, problems: list[Problem]) -> str:
    code = cells["unit"].text
    restored = restored_codes(code, units) if units else []
    if restored:
        problems.append(_lost_zeros(cells["unit"].location, code, restored))
        return restored[0] if len(restored) == 1 else code
    return code


def _parse_values(table: _Table | None, indicators: dict[str, Indicator],
                  problems: list[Problem], limits: Limits, units=None) -> list[ValueRow]:
    rows: list[ValueRow] = []
    if table is None or not table.check_columns(REQUIRED_COLUMNS["values"]):
        return rows
    known_periods: dict[str, Period] = {}
    for _row, cells in table.records():
        period = _parse_period(cells["period"], problems, known_periods)
        indicator_code = cells["indicator"].text
        indicator = indicators.get(indicator_code)
        scope_cell = cells.get("scope")
        scope = scope_cell.text.lower() if scope_cell is not None and scope_cell.text else SCOPE_TOTAL
        if scope not in (SCOPE_TOTAL, SCOPE_OWN):
            problems.append(Problem.error(scope_cell.location, N_("unknown scope"),
                                          fix=N_("leave it empty (the unit's total) or write own (done by the unit itself)"),
                                          value=scope))
            continue
        value_cell = cells["value"]
        text = value_cell.text
        # Most figures are plain digits: skip the general parser for them.
        value = (int(text) if text.isascii() and text.isdigit() and len(text) < _digits(limits)
                 else _parse_amount(value_cell, indicator, problems, limits))
        if period is None or value is None:
            continue
        rows.append(ValueRow(_unit_code(cells, units, problems), period, indicator_code, value, scope,
                             value_cell.location))
    return rows


def _digits(limits: Limits) -> int:
    """Plain digit strings shorter than this are below max_count: no check needed."""
    return len(str(limits.max_count))


def _parse_targets(table: _Table | None, indicators: dict[str, Indicator],
                   problems: list[Problem], limits: Limits, units=None) -> list[TargetRow]:
    rows: list[TargetRow] = []
    if table is None or not table.check_columns(REQUIRED_COLUMNS["targets"]):
        return rows
    for _row, cells in table.records():
        year_text = cells["year"].text
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else (
            int(year_text[:4]) if re.fullmatch(r"\d{4}\.0+", year_text) else None)
        if year is None:
            problems.append(Problem.error(cells["year"].location, N_("not a year"),
                                          fix=N_("write the year with four digits, e.g. 2024"),
                                          value=year_text))
        indicator = indicators.get(cells["indicator"].text)
        target = _parse_amount(cells["target"], indicator, problems, limits)
        if year is None or target is None:
            continue
        rows.append(TargetRow(_unit_code(cells, units, problems), year, cells["indicator"].text, target,
                              cells["target"].location))
    return rows


def _parse_period(cell: _Cell, problems: list[Problem],
                  known: dict[str, Period] | None = None) -> Period | None:
    if known is not None and cell.text in known:
        return known[cell.text]  # a dataset repeats a handful of periods on every row
    try:
        period = Period.parse(cell.text)
        if known is not None:
            known[cell.text] = period
        return period
    except PeriodError:
        problems.append(Problem.error(cell.location, N_("not a period code"),
                                      fix=N_("write the period as 2023-H1, 2023-9M, 2023-Y or 2023-Q3"),
                                      value=cell.text))
        return None


def _parse_amount(cell: _Cell, indicator: Indicator | None, problems: list[Problem],
                  limits: Limits | None = None):
    allow_decimal = bool(indicator and indicator.decimal)
    if cell.text == "":
        problems.append(Problem.error(cell.location, N_("the figure is empty"),
                                      fix=N_("type the figure, or delete the row if there is no data")))
        return None
    if cell.text.startswith("-") and parse_count(cell.text[1:], allow_decimal=allow_decimal) is not None:
        problems.append(Problem.error(cell.location, N_("a count cannot be negative"),
                                      fix=N_("type the count as a whole number of 0 or more"),
                                      value=cell.text))
        return None
    value = parse_count(cell.text, allow_decimal=allow_decimal)
    if value is None:
        problems.append(Problem.error(
            cell.location, N_("not a whole number"),
            fix=N_("type digits only, e.g. 1200 or 1.200") if not allow_decimal
            else N_("type a number such as 1.200 or 1,5"), value=cell.text))
        return None
    try:  # 10**40 or 1e300 would validate and then crash the figures
        check_count(value, limits or Limits.from_environ())
    except SafetyError as error:
        problems.append(_located(error, cell.location))
        return None
    return value


def _parse_notes(path: Path, source, problems: list[Problem], limits: Limits | None = None):
    limits = limits or Limits.from_environ()
    notes: dict[tuple[str, str], dict[str, NoteSection]] = {}
    if isinstance(source, Path):
        location = Location("notes/")
        if source.is_symlink() or not source.is_dir():
            if source.is_symlink():
                problems.append(Problem.error(location, N_("the notes folder is a link; reportgen does not follow links"),
                                              fix=N_("replace the link by a copy of the file")))
            return notes, location
        for file in sorted(source.glob("*/*.md")):
            relative = f"notes/{file.parent.name}/{file.name}"
            text = _read_note(path, relative, problems, limits)
            if text is None:
                continue
            key = (file.stem, file.parent.name)
            notes[key] = _sections_from_markdown(text, relative, problems)
        return notes, location
    if source is None:
        return notes, None
    table: _Table = source
    if not table.check_columns(REQUIRED_COLUMNS["notes"]):
        return notes, table.location()
    for _row, cells in table.records():
        section = section_of_heading(cells["section"].text)
        if section is None:
            problems.append(Problem.error(cells["section"].location, N_("unknown report section"),
                                          fix=N_("write I, II, III or IV"), value=cells["section"].text))
            continue
        key = (cells["unit"].text, cells["period"].text)
        notes.setdefault(key, {})[section] = NoteSection(
            section, split_paragraphs(cells["text"].text), cells["text"].location)
    return notes, table.location()


def _read_note(root: Path, relative: str, problems: list[Problem], limits: Limits) -> str | None:
    """A notes file's text, or None with a located problem: links are not followed (their
    target is never read), the size is bounded, an empty or non-UTF-8 file is named."""
    try:
        data = read_inside(root, relative, max_bytes=limits.notes_bytes)
    except SafetyError as error:
        problems.append(_located(error, Location(relative)))
        return None
    except OSError as error:
        problems.append(Problem.error(Location(relative), N_("cannot read the file: {reason}"),
                                      reason=error.strerror or str(error)))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem.error(Location(relative), N_("the file is not UTF-8 text (byte {offset})"),
                                      fix=N_("save the file as UTF-8"), offset=error.start))
        return None
    text, had_illegal = clean_text(text)
    if had_illegal:
        problems.append(Problem.warning(Location(relative), N_("control characters that cannot appear in a document were removed"),
                                        fix=N_("retype the text without invisible characters")))
    if not text.strip():
        problems.append(Problem.warning(Location(relative), N_("the notes file is empty"),
                                        fix=N_("write the sections II–IV, or delete the file")))
        return None
    return text


def _sections_from_markdown(text: str, relative: str, problems: list[Problem]) -> dict[str, NoteSection]:
    sections: dict[str, NoteSection] = {}
    for heading, line, lines in markdown_sections(text):
        section = section_of_heading(heading)
        if section is None:
            problems.append(Problem.warning(
                Location(relative, row=line), N_("unknown section heading; its text is not used"),
                fix=N_("use the headings: Tình hình chung, Tồn tại, hạn chế và nguyên nhân, Phương hướng, nhiệm vụ, Đề xuất, kiến nghị"),
                value=heading))
        elif lines:
            sections[section] = NoteSection(section, split_paragraphs("\n".join(lines)),
                                            Location(relative, row=line))
    return sections
