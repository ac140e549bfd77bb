"""ooxml/write.py: the raw edits the DOCX renderer makes, in the order Word requires."""
from __future__ import annotations

import docx

from reportgen.ooxml import XML_SPACE, qn
from reportgen.ooxml import write as ooxml


def children(element) -> list[str]:
    return [child.tag.rpartition("}")[2] for child in element]


def test_a_property_goes_to_its_schema_position_and_replaces_the_old_one():
    paragraph = docx.Document().add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    ooxml._set_child(ppr, "w:jc", {"w:val": "center"})
    ooxml._set_child(ppr, "w:pStyle", {"w:val": "BodyText"})
    ooxml.set_indents(ppr, 100, 200)
    ooxml.set_keep_next(ppr)
    ooxml.set_indents(ppr, 300, 400)
    # Word refuses a w:pPr whose children are out of the CT_PPr sequence.
    assert children(ppr) == ["pStyle", "keepNext", "ind", "jc"]
    ind = ppr.find(qn("w:ind"))
    assert (ind.get(qn("w:left")), ind.get(qn("w:right"))) == ("300", "400")


def test_fonts_name_one_face_for_every_script_and_drop_theme_fonts():
    run = docx.Document().add_paragraph().add_run("x")
    rpr = run._r.get_or_add_rPr()
    rfonts = ooxml._get_or_add(rpr, "w:rFonts")
    rfonts.set(qn("w:asciiTheme"), "minorHAnsi")
    ooxml.set_fonts(rpr, "Times New Roman")
    assert {k.rpartition("}")[2]: v for k, v in rfonts.attrib.items()} == {
        "ascii": "Times New Roman", "hAnsi": "Times New Roman", "cs": "Times New Roman",
        "eastAsia": "Times New Roman"}


def test_a_table_in_one_pass_has_grid_widths_header_rows_and_cell_text():
    rows = [ooxml.TableRow(("Đơn vị", "Số người"), "TableHeading", ("center", "center"),
                           header=True),
            ooxml.TableRow(("Ba  Đình", "21\t(tăng)\n2 người"), "TableText", ("left", "right"))]
    tbl = ooxml.build_table("ReportTable", [2000, 1000], rows)
    assert [c.get(qn("w:w")) for c in tbl.find(qn("w:tblGrid"))] == ["2000", "1000"]
    first, second = tbl.findall(qn("w:tr"))
    assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert second.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    cell = second.findall(qn("w:tc"))[1]
    assert cell.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "right"
    run = cell.find(f"{qn('w:p')}/{qn('w:r')}")
    assert children(run) == ["t", "tab", "t", "br", "t"]
    texts = second.iter(qn("w:t"))
    assert all(t.get(XML_SPACE) == "preserve" for t in texts)
    assert next(second.iter(qn("w:t"))).text == "Ba  Đình"  # runs of spaces kept



def test_cells_of_one_kind_are_copies_that_keep_their_own_text_and_width():
    # build_table deep-copies one w:tc per (style, width, alignment): a copy must not
    # share children with another cell, and a new kind must get its own width.
    rows = [ooxml.TableRow((f"{n}", "x" if n % 2 else ""), "TableText", ("left", "right"))
            for n in range(4)] + [ooxml.TableRow(("Tổng", "4"), "TableTotal", ("left", "right"))]
    tbl = ooxml.build_table("ReportTable", [2000, 1000], rows)
    trs = tbl.findall(qn("w:tr"))
    assert ["".join(t.text for t in tr.iter(qn("w:t"))) for tr in trs] == \
        ["0", "1x", "2", "3x", "Tổng4"]
    assert [len(list(tc.iter(qn("w:r")))) for tc in trs[0].findall(qn("w:tc"))] == [1, 0]
    widths = [tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")) for tc in trs[4].findall(qn("w:tc"))]
    assert widths == ["2000", "1000"]
    assert trs[4].find(f"{qn('w:tc')}/{qn('w:p')}/{qn('w:pPr')}/{qn('w:pStyle')}").get(
        qn("w:val")) == "TableTotal"
    assert all(tr.find(qn("w:trPr")) is not trs[0].find(qn("w:trPr")) for tr in trs[1:])

def test_a_page_field_is_a_complex_field_with_a_cached_result():
    paragraph = docx.Document().add_paragraph()
    ooxml.add_field(paragraph, " PAGE ", "1")
    kinds = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    instr = next(paragraph._p.iter(qn("w:instrText")))
    assert instr.text == " PAGE " and instr.get(XML_SPACE) == "preserve"
    assert paragraph.text == "1"


def test_page_setup_and_borders():
    section = docx.Document().sections[0]
    sectpr = section._sectPr
    ooxml.set_page(sectpr, 16838, 11906, True, {"top": 1, "right": 2, "bottom": 3, "left": 4},
                   5, 6)
    ooxml.restart_page_numbers(sectpr, 1)
    size = sectpr.find(qn("w:pgSz"))
    assert size.get(qn("w:orient")) == "landscape" and size.get(qn("w:w")) == "16838"
    order = children(sectpr)
    assert order.index("pgSz") < order.index("pgMar") < order.index("pgNumType")
    assert ooxml.mm_to_twips(25.4) == 1440


def test_layout_tables_draw_no_lines_whatever_the_style():
    tbl = docx.Document().add_table(rows=1, cols=2)._tbl
    ooxml.set_table_borders(tbl, "none")
    borders = tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"none"} and len(borders) == 6
