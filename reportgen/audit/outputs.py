"""What `--out` writes: the draft as a DOCX with a Word comment on each finding, and an
HTML page of the draft with the findings highlighted.

A DOCX draft is copied with its own formatting; the comment is anchored on the runs that
hold the quoted figure (a run is split at the figure's edges when it is plain text). A
PDF or text draft becomes a plain DOCX of its paragraphs, commented the same way. Both
files are deterministic: comments carry no clock time, and the package is zipped with
fixed timestamps.
"""
from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import jinja2

from reportgen.audit.findings import ERROR, NOT_CHECKED, SEVERITY_ORDER, SEVERITY_WORDS, WARNING, Finding
from reportgen.audit.text import P, Draft, docx_blocks, w
from reportgen.i18n import N_, _

AUTHOR = "reportgen audit"
INITIALS = "RG"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_CREATED = datetime(2000, 1, 1)


def comment_text(finding: Finding) -> str:
    text = f"{_(SEVERITY_WORDS[finding.severity])}: {finding.message_text()}"
    if finding.expected:
        text += " " + _(N_("(should be: {expected})"), expected=finding.expected)
    return text


# ------------------------------------------------------------------ DOCX with comments

def _visible_runs(paragraph) -> list:
    """The paragraph's w:r elements that show text once tracked changes are accepted."""
    hidden = {w("del"), w("moveFrom")}
    runs = []
    for run in paragraph.iter(w("r")):
        ancestor, shown = run.getparent(), True
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag in hidden:
                shown = False
                break
            ancestor = ancestor.getparent()
        if shown:
            runs.append(run)
    return runs


def _run_text(run) -> str:
    from reportgen.audit.text import paragraph_text
    return paragraph_text(run)


def _is_plain(run) -> bool:
    return all(child.tag in (w("rPr"), w("t")) for child in run) and len(run.findall(w("t"))) == 1


def _split_run(run, at: int):
    """Split a plain run into two at character `at`; returns the second half."""
    text_element = run.find(w("t"))
    text = text_element.text or ""
    second = copy.deepcopy(run)
    text_element.text = text[:at]
    second.find(w("t")).text = text[at:]
    for element in (text_element, second.find(w("t"))):
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(second)
    return second


def _runs_for_span(element, start: int, end: int) -> list:
    """The w:r elements covering [start, end) of the block's text, split where plain."""
    paragraphs = [element] if element.tag == P else list(element.iter(P))
    offset = 0
    chosen = []
    for paragraph_index, paragraph in enumerate(paragraphs):
        if paragraph_index:
            offset += 1  # the "\n" between a cell's paragraphs
        for run in _visible_runs(paragraph):
            text = _run_text(run)
            run_start, run_end = offset, offset + len(text)
            offset = run_end
            if not text or run_end <= start or run_start >= end:
                continue
            if _is_plain(run) and run_start < start:
                run = _split_run(run, start - run_start)
                run_start = start
            if _is_plain(run) and run_end > end:
                _split_run(run, end - run_start)
            chosen.append(run)
    if not chosen:
        for paragraph in paragraphs:
            chosen = [r for r in _visible_runs(paragraph) if _run_text(r)]
            if chosen:
                break
    return chosen


def _normalized_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


def _add_comments(document, findings: list[Finding]) -> None:
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    elements = [element for _block, element in docx_blocks(document.element.body)]
    for finding in findings:
        if finding.location.block >= len(elements):
            continue
        element = elements[finding.location.block]
        runs = _runs_for_span(element, *finding.span)
        if not runs:
            continue
        paragraph = Paragraph(runs[0].getparent() if runs[0].getparent().tag == P else
                              next(runs[0].iterancestors(P)), document._body)
        first, last = Run(runs[0], paragraph), Run(runs[-1], paragraph)
        comment = document.add_comment([first, last], text=comment_text(finding),
                                       author=AUTHOR, initials=INITIALS)
        comment._comment_elm.date = None  # no clock time: the same audit, the same bytes


