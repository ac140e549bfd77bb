"""Read a dataset folder (CSV) or workbook (.xlsx) into a Dataset (interface.md §1).

pandas stays at this edge: every cell is read as text, then cleaned (cells.py: Unicode
NFC, stray spaces, XML-illegal control characters) and parsed into plain value objects.
Problems with single cells are collected with their location, never raised, so a clerk
sees every one in a single run; only a dataset that cannot be opened at all raises
DatasetError.
"""
from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Iterator

import yaml

from reportgen.dataset.cells import (
    clean_text, markdown_sections, parse_bool, parse_count, section_of_heading, split_paragraphs,
)
from reportgen.dataset.types import (
    CATALOGUE_FILE, LEVELS, REQUIRED_COLUMNS, SCOPE_OWN, SCOPE_TOTAL, TABLES, Dataset, Indicator,
    LoadResult, NoteSection, Settings, TargetRow, Unit, ValueRow,
)
from reportgen.i18n import N_
from reportgen.periods import Period, PeriodError
from reportgen.problems import DatasetError, Location, Problem


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


class _Table:
    """Rows of cleaned text cells with their locations, from a CSV file or a sheet."""

    def __init__(self, name: str, file: str, sheet: str | None, header: list[str],
                 rows: list[list[str]], problems: list[Problem]):
        self.name = name
        self.file = file
        self.sheet = sheet
        self.header = [clean_text(h)[0].lower() for h in header]
        self.rows = rows
        self.problems = problems

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        letter = None
        if self.sheet and column in self.header:
            letter = _column_letter(self.header.index(column))
        return Location(self.file, self.sheet, row, column, letter)

    def check_columns(self, required: tuple[str, ...]) -> bool:
        missing = [c for c in required if c not in self.header]
        if missing:
            self.problems.append(Problem.error(
                self.location(1), N_("missing column(s): {columns}"),
                fix=N_("add a header row with the columns {expected}"),
                columns=", ".join(missing), expected=",".join(required)))
            return False
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
            cells = {}
            for position, column in enumerate(header):
                raw_value = raw[position] if position < len(raw) else ""
                text, had_illegal = clean_text(raw_value)
                if had_illegal:
                    self.problems.append(Problem.warning(
                        self.location(row_number, column),
                        N_("control characters that cannot appear in a document were removed"),
                        fix=N_("retype the text without invisible characters"), value=text))
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


def _read_csv(path: Path, name: str, problems: list[Problem]) -> _Table | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        problems.append(Problem.error(
            Location(path.name), N_("the file is not UTF-8 text"),
            fix=N_("save it as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8)")))
        return None
    except OSError as error:
        problems.append(Problem.error(Location(path.name), N_("cannot read the file: {reason}"),
                                      reason=error.strerror or str(error)))
        return None
    if not rows:
        problems.append(Problem.error(Location(path.name), N_("the file is empty"),
                                      fix=N_("add a header row and data rows")))
        return None
    return _Table(name, path.name, None, rows[0], rows[1:], problems)


def _read_workbook(path: Path, problems: list[Problem]) -> dict[str, _Table]:
    import pandas as pd

    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False,
                               header=None, engine="openpyxl")
    except Exception as error:  # openpyxl raises many types for a damaged/foreign file
        problems.append(Problem.error(
            Location(path.name), N_("cannot open the workbook: {reason}"),
            fix=N_("save the file as an Excel workbook (.xlsx) and try again"),
            reason=type(error).__name__))
        return {}
    tables = {}
    for sheet_name, frame in sheets.items():
        key = clean_text(sheet_name)[0].lower()
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
            kind=row.get("kind") or "flow", core=True, order=order)
    return catalogue


