"""The DOCX redline: real tracked changes that mean exactly "OLD → NEW"."""
import io
import zipfile

import docx
import pytest

from reportgen.diff import DiffInputError, redline, redline_docx
from reportgen.diff.errors import NOT_DOCX, TRACKED_CHANGES
from tests.diff.helpers import (
    BODY, DATE, DISTRICTS, draft, header_parts, marked_texts, part, review, w,
)

NEW_PARAGRAPH = "Phối hợp với Công an Thành phố rà soát 1.250 người nghiện có hồ sơ quản lý."


def test_one_district_figure_marks_exactly_that_figure_in_text_and_table():
    result = redline(draft(ba_dinh=21), draft(ba_dinh=23), date=DATE)
    marks = marked_texts(part(result.docx))
    assert marks == {"ins": ["23", "23"], "del": ["21", "21"], "paragraph_marks": 0, "rows": 0}
    assert result.result.changes == (("21", "23"), ("21", "23"))
    assert (result.result.paragraphs_changed, result.result.cells_changed) == (1, 1)


def test_a_changed_total_reads_as_whole_figures():
    result = redline(draft(total=809, percent="67,4%"), draft(total=812, percent="67,7%"),
                     date=DATE)
    marks = marked_texts(part(result.docx))
    assert marks["del"] == ["809/1.200", "67,4%", "809"]
    assert marks["ins"] == ["812/1.200", "67,7%", "812"]


def test_an_inserted_paragraph_is_one_insertion_and_the_following_ones_are_untouched():
    docx_bytes = redline_docx(draft(), draft(insert_after=3, inserted=NEW_PARAGRAPH), date=DATE)
    marks = marked_texts(part(docx_bytes))
    assert marks == {"ins": [NEW_PARAGRAPH], "del": [], "paragraph_marks": 1, "rows": 0}
    body = part(docx_bytes).find(w("body"))
    paragraphs = [p for p in body.findall(w("p"))]
    texts = ["".join(t.text for t in p.iter(w("t"))) for p in paragraphs]
    after = paragraphs[texts.index(NEW_PARAGRAPH) + 1:]
    assert after and all(not list(p.iter(w("ins"), w("del"))) for p in after)


def test_a_deleted_paragraph_comes_back_as_deleted_text_with_a_deleted_mark():
    gone = BODY[4].format()
    marks = marked_texts(part(redline_docx(draft(), draft(drop=4), date=DATE)))
    assert marks == {"ins": [], "del": [gone], "paragraph_marks": 1, "rows": 0}


def test_a_moved_paragraph_is_one_deletion_and_one_insertion():
    moved = [BODY[0], BODY[1], BODY[6], BODY[2], BODY[3], BODY[4], BODY[5], BODY[7], BODY[8]]
    marks = marked_texts(part(redline_docx(draft(), draft(body=moved), date=DATE)))
    assert marks["ins"] == [BODY[6]] and marks["del"] == [BODY[6]]


def test_deleted_text_keeps_the_old_run_formatting_and_inserted_text_the_new():
    body = part(redline_docx(draft(total=809), draft(total=812), date=DATE)).find(w("body"))
    deleted_run = next(body.iter(w("del"))).find(w("r"))
    inserted_run = next(e for e in body.iter(w("ins")) if e.getparent().tag == w("p")).find(w("r"))
    assert deleted_run.find(f"{w('rPr')}/{w('b')}") is not None
    assert inserted_run.find(f"{w('rPr')}/{w('b')}") is not None
    assert deleted_run.find(w("delText")).text == "809/1.200"


def test_a_new_table_row_is_an_inserted_row_and_a_dropped_one_a_deleted_row():
    extra = DISTRICTS + [("Hai Bà Trưng", 90, 70)]
    marks = marked_texts(part(redline_docx(draft(), draft(districts=extra), date=DATE)))
    assert marks["rows"] == 1 and marks["ins"] == ["7", "Hai Bà Trưng", "90", "70"]
    assert marks["del"] == []
    fewer = DISTRICTS[:2] + DISTRICTS[3:]
    marks = marked_texts(part(redline_docx(draft(), draft(districts=fewer), date=DATE)))
    assert marks["rows"] == 1 and "Tây Hồ" in marks["del"]


def test_headers_are_compared_too():
    docx_bytes = redline_docx(draft(), draft(header_note="Dự thảo"), date=DATE)
    [header] = header_parts(docx_bytes)
    assert marked_texts(part(docx_bytes, header))["ins"] == ["Dự thảo "]
    assert review(docx_bytes, "accept", header) == ["Dự thảo 1"]
    assert review(docx_bytes, "reject", header) == ["1"]


