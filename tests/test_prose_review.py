"""A reviewer reading every report: the slips an official would correct in the prose.

Every report of the sample (31 units × 2023-H1, 2023-Y, 2024-H1) and of a synthetic
3-level province is composed in-process and read paragraph by paragraph; a few are
also rendered to DOCX and read back with python-docx (slow), so what is checked is what
the clerk receives.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from reportgen.compose import compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.model import Heading, Paragraph
from reportgen.periods import Period
from reportgen.render.docx import render_docx
from reportgen.testing.synth import generate_dataset

SAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "hanoi"
SAMPLE_PERIODS = ("2023-H1", "2023-Y", "2024-H1")

_WORD = r"[^\W\d_]+"
_DOUBLED = re.compile(rf"(?<!\w)({_WORD}) \1(?!\w)", re.IGNORECASE)
# Vietnamese doubles a syllable on purpose in these (reduplication, or one word ending
# where the next begins: "hành vi vi phạm"); anything else doubled is a slip.
_LEGIT_DOUBLES = ("hành vi vi phạm", "dần dần", "từ từ", "thường thường", "ngày ngày",
                  "người người", "nhà nhà", "đời đời", "mãi mãi")
_CLAUSE = re.compile(r"\(trong đó,([^()]*(?:\([^()]*\)[^()]*)*)\)")
_ZERO_COUNT = re.compile(r"(?<![\d.,/])0 (?=[^\W\d])")
_LEADING_ZERO_CHANGE = re.compile(r"\b(?:tăng|giảm) 0\d")
# "Số người tái hòa nhập cộng đồng: 19.563 người." — a label, a colon, a figure, a unit.
_LABEL_SENTENCE = re.compile(
    r"(?:^|(?<=[.;] ))[^\W\d_][^.:;!?]*: \d[\d.]*(?:,\d+)?(?:/\d[\d.]*)?(?: [^\W\d][^.,;:()]*)?\.")


def _capitalised(word: str) -> bool:
    """A capital as the first letter of an ordinary word ("Số"), not an acronym ("HV")."""
    return len(word) >= 2 and word[0].isupper() and not word[1].isupper()


def review_lines(lines: list[tuple[str, str | int]]) -> list[str]:
    """The slips in a report read as (kind, text) lines, kind "p" for a paragraph or a
    heading level (1–3). Returns one message per slip."""
    slips: list[str] = []
    for index, (kind, text) in enumerate(lines):
        if kind != "p":
            following = next((k for k, _t in lines[index + 1:]), None)
            if following is None or (following != "p" and following <= kind):
                slips.append(f"empty heading: {text!r}")
        for match in _DOUBLED.finditer(text):
            around = text[max(0, match.start() - 10):match.end() + 10].lower()
            if any(legit in around and match.group(0).lower() in legit for legit in _LEGIT_DOUBLES):
                continue
            slips.append(f"doubled word {match.group(0)!r} in {text!r}")
        for clause in _CLAUSE.finditer(text):
            if _ZERO_COUNT.search(clause.group(1)):
                slips.append(f"a zero count inside 'trong đó': {clause.group(0)!r}")
        for match in re.finditer(r"trong đó, (\w+)", text):
            if _capitalised(match.group(1)):
                slips.append(f"a capital after 'trong đó,': {match.group(0)!r}")
        outside = _CLAUSE.sub("", text)
        if kind == "p" and _ZERO_COUNT.search(outside):
            slips.append(f"a zero count in running text: {text!r}")
        for match in _LEADING_ZERO_CHANGE.finditer(text):
            slips.append(f"a leading zero on a change: {match.group(0)!r} in {text!r}")
        if kind == "p":
            for match in _LABEL_SENTENCE.finditer(text):
                slips.append(f"a 'label: number' sentence: {match.group(0)!r}")
    return slips


def model_lines(model) -> list[tuple[str, str | int]]:
    return [(b.level, b.text) if isinstance(b, Heading) else ("p", b.text)
            for b in model.body if isinstance(b, (Heading, Paragraph))]


def docx_lines(data: bytes) -> list[tuple[str, str | int]]:
    """The body as the DOCX shows it: heading styles give the level, other body-text
    paragraphs (outside the header and signature tables) are paragraphs."""
    lines: list[tuple[str, str | int]] = []
    for paragraph in Document(io.BytesIO(data)).paragraphs:
        style = paragraph.style.name
        if style.startswith("Heading "):
            lines.append((int(style.split()[1]), paragraph.text))
        elif style == "Body Text" and paragraph.text:
            lines.append(("p", paragraph.text))
    return lines


def _reports(path: Path, periods: tuple[str, ...] | None = None):
    result = load_dataset(path)
    assert result.dataset is not None, [p.describe() for p in result.problems]
    dataset = result.dataset
    book = FigureBook(dataset)
    chosen = [Period.parse(p) for p in periods] if periods else dataset.periods()
    for period in chosen:
        for code in dataset.units:
            if book.figures_for(code, period):
                yield code, period.code, compose_report(dataset, book, code, period)


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    # 3 levels (province, districts, communes), more indicators than the core catalogue
    # so a dataset's own indicators (with parts) are phrased too.
    return generate_dataset(tmp_path_factory.mktemp("province") / "synthetic", units=40,
                            indicators=24, periods=3, seed=11, depth=3)


def test_the_reviewer_catches_each_slip_it_looks_for():
    # The checks themselves, on the sentences of the issue: each must be caught.
    bad = [
        ("p", "Sở báo cáo tổng kết kết quả công tác năm 2023."),
        ("p", "Tổ chức cho 809 người (trong đó, có nơi cư trú ổn định 809 người, "
              "không có nơi cư trú ổn định 0 người)."),
        ("p", "Điều trị 64.549 lượt người (trong đó, Số người tiếp nhận mới 26.305 người)."),
        ("p", "Tiếp nhận 9 người, giảm 08 người so với cùng kỳ năm 2022."),
        ("p", "Số người tái hòa nhập cộng đồng: 19.563 người."),
        ("p", "Tiếp nhận 0 nạn nhân bị mua bán trở về."),
        (3, "b) Công tác quản lý sau cai nghiện ma túy"),
        (2, "2. Công tác phòng, chống mại dâm"),
    ]
    slips = review_lines(bad)
    for expected in ("doubled word", "zero count inside", "zero count in running", "capital after", "leading zero",
                     "label: number", "empty heading"):
        assert any(expected in s for s in slips), (expected, slips)
    good = [(2, "1. Công tác"), (3, "a) Cai nghiện"),
            ("p", "Vận động 18 người (trong đó, có hỗ trợ kinh phí 18 người, HV cai nghiện "
                  "tập trung 614 người), giảm 9 người so với cùng kỳ năm 2022; 05 lớp."),
            ("p", "Nguyên nhân: cán bộ kiêm nhiệm; phát hiện hành vi vi phạm."),
            ("p", "Số người tái hòa nhập cộng đồng là 19.563 người.")]
    assert review_lines(good) == []


def test_every_sample_report_reads_as_an_official_would_sign_it():
    slips = []
    count = 0
    for code, period, model in _reports(SAMPLE, SAMPLE_PERIODS):
        count += 1
        slips += [f"{code} {period}: {s}" for s in review_lines(model_lines(model))]
    assert count == 31 * len(SAMPLE_PERIODS)
    assert slips == []


def test_every_report_of_a_synthetic_three_level_province_reads_cleanly(province):
    slips = []
    count = 0
    for code, period, model in _reports(province):
        count += 1
        slips += [f"{code} {period}: {s}" for s in review_lines(model_lines(model))]
    assert count == 40 * 3
    assert slips == []


@pytest.mark.slow
@pytest.mark.parametrize("unit, period", [("01", "2023-H1"), ("019", "2023-H1"),
                                          ("01", "2023-Y"), ("282", "2024-H1")])
def test_the_docx_of_sample_reports_reads_cleanly(unit, period):
    result = load_dataset(SAMPLE)
    dataset = result.dataset
    model = compose_report(dataset, FigureBook(dataset), unit, Period.parse(period))
    lines = docx_lines(render_docx(model))
    assert len(lines) == len(model_lines(model))
    assert review_lines(lines) == []


@pytest.mark.slow
def test_the_docx_of_synthetic_district_and_commune_reports_reads_cleanly(province):
    dataset = load_dataset(province).dataset
    book = FigureBook(dataset)
    period = dataset.periods()[-1]
    district = dataset.children("01")[0]
    commune = dataset.children(district.code)[0]
    for unit in ("01", district.code, commune.code):
        lines = docx_lines(render_docx(compose_report(dataset, book, unit, period)))
        assert lines and review_lines(lines) == []
