"""What reportgen changes in WeasyPrint's work, none of it changing a byte of the PDF:

- a lean user-agent stylesheet (no rules for pseudo-elements the reports never use),
- the C XML parser for our well-formed templates instead of the HTML5 parser.

Both are subclasses used by PdfRenderer: nothing in WeasyPrint is patched. (The chart is
SVG drawn from the model now, so the former PNG pass-through patch had nothing left to
speed up and is gone.) tests/render/test_pdf.py checks both give the bytes WeasyPrint
alone gives.
"""
from __future__ import annotations

from functools import lru_cache
from xml.etree import ElementTree

import cssselect2
import tinycss2
import weasyprint
from weasyprint.css.counters import CounterStyle
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
