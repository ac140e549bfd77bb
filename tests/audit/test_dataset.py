"""Figures compared with the dataset: a generated report with one figure changed by hand
fails and names the indicator; figures no shape matches are listed as not checked."""
from __future__ import annotations

import pytest

from reportgen.audit import audit_path
from reportgen.audit.dataset import template_shapes
from reportgen.audit.findings import (
    DATASET_CHANGE, DATASET_PART, DATASET_PERCENT, DATASET_TARGET, DATASET_VALUE, NOT_CHECKED,
)
from reportgen.periods import Period
from tests.audit.helpers import edit_docx, hanoi, report_bytes, seed_paragraphs, write_docx, write_text

H1 = Period.parse("2023-H1")


def audit_against(path, unit="01", period=H1):
    dataset, book = hanoi()
    return audit_path(path, dataset=dataset, book=book, unit=unit, period=period)


def edited_report(tmp_path, old, new, *, unit="01", period="2023-H1", count=1):
    path = tmp_path / f"{unit}.docx"
    path.write_bytes(edit_docx(report_bytes(unit, period), old, new, count=count))
    return path


def test_809_changed_to_819_in_the_body_is_an_error_naming_the_indicator(tmp_path):
    result = audit_against(edited_report(tmp_path, "809/1.200", "819/1.200"))
    [value] = [f for f in result.errors if f.kind == DATASET_VALUE]
    assert value.indicator == "rehab_compulsory"
    assert value.expected == "809" and "819" in value.quote
    message = value.message_text()
    assert "Số người được tổ chức cai nghiện bắt buộc" in message and "819" in message and "809" in message
    # Its own ratio no longer holds either (819/1.200 is 68,3%), found without the dataset.
    assert any(f.expected == "68,3%" for f in result.errors)


def test_without_the_dataset_the_draft_contradicts_itself_twice(tmp_path):
    result = audit_path(edited_report(tmp_path, "809/1.200", "819/1.200"))
    # 819/1.200 is not 67,4%, and its parts (407 + 402, "có …" and "không có …") make 809.
    assert sorted(f.expected for f in result.errors) == ["68,3%", "809"]


def test_a_changed_table_cell_is_an_error_naming_indicator_and_unit(tmp_path):
    # The summary appendix row "… | 1.200 | 809 | 67,4% | 536 | +273": change its 536.
    path = edited_report(tmp_path, ">536<", ">563<")
    result = audit_against(path)
    [error] = [f for f in result.errors if f.location.table is not None and f.kind == DATASET_VALUE]
    assert error.indicator == "rehab_compulsory" and error.expected == "536"
    # and the row's own change no longer adds up: 809 − 563 is +246
    assert any(f.expected == "+246" for f in result.errors)


def test_a_district_row_of_the_unit_table_is_checked(tmp_path):
    dataset, book = hanoi()
    assert book.figure("001", H1, "rehab_compulsory").value == 27
    path = tmp_path / "01.docx"
    # Biểu 1, the row of Quận Ba Đình: plan 44, result 27 → 28.
    path.write_bytes(edit_docx(report_bytes("01", "2023-H1"), ">27<", ">28<", after=">Quận Ba Đình<"))
    errors = [f for f in audit_against(path).errors if f.kind == DATASET_VALUE]
    assert [(f.indicator, f.expected) for f in errors] == [("rehab_compulsory", "27")]
    assert "Quận Ba Đình" in errors[0].message_text()
    assert errors[0].location.table is not None


@pytest.mark.parametrize("old, new, kind, expected", [
    ("giảm 316 người", "giảm 361 người", DATASET_CHANGE, "giảm 316"),
    ("có hỗ trợ kinh phí 592 người", "có hỗ trợ kinh phí 529 người", DATASET_PART, "592"),
    ("602/1.150", "602/1.105", DATASET_TARGET, "1.150"),
])
def test_every_part_of_a_figure_sentence_is_compared(tmp_path, old, new, kind, expected):
    result = audit_against(edited_report(tmp_path, old, new))
    found = [f for f in result.errors if f.kind == kind]
    assert [f.expected for f in found] == [expected]
    assert found[0].indicator.startswith("rehab_voluntary")


def test_a_wrong_percentage_is_one_finding_not_two(tmp_path):
    # 602/1.150 is 52,3% by the draft's own figures and by the dataset: reported once.
    result = audit_against(edited_report(tmp_path, "đạt 52,3% KH năm", "đạt 53,3% KH năm"))
    assert [f.expected for f in result.errors] == ["52,3%"]


def test_a_percentage_without_its_pair_is_compared_with_the_dataset(tmp_path):
    path = write_docx(tmp_path / "d.docx", ["Vận động, tiếp nhận 602 người vào cai nghiện tự nguyện, "
                                            "đạt 55,0% KH năm."])
    [error] = audit_against(path).errors
    assert error.kind == DATASET_PERCENT and error.expected == "52,3%" and error.indicator == "rehab_voluntary"


def test_the_seed_against_the_sample_finds_only_its_own_errors(tmp_path):
    result = audit_against(write_text(tmp_path / "seed.txt", seed_paragraphs()))
    assert [f.expected for f in result.errors] == ["22,9%"]
    # Its clerk's counts ("05 lớp", "01 buổi") match no indicator: listed, never passed.
    unchecked = [f.quote for f in result.not_checked]
    assert "05 lớp" in unchecked and "01 buổi" in unchecked
    assert all(f.severity == NOT_CHECKED for f in result.not_checked)


