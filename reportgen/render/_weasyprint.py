"""What reportgen changes in WeasyPrint's work, none of it changing a byte of the PDF:

- a lean user-agent stylesheet (no rules for pseudo-elements the reports never use),
- the C XML parser for our well-formed templates instead of the HTML5 parser,
- PNG pass-through: a chart PNG's IDAT goes into the PDF as it is, not re-encoded.

The first two are subclasses used by PdfRenderer. The third replaces a method of
WeasyPrint's RasterImage for the whole process, so importing this module does not do
it: `install()` does, and PdfRenderer calls it. tests/render/test_pdf.py checks every
one gives the bytes WeasyPrint alone gives.
"""
from __future__ import annotations

import struct
from functools import lru_cache
from xml.etree import ElementTree

import cssselect2
import tinycss2
import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.images import RasterImage
from weasyprint.urls import URLFetcher

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


ORIGINAL_GET_X_OBJECT = RasterImage.get_x_object


def _get_x_object(self, interpolate, dpi_ratio):
    """RasterImage.get_x_object without decoding and re-encoding a PNG whose IDAT
    data is already what the PDF image stream holds (see png_idat). WeasyPrint
    re-saves every PNG with Pillow to take its IDAT: for our chart (a Pillow PNG,
    same settings) that costs ~0.09 s per render and gives the same bytes."""
    if dpi_ratio == 1 and self.format == "PNG" and self.mode in ("RGB", "L"):
        idat = png_idat(self.image_data.data)
        if idat is not None:
            self._get_png_data = lambda _image: idat
    return ORIGINAL_GET_X_OBJECT(self, interpolate, dpi_ratio)


def install() -> None:
    """Turn PNG pass-through on for this process (idempotent)."""
    RasterImage.get_x_object = _get_x_object


def installed() -> bool:
    return RasterImage.get_x_object is _get_x_object
