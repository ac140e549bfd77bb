"""The consistency rules of domain.md §6, as a list of located Problems.

Never raises on bad data: every rule runs and every problem is returned, so a clerk
fixes the whole file in one pass.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.dataset import SCOPE_OWN, SCOPE_TOTAL, Dataset
from reportgen.problems import Location
from reportgen.figures import FigureBook
from reportgen.i18n import N_
from reportgen.problems import Problem
from reportgen.resources import SHIPPED, Templates, dataset_templates

if TYPE_CHECKING:
    from reportgen.safety.limits import Limits

NOTE_SECTIONS_REQUIRED = ("II", "III", "IV")


@dataclass
class CheckedDataset:
    """A dataset loaded and checked: what load_and_validate returns (it prints nothing).

    `dataset` is None when the settings could not be read; `book` is None then too.
    `problems` holds every load and rule problem, errors and warnings together."""

    dataset: Dataset | None
    book: FigureBook | None
    problems: list[Problem] = field(default_factory=list)
    strict: bool = False  # warnings count as failures
    templates: Templates = SHIPPED  # from the `templates:` setting, if the dataset has one

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        """Usable for a build: read, no errors, and no warnings either when strict."""
        return self.dataset is not None and not self.errors and not (self.strict and self.problems)


def load_and_validate(path: Path | str, *, strict: bool = False,
                      limits: "Limits | None" = None) -> CheckedDataset:
    """Load a dataset folder or workbook and run every rule on what could be read.

    Raises DatasetError (a DatasetInvalid) only when nothing can be read at all (no such
    folder, no settings); every other problem is returned in `problems`."""
    from reportgen.dataset import load_dataset

    result = load_dataset(Path(path), limits=limits)
    problems = list(result.problems)
    dataset = result.dataset
    if dataset is None:
        return CheckedDataset(None, None, problems, strict)
    # Rows that failed to parse are already reported; the rules still run on the rest so
    # the clerk sees everything in one run.
    book = FigureBook(dataset)
    problems += validate(dataset, book, limits=limits)
    templates, template_problems = dataset_templates(dataset)
    problems += template_problems
    return CheckedDataset(dataset, book, problems, strict, templates)


def validate(dataset: Dataset, book: FigureBook | None = None, *,
             limits: "Limits | None" = None) -> list[Problem]:
    book = book or FigureBook(dataset)
    problems: list[Problem] = []
    problems += _check_settings_templates(dataset, limits)
    problems += _check_units(dataset)
    if not dataset.units:
        # The units table could not be read (its own error is already reported): checking
        # thousands of rows against an empty table would only bury that one message.
        return problems
    problems += _check_references(dataset)
    problems += _check_duplicates(dataset)
    problems += _check_parts(dataset)
    problems += _check_parent_sums(dataset, book)
    problems += _check_flow_order(dataset, book)
    problems += _check_notes(dataset, book)
    problems += _check_totals_final(dataset)
    problems += _check_printable(dataset)
    return problems


def _check_settings_templates(dataset: Dataset, limits) -> list[Problem]:
    """Every settings string compose renders passes the sandbox's whitelist now, so a
    `{{ cycler.__init__… }}` or a `{% for %}` is a located error before any build."""
    from reportgen.safety.limits import SafetyError
    from reportgen.safety.sandbox import check_setting

    problems = []
    for path, text in dataset.settings.template_strings():
        try:
            check_setting(text, limits=limits)
        except SafetyError as error:
            problems.append(error.as_problem(dataset.settings.location(path)))
    return problems


def _units_location(dataset: Dataset, column: str | None = None) -> Location:
    if dataset.path.is_file():
        return Location(dataset.path.name, "units", column=column)
    return Location("units.csv", column=column)


def _check_units(dataset: Dataset) -> list[Problem]:
    problems = []
    root = dataset.settings.root
    if root not in dataset.units:
        problems.append(Problem.error(
            _units_location(dataset, "code"), N_("the root unit {root} named in the settings is not in the units table"),
            fix=N_("add the unit {root} to the units table or correct \"root\" in the settings"), root=root))
    for unit in dataset.units.values():
        if unit.parent and unit.parent not in dataset.units:
            problems.append(Problem.error(
                _units_location(dataset, "parent"), N_("unit {code} has an unknown parent"),
                fix=N_("use the code of a unit listed in the units table"), value=unit.parent, code=unit.code))
        if unit.parent is None and unit.code != root:
            problems.append(Problem.error(
                _units_location(dataset, "parent"), N_("unit {code} has no parent but is not the root"),
                fix=N_("write its parent unit's code"), code=unit.code))
    # A cycle would make roll-ups loop forever; walk up from each unit.
    for unit in dataset.units.values():
        seen = {unit.code}
        current = unit.parent
        while current and current in dataset.units:
            if current in seen:
                problems.append(Problem.error(
                    _units_location(dataset, "parent"), N_("unit {code} is its own ancestor"),
                    fix=N_("correct the parent codes so that every unit leads up to the root"), code=unit.code))
                break
            seen.add(current)
            current = dataset.units[current].parent
    return problems


def _check_references(dataset: Dataset) -> list[Problem]:
    problems = []
    for row in [*dataset.values, *dataset.targets]:
        if row.unit not in dataset.units:
            problems.append(Problem.error(_sibling(row.location, "unit"), N_("unknown unit code"),
                                          fix=N_("use a code from the units table (codes are text: 001, not 1)"),
                                          value=row.unit))
        if row.indicator not in dataset.indicators:
            from reportgen.suggest import closest

            near = closest(row.indicator, dataset.indicators, count=1)
            problems.append(Problem.error(_sibling(row.location, "indicator"), N_("unknown indicator code"),
                                          fix=N_("did you mean {suggestion}? Use a code of the catalogue or declare it in indicators")
                                          if near else N_("use a code of the catalogue or declare it in indicators"),
                                          value=row.indicator, suggestion=near[0] if near else ""))
    for row in dataset.values:
        if (row.indicator in dataset.indicators and not dataset.indicators[row.indicator].decimal
                and not isinstance(row.value, int)):
            problems.append(Problem.error(row.location, N_("not a whole number"),
                                          fix=N_("type digits only, e.g. 1200 or 1.200"), value=row.value))
        if row.scope == SCOPE_OWN and row.unit in dataset.units and not dataset.children(row.unit):
            problems.append(Problem.error(_sibling(row.location, "scope"),
                                          N_("\"own\" is only for a unit that has units below it"),
                                          fix=N_("leave scope empty for this unit"), value=row.scope))
    for (unit, _period), sections in dataset.notes.items():
        if unit not in dataset.units:
            location = next(iter(sections.values())).location
            problems.append(Problem.error(location, N_("notes for an unknown unit"),
                                          fix=N_("name the notes file after a unit code from the units table"),
                                          value=unit))
    return problems


def _sibling(location: Location, column: str) -> Location:
    """The same row, another column (the letter is recomputed by position when known)."""
    letter = None
    if location.column_letter and location.column:
        order = {"unit": "A", "period": "B", "year": "B", "indicator": "C", "value": "D",
                 "target": "D", "scope": "E"}
        letter = order.get(column)
    return Location(location.file, location.sheet, location.row, _shown_column(location, column), letter)


def _shown_column(location: Location, column: str) -> str:
    """The column as the sheet spells it: "Mã đơn vị" on the clerk's sheet Số liệu."""
    from reportgen.dataset.types import table_of_sheet, vietnamese_column

    table = table_of_sheet(location.sheet) if location.sheet else None
    if table and location.sheet != table:
        return vietnamese_column(table, column)
    return column


