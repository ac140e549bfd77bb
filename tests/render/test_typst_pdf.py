"""The Typst engine's PDF as a reader, a records office and an archive see it.

The same checks as the WeasyPrint engine (tests/render/pdf_checks.py), and what only
this engine can get wrong: dataset text reaching Typst as markup.
"""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from reportgen.fonts import FontFallbackError, FontMissingError
from reportgen.model import Heading, Paragraph, Run, Table
from reportgen.render.typst_pdf import TypstRenderer, render_pdf_typst, report_data
from tests.model_factory import sample_model
from tests.render.pdf_checks import (
    A4, MM, RIGHT, TOP, check_fonts_embedded, check_repository_pdf, flat, margin_words,
    pdffonts, pdftotext,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("typst") / "report.pdf"
    path.write_bytes(render_pdf_typst(sample_model()))
    return path


@pytest.fixture(scope="module")
def long_pdf_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("typst") / "long.pdf"
    path.write_bytes(render_pdf_typst(sample_model(appendix_rows=60)))
    return path


@pytest.fixture(scope="module")
def pdfa_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("typst") / "archive.pdf"
    path.write_bytes(render_pdf_typst(sample_model(), variant="pdf/a-3b"))
    return path


# --- the repository's checks ------------------------------------------------------

def test_repository_checks_pass(pdf_path, long_pdf_path, pdfa_path):
    for path in (pdf_path, long_pdf_path, pdfa_path):
        check_repository_pdf(path)
    with pdfplumber.open(long_pdf_path) as pdf:
        assert len([p for p in pdf.pages if p.width > p.height]) >= 3


def test_vietnamese_text_reads_back(pdf_path):
    words = flat(pdftotext(pdf_path))
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "809/1.200 người, đạt 67,4% KH năm", "Hà Nội, ngày 05 tháng 7 năm 2023",
                   "BÁO CÁO", "Kính gửi:", "Nơi nhận:", "KT. GIÁM ĐỐC", "Nguyễn Văn A",
                   "huyện <đúng hạn>", "năm 2023 & đôn đốc", "kèm theo)./.",
                   "Phụ lục I", "Tổng cộng", "100% KH", "77,8%"):
        assert phrase in words, phrase


def test_every_font_is_embedded_and_the_four_liberation_serif_faces(pdf_path):
    check_fonts_embedded(pdf_path)
    names = sorted(f["name"].split("+", 1)[-1] for f in pdffonts(pdf_path))
    assert names == ["LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-BoldItalic",
                     "LiberationSerif-Italic"]


def test_missing_font_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTGEN_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissingError, match="apt-get install fonts-liberation2"):
        render_pdf_typst(sample_model())


def test_character_outside_the_face_is_an_error_not_a_substitute():
    model = sample_model()
    model = dataclasses.replace(
        model, body=model.body + (Paragraph((Run("Ký hiệu 漢"),)),))
    with pytest.raises(FontFallbackError, match=r"U\+6F22"):
        render_pdf_typst(model)


# --- page 1 ------------------------------------------------------------------------

def _page_words(path: Path, index: int = 0, **kwargs) -> list[dict]:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[index].extract_words(**kwargs)


def test_header_columns_at_least_6_mm_apart_and_on_shared_rows(pdf_path):
    words = _page_words(pdf_path)
    ubnd = next(w for w in words if w["text"] == "UBND")
    nation = next(w for w in words if w["text"] == "CỘNG")
    assert abs(nation["top"] - ubnd["top"]) < 2
    left_line = [w for w in words if abs(w["top"] - ubnd["top"]) < 2 and w["x1"] < nation["x0"]]
    assert " ".join(w["text"] for w in left_line) == "UBND THÀNH PHỐ HÀ NỘI"  # one line
    assert nation["x0"] - max(w["x1"] for w in left_line) >= 6 * MM
    so = next(w for w in words if w["text"] == "Số:")
    symbol = next(w for w in words if w["text"] == "/BC-SLĐTBXH")
    place = next(w for w in words if w["text"] == "Hà" and w["top"] > so["top"] - 2)
    assert abs(so["top"] - symbol["top"]) < 1 and abs(so["top"] - place["top"]) < 2
    assert symbol["x0"] - so["x1"] > 4 * 3  # six spaces at 13 pt, not one


