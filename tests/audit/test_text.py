"""Reading drafts: DOCX paragraphs and table cells with tracked changes accepted as shown,
PDF text by page, TXT lines and Markdown paragraphs; unreadable input is a clear error."""
from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from reportgen.audit import AuditInputError, audit_path, read_draft
from reportgen.i18n import _, set_language
from tests.audit.helpers import write_docx, write_pdf

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def tracked_paragraph(document, before: str, deleted: str, inserted: str, after: str) -> None:
    """ "before <del>deleted</del><ins>inserted</ins> after", as Word writes a tracked edit."""
    xml = (f'<w:p xmlns:w="{W}"><w:r><w:t xml:space="preserve">{before}</w:t></w:r>'
           f'<w:del w:id="1" w:author="A" w:date="2023-07-01T00:00:00Z"><w:r><w:delText>{deleted}</w:delText></w:r></w:del>'
           f'<w:ins w:id="2" w:author="A" w:date="2023-07-01T00:00:00Z"><w:r><w:t>{inserted}</w:t></w:r></w:ins>'
           f'<w:r><w:t xml:space="preserve">{after}</w:t></w:r></w:p>')
    document.element.body.insert(0, parse_xml(xml))


def test_tracked_changes_are_read_as_the_document_shows_them(tmp_path):
    document = docx.Document()
    tracked_paragraph(document, "Vận động ", "48", "54", "/30 người vào cai nghiện, đạt 184% kế hoạch.")
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    draft = read_draft(path)
    assert draft.blocks[0].text == "Vận động 54/30 người vào cai nghiện, đạt 184% kế hoạch."
    [error] = audit_path(path).errors
    assert error.expected == "180%"


def test_table_cells_are_located_by_table_row_and_column(tmp_path):
    path = write_docx(tmp_path / "t.docx", ["Mở đầu."],
                      table=[["Chỉ tiêu", "Số liệu"], ["Dạy nghề", "Tổ chức dạy nghề cho 160/700 người, đạt 22,8% KH năm"]])
    draft = read_draft(path)
    cell = next(b for b in draft.blocks if "160/700" in b.text)
    assert (cell.location.table, cell.location.row, cell.location.column) == (1, 2, 2)
    [error] = audit_path(path).errors
    assert error.location == cell.location
    set_language("en")
    try:
        assert error.location.describe() == "table 1, row 2, column 2"
    finally:
        set_language("vi")
    assert error.location.describe() == "bảng 1, hàng 2, cột 2"


def test_empty_paragraphs_are_not_counted(tmp_path):
    path = write_docx(tmp_path / "e.docx", ["Một.", "", "   ", "Hai: 809/1.200 người, đạt 60% KH năm."])
    [error] = audit_path(path).errors
    assert error.location.paragraph == 2


def test_markdown_paragraphs_join_their_lines(tmp_path):
    path = tmp_path / "draft.md"
    path.write_text("# Báo cáo\n\nTổ chức dạy nghề cho 160/700\nngười, đạt 22,8% KH năm.\n", encoding="utf-8")
    draft = read_draft(path)
    assert [b.text for b in draft.blocks] == ["Báo cáo", "Tổ chức dạy nghề cho 160/700 người, đạt 22,8% KH năm."]
    assert draft.blocks[0].heading


def test_nfd_text_is_normalised(tmp_path):
    import unicodedata

    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", "Tổ chức dạy nghề cho 160/700 người, đạt 22,8% KH năm."),
                    encoding="utf-8")
    assert read_draft(path).blocks[0].text == "Tổ chức dạy nghề cho 160/700 người, đạt 22,8% KH năm."


def test_a_pdf_is_read_page_by_page(tmp_path):
    path = write_pdf(tmp_path / "d.pdf", ["Tổ chức dạy nghề cho 160/700 người, đạt 22,8% KH năm."])
    [block] = read_draft(path).blocks
    assert block.location.page == 1 and "160/700 người" in block.text


@pytest.mark.parametrize("name, content, fragment", [
    ("draft.doc", b"x", ".docx, .pdf, .txt or .md"),
    ("missing.docx", None, "no such file"),
    ("broken.docx", b"not a zip", "not a valid DOCX file"),
    ("broken.pdf", b"%PDF-1.4 garbage", "not a valid PDF file"),
    ("latin1.txt", "Tổ chức".encode("utf-16"), "not UTF-8 text"),
])
def test_unreadable_drafts_raise_a_located_message(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AuditInputError) as raised:
        read_draft(path)
    assert fragment in raised.value.message
    assert raised.value.params["path"] == path
    set_language("en")
    try:
        assert str(path) in _(raised.value.message, **raised.value.params)
    finally:
        set_language("vi")


def test_a_pdf_without_text_is_refused(tmp_path):
    import weasyprint

    path = tmp_path / "blank.pdf"
    weasyprint.HTML(string="<html><body></body></html>").write_pdf(str(path))
    with pytest.raises(AuditInputError) as raised:
        read_draft(path)
    assert "no text" in raised.value.message


def test_a_draft_from_its_bytes_reads_and_comments_like_the_file(tmp_path):
    from reportgen.audit import audit_draft, read_draft_data
    from reportgen.audit.outputs import commented_docx

    path = write_docx(tmp_path / "upload.docx", ["Vận động 54/30 người vào cai nghiện, đạt 184% kế hoạch."])
    data = path.read_bytes()
    path.unlink()  # an upload: no file on disk
    result = audit_draft(read_draft_data("upload.docx", data))
    assert [f.expected for f in result.errors] == ["180%"]
    commented = docx.Document(__import__("io").BytesIO(commented_docx(result.draft, list(result.findings))))
    assert len(list(commented.comments)) == 1
    with pytest.raises(AuditInputError):
        read_draft_data("upload.odt", data)


def test_a_docx_bomb_is_refused_before_anything_is_inflated(tmp_path):
    from tests.hostile.bombs import docx_with_unused_entry, lying_zip

    bomb = docx_with_unused_entry(tmp_path / "bomb.docx", size=300 * 1024 * 1024)  # sparse on disk
    with pytest.raises(AuditInputError) as raised:
        read_draft(bomb)
    assert "refused" in raised.value.message and "archive_entry_bytes" in raised.value.params["reason"]
    liar = lying_zip(tmp_path / "liar.docx")
    with pytest.raises(AuditInputError) as raised:
        read_draft(liar)
    assert "not a valid DOCX" in raised.value.message