def _check_duplicates(dataset: Dataset) -> list[Problem]:
    problems = []
    seen: dict[tuple, Location] = {}
    for row in dataset.values:
        key = (row.unit, row.period.code, row.indicator, row.scope)
        if key in seen:
            problems.append(Problem.error(
                row.location, N_("duplicate figure for unit {unit}, period {period}, indicator {indicator} (first given in row {first})"),
                fix=N_("keep one row per unit, period and indicator"),
                unit=row.unit, period=row.period.code, indicator=row.indicator, first=seen[key].row))
        else:
            seen[key] = row.location
    seen_targets: dict[tuple, Location] = {}
    for row in dataset.targets:
        key = (row.unit, row.year, row.indicator)
        if key in seen_targets:
            problems.append(Problem.error(
                row.location, N_("duplicate target for unit {unit}, year {year}, indicator {indicator} (first given in row {first})"),
                fix=N_("keep one row per unit, year and indicator"),
                unit=row.unit, year=row.year, indicator=row.indicator, first=seen_targets[key].row))
        else:
            seen_targets[key] = row.location
    return problems


def _check_parts(dataset: Dataset) -> list[Problem]:
    """Exhaustive parts sum exactly to their total; non-exhaustive parts stay below it.
    Checked on the rows as given (each unit, period and scope)."""
    problems = []
    given = {(r.unit, r.period.code, r.indicator, r.scope): r for r in dataset.values}
    parts_of = {code: dataset.parts_of(code) for code in dataset.indicators}
    of_which_of = {code: dataset.of_which_of(code) for code in dataset.indicators}
    for (unit, period, indicator, scope), total_row in given.items():
        # Overlapping counts ("31 nữ" of 832) are never summed, only bounded; each level of
        # a breakdown is checked on its own rows (a part of a part against that part).
        for count in of_which_of.get(indicator, ()):
            count_row = given.get((unit, period, count.code, scope))
            if count_row is not None and count_row.value > total_row.value:
                problems.append(Problem.error(
                    count_row.location, N_("{part} ({value}) is counted among {indicator} ({total}) but exceeds it for unit {unit} in {period}"),
                    fix=N_("an overlapping count cannot be larger than the figure it is counted in: correct one of them"),
                    value=count_row.value, part=count.code, indicator=indicator,
                    total=total_row.value, unit=unit, period=period))
        parts = parts_of.get(indicator)
        if not parts:
            continue
        part_rows = [given.get((unit, period, p.code, scope)) for p in parts]
        present = [r for r in part_rows if r is not None]
        if not present:
            continue
        spec = dataset.indicators[indicator]
        part_sum = sum(r.value for r in present)
        names = ", ".join(p.code for p in parts)
        if spec.exhaustive:
            if len(present) < len(parts):
                missing = ", ".join(p.code for p, r in zip(parts, part_rows) if r is None)
                problems.append(Problem.error(
                    total_row.location, N_("{indicator} of unit {unit} in {period} has only some of its parts; missing: {missing}"),
                    fix=N_("give every part ({parts}) or none"), indicator=indicator, unit=unit,
                    period=period, missing=missing, parts=names))
            elif part_sum != total_row.value:
                problems.append(Problem.error(
                    total_row.location, N_("{indicator} of unit {unit} in {period} is {total} but its parts ({parts}) sum to {sum}"),
                    fix=N_("correct the total or the parts so that they agree"),
                    value=total_row.value, indicator=indicator, unit=unit, period=period,
                    total=total_row.value, parts=names, sum=part_sum))
        else:
            for part_row in present:
                if part_row.value > total_row.value:
                    problems.append(Problem.error(
                        part_row.location, N_("{part} ({value}) exceeds its total {indicator} ({total}) for unit {unit} in {period}"),
                        fix=N_("a part cannot be larger than its total: correct one of them"),
                        value=part_row.value, part=part_row.indicator, indicator=indicator,
                        total=total_row.value, unit=unit, period=period))
    return problems


