"""The appendix's plan column sums to its "Tổng cộng" (issue 11): the city's own share of
its plan (1.700 less the districts' 1.596) sits in the city's own row."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from reportgen import cli
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.periods import Period
from tests.dataset_factory import HANOI, write_tiny


def _number(text: str) -> int:
    return int(text.replace(".", "")) if text else 0


@pytest.fixture(scope="module")
def city_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert cli.main(["--lang", "en", "build", str(HANOI), "--period", "2024-H1", "--unit", "01",
                     "--format", "docx", "--out", str(out), "--jobs", "1"]) == 0
    return out / "2024-H1" / "01.docx"


def _unit_tables(path: Path):
    for table in Document(str(path)).tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:3] == ["STT", "Đơn vị", "Kế hoạch năm 2024"]:
            yield table


def test_every_plan_column_of_the_city_appendix_sums_to_its_total(city_docx):
    tables = list(_unit_tables(city_docx))
    assert tables, "the city report has a units appendix"
    for table in tables:
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        *units, total = rows
        assert total[1] == "Tổng cộng"
        assert sum(_number(r[2]) for r in units) == _number(total[2]), [r[:3] for r in rows]


def test_the_city_own_row_holds_its_share_of_the_compulsory_plan(city_docx):
    table = next(_unit_tables(city_docx))
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["Các đơn vị trực thuộc Thành phố Hà Nội"][2:4] == ["104", "70"]
    assert rows["Tổng cộng"][2] == "1.700"


def test_an_own_share_of_the_plan_alone_gets_its_row(tmp_path):
    values = [("001", "2023-H1", "vocational_training", "30", ""), ("002", "2023-H1", "vocational_training", "20", "")]
    targets = [("01", "2023", "vocational_training", "120"), ("001", "2023", "vocational_training", "60"),
               ("002", "2023", "vocational_training", "40")]
    book = FigureBook(load_dataset(write_tiny(tmp_path / "d", values, targets=targets)).dataset)
    own = book.own_figure("01", Period.parse("2023-H1"), "vocational_training")
    assert (own.value, own.target) == (None, 20)


def test_no_own_plan_when_the_plans_below_reach_the_city_plan():
    book = FigureBook(load_dataset(HANOI).dataset)
    # 2024 voluntary rehabilitation: the districts' plans add up to the city's 1.200.
    assert book.own_target("01", 2024, "rehab_voluntary") is None
    assert book.own_target("01", 2024, "rehab_compulsory") == 104
