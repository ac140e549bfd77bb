"""render_docx: what a reader of the DOCX would notice, checked by reading it back."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import datetime

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn

from reportgen.model import Paragraph, Run
from reportgen.ooxml.write import TWIPS_PER_MM
from reportgen.render import docx as R
from reportgen.render.docx import render_docx
from tests.model_factory import sample_model

MM = 36000  # EMU per mm


@pytest.fixture(scope="module")
def model():
    return sample_model()


@pytest.fixture(scope="module")
def data(model) -> bytes:
    return render_docx(model)


@pytest.fixture(scope="module")
def doc(data):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    body = document.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                     for p in body.iter(qn("w:p")))


def paragraphs_with_style(document, name: str):
    return [p for p in _all_paragraphs(document) if p.style.name == name]


def _all_paragraphs(document):
    from docx.text.paragraph import Paragraph as DocxParagraph

    return [DocxParagraph(p, document.part) for p in document.element.body.iter(qn("w:p"))]


def resolved(document, style, getter):
    """First non-None value of getter(style) up the basedOn chain."""
    while style is not None:
        value = getter(style)
        if value is not None:
            return value
        style = style.base_style
    return None


def style_size_pt(document, style) -> float:
    size = resolved(document, style, lambda s: s.font.size)
    if size is not None:
        return size.pt
    default = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:sz"))
    return int(default.get(qn("w:val"))) / 2


def style_fonts(document, style) -> dict[str, str]:
    """rFonts attributes in effect (style chain, then docDefaults)."""
    found: dict[str, str] = {}
    chain = []
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    chain.append(document.styles.element.find(qn("w:docDefaults")))
    for element in chain:
        rfonts = element.find(".//" + qn("w:rFonts"))
        if rfonts is None:
            continue
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            found.setdefault(attr, rfonts.get(qn(attr)))
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            if rfonts.get(qn(theme)) is not None:
                found.setdefault(theme, rfonts.get(qn(theme)))
    return found


# --- content ---------------------------------------------------------------------------

def test_header_block_title_body_and_signature_text_are_present(doc, model):
    text = all_text(doc)
    h = model.header
    for expected in (h.parent_agency, h.agency, h.number_line, h.nation, h.motto,
                     h.place_date, model.title, model.summary, model.addressee_label,
                     *model.addressees, model.recipients_label, *model.recipients,
                     model.signature.authority, model.signature.title, model.signature.name):
        assert expected in text
    for block in model.body:
        assert getattr(block, "text", "") in text


def test_header_block_is_borderless_two_columns_with_number_and_date_on_one_row(doc, model):
    table = doc.tables[0]
    assert len(table.columns) == 2 and len(table.rows) == 2
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"none"}
    left, right = table.rows[0].cells
    assert [p.text for p in left.paragraphs[:2]] == [model.header.parent_agency,
                                                    model.header.agency]
    assert [p.text for p in right.paragraphs[:2]] == [model.header.nation, model.header.motto]
    number, date = table.rows[1].cells
    assert number.paragraphs[0].text == model.header.number_line
    assert date.paragraphs[0].text == model.header.place_date
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert 0.33 <= grid[0] / sum(grid) <= 0.45  # "about 2/5"


def test_header_lines_have_decree_sizes_and_weights(doc):
    expectations = {  # style: (pt, bold, italic)
        "Agency Parent": (12, False, False), "Agency": (12, True, False),
        "Nation": (12, True, False), "Motto": (14, True, False),
        "Document Number": (13, False, False), "Place Date": (14, False, True),
        "Report Title": (14, True, False), "Report Summary": (14, True, False),
    }
    for name, (pt, bold, italic) in expectations.items():
        style = doc.styles[name]
        assert paragraphs_with_style(doc, name), name
        assert style_size_pt(doc, style) == pt, name
        assert bool(resolved(doc, style, lambda s: s.font.bold)) is bold, name
        assert bool(resolved(doc, style, lambda s: s.font.italic)) is italic, name
        assert resolved(doc, style, lambda s: s.paragraph_format.alignment) == \
            WD_ALIGN_PARAGRAPH.CENTER, name


def test_parent_agency_line_is_omitted_when_there_is_none(model):
    no_parent = replace(model, header=replace(model.header, parent_agency=None))
    document = Document(io.BytesIO(render_docx(no_parent)))
    left = document.tables[0].rows[0].cells[0]
    assert left.paragraphs[0].text == model.header.agency
    assert not paragraphs_with_style(document, "Agency Parent")


def test_rules_are_bottom_borders_of_the_decree_lengths(doc, model):
    rules = paragraphs_with_style(doc, "Rule")
    assert len(rules) == 3  # agency, motto, summary
    border = doc.styles["Rule"].element.find(".//" + qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:val")) == "single"

    def length_mm(paragraph, column_mm):
        ind = paragraph._p.pPr.find(qn("w:ind"))
        sides = int(ind.get(qn("w:left"))) + int(ind.get(qn("w:right")))
        return column_mm - sides / TWIPS_PER_MM

    grid = [int(c.get(qn("w:w"))) / TWIPS_PER_MM
            for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    # each column's text keeps half the header gap as a margin on its inner side
    inner = [g - R.HEADER_GAP_MM / 2 for g in grid]
    agency_line = min(R.measure_mm(model.header.agency, 12, True), inner[0])
    assert agency_line / 3 <= length_mm(rules[0], inner[0]) <= agency_line / 2
    motto = R.measure_mm(model.header.motto, 14, True)
    assert length_mm(rules[1], inner[1]) == pytest.approx(motto, abs=0.5)
    summary_line = min(R.measure_mm(model.summary, 14, True), R.text_width_mm(False))
    assert summary_line / 3 <= length_mm(rules[2], R.text_width_mm(False)) <= summary_line / 2


def test_addressee_block_lists_one_addressee_per_line(doc, model):
    # "Kính gửi:" and the first addressee on one line, the others under the first
    # (issue 11: the PDF's layout; the DOCX used to put the label on a line of its own)
    (block,) = paragraphs_with_style(doc, "Addressee")
    lines = block.text.split("\n")
    assert lines == [model.addressee_label + "\t" + model.addressees[0], *model.addressees[1:]]
    fmt = block.paragraph_format
    label_mm = -fmt.first_line_indent.mm
    assert label_mm == pytest.approx(R.measure_mm(model.addressee_label, 14, False)
                                     + R.ADDRESSEE_LABEL_GAP_MM, abs=0.1)
    # the tab after the label lands where the wrapped lines start
    assert [t.position.mm for t in fmt.tab_stops] == pytest.approx([fmt.left_indent.mm], abs=0.1)
    no_addressees = Document(io.BytesIO(render_docx(replace(model, addressees=()))))
    assert not paragraphs_with_style(no_addressees, "Addressee")
    assert model.addressee_label not in all_text(no_addressees)


def test_signature_sits_right_of_recipients_in_a_borderless_table(doc, model):
    table = doc.tables[1]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"none"}
    left, right = table.rows[0].cells
    assert left.paragraphs[0].text == model.recipients_label
    assert [p.text for p in left.paragraphs[1:]] == list(model.recipients)
    lines = [p.text for p in right.paragraphs]
    assert lines[:2] == [model.signature.authority, model.signature.title]
    assert lines[-1] == model.signature.name
    assert lines[2:-1] == [""] * R.SIGNATURE_BLANK_LINES
    assert 4 <= R.SIGNATURE_BLANK_LINES <= 5
    label_style = doc.styles["Recipients Label"]
    assert style_size_pt(doc, label_style) == 12
    assert label_style.font.bold and label_style.font.italic
    assert style_size_pt(doc, doc.styles["Recipients"]) == 11
    for name in ("Signature Title", "Signature Name"):
        assert doc.styles[name].font.bold
        assert 13 <= style_size_pt(doc, doc.styles[name]) <= 14


def test_last_body_paragraph_keeps_with_the_signature(doc, model):
    last = [p for p in paragraphs_with_style(doc, "Body Text")][-1]
    assert last.text == model.body[-1].text
    assert last.paragraph_format.keep_with_next
    signature_row = doc.tables[1]._tbl.tr_lst[0]
    assert signature_row.trPr.find(qn("w:cantSplit")) is not None


def test_line_break_in_an_agency_name_is_kept(model):
    broken = replace(model, header=replace(model.header, agency="CÔNG AN\nTHÀNH PHỐ HÀ NỘI"))
    document = Document(io.BytesIO(render_docx(broken)))
    agency = paragraphs_with_style(document, "Agency")[0]
    assert agency._p.find(".//" + qn("w:br")) is not None
    assert agency.text == "CÔNG AN\nTHÀNH PHỐ HÀ NỘI"


# --- page geometry -----------------------------------------------------------------------

def test_body_section_is_a4_portrait_with_nd30_margins(doc):
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width / MM == pytest.approx(210, abs=0.1)
    assert section.page_height / MM == pytest.approx(297, abs=0.1)
    assert 20 <= section.top_margin / MM <= 25.01
    assert 20 <= section.bottom_margin / MM <= 25.01
    assert 30 <= section.left_margin / MM <= 35.01
    assert 15 <= section.right_margin / MM <= 20.01
    assert section.left_margin / MM == pytest.approx(R.MARGIN_LEFT_MM, abs=0.05)


def test_appendix_section_is_landscape_a4_keeping_the_binding_margin(doc, model):
    assert len(doc.sections) == 1 + len(model.appendices)
    body, appendix = doc.sections[0], doc.sections[1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert appendix.page_width / MM == pytest.approx(297, abs=0.1)
    assert appendix.page_height / MM == pytest.approx(210, abs=0.1)
    assert appendix.start_type == 2  # WD_SECTION.NEW_PAGE
    for edge in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        assert getattr(appendix, edge) == getattr(body, edge)


def test_page_number_field_in_every_section_header_but_not_on_first_pages(doc):
    for section in doc.sections:
        assert section.different_first_page_header_footer  # w:titlePg
        refs = {r.get(qn("w:type")) for r in section._sectPr.findall(qn("w:headerReference"))}
        assert refs == {"default", "first"}
        header = section.header._element
        instr = "".join(t.text for t in header.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert section.header.paragraphs[0].alignment is None  # centred by its style
        style = section.header.paragraphs[0].style
        assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert 13 <= style_size_pt(doc, style) <= 14
        first = section.first_page_header._element
        assert not list(first.iter(qn("w:instrText")))
        assert not "".join(t.text or "" for t in first.iter(qn("w:t"))).strip()


def test_each_appendix_restarts_page_numbering_at_one(doc):
    assert doc.sections[0]._sectPr.find(qn("w:pgNumType")) is None
    for section in doc.sections[1:]:
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_appendix_opens_with_label_title_and_reference(doc, model):
    appendix = model.appendices[0]
    for name, text in (("Appendix Label", appendix.label), ("Appendix Title", appendix.title),
                       ("Appendix Reference", appendix.reference)):
        (p,) = paragraphs_with_style(doc, name)
        assert p.text == text
        assert doc.styles[name].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.styles["Appendix Label"].font.bold
    assert style_size_pt(doc, doc.styles["Appendix Label"]) == 14
    assert doc.styles["Appendix Reference"].font.italic


# --- typography ------------------------------------------------------------------------

def test_every_style_in_use_is_times_new_roman_and_black(doc):
    used = {p.style.name for p in _all_paragraphs(doc)}
    for section in doc.sections:
        used |= {p.style.name for p in section.header.paragraphs}
    assert {"Body Text", "Heading 1", "Heading 2", "Heading 3", "Table Text"} <= used
    for name in used:
        fonts = style_fonts(doc, doc.styles[name])
        assert {fonts.get(a) for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")} == \
            {"Times New Roman"}, name
        assert not any(k.endswith("Theme") or k == "w:cstheme" for k in fonts), name
        color = resolved(doc, doc.styles[name], lambda s: s.font.color.rgb)
        assert color in (None, (0, 0, 0)), name
    # and no run overrides the face
    for rfonts in doc.element.body.iter(qn("w:rFonts")):
        assert rfonts.get(qn("w:ascii")) in (None, "Times New Roman")


def test_body_text_is_14pt_justified_with_first_line_indent(doc):
    style = doc.styles["Body Text"]
    fmt = style.paragraph_format
    assert style_size_pt(doc, style) == 14
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert 10 <= fmt.first_line_indent / MM <= 12.71
    assert fmt.space_after.pt >= 6
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert len(paragraphs_with_style(doc, "Body Text")) == 6


def test_headings_are_bold_keep_with_next_and_level_three_italic(doc, model):
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        assert paragraphs_with_style(doc, style.name)
        assert style.font.bold and style.paragraph_format.keep_with_next
        assert style_size_pt(doc, style) == 14
        indent = resolved(doc, style, lambda s: s.paragraph_format.first_line_indent)
        assert indent is None or indent <= doc.styles["Body Text"].paragraph_format.first_line_indent
    assert doc.styles["Heading 3"].font.italic
    assert not doc.styles["Heading 1"].font.italic
    (h1, *_) = paragraphs_with_style(doc, "Heading 1")
    assert h1.text == "I. KẾT QUẢ THỰC HIỆN"


def test_placeholder_run_is_highlighted_yellow(doc):
    runs = [r for p in _all_paragraphs(doc) for r in p.runs if r.text.startswith("[Nội dung")]
    assert runs
    for run in runs:
        assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
        assert run.style.name == "Placeholder"
    assert doc.styles["Placeholder"].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_xml_special_characters_survive_and_illegal_characters_are_removed(model):
    tricky = replace(model, body=model.body + (
        Paragraph((Run('A & B < C > D "E" \'F\''), Run("x\x00y\x07z\x0b\x0c\x1f!"),)),),
        summary=model.summary + " & <b>",
        info=replace(model.info, title="T\x01 & <t>"))
    data = render_docx(tricky)
    document = Document(io.BytesIO(data))
    text = all_text(document)
    assert 'A & B < C > D "E" \'F\'' in text
    assert "xyz!" in text
    assert model.summary + " & <b>" in text
    assert document.core_properties.title == "T & <t>"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<b>" not in archive.read("word/document.xml")  # escaped, not markup


def test_runs_of_spaces_in_the_number_line_are_preserved(doc, model):
    cell = doc.tables[0].rows[1].cells[0]
    (t,) = cell.paragraphs[0]._p.iter(qn("w:t"))
    assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert t.text == model.header.number_line


# --- tables and charts -------------------------------------------------------------------

@pytest.fixture(scope="module")
def appendix_table(doc):
    return doc.tables[2]


def test_appendix_table_header_row_repeats_and_rows_never_split(appendix_table):
    rows = appendix_table._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)


def test_table_grid_and_cell_widths_follow_the_column_widths(appendix_table, model):
    columns = model.appendices[0].blocks[0].columns
    grid = [int(c.get(qn("w:w"))) for c in appendix_table._tbl.tblGrid.findall(qn("w:gridCol"))]
    ratios = [g / c.weight for g, c in zip(grid, columns)]
    assert max(ratios) - min(ratios) <= 0.01 * max(ratios)
    assert sum(grid) / TWIPS_PER_MM <= R.text_width_mm(True) + 0.5
    for tr in appendix_table._tbl.tr_lst:
        widths = [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.tc_lst]
        assert widths == grid


def test_wide_table_in_a_portrait_body_is_scaled_to_the_text_width(model):
    table = model.appendices[0].blocks[0]
    document = Document(io.BytesIO(render_docx(replace(model, body=model.body + (table,)))))
    body_table = document.tables[1]  # header block, then the body table
    grid = [int(c.get(qn("w:w"))) for c in body_table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) / TWIPS_PER_MM == pytest.approx(R.text_width_mm(False), abs=0.5)


def test_table_text_header_alignment_and_bold_total_row(doc, appendix_table, model):
    table_model = model.appendices[0].blocks[0]
    header = appendix_table.rows[0]
    assert [c.text for c in header.cells] == [c.title for c in table_model.columns]
    assert all(c.paragraphs[0].style.name == "Table Heading" for c in header.cells)
    first = appendix_table.rows[1]
    for cell, column in zip(first.cells, table_model.columns):
        expected = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                    "right": WD_ALIGN_PARAGRAPH.RIGHT}[column.align]
        assert cell.paragraphs[0].alignment == expected
    total = appendix_table.rows[-1]
    assert [c.text for c in total.cells] == list(table_model.total)
    for cell in total.cells:
        style = cell.paragraphs[0].style
        assert style.name == "Table Total" and style.font.bold
    assert [c.text for c in appendix_table.rows[1].cells] == list(table_model.rows[0])
    assert style_size_pt(doc, doc.styles["Table Text"]) in (12, 12.5, 13)
    (caption,) = paragraphs_with_style(doc, "Caption")
    assert caption.text == table_model.caption


def test_chart_is_an_inline_chart_object_as_wide_as_the_landscape_text(doc):
    inline = doc.inline_shapes
    assert len(inline) == 1
    graphic = inline[0]._inline.graphic.graphicData
    assert graphic.get("uri") == "http://schemas.openxmlformats.org/drawingml/2006/chart"
    assert inline[0].width / MM == pytest.approx(R.text_width_mm(True), abs=0.5)
    assert inline[0].height / MM <= R.text_height_mm(True)


# --- document properties and determinism ------------------------------------------------

def test_core_properties_come_from_model_info_not_the_clock(doc, model):
    props = doc.core_properties
    info = model.info
    assert (props.title, props.author, props.subject, props.keywords, props.language) == \
        (info.title, info.author, info.subject, info.keywords, info.language)
    assert props.created.replace(tzinfo=None) == info.created
    assert props.modified.replace(tzinfo=None) == info.created


def test_same_model_renders_to_identical_bytes(model, data):
    assert render_docx(sample_model()) == data


def test_zip_entries_carry_no_clock(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_reference_document_holds_every_named_style_the_renderer_uses():
    reference = Document(str(R.REFERENCE_DOCX))
    names = {s.name for s in reference.styles}
    for value in R.STYLE.values():
        for name in (value,) if isinstance(value, str) else value:
            assert name in names
    assert not list(reference.element.body.iter(qn("w:p")))  # an empty body


def test_reference_document_builds_deterministically(monkeypatch):
    import importlib.util
    import sys

    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "make_reference.py"
    spec = importlib.util.spec_from_file_location("make_reference", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_reference", module)  # for its dataclasses
    monkeypatch.setattr(sys, "path", list(sys.path))  # it prepends the repo root
    spec.loader.exec_module(module)
    # Twice the same bytes. The committed reference.docx is NOT pinned to the script: a
    # clerk may restyle it in Word, and the renderer must keep working with that file
    # (test_reference_document_holds_every_named_style_the_renderer_uses guards it).
    assert module.build() == module.build()


# --- LibreOffice round trip -------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) and poppler-utils are needed")
def test_libreoffice_converts_it_with_page_numbers_from_page_two(tmp_path):
    import pdfplumber

    model = sample_model(appendix_rows=31)  # the appendix table runs onto a second page
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(model))
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode()
    for expected in (model.header.nation, model.title, model.signature.name, "Tổng cộng",
                     "Phụ lục I"):
        assert expected in text
    with pdfplumber.open(pdf) as document:
        pages = document.pages
        assert len(pages) > 1

        def top_words(page):
            return [w["text"] for w in page.extract_words()
                    if w["top"] < (R.MARGIN_TOP_MM - 4) * 72 / 25.4]

        assert top_words(pages[0]) == []  # page 1 counts but shows no number
        assert top_words(pages[1]) == ["2"]
        # the appendix restarts at 1 and hides it on its first page
        landscape = [p for p in pages if p.width > p.height]
        assert len(landscape) >= 2
        assert (landscape[0].extract_text() or "").lstrip().startswith("Phụ lục I")
        assert top_words(landscape[0]) == []
        assert top_words(landscape[1]) == ["2"]
        # the repeated header row opens the second appendix page
        assert "Đơn vị" in (landscape[1].extract_text() or "")


def test_created_time_with_timezone_is_stored_as_utc(model):
    from datetime import timedelta, timezone

    hanoi = timezone(timedelta(hours=7))
    aware = replace(model, info=replace(model.info, created=datetime(2023, 7, 5, 15, 0, tzinfo=hanoi)))
    props = Document(io.BytesIO(render_docx(aware))).core_properties
    assert props.created.replace(tzinfo=None) == datetime(2023, 7, 5, 8, 0)


@pytest.mark.parametrize("text", ["", "a", " lead", "trail ", "a\tb", "\tx\t", "l1\nl2", "a\r\nb",
                                  "\n", "  two  spaces", "Số:      /BC-UBND", "x\t\ty\r"])
def test_lxml_paragraphs_and_runs_are_what_python_docx_writes(text):
    # render/docx.py builds w:p and w:r with lxml for speed; the XML must stay the same
    # as python-docx's add_paragraph() + style + add_run(text) (the DOCX bytes with it).
    from docx import Document
    from lxml import etree

    from reportgen.ooxml import XML_SPACE
    from reportgen.render.docx import _new_paragraph, add_text

    def xml(fast: bool) -> bytes:
        document = Document()
        body = document.element.body
        body.clear_content()
        for container in (document, document.add_table(rows=1, cols=1).cell(0, 0)):
            if fast:
                add_text(_new_paragraph(container, "BodyText"), text)
                continue
            p = container.add_paragraph()
            p._p.style = "BodyText"
            run = p.add_run(text)
            if "  " in text:
                for t in run._r.iter(qn("w:t")):
                    t.set(XML_SPACE, "preserve")
        return etree.tostring(body)

    assert xml(True) == xml(False)


def test_the_cached_reference_document_carries_nothing_from_one_report_to_the_next(model):
    # render_docx deep-copies a per-worker parsed reference.docx: a report rendered
    # after others must be the same bytes as one rendered from a fresh parse.
    R._reference.cache_clear()
    fresh = render_docx(model)
    other = replace(model, title="KHÁC", appendices=model.appendices * 2, body=model.body[:1])
    render_docx(other)
    assert render_docx(model) == fresh
    R._reference.cache_clear()
    assert render_docx(other) != fresh
    assert render_docx(model) == fresh