def _check_parent_sums(dataset: Dataset, book: FigureBook) -> list[Problem]:
    problems = []
    for row in dataset.values:
        if row.scope != SCOPE_TOTAL or row.unit not in dataset.units:
            continue
        spec = dataset.indicators.get(row.indicator)
        if spec is None or not spec.additive or not dataset.children(row.unit):
            continue
        children_have_data = any(
            book.value(child.code, row.period, row.indicator) is not None
            for child in dataset.children(row.unit))
        if not children_have_data:
            continue
        expected = book.children_sum(row.unit, row.period, row.indicator)
        if expected != row.value:
            own = book.own_value(row.unit, row.period, row.indicator) or 0
            problems.append(Problem.error(
                row.location, N_("unit {unit}'s {indicator} in {period} is {value} but its units below sum to {children} (plus its own {own} = {expected})"),
                fix=N_("correct the total, a unit below it, or the unit's own share (scope own)"),
                value=row.value, unit=row.unit, indicator=row.indicator, period=row.period.code,
                children=expected - own, own=own, expected=expected))
    return problems


def _check_flow_order(dataset: Dataset, book: FigureBook) -> list[Problem]:
    """9M ≥ H1 and Y ≥ 9M for flows (a warning: corrections happen, a reviewer must see it)."""
    problems = []
    periods = [p for p in dataset.periods() if p.is_cumulative]
    # Consecutive cumulative periods of one year (H1 → 9M → Y): the later must hold the earlier.
    pairs = [(earlier, later) for earlier, later in zip(periods, periods[1:])
             if later.contains_flow_of(earlier)]
    locations: dict[tuple[str, str, str], Location] = {}
    own_locations: dict[tuple[str, str, str], Location] = {}
    for r in dataset.values:
        (own_locations if r.scope == SCOPE_OWN else locations)[(r.unit, r.period.code, r.indicator)] = r.location
    # Only a figure given in a row can carry the warning (see below): skip the others.
    given = {(unit, indicator) for unit, _period, indicator in (*locations, *own_locations)}
    for unit in dataset.units:
        for indicator in dataset.indicators.values():
            if indicator.kind != "flow" or (unit, indicator.code) not in given:
                continue
            for earlier, later in pairs:
                early_value = book.value(unit, earlier, indicator.code)
                late_value = book.value(unit, later, indicator.code)
                if early_value is None or late_value is None or late_value >= early_value:
                    continue
                location = locations.get((unit, later.code, indicator.code))
                if location is None:
                    # A rolled-up total can only fall if a unit below it fell (that
                    # row carries the warning) or its own share did: point at that.
                    location = own_locations.get((unit, later.code, indicator.code))
                if location is None:
                    continue
                problems.append(Problem.warning(
                    location, N_("{indicator} of unit {unit} is {late} in {later}, less than {early} in {earlier}; a flow accumulates over the year"),
                    fix=N_("check both figures; if the earlier one was corrected, note it for the reviewer"),
                    value=late_value, indicator=indicator.code, unit=unit, late=late_value,
                    later=later.code, early=early_value, earlier=earlier.code))
    return problems


