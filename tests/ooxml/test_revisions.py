"""ooxml/revisions.py: tracked-change marks where Word looks for them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lxml import etree

from reportgen.ooxml import DEL, INS, NS, qn
from reportgen.ooxml.read import read_package
from reportgen.ooxml.revisions import (
    Revisions, clear_paragraph_mark, has_tracked_changes, max_annotation_id,
    merge_adjacent_marks, number_revisions, paragraph_mark, set_paragraph_mark, set_row_mark,
    text_child,
)
from tests.ooxml.helpers import package


def xml(text: str):
    return etree.fromstring(f'<w:root xmlns:w="{NS["w"]}">{text}</w:root>')[0]


def names(element) -> list[str]:
    return [child.tag.rpartition("}")[2] for child in element]


def test_marks_carry_one_author_and_the_date_in_utc():
    hanoi = timezone(timedelta(hours=7))
    mark = Revisions("Sở LĐTBXH", datetime(2023, 7, 6, 16, 30, tzinfo=hanoi)).mark("ins")
    assert mark.tag == INS and mark.get(qn("w:author")) == "Sở LĐTBXH"
    assert mark.get(qn("w:date")) == "2023-07-06T09:30:00Z"
    assert Revisions("x", None).mark("del").get(qn("w:date")) is None  # no guessed date


def test_a_paragraph_mark_goes_into_ppr_rpr_before_sectpr():
    paragraph = xml('<w:p><w:pPr><w:jc w:val="center"/><w:sectPr/></w:pPr></w:p>')
    set_paragraph_mark(paragraph, Revisions("a", None).mark("del"))
    assert names(paragraph.find(qn("w:pPr"))) == ["jc", "rPr", "sectPr"]
    assert paragraph_mark(paragraph) == "del"
    clear_paragraph_mark(paragraph)
    assert paragraph_mark(paragraph) is None


def test_a_row_mark_follows_the_row_properties_and_precedes_their_change():
    row = xml('<w:tr><w:tblPrEx/><w:tc/></w:tr>')
    set_row_mark(row, Revisions("a", None).mark("ins"))
    assert names(row) == ["tblPrEx", "trPr", "tc"]
    changed = xml('<w:tr><w:trPr><w:cantSplit/><w:trPrChange/></w:trPr></w:tr>')
    set_row_mark(changed, Revisions("a", None).mark("del"))
    assert names(changed.find(qn("w:trPr"))) == ["cantSplit", "del", "trPrChange"]


def test_ids_start_above_bookmarks_and_run_in_document_order():
    root = xml('<w:body><w:bookmarkStart w:id="7"/><w:p><w:ins w:id="0"/><w:del w:id="0"/>'
               '</w:p><w:ins w:id="0"/></w:body>')
    first = max_annotation_id([root]) + 1
    assert number_revisions([root], first) == 11
    assert [e.get(qn("w:id")) for e in root.iter(INS, DEL)] == ["8", "9", "10"]


def test_neighbouring_marks_of_one_author_become_one():
    root = xml('<w:p><w:ins w:author="a"><w:r/></w:ins><w:ins w:author="a"><w:r/></w:ins>'
               '<w:ins w:author="b"><w:r/></w:ins></w:p>')
    merge_adjacent_marks(root)
    assert [len(mark) for mark in root] == [2, 1]


def test_text_keeps_its_edge_and_double_spaces_only_when_it_has_them():
    assert text_child("Số:  01").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert text_child("Số 01").get("{http://www.w3.org/XML/1998/namespace}space") is None


def test_a_document_under_review_is_recognised():
    clean = read_package(package("<w:p><w:r><w:t>insert here</w:t></w:r></w:p>"), "a.docx")
    assert not has_tracked_changes(clean)  # the word "ins" in text is not a mark
    reviewed = read_package(package('<w:p><w:ins w:id="1" w:author="x"><w:r><w:t>a</w:t>'
                                    '</w:r></w:ins></w:p>'), "b.docx")
    assert has_tracked_changes(reviewed)
