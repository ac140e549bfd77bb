"""ReportModel → HTML: one self-contained page, the browser preview and the PDF's input.

The Jinja templates in templates/html say what each part of the report is; print.css
says where it goes. Nothing here formats a figure or phrases a sentence: the model
arrives with every string ready.
"""
from __future__ import annotations

import base64
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.files import utc_naive
from reportgen.fonts import SerifFaces, find_serif_faces
from reportgen.model import Chart, Heading, Paragraph, ReportModel, Table
from reportgen.resources import SHIPPED, TEMPLATES_DIR, Templates

TEMPLATE_DIR = TEMPLATES_DIR / "html"

# Screen-only extras for the browser preview: a sheet of paper on a grey desk, and a
# fallback face (the preview may use whatever serif the browser has; the PDF may not).
PREVIEW_CSS = """@media screen {
  html { background: #d9d9d9; font-family: "Liberation Serif", "Times New Roman", serif; }
  body { background: white; width: 155mm; margin: 10mm auto; padding: 25mm 20mm 20mm 35mm; }
  section.appendix { border-top: 1px dashed #999; margin-top: 20mm; padding-top: 10mm; }
}"""


def serif_faces() -> SerifFaces:
    """The four faces, or FontMissingError whose message says how to install them."""
    return find_serif_faces()


@lru_cache(maxsize=4)
def environment(templates: Templates = SHIPPED) -> jinja2.Environment:
    # Sandboxed: the html/ folder may come from a dataset's `templates` setting.
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in templates.folders("html")]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests.update(
        heading=lambda block: isinstance(block, Heading),
        paragraph=lambda block: isinstance(block, Paragraph),
        table=lambda block: isinstance(block, Table),
        chart=lambda block: isinstance(block, Chart),
    )
    env.globals["unknown_block"] = _unknown_block
    return env


def _unknown_block(block: object) -> str:
    raise TypeError(f"no HTML for block type {type(block).__name__}")


@lru_cache(maxsize=4)
def print_css(templates: Templates = SHIPPED) -> str:
    """The print stylesheet's text (parsed once per process by the PDF renderer)."""
    return templates.path("html/print.css").read_text(encoding="utf-8")


def w3c_datetime(moment: datetime) -> str:
    """A W3C date-time for dcterms meta tags. A naive time is written as UTC ("Z"),
    as python-docx writes dcterms:created, so the DOCX and PDF properties agree."""
    return utc_naive(moment).replace(microsecond=0).isoformat() + "Z"


CHART_MEDIA_TYPE = "image/svg+xml"


def chart_image(chart: Chart) -> bytes:
    """The chart as SVG drawn from the model (chart_svg.py): vector, its text in the
    report face, opaque (a white ground; PDF/A forbids soft masks), no matplotlib."""
    from reportgen.render.chart_svg import chart_svg

    return chart_svg(chart).encode("utf-8")


def chart_data_uri(chart: Chart) -> str:
    return (f"data:{CHART_MEDIA_TYPE};base64,"
            + base64.b64encode(chart_image(chart)).decode("ascii"))



def render_html(model: ReportModel, *, standalone: bool = True,
                templates: Templates = SHIPPED) -> str:
    """The report as HTML. standalone=True inlines print.css (plus a screen-only
    preview style) so the file opens alone in a browser; standalone=False leaves the
    stylesheet to the caller. Charts are data: URIs either way."""
    return html_document(model, standalone=standalone, chart_src=chart_data_uri, templates=templates)


def html_document(model: ReportModel, *, standalone: bool,
                  chart_src: Callable[[Chart], str], templates: Templates = SHIPPED) -> str:
    """render_html with the chart references chosen by the caller: the PDF renderer
    serves chart PNGs through its URL fetcher rather than parse base64 out of HTML."""
    template = environment(templates).get_template("report.html.j2")
    return template.render(
        model=model,
        lang=model.info.language.split("-")[0] if model.info.language else "vi",
        created=w3c_datetime(model.info.created),
        standalone=standalone,
        css=print_css(templates) if standalone else "",
        preview_css=PREVIEW_CSS,
        chart_src=chart_src,
    )
