"""Chart block → SVG, drawn from the model for the HTML preview and the WeasyPrint PDF.

The same picture as the Typst template draws (templates/typst/report.typ): one bar per
category, top to bottom in the model's order, the model's label beside each bar, the
reference value (100% of plan) as a red line. Values become floats for drawing only;
every printed string is the model's. No matplotlib: the PDF path no longer imports it,
and the text stays text in the PDF (searchable, set in the report face, vector sharp).
Coordinates are rounded to 0.01 pt so the same chart gives the same bytes.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from reportgen.fonts import find_serif_faces
from reportgen.model import Chart

PT_PER_MM = 72 / 25.4
FAMILY = "Liberation Serif"
BAR = "#4a6fa5"
REFERENCE = "#b03a2e"
TEXT_PT = 9.0
CAPTION_PT = 10.0
ROW_PT = 5.2 * PT_PER_MM
GAP_PT = 2 * PT_PER_MM


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    faces = find_serif_faces()
    with TTFont(str(faces.bold if bold else faces.regular), lazy=True) as font:
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        return widths, font["head"].unitsPerEm


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """The advance width of one line of `text` in the report face."""
    widths, per_em = _advances(bold)
    units = sum(widths.get(ord(c), per_em // 2) for c in unicodedata.normalize("NFC", text))
    return units / per_em * size_pt


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text(x: float, y: float, text: str, size: float, *, anchor: str = "start",
          bold: bool = False, fill: str = "black") -> str:
    # Anchored by measuring, not with text-anchor: WeasyPrint draws an anchored text in
    # a transparency group, and the PDF/A output keeps none (test_pdf.py).
    if anchor != "start":
        width = text_width_pt(text, size, bold)
        x -= width if anchor == "end" else width / 2
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
            f'{weight} fill="{fill}">{escape(text)}</text>')


def chart_svg(chart: Chart, width_mm: float = 240.0, max_height_mm: float = 150.0) -> str:
    """The chart as a standalone SVG document, `width_mm` wide and at most
    `max_height_mm` high (a landscape page's text is 165 mm high): with many units the
    rows, and their text, get thinner, as in the Typst template and the DOCX."""
    width = width_mm * PT_PER_MM
    fixed = CAPTION_PT * 1.2 + TEXT_PT * 4.3
    row_pt = min(ROW_PT, (max_height_mm * PT_PER_MM - fixed) / max(1, len(chart.categories)))
    text_pt = min(TEXT_PT, row_pt / 1.3)
    label_width = max([text_width_pt(c, text_pt) for c in chart.categories] + [0.0])
    value_width = max([text_width_pt(v, text_pt) for v in chart.value_labels] + [0.0])
    left = label_width + GAP_PT
    plot = max(width - left - value_width - GAP_PT, width * 0.3)
    values = [float(v) for v in chart.values]  # drawing only; printed labels are exact
    reference = float(chart.reference_value) if chart.reference_value is not None else None
    span = max(values + [reference or 0.0, 1.0]) * 1.15

    def x(value: float) -> float:
        return left + max(value, 0.0) / span * plot

    parts = []
    y = CAPTION_PT * 1.2
    parts.append(_text(width / 2, y, chart.caption, CAPTION_PT, anchor="middle", bold=True))
    y += TEXT_PT * 1.6
    if reference is not None and chart.reference_label:
        parts.append(_text(x(reference), y, chart.reference_label, TEXT_PT, anchor="middle",
                           fill=REFERENCE))
    y += TEXT_PT * 0.5
    top = y
    for name, value, label in zip(chart.categories, values, chart.value_labels):
        middle = y + row_pt / 2
        baseline = middle + text_pt * 0.33
        parts.append(_text(left - GAP_PT, baseline, name, text_pt, anchor="end"))
        bar = row_pt * 0.65
        parts.append(f'<rect x="{_n(left)}" y="{_n(middle - bar / 2)}" '
                     f'width="{_n(x(value) - left)}" height="{_n(bar)}" fill="{BAR}"/>')
        parts.append(_text(x(value) + 1 * PT_PER_MM, baseline, label, text_pt))
        y += row_pt
    if reference is not None:
        parts.append(f'<line x1="{_n(x(reference))}" y1="{_n(top)}" x2="{_n(x(reference))}" '
                     f'y2="{_n(y)}" stroke="{REFERENCE}" stroke-width="1"/>')
    parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot)}" y2="{_n(y)}" '
                 'stroke="black" stroke-width="0.5"/>')
    y += TEXT_PT * 1.6
    parts.append(_text(left + plot / 2, y, chart.axis_label, TEXT_PT, anchor="middle"))
    height = y + TEXT_PT * 0.6
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" '
            f'height="{_n(height)}pt" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'font-family={quoteattr(FAMILY)} role="img" aria-label={quoteattr(chart.caption)}>'
            '<rect width="100%" height="100%" fill="white"/>'
            + "".join(parts) + "</svg>")