def commented_docx(draft: Draft, findings: list[Finding]) -> bytes:
    """A copy of the draft with a Word comment on each finding (DOCX drafts keep their
    own formatting; PDF and text drafts become a plain DOCX of their paragraphs)."""
    import docx

    if draft.kind == "docx":
        document = docx.Document(io.BytesIO(draft.data) if draft.data else str(draft.path))
    else:
        document = docx.Document()
        properties = document.core_properties
        properties.created = properties.modified = _FIXED_CREATED
        properties.last_modified_by = AUTHOR
        properties.revision = 1
        properties.title = draft.path.name
        for block in draft.blocks:
            if block.heading:
                document.add_heading(block.text, level=2)
            else:
                document.add_paragraph(block.text)
    # Figures not checked get a comment too: they are what the reviewer checks by hand.
    _add_comments(document, findings)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalized_zip(buffer.getvalue())


# ------------------------------------------------------------------ HTML page

@dataclass(frozen=True)
class _Segment:
    text: str
    severity: str | None = None
    numbers: tuple[int, ...] = ()
    title: str = ""


def _segments(text: str, marks: list[tuple[int, Finding]]) -> list[_Segment]:
    """The block's text cut at the findings' spans; overlapping spans merge, the most
    severe finding colours the merged stretch."""
    intervals = sorted((f.span[0], max(f.span[1], f.span[0] + 1), number, f)
                       for number, f in marks if f.span != (0, 0) or text)
    merged: list[list] = []
    for start, end, number, finding in intervals:
        start, end = max(0, start), min(len(text), end)
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].append((number, finding))
        else:
            merged.append([start, end, [(number, finding)]])
    segments, position = [], 0
    for start, end, members in merged:
        if start > position:
            segments.append(_Segment(text[position:start]))
        severity = min((f.severity for _n, f in members), key=SEVERITY_ORDER.get)
        segments.append(_Segment(text[start:end], severity, tuple(n for n, _f in members),
                                 " · ".join(comment_text(f) for _n, f in members)))
        position = end
    if position < len(text):
        segments.append(_Segment(text[position:]))
    return segments


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    try:
        from reportgen.resources import TEMPLATES_DIR
    except ImportError:
        TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "audit")),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def html_page(draft: Draft, findings: list[Finding], *, language: str = "vi") -> str:
    numbered = list(enumerate(findings, 1))
    by_block: dict[int, list[tuple[int, Finding]]] = {}
    for number, finding in numbered:
        by_block.setdefault(finding.location.block, []).append((number, finding))
    items = []  # paragraphs, and tables as rows of cells
    for block in draft.blocks:
        location = block.location
        entry = {"location": location.describe(), "heading": block.heading,
                 "segments": _segments(block.text, by_block.get(location.block, []))}
        if location.table is not None:
            if not items or items[-1]["kind"] != "table" or items[-1]["number"] != location.table:
                items.append({"kind": "table", "number": location.table, "rows": {}})
            items[-1]["rows"].setdefault(location.row, []).append(entry)
        else:
            items.append({"kind": "paragraph", **entry})
    for item in items:
        if item["kind"] == "table":
            item["rows"] = [item["rows"][row] for row in sorted(item["rows"])]
    counts = {severity: sum(f.severity == severity for f in findings)
              for severity in (ERROR, WARNING, NOT_CHECKED)}
    return _environment().get_template("page.html.j2").render(
        language=language, name=draft.path.name, items=items,
        findings=[{"number": n, "severity": f.severity, "location": f.location.describe(),
                   "quote": f.quote, "text": comment_text(f)} for n, f in numbered],
        summary=_(N_("{errors} error(s), {warnings} warning(s), {unchecked} figure(s) not checked"),
                  errors=counts[ERROR], warnings=counts[WARNING], unchecked=counts[NOT_CHECKED]),
        labels={"title": _(N_("Audit of {name}"), name=draft.path.name),
                "findings": _(N_("Findings")), "draft": _(N_("The draft")),
                "none": _(N_("No findings."))})


def write_outputs(draft: Draft, findings: list[Finding], out: Path, *, language: str = "vi") -> list[Path]:
    """OUT/<stem>.audit.docx and OUT/<stem>.audit.html; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    stem = draft.path.stem
    docx_path = out / f"{stem}.audit.docx"
    html_path = out / f"{stem}.audit.html"
    docx_path.write_bytes(commented_docx(draft, list(findings)))
    html_path.write_text(html_page(draft, list(findings), language=language), encoding="utf-8")
    return [docx_path, html_path]
