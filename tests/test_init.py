"""reportgen.init: a new dataset (folder or workbook) from a template, or the shipped sample."""
from __future__ import annotations

import csv
import datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from reportgen.dataset import load_dataset
from reportgen.dataset.workbook import write_workbook
from reportgen.init import InitSourceMissingError, InitTargetExistsError, init_dataset, next_periods
from reportgen.testing.synth import generate_dataset
from tests.dataset_factory import HANOI, workbook_list_items as _list_items, workbook_validations as _validations

CATALOGUE = Path(__file__).resolve().parents[1] / "reportgen" / "catalogue" / "core.csv"


@pytest.fixture(scope="module")
def hanoi_xlsx(tmp_path_factory) -> Path:
    return write_workbook(HANOI, tmp_path_factory.mktemp("wb") / "hanoi.xlsx")


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
    path = init_dataset(tmp_path / "new.xlsx", today=datetime.date(2026, 12, 1))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Hướng dẫn"
    assert wb["Số liệu"].max_row == 1 and wb["Kế hoạch"].max_row == 1
    assert wb["Đơn vị"]["A3"].value == "001" and wb["Đơn vị"].max_row == 32
    assert wb["Chỉ tiêu"].max_row == 27
    assert "Có" in [c.value for c in wb["Chỉ tiêu"]["E"]]  # true/false as a clerk writes it
    found = _validations(wb["Số liệu"])
    assert {"A", "B", "C", "D", "E"} <= set(found)
    assert str(found["A"].sqref) == "A2:A5000"
    periods = [p.split(" — ")[0] for p in _list_items(wb, found["B"].formula1)]
    # from the template's first year to two years after this year (2026), not 2025-Y
    assert periods[0] == "2022-Q1" and periods[-1] == "2028-Y" and "2027-H1" in periods
    assert wb["Thông tin văn bản"]["A1"].comment is not None
    rows = {r[3]: r[1] for r in wb["Thông tin văn bản"].iter_rows(min_row=2, values_only=True) if r[3]}
    assert rows["root"] == "01"


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
    book = init_dataset(tmp_path / "from_tpl.xlsx", template=template, today=datetime.date(2023, 1, 1))
    wb = openpyxl.load_workbook(book)
    periods = [p.split(" — ")[0] for p in _list_items(wb, _validations(wb["Số liệu"])["B"].formula1)]
    assert periods[0] == "2022-Q1" and periods[-1] == "2025-Y"
    # a workbook made by init is itself a template
    again = init_dataset(tmp_path / "again.xlsx", template=book)
    assert load_dataset(again).dataset.units == load_dataset(book).dataset.units


def test_next_periods():
    periods = next_periods(["2023-H1", "2023-Y"])
    assert periods[:7] == ["2023-Q1", "2023-Q2", "2023-H1", "2023-Q3", "2023-9M", "2023-Q4", "2023-Y"]
    assert periods[-1] == "2025-Y" and len(periods) == 21
    assert next_periods(["2023-H1"], today=datetime.date(2026, 3, 1))[-1] == "2028-Y"
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


def test_a_new_dataset_does_not_carry_the_samples_issue_dates_or_numbers(tmp_path):
    folder = yaml.safe_load((init_dataset(tmp_path / "new") / "dataset.yaml").read_text(encoding="utf-8"))
    assert folder["issue_dates"] == {} and folder["report_numbers"] == {}
    assert folder["signer"]["quan"]["title"] == "TRƯỞNG PHÒNG"  # the rest of the settings stays
    book = init_dataset(tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb["Ngày ban hành"].max_row == 1 and wb["Số văn bản"].max_row == 1
    settings = load_dataset(book).dataset.settings
    assert settings.issue_dates == {} and settings.report_numbers == {} and settings.issue_date is None
    assert settings.signer["quan"]["title"] == "TRƯỞNG PHÒNG"


def test_the_sample_is_written_out_as_a_folder_and_as_a_filled_workbook(tmp_path):
    from reportgen.dataset import load_dataset

    folder = init_dataset(tmp_path / "hanoi", sample=True)
    assert (folder / "values.csv").read_bytes() == (HANOI / "values.csv").read_bytes()
    assert (folder / "notes" / "2023-H1" / "01.md").is_file()
    book = init_dataset(tmp_path / "hanoi.xlsx", sample=True)
    loaded = load_dataset(book)
    assert [p for p in loaded.problems if p.severity == "error"] == []
    assert len(loaded.dataset.values) == len(load_dataset(folder).dataset.values)
    assert loaded.dataset.settings.issue_dates  # the sample keeps its own dates


def test_a_missing_template_is_a_clear_error_and_nothing_is_written(tmp_path):
    with pytest.raises(InitSourceMissingError) as caught:
        init_dataset(tmp_path / "new", template=tmp_path / "nowhere")
    assert caught.value.path == tmp_path / "nowhere"
    assert not (tmp_path / "new").exists()


def test_the_cli_writes_the_sample_and_names_a_missing_source(tmp_path, capsys, monkeypatch):
    from reportgen import cli, init

    assert cli.main(["init", "--sample", str(tmp_path / "s.xlsx")]) == cli.EXIT_OK
    assert (tmp_path / "s.xlsx").stat().st_size > 0
    monkeypatch.setattr(init, "sample_path", lambda: tmp_path / "not-shipped")
    capsys.readouterr()
    assert cli.main(["init", "--sample", str(tmp_path / "t")]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert "not-shipped" in err and "Traceback" not in err
