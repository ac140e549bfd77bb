"""Redlines of real rendered reports (render_docx on the sample model)."""
import dataclasses

import pytest

from reportgen.diff import core_date, redline, redline_html
from reportgen.model import Paragraph, Run
from tests.diff.helpers import header_parts, marked_texts, part, review
from tests.model_factory import sample_model

render_docx = pytest.importorskip("reportgen.render.docx").render_docx


def with_body_text(model, index, old, new):
    body = list(model.body)
    body[index] = Paragraph((Run(body[index].text.replace(old, new)),))
    return dataclasses.replace(model, body=tuple(body))


def with_body_inserted(model, index, text):
    body = list(model.body)
    body.insert(index, Paragraph((Run(text),)))
    return dataclasses.replace(model, body=tuple(body))


def with_appendix_cell(model, row, column, value):
    appendix = model.appendices[0]
    table = appendix.blocks[0]
    rows = [list(r) for r in table.rows]
    rows[row][column] = value
    table = dataclasses.replace(table, rows=tuple(tuple(r) for r in rows))
    appendix = dataclasses.replace(appendix, blocks=(table,) + appendix.blocks[1:])
    return dataclasses.replace(model, appendices=(appendix,))


def with_appendix_rows(model, rows):
    appendix = model.appendices[0]
    table = dataclasses.replace(appendix.blocks[0], rows=appendix.blocks[0].rows[:rows])
    appendix = dataclasses.replace(appendix, blocks=(table,) + appendix.blocks[1:])
    return dataclasses.replace(model, appendices=(appendix,))


def prior_period(model):
    """The same unit's report a year earlier: other figures and years, the same wording."""
    model = with_body_text(model, 4, "809/1.200 người, đạt 67,4%", "536/1.100 người, đạt 48,7%")
    model = with_body_text(model, 4, "năm 2022", "năm 2021")
    model = with_body_text(model, 5, "602", "918")
    model = with_body_text(model, 0, "2023", "2022")
    model = with_body_text(model, 0, "14/6/2023", "14/6/2022")
    header = dataclasses.replace(model.header, place_date="Hà Nội, ngày 06 tháng 7 năm 2022")
    return with_appendix_rows(dataclasses.replace(model, header=header), 6)


def rendered_pairs() -> dict[str, tuple[bytes, bytes]]:
    base = sample_model()
    one_figure = with_appendix_cell(with_body_text(base, 4, "809/1.200", "812/1.200"), 0, 3, "24")
    return {
        "one figure": (render_docx(base), render_docx(one_figure)),
        "inserted paragraph": (render_docx(base), render_docx(with_body_inserted(
            base, 5, "Phối hợp rà soát 1.250 người nghiện có hồ sơ quản lý."))),
        "prior period": (render_docx(prior_period(base)), render_docx(base)),
        "city size": (render_docx(sample_model(appendix_rows=31)),
                      render_docx(with_appendix_cell(sample_model(appendix_rows=31), 20, 3, "99"))),
    }


@pytest.fixture(scope="module")
def pairs():
    return rendered_pairs()


def test_one_changed_figure_in_a_rendered_report_marks_only_that_figure(pairs):
    old, new = pairs["one figure"]
    result = redline(old, new, date=core_date(new))
    assert marked_texts(part(result.docx)) == {
        "ins": ["812/1.200", "24"], "del": ["809/1.200", "21"], "paragraph_marks": 0, "rows": 0}
    assert result.result.changes == (("809/1.200", "812/1.200"), ("21", "24"))


def test_an_inserted_paragraph_in_a_rendered_report_is_one_insertion(pairs):
    old, new = pairs["inserted paragraph"]
    marks = marked_texts(part(redline(old, new, date=core_date(new)).docx))
    assert marks == {"ins": ["Phối hợp rà soát 1.250 người nghiện có hồ sơ quản lý."],
                     "del": [], "paragraph_marks": 1, "rows": 0}


def test_a_prior_period_diff_changes_the_figures_not_the_wording(pairs):
    old, new = pairs["prior period"]
    result = redline(old, new, date=core_date(new)).result
    assert result.paragraphs_inserted == result.paragraphs_deleted == 0
    assert ("536/1.100", "809/1.200") in result.changes
    assert ("48,7%", "67,4%") in result.changes
    assert ("06", "05") in result.changes and ("2022", "2023") in result.changes
    assert result.rows_inserted == 2
    # Figures and years only: no changed run of words anywhere.
    assert all(not any(ch.isalpha() for ch in old + new) for old, new in result.changes
               if old and new)


@pytest.mark.parametrize("case", ["one figure", "inserted paragraph", "prior period",
                                  "city size"])
def test_accept_and_reject_on_rendered_reports(pairs, case):
    old, new = pairs[case]
    docx_bytes = redline(old, new, date=core_date(new)).docx
    assert review(docx_bytes, "accept") == review(new, None)
    assert review(docx_bytes, "reject") == review(old, None)
    for name in header_parts(new):
        assert review(docx_bytes, "accept", name) == review(new, None, name)


def test_the_html_view_of_a_rendered_report_shows_the_figure_change(pairs):
    old, new = pairs["one figure"]
    page = redline_html(old, new, title="Hà Nội")
    assert "<del>809/1.200</del><ins>812/1.200</ins>" in page
    assert "<del>21</del><ins>24</ins>" in page
