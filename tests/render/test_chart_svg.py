"""The chart SVG the HTML preview and the WeasyPrint PDF show (drawn from the model)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from xml.etree import ElementTree

from reportgen.render.chart_svg import PT_PER_MM, chart_svg
from tests.model_factory import sample_model

SVG = "{http://www.w3.org/2000/svg}"


def _chart():
    return sample_model().appendices[0].blocks[1]


def test_a_chart_of_many_units_fits_the_landscape_page():
    names = tuple(f"Đơn vị {i}" for i in range(60))
    chart = dataclasses.replace(_chart(), categories=names, values=(Decimal(50),) * 60,
                                value_labels=("50,0%",) * 60)
    root = ElementTree.fromstring(chart_svg(chart))
    assert float(root.get("height").removesuffix("pt")) <= 150 * PT_PER_MM + 0.01
    assert [t.text for t in root.iter(SVG + "text")].count("50,0%") == 60


def test_markup_in_names_stays_text_and_the_same_chart_gives_the_same_bytes():
    chart = dataclasses.replace(_chart(), categories=("<b>&amp;</b> \"x\"",) + _chart().categories[1:])
    svg = chart_svg(chart)
    root = ElementTree.fromstring(svg)
    assert "<b>&amp;</b> \"x\"" in [t.text for t in root.iter(SVG + "text")]
    assert chart_svg(chart) == svg


def test_no_text_anchor_so_weasyprint_needs_no_transparency_group():
    assert "text-anchor" not in chart_svg(_chart())
