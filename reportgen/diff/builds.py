"""`reportgen diff OLD NEW`: two DOCX drafts, or two build folders unit by unit.

Two drafts give `<new-stem>.redline.docx` and `.redline.html`. Two build folders are
compared through their manifests (interface.md §3): every unit whose outputs' sha256
differ, or that exists on one side only, gets its figures compared (from the
`<period>/<unit>.figures.json` written beside the reports) and its DOCX redlined; an
index page links it all. Figures are formatted by reportgen.vi, as in the reports.

A build folder may come from anyone: its manifest and figures files are read bounded
(reportgen.safety.jsonsafe), units and periods must be codes (safety.paths.is_code), files
are opened inside the folder without following links, and a DOCX is inspected before it
is read (ooxml.read). figures.csv is written by the OWASP rule (safety.formulas): a name
such as "=cmd|' /C calc'!A0" is text in Calc and Excel, a number stays a number.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from reportgen.diff.align import DiffResult
from reportgen.diff.compare import compare, core_date, load_pair
from reportgen.diff.errors import (
    MISMATCHED, MISSING_OUTPUT, NO_COMMON_PERIOD, NO_MANIFEST, NOT_FOUND, UNREADABLE_JSON,
    DiffInputError,
)
from reportgen.diff.html_view import render_comparison
from reportgen.diff.pages import figures_page, index_page
from reportgen.diff.redline import DEFAULT_AUTHOR, mark_comparison
from reportgen.errors import OutputError
from reportgen.figures_file import parse_figures
from reportgen.files import atomic_write, read_inside
from reportgen.ooxml.read import NOT_DOCX, REFUSED_DOCX
from reportgen.safety.archives import ArchiveError, CheckedZip
from reportgen.render import FORMATS
from reportgen.safety.formulas import csv_row
from reportgen.safety.jsonsafe import load_json
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError, check
from reportgen.safety.paths import entry_path, is_code, open_inside

# Formats whose two versions are redlined (tracked changes in a DOCX); render.FORMATS says.
REDLINE_FORMATS = tuple(name for name, spec in FORMATS.items() if spec.redline)

Number = int | Decimal
CSV_COLUMNS = ("period", "unit", "indicator", "name", "old_value", "new_value", "change")


@dataclass(frozen=True)
class FigureChange:
    period: str
    unit: str
    indicator: str
    name: str
    measure: str  # the indicator's unit of measure ("người")
    old_value: Number | None
    new_value: Number | None

    @property
    def change(self) -> Number | None:
        if self.old_value is None or self.new_value is None:
            return None
        return self.new_value - self.old_value


@dataclass(frozen=True)
class UnitChange:
    period: str
    unit: str
    name: str
    status: Literal["changed", "added", "removed"]
    formats: tuple[str, ...]  # outputs that differ or exist on one side only
    figures: tuple[FigureChange, ...]
    has_figures: bool  # a figures.json was there to compare
    redline_docx: Path | None = None
    redline_html: Path | None = None
    document: DiffResult | None = None


@dataclass(frozen=True)
class DiffReport:
    kind: Literal["docx", "builds"]
    out_dir: Path
    files: tuple[Path, ...]  # everything written, sorted
    document: DiffResult | None = None  # two drafts: what changed
    units: tuple[UnitChange, ...] = ()  # two builds: the units that changed
    unchanged_units: int = 0

    @property
    def has_changes(self) -> bool:
        if self.kind == "docx":
            return self.document is not None and self.document.has_changes
        return bool(self.units)


def diff_paths(old: Path, new: Path, out_dir: Path, *, author: str = DEFAULT_AUTHOR
               ) -> DiffReport:
    """Compare two DOCX drafts or two build folders and write the review files to out_dir."""
    old, new, out_dir = Path(old), Path(new), Path(out_dir)
    for path in (old, new):
        if not path.exists():
            raise DiffInputError(NOT_FOUND, path=str(path))
    if old.is_file() and new.is_file():
        return _diff_documents(old, new, out_dir, author)
    if old.is_dir() and new.is_dir():
        return _diff_builds(old, new, out_dir, author)
    raise DiffInputError(MISMATCHED, old=str(old), new=str(new))


# ----------------------------------------------------------------------- two documents

def _diff_documents(old: Path, new: Path, out_dir: Path, author: str) -> DiffReport:
    docx_path = out_dir / f"{new.stem}.redline.docx"
    html_path = out_dir / f"{new.stem}.redline.html"
    title = f"So sánh: {old.name} → {new.name}"
    result = _redline_files(old, new, docx_path, html_path, title, author)
    return DiffReport("docx", out_dir, (docx_path, html_path), document=result)


def _read_draft(path: Path, folder: Path | None = None, relative: str | None = None) -> bytes:
    """A draft's bytes. Its central directory is checked first (a 1 GB entry is refused
    with the limit's message before anything is read), then at most archive_total_bytes
    are read. Inside a build folder, no link is followed."""
    limits = Limits.from_environ()
    try:
        handle = (open_inside(folder, relative, "rb") if folder is not None and relative is not None
                  else open(path, "rb"))
        with handle:
            inspected = CheckedZip(handle, file=str(path), limits=limits)
            inspected.zip.close()  # the handle stays ours: it is read below
            handle.seek(0)
            data = handle.read(limits.archive_total_bytes + 1)
        check(limits, "archive_total_bytes", len(data), file=str(path))
        return data
    except LimitExceeded as error:
        raise DiffInputError(REFUSED_DOCX, path=str(path), reason=error.describe()) from None
    except ArchiveError as error:
        if "entry" in error.params:  # a named entry refused: "../../x", a link, encrypted
            raise DiffInputError(REFUSED_DOCX, path=str(path), reason=error.describe()) from None
        raise DiffInputError(NOT_DOCX, path=str(path)) from None
    except SafetyError as error:
        raise DiffInputError(UNREADABLE_JSON, path=str(path), reason=error.describe()) from None
    except OSError as error:
        raise DiffInputError(UNREADABLE_JSON, path=str(path), reason=error.strerror or str(error)) from None


def _redline_files(old: Path | tuple[Path, str], new: Path | tuple[Path, str], docx_path: Path,
                   html_path: Path, title: str, author: str) -> DiffResult:
    old_bytes, new_bytes = (_read_draft(p) if isinstance(p, Path) else _read_draft(p[0] / p[1], *p)
                            for p in (old, new))
    old = old if isinstance(old, Path) else old[0] / old[1]
    new = new if isinstance(new, Path) else new[0] / new[1]
    old_package, new_package = load_pair(old_bytes, new_bytes, str(old), str(new))
    comparison = compare(old_package, new_package)
    page = render_comparison(comparison, title=title)  # before the marks change the XML
    # The marks carry the new draft's own date (core properties), never the clock.
    docx = mark_comparison(comparison, author=author, date=core_date(new_bytes))
    atomic_write(docx_path, docx)
    atomic_write(html_path, page.encode("utf-8"))
    return comparison.result


# ------------------------------------------------------------------------ two builds

@dataclass(frozen=True)
class _Build:
    folder: Path
    manifest: Path
    outputs: dict[tuple[str, str], dict[str, dict]]  # (period, unit) → format → entry

    def file(self, entry: dict) -> tuple[Path, str]:
        """(folder, checked relative path) of a listed output; read it with read_inside."""
        try:
            relative = entry_path(entry["path"])
        except SafetyError as error:
            raise DiffInputError(UNREADABLE_JSON, path=str(self.manifest),
                                 reason=error.describe()) from None
        if not os.path.lexists(self.folder / relative):
            raise DiffInputError(MISSING_OUTPUT, path=str(self.folder / relative),
                                 manifest=str(self.manifest))
        return self.folder, relative


def _read_build(folder: Path) -> _Build:
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise DiffInputError(NO_MANIFEST, path=str(folder))
    data = _read_json(folder, "manifest.json")
    entries = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DiffInputError(UNREADABLE_JSON, path=str(manifest),
                             reason='expected {"outputs": [...]}')
    outputs: dict[tuple[str, str], dict[str, dict]] = {}
    for entry in entries:
        if not (isinstance(entry, dict)
                and all(isinstance(entry.get(k), str)
                        for k in ("unit", "period", "format", "path", "sha256"))):
            raise DiffInputError(UNREADABLE_JSON, path=str(manifest),
                                 reason=f"an output lacks unit/period/format/path/sha256: {entry}")
        for key in ("unit", "period"):
            if not is_code(entry[key]):
                raise DiffInputError(UNREADABLE_JSON, path=str(manifest),
                                     reason=f"{key} {entry[key]!r} is not a plain name")
        outputs.setdefault((entry["period"], entry["unit"]), {})[entry["format"]] = entry
    return _Build(folder, manifest, outputs)


def _diff_builds(old_folder: Path, new_folder: Path, out_dir: Path, author: str) -> DiffReport:
    old, new = _read_build(old_folder), _read_build(new_folder)
    old_periods = sorted({period for period, _ in old.outputs})
    new_periods = sorted({period for period, _ in new.outputs})
    if (old_periods or new_periods) and not set(old_periods) & set(new_periods):
        raise DiffInputError(NO_COMMON_PERIOD, old_periods=", ".join(old_periods) or "-",
                             new_periods=", ".join(new_periods) or "-")
    units: list[UnitChange] = []
    labels: dict[str, str] = {}
    unchanged = 0
    written: list[Path] = []
    for key in sorted(set(old.outputs) | set(new.outputs)):
        period, unit = key
        before, after = old.outputs.get(key, {}), new.outputs.get(key, {})
        formats = tuple(sorted(
            f for f in set(before) | set(after)
            if f not in before or f not in after or before[f]["sha256"] != after[f]["sha256"]))
        if not formats:
            unchanged += 1
            continue
        status = "added" if not before else "removed" if not after else "changed"
        old_figures = _read_figures(old, before.get("figures"))
        new_figures = _read_figures(new, after.get("figures"))
        name = (new_figures or old_figures or {}).get("name", "")
        for figures in (new_figures, old_figures):
            if figures and figures.get("label"):
                labels.setdefault(period, figures["label"])
        figure_changes = _figure_changes(period, unit, old_figures, new_figures,
                                         figures_differ="figures" in formats)
        redline_docx = redline_html = document = None
        redlined = next((f for f in REDLINE_FORMATS if f in formats and f in before and f in after), None)
        if redlined:
            redline_docx = out_dir / period / f"{unit}.redline.docx"
            redline_html = out_dir / period / f"{unit}.redline.html"
            title = f"{unit} {name} · {labels.get(period, period)}: so sánh hai bản".replace(
                "  ", " ")
            document = _redline_files(old.file(before[redlined]), new.file(after[redlined]),
                                      redline_docx, redline_html, title, author)
            written += [redline_docx, redline_html]
        units.append(UnitChange(period, unit, name, status, formats, figure_changes,
                                bool(old_figures or new_figures), redline_docx, redline_html,
                                document))
    figures_html = out_dir / "figures.html"
    figures_csv = out_dir / "figures.csv"
    index_html = out_dir / "index.html"
    atomic_write(figures_html, figures_page(units, labels).encode("utf-8"))
    atomic_write(figures_csv, _figures_csv(units))
    atomic_write(index_html, index_page(old_folder, new_folder, units, labels, unchanged,
                                        out_dir).encode("utf-8"))
    written += [figures_html, figures_csv, index_html]
    return DiffReport("builds", out_dir, tuple(sorted(written)), units=tuple(units),
                      unchanged_units=unchanged)


def _read_figures(build: _Build, entry: dict | None) -> dict | None:
    """{"name", "label", "figures": {indicator: figure}} from one figures.json, or None."""
    if entry is None:
        return None
    folder, relative = build.file(entry)
    data = _read_json(folder, relative)
    try:
        return parse_figures(data)
    except (AttributeError, KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise DiffInputError(UNREADABLE_JSON, path=str(folder / relative),
                             reason=f"{type(error).__name__}: {error}"[:200]) from None


def _read_json(folder: Path, relative: str):
    """A JSON file of a build folder: inside it (no link followed), bounded in size and depth."""
    limits = Limits.from_environ()
    path = folder / relative
    try:
        raw = read_inside(folder, relative, max_bytes=limits.json_bytes)
        return load_json(raw, file=str(path), limits=limits)
    except SafetyError as error:
        raise DiffInputError(UNREADABLE_JSON, path=str(path), reason=error.describe()) from None
    except OutputError as error:
        raise DiffInputError(UNREADABLE_JSON, path=str(path),
                             reason=str(error.params.get("reason", ""))) from None


def _figure_changes(period: str, unit: str, old: dict | None, new: dict | None, *,
                    figures_differ: bool) -> tuple[FigureChange, ...]:
    """Indicators whose value differs or that one side lacks; every figure of a unit that
    was added or removed."""
    if not figures_differ or (old is None and new is None):
        return ()
    before = (old or {}).get("figures", {})
    after = (new or {}).get("figures", {})
    order = list(after) + [code for code in before if code not in after]
    changes = []
    for code in order:
        a, b = before.get(code), after.get(code)
        old_value = a["value"] if a else None
        new_value = b["value"] if b else None
        if a and b and old_value == new_value:
            continue
        source = b or a
        changes.append(FigureChange(period, unit, code, source["name"], source["measure"],
                                    old_value, new_value))
    return tuple(changes)


# ---------------------------------------------------------------------------- writing

def _raw(value: Number | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else format(value, "f")


def _figures_csv(units: list[UnitChange]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_row(CSV_COLUMNS))
    for unit in units:
        for f in unit.figures:
            # Texts that could be formulas get a leading apostrophe; the figures follow
            # as plain numbers ("-12" unprefixed).
            writer.writerow(csv_row((f.period, f.unit, f.indicator, f.name))
                            + [_raw(f.old_value), _raw(f.new_value), _raw(f.change)])
    # With a BOM so that Excel opens the Vietnamese names as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")
