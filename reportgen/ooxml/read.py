"""A DOCX read into memory: its package, parts, blocks, runs, the text they show and
the look of their styles (what the review diff compares), and the package written back.

Names are the schema's (ECMA-376 Part 1 §17), spelled qn("w:p") as in the writer.

A DOCX to compare comes from anyone: the package is opened through
reportgen.safety.archives.CheckedZip (entry count, sizes, ratio and names checked from
the central directory before anything is inflated, so a 1 GB unused entry is refused
with the limit's message, not read), and parts are parsed with no entities, no network
and lxml's default depth and size bounds (huge_tree off). A numeric attribute that is
not a number is a PackageError naming it.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree

from reportgen.i18n import N_
from reportgen.safety.archives import ArchiveError, CheckedZip
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError
from reportgen.ooxml import (
    BODY, DEL, DELTEXT, INS, OFFICE_DOCUMENT, P, PPR, R, RPR, SECTPR, T, TBL, TC, TCPR, TR,
    qn,
)

NOT_DOCX = N_("{path} is not a DOCX file (a Word document is a ZIP package containing "
              "word/document.xml). Save it from Word as .docx and run again.")
UNREADABLE_DOCX = N_("{path} cannot be read as a DOCX file: {reason}.")
REFUSED_DOCX = N_("{path} is refused: {reason}")
NOT_A_NUMBER = N_("{path} cannot be read as a DOCX file: {part} has {attribute}=\"{value}\", "
                  "which is not a whole number from {low} to {high}. Open it in Word and save it "
                  "again, or send the original file.")

# Containers a run or a block may sit in without being inside another paragraph.
RUN_WRAPPERS = {qn("w:hyperlink"), qn("w:fldSimple"), qn("w:smartTag"), qn("w:customXml"),
                qn("w:sdt"), qn("w:sdtContent"), qn("w:dir"), qn("w:bdo")}
_BLOCK_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
# Run children that show text, and the text they show.
TEXT_OF = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
           qn("w:noBreakHyphen"): "\u2011"}
# No entities (XXE, billion laughs), no network, no DTD loading; huge_tree off keeps
# libxml2's own bounds on depth and text size.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)
# Word's grid has at most 63 columns; a span is never wider.
SPAN_MAX = 64


class PackageError(Exception):
    """A file is not a DOCX, or one of its parts cannot be read. `message_id` is
    NOT_DOCX or UNREADABLE_DOCX; the diff turns it into its DiffInputError."""

    def __init__(self, message_id: str, **params: object) -> None:
        self.message_id = message_id
        self.params = params
        super().__init__(message_id.format_map({"path": "?", **params}))


# ---------------------------------------------------------------------------- package

@dataclass
class Package:
    """A DOCX read into memory: its entries in order, XML parts parsed on demand."""

    name: str  # how messages name the file
    entries: dict[str, bytes]
    main_part: str
    _trees: dict[str, etree._Element] = field(default_factory=dict)

    def xml(self, part: str) -> etree._Element:
        if part not in self._trees:
            try:
                self._trees[part] = etree.fromstring(self.entries[part], _PARSER)
            except etree.XMLSyntaxError as error:
                raise PackageError(UNREADABLE_DOCX, path=self.name,
                                   reason=f"{part}: {error}") from error
        return self._trees[part]

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id → target part name, for one part."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in self.entries:
            return {}
        targets = {}
        for rel in self.xml(rels_part):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
            targets[rel.get("Id", "")] = name
        return targets

    def body(self) -> etree._Element:
        body = self.xml(self.main_part).find(BODY)
        if body is None:
            raise PackageError(UNREADABLE_DOCX, path=self.name,
                               reason=f"{self.main_part} has no w:body")
        return body

    def header_footer_parts(self) -> dict[tuple[int, str, str], str]:
        """(section number, "header"/"footer", "default"/"first"/"even") → part name."""
        rels = self.rels(self.main_part)
        found: dict[tuple[int, str, str], str] = {}
        for number, sect_pr in enumerate(self.xml(self.main_part).iter(SECTPR)):
            for kind in ("header", "footer"):
                for reference in sect_pr.findall(qn(f"w:{kind}Reference")):
                    part = rels.get(reference.get(qn("r:id"), ""))
                    if part in self.entries:
                        found[(number, kind, reference.get(qn("w:type"), "default"))] = part
        return found


def open_archive(data: bytes, name: str, limits: Limits | None = None) -> dict[str, bytes]:
    """The entries of a DOCX, checked and bounded before anything is inflated: over a
    limit is REFUSED_DOCX with the limit's message (which one, how to raise it)."""
    try:
        with CheckedZip(data, file=name, limits=limits) as archive:
            return archive.read_entries()
    except LimitExceeded as error:
        raise PackageError(REFUSED_DOCX, path=name, reason=error.describe()) from None
    except ArchiveError as error:
        if "reason" in error.params and "entry" not in error.params:
            raise PackageError(NOT_DOCX, path=name) from None  # not a ZIP at all, or damaged
        raise PackageError(REFUSED_DOCX, path=name, reason=error.describe()) from None
    except SafetyError as error:
        raise PackageError(REFUSED_DOCX, path=name, reason=error.describe()) from None