def test_body_is_justified_and_indented(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        lines = pdf.pages[0].extract_text_lines()
    start = next(i for i, line in enumerate(lines) if line["text"].startswith("Thực hiện Nghị"))
    first, second = lines[start], lines[start + 1]
    assert abs(first["x1"] - (A4[0] - RIGHT)) < 1 and abs(second["x1"] - (A4[0] - RIGHT)) < 1
    assert 12 * MM <= first["x0"] - second["x0"] <= 13.5 * MM  # 1.27 cm first-line indent


def test_placeholder_is_highlighted_yellow(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        marked = next(w for w in page.extract_words() if w["text"] == "[Nội")
        yellow = [r for r in page.rects
                  if tuple(r.get("non_stroking_color") or ()) in ((1, 1, 0), (1.0, 1.0, 0.0))]
    assert any(r["x0"] <= marked["x0"] + 1 and r["top"] <= marked["top"] + 2
               and r["bottom"] >= marked["bottom"] - 2 for r in yellow)


def test_recipients_and_signature_side_by_side(pdf_path):
    with pdfplumber.open(pdf_path) as pdf:
        portrait = [p for p in pdf.pages if p.height > p.width]
        words = portrait[-1].extract_words()
        # never a signature alone on the last page: the closing mark comes with it
        assert "theo)./." in portrait[-1].extract_text()
    label = next(w for w in words if w["text"] == "Nơi")
    authority = next(w for w in words if w["text"] == "KT.")
    name = next(w for w in words if w["text"] == "Nguyễn")
    assert abs(label["top"] - authority["top"]) < 4
    assert label["x1"] < authority["x0"]
    assert name["top"] - authority["top"] > 4 * 14


# --- breaks ------------------------------------------------------------------------

def test_headings_keep_with_the_next_block(tmp_path):
    """Headings at every height of the page: none is left alone at a page's foot."""
    model = sample_model()
    filler = "Nội dung công tác được triển khai đồng bộ trên địa bàn. "
    body = []
    for index in range(30):
        body.append(Heading(2, f"{index + 1}. Mục thứ {index + 1}"))
        body.append(Paragraph((Run(filler * (1 + index % 5)),)))
    path = tmp_path / "headings.pdf"
    path.write_bytes(render_pdf_typst(dataclasses.replace(model, body=tuple(body))))
    with pdfplumber.open(path) as pdf:
        portrait = [p for p in pdf.pages if p.height > p.width]
        assert len(portrait) >= 4
        for page in portrait[:-1]:
            lines = [line for line in page.extract_text_lines() if line["top"] > TOP]
            assert not re.fullmatch(r"\d+\. Mục thứ \d+", lines[-1]["text"]), lines[-1]


def test_table_header_row_repeats_and_total_is_bold_and_right_aligned(long_pdf_path):
    with pdfplumber.open(long_pdf_path) as pdf:
        table_pages = [p for p in pdf.pages
                       if p.width > p.height and "+5" in p.extract_text()]
        assert len(table_pages) >= 2
        for page in table_pages:
            text = page.extract_text()
            assert "STT" in text and "Kế hoạch năm" in text and "Tăng/giảm" in text
        page = next(p for p in pdf.pages if "Tổng cộng" in p.extract_text())
        words = page.extract_words(extra_attrs=["fontname"])
    total = next(w for w in words if w["text"] == "Tổng")
    row = [w for w in words if abs(w["top"] - total["top"]) < 1]
    assert all("Bold" in w["fontname"] for w in row)
    plan_total = next(w for w in row if w["text"] == "1.200")
    some_plan = next(w for w in words if w["text"] == "90")
    assert abs(plan_total["x1"] - some_plan["x1"]) < 0.5


# --- dataset text is data, never markup -------------------------------------------

NASTY = (
    "#let x = 1", "#{panic()}", "$x^2$", "@ref", "a]b", "c[d", "e\\f", "\\", "*đậm*",
    "_nghiêng_", "`mã`", "<nhãn>", "// chú thích", "/* khối */", "= Đề mục", "- gạch",
    "+ cộng", "~ngã~", '"ngoặc"', "'đơn'", "#", "$", "]", "##", "\\#", "#)",
)


def test_every_markup_character_reads_back_from_names_and_notes(tmp_path):
    model = sample_model()
    names = [f"Đơn vị {token}" for token in NASTY]
    table = model.appendices[0].blocks[0]
    assert isinstance(table, Table)
    rows = tuple((str(i + 1), name) + ("1",) * 5 for i, name in enumerate(names))
    chart = dataclasses.replace(model.appendices[0].blocks[1], categories=tuple(names[:8]))
    appendix = dataclasses.replace(model.appendices[0], blocks=(
        dataclasses.replace(table, rows=rows), chart))
    notes = tuple(Paragraph((Run(f"Ghi chú {token} hết."),)) for token in NASTY)
    model = dataclasses.replace(
        model, body=model.body + notes, appendices=(appendix,),
        header=dataclasses.replace(model.header, agency="PHÒNG #1 $ ] \\ // @A"),
        signature=dataclasses.replace(model.signature, name="Nguyễn *Văn* _A_ #b"))
    path = tmp_path / "nasty.pdf"
    path.write_bytes(render_pdf_typst(model))
    text = flat(pdftotext(path))
    for token in NASTY:
        assert f"Ghi chú {token} hết." in text, token
        assert f"Đơn vị {token}" in text, token
    assert "Nguyễn *Văn* _A_ #b" in text
    assert "PHÒNG #1 $ ] \\ // @A" in text


def test_the_template_receives_data_not_markup():
    data = report_data(sample_model(), "Liberation Serif")
    assert data["font"] == "Liberation Serif"
    assert data["model"]["info"]["created"] == [2023, 7, 5, 8, 0, 0]
    chart = data["model"]["appendices"][0]["blocks"][1]
    assert chart["kind"] == "chart"
    assert chart["values"][0] == str(Decimal(21 * 100) / Decimal(30))  # exact, as a string


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
    assert reader.trailer["/Root"]["/Lang"].startswith("vi")


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
    # The appendix bookmark's visible twin is the label alone, printed once.
    assert flat(pdftotext(pdf_path)).count("Phụ lục I. KẾT QUẢ") == 0


def test_same_model_same_bytes_across_renderers_and_processes(pdf_path):
    model = sample_model()
    assert render_pdf_typst(model) == pdf_path.read_bytes()
    assert TypstRenderer().render(model) == pdf_path.read_bytes()
    script = ("import sys; from reportgen.render.typst_pdf import render_pdf_typst; "
              "from tests.model_factory import sample_model; "
              "sys.stdout.buffer.write(render_pdf_typst(sample_model()))")
    other = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True,
                           capture_output=True, env={"PYTHONHASHSEED": "123",
                                                      "PATH": "/usr/bin:/bin"}).stdout
    assert other == pdf_path.read_bytes()


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="pdf/a-3b"):
        render_pdf_typst(sample_model(), variant="pdf/x-4")


