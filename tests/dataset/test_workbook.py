"""reportgen.dataset.workbook: the clerk's workbook (Vietnamese sheets, guide, drop-downs
with names, prompts, the settings form) and what the loader makes of it."""
from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reportgen.dataset import load_dataset
from reportgen.dataset.workbook import notes_rows, write_workbook
from reportgen.i18n import set_language
from tests.dataset_factory import HANOI, workbook_list_items as _list_items, workbook_validations as _validations

SHEETS = ["Hướng dẫn", "Đơn vị", "Chỉ tiêu", "Số liệu", "Kế hoạch", "Nhận định",
          "Thông tin văn bản", "Ngày ban hành", "Số văn bản", "Danh sách"]


@pytest.fixture(scope="module")
def hanoi_xlsx(tmp_path_factory) -> Path:
    return write_workbook(HANOI, tmp_path_factory.mktemp("wb") / "hanoi.xlsx")


@pytest.fixture(scope="module")
def hanoi_wb(hanoi_xlsx):
    return openpyxl.load_workbook(hanoi_xlsx)  # read once; the tests only look


@pytest.fixture(autouse=True)
def _vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def test_workbook_has_vietnamese_sheets_and_headers(hanoi_wb):
    wb = hanoi_wb
    assert wb.sheetnames == SHEETS
    assert wb["Danh sách"].sheet_state == "hidden"
    for name in ("Đơn vị", "Số liệu", "Kế hoạch", "Nhận định", "Thông tin văn bản"):
        assert wb[name].freeze_panes == "A2"
        assert all(cell.font.b for cell in wb[name][1])
    assert [c.value for c in wb["Số liệu"][1]] == ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Phạm vi"]
    assert [c.value for c in wb["Đơn vị"][1]] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Đơn vị cấp trên"]
    assert wb["Số liệu"].max_row == 4081
    # the drop-down shows "code — name": the column is wide enough to read it
    assert wb["Số liệu"].column_dimensions["C"].width >= 50
    assert wb["Chỉ tiêu"].column_dimensions["B"].width >= 40


