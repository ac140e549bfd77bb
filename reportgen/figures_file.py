"""The `<unit>.figures.json` contract: written beside each built report (build,
`reportgen figures --json`) and read back by `reportgen diff` to show which figures
moved, in one module so the two sides cannot drift.

Also `figure_rows`, the same figures as a table of text cells (`reportgen figures`):
the table form of what the file holds, kept beside it rather than in the CLI so any
caller (the web app) can show it.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from reportgen import __version__
from reportgen.dataset import Dataset
from reportgen.figures import Figure, FigureBook
from reportgen.periods import Period
from reportgen.vi import cell_percent, cell_signed, cell_value, change_words


def _flatten(figures: list[Figure], depth: int = 0) -> list[tuple[int, Figure]]:
    """Each figure, then its breakdown (parts and overlapping counts) with data, depth first."""
    rows = []
    for figure in figures:
        rows.append((depth, figure))
        rows.extend(_flatten([p for p in figure.breakdown if p.has_data], depth + 1))
    return rows


def figure_rows(dataset: Dataset, book: FigureBook, unit: str, period: Period) -> list[tuple[str, ...]]:
    decimals = dataset.settings.percent_decimals
    rows = []
    for depth, figure in _flatten(book.figures_for(unit, period)):
        name = ("  " * depth + "– " if depth else "") + f"{figure.indicator.name} ({figure.indicator.unit})"
        rows.append((
            figure.indicator.code,
            name,
            cell_value(figure.value),
            cell_value(figure.target),
            cell_percent(figure.percent_of_plan, decimals),
            cell_value(figure.same_period_value),
            change_words(figure.change),
        ))
    return rows


def figures_json(dataset: Dataset, book: FigureBook, unit: str, period: Period) -> dict:
    decimals = dataset.settings.percent_decimals
    items = []
    for depth, figure in _flatten(book.figures_for(unit, period)):
        entry = figure.to_json()
        # The list stays flat (every figure at every depth, in reading order) so existing
        # readers keep working; depth, parent and parts give the nesting.
        entry["depth"] = depth
        entry["parts"] = [p.indicator.code for p in figure.breakdown if p.has_data]
        entry["formatted"] = {
            "value": cell_value(figure.value),
            "target": cell_value(figure.target),
            "percent_of_plan": cell_percent(figure.percent_of_plan, decimals),
            "same_period_value": cell_value(figure.same_period_value),
            "change": cell_signed(figure.change),
            "change_words": change_words(figure.change),
        }
        items.append(entry)
    unit_obj = dataset.units[unit]
    return {
        "reportgen": __version__,
        "unit": {"code": unit_obj.code, "name": unit_obj.name},
        "period": {"code": period.code, "label": period.label},
        "same_period": period.same_period_last_year().code,
        "figures": items,
    }


def read_figures(path: Path) -> dict:
    """{"name", "label", "figures": {indicator: {"name", "measure", "value"}}} from one
    figures.json. Raises OSError, ValueError (bad JSON or number), KeyError, TypeError or
    AttributeError on a file that is not one; the caller says which file it was."""
    return parse_figures(json.loads(Path(path).read_text(encoding="utf-8-sig")))


def parse_figures(data: dict) -> dict:
    """read_figures on an already decoded document (the diff reads it bounded)."""
    figures = {}
    for figure in data.get("figures") or ():
        figures[figure["indicator"]] = {
            "name": figure.get("name") or "", "measure": figure.get("unit") or "",
            "value": _number(figure.get("value"))}
    unit, period = data.get("unit") or {}, data.get("period") or {}
    return {"name": unit.get("name") or "", "label": period.get("label") or "",
            "figures": figures}


def _number(value: object) -> int | Decimal | None:
    """JSON ints stay ints; exact decimals arrive as strings."""
    if value is None or isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (str, float)):
        return Decimal(str(value))
    raise TypeError(f"not a number: {value!r}")
