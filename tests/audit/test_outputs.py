"""--out: the draft as DOCX with a Word comment on each finding (read back with
python-docx, opened by LibreOffice) and an HTML page with the findings highlighted."""
from __future__ import annotations

import shutil
import subprocess

import docx
import pytest

from reportgen.audit import audit_path
from reportgen.audit.outputs import AUTHOR, commented_docx, html_page, write_outputs
from tests.audit.helpers import edit_docx, hanoi, report_bytes, seed_paragraphs, write_docx, write_pdf
from reportgen.periods import Period


def anchored_text(document, comment_id: int) -> str:
    """The text between a comment's range start and end, in document order."""
    body = document.element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    inside, pieces = False, []
    for element in body.iter():
        if element.tag == f"{w}commentRangeStart" and element.get(f"{w}id") == str(comment_id):
            inside = True
        elif element.tag == f"{w}commentRangeEnd" and element.get(f"{w}id") == str(comment_id):
            break
        elif inside and element.tag == f"{w}t":
            pieces.append(element.text or "")
    return "".join(pieces)


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    result = audit_path(write_docx(folder / "seed.docx", seed_paragraphs()))
    return result, write_outputs(result.draft, list(result.findings), folder / "out")


def test_each_finding_is_a_comment_on_its_figure(seed_outputs):
    result, (docx_path, _html) = seed_outputs
    document = docx.Document(str(docx_path))
    comments = list(document.comments)
    assert len(comments) == len(result.findings) == 3
    texts = {anchored_text(document, c.comment_id): c.text for c in comments}
    assert set(texts) == {"22.8%", "69.9%"}
    assert "22,9%" in texts["22.8%"] or any("22,9%" in c.text for c in comments)
    assert all(c.author == AUTHOR for c in comments)
    # the draft's text itself is unchanged
    assert [p.text for p in document.paragraphs] == seed_paragraphs()


def test_the_commented_copy_is_deterministic(seed_outputs):
    result, (docx_path, _html) = seed_outputs
    assert commented_docx(result.draft, list(result.findings)) == docx_path.read_bytes()


def test_a_generated_report_keeps_its_formatting_and_gets_the_comment(tmp_path):
    dataset, book = hanoi()
    path = tmp_path / "01.docx"
    path.write_bytes(edit_docx(report_bytes("01", "2023-H1"), "809/1.200", "819/1.200"))
    result = audit_path(path, dataset=dataset, book=book, unit="01", period=Period.parse("2023-H1"))
    [docx_path, _html] = write_outputs(result.draft, list(result.findings), tmp_path / "out")
    document = docx.Document(str(docx_path))
    on_819 = [c.text for c in document.comments if anchored_text(document, c.comment_id) == "819"]
    assert any("rehab_compulsory" in text and "809" in text for text in on_819)
    # the clerk's own counts the dataset cannot judge carry a "not checked" comment
    on_05 = [c.text for c in document.comments if anchored_text(document, c.comment_id) == "05"]
    assert on_05 and all(text.startswith("chưa kiểm tra") for text in on_05)
    original = docx.Document(str(path))
    assert [p.text for p in document.paragraphs] == [p.text for p in original.paragraphs]
    assert [s.name for s in document.styles] == [s.name for s in original.styles]


def test_a_pdf_draft_becomes_a_commented_docx(tmp_path):
    result = audit_path(write_pdf(tmp_path / "seed.pdf", seed_paragraphs()))
    [docx_path, html_path] = write_outputs(result.draft, list(result.findings), tmp_path / "out")
    document = docx.Document(str(docx_path))
    assert {anchored_text(document, c.comment_id) for c in document.comments} == {"22.8%", "69.9%"}
    assert docx_path.name == "seed.audit.docx" and html_path.name == "seed.audit.html"


def test_the_html_page_marks_each_finding_and_escapes_the_draft(tmp_path):
    path = write_docx(tmp_path / "d.docx", ["<script>alert(1)</script> Dạy nghề cho 160/700 người, đạt 22.8% KH năm."])
    result = audit_path(path)
    page = html_page(result.draft, list(result.findings))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<mark class="error"' in page and ">22.8%</mark>" in page
    assert 'href="#finding-1"' in page and 'id="finding-2"' in page
    assert "22,9%" in page


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_libreoffice_opens_the_commented_docx_and_shows_the_comments(seed_outputs, tmp_path):
    _result, (docx_path, _html) = seed_outputs
    profile = tmp_path / "profile"
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
         "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "seed.audit.pdf"
    assert completed.returncode == 0 and pdf.exists(), completed.stderr
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    annotations = [a.get_object() for page in reader.pages for a in (page.get("/Annots") or [])]
    contents = " ".join(str(a.get("/Contents", "")) for a in annotations)
    assert "22,9%" in contents and "69,9%" in contents
