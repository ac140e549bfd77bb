"""ReportModel → DOCX bytes, laid out per Nghị định 30/2020 (official-format.md).

Look comes from named styles in templates/docx/reference.docx (a clerk may restyle them
in Word); this module only places content and sets page geometry. Raw OOXML edits live
in reportgen/ooxml/, zip determinism in reportgen/files.py.
"""
from __future__ import annotations

import copy
import dataclasses
import io
import re
import unicodedata
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun
from lxml.etree import SubElement

from reportgen.model import (
    Appendix, Block, Chart, Heading, Paragraph, ReportModel, Run, Table,
)
from reportgen.ooxml import XML_SPACE, qn, xml_safe
from reportgen.ooxml import write as ooxml
from reportgen.resources import SHIPPED, TEMPLATES_DIR, Templates
from reportgen.render import docx_chart
from reportgen.files import normalize_zip, utc_naive

REFERENCE_DOCX = TEMPLATES_DIR / "docx" / "reference.docx"

# --- Page geometry (official-format.md §1), in mm; the PDF stylesheet mirrors these. ----
# Margins are the decree's own DOCX (top 25, bottom 20, left 35, right 20), inside the
# ranges 20–25 / 20–25 / 30–35 / 15–20. Landscape appendix pages keep the same four
# margins as seen on the rotated page, so the left (binding) edge keeps 35 mm there too.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 25
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 35
MARGIN_RIGHT_MM = 20
# A data table spans this much of a landscape appendix page (its text width is
# 297 − 35 − 20 = 242 mm), split by the columns' weights; on a narrower page it shrinks.
DATA_TABLE_WIDTH_MM = 240
HEADER_DISTANCE_MM = 12  # page number baseline area, inside the 25 mm top margin
FOOTER_DISTANCE_MM = 12

# --- Type (official-format.md §2–6), in pt; the reference styles are built from these. --
FONT_FAMILY = "Times New Roman"
BODY_PT = 14                 # §4: 13–14
HEADER_UPPER_PT = 13         # §2: the "Số" line
# §2: parent agency, agency and nation line, 12–13 pt: 12, so that beside a 35 mm
# binding margin the nation line (88 mm at 12 pt bold) and a district's parent line
# ("UBND HUYỆN ĐAN PHƯỢNG") stand apart by HEADER_GAP_MM and more on one line each.
HEADER_TOP_PT = 12
MOTTO_PT = 14                # §2: 13–14
PLACE_DATE_PT = 14           # §2: 13–14
TITLE_PT = 14                # §3: "BÁO CÁO" and the summary line
PAGE_NUMBER_PT = 13          # §1: 13–14 (as the PDF stylesheet)
TABLE_PT = 12                # §6: 11–13
CAPTION_PT = 13
RECIPIENTS_LABEL_PT = 12     # §5
RECIPIENTS_PT = 11           # §5
SIGNATURE_PT = 14            # §5: 13–14
APPENDIX_PT = 14             # §6
FIRST_LINE_INDENT_MM = 12.7  # §4: 1–1.27 cm
PARAGRAPH_AFTER_PT = 6       # §4: at least 6 pt
LINE_SPACING = 1.3           # §4: single to 1.5 (the brief's 1.15–1.5, middle)

# --- Layout proportions -----------------------------------------------------------------
HEADER_LEFT_FRACTION = 0.4     # §2: left column about 2/5 of the width
# The header block may reach 5 mm into the right margin (20 → 15 mm, the decree's lower
# bound) so the 13 pt nation line fits on one line beside a 2/5 left column; the left
# (binding) margin is never used. Columns then shift so single lines stay single.
HEADER_OVERHANG_MM = 5
FIT_SLACK_MM = 1.5             # measured text plus this fits on a line in Word and LO
# Between the two header columns' text, at least this much (issue 11: at 1.2 mm the PDF's
# "UBND THÀNH PHỐ HÀ NỘI CỘNG HÒA…" read as one line): each column keeps half of it as
# a cell margin on the inner side, so no line of one column can come closer.
HEADER_GAP_MM = 6
SIGNATURE_LEFT_FRACTION = 0.5  # recipients | signature
ADDRESSEE_LABEL_GAP_MM = 2     # "Kính gửi:" | first addressee (a space and a little)
RULE_FRACTION = 5 / 12         # §2, §3: rule 1/3–1/2 of the text's length (middle)
SIGNATURE_BLANK_LINES = 5      # §5: 4–5 blank lines for signature and seal

