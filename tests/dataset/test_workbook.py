"""reportgen.dataset.workbook: the workbook form (text codes, drop-down lists, settings rows)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from reportgen.dataset.workbook import notes_rows, write_workbook
from tests.dataset_factory import HANOI, workbook_list_items as _list_items, workbook_validations as _validations


@pytest.fixture(scope="module")
def hanoi_xlsx(tmp_path_factory) -> Path:
    return write_workbook(HANOI, tmp_path_factory.mktemp("wb") / "hanoi.xlsx")


@pytest.fixture(scope="module")
def hanoi_wb(hanoi_xlsx):
    return openpyxl.load_workbook(hanoi_xlsx)  # read once; the tests only look


def test_workbook_has_the_sheets(hanoi_xlsx, hanoi_wb):
    wb = hanoi_wb
    assert wb.sheetnames == ["units", "indicators", "values", "targets", "notes", "settings", "lists"]
    assert wb["lists"].sheet_state == "hidden"
    for name in ("units", "values", "targets", "notes", "settings"):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.b for cell in ws[1])
    assert [c.value for c in wb["values"][1]] == ["unit", "period", "indicator", "value", "scope"]
    assert wb["values"].max_row == 4081


def test_codes_are_text_cells(hanoi_xlsx, hanoi_wb):
    wb = hanoi_wb
    units = wb["units"]
    assert units["A2"].value == "01" and units["A3"].value == "001"
    assert units["A3"].data_type == "s" and units["A3"].number_format == "@"
    assert units["D3"].value == "01"
    values = wb["values"]
    district = next(row for row in values.iter_rows(min_row=2) if row[0].value == "001")
    assert district[0].value == "001" and district[0].number_format == "@"
    assert isinstance(district[3].value, int)
    frame = pd.read_excel(hanoi_xlsx, sheet_name="units", dtype=str)
    assert frame["code"].tolist()[:3] == ["01", "001", "002"]


def test_drop_down_lists_on_values_and_targets(hanoi_xlsx, hanoi_wb):
    wb = hanoi_wb
    found = _validations(wb["values"])
    for column in ("A", "B", "C"):
        dv = found[column]
        assert dv.type == "list"
        assert dv.formula1.startswith("=lists!")
        assert dv.errorStyle == "stop" and dv.showErrorMessage
        assert dv.error and dv.errorTitle
        assert str(dv.sqref).startswith(f"{column}2:{column}")
    assert "001" in _list_items(wb, found["A"].formula1)
    assert "01" in _list_items(wb, found["A"].formula1)
    assert _list_items(wb, found["B"].formula1) == ["2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1"]
    indicators = _list_items(wb, found["C"].formula1)
    assert "rehab_compulsory" in indicators and "prostitution_prone_businesses" in indicators
    assert found["E"].type == "list" and _list_items(wb, found["E"].formula1) == ["total", "own"]
    assert found["D"].type == "decimal"
    targets = _validations(wb["targets"])
    assert {"A", "B", "C"} <= set(targets)
    assert _list_items(wb, targets["B"].formula1) == [2022, 2023, 2024]
    assert "Mã đơn vị" in found["A"].errorTitle


def test_settings_are_flattened_and_survive_a_round_trip(hanoi_xlsx, hanoi_wb):
    wb = hanoi_wb
    rows = {r[0]: r[1] for r in wb["settings"].iter_rows(min_row=2, values_only=True)}
    original = yaml.safe_load((HANOI / "dataset.yaml").read_text(encoding="utf-8"))
    assert rows["title"] == original["title"]
    assert rows["percent_decimals"] == original["percent_decimals"]
    for key, value in original.items():
        assert yaml.safe_load(str(rows[key])) == value, key
        assert "\n" not in str(rows[key])


def test_notes_become_rows_per_section(hanoi_xlsx, hanoi_wb):
    wb = hanoi_wb
    rows = list(wb["notes"].iter_rows(min_row=2, values_only=True))
    keys = {(r[0], r[1], r[2]) for r in rows}
    assert ("01", "2023-H1", "I") in keys and ("01", "2023-H1", "IV") in keys
    assert ("271", "2023-H1", "II") in keys
    text = next(r[3] for r in rows if r[:3] == ("01", "2023-H1", "II"))
    assert "\n\n" in text and "\n- " in text and not text.startswith("##")


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
    assert wb["values"]["A2"].value == "001" and wb["values"]["D2"].value == 5
    assert wb["targets"]["B2"].value == 2023 and wb["targets"]["D2"].value == 12
    assert [c.value for c in wb["indicators"][1]][:6] == ["code", "name", "unit", "parent", "exhaustive", "additive"]
    assert yaml.safe_load(wb["settings"]["B3"].value) == "01"
    assert _validations(wb["values"])["B"].formula1 == "=lists!$B$2:$B$2"
    plain = write_workbook(tables, tmp_path / "plain.xlsx", with_validation=False)
    wb = openpyxl.load_workbook(plain)
    assert "lists" not in wb.sheetnames and not wb["values"].data_validations.dataValidation


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