def read_package(data: bytes, name: str, *, limits: Limits | None = None) -> Package:
    """Open a DOCX; refuse anything else, naming the file."""
    entries = open_archive(data, name, limits)
    package = Package(name, entries, "word/document.xml")
    if "_rels/.rels" in entries:
        for rel in package.xml("_rels/.rels"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                package.main_part = rel.get("Target", "").lstrip("/")
    if package.main_part not in entries:
        raise PackageError(NOT_DOCX, path=name)
    if package.xml(package.main_part).find(BODY) is None:
        raise PackageError(NOT_DOCX, path=name)
    return package


def serialize(root: etree._Element) -> bytes:
    """A part's bytes as Word writes them (declaration, UTF-8, standalone)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# ----------------------------------------------------------------------- reading text

def _iter_tagged(parent: etree._Element, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Children with one of `tags`, looking through content controls and custom XML."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _iter_tagged(child, tags)


def iter_blocks(container: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of a body, cell, header or footer, in order."""
    return _iter_tagged(container, (P, TBL))


def iter_rows(table: etree._Element) -> Iterator[etree._Element]:
    return _iter_tagged(table, (TR,))


def iter_cells(row: etree._Element) -> Iterator[etree._Element]:
    return _iter_tagged(row, (TC,))


def iter_runs(parent: etree._Element) -> Iterator[etree._Element]:
    """The runs of one paragraph, through hyperlinks, simple fields and content controls,
    but not those of text boxes (their paragraphs are not this one's)."""
    for child in parent:
        if child.tag == R:
            yield child
        elif child.tag in RUN_WRAPPERS or child.tag in (INS, DEL):
            yield from iter_runs(child)


def atom_text(child: etree._Element) -> str:
    """The text one run child shows: w:t its text, a tab "\\t", a break "\\n"; field codes,
    drawings and marks show nothing."""
    if child.tag in (T, DELTEXT):
        return child.text or ""
    return TEXT_OF.get(child.tag, "")


def run_atoms(run: etree._Element) -> list[etree._Element]:
    return [child for child in run if child.tag != RPR]


def paragraph_text(paragraph: etree._Element) -> str:
    return "".join(atom_text(child) for run in iter_runs(paragraph) for child in run_atoms(run))


@dataclass(frozen=True)
class StyleSheet:
    """Paragraph justification and boldness of each paragraph style (word/styles.xml),
    through w:basedOn: enough for the HTML view to set headings and centred lines."""

    justification: dict[str, str]
    bold: dict[str, bool]
    default: str = ""
    table_borders: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, package: "Package") -> "StyleSheet":
        rels = package.rels(package.main_part)
        part = next((name for name in rels.values() if name.endswith("/styles.xml")),
                    "word/styles.xml")
        if part not in package.entries:
            return cls({}, {})
        raw: dict[str, tuple[str | None, str | None, bool | None]] = {}
        default = ""
        borders_raw: dict[str, tuple[str | None, bool | None]] = {}
        for style in package.xml(part).iter(qn("w:style")):
            style_id = style.get(qn("w:styleId"), "")
            if style.get(qn("w:type")) == "table":
                based = style.find(qn("w:basedOn"))
                borders_raw[style_id] = (based.get(qn("w:val")) if based is not None else None,
                                         _borders(style.find(qn("w:tblPr"))))
                continue
            if style.get(qn("w:type")) not in ("paragraph", "character"):
                continue
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                default = style_id
            based = style.find(qn("w:basedOn"))
            jc = style.find(f"{PPR}/{qn('w:jc')}")
            r_pr = style.find(RPR)
            bold = _toggle(r_pr, "b")
            raw[style_id] = (based.get(qn("w:val")) if based is not None else None,
                             jc.get(qn("w:val")) if jc is not None else None, bold)
        justification, boldness = {}, {}
        for style_id in raw:
            jc_value = bold_value = None
            seen, current = set(), style_id
            while current in raw and current not in seen:
                seen.add(current)
                based, jc, bold = raw[current]
                jc_value = jc_value if jc_value is not None else jc
                bold_value = bold_value if bold_value is not None else bold
                current = based
            justification[style_id] = jc_value or ""
            boldness[style_id] = bool(bold_value)
        table_borders = {}
        for style_id in borders_raw:
            value, seen, current = None, set(), style_id
            while value is None and current in borders_raw and current not in seen:
                seen.add(current)
                current, value = borders_raw[current]
            table_borders[style_id] = bool(value)
        return cls(justification, boldness, default, table_borders)


