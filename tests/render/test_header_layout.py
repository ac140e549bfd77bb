"""The page-1 header as Nghị định 30 draws it, in both formats (issue 11): the agency name
broken between word groups, the two columns at least 6 mm apart, "Kính gửi:" with its
first addressee on one line and further addressees under the first."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn

from reportgen import vi
from reportgen.compose import compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.ooxml.write import TWIPS_PER_MM
from reportgen.periods import Period
from reportgen.render import docx as R
from reportgen.render.docx import render_docx
from reportgen.render.pdf import render_pdf
from reportgen.render.typst_pdf import render_pdf_typst

SAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "hanoi"
MM = 72 / 25.4
GAP_MM = 6


def _model(path: Path, unit: str, period: str = "2023-H1"):
    dataset = load_dataset(path).dataset
    return compose_report(dataset, FigureBook(dataset), unit, Period.parse(period))


@pytest.fixture(scope="module")
def models():
    return {unit: _model(SAMPLE, unit) for unit in ("01", "019", "273")}


# --- the break ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "CHI CỤC PHÒNG, CHỐNG TỆ NẠN XÃ HỘI", "UBND THÀNH PHỐ HỒ CHÍ MINH"])
@pytest.mark.parametrize("width", range(12, 40))
def test_a_break_never_falls_inside_a_word_group(name, width):
    lines = vi.break_lines(name, width).split("\n")
    assert " ".join(lines) == name
    for first, second in zip(lines, lines[1:]):
        assert not second.startswith("-")
        pair = f"{first.split()[-1]} {second.split()[0]}"
        assert pair not in ("THƯƠNG BINH", "LAO ĐỘNG", "XÃ HỘI", "THÀNH PHỐ", "HỒ CHÍ",
                            "CHÍ MINH", "PHÒNG, CHỐNG", "TỆ NẠN", "CHI CỤC"), (width, lines)
    if len(name) <= width:
        assert lines == [name]


def test_the_sample_agencies_break_after_the_hyphen_in_the_docx(models):
    for unit, first in (("01", "SỞ LAO ĐỘNG -"), ("019", "PHÒNG LAO ĐỘNG -")):
        document = Document(io.BytesIO(render_docx(models[unit])))
        agency = document.tables[0].rows[0].cells[0].paragraphs[1]
        assert agency.style.name == "Agency"
        assert agency.text == f"{first}\nTHƯƠNG BINH VÀ XÃ HỘI"
        assert document.tables[0].rows[0].cells[0].paragraphs[0].text.startswith("UBND ")


def test_a_break_given_in_the_settings_is_kept(tmp_path):
    path = tmp_path / "hanoi"
    shutil.copytree(SAMPLE, path)
    settings = (path / "dataset.yaml").read_text(encoding="utf-8")
    settings = settings.replace('name: "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"',
                                'name: "SỞ LAO ĐỘNG - THƯƠNG BINH\\nVÀ XÃ HỘI"')
    (path / "dataset.yaml").write_text(settings, encoding="utf-8")
    model = _model(path, "01")
    assert model.header.agency == "SỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI"
    assert model.info.author == "Sở Lao động - Thương binh và Xã hội"
    document = Document(io.BytesIO(render_docx(model)))
    agency = document.tables[0].rows[0].cells[0].paragraphs[1]
    assert agency.text == "SỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI"


# --- the gap between the columns --------------------------------------------------------

def test_docx_header_columns_keep_6_mm_between_their_text(models):
    for model in models.values():
        table = Document(io.BytesIO(render_docx(model))).tables[0]
        grid = [int(c.get(qn("w:w"))) / TWIPS_PER_MM
                for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            left, right = (tc.tcPr.find(qn("w:tcMar")) for tc in row._tr.tc_lst)
            inner = (int(left.find(qn("w:right")).get(qn("w:w")))
                     + int(right.find(qn("w:left")).get(qn("w:w")))) / TWIPS_PER_MM
            assert inner >= GAP_MM - 0.05
        # and every line fits the room its column leaves, so none reaches into the gap
        h = model.header
        left_room, right_room = grid[0] - GAP_MM / 2, grid[1] - GAP_MM / 2
        for text, pt, bold in ((h.parent_agency, 12, False), (h.agency, 12, True),
                               (h.number_line, 13, False)):
            assert R.measure_mm(text, pt, bold) <= left_room, text
        for text, pt, bold in ((h.nation, 12, True), (h.motto, 14, True),
                               (h.place_date, 14, False)):
            assert R.measure_mm(text, pt, bold) <= right_room, text


def _lines(page, bottom: float):
    """Words above `bottom`, grouped into visual lines (tops within 3 pt)."""
    lines: list[list[dict]] = []
    for word in sorted(page.extract_words(), key=lambda w: (round(w["top"]), w["x0"])):
        if word["bottom"] > bottom:
            continue
        for line in lines:
            if abs(line[0]["top"] - word["top"]) < 3:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


@pytest.fixture(scope="module")
def pdfs(models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("header")
    paths = {}
    for unit, model in models.items():
        paths[unit] = folder / f"{unit}.pdf"
        paths[unit].write_bytes(render_pdf(model))
    return paths


@pytest.fixture(scope="module")
def typst_pdfs(models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("header-typst")
    paths = {}
    for unit, model in models.items():
        paths[unit] = folder / f"{unit}.pdf"
        paths[unit].write_bytes(render_pdf_typst(model))
    return paths


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["weasyprint", "typst"])
def test_pdf_header_columns_stand_6_mm_apart_on_every_line(engine, request, models):
    pdfs = request.getfixturevalue("pdfs" if engine == "weasyprint" else "typst_pdfs")
    for unit, path in pdfs.items():
        h = models[unit].header
        left_words = set(" ".join([h.parent_agency or "", h.agency, h.number_line]).split())
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            title = next(w for w in page.extract_words() if w["text"] == "BÁO")
            pairs = 0
            for line in _lines(page, title["top"]):
                # split the line where the right column starts: its first word after a
                # left-column word that is not itself a left-column word
                split = next((i for i, w in enumerate(line) if w["text"] not in left_words
                              and i > 0), None)
                if split is None or line[0]["text"] not in left_words:
                    continue
                gap = line[split]["x0"] - line[split - 1]["x1"]
                assert gap >= GAP_MM * MM, (unit, [w["text"] for w in line], gap / MM)
                pairs += 1
            assert pairs >= 2  # parent | nation, and "Số" | date at least
            # the agency's lines as compose broke them, none wrapped again
            lines = [" ".join(w["text"] for w in line) for line in _lines(page, title["top"])]
            for agency_line in h.agency.split("\n"):
                assert any(line.startswith(agency_line) or f" {agency_line}" in line
                           for line in lines), (engine, unit, agency_line, lines)


@pytest.mark.slow
def test_pdftotext_reads_the_parent_agency_and_the_nation_as_two_things(pdfs):
    text = subprocess.run(["pdftotext", "-l", "1", str(pdfs["01"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "HÀ NỘI CỘNG HÒA" not in text
    assert "UBND THÀNH PHỐ HÀ NỘI\n" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" in text


# --- "Kính gửi:" --------------------------------------------------------------------------

@pytest.mark.slow
def test_pdf_addressees_start_on_the_label_line_and_align_under_the_first(pdfs, models):
    model = models["01"]
    assert len(model.addressees) == 2
    with pdfplumber.open(pdfs["01"]) as pdf:
        words = pdf.pages[0].extract_words()
    label = next(w for w in words if w["text"] == "gửi:")
    dashes = [w for w in words if w["text"] == "-" and w["x0"] > label["x1"]
              and 0 <= w["top"] - label["top"] < 40]
    first, second = dashes[:2]
    assert abs(first["top"] - label["top"]) < 2  # same line as the label
    assert second["top"] > first["top"] + 5 and abs(second["x0"] - first["x0"]) < 1


def test_docx_addressees_start_on_the_label_line_and_align_under_the_first(models):
    model = models["01"]
    document = Document(io.BytesIO(render_docx(model)))
    (block,) = [p for p in document.paragraphs if p.style.name == "Addressee"]
    first_line, *others = block.text.split("\n")
    assert first_line == f"Kính gửi:\t{model.addressees[0]}"
    assert others == list(model.addressees[1:])
    fmt = block.paragraph_format
    # a hanging indent as wide as the label: lines after a break start where the tab
    # put the first addressee
    assert fmt.first_line_indent < 0
    assert [t.position for t in fmt.tab_stops] == [fmt.left_indent]
    # centred: as much room on the left as on the right of the widest line
    label_mm = -fmt.first_line_indent.mm
    widest = max(R.measure_mm(a, 14, False) for a in model.addressees) + R.FIT_SLACK_MM
    left = fmt.left_indent.mm - label_mm
    assert left == pytest.approx((R.text_width_mm(False) - label_mm - widest) / 2, abs=0.2)