def _check_notes(dataset: Dataset, book: FigureBook) -> list[Problem]:
    """Sections II–IV are the clerk's words; a report without them is a draft."""
    problems = []
    # Every unit whose report has figures, a parent rolled up from its units included: a
    # city with no rows of its own still gets a report, and that report needs its notes.
    reported = sorted((unit, period.code) for period in dataset.periods() for unit in dataset.units
                      if book.has_figures(unit, period))
    missing_by_period: dict[str, list[str]] = defaultdict(list)
    for unit, period in reported:
        sections = dataset.notes.get((unit, period))
        if sections is None:
            missing_by_period[period].append(unit)
            continue
        absent = [s for s in NOTE_SECTIONS_REQUIRED if s not in sections]
        if absent:
            location = next(iter(sections.values())).location
            problems.append(Problem.warning(
                Location(location.file, location.sheet), N_("notes for unit {unit}, {period} lack section(s) {sections}; the draft shows a placeholder"),
                fix=N_("add the missing sections"), unit=unit, period=period, sections=", ".join(absent)))
    base = dataset.notes_location or Location("notes/")
    for period, units in sorted(missing_by_period.items()):
        where = Location(f"{base.file}{period}/" if base.sheet is None else base.file, base.sheet)
        shown = ", ".join(units)  # every unit named: the clerk works through the list
        problems.append(Problem.warning(
            where, N_("no notes (sections II–IV) for {count} unit(s) in {period}: {units}; their drafts show placeholders"),
            fix=N_("write notes/{period}/<unit>.md with the sections II–IV"),
            count=len(units), period=period, units=shown))
    return problems


def _check_totals_final(dataset: Dataset) -> list[Problem]:
    """The unit codes named under `totals_final` (its shape is checked with the settings)."""
    problems = []
    for period, entry in dataset.settings.totals_final.items():
        for code in sorted(entry) if isinstance(entry, frozenset) else ():
            if code not in dataset.units:
                problems.append(Problem.error(
                    dataset.settings.location(f"totals_final.{period}"),
                    N_("unknown unit code"), fix=N_("use a code from the units table (codes are text: 001, not 1)"),
                    value=code))
    return problems


def _check_printable(dataset: Dataset) -> list[Problem]:
    """Text the reports print must be drawable in the report face: the PDF never
    substitutes another font, so an emoji or a CJK character pasted into the notes
    would otherwise fail that unit's build without saying where it came from."""
    from reportgen.fonts import FontMissingError, face_repertoire, find_serif_faces

    try:
        repertoire = face_repertoire(find_serif_faces())
    except FontMissingError:
        return []  # `build` reports the missing font itself, with how to install it

    def foreign(text: str) -> str:
        return "".join(sorted({c for c in text if ord(c) not in repertoire and c not in "\n\t"}))

    problems = []
    texts: list[tuple[Location, str]] = []
    for sections in dataset.notes.values():
        for section in sections.values():
            texts.append((section.location, "\n".join(section.paragraphs)))
    for unit in dataset.units.values():
        texts.append((_units_location(dataset, "name"), unit.name))
    for indicator in dataset.indicators.values():
        if not indicator.core:
            where = Location(dataset.path.name, "indicators", column="name") if dataset.path.is_file() \
                else Location("indicators.csv", column="name")
            texts.append((where, f"{indicator.name} {indicator.unit}"))
    for location, text in texts:
        bad = foreign(text)
        if bad:
            problems.append(Problem.error(
                location, N_("characters the report font cannot print: {characters}"),
                fix=N_("delete or replace them (emoji, symbols or characters of other scripts)"),
                characters=" ".join(f"{c} (U+{ord(c):04X})" for c in bad)))
    return problems


__all__ = ["CheckedDataset", "load_and_validate", "validate"]
