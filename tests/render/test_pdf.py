"""The PDF as a reader, a records office and an archive see it (official-format.md)."""
from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from reportgen.fonts import FontMissingError
from reportgen.model import Paragraph, Run
from reportgen.render.pdf import FontFallbackError, PdfRenderer, render_pdf
from tests.model_factory import sample_model
from tests.render.pdf_checks import (
    check_a4_portrait_report_landscape_appendices, check_fonts_embedded,
    check_page_numbers, check_repository_pdf, check_text_inside_margins,
    check_text_is_nfc_without_replacement_glyphs, flat, margin_words, pdffonts,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render_pdf(sample_model()))
    return path


@pytest.fixture(scope="module")
def long_pdf_path(tmp_path_factory) -> Path:
    """A 60-row appendix table: several landscape pages."""
    path = tmp_path_factory.mktemp("pdf") / "long.pdf"
    path.write_bytes(render_pdf(sample_model(appendix_rows=60)))
    return path


@pytest.fixture(scope="module")
def pdfa_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "archive.pdf"
    path.write_bytes(render_pdf(sample_model(), variant="pdf/a-3b"))
    return path


# --- text --------------------------------------------------------------------------

def test_vietnamese_text_extracts_intact_and_nfc(pdf_path):
    words = flat(check_text_is_nfc_without_replacement_glyphs(pdf_path))
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "809/1.200 người, đạt 67,4% KH năm", "Hà Nội, ngày 05 tháng 7 năm 2023",
                   "BÁO CÁO", "Kính gửi:", "Nơi nhận:", "KT. GIÁM ĐỐC", "Nguyễn Văn A",
                   "huyện <đúng hạn>", "năm 2023 & đôn đốc", "kèm theo)./.",
                   "Phụ lục I", "Tổng cộng"):
        assert phrase in words, phrase


def test_number_line_keeps_the_blank_for_the_number(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        words = pdf.pages[0].extract_words()
    so = next(w for w in words if w["text"] == "Số:")
    symbol = next(w for w in words if w["text"] == "/BC-SLĐTBXH")
    assert abs(so["top"] - symbol["top"]) < 1
    assert symbol["x0"] - so["x1"] > 4 * 3  # six spaces at 13 pt, not one


# --- fonts -------------------------------------------------------------------------

def test_every_font_is_embedded_and_liberation_serif(pdf_path):
    check_fonts_embedded(pdf_path)
    assert len(pdffonts(pdf_path)) == 4  # regular, bold, italic, bold italic


def test_missing_font_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTGEN_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissingError, match="apt-get install fonts-liberation2"):
        render_pdf(sample_model())


def test_character_outside_the_face_is_an_error_not_a_substitute():
    model = sample_model()
    model = dataclasses.replace(
        model, body=model.body + (Paragraph((Run("Ký hiệu 漢"),)),))
    with pytest.raises(FontFallbackError, match=r"U\+6F22"):
        render_pdf(model)


# --- page geometry -----------------------------------------------------------------

def test_pages_are_a4_report_portrait_appendix_landscape(pdf_path, long_pdf_path):
    for path in (pdf_path, long_pdf_path):
        check_a4_portrait_report_landscape_appendices(path)


