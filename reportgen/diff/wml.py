"""The WordprocessingML a review diff reads and writes, with element names spelled out.

Reading: a DOCX package, its body/header/footer parts, paragraphs, runs and the text they
show. Writing: tracked-change marks (ECMA-376 Part 1 §17.13.5): run-level `w:ins`/`w:del`
(deleted text as `w:delText`), paragraph marks (`w:pPr/w:rPr/w:ins|w:del`) and table rows
(`w:trPr/w:ins|w:del`), and the package itself, zipped byte-for-byte reproducibly.
"""
from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator

from lxml import etree

from reportgen.files import deterministic_zip
from reportgen.diff.errors import NOT_DOCX, TRACKED_CHANGES, UNREADABLE_DOCX, DiffInputError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = R_NS + "/officeDocument"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
# Word's paragraph/row identities: a copy from the old draft must not repeat the new one's.
_IDENTITY_ATTRIBUTES = (f"{{{W14_NS}}}paraId", f"{{{W14_NS}}}textId")


def w(name: str) -> str:
    """Clark name of a WordprocessingML element or attribute: w("p") → "{…/main}p"."""
    return f"{{{W_NS}}}{name}"


P, TBL, TR, TC, R, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
PPR, RPR, TRPR, TCPR, SECTPR = w("pPr"), w("rPr"), w("trPr"), w("tcPr"), w("sectPr")
INS, DEL, DELTEXT = w("ins"), w("del"), w("delText")
BODY = w("body")

# Containers a run or a block may sit in without being inside another paragraph.
RUN_WRAPPERS = {w("hyperlink"), w("fldSimple"), w("smartTag"), w("customXml"), w("sdt"),
                 w("sdtContent"), w("dir"), w("bdo")}
_BLOCK_WRAPPERS = {w("sdt"), w("sdtContent"), w("customXml")}
# Run children that show text, and the text they show.
_TEXT_OF = {w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n",
            w("noBreakHyphen"): "\u2011"}
# Any of these anywhere means the file is still under review (§17.13).
_REVISION_NAMES = ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart",
                   "cellIns", "cellDel", "cellMerge", "rPrChange", "pPrChange", "sectPrChange",
                   "tblPrChange", "tblGridChange", "tblPrExChange", "trPrChange", "tcPrChange",
                   "numberingChange")
_REVISION_TAGS = {w(name) for name in _REVISION_NAMES}
_REVISION_HINT = re.compile(rb"<(?:\w+:)?(?:" + b"|".join(n.encode() for n in _REVISION_NAMES)
                            + rb")[\s/>]")
