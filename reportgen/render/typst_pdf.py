"""ReportModel → PDF bytes with the Typst compiler (the `typst` package), the fast engine.

The layout lives in templates/typst/report.typ, the twin of templates/html/print.css.
This module only writes the model as data: one JSON document passed through
`sys.inputs`, read by the template with `json(bytes(...))`. No dataset string is ever
spliced into Typst markup, so nothing needs escaping and no unit name or note (with
`#`, `$`, `]`, `\\`, `//`…) can turn into code.

A TypstRenderer holds the compiler with the report face loaded (the folders that hold
the four Liberation Serif files, and no system or bundled font). Bulk builds make one per
worker; render_pdf_typst uses one per process and font setting. Output is byte-identical
for the same model: the dates come from the model, Typst derives the document identifier
from the content, and its font subsets are deterministic.
"""
from __future__ import annotations

import dataclasses
import json
import threading
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import typst

from reportgen.fonts import (
    FontFallbackError, FontMissingError, SerifFaces, face_repertoire, find_serif_faces, font_dirs,
)
from reportgen.model import Chart, Heading, Paragraph, ReportModel, Table
from reportgen.resources import SHIPPED, Templates

TEMPLATE = "typst/report.typ"  # in the templates (a --templates folder may override it)
VARIANTS = (None, "pdf/a-3b")
_STANDARDS = {None: [], "pdf/a-3b": ["a-3b"]}


class TypstLayoutError(RuntimeError):
    """The Typst template could not lay the report out (a template error: the message
    carries Typst's diagnostic and hints)."""


def _utc_naive(moment: datetime) -> datetime:
    # As render/html.py's w3c_datetime: a naive time is UTC, so DOCX and PDF agree.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _plain(value: object) -> object:
    """A model value as JSON data: dataclasses as objects, Decimals as exact strings."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


_KINDS = ((Heading, "heading"), (Paragraph, "paragraph"), (Table, "table"), (Chart, "chart"))


def _block(block: object) -> dict:
    for cls, kind in _KINDS:
        if isinstance(block, cls):
            data = _plain(block)
            data["kind"] = kind
            return data
    raise TypeError(f"no Typst layout for block type {type(block).__name__}")


def report_data(model: ReportModel, family: str) -> dict:
    """What the template reads: the model, and the one face it may name."""
    created = _utc_naive(model.info.created)
    language, _, region = (model.info.language or "vi").partition("-")
    info = _plain(model.info)
    info.update(created=[created.year, created.month, created.day, created.hour,
                         created.minute, created.second],
                lang=language.lower(), region=region.lower() or None)
    data = {f.name: _plain(getattr(model, f.name)) for f in dataclasses.fields(model)}
    data.update(info=info, body=[_block(b) for b in model.body],
                appendices=[dict(_plain(a), blocks=[_block(b) for b in a.blocks])
                            for a in model.appendices])
    return {"font": family, "model": data}


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class TypstRenderer:
    """Reusable ReportModel → PDF compiler; a lock serialises render()."""

    def __init__(self, faces: SerifFaces | None = None, templates: Templates = SHIPPED) -> None:
        self.templates = templates
        self.faces = faces or find_serif_faces()
        self.family = self.faces.family
        paths = (self.faces.regular, self.faces.bold, self.faces.italic, self.faces.bolditalic)
        # Typst takes font folders, not files: the folders fonts.py found the faces in.
        folders = sorted({str(Path(p).resolve().parent) for p in paths})
        self.fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                                 font_paths=folders)
        styles = {(f.style, f.weight) for f in self.fonts.fonts() if f.family == self.family}
        if not {("normal", 400), ("normal", 700), ("italic", 400), ("italic", 700)} <= styles:
            raise FontMissingError(f"Typst cannot load the four {self.family} faces from "
                                   + ", ".join(folders))
        template = templates.path(TEMPLATE)
        self.compiler = typst.Compiler(str(template), root=str(template.parent),
                                       font_paths=self.fonts, ignore_system_fonts=True)
        self.repertoire = face_repertoire(self.faces)
        self._lock = threading.Lock()

    def render(self, model: ReportModel, variant: str | None = None) -> bytes:
        if variant not in VARIANTS:
            raise ValueError(f"unknown PDF variant {variant!r}; expected one of {VARIANTS}")
        data = report_data(model, self.family)
        self._check_repertoire(data["model"])
        created = _utc_naive(model.info.created).replace(tzinfo=timezone.utc)
        with self._lock:
            try:
                pdf, warnings = self.compiler.compile_with_warnings(
                    format="pdf",
                    sys_inputs={"report": json.dumps(data, ensure_ascii=False)},
                    pdf_standards=_STANDARDS[variant],
                    timestamp=created,
                )
            except typst.TypstError as error:
                raise TypstLayoutError(_diagnostic(error)) from error
        fonts = [w for w in warnings if "font" in w.message]
        if fonts:
            raise FontFallbackError("; ".join(w.message for w in fonts))
        return pdf

    def _check_repertoire(self, data: dict) -> None:
        # With fallback off Typst would draw a blank box (and only warn) for a character
        # the face lacks: say which characters are at fault, as the WeasyPrint engine does.
        seen = set().union(*(set(s) for s in _strings(data)))
        missing = sorted(c for c in seen if ord(c) not in self.repertoire and c not in "\t\n\r")
        if missing:
            listed = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing)
            raise FontFallbackError(
                f"{self.family} has no glyph for {listed}: replace these characters "
                "in the data or the narrative templates")


def _diagnostic(error: typst.TypstError) -> str:
    parts = [str(getattr(error, "message", "") or error)]
    if getattr(error, "diagnostic", ""):
        parts.append(error.diagnostic)
    parts += [f"hint: {hint}" for hint in getattr(error, "hints", None) or ()]
    return "\n".join(parts)


_renderers: dict[tuple, TypstRenderer] = {}
_renderers_lock = threading.Lock()


def default_renderer(templates: Templates = SHIPPED) -> TypstRenderer:
    """The process's Typst renderer for the current font directory setting and templates."""
    key = (font_dirs(), templates)
    with _renderers_lock:
        renderer = _renderers.get(key)
        if renderer is None:
            renderer = _renderers[key] = TypstRenderer(templates=templates)
        return renderer


def render_pdf_typst(model: ReportModel, *, variant: str | None = None) -> bytes:
    """The report as PDF bytes laid out by Typst; variant None (PDF 1.7) or "pdf/a-3b"."""
    return default_renderer().render(model, variant=variant)


def render_for_build(model: ReportModel, settings) -> bytes:
    """The `pdf` entry, engine "typst", of reportgen.render.FORMATS."""
    return default_renderer(settings.templates).render(model, variant=settings.pdf_variant)


__all__ = ["FontFallbackError", "TypstLayoutError", "TypstRenderer", "default_renderer",
           "render_for_build", "render_pdf_typst"]
