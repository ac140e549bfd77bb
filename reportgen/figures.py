"""Exact derived figures per unit × period × indicator (domain.md §1, §4).

Values are ints (or Decimal for decimal indicators); ratios are Decimal computed from
their integer parts at high precision and rounded only when printed (vi.py). A parent's
figure is its explicit total when the dataset gives one, else the sum of its children
plus its own direct share; a ratio across units is recomputed from the summed parts.
Nothing here formats text.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from reportgen.dataset import SCOPE_OWN, Dataset, Indicator, Unit
from reportgen.periods import Period

Amount = int | Decimal
_PRECISION = 40


def ratio_percent(value: Amount, base: Amount) -> Decimal | None:
    """value / base × 100, exact to 40 significant digits; None without a base."""
    if base is None or value is None or base == 0:
        return None
    with localcontext() as context:
        context.prec = _PRECISION
        return Decimal(value) * 100 / Decimal(base)


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    unit: Unit
    period: Period
    value: Amount | None
    target: Amount | None
    same_period_value: Amount | None
    own_value: Amount | None = None  # the unit's direct share (e.g. city facilities)
    parts: tuple["Figure", ...] = ()  # the split ("trong đó"), each with its own breakdown
    of_which: tuple["Figure", ...] = ()  # overlapping counts ("31 nữ" of the 832)

    @property
    def breakdown(self) -> tuple["Figure", ...]:
        """Parts and overlapping counts together, in catalogue order (the tables' rows)."""
        return tuple(sorted(self.of_which + self.parts, key=lambda f: f.indicator.order))

    @property
    def percent_of_plan(self) -> Decimal | None:
        return ratio_percent(self.value, self.target)

    @property
    def change(self) -> Amount | None:
        if self.value is None or self.same_period_value is None:
            return None
        return self.value - self.same_period_value

    @property
    def change_percent(self) -> Decimal | None:
        change = self.change
        if change is None:
            return None
        return ratio_percent(change, self.same_period_value)

    @property
    def has_data(self) -> bool:
        return self.value is not None or any(p.has_data for p in self.parts + self.of_which)

    def to_json(self) -> dict:
        def plain(amount):
            if amount is None or isinstance(amount, int):
                return amount
            return str(amount)

        return {
            "indicator": self.indicator.code,
            "name": self.indicator.name,
            "unit": self.indicator.unit,
            "parent": self.indicator.parent,
            "relation": self.indicator.relation if self.indicator.parent else None,
            "value": plain(self.value),
            "target": plain(self.target),
            "percent_of_plan": plain(self.percent_of_plan),
            "same_period_value": plain(self.same_period_value),
            "change": plain(self.change),
        }


@dataclass(frozen=True)
class Comparison:
    """One figure next to the same indicator in another period (the comparison appendix)."""
    figure: Figure
    other: Period
    before: Amount | None

    @property
    def change(self) -> Amount | None:
        if self.before is None or self.figure.value is None:
            return None
        return self.figure.value - self.before

    @property
    def change_percent(self) -> Decimal | None:
        change = self.change
        return ratio_percent(change, self.before) if change is not None else None


@dataclass(frozen=True)
class Completeness:
    """Which units below a report unit have figures for a period.

    `missing` are the direct children with no figure at all (in their whole subtree);
    `partial` the children with figures whose own units below are incomplete. `final`
    is the clerk's statement (setting `totals_final`) that the totals stand as they are.
    A report is `complete` when it is final or nothing is missing at any depth."""
    unit: Unit
    period: Period
    reported: tuple[Unit, ...]
    missing: tuple[Unit, ...]
    partial: tuple["Completeness", ...] = ()
    final: bool = False

    @property
    def children(self) -> int:
        return len(self.reported) + len(self.missing)

    @property
    def complete(self) -> bool:
        return self.final or (not self.missing and not self.partial)


def totals_final_units(setting: dict, period: Period) -> bool | frozenset[str]:
    """The typed `totals_final` setting for one period: True (every unit), or the unit
    codes whose totals the clerk declared final."""
    if setting.get("*") is True or setting.get(period.code) is True:
        return True
    found = setting.get(period.code)
    return found if isinstance(found, frozenset) else frozenset()


class FigureBook:
    """Answers value/target questions about one dataset, rolling up the unit tree.

    Built once per dataset (per worker); results are memoised because a city report
    asks for the same district figures in its body, its appendix and its chart."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self._explicit: dict[tuple[str, str, str], Amount] = {}
        self._own: dict[tuple[str, str, str], Amount] = {}
        for row in dataset.values:
            key = (row.unit, row.period.code, row.indicator)
            store = self._own if row.scope == SCOPE_OWN else self._explicit
            store.setdefault(key, row.value)  # duplicates are a validation error
        self._explicit_targets: dict[tuple[str, int, str], Amount] = {}
        for row in dataset.targets:
            self._explicit_targets.setdefault((row.unit, row.year, row.indicator), row.target)
        self._children = {code: [u.code for u in dataset.children(code)] for code in dataset.units}
        self._values: dict[tuple[str, str, str], Amount | None] = {}
        self._targets: dict[tuple[str, int, str], Amount | None] = {}
        self._reporting: dict[str, set[str]] = {}  # period → units with a figure in their subtree
        self._completeness: dict[tuple[str, str], Completeness] = {}

    # -- raw questions
    def own_value(self, unit: str, period: Period, indicator: str) -> Amount | None:
        return self._own.get((unit, period.code, indicator))

    def children_sum(self, unit: str, period: Period, indicator: str) -> Amount | None:
        """Sum of the children's totals plus the unit's own share; None if none has data."""
        amounts = [self.value(child, period, indicator) for child in self._children.get(unit, ())]
        amounts.append(self.own_value(unit, period, indicator))
        present = [a for a in amounts if a is not None]
        return sum(present) if present else None

    # -- rolled figures
    def value(self, unit: str, period: Period, indicator: str) -> Amount | None:
        key = (unit, period.code, indicator)
        if key not in self._values:
            explicit = self._explicit.get(key)
            if explicit is not None:
                result = explicit
            elif self._is_additive(indicator):
                result = self.children_sum(unit, period, indicator)
            else:
                result = None
            self._values[key] = result
        return self._values[key]

    def target(self, unit: str, year: int, indicator: str) -> Amount | None:
        key = (unit, year, indicator)
        if key not in self._targets:
            explicit = self._explicit_targets.get(key)
            if explicit is not None:
                result = explicit
            elif self._is_additive(indicator):
                amounts = [self.target(child, year, indicator) for child in self._children.get(unit, ())]
                present = [a for a in amounts if a is not None]
                result = sum(present) if present else None
            else:
                result = None
            self._targets[key] = result
        return self._targets[key]

    def _is_additive(self, indicator: str) -> bool:
        found = self.dataset.indicators.get(indicator)
        return bool(found and found.additive)

    def figure(self, unit: str, period: Period, indicator: str) -> Figure:
        spec = self.dataset.indicators[indicator]
        prior = period.same_period_last_year()
        parts = tuple(self.figure(unit, period, part.code) for part in self.dataset.parts_of(indicator))
        of_which = tuple(self.figure(unit, period, count.code) for count in self.dataset.of_which_of(indicator))
        return Figure(
            indicator=spec,
            unit=self.dataset.units[unit],
            period=period,
            value=self.value(unit, period, indicator),
            target=self.target(unit, period.year, indicator),
            same_period_value=self.value(unit, prior, indicator),
            own_value=self.own_value(unit, period, indicator),
            parts=parts,
            of_which=of_which,
        )

    def own_figure(self, unit: str, period: Period, indicator: str) -> Figure | None:
        """The unit's direct share alone (scope own) as a figure, with last year's own share
        to compare with and its own share of the plan; None when it has neither."""
        own = self.own_value(unit, period, indicator)
        own_target = self.own_target(unit, period.year, indicator)
        if own is None and own_target is None:
            return None
        return Figure(self.dataset.indicators[indicator], self.dataset.units[unit], period, own,
                      own_target, self.own_value(unit, period.same_period_last_year(), indicator))

    def own_target(self, unit: str, year: int, indicator: str) -> Amount | None:
        """The unit's own share of its plan: its explicit plan less what the plans of the
        units below add up to (the city's 1.700 less the districts' 1.596 = 104), so an
        appendix's plan column sums to its total. None without an explicit plan, without
        plans below, or when the plans below already reach it."""
        explicit = self._explicit_targets.get((unit, year, indicator))
        if explicit is None or not self._is_additive(indicator):
            return None
        below = [self.target(child, year, indicator) for child in self._children.get(unit, ())]
        present = [a for a in below if a is not None]
        if not present or explicit - sum(present) <= 0:
            return None
        return explicit - sum(present)

    # -- completeness
    def has_figures(self, unit: str, period: Period) -> bool:
        """Whether the unit or any unit below it has a figure (a value row) for the period."""
        if period.code not in self._reporting:
            reporting: set[str] = set()
            for row in self.dataset.values:
                if row.period.code != period.code:
                    continue
                current = row.unit
                while current and current in self.dataset.units and current not in reporting:
                    reporting.add(current)
                    current = self.dataset.units[current].parent
            self._reporting[period.code] = reporting
        return unit in self._reporting[period.code]

    def completeness(self, unit: str, period: Period) -> Completeness:
        key = (unit, period.code)
        if key not in self._completeness:
            final = totals_final_units(self.dataset.settings.totals_final, period)
            children = self.dataset.children(unit)
            reported = tuple(c for c in children if self.has_figures(c.code, period))
            missing = tuple(c for c in children if not self.has_figures(c.code, period))
            partial = tuple(found for found in (self.completeness(c.code, period) for c in reported)
                            if not found.complete)
            self._completeness[key] = Completeness(
                self.dataset.units[unit], period, reported, missing, partial,
                final=final is True or unit in final)
        return self._completeness[key]

    def compare(self, unit: str, period: Period, other: Period) -> list[Comparison]:
        """Each figure of figures_for(unit, period) next to its value in `other`."""
        return [Comparison(figure, other, self.value(unit, other, figure.indicator.code))
                for figure in self.figures_for(unit, period)]

    def figures_for(self, unit: str, period: Period) -> list[Figure]:
        """Every top-level indicator with data for this unit and period, parts nested,
        in catalogue order."""
        figures = []
        for spec in sorted(self.dataset.indicators.values(), key=lambda i: i.order):
            if spec.parent:
                continue
            figure = self.figure(unit, period, spec.code)
            if figure.has_data:
                figures.append(figure)
        return figures
