"""ReportModel → PDF bytes with WeasyPrint (HTML from render_html, layout from print.css).

A PdfRenderer holds what is costly to build and the same for every report: the font
configuration with the serif faces loaded, and the parsed stylesheets. Bulk builds make
one per worker process; render_pdf uses one per process (per font directory setting).
Output is byte-identical for the same model: dates come from the model, the file
identifier is a hash of the content, and font subsets are deterministic.
"""
from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import cssselect2
import tinycss2
import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.images import RasterImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reportgen.errors import ReportgenError
from reportgen.fonts import FontMissingError, SerifFaces, face_repertoire, font_dirs
from reportgen.model import Chart, ReportModel
from reportgen.resources import SHIPPED, Templates
from reportgen.render.html import (
    chart_image, environment, html_document, print_css, serif_faces,
)

VARIANTS = (None, "pdf/a-3b")


class FontFallbackError(ReportgenError, RuntimeError):
    """Some text would be set in a face other than the report face (a character the
    face lacks): the decree asks for one face, so this is an error, not a substitute."""


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
            document = parse_html(html, fetcher).render(
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


# Pseudo-elements that exist only for markup and CSS the reports never use: footnotes
# and notes need `float: footnote` (print.css has none; test_pdf.py checks). WeasyPrint's
# user-agent sheet styles them, and ::marker, with universal selectors, so the cascade
# builds six pseudo-element styles for every element: a tenth of a city report's CPU.
_UNUSED_PSEUDO = ("::footnote-", "::note-")


def lean_ua_css() -> str:
    """WeasyPrint's HTML user-agent sheet without the universal pseudo-element rules
    of _UNUSED_PSEUDO, and with `::marker` narrowed to `li::marker` (the only list
    items HTML has)."""
    from weasyprint.html import UA

    kept = []
    for rule in tinycss2.parse_stylesheet(UA, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            if selector.startswith(_UNUSED_PSEUDO):
                continue
            if selector == "::marker":
                rule.prelude = tinycss2.parse_component_value_list("li::marker ")
        kept.append(rule.serialize())
    return "\n".join(kept)


@lru_cache(maxsize=1)
def lean_ua_stylesheet() -> weasyprint.CSS:
    """lean_ua_css() parsed once per process. Same PDF bytes, less cascade work
    (test_pdf.py checks both)."""
    # A throwaway registry: the sheet's @counter-style rules must not touch
    # WeasyPrint's shared UA_COUNTER_STYLE (HTML._ua_counter_style copies that one).
    return weasyprint.CSS(string=lean_ua_css(), counter_style=CounterStyle())


class _LeanUA:
    """Mixin: use lean_ua_stylesheet() in place of WeasyPrint's UA sheet (no forms:
    the reports have none, and PdfRenderer never passes pdf_forms)."""

    def _ua_stylesheets(self, forms=False):
        if forms:
            return super()._ua_stylesheets(forms)
        return [lean_ua_stylesheet()]


class _HTML(_LeanUA, weasyprint.HTML):
    """weasyprint.HTML (its HTML5 parser) with the lean user-agent sheet."""


class _ParsedHTML(_LeanUA, weasyprint.HTML):
    """weasyprint.HTML over a tree parsed by the C XML parser. Our templates emit
    markup that is also well-formed XML, and WeasyPrint's pure-Python HTML5 parser
    costs about a tenth of a report's render time. Sets the attributes HTML.__init__
    sets; test_pdf.py checks both parsers give byte-identical PDFs."""

    def __init__(self, root: ElementTree.Element, url_fetcher: URLFetcher) -> None:
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def parse_html(html: str, url_fetcher: URLFetcher) -> weasyprint.HTML:
    """The document for WeasyPrint: the fast XML parse, or the HTML5 parser when the
    text is not well-formed XML (e.g. a control character in the data)."""
    try:
        root = ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return _HTML(string=html, url_fetcher=url_fetcher)
    return _ParsedHTML(root, url_fetcher)


class _ChartFetcher(URLFetcher):
    """Serves the report's chart PNGs by name and fetches nothing else: a report never
    reaches out to the network or the disk while it renders."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("reportgen",))
        self.images: dict[str, bytes] = {}

    def add(self, chart: Chart) -> str:
        url = f"reportgen:chart/{len(self.images)}.png"
        self.images[url] = chart_image(chart)
        return url

    def fetch(self, url, headers=None):
        if url not in self.images:
            raise ValueError(f"{url!r} is not part of the report")
        return URLFetcherResponse(url, body=self.images[url],
                                  headers={"Content-Type": "image/png"})


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_idat(data: bytes) -> bytes | None:
    """The zlib stream of a PNG whose rows a PDF can take as they are (FlateDecode,
    Predictor 15): 8 bits per sample, grey or RGB, not interlaced, no palette and no
    transparency chunk. None for any other PNG or anything that is not one."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    chunks, position = [], len(_PNG_SIGNATURE)
    header = None
    while position + 8 <= len(data):
        length, kind = struct.unpack_from("!I4s", data, position)
        body = data[position + 8:position + 8 + length]
        if len(body) != length:
            return None
        if kind == b"IHDR":
            header = body
        elif kind in (b"tRNS", b"PLTE"):
            return None
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None or len(header) != 13 or not chunks:
        return None
    _, _, depth, colour, _, _, interlace = struct.unpack("!IIBBBBB", header)
    if depth != 8 or colour not in (0, 2) or interlace != 0:
        return None
    return b"".join(chunks)


_original_get_x_object = RasterImage.get_x_object


def _get_x_object(self, interpolate, dpi_ratio):
    """RasterImage.get_x_object without decoding and re-encoding a PNG whose IDAT
    data is already what the PDF image stream holds (see png_idat). WeasyPrint
    re-saves every PNG with Pillow to take its IDAT: for our chart (a Pillow PNG,
    same settings) that costs ~0.09 s per render and gives the same bytes."""
    if dpi_ratio == 1 and self.format == "PNG" and self.mode in ("RGB", "L"):
        idat = png_idat(self.image_data.data)
        if idat is not None:
            self._get_png_data = lambda _image: idat
    return _original_get_x_object(self, interpolate, dpi_ratio)


RasterImage.get_x_object = _get_x_object


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
