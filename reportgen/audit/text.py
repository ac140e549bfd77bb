"""A draft as located blocks of text: what the audit reads, and where it points.

DOCX: body paragraphs and table cells in reading order, with tracked changes taken as
the document currently shows them (inserted text kept, deleted text dropped). PDF: the
text layer, page by page, lines joined into paragraphs. TXT: one paragraph per line;
Markdown: paragraphs separated by blank lines. Text is Unicode NFC.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lxml import etree

from reportgen.audit.findings import Location
from reportgen.errors import InputFileError
from reportgen.i18n import N_

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SUFFIXES = (".docx", ".pdf", ".txt", ".md")


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


P, TBL, TR, TC, SDT, SDT_CONTENT = w("p"), w("tbl"), w("tr"), w("tc"), w("sdt"), w("sdtContent")
# Text that the document does not show once its tracked changes are accepted.
_HIDDEN = {w("del"), w("moveFrom"), w("delText"), w("instrText"), w("delInstrText"), w("pPr"), w("rPr")}
_BREAKS = {w("br"): "\n", w("cr"): "\n", w("tab"): "\t", w("ptab"): "\t", w("noBreakHyphen"): "-"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class AuditInputError(InputFileError):
    """A draft the audit cannot read; the message id names the file and what to do."""


@dataclass(frozen=True)
class Block:
    location: Location
    text: str
    heading: bool = False  # for the HTML page only
    tabular: bool = False  # a table row a PDF gave as a line of text ("1 Quận Ba Đình 44 27 61,4% …")


@dataclass(frozen=True)
class Draft:
    path: Path
    kind: str  # "docx", "pdf", "text"
    blocks: tuple[Block, ...]
    data: bytes = field(default=b"", repr=False, compare=False)  # the file as read (outputs copy it)

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def paragraph_text(element) -> str:
    """What a w:p shows with its tracked changes accepted."""
    pieces: list[str] = []

    def walk(node):
        for child in node:
            tag = child.tag
            if tag in _HIDDEN or not isinstance(tag, str):
                continue
            if tag == w("t"):
                pieces.append(child.text or "")
            elif tag in _BREAKS:
                pieces.append(_BREAKS[tag])
            else:
                walk(child)

    walk(element)
    return nfc("".join(pieces))


def iter_docx_blocks(body) -> Iterator[tuple[str, object, int | None, int | None, int | None]]:
    """(kind, element, table, row, column) in reading order: a w:p, or a w:tc of a
    top-level table. Content controls are looked through."""
    table_number = 0

    def children(node):
        for child in node:
            if child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from children(content)
            else:
                yield child

    for child in children(body):
        if child.tag == P:
            yield "paragraph", child, None, None, None
        elif child.tag == TBL:
            table_number += 1
            rows = [c for c in children(child) if c.tag == TR]
            for row_number, row in enumerate(rows, 1):
                cells = [c for c in children(row) if c.tag == TC]
                for column_number, cell in enumerate(cells, 1):
                    yield "cell", cell, table_number, row_number, column_number


def cell_text(cell) -> str:
    return "\n".join(paragraph_text(p) for p in cell.iter(P)).strip("\n")


def docx_blocks(body) -> list[tuple[Block, object]]:
    """Blocks of a WordprocessingML body, each with the element it was read from."""
    result: list[tuple[Block, object]] = []
    paragraph_number = 0
    for kind, element, table, row, column in iter_docx_blocks(body):
        if kind == "paragraph":
            text = paragraph_text(element)
            if not text.strip():
                continue
            paragraph_number += 1
            style = element.find(f"{w('pPr')}/{w('pStyle')}")
            heading = style is not None and "heading" in (style.get(w("val")) or "").lower()
            location = Location(len(result), paragraph=paragraph_number)
            result.append((Block(location, text, heading), element))
        else:
            text = cell_text(element)
            if not text.strip():
                continue
            location = Location(len(result), table=table, row=row, column=column)
            result.append((Block(location, text), element))
    return result


def _document_part(source: bytes | Path, name: str) -> bytes:
    """word/document.xml (or wherever the package's relationships put the main part),
    read through the archive checks: entry count, names, sizes and ratios are bounded
    before anything is inflated (reportgen.safety.archives)."""
    from reportgen.safety.archives import CheckedZip

    with CheckedZip(source, file=name) as package:
        names = set(package.names())
        main = "word/document.xml"
        if "_rels/.rels" in names:
            rels = etree.fromstring(package.read("_rels/.rels"), _PARSER)
            for rel in rels:
                if rel.get("Type", "").endswith("/officeDocument"):
                    main = rel.get("Target", main).lstrip("/")
        return package.read(main)


def read_docx(path: Path, data: bytes | None) -> Draft:
    """A DOCX draft, from its bytes, or (data None) from the file, never read whole."""
    from reportgen.safety.limits import LimitExceeded, SafetyError

    try:
        root = etree.fromstring(_document_part(data if data is not None else path, path.name), _PARSER)
    except LimitExceeded as error:
        raise AuditInputError(N_("{path}: the DOCX is refused: {reason}"), path=path,
                              reason=error.describe())
    except (SafetyError, etree.XMLSyntaxError, ValueError):
        raise AuditInputError(N_("{path}: not a valid DOCX file (it does not open as a Word document); "
                                 "save it again from Word as .docx"), path=path)
    body = root.find(w("body"))
    if body is None:
        raise AuditInputError(N_("{path}: not a valid DOCX file (it does not open as a Word document); "
                                 "save it again from Word as .docx"), path=path)
    return Draft(path, "docx", tuple(block for block, _element in docx_blocks(body)), data or b"")


def read_pdf(path: Path, data: bytes) -> Draft:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    blocks: list[Block] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_number, page in enumerate(pdf.pages, 1):
                paragraphs = _pdf_paragraphs(page)
                # The page number in the margin is no text of the draft.
                while paragraphs and paragraphs[0].isdigit() and len(paragraphs[0]) <= 4:
                    paragraphs.pop(0)
                while paragraphs and paragraphs[-1].isdigit() and len(paragraphs[-1]) <= 4:
                    paragraphs.pop()
                for paragraph_number, text in enumerate(paragraphs, 1):
                    tabular = bool(_TABULAR.search(text))
                    if paragraph_number == 1 and blocks and _continues(blocks[-1], text, tabular):
                        # A sentence running on from the page before stays one paragraph,
                        # located where it starts.
                        last = blocks[-1]
                        blocks[-1] = Block(last.location, f"{last.text} {text}", last.heading, last.tabular)
                        continue
                    blocks.append(Block(Location(len(blocks), paragraph=paragraph_number, page=page_number),
                                        text, tabular=tabular))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise AuditInputError(N_("{path}: not a valid PDF file ({reason})"), path=path,
                              reason=type(error).__name__)
    except Exception as error:  # pdfminer raises its own PSException family, not exported stably
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise AuditInputError(N_("{path}: not a valid PDF file ({reason})"), path=path,
                                  reason=type(error).__name__)
        raise
    if not blocks:
        raise AuditInputError(N_("{path}: the PDF has no text to read (a scan?); audit the DOCX, "
                                 "or a PDF with a text layer"), path=path)
    return Draft(path, "pdf", tuple(blocks), data)


# Three figures in a row with nothing but spaces between them: table columns, not prose.
_TABULAR = re.compile(r"(?<![\w.,])[-+]?\d[\d.,]*%?\s+[-+]?\d[\d.,]*%?\s+[-+]?\d[\d.,]*%?(?![\w])")


def _continues(previous: Block, text: str, tabular: bool) -> bool:
    ends_open = not previous.text.rstrip().endswith((".", ":", ";", "!", "?", "./."))
    starts_inside = text[:1].islower() or text[:1].isdigit()
    return ends_open and starts_inside and not tabular and not previous.tabular


def _pdf_paragraphs(page) -> list[str]:
    """Lines → paragraphs: a new one after a short line (justified text ends early only
    at a paragraph's end), at a first-line indent, or after a wide vertical gap."""
    lines = [line for line in page.extract_text_lines(keep_blank_chars=False) if line["text"].strip()]
    if not lines:
        return []
    left = min(line["x0"] for line in lines)
    right = max(line["x1"] for line in lines)
    gaps = sorted(b["top"] - a["top"] for a, b in zip(lines, lines[1:]) if b["top"] > a["top"])
    usual_gap = gaps[len(gaps) // 2] if gaps else 0
    paragraphs: list[list[str]] = []
    previous = None
    for line in lines:
        starts_new = previous is None
        if previous is not None:
            short = previous["x1"] < right - 25
            indented = line["x0"] > left + 8
            gap = usual_gap and (line["top"] - previous["top"]) > usual_gap * 1.45
            same_row = abs(line["top"] - previous["top"]) < 2
            starts_new = short or indented or gap or same_row
        if starts_new:
            paragraphs.append([])
        paragraphs[-1].append(line["text"].strip())
        previous = line
    return [nfc(re.sub(r"\s+", " ", " ".join(p))) for p in paragraphs]


def read_text(path: Path, data: bytes, markdown: bool) -> Draft:
    try:
        text = nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise AuditInputError(N_("{path}: not UTF-8 text; save it as UTF-8 (Unicode)"), path=path)
    if markdown:
        chunks = [re.sub(r"\s+", " ", c).strip() for c in re.split(r"\n\s*\n", text)]
    else:
        chunks = [line.strip() for line in text.splitlines()]
    blocks: list[Block] = []
    for chunk in chunks:
        if not chunk:
            continue
        heading = markdown and chunk.startswith("#")
        if heading:
            chunk = chunk.lstrip("#").strip()
        blocks.append(Block(Location(len(blocks), paragraph=len(blocks) + 1), chunk, heading))
    return Draft(path, "text", tuple(blocks), data)


def _check_draft_size(path: Path, size: int) -> None:
    """A PDF/TXT/MD draft is read whole: refuse one above the draft_bytes limit first."""
    from reportgen.safety.limits import LimitExceeded, Limits, check

    try:
        check(Limits.from_environ(), "draft_bytes", size, file=path.name)
    except LimitExceeded as error:
        raise AuditInputError(N_("{path}: the draft is refused: {reason}"), path=path,
                              reason=error.describe())


def read_draft(path: Path) -> Draft:
    """Read DRAFT (.docx, .pdf, .txt, .md) or raise AuditInputError saying why not."""
    path = Path(path)
    _check_suffix(path)
    if not path.exists():
        raise AuditInputError(N_("{path}: no such file"), path=path)
    if path.is_dir():
        raise AuditInputError(N_("{path}: is a folder; give the draft file"), path=path)
    if path.suffix.lower() == ".docx":
        return read_docx(path, None)  # through the archive checks, never read whole
    try:
        _check_draft_size(path, path.stat().st_size)  # before reading it whole
        data = path.read_bytes()
    except OSError as error:
        raise AuditInputError(N_("{path}: cannot be read ({reason})"), path=path,
                              reason=error.strerror or type(error).__name__)
    return read_draft_data(path, data)


def read_draft_data(name: str | Path, data: bytes) -> Draft:
    """A draft from its bytes (an upload); `name` gives its suffix and its name in messages."""
    path = Path(name)
    suffix = _check_suffix(path)
    if suffix == ".docx":
        return read_docx(path, data)
    _check_draft_size(path, len(data))
    if suffix == ".pdf":
        return read_pdf(path, data)
    return read_text(path, data, markdown=suffix == ".md")


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise AuditInputError(N_("{path}: the audit reads .docx, .pdf, .txt or .md drafts, not "
                                 "\"{suffix}\""), path=path, suffix=path.suffix or path.name)
    return suffix