PAIRS = {
    "district figure": (dict(ba_dinh=21), dict(ba_dinh=23)),
    "total and percent": (dict(total=809, percent="67,4%"), dict(total=812, percent="67,7%")),
    "inserted paragraph": ({}, dict(insert_after=3, inserted=NEW_PARAGRAPH)),
    "first paragraph inserted": ({}, dict(insert_after=-1, inserted=NEW_PARAGRAPH)),
    "deleted paragraph": ({}, dict(drop=4)),
    "last body paragraph deleted": ({}, dict(drop=8)),
    "row added": ({}, dict(districts=DISTRICTS + [("Hai Bà Trưng", 90, 70)])),
    "row removed": ({}, dict(districts=DISTRICTS[1:])),
    "header block and signature": ({}, dict(place_date="Hà Nội, ngày 10 tháng 7 năm 2023",
                                            signer="Trần Thị B")),
    "prior period": (dict(total=536, percent="48,7%", ba_dinh=12, appendix_total="1.100",
                          body=[t.replace("2023", "2022").replace("2022.", "2021.")
                                for t in BODY], districts=DISTRICTS[:4]),
                     dict(insert_after=5, inserted=NEW_PARAGRAPH)),
    "recipient added at the end of a cell": ({}, dict(recipients=(
        "- Như trên;", "- Bộ LĐ-TB&XH;", "- UBND Thành phố;", "- Lưu: VT, PCTNXH.", "- Lưu: HS."))),
    "recipient removed at the end of a cell": ({}, dict(recipients=("- Như trên;",))),
    "paragraphs added at the very end": ({}, dict(tail=("", "Ghi chú cuối.", "Hết."))),
    "paragraphs removed at the very end": (dict(tail=("", "Ghi chú cuối.", "Hết.")), {}),
    "last paragraph replaced": (dict(tail=("Ghi chú A.",)), dict(tail=("Nội dung B khác.",))),
    "everything rewritten": (dict(body=["Một đoạn duy nhất."]),
                             dict(body=["Hoàn toàn khác.", "Thêm đoạn thứ hai.", "Và ba."])),
}


@pytest.mark.parametrize("case", sorted(PAIRS))
def test_accept_all_gives_new_and_reject_all_gives_old(case):
    old_args, new_args = PAIRS[case]
    old, new = draft(**old_args), draft(**new_args)
    docx_bytes = redline_docx(old, new, date=DATE)
    assert review(docx_bytes, "accept") == review(new, None)
    assert review(docx_bytes, "reject") == review(old, None)


def test_every_mark_carries_author_date_and_a_sequential_id():
    docx_bytes = redline_docx(draft(), draft(total=812, insert_after=2, inserted="Mới."),
                              author="Phòng PCTNXH", date=DATE)
    marks = list(part(docx_bytes).iter(w("ins"), w("del")))
    assert marks
    assert {m.get(w("author")) for m in marks} == {"Phòng PCTNXH"}
    assert {m.get(w("date")) for m in marks} == {"2023-07-05T08:00:00Z"}
    ids = [int(m.get(w("id"))) for m in marks]
    assert ids == list(range(ids[0], ids[0] + len(ids)))


def test_same_inputs_give_the_same_bytes():
    old, new = draft(), draft(total=812, drop=6, header_note="Dự thảo")
    first = redline_docx(old, new, date=DATE)
    assert redline_docx(old, new, date=DATE) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"


def test_new_styles_and_untouched_parts_are_kept_byte_for_byte():
    old, new = draft(), draft(total=812)
    with zipfile.ZipFile(io.BytesIO(redline_docx(old, new, date=DATE))) as out, \
            zipfile.ZipFile(io.BytesIO(new)) as source:
        assert sorted(out.namelist()) == sorted(source.namelist())
        for name in ("word/styles.xml", "word/settings.xml", "docProps/core.xml"):
            assert out.read(name) == source.read(name)


def test_python_docx_opens_the_redline():
    document = docx.Document(io.BytesIO(redline_docx(draft(), draft(ba_dinh=23), date=DATE)))
    assert any("BÁO CÁO" in p.text for p in document.paragraphs)
    assert len(document.tables) == 4 and len(document.sections) == 2


def test_identical_drafts_give_no_marks():
    result = redline(draft(), draft(), date=DATE)
    assert not result.result.has_changes
    assert marked_texts(part(result.docx)) == {"ins": [], "del": [], "paragraph_marks": 0,
                                               "rows": 0}


def test_a_draft_with_tracked_changes_is_refused_naming_it():
    under_review = redline_docx(draft(), draft(total=812), date=DATE)
    with pytest.raises(DiffInputError) as caught:
        redline_docx(draft(), under_review, date=DATE, new_name="du-thao-2.docx")
    assert caught.value.message_id == TRACKED_CHANGES
    assert caught.value.params == {"path": "du-thao-2.docx"}
    assert "Review → Accept All" in str(caught.value)


@pytest.mark.parametrize("data", [b"not a zip at all", b""])
def test_a_file_that_is_not_a_zip_is_refused_naming_it(data):
    with pytest.raises(DiffInputError) as caught:
        redline_docx(data, draft(), date=DATE, old_name="bao-cao.pdf")
    assert caught.value.message_id == NOT_DOCX
    assert caught.value.params == {"path": "bao-cao.pdf"}


def test_a_zip_without_a_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(DiffInputError) as caught:
        redline_docx(draft(), buffer.getvalue(), date=DATE)
    assert (caught.value.message_id, caught.value.params) == (NOT_DOCX, {"path": "NEW"})


def test_the_same_words_in_decomposed_unicode_are_not_a_change():
    import unicodedata
    decomposed = [unicodedata.normalize("NFD", text) for text in BODY]
    result = redline(draft(body=decomposed), draft(), date=DATE)
    assert not result.result.has_changes


def test_a_missing_date_leaves_the_optional_w_date_out():
    marks = list(part(redline_docx(draft(), draft(total=812), date=None)).iter(w("ins"), w("del")))
    assert marks and all(m.get(w("date")) is None for m in marks)