def load_dataset(path: Path) -> LoadResult:
    """Read everything that can be read; report every problem found on the way."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        raise DatasetError([Problem.error(Location(str(path)), N_("no such dataset"),
                                          fix=N_("give a dataset folder or an .xlsx workbook"))])
    if path.is_dir():
        tables, raw_settings, notes_source = _read_folder(path, problems)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        tables = _read_workbook(path, problems)
        raw_settings = _settings_from_sheet(tables.pop("settings", None), problems)
        notes_source = tables.pop("notes", None)
    else:
        raise DatasetError([Problem.error(Location(path.name), N_("not a dataset"),
                                          fix=N_("give a dataset folder or an .xlsx workbook"))])
    if raw_settings is None:
        raise DatasetError(problems)
    settings = _parse_settings(raw_settings, _settings_location(path), problems)
    for name in ("units", "values"):
        if name not in tables:
            where = Location(path.name if path.is_file() else f"{name}.csv")
            problems.append(Problem.error(where, N_("the table \"{table}\" is missing"),
                                          fix=N_("add the {table} table (see README: dataset layout)"),
                                          table=name))
    units = _parse_units(tables.get("units"), problems)
    indicators = load_catalogue()
    _parse_indicators(tables.get("indicators"), indicators, problems)
    values = _parse_values(tables.get("values"), indicators, problems)
    targets = _parse_targets(tables.get("targets"), indicators, problems)
    notes, notes_location = _parse_notes(path, notes_source, problems)
    if settings is None:
        return LoadResult(None, problems)
    dataset = Dataset(path, settings, units, indicators, values, targets, notes, notes_location)
    return LoadResult(dataset, problems)


def _settings_location(path: Path) -> Location:
    return Location(path.name, "settings") if path.is_file() else Location("dataset.yaml")


def _read_folder(path: Path, problems: list[Problem]):
    tables = {}
    for name in TABLES:
        file = path / f"{name}.csv"
        if file.exists():
            table = _read_csv(file, name, problems)
            if table is not None:
                tables[name] = table
    settings_file = path / "dataset.yaml"
    raw_settings = None
    if not settings_file.exists():
        problems.append(Problem.error(Location("dataset.yaml"), N_("the file is missing"),
                                      fix=N_("create dataset.yaml with at least title and root")))
    else:
        try:
            raw_settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problems.append(Problem.error(
                Location("dataset.yaml", row=(mark.line + 1) if mark else None),
                N_("not valid YAML"), fix=N_("check the indentation and quotes on that line")))
        except UnicodeDecodeError:
            problems.append(Problem.error(Location("dataset.yaml"), N_("the file is not UTF-8 text"),
                                          fix=N_("save the file with UTF-8 encoding")))
        if raw_settings is not None and not isinstance(raw_settings, dict):
            problems.append(Problem.error(Location("dataset.yaml"), N_("not a mapping of settings"),
                                          fix=N_("write one \"key: value\" per line")))
            raw_settings = None
    return tables, raw_settings, path / "notes"


def _settings_from_sheet(table: _Table | None, problems: list[Problem]) -> dict | None:
    if table is None:
        problems.append(Problem.error(Location("settings"), N_("the table \"{table}\" is missing"),
                                      fix=N_("add the {table} table (see README: dataset layout)"),
                                      table="settings"))
        return None
    if not table.check_columns(REQUIRED_COLUMNS["settings"]):
        return None
    settings: dict = {}
    for _row, cells in table.records():
        key = cells["key"].text
        text = cells["value"].text
        try:
            settings[key] = yaml.safe_load(text) if text else None
        except yaml.YAMLError:
            settings[key] = text
    return settings


def _parse_date(value: object, location: Location, problems: list[Problem]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem.error(location, N_("not a date"),
                                      fix=N_("write the date as YYYY-MM-DD, e.g. 2023-07-05"),
                                      value=value))
        return None


def _parse_settings(raw: dict, location: Location, problems: list[Problem]) -> Settings | None:
    def clean(value):
        if isinstance(value, str):
            return clean_text(value)[0]
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        return value

    raw = clean(raw)
    ok = True
    for key in ("title", "root"):
        if not raw.get(key):
            problems.append(Problem.error(
                Location(location.file, location.sheet, column=key),
                N_("the setting \"{key}\" is required"),
                fix=N_("add \"{key}: …\" to the settings"), key=key))
            ok = False
    decimals = raw.get("percent_decimals", 1)
    if not isinstance(decimals, int) or not 0 <= decimals <= 3:
        problems.append(Problem.error(
            Location(location.file, location.sheet, column="percent_decimals"),
            N_("percent_decimals must be a whole number from 0 to 3"),
            fix=N_("set percent_decimals to 0, 1, 2 or 3"), value=decimals))
        decimals = 1
    from reportgen.render import FORMATS  # the engines the PDF format has

    pdf_engine = raw.get("pdf_engine")
    if pdf_engine is not None and pdf_engine not in FORMATS["pdf"].engines:
        problems.append(Problem.error(
            Location(location.file, location.sheet, column="pdf_engine"),
            N_("pdf_engine must be weasyprint or typst"),
            fix=N_("set pdf_engine to weasyprint (the default) or typst (faster, for bulk runs and drafts)"),
            value=pdf_engine))
        pdf_engine = None
    issue_dates = {}
    for period_code, value in (raw.get("issue_dates") or {}).items():
        parsed = _parse_date(value, Location(location.file, location.sheet, column=f"issue_dates.{period_code}"), problems)
        if parsed:
            issue_dates[str(period_code)] = parsed
    issue_date = None
    if raw.get("issue_date"):
        issue_date = _parse_date(raw["issue_date"], Location(location.file, location.sheet, column="issue_date"), problems)
    if not ok:
        return None
    numbers = {str(p): {str(u): str(n) for u, n in (units or {}).items()}
               for p, units in (raw.get("report_numbers") or {}).items()}
    return Settings(
        title=str(raw["title"]), root=str(raw["root"]), percent_decimals=decimals,
        leading_zero_counts=bool(raw.get("leading_zero_counts", False)),
        place=raw.get("place"), issue_dates=issue_dates, issue_date=issue_date,
        report_numbers=numbers, agency=raw.get("agency") or {},
        addressees=raw.get("addressees"), signer=raw.get("signer"),
        recipients=raw.get("recipients"), pdf_engine=pdf_engine, raw=raw)


def _parse_units(table: _Table | None, problems: list[Problem]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    if table is None or not table.check_columns(REQUIRED_COLUMNS["units"]):
        return units
    for _row, cells in table.records():
        code, name, level = cells["code"].text, cells["name"].text, cells["level"].text
        parent = cells["parent"].text or None
        if not code:
            problems.append(Problem.error(cells["code"].location, N_("the unit code is empty"),
                                          fix=N_("write the official administrative code, e.g. 001")))
            continue
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
        indicators[code] = Indicator(
            code=code, name=cells["name"].text or (existing.name if existing else code),
            unit=cells["unit"].text or (existing.unit if existing else ""),
            parent=cells["parent"].text or None, exhaustive=flags["exhaustive"],
            additive=flags["additive"], kind=kind, decimal=flags["decimal"],
            core=existing is not None and existing.core,
            order=existing.order if existing else next_order)
        if existing is None:
            next_order += 1
    for indicator in list(indicators.values()):
        if indicator.parent and indicator.parent not in indicators:
            problems.append(Problem.error(Location(table.file, table.sheet, column="parent"),
                                          N_("indicator {code} is a part of an unknown indicator"),
                                          fix=N_("declare the total indicator or correct the parent code"),
                                          value=indicator.parent, code=indicator.code))


def _parse_values(table: _Table | None, indicators: dict[str, Indicator],
                  problems: list[Problem]) -> list[ValueRow]:
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
        value = int(text) if text.isascii() and text.isdigit() else _parse_amount(value_cell, indicator, problems)
        if period is None or value is None:
            continue
        rows.append(ValueRow(cells["unit"].text, period, indicator_code, value, scope,
                             value_cell.location))
    return rows


def _parse_targets(table: _Table | None, indicators: dict[str, Indicator],
                   problems: list[Problem]) -> list[TargetRow]:
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
        target = _parse_amount(cells["target"], indicator, problems)
        if year is None or target is None:
            continue
        rows.append(TargetRow(cells["unit"].text, year, cells["indicator"].text, target,
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


def _parse_amount(cell: _Cell, indicator: Indicator | None, problems: list[Problem]):
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
    return value


def _parse_notes(path: Path, source, problems: list[Problem]):
    notes: dict[tuple[str, str], dict[str, NoteSection]] = {}
    if isinstance(source, Path):
        location = Location("notes/")
        if not source.is_dir():
            return notes, location
        for file in sorted(source.glob("*/*.md")):
            relative = f"notes/{file.parent.name}/{file.name}"
            text, had_illegal = clean_text(file.read_text(encoding="utf-8-sig"))
            if had_illegal:
                problems.append(Problem.warning(Location(relative), N_("control characters that cannot appear in a document were removed"),
                                                fix=N_("retype the text without invisible characters")))
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
