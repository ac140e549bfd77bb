"""ooxml/read.py: what the diff reads out of a DOCX, and how it refuses what is not one."""
from __future__ import annotations

import pytest

from reportgen.ooxml import P, TBL
from reportgen.ooxml.read import (
    NOT_DOCX, UNREADABLE_DOCX, PackageError, StyleSheet, cell_span, iter_blocks, iter_cells,
    iter_rows, paragraph_look, paragraph_text, read_package, table_has_borders,
)
from tests.ooxml.helpers import package, styles_xml

TEXT = ('<w:p><w:r><w:t>Tổng số</w:t><w:tab/><w:t xml:space="preserve">809 </w:t></w:r>'
        '<w:hyperlink><w:r><w:t>người</w:t></w:r></w:hyperlink>'
        '<w:r><w:fldChar w:fldCharType="begin"/><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:br/><w:t>hết</w:t></w:r></w:p>')


def test_paragraph_text_is_what_word_shows_tabs_breaks_and_hyperlinks_included():
    body = read_package(package(TEXT), "a.docx").body()
    (paragraph,) = iter_blocks(body)
    assert paragraph_text(paragraph) == "Tổng số\t809 người\nhết"  # no field code


def test_blocks_rows_and_cells_are_found_through_content_controls():
    body = ('<w:sdt><w:sdtContent><w:p><w:r><w:t>một</w:t></w:r></w:p></w:sdtContent></w:sdt>'
            '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc>'
            '<w:sdt><w:sdtContent><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
            '</w:sdtContent></w:sdt></w:tr></w:tbl><w:sectPr/>')
    blocks = list(iter_blocks(read_package(package(body), "a.docx").body()))
    assert [b.tag for b in blocks] == [P, TBL]
    (row,) = iter_rows(blocks[1])
    assert [cell_span(c) for c in iter_cells(row)] == [(2, False), (1, True)]


STYLES = styles_xml(
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:pPr><w:jc w:val="center"/></w:pPr>'
    '<w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Subtitle"><w:basedOn w:val="Title"/>'
    '<w:rPr><w:b w:val="0"/></w:rPr></w:style>'
    '<w:style w:type="table" w:styleId="Grid"><w:tblPr><w:tblBorders>'
    '<w:top w:val="single"/></w:tblBorders></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="MyGrid"><w:basedOn w:val="Grid"/></w:style>')


def test_styles_are_inherited_through_based_on():
    docx = package('<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr><w:r><w:t>x</w:t></w:r>'
                   '</w:p><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>y</w:t>'
                   '</w:r></w:p><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>z</w:t></w:r></w:p>'
                   '<w:tbl><w:tblPr><w:tblStyle w:val="MyGrid"/></w:tblPr></w:tbl>'
                   '<w:tbl><w:tblPr><w:tblStyle w:val="MyGrid"/><w:tblBorders>'
                   '<w:top w:val="nil"/></w:tblBorders></w:tblPr></w:tbl>',
                   {"word/styles.xml": STYLES})
    doc = read_package(docx, "a.docx")
    styles = StyleSheet.of(doc)
    subtitle, title, plain, grid, layout = iter_blocks(doc.body())
    assert paragraph_look(subtitle, styles) == ("Subtitle", "center", False)
    assert paragraph_look(title, styles) == ("Title", "center", True)
    assert paragraph_look(plain, styles) == ("Normal", "", True)  # the bold run, direct
    assert table_has_borders(grid, styles) and not table_has_borders(layout, styles)


@pytest.mark.parametrize("data", [b"not a zip", package("<w:p/>")[:40]])
def test_anything_but_a_docx_is_refused_by_name(data):
    with pytest.raises(PackageError) as caught:
        read_package(data, "bao-cao.pdf")
    assert caught.value.message_id == NOT_DOCX and caught.value.params == {"path": "bao-cao.pdf"}


def test_a_broken_part_is_named_when_it_is_first_read():
    doc = read_package(package("<w:p/>", {"word/header1.xml": b"<w:hdr"}), "a.docx")
    with pytest.raises(PackageError) as caught:
        doc.xml("word/header1.xml")
    assert caught.value.message_id == UNREADABLE_DOCX
    assert "word/header1.xml" in str(caught.value) and "a.docx" in str(caught.value)


def test_entities_are_not_expanded():
    # A "billion laughs" or an external entity in a draft must not reach the diff.
    evil = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b'<w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:hdr>')
    doc = read_package(package("<w:p/>", {"word/header1.xml": evil}), "a.docx")
    (paragraph,) = iter_blocks(doc.xml("word/header1.xml"))
    assert "root:" not in paragraph_text(paragraph)