def test_body_text_stays_inside_the_decree_margins(pdf_path, long_pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        assert len([p for p in pdf.pages if p.height > p.width]) >= 2
    for path in (pdf_path, long_pdf_path):
        check_text_inside_margins(path)


def test_page_one_unnumbered_later_pages_numbered_centred_on_top(pdf_path):
    check_page_numbers(pdf_path)
    with pdfplumber.open(pdf_path) as pdf:
        assert [w["text"] for w in margin_words(pdf.pages[1])] == ["2"]


def test_appendix_restarts_numbering_with_its_first_page_unnumbered(long_pdf_path):
    with pdfplumber.open(long_pdf_path) as pdf:
        landscape = [p for p in pdf.pages if p.width > p.height]
        assert len(landscape) >= 3
        assert landscape[0].extract_text().startswith("Phụ lục I")
    check_page_numbers(long_pdf_path)


def test_all_repository_checks_pass(long_pdf_path):
    check_repository_pdf(long_pdf_path)


def test_table_header_row_repeats_on_every_appendix_page(long_pdf_path):
    with pdfplumber.open(long_pdf_path) as pdf:
        table_pages = [p for p in pdf.pages
                       if p.width > p.height and "Ba Đình" in p.extract_text()]
        assert len(table_pages) >= 2
        for page in table_pages:
            text = page.extract_text()
            assert "STT" in text and "Kế hoạch năm" in text and "Tăng/giảm" in text


def test_table_figures_right_aligned_and_total_bold(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        page = next(p for p in pdf.pages if "Tổng cộng" in p.extract_text())
        words = page.extract_words(extra_attrs=["fontname"])
    total = next(w for w in words if w["text"] == "Tổng")
    row = [w for w in words if abs(w["top"] - total["top"]) < 1]
    assert all("Bold" in w["fontname"] for w in row)
    plan_total = next(w for w in row if w["text"] == "1.200")
    first_plan = next(w for w in words if w["text"] == "30")  # Ba Đình's plan
    assert abs(plan_total["x1"] - first_plan["x1"]) < 0.5


def test_placeholder_is_highlighted_yellow(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        marked = next(w for w in words if w["text"] == "[Nội")
        yellow = [r for r in page.rects
                  if r.get("non_stroking_color") in ((1, 1, 0), [1, 1, 0], (1.0, 1.0, 0.0))]
    assert any(r["x0"] <= marked["x0"] and r["top"] <= marked["top"] + 2
               and r["bottom"] >= marked["bottom"] - 2 for r in yellow)


def test_recipients_and_signature_side_by_side_on_the_last_report_page(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        portrait = [p for p in pdf.pages if p.height > p.width]
        words = portrait[-1].extract_words()
    label = next(w for w in words if w["text"] == "Nơi")
    authority = next(w for w in words if w["text"] == "KT.")
    name = next(w for w in words if w["text"] == "Nguyễn")
    assert abs(label["top"] - authority["top"]) < 4
    assert label["x1"] < authority["x0"]
    assert name["top"] - authority["top"] > 4 * 14  # room for signature and seal


# --- metadata, structure, determinism ----------------------------------------------

def test_metadata_from_the_model_not_the_clock(pdf_path):
    reader = pypdf.PdfReader(pdf_path)
    info = reader.metadata
    model = sample_model()
    assert info.title == model.info.title
    assert info.author == model.info.author
    assert info.subject == model.info.subject
    assert info["/Keywords"] == model.info.keywords
    assert info["/CreationDate"] == "D:20230705080000Z"
    assert info["/ModDate"] == "D:20230705080000Z"
    assert reader.trailer["/Root"]["/Lang"] == "vi"


def test_bookmarks_follow_headings_and_appendices(pdf_path):
    reader = pypdf.PdfReader(pdf_path)

    def titles(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    found = list(titles(reader.outline))
    assert (0, "I. KẾT QUẢ THỰC HIỆN") in found
    assert (1, "1. Công tác cai nghiện và quản lý sau cai nghiện ma túy") in found
    assert (0, "Phụ lục I. KẾT QUẢ CAI NGHIỆN BẮT BUỘC THEO ĐƠN VỊ") in found
    assert not any(title.startswith("a)") for _, title in found)


def test_same_model_same_bytes_across_renderers_and_processes(pdf_path):
    model = sample_model()
    assert render_pdf(model) == pdf_path.read_bytes()
    assert PdfRenderer().render(model) == pdf_path.read_bytes()
    script = ("import sys; from reportgen.render.pdf import render_pdf; "
              "from tests.model_factory import sample_model; "
              "sys.stdout.buffer.write(render_pdf(sample_model()))")
    other = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True,
                           capture_output=True, env={"PYTHONHASHSEED": "123",
                                                      "PATH": "/usr/bin:/bin"}).stdout
    assert other == pdf_path.read_bytes()


def test_fast_parse_and_weasyprint_parser_give_the_same_pdf():
    import weasyprint

    from reportgen.render.html import html_document
    from reportgen.render._weasyprint import parse_html
    from reportgen.render.pdf import _ChartFetcher, default_renderer

    model = sample_model()
    renderer = default_renderer()
    outputs = []
    for parse in (parse_html, lambda html, f: weasyprint.HTML(string=html, url_fetcher=f)):
        fetcher = _ChartFetcher()
        html = html_document(model, standalone=False, chart_src=fetcher.add)
        document = parse(html, fetcher).render(stylesheets=renderer.stylesheets,
                                               font_config=renderer.font_config)
        outputs.append(document.write_pdf(pdf_identifier=True))
    assert outputs[0] == outputs[1]


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="pdf/a-3b"):
        render_pdf(sample_model(), variant="pdf/x-4")


# --- PDF/A-3b ----------------------------------------------------------------------

def test_pdfa_declares_part_3_conformance_b(pdfa_path):
    reader = pypdf.PdfReader(pdfa_path)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    assert "<xmp:CreateDate>2023-07-05T08:00:00Z</xmp:CreateDate>" in xmp
    (intent,) = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert len(reader.trailer["/ID"]) == 2


def test_pdfa_embeds_all_fonts_and_has_no_transparency(pdfa_path):
    assert all(f["emb"] == "yes" for f in pdffonts(pdfa_path))
    reader = pypdf.PdfReader(pdfa_path)
    images = set()
    for page in reader.pages:
        assert "/Group" not in page
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            xobject = ref.get_object()
            assert "/SMask" not in xobject
            assert "/Group" not in xobject
            assert xobject.get("/Interpolate", False) == False  # noqa: E712 (ISO 19005-2 §6.2.8)
            if xobject["/Subtype"] == "/Image":
                images.add(ref.idnum)
        for gs in page["/Resources"].get("/ExtGState", {}).values():
            gs = gs.get_object()
            assert gs.get("/SMask", "/None") == "/None"
            assert float(gs.get("/ca", 1)) == 1 and float(gs.get("/CA", 1)) == 1
    assert images == set()  # the chart is vector (SVG from the model), no raster left


def test_pdfa_is_byte_identical_too(pdfa_path):
    assert render_pdf(sample_model(), variant="pdf/a-3b") == pdfa_path.read_bytes()


def test_pdf_reads_back_as_pdf(pdf_path):
    reader = pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes()))
    assert reader.pdf_header >= "%PDF-1.4"


# --- speed-ups that must not change a byte ------------------------------------------

def test_lean_user_agent_sheet_keeps_list_markers_and_the_same_bytes():
    import weasyprint

    from reportgen.render._weasyprint import parse_html
    from reportgen.render.pdf import _ChartFetcher, default_renderer

    html = ('<html><body><ul><li>một</li><li>hai</li></ul><ol><li>ba</li></ol>'
            '<p>Bốn</p></body></html>')
    renderer = default_renderer()
    outputs = [
        parse(html, _ChartFetcher()).render(
            stylesheets=renderer.stylesheets, font_config=renderer.font_config,
        ).write_pdf(pdf_identifier=True)
        for parse in (parse_html, lambda h, f: weasyprint.HTML(string=h, url_fetcher=f))
    ]
    assert outputs[0] == outputs[1]
    assert "• một" in pdftotext_bytes(outputs[0]) and "1. ba" in pdftotext_bytes(outputs[0])


def pdftotext_bytes(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                          check=True, capture_output=True).stdout.decode()
