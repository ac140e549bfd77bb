"""reportgen.init: the workbook form (text codes, drop-down lists) and `init`."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from reportgen.init import (
    InitTargetExistsError, init_dataset, next_periods, section_of_heading, write_workbook,
)
from reportgen.synth import generate_dataset

HANOI = Path(__file__).resolve().parents[1] / "datasets" / "hanoi"
CATALOGUE = Path(__file__).resolve().parents[1] / "reportgen" / "catalogue" / "core.csv"


@pytest.fixture(scope="module")
def hanoi_xlsx(tmp_path_factory) -> Path:
    return write_workbook(HANOI, tmp_path_factory.mktemp("wb") / "hanoi.xlsx")


@pytest.fixture(scope="module")
def hanoi_wb(hanoi_xlsx):
    return openpyxl.load_workbook(hanoi_xlsx)  # read once; the tests only look


def _validations(ws) -> dict[str, object]:
    """First column letter of each validated range → its DataValidation."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv
    return found


def _list_items(wb, formula: str) -> list[str]:
    sheet, cells = formula.lstrip("=").split("!")
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in wb[sheet][first:last] for c in row]


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


def test_section_headings():
    assert section_of_heading("Tình hình chung") == "I"
    assert section_of_heading("Tồn tại, hạn chế và nguyên nhân") == "II"
    assert section_of_heading("III. Phương hướng, nhiệm vụ") == "III"
    assert section_of_heading("Đề xuất, kiến nghị") == "IV"


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


def test_init_folder_writes_headers_only(tmp_path):
    target = init_dataset(tmp_path / "new")
    assert (target / "values.csv").read_text(encoding="utf-8") == "unit,period,indicator,value,scope\n"
    assert (target / "targets.csv").read_text(encoding="utf-8") == "unit,year,indicator,target\n"
    assert (target / "units.csv").read_bytes() == (HANOI / "units.csv").read_bytes()
    with (target / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        indicators = list(csv.DictReader(handle))
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        assert indicators == list(csv.DictReader(handle))
    text = (target / "dataset.yaml").read_text(encoding="utf-8")
    assert text.startswith("# ") and "reportgen init" in text
    assert yaml.safe_load(text)["root"] == "01"
    assert (target / "notes").is_dir() and not any((target / "notes").iterdir())


def test_init_workbook(tmp_path):
    path = init_dataset(tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["values"].max_row == 1 and wb["targets"].max_row == 1
    assert wb["units"]["A3"].value == "001" and wb["units"].max_row == 32
    assert wb["indicators"].max_row == 27
    found = _validations(wb["values"])
    assert {"A", "B", "C"} <= set(found)
    assert str(found["A"].sqref) == "A2:A5000"
    periods = _list_items(wb, found["B"].formula1)
    assert periods[:5] == ["2022-H1", "2022-Y", "2023-H1", "2023-Y", "2024-H1"]
    assert periods[5:] == ["2024-Y", "2025-H1", "2025-Y"]
    assert wb["settings"]["A1"].comment is not None
    rows = {r[0]: r[1] for r in wb["settings"].iter_rows(min_row=2, values_only=True)}
    assert yaml.safe_load(rows["root"]) == "01"


def test_init_refuses_a_non_empty_target(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "values.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InitTargetExistsError) as caught:
        init_dataset(folder)
    assert caught.value.path == folder
    assert isinstance(caught.value, FileExistsError)
    assert (folder / "values.csv").read_text(encoding="utf-8") == "x\n"
    book = tmp_path / "busy.xlsx"
    book.write_bytes(b"PK")
    with pytest.raises(InitTargetExistsError):
        init_dataset(book)
    assert book.read_bytes() == b"PK"


def test_init_accepts_an_empty_folder_and_another_template(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init_dataset(empty) == empty
    template = generate_dataset(tmp_path / "tpl", units=6, depth=2, indicators=30, periods=2)
    target = init_dataset(tmp_path / "from_tpl", template=template)
    assert (target / "units.csv").read_bytes() == (template / "units.csv").read_bytes()
    with (target / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        codes = [r["code"] for r in csv.DictReader(handle)]
    assert "custom_001" in codes and codes[0] == "rehab_compulsory"
    book = init_dataset(tmp_path / "from_tpl.xlsx", template=template)
    wb = openpyxl.load_workbook(book)
    assert _list_items(wb, _validations(wb["values"])["B"].formula1) == ["2022-H1", "2022-Y", "2023-H1", "2023-Y"]


def test_next_periods():
    assert next_periods(["2023-H1", "2023-Y"]) == ["2023-H1", "2023-Y", "2024-H1", "2024-Y"]
    assert next_periods([]) == []


def test_the_project_loader_reads_the_workbook_like_the_folder(hanoi_xlsx):
    dataset = pytest.importorskip("reportgen.dataset")
    folder = dataset.load_dataset(HANOI)
    book = dataset.load_dataset(hanoi_xlsx)
    assert [p for p in book.problems if p.severity == "error"] == []
    strip = [(v.unit, str(v.period), v.indicator, v.value, v.scope) for v in folder.dataset.values]
    assert strip == [(v.unit, str(v.period), v.indicator, v.value, v.scope) for v in book.dataset.values]
    assert book.dataset.settings.root == "01"
    assert folder.dataset.notes.keys() == book.dataset.notes.keys()


def test_the_project_loader_reads_init_outputs(tmp_path):
    dataset = pytest.importorskip("reportgen.dataset")
    for name in ("new.xlsx", "new"):
        result = dataset.load_dataset(init_dataset(tmp_path / name))
        assert [p for p in result.problems if p.severity == "error"] == [], name
