"""Breakdowns of any depth (issue 11): a part may have parts and an overlapping count may
sit beside the parts, as in An Giang's "832 người nghiện (31 nữ, trong đó, 614 HV cai
nghiện tập trung (20 nữ) và 218 ĐTXH)". Every output carries them: the DOCX narrative
and appendix, the XLSX appendix, figures.json and the `figures` table; validation checks
each level."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen import cli
from reportgen.i18n import set_language
from tests.dataset_factory import TINY_SETTINGS, check, errors, write_csv, write_tiny

SETTINGS = TINY_SETTINGS + ('agency:\n  name: "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"\n'
                            '  short: "LĐTBXH"\n')
HEADER = ("code", "name", "unit", "parent", "exhaustive", "additive", "kind", "relation")
# The seed's facility: 832 people, of whom 31 women (overlapping), split into 614 in
# compulsory treatment (20 of them women) and 218 social-protection clients.
INDICATORS = (
    ("facility_managed", "Số người nghiện đang được quản lý tại cơ sở", "người", "", "true", "true", "stock", ""),
    ("facility_women", "nữ", "người", "facility_managed", "", "true", "stock", "of_which"),
    ("facility_compulsory", "học viên cai nghiện tập trung", "người", "facility_managed", "", "true", "stock", "part"),
    ("facility_compulsory_women", "nữ", "người", "facility_compulsory", "", "true", "stock", "of_which"),
    ("facility_social", "đối tượng xã hội", "người", "facility_managed", "", "true", "stock", ""),
)


def _values(managed="832", women="31", compulsory="614", compulsory_women="20", social="218"):
    return [("001", "2023-H1", "facility_managed", managed, ""),
            ("001", "2023-H1", "facility_women", women, ""),
            ("001", "2023-H1", "facility_compulsory", compulsory, ""),
            ("001", "2023-H1", "facility_compulsory_women", compulsory_women, ""),
            ("001", "2023-H1", "facility_social", social, ""),
            ("002", "2023-H1", "methadone_new", "3", "")]


def _dataset(folder: Path, values=None, indicators=INDICATORS) -> Path:
    write_tiny(folder, values or _values(), settings=SETTINGS)
    write_csv(folder / "indicators.csv", HEADER, indicators)
    return folder


@pytest.fixture(autouse=True)
def english():
    yield
    set_language("vi")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("breakdowns")
    folder = _dataset(root / "d")
    assert cli.main(["--lang", "en", "build", str(folder), "--period", "2023-H1", "--unit", "001",
                     "--unit", "01", "--format", "docx", "--out", str(root / "out"), "--jobs", "1"]) == 0
    return root / "out" / "2023-H1"


SENTENCE = ("Số người nghiện đang được quản lý tại cơ sở là 832 người (31 nữ, trong đó, học viên cai "
            "nghiện tập trung 614 người (20 nữ), đối tượng xã hội 218 người)")


@pytest.mark.parametrize("unit", ["001", "01"])
def test_the_docx_narrative_nests_the_parentheses_as_the_seed_does(built, unit):
    text = [p.text for p in Document(str(built / f"{unit}.docx")).paragraphs]
    assert any(SENTENCE in t for t in text), [t for t in text if "832" in t]


def test_the_docx_summary_appendix_has_a_row_per_level(built):
    document = Document(str(built / "001.docx"))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    rows = [(r.cells[1].text, r.cells[4].text) for r in table.rows[1:]]
    assert rows[-5:] == [("Số người nghiện đang được quản lý tại cơ sở", "832"), ("- Trong đó: nữ", "31"),
                         ("- Trong đó: học viên cai nghiện tập trung", "614"), ("+ Trong đó: nữ", "20"),
                         ("- Trong đó: đối tượng xã hội", "218")]


def test_the_xlsx_appendix_carries_the_part_of_a_part(built):
    sheet = load_workbook(built / "001.xlsx").worksheets[0]
    rows = {row[0]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["facility_compulsory_women"] == 20 and rows["facility_women"] == 31


def test_figures_json_carries_every_level_with_its_parent(built):
    figures = {f["indicator"]: f for f in json.loads((built / "001.figures.json").read_text("utf-8"))["figures"]}
    women = figures["facility_compulsory_women"]
    assert (women["value"], women["parent"], women["relation"], women["depth"]) == (20, "facility_compulsory", "of_which", 2)
    assert figures["facility_managed"]["parts"] == ["facility_women", "facility_compulsory", "facility_social"]
    assert figures["facility_compulsory"]["parts"] == ["facility_compulsory_women"]
    assert figures["facility_compulsory"]["relation"] == "part"


def test_the_figures_table_shows_the_part_of_a_part(tmp_path, capsys):
    folder = _dataset(tmp_path / "d")
    assert cli.main(["figures", str(folder), "--period", "2023-H1", "--unit", "001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # On a narrow terminal the code sits on its own line under the name: read both.
    at = next(i for i, l in enumerate(lines) if "facility_compulsory_wo" in l)
    assert any("– nữ" in l and " 20 " in l.replace("│", " ") for l in lines[at - 1:at + 1])


def test_a_city_rolls_up_every_level(tmp_path):
    from reportgen.dataset import load_dataset
    from reportgen.figures import FigureBook
    from reportgen.periods import Period

    values = _values() + [("002", "2023-H1", "facility_managed", "10", ""), ("002", "2023-H1", "facility_women", "2", ""),
                          ("002", "2023-H1", "facility_compulsory", "10", ""),
                          ("002", "2023-H1", "facility_compulsory_women", "2", ""),
                          ("002", "2023-H1", "facility_social", "0", "")]
    book = FigureBook(load_dataset(_dataset(tmp_path / "d", values)).dataset)
    figure = book.figure("01", Period.parse("2023-H1"), "facility_managed")
    [compulsory, social] = figure.parts
    assert (figure.value, figure.of_which[0].value, compulsory.value, compulsory.of_which[0].value) == (842, 33, 624, 22)


def test_the_valid_breakdown_passes_validation(tmp_path):
    assert errors(check(_dataset(tmp_path / "d"))) == []


def test_exhaustive_parts_sum_without_the_overlapping_count(tmp_path):
    found = errors(check(_dataset(tmp_path / "d", _values(social="217"))))
    assert [p.message for p in found] == ["{indicator} of unit {unit} in {period} is {total} but its parts ({parts}) sum to {sum}"]
    assert dict(found[0].params)["sum"] == 831


def test_an_overlapping_count_larger_than_its_figure_is_an_error_at_every_level(tmp_path):
    found = errors(check(_dataset(tmp_path / "d", _values(compulsory_women="615"))))
    assert [(p.message, p.value) for p in found] == [
        ("{part} ({value}) is counted among {indicator} ({total}) but exceeds it for unit {unit} in {period}", 615)]
    assert dict(found[0].params)["indicator"] == "facility_compulsory"


def test_a_part_of_a_part_is_checked_against_that_part(tmp_path):
    indicators = INDICATORS[:3] + (
        ("facility_compulsory_new", "tiếp nhận mới", "người", "facility_compulsory", "", "true", "stock", ""),
        ("facility_compulsory_old", "chuyển từ kỳ trước", "người", "facility_compulsory", "", "true", "stock", ""),
    ) + INDICATORS[4:]
    values = _values()[:3] + [("001", "2023-H1", "facility_compulsory_new", "600", ""),
                              ("001", "2023-H1", "facility_compulsory_old", "13", "")] + _values()[4:]
    found = errors(check(_dataset(tmp_path / "d", values, indicators)))
    assert [dict(p.params)["indicator"] for p in found] == ["facility_compulsory"]
    assert dict(found[0].params)["sum"] == 613


def test_an_unknown_relation_is_a_located_error(tmp_path):
    indicators = INDICATORS[:1] + (INDICATORS[1][:7] + ("among",),) + INDICATORS[2:]
    found = errors(check(_dataset(tmp_path / "d", indicators=indicators)))
    # Read as a part meanwhile, so the split no longer sums either: both are said.
    assert len(found) == 2
    [problem] = [p for p in found if p.message == "unknown relation to the parent indicator"]
    assert (problem.location.file, problem.location.row, problem.location.column, problem.value) == (
        "indicators.csv", 3, "relation", "among")


def test_a_breakdown_that_loops_is_an_error_not_a_hang(tmp_path):
    indicators = (("loop_a", "A", "người", "loop_b", "", "true", "flow", ""),
                  ("loop_b", "B", "người", "loop_a", "", "true", "flow", ""))
    found = errors(check(_dataset(tmp_path / "d", [("001", "2023-H1", "loop_a", "1", "")], indicators)))
    assert {p.message for p in found} == {"indicator {code} is a part of itself (through {parent})"}
