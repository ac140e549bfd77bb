"""render_appendix_xlsx: appendix tables as raw numbers, one sheet each, same bytes twice."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from reportgen.model import Column, Table
from reportgen.render.xlsx import render_appendix_xlsx
from tests.model_factory import sample_model


@pytest.fixture(scope="module")
def model():
    return sample_model()


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_appendix_table_becomes_a_sheet_of_raw_values(model):
    workbook = load(render_appendix_xlsx(model))
    table = model.appendices[0].blocks[0]
    assert workbook.sheetnames == ["Phụ lục I"]
    rows = list(workbook["Phụ lục I"].iter_rows(values_only=True))
    assert rows[0] == table.data_header
    assert rows[1:] == [tuple(r) for r in table.data_rows]
    assert isinstance(rows[1][2], int) and rows[1][0] == "001"  # numbers stay numbers,
    # codes keep their leading zeros


def test_decimals_are_numbers_and_formula_like_text_stays_text(model):
    table = Table(caption="Biểu 2", columns=(Column("Tỷ lệ", Decimal(30)),), rows=(("1,5",),),
                  data_header=("ratio", "note"),
                  data_rows=((Decimal("67.42"), "=HYPERLINK(\"x\")"), (Decimal("0.1"), "a\x00b")))
    appendix = replace(model.appendices[0], blocks=(table,))
    workbook = load(render_appendix_xlsx(replace(model, appendices=(appendix,))))
    sheet = workbook.active
    assert sheet["A2"].value == pytest.approx(67.42)
    assert sheet["A2"].data_type == "n"
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == '=HYPERLINK("x")'
    assert sheet["B3"].value == "ab"


def test_one_sheet_per_table_across_appendices(model):
    first = model.appendices[0]
    table = first.blocks[0]
    second = replace(first, label="Phụ lục II", blocks=(table, table))
    workbook = load(render_appendix_xlsx(replace(model, appendices=(first, second))))
    assert workbook.sheetnames == ["Phụ lục I", "Phụ lục II (1)", "Phụ lục II (2)"]


def test_no_appendix_tables_gives_none(model):
    assert render_appendix_xlsx(replace(model, appendices=())) is None
    charts_only = replace(model.appendices[0], blocks=(model.appendices[0].blocks[1],))
    assert render_appendix_xlsx(replace(model, appendices=(charts_only,))) is None


def test_same_model_gives_identical_bytes(model):
    assert render_appendix_xlsx(model) == render_appendix_xlsx(sample_model())


def test_core_properties_come_from_model_info(model):
    props = load(render_appendix_xlsx(model)).properties
    assert props.created == model.info.created == props.modified
    assert props.title == model.info.title
    assert props.creator == model.info.author
    assert props.keywords == model.info.keywords


def test_clock_does_not_leak_into_the_workbook(model):
    later = replace(model, info=replace(model.info, created=datetime(2024, 1, 15, 9, 30)))
    props = load(render_appendix_xlsx(later)).properties
    assert props.modified == datetime(2024, 1, 15, 9, 30)


def test_the_workbook_is_the_same_whether_or_not_numpy_and_pillow_were_loaded_first():
    # render/_openpyxl.py hides numpy and Pillow from openpyxl's import when it can (cold
    # start); that must not change one byte of the workbook.
    import subprocess
    import sys

    code = ("import hashlib, sys\n"
            "{pre}"
            "from reportgen.render.xlsx import render_appendix_xlsx\n"
            "from tests.model_factory import sample_model\n"
            "data = render_appendix_xlsx(sample_model())\n"
            "print('numpy' in sys.modules, 'PIL' in sys.modules, hashlib.sha256(data).hexdigest())\n")
    hidden, loaded = (subprocess.run([sys.executable, "-c", code.format(pre=pre)], check=True,
                                     capture_output=True, text=True).stdout.split()
                      for pre in ("", "import numpy, PIL.Image\n"))
    assert hidden[:2] == ["False", "False"] and loaded[:2] == ["True", "True"]
    assert hidden[2] == loaded[2]
