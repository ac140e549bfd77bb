"""ReportModel → PDF bytes with WeasyPrint (HTML from render_html, layout from print.css).

A PdfRenderer holds what is costly to build and the same for every report: the font
configuration with the serif faces loaded, and the parsed stylesheets. Bulk builds make
one per worker process; render_pdf uses one per process (per font directory setting).
Output is byte-identical for the same model: dates come from the model, the file
identifier is a hash of the content, and font subsets are deterministic.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reportgen.fonts import (
    FontFallbackError, FontMissingError, SerifFaces, face_repertoire, font_dirs,
)
from reportgen.model import Chart, ReportModel
from reportgen.render import _weasyprint
from reportgen.resources import SHIPPED, Templates
from reportgen.render.html import (
    CHART_MEDIA_TYPE, chart_image, environment, html_document, print_css, serif_faces,
)

VARIANTS = (None, "pdf/a-3b")


@dataclass(frozen=True)
class _Face:
    url: str
    weight: str
    style: str


def font_face_css(faces: SerifFaces, family: str, templates: Templates = SHIPPED) -> str:
    """@font-face rules for the four faces (templates/html/fonts.css.j2)."""
    rows = (
        _Face(Path(faces.regular).resolve().as_uri(), "normal", "normal"),
        _Face(Path(faces.bold).resolve().as_uri(), "bold", "normal"),
        _Face(Path(faces.italic).resolve().as_uri(), "normal", "italic"),
        _Face(Path(faces.bolditalic).resolve().as_uri(), "bold", "italic"),
    )
    return environment(templates).get_template("fonts.css.j2").render(faces=rows, family=family)


class PdfRenderer:
    """Reusable HTML → PDF renderer; not thread-safe (a lock serialises render())."""

    def __init__(self, faces: SerifFaces | None = None, templates: Templates = SHIPPED) -> None:
        self.templates = templates
        self.faces = faces or serif_faces()
        self.family = self.faces.family
        self.font_config = FontConfiguration()
        self.stylesheets = [
            weasyprint.CSS(string=font_face_css(self.faces, self.family, templates),
                           font_config=self.font_config),
            weasyprint.CSS(string=print_css(templates), font_config=self.font_config),
        ]
        self.repertoire = face_repertoire(self.faces)
        self._lock = threading.Lock()

    def render(self, model: ReportModel, variant: str | None = None) -> bytes:
        if variant not in VARIANTS:
            raise ValueError(f"unknown PDF variant {variant!r}; expected one of {VARIANTS}")
        fetcher = _ChartFetcher()
        html = html_document(model, standalone=False, chart_src=fetcher.add, templates=self.templates)
        self._check_repertoire(html)
        with self._lock:
            document = _weasyprint.parse_html(html, fetcher).render(
                stylesheets=self.stylesheets, font_config=self.font_config)
            self._check_faces(document)
            return document.write_pdf(
                pdf_variant=variant,
                # An ID from the content's hash: same model, same bytes.
                pdf_identifier=True,
            )

    def _check_repertoire(self, html: str) -> None:
        # Pango would quietly borrow a glyph from another installed face (or draw a
        # blank box); the decree asks for one face, so say which characters are at fault.
        missing = sorted(c for c in set(html) if ord(c) not in self.repertoire
                         and c not in "\t\n\r")
        if missing:
            listed = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing)
            raise FontFallbackError(
                f"{self.family} has no glyph for {listed}: replace these characters "
                "in the data or the narrative templates")

    def _check_faces(self, document) -> None:
        families = {font.family for font in document.fonts.values()}
        strangers = sorted(families - {self.family})
        if strangers:
            raise FontFallbackError(
                f"text would be set in {', '.join(strangers)} instead of {self.family}: "
                "the report contains characters the face lacks")


class _ChartFetcher(URLFetcher):
    """Serves the report's chart images (SVG) by name and fetches nothing else: a report never
    reaches out to the network or the disk while it renders."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("reportgen",))
        self.images: dict[str, bytes] = {}

    def add(self, chart: Chart) -> str:
        url = f"reportgen:chart/{len(self.images)}.svg"
        self.images[url] = chart_image(chart)
        return url

    def fetch(self, url, headers=None):
        if url not in self.images:
            raise ValueError(f"{url!r} is not part of the report")
        return URLFetcherResponse(url, body=self.images[url],
                                  headers={"Content-Type": CHART_MEDIA_TYPE})


_renderers: dict[tuple, PdfRenderer] = {}
_renderers_lock = threading.Lock()


def default_renderer(templates: Templates = SHIPPED) -> PdfRenderer:
    """The process's renderer for the current font directory setting and templates."""
    key = (font_dirs(), templates)
    with _renderers_lock:
        renderer = _renderers.get(key)
        if renderer is None:
            renderer = _renderers[key] = PdfRenderer(templates=templates)
        return renderer


def render_pdf(model: ReportModel, *, variant: str | None = None) -> bytes:
    """The report as PDF bytes; variant None (PDF 1.7) or "pdf/a-3b" (archival)."""
    return default_renderer().render(model, variant=variant)


def render_for_build(model: ReportModel, settings) -> bytes:
    """The `pdf` entry (engine "weasyprint") of reportgen.render.FORMATS."""
    return default_renderer(settings.templates).render(model, variant=settings.pdf_variant)


__all__ = ["FontFallbackError", "FontMissingError", "PdfRenderer", "render_pdf",
           "serif_faces", "default_renderer"]
