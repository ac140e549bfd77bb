"""Generate reportgen/templates/docx/reference.docx: the named styles and page setup of every report.

Run: .venv/bin/python templates/docx/make_reference.py   (deterministic: same bytes)

The renderer (reportgen/render/docx.py) loads this file, clears its body and fills it,
applying only these styles. A clerk may open reference.docx in Word, restyle (Home →
Styles → Modify) and save it over this one; re-running the script restores the defaults.
Sizes and spacing come from the constants in reportgen/render/docx.py (official-format.md).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reportgen.render import docx as R
from reportgen.ooxml import write as ooxml
from reportgen.files import normalize_zip

OUTPUT = R.REFERENCE_DOCX
A = WD_ALIGN_PARAGRAPH

# Package parts of python-docx's default template a report has no use for: the preview
# thumbnail (shows a blank python-docx page), Word 2010's stylesWithEffects (Word 2010
# would read its Calibri styles instead of ours), a bibliography customXml item.
DROP_RELTYPES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
)

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Template>Normal.dotm</Template><Application>reportgen'
    b"</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


@dataclass(frozen=True)
class P:
    """A paragraph style: None leaves the property to the base style."""

    name: str
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    align: A | None = None
    before: float | None = None  # pt
    after: float | None = None  # pt
    line: float | None = None  # multiple of single
    first_indent_mm: float | None = None
    keep_next: bool | None = None
    base: str = "Normal"


S = R.STYLE
BODY_LINE = R.LINE_SPACING
PARAGRAPH_STYLES = (
    # body (§4)
    P(S["body"], R.BODY_PT, align=A.JUSTIFY, after=R.PARAGRAPH_AFTER_PT, line=BODY_LINE,
      first_indent_mm=R.FIRST_LINE_INDENT_MM),
    P("Heading 1", R.BODY_PT, bold=True, italic=False, align=A.JUSTIFY, before=6,
      after=R.PARAGRAPH_AFTER_PT, line=BODY_LINE, first_indent_mm=R.FIRST_LINE_INDENT_MM,
      keep_next=True),
    P("Heading 2", R.BODY_PT, bold=True, italic=False, align=A.JUSTIFY, before=0,
      after=R.PARAGRAPH_AFTER_PT, line=BODY_LINE, first_indent_mm=R.FIRST_LINE_INDENT_MM,
      keep_next=True),
    P("Heading 3", R.BODY_PT, bold=True, italic=True, align=A.JUSTIFY, before=0,
      after=R.PARAGRAPH_AFTER_PT, line=BODY_LINE, first_indent_mm=R.FIRST_LINE_INDENT_MM,
      keep_next=True),
    # page number (§1)
    P(S["page_number"], R.PAGE_NUMBER_PT, align=A.CENTER, before=0, after=0, line=1),
    # header block (§2)
    P(S["parent_agency"], R.HEADER_TOP_PT, bold=False, align=A.CENTER),
    P(S["agency"], R.HEADER_TOP_PT, bold=True, align=A.CENTER),
    P(S["nation"], R.HEADER_TOP_PT, bold=True, align=A.CENTER),
    P(S["motto"], R.MOTTO_PT, bold=True, align=A.CENTER),
    P(S["number"], R.HEADER_UPPER_PT, align=A.CENTER, before=4),
    P(S["place_date"], R.PLACE_DATE_PT, italic=True, align=A.CENTER, before=4),
    P(S["rule"], 1, align=A.CENTER, before=4, after=6, line=1),
    # title (§3)
    P(S["title"], R.TITLE_PT, bold=True, align=A.CENTER, before=18),
    P(S["summary"], R.TITLE_PT, bold=True, align=A.CENTER),
    # "Kính gửi:" then its addressees, further ones under the first: left-aligned with a
    # hanging indent the renderer sets (§3); the block is centred by its indent.
    P(S["addressee"], R.TITLE_PT, align=A.LEFT, before=6, after=12),
    # tables and charts (§6)
    P(S["caption"], R.CAPTION_PT, bold=True, italic=False, align=A.CENTER, before=6,
      after=6, line=1, keep_next=True),
    P(S["table_text"], R.TABLE_PT, align=A.LEFT, before=2, after=2, line=1),
    P(S["table_heading"], R.TABLE_PT, bold=True, align=A.CENTER, before=2, after=2,
      line=1, base=S["table_text"]),
    P(S["table_total"], R.TABLE_PT, bold=True, before=2, after=2, line=1,
      base=S["table_text"]),
    P(S["figure"], R.BODY_PT, align=A.CENTER, before=6, after=6, line=1),
    # signature and recipients (§5)
    P(S["recipients_label"], R.RECIPIENTS_LABEL_PT, bold=True, italic=True, align=A.LEFT,
      before=12),  # the same 12 pt as the first signature line, so the two tops align
    P(S["recipients"], R.RECIPIENTS_PT, align=A.LEFT),
    P(S["signature_title"], R.SIGNATURE_PT, bold=True, align=A.CENTER, before=12),
    P(S["signature_name"], R.SIGNATURE_PT, bold=True, align=A.CENTER),
    # appendices (§6)
    P(S["appendix_label"], R.APPENDIX_PT, bold=True, align=A.CENTER),
    P(S["appendix_title"], R.APPENDIX_PT, bold=True, align=A.CENTER),
    P(S["appendix_reference"], R.APPENDIX_PT, italic=True, align=A.CENTER, after=12),
)

KEEP_TABLE_STYLES = {"TableNormal", "TableGrid"}


def _drop_unused_parts(document) -> None:
    for rels in (document.part.package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in DROP_RELTYPES:
                rels.pop(rid)
                rels._target_parts_by_rId.pop(rid, None)


def _clean_styles(document) -> None:
    """Times New Roman, black, Vietnamese everywhere; no theme fonts or colours (Word
    prefers a theme font over a named one); drop the 140 colourful table styles."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    ooxml.set_fonts(rpr, R.FONT_FAMILY)
    for tag, attrs in (("w:color", {"w:val": "000000"}),
                       ("w:sz", {"w:val": R.BODY_PT * 2}),
                       ("w:szCs", {"w:val": R.BODY_PT * 2}),
                       ("w:lang", {"w:val": "vi-VN", "w:eastAsia": "vi-VN",
                                   "w:bidi": "ar-SA"})):
        ooxml._set_child(rpr, tag, attrs)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ooxml._set_child(ppr, "w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"})
    # No lone first or last line of a paragraph at a page break (absent means off in
    # OOXML, unlike Word's own Normal.dotm).
    ooxml._set_child(ppr, "w:widowControl")
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in KEEP_TABLE_STYLES:
            styles.remove(style)
            continue
        for rfonts in style.iter(qn("w:rFonts")):
            ooxml.set_fonts(rfonts.getparent(), R.FONT_FAMILY)
        for color in list(style.iter(qn("w:color"))):
            color.getparent().remove(color)