def _borders(tbl_pr: etree._Element | None) -> bool | None:
    """Whether w:tblBorders draws lines: None when the table says nothing."""
    borders = tbl_pr.find(qn("w:tblBorders")) if tbl_pr is not None else None
    if borders is None:
        return None
    return any(edge.get(qn("w:val"), "none") not in ("none", "nil") for edge in borders)


def table_has_borders(table: etree._Element, styles: StyleSheet | None = None) -> bool:
    """Grid tables draw lines; the layout tables of the header block and the signature
    do not (direct w:tblBorders first, then the table style)."""
    tbl_pr = table.find(qn("w:tblPr"))
    direct = _borders(tbl_pr)
    if direct is not None:
        return direct
    style = tbl_pr.find(qn("w:tblStyle")) if tbl_pr is not None else None
    if style is None or styles is None:
        return False
    return styles.table_borders.get(style.get(qn("w:val"), ""), False)


def paragraph_look(paragraph: etree._Element, styles: StyleSheet | None = None
                   ) -> tuple[str, str, bool]:
    """(style id, justification, all text bold): enough for the HTML view to read."""
    styles = styles or StyleSheet({}, {})
    p_pr = paragraph.find(PPR)
    style_el = p_pr.find(qn("w:pStyle")) if p_pr is not None else None
    jc_el = p_pr.find(qn("w:jc")) if p_pr is not None else None
    style = style_el.get(qn("w:val"), "") if style_el is not None else styles.default
    jc = jc_el.get(qn("w:val"), "") if jc_el is not None else styles.justification.get(style, "")
    paragraph_bold = styles.bold.get(style, False)

    def run_bold(run: etree._Element) -> bool:
        r_pr = run.find(RPR)
        direct = _toggle(r_pr, "b")
        if direct is not None:
            return direct
        run_style = r_pr.find(qn("w:rStyle")) if r_pr is not None else None
        if run_style is not None and styles.bold.get(run_style.get(qn("w:val"), "")):
            return True
        return paragraph_bold

    text_runs = [run for run in iter_runs(paragraph)
                 if any(atom_text(child).strip() for child in run_atoms(run))]
    bold = bool(text_runs) and all(run_bold(run) for run in text_runs)
    return style, jc, bold


def _toggle(r_pr: etree._Element | None, name: str) -> bool | None:
    """A toggle property (w:b, w:i): True/False when set, None when inherited."""
    if r_pr is None or (toggle := r_pr.find(qn(f"w:{name}"))) is None:
        return None
    return toggle.get(qn("w:val"), "true") not in ("0", "false", "off")


def cell_span(cell: etree._Element) -> tuple[int, bool]:
    """(grid columns spanned, is a vertical-merge continuation)."""
    tc_pr = cell.find(TCPR)
    if tc_pr is None:
        return 1, False
    span = tc_pr.find(qn("w:gridSpan"))
    merge = tc_pr.find(qn("w:vMerge"))
    columns = (whole_number(span.get(qn("w:val"), "1"), attribute="w:gridSpan", low=1,
                            high=SPAN_MAX) if span is not None else 1)
    continued = merge is not None and merge.get(qn("w:val"), "continue") == "continue"
    return columns, continued


def whole_number(text: str, *, attribute: str, low: int, high: int, part: str = "word/document.xml"
                 ) -> int:
    """A numeric attribute's value, or a PackageError naming it (the diff adds the file)."""
    value = text.strip() if isinstance(text, str) else ""
    if len(value) <= 9 and value.lstrip("-").isdigit() and low <= int(value) <= high:
        return int(value)
    raise PackageError(NOT_A_NUMBER, part=part, attribute=attribute, value=str(text)[:40],
                       low=low, high=high)
