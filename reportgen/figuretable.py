"""The figures a report will print, as a clerk's table and as JSON (`reportgen figures`).

Also the `<unit>.figures.json` written beside each built report, which `reportgen diff`
reads to show which figures moved.
"""
from __future__ import annotations

from reportgen import __version__
from reportgen.dataset import Dataset
from reportgen.figures import Figure, FigureBook
from reportgen.periods import Period
from reportgen.vi import cell_percent, cell_signed, cell_value, format_value


def _flatten(figures: list[Figure]) -> list[tuple[int, Figure]]:
    rows = []
    for figure in figures:
        rows.append((0, figure))
        rows.extend((1, part) for part in figure.parts if part.has_data)
    return rows


def _change_words(change) -> str:
    if change is None:
        return ""
    if change == 0:
        return "bằng"
    word = "tăng" if change > 0 else "giảm"
    return f"{word} {format_value(abs(change))}"


def figure_rows(dataset: Dataset, book: FigureBook, unit: str, period: Period) -> list[tuple[str, ...]]:
    decimals = dataset.settings.percent_decimals
    rows = []
    for depth, figure in _flatten(book.figures_for(unit, period)):
        name = ("  – " if depth else "") + f"{figure.indicator.name} ({figure.indicator.unit})"
        rows.append((
            figure.indicator.code,
            name,
            cell_value(figure.value),
            cell_value(figure.target),
            cell_percent(figure.percent_of_plan, decimals),
            cell_value(figure.same_period_value),
            _change_words(figure.change),
        ))
    return rows


def figures_json(dataset: Dataset, book: FigureBook, unit: str, period: Period) -> dict:
    decimals = dataset.settings.percent_decimals
    items = []
    for _depth, figure in _flatten(book.figures_for(unit, period)):
        entry = figure.to_json()
        entry["formatted"] = {
            "value": cell_value(figure.value),
            "target": cell_value(figure.target),
            "percent_of_plan": cell_percent(figure.percent_of_plan, decimals),
            "same_period_value": cell_value(figure.same_period_value),
            "change": cell_signed(figure.change),
            "change_words": _change_words(figure.change),
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
