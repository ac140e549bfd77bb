"""The output formats, by name: the one table a new format is added to.

Each `OutputFormat` says which file suffix it writes, what it needs installed, and which
function turns a ReportModel into its bytes. The function is named as "module:function"
and imported only when that format is rendered, so a DOCX-only build never imports
WeasyPrint. The CLI's `--format` choices, `BuildOptions.formats`' default, the build's
worker, the manifest's format of a file and the diff's choice of what to redline all
read this table.

A format may have several engines (PDF: WeasyPrint, the default, and Typst):
`engines` maps an engine name to its function, `RenderSettings.engines` picks one per
format, and the first engine listed is the default.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Mapping

from reportgen.resources import SHIPPED, Templates

if TYPE_CHECKING:
    from reportgen.model import ReportModel


@dataclass(frozen=True)
class RenderSettings:
    """What a renderer may be told besides the model."""

    templates: Templates = SHIPPED
    pdf_variant: str | None = None  # None (PDF 1.7) or "pdf/a-3b"
    engines: tuple[tuple[str, str], ...] = ()  # (format, engine) pairs; absent = default

    def engine_for(self, fmt: "OutputFormat") -> str:
        return dict(self.engines).get(fmt.name, fmt.default_engine)


Renderer = Callable[["ReportModel", RenderSettings], "bytes | None"]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    suffix: str  # appended to "<period>/<unit>"
    engines: Mapping[str, str]  # engine name → "module:function" (a Renderer); first = default
    needs: tuple[str, ...] = ()  # what must be installed, for messages and docs
    extra_outputs: tuple[str, ...] = ()  # formats written whenever this one is asked for
    requestable: bool = True  # offered as --format (False: only rides on another format)
    redline: bool = False  # `reportgen diff` redlines two builds' files of this format
    optional: bool = False  # may render nothing (None) for a report: not needed to be up to date

    @property
    def default_engine(self) -> str:
        return next(iter(self.engines))

    def renderer(self, engine: str | None = None) -> Renderer:
        module, function = self.engines[engine or self.default_engine].split(":")
        return getattr(import_module(module), function)

    def render(self, model: "ReportModel", settings: RenderSettings = RenderSettings()) -> bytes | None:
        return self.renderer(settings.engine_for(self))(model, settings)


FORMATS: dict[str, OutputFormat] = {
    "docx": OutputFormat("docx", ".docx", {"python-docx": "reportgen.render.docx:render_for_build"},
                         needs=("fonts",), extra_outputs=("xlsx",), redline=True),
    # The appendix tables' machine-readable twin; only when the report has tables.
    "xlsx": OutputFormat("xlsx", ".xlsx", {"openpyxl": "reportgen.render.xlsx:render_for_build"},
                         requestable=False, optional=True),
    # Typst (render/typst_pdf.py) is the fast engine: --pdf-engine typst, pdf_engine: typst.
    "pdf": OutputFormat("pdf", ".pdf", {"weasyprint": "reportgen.render.pdf:render_for_build",
                                        "typst": "reportgen.render.typst_pdf:render_for_build"},
                        needs=("fonts", "weasyprint")),
}

REQUESTABLE = tuple(name for name, spec in FORMATS.items() if spec.requestable)
"""What a caller may ask for (the CLI's --format choices, BuildOptions' default)."""


def outputs_of(requested: tuple[str, ...] | list[str]) -> list[OutputFormat]:
    """The formats written for a request: each asked-for format, then its extra outputs,
    each once, in the order asked."""
    names: dict[str, None] = {}
    for name in requested:
        names[name] = None
        for extra in FORMATS[name].extra_outputs:
            names[extra] = None
    return [FORMATS[name] for name in names]


def format_of(path: str) -> str | None:
    """The format that writes a file of this name (longest suffix wins), or None."""
    matches = [spec for spec in FORMATS.values() if path.endswith(spec.suffix)]
    return max(matches, key=lambda spec: len(spec.suffix)).name if matches else None