def test_the_guide_explains_every_sheet_with_examples(hanoi_wb):
    text = "\n".join(str(c.value) for row in hanoi_wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    for sheet in SHEETS[1:-1]:
        assert f"Sheet {sheet}" in text or f"sheet {sheet}" in text, sheet
    assert "1.200" in text and "2024-H1" in text and "06" in text
    assert "không có dòng mẫu" in text  # why the data sheets start empty


def test_codes_are_text_cells(hanoi_xlsx, hanoi_wb):
    units = hanoi_wb["Đơn vị"]
    assert units["A2"].value == "01" and units["A3"].value == "001"
    assert units["A3"].data_type == "s" and units["A3"].number_format == "@"
    assert units["D3"].value == "01"
    district = next(row for row in hanoi_wb["Số liệu"].iter_rows(min_row=2) if row[0].value == "001")
    assert district[0].number_format == "@" and isinstance(district[3].value, int)
    frame = pd.read_excel(hanoi_xlsx, sheet_name="Đơn vị", dtype=str)
    assert frame["Mã đơn vị"].tolist()[:3] == ["01", "001", "002"]


def test_drop_downs_show_the_vietnamese_name_after_the_code(hanoi_wb):
    wb = hanoi_wb
    found = _validations(wb["Số liệu"])
    units = _list_items(wb, found["A"].formula1)
    assert "001 — Quận Ba Đình" in units and "01 — Thành phố Hà Nội" in units
    periods = _list_items(wb, found["B"].formula1)
    assert "2024-H1 — 6 tháng đầu năm 2024" in periods
    # from the data's first year to two years after its last, every kind of period
    assert periods[0].startswith("2022-Q1") and periods[-1].startswith("2026-Y")
    assert any(p.startswith("2026-9M") for p in periods)
    indicators = _list_items(wb, found["C"].formula1)
    assert any(i.startswith("rehab_compulsory — ") and "bắt buộc" in i for i in indicators)
    assert found["A"].type == "list" and found["A"].showErrorMessage and found["A"].errorStyle == "warning"
    assert "001" in found["A"].error and "Mã đơn vị" in found["A"].errorTitle
    assert found["D"].type == "decimal" and "1.200" in found["D"].error and "không viết 1.200" not in found["D"].error
    targets = _validations(wb["Kế hoạch"])
    assert _list_items(wb, targets["B"].formula1)[:3] == [2022, 2023, 2024]


def test_every_column_has_an_input_prompt(hanoi_wb):
    for sheet in ("Đơn vị", "Chỉ tiêu", "Số liệu", "Kế hoạch", "Nhận định", "Ngày ban hành", "Số văn bản"):
        ws = hanoi_wb[sheet]
        found = _validations(ws)
        for cell in ws[1]:
            dv = found.get(cell.column_letter)
            assert dv is not None and dv.showInputMessage and dv.prompt and dv.promptTitle, (sheet, cell.value)
    assert "1.200" in _validations(hanoi_wb["Số liệu"])["D"].prompt


def test_the_settings_are_a_form_with_labelled_rows(hanoi_wb):
    ws = hanoi_wb["Thông tin văn bản"]
    assert [c.value for c in ws[1]] == ["Thông tin", "Nội dung", "Ghi chú", "Khóa"]
    assert ws.column_dimensions["D"].hidden
    rows = {r[3]: (r[0], r[1]) for r in ws.iter_rows(min_row=2, values_only=True) if r[3]}
    assert rows["root"][1] == "01" and "gốc" in rows["root"][0]
    assert rows["agency.thanh-pho.name"][1] == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert rows["signer.quan.name"] == ("Họ và tên người ký", "Trần Văn Minh")
    assert rows["leading_zero_counts"][1] == "Có"
    recipients = [r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "recipients.thanh-pho"]
    assert recipients[:2] == ["- Như trên;", "- Ban Chỉ đạo 89 Thành phố;"] and recipients[-1] is None
    dates = list(hanoi_wb["Ngày ban hành"].iter_rows(min_row=2, values_only=True))
    assert ("2023-H1", "05/07/2023") in dates
    numbers = list(hanoi_wb["Số văn bản"].iter_rows(min_row=2, values_only=True))
    assert ("2023-H1", "019", "95") in numbers
    assert all(c.number_format == "@" for c in hanoi_wb["Số văn bản"]["B"][1:])


def test_the_loader_reads_the_workbook_like_the_folder(hanoi_xlsx):
    folder, book = load_dataset(HANOI), load_dataset(hanoi_xlsx)
    assert not [p for p in book.problems if p.is_error]
    a, b = folder.dataset, book.dataset
    assert a.units == b.units and len(a.values) == len(b.values)
    assert [(r.unit, r.period, r.indicator, r.value) for r in a.values] == \
           [(r.unit, r.period, r.indicator, r.value) for r in b.values]
    for key in ("title", "root", "percent_decimals", "leading_zero_counts", "issue_dates",
                "report_numbers", "agency", "addressees", "recipients"):
        assert getattr(a.settings, key, None) == getattr(b.settings, key, None), key
    assert b.settings.signer["thanh-pho"] == a.settings.signer["thanh-pho"]


def _filled(tmp_path, edit) -> Path:
    """The sample workbook with `edit(wb)` applied, as a clerk would save it."""
    path = write_workbook(HANOI, tmp_path / "in.xlsx")
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _form_row(wb, key: str) -> int:
    return next(r[0].row for r in wb["Thông tin văn bản"].iter_rows(min_row=2) if r[3].value == key)


def _messages(path) -> list[str]:
    return [p.describe() for p in load_dataset(path).problems if p.is_error]


def test_what_a_drop_down_shows_is_read_as_its_code(tmp_path):
    def edit(wb):
        ws = wb["Số liệu"]
        ws["A2"], ws["B2"], ws["C2"] = "006 — Quận Cầu Giấy", "2023-H1 — 6 tháng đầu năm 2023", "rehab_compulsory — x"
        wb["Thông tin văn bản"].cell(row=_form_row(wb, "root"), column=2).value = "01 — Thành phố Hà Nội"
    result = load_dataset(_filled(tmp_path, edit))
    row = result.dataset.values[0]
    assert (row.unit, row.period.code, row.indicator) == ("006", "2023-H1", "rehab_compulsory")
    assert result.dataset.settings.root == "01"


def test_a_root_typed_as_a_number_is_named_with_the_code_meant(tmp_path):
    def edit(wb):
        cell = wb["Thông tin văn bản"].cell(row=_form_row(wb, "root"), column=2)
        cell.value, cell.number_format = 1, "General"
    messages = _messages(_filled(tmp_path, edit))
    assert len(messages) == 1, messages
    assert "trang tính Thông tin văn bản" in messages[0] and "(ô B" in messages[0]
    # "1" could be 01 or 001: the root is the unit without a parent, so 01
    assert "01" in messages[0] and "001" not in messages[0] and "số 0" in messages[0]


def test_a_unit_code_that_lost_its_zeros_gets_did_you_mean(tmp_path):
    def edit(wb):
        wb["Số liệu"]["A2"].value = 6
        wb["Số văn bản"].append(["2024-H1", 6, "12"])
    messages = _messages(_filled(tmp_path, edit))
    assert any("trang tính Số liệu, dòng 2, cột Mã đơn vị (ô A2)" in m and "006" in m for m in messages), messages
    assert any("trang tính Số văn bản" in m and "006" in m for m in messages), messages


def test_a_report_number_for_006_stays_text_and_reaches_the_settings(tmp_path):
    result = load_dataset(_filled(tmp_path, lambda wb: wb["Số văn bản"].append(["2024-H1", "006", "12"])))
    assert result.dataset.settings.report_numbers["2024-H1"] == {"006": "12"}


@pytest.mark.parametrize("typed, expected", [
    ("10/07/2024", datetime.date(2024, 7, 10)),
    ("2024-07-10", datetime.date(2024, 7, 10)),
    (datetime.datetime(2024, 7, 10), datetime.date(2024, 7, 10)),
])
def test_issue_dates_as_text_or_real_excel_dates(tmp_path, typed, expected):
    result = load_dataset(_filled(tmp_path, lambda wb: wb["Ngày ban hành"].append(["2025-H1", typed])))
    assert result.dataset.settings.issue_dates["2025-H1"] == expected


def test_a_date_that_is_no_date_is_located_in_vietnamese(tmp_path):
    messages = _messages(_filled(tmp_path, lambda wb: wb["Ngày ban hành"].append(["2025-H1", "31/06/2025"])))
    assert len(messages) == 1
    assert "trang tính Ngày ban hành, dòng 7, cột Ngày ban hành (ô B7)" in messages[0]
    assert "ngày/tháng/năm" in messages[0] and "31/06/2025" in messages[0]


def test_a_bad_form_value_names_its_label_and_cell(tmp_path):
    def edit(wb):
        wb["Thông tin văn bản"].cell(row=_form_row(wb, "percent_decimals"), column=2).value = "hai"
    messages = _messages(_filled(tmp_path, edit))
    assert len(messages) == 1 and "Số chữ số thập phân" in messages[0] and "(ô B" in messages[0]


def test_an_english_workbook_is_still_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "units"
    for row in (("code", "name", "level", "parent"), ("01", "Tỉnh A", "province", ""),
                ("001", "Huyện B", "huyen", "01")):
        wb["units"].append(row)
    values = wb.create_sheet("values")
    values.append(("unit", "period", "indicator", "value"))
    values.append(("001", "2023-H1", "methadone_new", 5))
    settings = wb.create_sheet("settings")
    for row in (("key", "value"), ("title", "T"), ("root", "01"), ("issue_dates", "2024-07-10"),
                ("report_numbers", "{2024-H1: {006: 12}}")):
        settings.append(row)
    wb.save(tmp_path / "old.xlsx")
    result = load_dataset(tmp_path / "old.xlsx")
    assert result.dataset.settings.root == "01"  # "01" in a cell stays "01"
    messages = [p.describe() for p in result.problems]
    assert any("issue_dates" in m and "kỳ" in m for m in messages), messages
    # 006 stays the text "006" (not YAML's number 6); a unit not in the table is reported,
    # not silently dropped
    assert any('"006"' in m and "số văn bản" in m for m in messages), messages


def test_workbook_from_tables(tmp_path):
    tables = {
        "units": [{"code": "01", "name": "Tỉnh A", "level": "province", "parent": ""},
                  {"code": "001", "name": "Huyện B", "level": "huyen", "parent": "01"}],
        "values": [{"unit": "001", "period": "2023-H1", "indicator": "methadone_new", "value": "5"}],
        "targets": [{"unit": "001", "year": "2023", "indicator": "methadone_new", "target": "12"}],
        "settings": {"title": "T", "root": "01", "percent_decimals": 2},
    }
    path = write_workbook(tables, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Số liệu"]["A2"].value == "001" and wb["Số liệu"]["D2"].value == 5
    assert wb["Kế hoạch"]["B2"].value == 2023 and wb["Kế hoạch"]["D2"].value == 12
    result = load_dataset(path)
    assert result.dataset.settings.percent_decimals == 2 and not result.problems
    plain = write_workbook(tables, tmp_path / "plain.xlsx", with_validation=False)
    wb = openpyxl.load_workbook(plain)
    assert "Danh sách" not in wb.sheetnames and not wb["Số liệu"].data_validations.dataValidation


def test_workbook_bytes_are_deterministic(tmp_path):
    a = write_workbook(HANOI, tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(HANOI, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_notes_rows_keep_an_unknown_heading_so_the_loader_can_report_it(tmp_path):
    folder = tmp_path / "notes" / "2023-H1"
    folder.mkdir(parents=True)
    (folder / "01.md").write_text("## Tồn tại\n\nMột.\n\n\n\nHai.\n## Ghi chú khác\nBa.\n"
                                  "## Đề xuất, kiến nghị\n\n", encoding="utf-8")
    assert notes_rows(tmp_path / "notes") == [
        {"unit": "01", "period": "2023-H1", "section": "II", "text": "Một.\n\nHai."},
        {"unit": "01", "period": "2023-H1", "section": "Ghi chú khác", "text": "Ba."},
    ]
