"""No false alarms: every report reportgen generates audits clean, with and without the
dataset, and every figure the templates wrote is matched to its indicator (only the
clerk's own words in the notes may hold figures left "not checked")."""
from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.audit import audit_path
from reportgen.compose import compose_report
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.periods import Period
from reportgen.render.docx import render_docx
from tests.audit.helpers import hanoi, report_bytes


def notes_text(dataset, unit: str, period: Period) -> str:
    sections = dataset.notes.get((unit, period.code), {})
    return "\n".join(p for section in sections.values() for p in section.paragraphs)


def assert_clean(path: Path, dataset, book, unit: str, period: Period) -> None:
    plain = audit_path(path)
    assert [f.describe() for f in plain.findings] == []
    checked = audit_path(path, dataset=dataset, book=book, unit=unit, period=period)
    assert [f.describe() for f in checked.errors + checked.warnings] == []
    notes = notes_text(dataset, unit, period)
    assert [f.describe() for f in checked.not_checked if f.quote not in notes] == []


def test_the_city_report_audits_clean(tmp_path):
    dataset, book = hanoi()
    path = tmp_path / "01.docx"
    path.write_bytes(report_bytes("01", "2023-H1"))
    assert_clean(path, dataset, book, "01", Period.parse("2023-H1"))


def test_a_district_report_with_notes_audits_clean(tmp_path):
    dataset, book = hanoi()
    path = tmp_path / "019.docx"
    path.write_bytes(report_bytes("019", "2023-H1"))
    assert_clean(path, dataset, book, "019", Period.parse("2023-H1"))


def test_the_annual_city_report_with_the_clerks_figures_in_its_notes_audits_clean(tmp_path):
    # Its notes say "mỗi quận, huyện, thị xã lựa chọn 01 mô hình …": a count of the clerk's,
    # in a sentence full of an indicator's words, which must stay "not checked".
    dataset, book = hanoi()
    path = tmp_path / "01.docx"
    path.write_bytes(report_bytes("01", "2023-Y"))
    assert_clean(path, dataset, book, "01", Period.parse("2023-Y"))


@pytest.mark.slow
@pytest.mark.parametrize("period", ["2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1"])
def test_every_sample_report_audits_clean(tmp_path, period):
    dataset, book = hanoi()
    for unit in dataset.units:
        path = tmp_path / f"{unit}.docx"
        path.write_bytes(render_docx(compose_report(dataset, book, unit, Period.parse(period))))
        assert_clean(path, dataset, book, unit, Period.parse(period))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from reportgen.testing.synth import generate_dataset

    folder = generate_dataset(tmp_path_factory.mktemp("synth") / "d", units=24, indicators=40, periods=3,
                              seed=13, depth=3)
    dataset = load_dataset(folder).dataset
    return dataset, FigureBook(dataset)


def test_a_synthetic_root_report_audits_clean(tmp_path, synthetic):
    # Forty indicators: the dataset's own ("Chỉ tiêu bổ sung số 9", parts "nam"/"nữ" under
    # several of them) must each be told apart in the generic sentences and the tables.
    dataset, book = synthetic
    assert sum(not spec.core for spec in dataset.indicators.values()) >= 10
    period = dataset.periods()[-1]
    root = dataset.settings.root
    path = tmp_path / "root.docx"
    path.write_bytes(render_docx(compose_report(dataset, book, root, period)))
    assert_clean(path, dataset, book, root, period)


@pytest.mark.slow
def test_every_synthetic_report_audits_clean(tmp_path, synthetic):
    dataset, book = synthetic
    for period in dataset.periods():
        for unit in dataset.units:
            path = tmp_path / f"{period.code}-{unit}.docx"
            path.write_bytes(render_docx(compose_report(dataset, book, unit, period)))
            assert_clean(path, dataset, book, unit, period)


@pytest.mark.slow
def test_the_city_report_pdf_audits_clean(tmp_path):
    from reportgen.render.pdf import render_pdf

    dataset, book = hanoi()
    period = Period.parse("2023-H1")
    path = tmp_path / "01.pdf"
    path.write_bytes(render_pdf(compose_report(dataset, book, "01", period)))
    plain = audit_path(path)
    assert [f.describe() for f in plain.findings] == []
    checked = audit_path(path, dataset=dataset, book=book, unit="01", period=period)
    assert [f.describe() for f in checked.errors + checked.warnings] == []
