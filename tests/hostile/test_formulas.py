"""Live formulas: text that Calc or Excel would evaluate is written as text; numbers stay
numbers. The Calc test opens the files in LibreOffice and reads back what it computed."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from reportgen.safety.formulas import FORMULA_STARTS, csv_cell, csv_row, is_formula_like, set_xlsx_cell

PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0",
            '=HYPERLINK("http://example.invalid","y")']


@pytest.mark.parametrize("text", PAYLOADS)
def test_formula_like_text_is_prefixed_for_csv(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-12, Decimal("-1.5"), 0, 12, -0.5, None])
def test_numbers_stay_numbers(value):
    assert csv_cell(value) is value


@pytest.mark.parametrize("text", ["Quận Ba Đình", "001", "", "a=b", " =1", "１+1"])
def test_plain_text_is_unchanged(text):
    assert csv_cell(text) == text


def test_every_owasp_start_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    assert csv_row(["=1", -1, "x"]) == ["'=1", -1, "x"]


def _xlsx(values) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    for row, (text, number) in enumerate(values, start=1):
        set_xlsx_cell(workbook.active.cell(row, 1), text)
        set_xlsx_cell(workbook.active.cell(row, 2), number)
    return workbook


def test_xlsx_cells_are_strings_with_quote_prefix_and_numbers_are_numbers():
    buffer = io.BytesIO()
    _xlsx([(p, -12) for p in PAYLOADS]).save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    for row, payload in enumerate(PAYLOADS, start=1):
        assert sheet.cell(row, 1).data_type == "s" and sheet.cell(row, 1).value == payload
        assert sheet.cell(row, 1).quotePrefix
        assert sheet.cell(row, 2).data_type == "n" and sheet.cell(row, 2).value == -12


def _calc_to_csv(tmp_path, source):
    profile = (tmp_path / "profile").as_uri()
    # Export filter: comma, double quote, UTF-8, quote all text cells (7th token).
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1",
                    "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=240)
    (result,) = (tmp_path / "out").iterdir()
    return result.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice Calc")
def test_libreoffice_calc_evaluates_nothing(tmp_path):
    raw, safe = tmp_path / "raw.csv", tmp_path / "safe.csv"
    with raw.open("w", newline="", encoding="utf-8") as a, safe.open("w", newline="", encoding="utf-8") as b:
        for payload in PAYLOADS:
            csv.writer(a).writerow([payload, -12])
            csv.writer(b).writerow(csv_row([payload, -12]))
    workbook = tmp_path / "safe.xlsx"
    _xlsx([(p, -12) for p in PAYLOADS]).save(workbook)

    # The control: without the rule Calc computes =1+1 and the HYPERLINK.
    (tmp_path / "control").mkdir()
    computed = _calc_to_csv(tmp_path / "control", raw)
    assert computed.splitlines()[0] == '2,-12'
    assert '"y",-12' in computed

    (tmp_path / "a").mkdir()
    text = _calc_to_csv(tmp_path / "a", safe)
    kept = [row for row in csv.reader(io.StringIO(text)) if row]
    assert len(kept) == len(PAYLOADS)
    assert [row[0].lstrip("'").replace("\n", "\r") for row in kept] == PAYLOADS
    assert all(row[0].startswith("'") and row[1] == "-12" for row in kept)
    assert '"-12"' not in text  # the number came back as a number, not a text

    (tmp_path / "b").mkdir()
    text = _calc_to_csv(tmp_path / "b", workbook)
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0].replace("\n", "\r") for row in rows] == PAYLOADS
    assert all(line.endswith('",-12') for line in text.splitlines() if line.endswith("-12"))