# Style names in reference.docx (display names, as a clerk sees them in Word).
STYLE = {
    "body": "Body Text",
    "heading": ("Heading 1", "Heading 2", "Heading 3"),
    "page_number": "Header",
    "parent_agency": "Agency Parent",
    "agency": "Agency",
    "number": "Document Number",
    "nation": "Nation",
    "motto": "Motto",
    "place_date": "Place Date",
    "rule": "Rule",
    "title": "Report Title",
    "summary": "Report Summary",
    "addressee": "Addressee",
    "caption": "Caption",
    "table_text": "Table Text",
    "table_heading": "Table Heading",
    "table_total": "Table Total",
    "figure": "Figure",
    "recipients_label": "Recipients Label",
    "recipients": "Recipients",
    "signature_title": "Signature Title",
    "signature_name": "Signature Name",
    "appendix_label": "Appendix Label",
    "appendix_title": "Appendix Title",
    "appendix_reference": "Appendix Reference",
    "placeholder": "Placeholder",         # character style
    "data_table": "Report Table",         # table style: grid lines
    "layout_table": "Layout Table",       # table style: no lines, no cell margins
}

_ALIGNS = ("left", "center", "right")  # Column.align → w:jc
_RUN_SPLIT = re.compile(r"([\t\r\n])")

def set_style(paragraph, style) -> None:
    # w:pStyle by id: python-docx's `paragraph.style = ` re-scans every style per call
    # to find the default, which dominated render time on long tables.
    paragraph._p.style = style.style_id


_W_P, _W_PPR, _W_PSTYLE, _W_VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_W_R, _W_T, _W_BR, _W_TAB = qn("w:r"), qn("w:t"), qn("w:br"), qn("w:tab")
_W_SECTPR = qn("w:sectPr")


