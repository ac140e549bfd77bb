"""The HTML pages of a review diff, rendered from templates/diff/ with autoescape.

`page` is the shell every diff page shares (the redline view fills it with its own
markup); `figures_page` and `index_page` are the two pages of a build-folder diff.
Figures are worded by reportgen.vi, as in the reports. Text is written in NFC, so every
browser and search shows one spelling of a Vietnamese word.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from reportgen.resources import TEMPLATES_DIR
from reportgen.vi import format_signed, format_value

if TYPE_CHECKING:
    from reportgen.diff.builds import Number, UnitChange

TEMPLATE_DIR = TEMPLATES_DIR / "diff"
_GROUPS = (("changed", "Đơn vị có thay đổi"), ("added", "Đơn vị thêm mới"),
           ("removed", "Đơn vị bị xóa"))


def _nfc(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, Markup):
        return unicodedata.normalize("NFC", value)
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        finalize=_nfc)


@lru_cache(maxsize=1)
def _css() -> Markup:
    return Markup((TEMPLATE_DIR / "diff.css").read_text(encoding="utf-8"))


def page(title: str, body: Markup) -> str:
    """A whole page around `body`, markup the caller has escaped already."""
    return environment().get_template("page.html.j2").render(
        title=title, css=_css(), body=Markup(body))


def shown(value: Number | None) -> str:
    return "" if value is None else format_value(value)


def signed(value: Number | None) -> str:
    """A change with its sign: "+3", "-2", "+0,25"; "0" for no change."""
    if value is None:
        return ""
    if isinstance(value, int):
        return format_signed(value)
    text = format_value(abs(value))
    return text if value == 0 else ("+" if value > 0 else "-") + text


def anchor(unit: UnitChange) -> str:
    return f"u-{unit.period}-{unit.unit}"


def _unit_heading(unit: UnitChange, labels: dict[str, str]) -> str:
    name = f" – {unit.name}" if unit.name else ""
    return f"{unit.unit}{name} · {labels.get(unit.period, unit.period)}"


def figures_page(units: list[UnitChange], labels: dict[str, str]) -> str:
    """figures.html: the figures that differ, unit by unit."""
    rows = [{
        "anchor": anchor(unit), "heading": _unit_heading(unit, labels), "status": unit.status,
        "has_figures": unit.has_figures,
        "figures": [{"indicator": f.indicator, "name": f.name, "measure": f.measure,
                     "old": shown(f.old_value), "new": shown(f.new_value),
                     "change": signed(f.change)} for f in unit.figures],
    } for unit in units]
    return environment().get_template("figures.html.j2").render(
        title="Số liệu thay đổi giữa hai bản dựng", css=_css(), units=rows)


def index_page(old: Path, new: Path, units: list[UnitChange], labels: dict[str, str],
               unchanged: int, out_dir: Path) -> str:
    """index.html: the changed, added and removed units, with links to their pages."""
    def link(path: Path | None) -> str | None:
        return None if path is None else path.relative_to(out_dir).as_posix()

    groups = []
    for status, title in _GROUPS:
        chosen = [{"period_label": labels.get(u.period, u.period), "code": u.unit,
                   "name": u.name, "formats": u.formats, "anchor": anchor(u),
                   "redline_html": link(u.redline_html), "redline_docx": link(u.redline_docx)}
                  for u in units if u.status == status]
        if chosen:
            groups.append({"title": title, "units": chosen})
    return environment().get_template("index.html.j2").render(
        title="So sánh hai bản dựng báo cáo", css=_css(), old=str(old), new=str(new),
        groups=groups, unchanged=unchanged)