# pPr children that must follow its rPr (CT_PPr sequence).
_AFTER_PPR_RPR = {w("sectPr"), w("pPrChange")}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


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
                raise DiffInputError(UNREADABLE_DOCX, path=self.name,
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
            raise DiffInputError(UNREADABLE_DOCX, path=self.name,
                                 reason=f"{self.main_part} has no w:body")
        return body

    def header_footer_parts(self) -> dict[tuple[int, str, str], str]:
        """(section number, "header"/"footer", "default"/"first"/"even") → part name."""
        rels = self.rels(self.main_part)
        found: dict[tuple[int, str, str], str] = {}
        for number, sect_pr in enumerate(self.xml(self.main_part).iter(SECTPR)):
            for kind in ("header", "footer"):
                for reference in sect_pr.findall(w(f"{kind}Reference")):
                    part = rels.get(reference.get(f"{{{R_NS}}}id", ""))
                    if part in self.entries:
                        found[(number, kind, reference.get(w("type"), "default"))] = part
        return found


def read_package(data: bytes, name: str) -> Package:
    """Open a DOCX; refuse anything else, naming the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = {info.filename: archive.read(info) for info in archive.infolist()
                   if not info.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise DiffInputError(NOT_DOCX, path=name) from error
    package = Package(name, entries, "word/document.xml")
    if "_rels/.rels" in entries:
        for rel in package.xml("_rels/.rels"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                package.main_part = rel.get("Target", "").lstrip("/")
    if package.main_part not in entries:
        raise DiffInputError(NOT_DOCX, path=name)
    if package.xml(package.main_part).find(BODY) is None:
        raise DiffInputError(NOT_DOCX, path=name)
    return package


def refuse_tracked_changes(package: Package) -> None:
    """A redline of a document that is itself under review would mix two reviews."""
    for part, data in package.entries.items():
        if not (part.startswith("word/") and part.endswith(".xml")):
            continue
        if _REVISION_HINT.search(data) is None:
            continue
        root = package.xml(part)
        if any(element.tag in _REVISION_TAGS for element in root.iter()):
            raise DiffInputError(TRACKED_CHANGES, path=package.name)


def write_package(entries: dict[str, bytes]) -> bytes:
    """Zip the entries with fixed times and order, so equal inputs give equal bytes."""
    return deterministic_zip(entries)


def serialize(root: etree._Element) -> bytes:
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
    return _TEXT_OF.get(child.tag, "")


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
        for style in package.xml(part).iter(w("style")):
            style_id = style.get(w("styleId"), "")
            if style.get(w("type")) == "table":
                based = style.find(w("basedOn"))
                borders_raw[style_id] = (based.get(w("val")) if based is not None else None,
                                         _borders(style.find(w("tblPr"))))
                continue
            if style.get(w("type")) not in ("paragraph", "character"):
                continue
            if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true"):
                default = style_id
            based = style.find(w("basedOn"))
            jc = style.find(f"{PPR}/{w('jc')}")
            r_pr = style.find(RPR)
            bold = _toggle(r_pr, "b")
            raw[style_id] = (based.get(w("val")) if based is not None else None,
                             jc.get(w("val")) if jc is not None else None, bold)
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
    borders = tbl_pr.find(w("tblBorders")) if tbl_pr is not None else None
    if borders is None:
        return None
    return any(edge.get(w("val"), "none") not in ("none", "nil") for edge in borders)


def table_has_borders(table: etree._Element, styles: StyleSheet | None = None) -> bool:
    """Grid tables draw lines; the layout tables of the header block and the signature
    do not (direct w:tblBorders first, then the table style)."""
    tbl_pr = table.find(w("tblPr"))
    direct = _borders(tbl_pr)
    if direct is not None:
        return direct
    style = tbl_pr.find(w("tblStyle")) if tbl_pr is not None else None
    if style is None or styles is None:
        return False
    return styles.table_borders.get(style.get(w("val"), ""), False)


def paragraph_look(paragraph: etree._Element, styles: StyleSheet | None = None
                   ) -> tuple[str, str, bool]:
    """(style id, justification, all text bold): enough for the HTML view to read."""
    styles = styles or StyleSheet({}, {})
    p_pr = paragraph.find(PPR)
    style_el = p_pr.find(w("pStyle")) if p_pr is not None else None
    jc_el = p_pr.find(w("jc")) if p_pr is not None else None
    style = style_el.get(w("val"), "") if style_el is not None else styles.default
    jc = jc_el.get(w("val"), "") if jc_el is not None else styles.justification.get(style, "")
    paragraph_bold = styles.bold.get(style, False)

    def run_bold(run: etree._Element) -> bool:
        r_pr = run.find(RPR)
        direct = _toggle(r_pr, "b")
        if direct is not None:
            return direct
        run_style = r_pr.find(w("rStyle")) if r_pr is not None else None
        if run_style is not None and styles.bold.get(run_style.get(w("val"), "")):
            return True
        return paragraph_bold

    text_runs = [run for run in iter_runs(paragraph)
                 if any(atom_text(child).strip() for child in run_atoms(run))]
    bold = bool(text_runs) and all(run_bold(run) for run in text_runs)
    return style, jc, bold


def _toggle(r_pr: etree._Element | None, name: str) -> bool | None:
    """A toggle property (w:b, w:i): True/False when set, None when inherited."""
    if r_pr is None or (toggle := r_pr.find(w(name))) is None:
        return None
    return toggle.get(w("val"), "true") not in ("0", "false", "off")


def cell_span(cell: etree._Element) -> tuple[int, bool]:
    """(grid columns spanned, is a vertical-merge continuation)."""
    tc_pr = cell.find(TCPR)
    if tc_pr is None:
        return 1, False
    span = tc_pr.find(w("gridSpan"))
    merge = tc_pr.find(w("vMerge"))
    columns = int(span.get(w("val"), "1")) if span is not None else 1
    continued = merge is not None and merge.get(w("val"), "continue") == "continue"
    return columns, continued


# ---------------------------------------------------------------- tracked-change marks

def format_revision_date(when: datetime) -> str:
    """w:date is xsd:dateTime; an aware time is given in UTC, a naive one as it is."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class Revisions:
    """Makes the marks of one review: every mark carries the same author and date. Ids are
    given afterwards, in document order, by `number_revisions`."""

    def __init__(self, author: str, date: datetime | None) -> None:
        self.author = author
        # w:date is optional: without a known date the marks carry none rather than a guess.
        self.date = format_revision_date(date) if date is not None else None

    def mark(self, kind: str) -> etree._Element:
        element = etree.Element(w(kind))
        element.set(w("id"), "0")
        element.set(w("author"), self.author)
        if self.date is not None:
            element.set(w("date"), self.date)
        return element


def number_revisions(roots: list[etree._Element], start: int) -> int:
    """Give every w:ins/w:del an id, sequentially in document order; returns the next id."""
    next_id = start
    for root in roots:
        for element in root.iter(INS, DEL):
            element.set(w("id"), str(next_id))
            next_id += 1
    return next_id


def max_annotation_id(roots: list[etree._Element]) -> int:
    """Bookmarks and comments already use w:id; revision ids start above them."""
    highest = -1
    for root in roots:
        for element in root.iter():
            value = element.get(w("id")) if isinstance(element.tag, str) else None
            if value is not None and value.lstrip("-").isdigit():
                highest = max(highest, int(value))
    return highest


def paragraph_mark(paragraph: etree._Element) -> str | None:
    """"ins"/"del" when the paragraph mark itself is tracked, else None."""
    r_pr = paragraph.find(f"{PPR}/{RPR}")
    if r_pr is None:
        return None
    for child in r_pr:
        if child.tag == INS:
            return "ins"
        if child.tag == DEL:
            return "del"
    return None


def set_paragraph_mark(paragraph: etree._Element, mark: etree._Element) -> None:
    """Track the paragraph mark: w:pPr/w:rPr/(w:ins|w:del), first in rPr (CT_ParaRPr)."""
    p_pr = paragraph.find(PPR)
    if p_pr is None:
        p_pr = etree.Element(PPR)
        paragraph.insert(0, p_pr)
    r_pr = p_pr.find(RPR)
    if r_pr is None:
        r_pr = etree.Element(RPR)
        after = next((i for i, c in enumerate(p_pr) if c.tag in _AFTER_PPR_RPR), len(p_pr))
        p_pr.insert(after, r_pr)
    r_pr.insert(0, mark)


def clear_paragraph_mark(paragraph: etree._Element) -> None:
    r_pr = paragraph.find(f"{PPR}/{RPR}")
    if r_pr is not None:
        for child in list(r_pr):
            if child.tag in (INS, DEL):
                r_pr.remove(child)


def set_row_mark(row: etree._Element, mark: etree._Element) -> None:
    """Track a whole table row: w:trPr/(w:ins|w:del), after the row properties (CT_TrPr)."""
    tr_pr = row.find(TRPR)
    if tr_pr is None:
        tr_pr = etree.Element(TRPR)
        row.insert(1 if len(row) and row[0].tag == w("tblPrEx") else 0, tr_pr)
    change = tr_pr.find(w("trPrChange"))
    if change is not None:
        change.addprevious(mark)
    else:
        tr_pr.append(mark)


def drop_identities(root: etree._Element) -> None:
    """Remove w14:paraId/w14:textId from an element copied out of the old draft."""
    for element in root.iter(P, TR):
        for name in _IDENTITY_ATTRIBUTES:
            element.attrib.pop(name, None)


def text_child(text: str, tag: str = T) -> etree._Element:
    element = etree.Element(tag)
    element.text = text
    if text != text.strip() or "  " in text:
        element.set(XML_SPACE, "preserve")
    return element


def make_run(template: etree._Element | None, children: list[etree._Element]) -> etree._Element:
    """A run with `template`'s attributes and properties (w:rPr) holding `children`."""
    run = etree.Element(R)
    if template is not None:
        for name, value in template.attrib.items():
            run.set(name, value)
        r_pr = template.find(RPR)
        if r_pr is not None:
            run.append(copy.deepcopy(r_pr))
    run.extend(children)
    return run


def as_deleted_atom(child: etree._Element, text: str | None = None) -> etree._Element | None:
    """The deleted form of one run child: w:t → w:delText; tabs and breaks as they are."""
    if child.tag in (T, DELTEXT):
        return text_child(child.text or "" if text is None else text, DELTEXT)
    if child.tag in _TEXT_OF:
        return copy.deepcopy(child)
    return None


def merge_adjacent_marks(root: etree._Element) -> None:
    """Neighbouring w:ins (or w:del) runs of one change become one mark, as Word writes them."""
    for parent in list(root.iter()):
        previous = None
        for child in list(parent):
            if (previous is not None and child.tag in (INS, DEL) and child.tag == previous.tag
                    and child.get(w("author")) == previous.get(w("author"))):
                previous.extend(list(child))
                parent.remove(child)
                continue
            previous = child if child.tag in (INS, DEL) else None