def test_hand_written_sentences_match_through_the_template_shapes(tmp_path):
    path = write_docx(tmp_path / "d.docx", [
        "Các cơ sở đã vận động, tiếp nhận và tổ chức cai nghiện bắt buộc cho 810/1.200 người.",
        "Tiếp nhận mới 23 người vào điều trị thay thế các chất dạng thuốc phiện bằng thuốc Methadone.",
        "Đã xác định tình trạng nghiện ma túy cho 467 người.",
        "Tổ chức 05 buổi tập huấn cho 120 cán bộ.",
        # no template says it this way: the indicator's own word pairs and unit decide
        "Vận động 600 người cai nghiện tự nguyện tại gia đình và cộng đồng.",
        "Đội kiểm tra liên ngành 178 của Thành phố đã kiểm tra 93 cuộc.",
        "Tập huấn 93 lượt cán bộ về kiểm tra liên ngành.",
    ])
    result = audit_against(path)
    assert {(f.indicator, f.expected) for f in result.errors} == {
        ("rehab_compulsory", "809"), ("addiction_assessed", "466"), ("rehab_voluntary", "602"),
        ("inspections_178", "92")}
    assert {f.quote for f in result.not_checked} == {"05 buổi", "120 cán bộ", "93 lượt cán bộ"}


def test_shapes_come_from_the_templates_and_the_catalogue():
    dataset, _book = hanoi()
    shapes = template_shapes(dataset, H1)
    codes = {shape.indicator for shape in shapes}
    assert {spec.code for spec in dataset.indicators.values() if not spec.parent} <= codes
    [compulsory] = [s for s in shapes if s.indicator == "rehab_compulsory" and s.prefix[-1:] == ("cho",)]
    assert compulsory.prefix[-4:] == ("cai", "nghien", "bat", "buoc", "cho")[-4:]


def test_a_claim_the_dataset_cannot_judge_is_not_checked(tmp_path):
    dataset, book = hanoi()
    assert book.figure("01", H1, "methadone_new").target is None  # no plan for new methadone patients
    path = write_docx(tmp_path / "d.docx", ["Tiếp nhận mới 23 người vào điều trị thay thế các chất dạng "
                                            "thuốc phiện bằng thuốc Methadone, đạt 50,0% KH năm."])
    result = audit_against(path)
    assert result.errors == []
    [unchecked] = result.not_checked
    assert unchecked.quote == "50,0%" and unchecked.indicator == "methadone_new"


def test_an_office_template_override_gives_its_own_sentence_shapes(tmp_path):
    """A dataset whose `templates:` folder rewords a sentence: its reports still audit
    clean, and a figure changed in the reworded sentence is still found."""
    from reportgen.compose import ComposeOptions, compose_report
    from reportgen.render.docx import render_docx
    from reportgen.resources import TEMPLATES_DIR
    from reportgen.validate import load_and_validate
    from tests.dataset_factory import copy_sample

    folder = copy_sample(tmp_path)
    office = folder / "office" / "text"
    office.mkdir(parents=True)
    shipped = (TEMPLATES_DIR / "text" / "_report.md.j2").read_text(encoding="utf-8")
    old = "Xác định tình trạng nghiện ma túy cho {{ say.amount(x) }} người"
    assert old in shipped
    (office / "_report.md.j2").write_text(
        shipped.replace(old, "Các cơ sở y tế đã làm thủ tục khẳng định nghiện đối với {{ say.amount(x) }} người"),
        encoding="utf-8")
    with (folder / "dataset.yaml").open("a", encoding="utf-8") as stream:
        stream.write("\ntemplates: office\n")
    checked = load_and_validate(folder)
    assert checked.ok, [p.describe() for p in checked.errors]
    model = compose_report(checked.dataset, checked.book, "01", H1, ComposeOptions(templates=checked.templates))
    path = tmp_path / "01.docx"
    path.write_bytes(render_docx(model, templates=checked.templates))
    options = {"dataset": checked.dataset, "book": checked.book, "unit": "01", "period": H1}
    clean = audit_path(path, **options)
    assert clean.errors == [] and not [f for f in clean.not_checked if "466" in f.quote]
    path.write_bytes(edit_docx(path.read_bytes(), "khẳng định nghiện đối với 466", "khẳng định nghiện đối với 476"))
    [error] = audit_path(path, **options).errors
    assert (error.indicator, error.expected) == ("addiction_assessed", "466")


def test_a_change_as_a_percentage_is_compared_too(tmp_path):
    path = write_docx(tmp_path / "d.docx", [
        "Đã tổ chức cai nghiện bắt buộc cho 809/1.200 người, tăng 51,0% so với cùng kỳ năm 2022."])
    [error] = audit_against(path).errors
    assert (error.kind, error.expected) == (DATASET_CHANGE, "tăng 50,9%")  # 273/536 = 50,93…%


def test_the_row_of_the_units_run_by_the_city_is_its_own_share(tmp_path):
    # Biểu 1: "Các đơn vị trực thuộc Thành phố Hà Nội | | 62 | | 41 | +21" (the city's facilities)
    path = tmp_path / "01.docx"
    path.write_bytes(edit_docx(report_bytes("01", "2023-H1"), ">62<", ">63<", after="Các đơn vị trực thuộc"))
    errors = audit_against(path).errors
    own = [f for f in errors if f.kind == DATASET_VALUE]
    assert [(f.indicator, f.expected) for f in own] == [("rehab_compulsory", "62")]
    # and without the dataset the table itself no longer adds up (its change and its total)
    plain = {f.expected for f in audit_path(path).errors}
    assert "+22" in plain and "810" in plain
