"""The few raw WordprocessingML edits python-docx has no API for (the DOCX renderer's).

Each helper names the elements it writes, so a reader can look them up in ECMA-376
Part 1 §17. Measures are twentieths of a point ("twips", dxa) unless a name says
otherwise. Nothing here knows about reports; render/docx.py decides what goes where.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

# OxmlElement, not etree.Element: python-docx's element classes (CT_Tbl.tblPr,
# CT_Tc.get_or_add_tcPr ...) must come back when docx.py walks what these build.
from docx.oxml import OxmlElement
from lxml import etree

from reportgen.ooxml import ORDER, XML_SPACE, prefixed, qn

TWIPS_PER_MM = 1440 / 25.4
FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme")


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    style_id: str          # paragraph style of every cell
    aligns: tuple[str, ...]  # w:jc per cell: left, center, right
    header: bool = False   # repeat at the top of each page


def mm_to_twips(mm: float) -> int:
    return round(float(mm) * TWIPS_PER_MM)


def _set_child(parent, tag: str, attrs: dict[str, str] | None = None):
    """Replace (or create) the child `tag` of `parent` at its schema position."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        child.set(qn(name), str(value))
    order = ORDER.get(prefixed(parent.tag))
    if order and tag in order:
        later = {qn(t) for t in order[order.index(tag) + 1:]}
        for index, sibling in enumerate(parent):
            if sibling.tag in later:
                parent.insert(index, child)
                return child
    parent.append(child)
    return child


def _get_or_add(parent, tag: str):
    found = parent.find(qn(tag))
    return found if found is not None else _set_child(parent, tag)


# --- fonts -------------------------------------------------------------------------

def set_fonts(rpr, family: str) -> None:
    """w:rFonts with the same face for every script (ascii, hAnsi, cs, eastAsia) and no
    theme fonts, which would otherwise override the named face."""
    rfonts = _get_or_add(rpr, "w:rFonts")
    for attr in THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in FONT_ATTRS:
        rfonts.set(qn(attr), family)


# --- paragraphs ---------------------------------------------------------------------

def set_bottom_border(ppr, size_eighths: int = 6, space_pt: int = 1) -> None:
    """w:pBdr/w:bottom: a solid black line under the paragraph, between its indents.
    Used for the short rules of the header block (Word and LibreOffice both draw it)."""
    pbdr = _set_child(ppr, "w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", str(size_eighths)),
                        ("w:space", str(space_pt)), ("w:color", "000000")):
        bottom.set(qn(name), value)
    pbdr.append(bottom)


def set_indents(ppr, left: int, right: int) -> None:
    """w:ind w:left/w:right in twips (w:start/w:end in strict; transitional names here)."""
    _set_child(ppr, "w:ind", {"w:left": left, "w:right": right, "w:firstLine": 0})


def set_keep_next(ppr) -> None:
    """w:keepNext: the paragraph stays on the page of the one (or table row) after it."""
    _set_child(ppr, "w:keepNext")


def set_mark_size(ppr, half_points: int) -> None:
    """Size of the paragraph mark (w:pPr/w:rPr/w:sz): makes an empty paragraph thin."""
    rpr = _get_or_add(ppr, "w:rPr")
    _set_child(rpr, "w:sz", {"w:val": half_points})
    _set_child(rpr, "w:szCs", {"w:val": half_points})


def add_field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (w:fldChar begin / w:instrText / separate / result / end), e.g.
    " PAGE ". The cached result `placeholder` is what shows until the field updates;
    Word and LibreOffice recompute PAGE on layout."""
    p = paragraph._p

    def run(*children):
        r = OxmlElement("w:r")
        for child in children:
            r.append(child)
        p.append(r)

    def fld_char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    instr = OxmlElement("w:instrText")
    instr.set(XML_SPACE, "preserve")
    instr.text = instruction
    result = OxmlElement("w:t")
    result.text = placeholder
    run(fld_char("begin"))
    run(instr)
    run(fld_char("separate"))
    run(result)
    run(fld_char("end"))


# --- tables -------------------------------------------------------------------------

def set_table_grid(tbl, widths: list[int]) -> None:
    """w:tblGrid/w:gridCol per column, w:tblW total, w:tblLayout fixed. LibreOffice sizes
    columns from the grid (ignoring w:tcW), Word from w:tcW: both are written."""
    grid = tbl.find(qn("w:tblGrid"))
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(width))
        grid.append(col)
    tblpr = tbl.tblPr
    _set_child(tblpr, "w:tblW", {"w:w": sum(widths), "w:type": "dxa"})
    _set_child(tblpr, "w:tblLayout", {"w:type": "fixed"})


def set_cell_width(tc, width: int) -> None:
    """w:tcW in twips (dxa)."""
    _set_child(tc.get_or_add_tcPr(), "w:tcW", {"w:w": width, "w:type": "dxa"})


def set_cell_margins(tc, *, left: int | None = None, right: int | None = None) -> None:
    """w:tcMar: the cell's own left/right margins in twips (text never enters them)."""
    margins = _get_or_add(tc.get_or_add_tcPr(), "w:tcMar")
    for edge, width in (("w:left", left), ("w:right", right)):
        if width is not None:
            _set_child(margins, edge, {"w:w": width, "w:type": "dxa"})


def set_table_alignment(tbl, value: str) -> None:
    """w:tblPr/w:jc: the table's place between the margins ("center")."""
    _set_child(tbl.tblPr, "w:jc", {"w:val": value})


