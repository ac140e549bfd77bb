"""The draft's own claims, checked without a dataset: the seed as DOCX, PDF and TXT finds
22.8% (with 22,9%) and 69.9% (with 69,9%), and nothing for "809/1.200 …, đạt 67,4%"."""
from __future__ import annotations

import pytest

from reportgen.audit import audit_path
from reportgen.audit.findings import CHANGE, DATE_LINE, NUMBER_FORMAT, PARTS_SUM, PERCENT_OF_PLAN
from tests.audit.helpers import seed_paragraphs, write_docx, write_pdf, write_text


def audit_text(tmp_path, *paragraphs, table=None):
    return audit_path(write_docx(tmp_path / "draft.docx", list(paragraphs), table=table))


def by_quote(result, fragment):
    return [f for f in result.findings if fragment in f.quote]


@pytest.fixture(scope="module", params=["docx", "pdf", "txt"])
def seed_result(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    write = {"docx": write_docx, "pdf": write_pdf, "txt": write_text}[request.param]
    return audit_path(write(folder / f"seed.{request.param}", seed_paragraphs()))


def test_the_seed_percentage_160_of_700_is_22_9_not_22_8(seed_result):
    [error] = [f for f in seed_result.errors if f.kind == PERCENT_OF_PLAN]
    assert "160/700" in error.quote and "22.8%" in error.quote
    assert error.expected == "22,9%"
    assert "22,9%" in error.message_text() and "22.8%" in error.message_text()


def test_the_seed_decimal_points_are_warnings_with_the_vi_vn_form(seed_result):
    warnings = {f.quote: f.expected for f in seed_result.warnings if f.kind == NUMBER_FORMAT}
    assert warnings == {"22.8%": "22,8%", "69.9%": "69,9%"}


def test_the_seed_has_no_other_error_and_809_of_1200_passes(seed_result):
    assert len(seed_result.errors) == 1
    assert not [f for f in seed_result.findings if "809" in f.quote or "67,4" in f.quote]


def test_the_seed_findings_are_located(seed_result):
    [error] = seed_result.errors
    if seed_result.draft.kind == "pdf":
        import pdfplumber

        with pdfplumber.open(seed_result.draft.path) as pdf:
            page_text = pdf.pages[error.location.page - 1].extract_text()
        assert "160/700" in page_text
        assert error.location.describe().startswith(f"page {error.location.page}") or \
            error.location.describe().startswith(f"trang {error.location.page}")
    else:
        number = next(i for i, text in enumerate(seed_paragraphs(), 1) if "160/700" in text)
        assert error.location.paragraph == number
        assert str(number) in error.location.describe()


def test_a_ratio_is_recomputed_at_the_precision_the_draft_printed(tmp_path):
    result = audit_text(
        tmp_path,
        "Vận động 54/30 người nghiện ma túy vào cai nghiện tự nguyện, đạt 184% kế hoạch.",
        "Tổ chức dạy nghề cho 38/32 người cai nghiện, đạt 118,75% KH năm.",
        "Hỗ trợ 64/60 nạn nhân bị mua bán, đạt 106,67% chỉ tiêu.")
    [error] = result.errors
    assert error.expected == "180%" and "54/30" in error.quote and "184%" in error.quote
    assert not result.warnings


@pytest.mark.parametrize("sentence", [
    "Tổ chức cai nghiện cho 49/400 người, đạt 12,3% KH năm.",  # 12,25 → 12,3 (half up)
    "Tổ chức cai nghiện cho 1/8 người, đạt 13% KH năm.",       # 12,5 → 13
    "Đạt 67,4% KH năm, tổ chức cai nghiện bắt buộc cho 809/1.200 người.",
])
def test_half_up_rounding_and_either_order_pass(tmp_path, sentence):
    assert audit_text(tmp_path, sentence).findings == ()


def test_a_truncated_ratio_is_an_error(tmp_path):
    [error] = audit_text(tmp_path, "Tổ chức cai nghiện cho 49/400 người, đạt 12,2% KH năm.").errors
    assert error.expected == "12,3%"


def test_number_forms_get_the_vi_vn_form(tmp_path):
    result = audit_text(tmp_path, "Tiếp nhận 1,200 người và quản lý 1200 người, đạt tỷ lệ 22.5% cao.")
    forms = {f.quote: f.expected for f in result.findings if f.kind == NUMBER_FORMAT}
    assert forms == {"1,200": "1.200", "1200": "1.200", "22.5%": "22,5%"}


@pytest.mark.parametrize("sentence", [
    "Thực hiện Quyết định số 29/QĐ-BLĐTBXH ngày 16/01/2023 của Bộ, giai đoạn 2021-2025.",
    "Ngày thế giới phòng, chống ma túy 26/6; tiếp nhận 1,5 triệu đồng và 2.762 người.",
    "Năm 2023, Đội kiểm tra liên ngành 178 kiểm tra 92 cuộc, đạt 92%.",
    # a pair and a percentage of different clauses
    "Tổ chức 12/12 lớp tập huấn; tỷ lệ người nghiện được điều trị đạt 72%.",
    "Hoàn thành 12/12 lớp tập huấn cho 300 người, đạt 75% KH năm.",
])
def test_dates_document_numbers_and_vi_vn_numbers_raise_nothing(tmp_path, sentence):
    assert audit_text(tmp_path, sentence).findings == ()


def test_parts_that_exceed_their_total_are_an_error_with_the_sum(tmp_path):
    result = audit_text(tmp_path, "Quản lý 800 người (trong đó, đang ở cộng đồng 500 người, "
                                  "vắng mặt tại địa phương 400 người).")
    [error] = result.errors
    assert error.kind == PARTS_SUM and "900" in error.message_text()


def test_complementary_parts_must_equal_their_total(tmp_path):
    result = audit_text(tmp_path, "Tổ chức cai nghiện bắt buộc cho 809/1.200 người, đạt 67,4% KH năm "
                                  "(trong đó, có nơi cư trú ổn định 407 người, không có nơi cư trú ổn "
                                  "định 400 người).")
    [error] = result.errors
    assert error.kind == PARTS_SUM and error.expected == "807"


def test_partial_breakdowns_and_the_seed_parts_pass(tmp_path):
    result = audit_text(
        tmp_path,
        "Trên địa bàn có 3.528 cơ sở (trong đó, dễ phát sinh tệ nạn mại dâm 1.314 cơ sở).",
        "Vận động, tiếp nhận 602 vào cai nghiện tự nguyện (trong đó, không được hỗ trợ kinh phí "
        "10 người, có hỗ trợ kinh phí 592 người).")
    assert result.findings == ()


def test_a_change_must_be_the_difference_of_the_two_figures(tmp_path):
    result = audit_text(
        tmp_path,
        "Tổ chức cai nghiện cho 809 người, tăng 283 người so với cùng kỳ năm 2022 (536 người).",
        "Tiếp nhận 602 người, giảm 316 người so với cùng kỳ năm 2022 là 918 người.")
    [error] = result.errors
    assert error.kind == CHANGE and error.expected == "tăng 273"


def test_a_change_without_the_prior_figure_is_not_judged(tmp_path):
    assert audit_text(tmp_path, "Tiếp nhận 602 người, giảm 999 người so với cùng kỳ năm 2022.").findings == ()


@pytest.mark.parametrize("line, expected", [
    ("Hà Nội, ngày 5 tháng 7 năm 2023", "ngày 05 tháng 7 năm 2023"),
    ("Hà Nội, ngày 15 tháng 1 năm 2024", "ngày 15 tháng 01 năm 2024"),
    ("Hà Nội, ngày 15 tháng 07 năm 2023", "ngày 15 tháng 7 năm 2023"),
])
def test_the_date_line_follows_the_decree(tmp_path, line, expected):
    [warning] = audit_text(tmp_path, line).warnings
    assert warning.kind == DATE_LINE and warning.expected == expected


@pytest.mark.parametrize("line", ["Hà Nội, ngày 05 tháng 7 năm 2023", "ngày 15 tháng 02 năm 2024",
                                  "ngày 31 tháng 12 năm 2023"])
def test_a_correct_date_line_passes(tmp_path, line):
    assert audit_text(tmp_path, line).findings == ()


def test_an_impossible_date_is_an_error(tmp_path):
    [error] = audit_text(tmp_path, "Hà Nội, ngày 30 tháng 02 năm 2024").errors
    assert error.kind == DATE_LINE


def test_table_rows_recompute_their_percentage_and_change(tmp_path):
    table = [["STT", "Chỉ tiêu", "Kế hoạch năm 2023", "Thực hiện 6 tháng đầu năm 2023",
              "Tỷ lệ % so với KH", "Cùng kỳ năm 2022", "Tăng (+), giảm (-)"],
             ["1", "Cai nghiện bắt buộc", "1.200", "809", "67,4%", "536", "+273"],
             ["2", "Dạy nghề", "700", "160", "22,8%", "214", "-50"]]
    result = audit_text(tmp_path, "Phụ lục", table=table)
    found = {(f.location.row, f.location.column): f.expected for f in result.errors}
    assert found == {(3, 5): "22,9%", (3, 7): "-54"}


def test_a_total_row_adds_up_the_rows_above_it(tmp_path):
    table = [["STT", "Đơn vị", "Kế hoạch năm 2023", "Thực hiện 6 tháng đầu năm 2023",
              "Tỷ lệ % so với KH", "Cùng kỳ năm 2022", "Tăng (+), giảm (-)"],
             ["1", "Quận Ba Đình", "44", "27", "61,4%", "22", "+5"],
             ["2", "Quận Hoàn Kiếm", "40", "25", "62,5%", "15", "+10"],
             ["", "Tổng cộng", "84", "53", "63,1%", "37", "+16"]]
    result = audit_text(tmp_path, "Biểu 1.", table=table)
    found = {(f.location.row, f.location.column): (f.kind, f.expected) for f in result.errors}
    # 53/84 is 63,1%: the total row's own ratio holds; its result and change do not add up
    assert found == {(4, 4): (PARTS_SUM, "52"), (4, 7): (PARTS_SUM, "+15")}


def test_the_date_line_of_a_generated_report_is_checked_in_its_header_cell(tmp_path):
    from tests.audit.helpers import edit_docx, report_bytes

    path = tmp_path / "01.docx"
    path.write_bytes(edit_docx(report_bytes("01", "2023-H1"), "ngày 05 tháng 7 năm 2023", "ngày 5 tháng 07 năm 2023"))
    [warning] = audit_path(path).warnings
    assert warning.kind == DATE_LINE and warning.expected == "ngày 05 tháng 7 năm 2023"
    assert warning.location.table == 1 and warning.quote == "ngày 5 tháng 07 năm 2023"


def test_a_change_as_a_percentage_of_the_stated_prior_figure(tmp_path):
    [error] = audit_text(tmp_path, "Tổ chức cai nghiện cho 809 người, tăng 51,0% so với cùng kỳ "
                                   "năm 2022 (536 người).").errors
    assert error.kind == CHANGE and error.expected == "tăng 50,9%"
