"""Both PDF engines on every report of the sample (Hà Nội, 2023-H1, 31 reports).

Per report: the DOCX and each engine's PDF hold the same words, the two PDFs are within
one page of each other, and both pass the repository's PDF checks. The city report and
one district run in the fast suite; the other 29 are marked slow.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pypdf
import pytest

from reportgen.compose import compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.model import Chart, ReportModel
from reportgen.periods import Period
from reportgen.render.docx import render_docx
from reportgen.render.pdf import render_pdf
from reportgen.render.typst_pdf import render_pdf_typst
from tests.parity import word_differences
from tests.render.pdf_checks import check_repository_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "hanoi"
PERIOD = Period.parse("2023-H1")
FAST = ("01", "019")


@lru_cache(maxsize=1)
def _sample():
    dataset = load_dataset(SAMPLE).dataset
    return dataset, FigureBook(dataset)


def _units() -> list[str]:
    dataset, _ = _sample()
    root = dataset.settings.root
    return [root] + [u.code for u in dataset.descendants(root)]


def _model(unit: str) -> ReportModel:
    dataset, book = _sample()
    return compose_report(dataset, book, unit, PERIOD)


def _reference_words(model: ReportModel) -> frozenset[str]:
    """The words of the charts' reference labels ("100% KH"): both PDF engines print
    them; the DOCX's native chart marks the reference with a gridline instead."""
    found: set[str] = set()
    for block in model.body + tuple(b for a in model.appendices for b in a.blocks):
        if isinstance(block, Chart):
            found.update(block.reference_label.split())
    return frozenset(found)


def _pages(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def _cases():
    units = _units()
    assert len(units) == 31
    return [pytest.param(u, marks=() if u in FAST else pytest.mark.slow, id=u) for u in units]


@pytest.mark.parametrize("unit", _cases())
def test_both_engines_match_the_docx_and_pass_the_pdf_checks(unit, tmp_path):
    model = _model(unit)
    docx = tmp_path / f"{unit}.docx"
    docx.write_bytes(render_docx(model))
    reference_words = _reference_words(model)
    pages = {}
    for engine, render in (("weasyprint", render_pdf), ("typst", render_pdf_typst)):
        pdf = tmp_path / f"{unit}.{engine}.pdf"
        pdf.write_bytes(render(model))
        missing, extra = word_differences(docx, pdf, also_in_pdf=reference_words)
        assert not missing, (engine, missing[:20])
        assert not extra, (engine, extra[:20])
        check_repository_pdf(pdf)
        pages[engine] = _pages(pdf)
    assert abs(pages["typst"] - pages["weasyprint"]) <= 1, pages