def _paragraph_style(document, spec: P):
    styles = document.styles
    try:
        style = styles[spec.name]
    except KeyError:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True
    style.base_style = styles[spec.base]
    font = style.font
    ooxml.set_fonts(style.element.get_or_add_rPr(), R.FONT_FAMILY)
    font.color.rgb = RGBColor(0, 0, 0)
    if spec.size is not None:
        font.size = Pt(spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.italic is not None:
        font.italic = spec.italic
    fmt = style.paragraph_format
    if spec.align is not None:
        fmt.alignment = spec.align
    if spec.before is not None:
        fmt.space_before = Pt(spec.before)
    if spec.after is not None:
        fmt.space_after = Pt(spec.after)
    if spec.line is not None:
        fmt.line_spacing = spec.line
    if spec.first_indent_mm is not None:
        fmt.first_line_indent = Mm(spec.first_indent_mm)
    if spec.keep_next is not None:
        fmt.keep_with_next = spec.keep_next
    return style


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    ooxml.set_fonts(normal.element.get_or_add_rPr(), R.FONT_FAMILY)
    normal.font.size = Pt(R.BODY_PT)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    for spec in PARAGRAPH_STYLES:
        _paragraph_style(document, spec)
    # The page-number paragraph centres itself; Word's Header tab stops would only
    # confuse a clerk who types into the header.
    tabs = styles[S["page_number"]].element.pPr.find(qn("w:tabs"))
    if tabs is not None:
        tabs.getparent().remove(tabs)
    # Rule: a thin empty paragraph whose bottom border is the line (indents are set per
    # use from the measured text). Exact 1 pt line height keeps it tight under the text.
    rule = styles[S["rule"]]
    rule.paragraph_format.line_spacing = Pt(1)
    ooxml.set_bottom_border(rule.element.get_or_add_pPr(), size_eighths=6, space_pt=0)
    # "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC": the 12 pt gap goes above the first line only
    # (w:contextualSpacing: no spacing between paragraphs of the same style).
    _contextual_spacing(styles[S["signature_title"]])

    placeholder = styles.add_style(S["placeholder"], WD_STYLE_TYPE.CHARACTER)
    placeholder.quick_style = True
    placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW

    grid = styles.add_style(S["data_table"], WD_STYLE_TYPE.TABLE)
    grid.base_style = styles["Normal Table"]
    _table_props(grid.element, borders="single", cell_margin_mm=1.5)
    layout = styles.add_style(S["layout_table"], WD_STYLE_TYPE.TABLE)
    layout.base_style = styles["Normal Table"]
    _table_props(layout.element, borders="none", cell_margin_mm=0)


def _contextual_spacing(style) -> None:
    ooxml._set_child(style.element.get_or_add_pPr(), "w:contextualSpacing")


def _table_props(style_element, borders: str, cell_margin_mm: float) -> None:
    tblpr = style_element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        ppr = style_element.find(qn("w:pPr"))
        anchor = ppr if ppr is not None else style_element.find(qn("w:rPr"))
        if anchor is not None:
            anchor.addnext(tblpr)
        else:
            style_element.append(tblpr)
    box = OxmlElement("w:tblBorders")
    for edge in ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"):
        element = OxmlElement(edge)
        element.set(qn("w:val"), borders)
        if borders != "none":
            for name, value in (("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                element.set(qn(name), value)
        box.append(element)
    tblpr.append(box)
    margins = OxmlElement("w:tblCellMar")
    side = str(ooxml.mm_to_twips(cell_margin_mm))
    for edge, value in (("w:top", "0"), ("w:left", side), ("w:bottom", "0"), ("w:right", side)):
        element = OxmlElement(edge)
        element.set(qn("w:w"), value)
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.append(margins)


def _settings(document) -> None:
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013+ layout
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
        lang.attrib.pop(qn("w:eastAsia"), None)
    rsids = settings.find(qn("w:rsids"))
    if rsids is not None:
        settings.remove(rsids)


def _page(document) -> None:
    section = document.sections[0]
    margins = {"top": R.MARGIN_TOP_MM, "bottom": R.MARGIN_BOTTOM_MM,
               "left": R.MARGIN_LEFT_MM, "right": R.MARGIN_RIGHT_MM}
    ooxml.set_page(section._sectPr, ooxml.mm_to_twips(R.PAGE_WIDTH_MM),
                   ooxml.mm_to_twips(R.PAGE_HEIGHT_MM), False,
                   {k: ooxml.mm_to_twips(v) for k, v in margins.items()},
                   ooxml.mm_to_twips(R.HEADER_DISTANCE_MM),
                   ooxml.mm_to_twips(R.FOOTER_DISTANCE_MM))
    for name in ("w:rsidR", "w:rsidRPr", "w:rsidSect"):
        section._sectPr.attrib.pop(qn(name), None)


def build() -> bytes:
    document = Document()
    document.element.body.clear_content()
    _drop_unused_parts(document)
    _clean_styles(document)
    _styles(document)
    _settings(document)
    _page(document)
    props = document.core_properties
    props.title = "reportgen reference document"
    props.author = "reportgen"
    props.last_modified_by = "reportgen"
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.language = "vi-VN"
    props.revision = 1
    props.created = datetime(2024, 1, 1)
    props.modified = datetime(2024, 1, 1)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue(), replace={"docProps/app.xml": APP_XML})


if __name__ == "__main__":
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")