def test_pdfa_declares_part_3_conformance_b_and_is_byte_identical(pdfa_path):
    reader = pypdf.PdfReader(pdfa_path)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)
    assert "2023-07-05T08:00:00" in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert render_pdf_typst(sample_model(), variant="pdf/a-3b") == pdfa_path.read_bytes()


def test_page_numbers_sit_in_the_top_margin(long_pdf_path):
    with pdfplumber.open(long_pdf_path) as pdf:
        numbers = [[w["text"] for w in margin_words(p)] for p in pdf.pages]
    assert numbers[0] == [] and numbers[1] == ["2"]
    first_appendix = next(i for i, n in enumerate(numbers) if i > 0 and n == [])
    assert numbers[first_appendix + 1] == ["2"]


def test_table_rows_never_split_across_pages(tmp_path):
    model = sample_model(appendix_rows=30)
    table = model.appendices[0].blocks[0]
    filler = " ".join(["nội dung"] * 14)
    rows = tuple((str(i), f"đầu{i}x {filler} cuối{i}x") + row[2:]
                 for i, row in enumerate(table.rows, 1))
    appendix = dataclasses.replace(model.appendices[0], blocks=(
        dataclasses.replace(table, rows=rows),))
    path = tmp_path / "rows.pdf"
    path.write_bytes(render_pdf_typst(dataclasses.replace(model, appendices=(appendix,))))
    with pdfplumber.open(path) as pdf:
        pages = [set(p.extract_text().split()) for p in pdf.pages]
    assert len(pages) >= 4
    for i in range(1, len(rows) + 1):
        first = [n for n, words in enumerate(pages) if f"đầu{i}x" in words]
        last = [n for n, words in enumerate(pages) if f"cuối{i}x" in words]
        assert first == last and len(first) == 1, (i, first, last)