def set_table_borders(tbl, value: str) -> None:
    """w:tblBorders with every edge `value` ("none" or "single"). Written directly on
    layout tables so a restyled default table style cannot draw lines round the header
    block or the signature."""
    borders = _set_child(tbl.tblPr, "w:tblBorders")
    for edge in ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"):
        element = OxmlElement(edge)
        element.set(qn("w:val"), value)
        if value != "none":
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)


def set_cant_split(tr) -> None:
    """w:trPr/w:cantSplit: the row never breaks across pages."""
    _set_child(tr.get_or_add_trPr(), "w:cantSplit")


def build_table(style_id: str, widths: list[int], rows: list[TableRow],
                align: str = "center"):
    """A whole w:tbl in one pass (python-docx's per-cell API is ~10× slower on long
    tables): w:tblPr (style, width, jc, fixed layout), w:tblGrid, then per row w:trPr
    (w:cantSplit, w:tblHeader on header rows) and per cell w:tcPr (w:tcW, w:vAlign)
    with one paragraph (w:pStyle, w:jc) holding the text."""
    tbl = OxmlElement("w:tbl")
    tblpr = etree.SubElement(tbl, qn("w:tblPr"))
    etree.SubElement(tblpr, qn("w:tblStyle")).set(qn("w:val"), style_id)
    _sub(tblpr, "w:tblW", {"w:w": sum(widths), "w:type": "dxa"})
    _sub(tblpr, "w:jc", {"w:val": align})
    _sub(tblpr, "w:tblLayout", {"w:type": "fixed"})
    _sub(tblpr, "w:tblLook", {"w:val": "04A0", "w:firstRow": 1, "w:lastRow": 0,
                              "w:firstColumn": 0, "w:lastColumn": 0, "w:noHBand": 1,
                              "w:noVBand": 1})
    grid = etree.SubElement(tbl, qn("w:tblGrid"))
    for width in widths:
        _sub(grid, "w:gridCol", {"w:w": width})
    # Every cell of a style, width and alignment is the same w:tc but for its text: one
    # is built per kind and deep-copied (lxml copies in C), ~2× faster on long tables.
    cell_kinds: dict[tuple[str, int, str], object] = {}
    row_kinds: dict[bool, object] = {}
    for row in rows:
        tr_kind = row_kinds.get(row.header)
        if tr_kind is None:
            tr_kind = etree.Element(qn("w:tr"))
            trpr = etree.SubElement(tr_kind, qn("w:trPr"))
            etree.SubElement(trpr, qn("w:cantSplit"))
            if row.header:
                etree.SubElement(trpr, qn("w:tblHeader"))
            row_kinds[row.header] = tr_kind
        tr = deepcopy(tr_kind)
        tbl.append(tr)
        for text, width, jc in zip(row.cells, widths, row.aligns):
            kind = cell_kinds.get((row.style_id, width, jc))
            if kind is None:
                kind = etree.Element(qn("w:tc"))
                tcpr = etree.SubElement(kind, qn("w:tcPr"))
                _sub(tcpr, "w:tcW", {"w:w": width, "w:type": "dxa"})
                _sub(tcpr, "w:vAlign", {"w:val": "center"})
                ppr = etree.SubElement(etree.SubElement(kind, qn("w:p")), qn("w:pPr"))
                _sub(ppr, "w:pStyle", {"w:val": row.style_id})
                _sub(ppr, "w:jc", {"w:val": jc})
                cell_kinds[(row.style_id, width, jc)] = kind
            tc = deepcopy(kind)
            tr.append(tc)
            if text:
                append_text_run(tc[1], text)
    return tbl


_W_R, _W_T = qn("w:r"), qn("w:t")


def append_text_run(p, text: str):
    r"""w:r with w:t pieces; "\t" becomes w:tab and "\n" w:br, as Word types them. Every
    w:t keeps its spaces (xml:space="preserve")."""
    r = etree.SubElement(p, _W_R)
    if text and "\n" not in text and "\t" not in text and "\r" not in text:  # most cells
        t = etree.SubElement(r, _W_T)
        t.set(XML_SPACE, "preserve")
        t.text = text
        return r
    for index, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if index:
            etree.SubElement(r, qn("w:br"))
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                etree.SubElement(r, qn("w:tab"))
            if part:
                t = etree.SubElement(r, qn("w:t"))
                t.set(XML_SPACE, "preserve")
                t.text = part
    return r


def _sub(parent, tag: str, attrs: dict[str, object]):
    child = etree.SubElement(parent, qn(tag))
    for name, value in attrs.items():
        child.set(qn(name), str(value))
    return child


# --- sections -----------------------------------------------------------------------

def set_page(sectpr, width: int, height: int, landscape: bool, margins: dict[str, int],
             header: int, footer: int) -> None:
    """w:pgSz (with w:orient) and w:pgMar, all twips."""
    size = {"w:w": width, "w:h": height}
    if landscape:
        size["w:orient"] = "landscape"
    _set_child(sectpr, "w:pgSz", size)
    _set_child(sectpr, "w:pgMar", {
        "w:top": margins["top"], "w:right": margins["right"],
        "w:bottom": margins["bottom"], "w:left": margins["left"],
        "w:header": header, "w:footer": footer, "w:gutter": 0,
    })


def restart_page_numbers(sectpr, start: int = 1) -> None:
    """w:pgNumType w:start: the section's numbering restarts (each appendix)."""
    _set_child(sectpr, "w:pgNumType", {"w:start": start})