def _append_run(p, text: str):
    """w:r for `text` built with lxml, element for element what python-docx's
    `paragraph.add_run(text)` makes ("\t" → w:tab, "\r" or "\n" → w:br, w:t with
    xml:space="preserve" when it has outer whitespace), without its per-character
    state machine and schema-ordered inserts (a quarter of render time on long reports)."""
    r = SubElement(p, _W_R)
    pieces = _RUN_SPLIT.split(text)
    for piece in pieces:
        if not piece:
            continue
        if piece == "\t":
            SubElement(r, _W_TAB)
        elif piece in "\r\n":
            SubElement(r, _W_BR)
        else:
            t = SubElement(r, _W_T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(XML_SPACE, "preserve")
    return r


def add_text(paragraph, text: str):
    """A run holding `text` (XML-illegal characters removed). Runs of spaces, as in
    "Số:      /BC-…", are kept: xml:space="preserve" on every w:t that has them."""
    r = _append_run(paragraph._p, xml_safe(text))
    if "  " in text:
        for t in r.iter(_W_T):
            t.set(XML_SPACE, "preserve")
    return DocxRun(r, paragraph)


def _new_paragraph(container, style_id: str) -> DocxParagraph:
    """A w:p with its w:pStyle, where python-docx's `container.add_paragraph()` puts it
    (before the body's w:sectPr; at the end of a cell)."""
    parent = container._element
    if parent.tag == qn("w:document"):
        parent = parent.body
    p = SubElement(parent, _W_P)
    sectpr = parent.find(_W_SECTPR)
    if sectpr is not None:
        sectpr.addprevious(p)
    ppr = SubElement(p, _W_PPR)
    SubElement(ppr, _W_PSTYLE).set(_W_VAL, style_id)
    return DocxParagraph(p, container)


def column_widths_mm(columns) -> list:
    """The columns' weights as millimetres of DATA_TABLE_WIDTH_MM, to 0.1 mm (exact
    decimals, so a width does not depend on float rounding)."""
    from decimal import Decimal

    total = sum(c.weight for c in columns) or 1
    return [(Decimal(DATA_TABLE_WIDTH_MM) * c.weight / total).quantize(Decimal("0.1"))
            for c in columns]


def text_width_mm(landscape: bool) -> float:
    page = PAGE_HEIGHT_MM if landscape else PAGE_WIDTH_MM
    return page - MARGIN_LEFT_MM - MARGIN_RIGHT_MM


def text_height_mm(landscape: bool) -> float:
    page = PAGE_WIDTH_MM if landscape else PAGE_HEIGHT_MM
    return page - MARGIN_TOP_MM - MARGIN_BOTTOM_MM


@lru_cache(maxsize=4)
def _reference_bytes(path: Path = REFERENCE_DOCX) -> bytes:
    return path.read_bytes()


class _Reference:
    """A reference document parsed once per worker (per `Templates` folder), body
    emptied. Each report renders into a deep copy of it (cheaper than unzipping and
    parsing the package again) and reads style names, ids and sizes from it once."""

    def __init__(self, data: bytes, name: str = "reference.docx"):
        from reportgen.safety.archives import CheckedZip

        # An override's reference.docx may come from a dataset: checked (entry count,
        # sizes, ratio) before python-docx inflates anything.
        self.document = Document(CheckedZip(data, file=name).stream())
        self.document.element.body.clear_content()
        self.styles: dict[str, object] = {}
        self.table_style_ids: dict[str, str | None] = {}

    def copy(self):
        return copy.deepcopy(self.document)


@lru_cache(maxsize=4)
def _reference(path: Path) -> _Reference:
    return _Reference(_reference_bytes(path), str(path))


# --- text measurement (for the length of the short rules) -------------------------------

@lru_cache(maxsize=4)
def _advance_table(bold: bool) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    from reportgen.fonts import find_serif_faces

    faces = find_serif_faces()
    font = TTFont(str(faces.bold if bold else faces.regular), lazy=True)
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    widths = {code: metrics[glyph][0] for code, glyph in cmap.items()}
    return widths, font["head"].unitsPerEm


def measure_mm(text: str, size_pt: float, bold: bool) -> float:
    """Width of `text` on one line in Liberation Serif (the metric twin of Times New
    Roman), used to size the rules and header columns. Measured precomposed (NFC)."""
    widths, per_em = _advance_table(bold)
    default = per_em // 2

    def units(line: str) -> int:
        return sum(widths.get(ord(ch), default) for ch in unicodedata.normalize("NFC", line))

    # A "\n" in the model (say, an agency name broken where the clerk wants it) becomes
    # a line break in the document: the longest line is what counts.
    return max(units(line) for line in text.split("\n")) / per_em * size_pt * 25.4 / 72


# --- the renderer -------------------------------------------------------------------------

class _Writer:
    """Appends to one python-docx Document; knows the current section's text width."""

    def __init__(self, document, reference: "_Reference"):
        self.doc = document
        self.reference = reference
        self.landscape = False

    def style(self, key: str):
        """The named style, read from the worker's pristine reference document (styles
        are only read, never changed, so they are looked up once per worker)."""
        name = STYLE[key] if isinstance(STYLE.get(key), str) else key
        cache = self.reference.styles
        if name not in cache:
            cache[name] = self.reference.document.styles[name]
        return cache[name]

    def table_style_id(self, key: str) -> str | None:
        # What python-docx's `table.style = style` writes (None for the default style).
        ids = self.reference.table_style_ids
        if key not in ids:
            ids[key] = self.reference.document.part.get_style_id(self.style(key),
                                                                 WD_STYLE_TYPE.TABLE)
        return ids[key]

    def _inherited_font(self, key: str, attribute: str):
        """A font property of the style `key`, else of the nearest style it is based on
        (w:basedOn), else None: what Word shows when the style itself leaves it unset."""
        style = self.style(key)
        while style is not None:
            value = getattr(style.font, attribute)
            if value is not None:
                return value
            style = style.base_style
        return None

    def style_size_pt(self, key: str, fallback: float) -> float:
        size = self._inherited_font(key, "size")
        return size.pt if size is not None else fallback

    def style_bold(self, key: str) -> bool:
        return bool(self._inherited_font(key, "bold"))

    # paragraphs ---------------------------------------------------------------------

    def paragraph(self, container, key: str, text: str = "", reuse_first: bool = False):
        if reuse_first and len(container.paragraphs) == 1 and not container.paragraphs[0].text:
            p = container.paragraphs[0]
            set_style(p, self.style(key))
        else:
            p = _new_paragraph(container, self.style(key).style_id)
        if text:
            add_text(p, text)
        return p

    def runs(self, p, runs: tuple[Run, ...]) -> None:
        for run in runs:
            r = add_text(p, run.text)
            if run.bold:
                r.bold = True
            if run.italic:
                r.italic = True
            if run.placeholder:
                r._r.style = self.style("placeholder").style_id
                # Also direct: Word's UI drops highlight from styles on some versions.
                r.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def rule(self, container, key_measured: str, text: str, column_mm: float,
             fraction: float) -> None:
        """A short centred solid line under `text`: an empty thin paragraph whose bottom
        border runs between indents (ooxml.set_bottom_border via the Rule style)."""
        size = self.style_size_pt(key_measured, BODY_PT)
        line = min(measure_mm(text, size, self.style_bold(key_measured)), column_mm)
        side = max(0.0, (column_mm - line * fraction) / 2)
        p = self.paragraph(container, "rule")
        ooxml.set_indents(p._p.get_or_add_pPr(), ooxml.mm_to_twips(side),
                          ooxml.mm_to_twips(side))

    # tables -------------------------------------------------------------------------

    def layout_table(self, fractions: tuple[float, ...], rows: int,
                     width_mm: float | None = None):
        width = width_mm or text_width_mm(self.landscape)
        widths = [ooxml.mm_to_twips(width * f) for f in fractions]
        table = self.doc.add_table(rows=rows, cols=len(fractions))
        table._tbl.tblStyle_val = self.table_style_id("layout_table")
        tbl = table._tbl
        ooxml.set_table_borders(tbl, "none")
        ooxml.set_table_grid(tbl, widths)
        for row in table.rows:
            for tc, w in zip(row._tr.tc_lst, widths):
                ooxml.set_cell_width(tc, w)
        return table

    def data_table(self, block: Table) -> None:
        self.paragraph(self.doc, "caption", block.caption)
        widths_mm = column_widths_mm(block.columns)
        total_mm = float(sum(widths_mm)) or 1.0
        scale = min(1.0, text_width_mm(self.landscape) / total_mm)
        widths = [ooxml.mm_to_twips(float(mm) * scale) for mm in widths_mm]
        aligns = tuple(c.align if c.align in _ALIGNS else "left" for c in block.columns)
        n = len(block.columns)

        def cells(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(xml_safe(v or "") for v in values[:n]) + ("",) * (n - len(values))

        rows = [ooxml.TableRow(cells(tuple(c.title for c in block.columns)),
                               self.style("table_heading").style_id, ("center",) * n,
                               header=True)]
        text_id = self.style("table_text").style_id
        rows += [ooxml.TableRow(cells(r), text_id, aligns) for r in block.rows]
        if block.total is not None:
            rows.append(ooxml.TableRow(cells(block.total), self.style("table_total").style_id,
                                       aligns))
        tbl = ooxml.build_table(self.style("data_table").style_id, widths, rows)
        self.doc.element.body.sectPr.addprevious(tbl)

    def chart(self, block: Chart) -> None:
        # A native Word chart (docx_chart.py), not a picture: Word and LibreOffice draw
        # it and a clerk can restyle or re-plot it.
        width = text_width_mm(self.landscape)
        # Tall charts (many units) shrink to fit the page height with room for a line.
        height = docx_chart.chart_height_mm(block, width, text_height_mm(self.landscape) - 15)
        block = dataclasses.replace(block, caption=xml_safe(block.caption),
                                    categories=tuple(xml_safe(c) for c in block.categories),
                                    axis_label=xml_safe(block.axis_label),
                                    value_labels=tuple(xml_safe(v) for v in block.value_labels))
        docx_chart.add_chart(self.paragraph(self.doc, "figure"), block, width, height)

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.runs(self.paragraph(self.doc, "body"), block.runs)
            elif isinstance(block, Heading):
                self.paragraph(self.doc, STYLE["heading"][block.level - 1], block.text)
            elif isinstance(block, Table):
                self.data_table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            else:
                raise TypeError(f"unknown block type: {type(block).__name__}")

    # sections -----------------------------------------------------------------------

    def setup_section(self, section, landscape: bool, restart_numbering: bool) -> None:
        """Page size and margins from the constants; page number centred in the header
        from the section's second page on (w:titlePg + an empty first-page header)."""
        self.landscape = landscape
        sectpr = section._sectPr
        width, height = ooxml.mm_to_twips(PAGE_WIDTH_MM), ooxml.mm_to_twips(PAGE_HEIGHT_MM)
        margins = {"top": MARGIN_TOP_MM, "bottom": MARGIN_BOTTOM_MM,
                   "left": MARGIN_LEFT_MM, "right": MARGIN_RIGHT_MM}
        ooxml.set_page(sectpr, *((height, width) if landscape else (width, height)),
                       landscape, {k: ooxml.mm_to_twips(v) for k, v in margins.items()},
                       ooxml.mm_to_twips(HEADER_DISTANCE_MM),
                       ooxml.mm_to_twips(FOOTER_DISTANCE_MM))
        if restart_numbering:
            ooxml.restart_page_numbers(sectpr, 1)
        section.different_first_page_header_footer = True
        # Each section gets its own header parts: LibreOffice maps sections to page
        # styles and is more predictable with explicit headers than inherited ones.
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        set_style(p, self.style("page_number"))
        ooxml.add_field(p, " PAGE ", "1")
        first = section.first_page_header
        first.is_linked_to_previous = False
        set_style(first.paragraphs[0], self.style("page_number"))


def _header_columns(w: _Writer, h) -> tuple[float, float]:
    """Column widths in mm: about 2/5 | 3/5, moved so that the nation line, the motto and
    the date (right) and the parent agency and "Số" line (left) each keep to one line
    when they can. The agency name may wrap, as it does in the decree's samples."""
    width = text_width_mm(False) + HEADER_OVERHANG_MM

    def need(key: str, text: str | None) -> float:
        if not text:
            return 0.0
        size = w.style_size_pt(key, BODY_PT)
        return measure_mm(text, size, w.style_bold(key)) + FIT_SLACK_MM

    half_gap = HEADER_GAP_MM / 2
    need_right = max(need("nation", h.nation), need("motto", h.motto),
                     need("place_date", h.place_date)) + half_gap
    need_left = max(need("parent_agency", h.parent_agency), need("number", h.number_line),
                    need("agency", h.agency)) + half_gap
    left = max(width * HEADER_LEFT_FRACTION, need_left)
    left = min(left, width - need_right)  # the nation line wins over the parent agency
    left = max(left, width * 0.25)
    return left, width - left


def _header_block(w: _Writer, model: ReportModel) -> None:
    h = model.header
    left_mm, right_mm = _header_columns(w, h)
    total = left_mm + right_mm
    table = w.layout_table((left_mm / total, right_mm / total), rows=2, width_mm=total)
    top, bottom = table.rows[0].cells, table.rows[1].cells
    left, right = top[0], top[1]
    half_gap = ooxml.mm_to_twips(HEADER_GAP_MM / 2)
    for row in table.rows:
        ooxml.set_cell_margins(row.cells[0]._tc, right=half_gap)
        ooxml.set_cell_margins(row.cells[1]._tc, left=half_gap)
    if h.parent_agency:
        w.paragraph(left, "parent_agency", h.parent_agency, reuse_first=True)
    w.paragraph(left, "agency", h.agency, reuse_first=True)
    w.rule(left, "agency", h.agency, left_mm - HEADER_GAP_MM / 2, RULE_FRACTION)
    w.paragraph(right, "nation", h.nation, reuse_first=True)
    w.paragraph(right, "motto", h.motto)
    w.rule(right, "motto", h.motto, right_mm - HEADER_GAP_MM / 2, 1.0)
    w.paragraph(bottom[0], "number", h.number_line, reuse_first=True)
    w.paragraph(bottom[1], "place_date", h.place_date, reuse_first=True)


def _title_block(w: _Writer, model: ReportModel) -> None:
    w.paragraph(w.doc, "title", model.title)
    w.paragraph(w.doc, "summary", model.summary)
    w.rule(w.doc, "summary", model.summary, text_width_mm(False), RULE_FRACTION)
    if model.addressees:
        _addressee_block(w, model)


def _addressee_block(w: _Writer, model: ReportModel) -> None:
    """ "Kính gửi:" and the first addressee on one line, further addressees aligned under
    the first (as the PDF lays it out): one paragraph with a hanging indent as wide as
    the label, a tab after the label, a line break between addressees, the whole block
    centred under the summary line by its left indent."""
    size = w.style_size_pt("addressee", BODY_PT)
    bold = w.style_bold("addressee")
    label_mm = measure_mm(model.addressee_label, size, bold) + ADDRESSEE_LABEL_GAP_MM
    lines_mm = max(measure_mm(line, size, bold) for line in model.addressees) + FIT_SLACK_MM
    text_mm = text_width_mm(False)
    left_mm = max(0.0, (text_mm - label_mm - lines_mm) / 2)
    p = w.paragraph(w.doc, "addressee",
                    model.addressee_label + "\t" + "\n".join(model.addressees))
    fmt = p.paragraph_format
    fmt.left_indent = Mm(left_mm + label_mm)
    fmt.first_line_indent = -Mm(label_mm)
    fmt.tab_stops.add_tab_stop(Mm(left_mm + label_mm))


def _signature_block(w: _Writer, model: ReportModel) -> None:
    # The signature never stands alone on the last page: the body's last paragraph keeps
    # with it (the signature row itself never splits).
    body = w.doc.element.body.findall(qn("w:p"))
    if body:
        ooxml.set_keep_next(body[-1].get_or_add_pPr())
    table = w.layout_table((SIGNATURE_LEFT_FRACTION, 1 - SIGNATURE_LEFT_FRACTION), rows=1)
    ooxml.set_cant_split(table.rows[0]._tr)
    left, right = table.rows[0].cells
    w.paragraph(left, "recipients_label", model.recipients_label, reuse_first=True)
    for line in model.recipients:
        w.paragraph(left, "recipients", line)
    s = model.signature
    for line in (s.authority, s.title):
        if line:
            w.paragraph(right, "signature_title", line, reuse_first=True)
    for _ in range(SIGNATURE_BLANK_LINES):
        w.paragraph(right, "signature_name")
    w.paragraph(right, "signature_name", s.name)


def _appendix(w: _Writer, appendix: Appendix) -> None:
    section = w.doc.add_section(WD_SECTION.NEW_PAGE)
    _thin_section_break(w.doc)
    w.setup_section(section, appendix.landscape, restart_numbering=True)
    w.paragraph(w.doc, "appendix_label", appendix.label)
    w.paragraph(w.doc, "appendix_title", appendix.title)
    w.paragraph(w.doc, "appendix_reference", appendix.reference)
    w.blocks(appendix.blocks)


def _thin_section_break(document) -> None:
    # add_section leaves an empty paragraph holding the previous section's w:sectPr;
    # at full size it can spill onto a blank page after a full-page signature.
    body = document.element.body
    holder = body.findall(qn("w:p"))[-1]
    ooxml.set_mark_size(holder.get_or_add_pPr(), 2)


def _core_text(text: str) -> str:
    # python-docx refuses core-property strings over 255 characters (OPC limit).
    return xml_safe(text)[:255]


def _core_properties(document, model: ReportModel) -> None:
    info = model.info
    props = document.core_properties
    props.title = _core_text(info.title)
    props.author = _core_text(info.author)
    props.last_modified_by = _core_text(info.author)
    props.subject = _core_text(info.subject)
    props.keywords = _core_text(info.keywords)
    props.language = _core_text(info.language)
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.identifier = ""
    props.version = ""
    props.revision = 1
    props.created = utc_naive(info.created)
    props.modified = utc_naive(info.created)


def render_docx(model: ReportModel, *, templates: Templates = SHIPPED) -> bytes:
    """The report as DOCX bytes; the same model always gives the same bytes. Styles come
    from `templates`' docx/reference.docx (an override folder's, if it has one)."""
    reference = _reference(templates.path("docx/reference.docx"))
    document = reference.copy()
    w = _Writer(document, reference)
    w.setup_section(document.sections[0], landscape=False, restart_numbering=False)
    _header_block(w, model)
    _title_block(w, model)
    w.blocks(model.body)
    _signature_block(w, model)
    for appendix in model.appendices:
        _appendix(w, appendix)
    _core_properties(document, model)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue())


def render_for_build(model: ReportModel, settings) -> bytes:
    """The `docx` entry of reportgen.render.FORMATS."""
    return render_docx(model, templates=settings.templates)
