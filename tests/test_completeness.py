"""Reports that never hide missing data (issue 11): a parent built from units below that
have not all reported says so in the draft, on the command line and under --strict; a
unit with no figures at all fails; validate asks for notes for every report with figures.
Each case reads the DOCX that `reportgen build` writes."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from reportgen import cli
from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook
from reportgen.i18n import set_language
from reportgen.periods import Period
from tests.dataset_factory import TINY_SETTINGS, check, errors, warnings, write_tiny

SETTINGS = TINY_SETTINGS + ('agency:\n  name: "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"\n'
                            '  short: "LĐTBXH"\n')
BOTH = [("001", "2023-H1", "rehab_compulsory", "40", ""),
        ("002", "2023-H1", "rehab_compulsory", "21", "")]
ONE = BOTH[:1]
LINE = "Số liệu chưa đủ"


@pytest.fixture(autouse=True)
def english():
    yield
    set_language("vi")


def _build(folder: Path, out: Path, *units: str, strict: bool = False) -> int:
    args = ["--lang", "en", "build", str(folder), "--period", "2023-H1", "--format", "docx",
            "--out", str(out), "--jobs", "1"]
    for unit in units:
        args += ["--unit", unit]
    return cli.main(args + (["--strict"] if strict else []))


def _placeholders(path: Path) -> list[str]:
    """The highlighted paragraphs of a DOCX (the clerk's to-do lines)."""
    return [p.text for p in Document(str(path)).paragraphs
            if any(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs)]


def _paragraph(path: Path, words: str) -> str:
    return next(p.text for p in Document(str(path)).paragraphs if words in p.text)


def test_a_city_built_from_one_of_two_districts_says_so(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", ONE, settings=SETTINGS)
    assert _build(folder, tmp_path / "out", "01") == 0
    err = capsys.readouterr().err
    assert "warning: 01 2023-H1: the figures are incomplete (1/2 unit(s) below have no figures: 002 Quận Hoàn Kiếm)" in err
    docx = tmp_path / "out" / "2023-H1" / "01.docx"
    [line] = [t for t in _placeholders(docx) if LINE in t]
    assert line.startswith("[Số liệu chưa đủ: 1/2 đơn vị chưa báo cáo: Quận Hoàn Kiếm.")
    # The one district's 40 people are printed, but no longer as the city's without the line.
    assert "cai nghiện bắt buộc cho 40 người" in _paragraph(docx, "cai nghiện bắt buộc")


def test_no_line_when_every_district_reported(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", BOTH, settings=SETTINGS)
    assert _build(folder, tmp_path / "out", "01") == 0
    assert "incomplete" not in capsys.readouterr().err
    docx = tmp_path / "out" / "2023-H1" / "01.docx"
    assert not [t for t in _placeholders(docx) if LINE in t]
    assert "cai nghiện bắt buộc cho 61 người" in _paragraph(docx, "cai nghiện bắt buộc")


@pytest.mark.parametrize("setting", ['totals_final:\n  "2023-H1": true\n',
                                     'totals_final:\n  "2023-H1": ["01"]\n',
                                     'totals_final:\n  "2023-H1": {"01": true}\n'])
def test_no_line_when_the_clerk_declares_the_totals_final(tmp_path, capsys, setting):
    folder = write_tiny(tmp_path / "d", ONE, settings=SETTINGS + setting)
    assert errors(check(folder)) == []
    assert _build(folder, tmp_path / "out", "01", strict=True) == 0
    assert "incomplete" not in capsys.readouterr().err
    assert not [t for t in _placeholders(tmp_path / "out" / "2023-H1" / "01.docx") if LINE in t]


def test_totals_final_for_another_unit_or_period_leaves_the_line(tmp_path):
    folder = write_tiny(tmp_path / "d", ONE,
                        settings=SETTINGS + 'totals_final:\n  "2023-H1": ["001"]\n  "2023-Y": true\n')
    assert _build(folder, tmp_path / "out", "01") == 0
    assert [t for t in _placeholders(tmp_path / "out" / "2023-H1" / "01.docx") if LINE in t]


def test_strict_fails_an_incomplete_report_and_writes_no_draft(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", ONE, settings=SETTINGS)
    assert _build(folder, tmp_path / "out", "01", "001", strict=True) == 1
    err = capsys.readouterr().err
    assert "failed: 01 2023-H1: the figures are incomplete (1/2 unit(s) below have no figures: 002 Quận Hoàn Kiếm)" in err
    assert not (tmp_path / "out" / "2023-H1" / "01.docx").exists()
    assert (tmp_path / "out" / "2023-H1" / "001.docx").exists()  # complete: built


def test_a_unit_with_no_figures_fails_with_its_reason(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", ONE, settings=SETTINGS)
    assert _build(folder, tmp_path / "out", "001", "002") == 1
    captured = capsys.readouterr()
    assert ("failed: 002 2023-H1: unit 002 (Quận Hoàn Kiếm) has no figures for 2023-H1: neither it "
            "nor any unit below it has a row in values") in captured.err
    assert "1 built" in captured.out
    assert not (tmp_path / "out" / "2023-H1" / "002.docx").exists()


THREE_LEVELS = (("01", "Thành phố Hà Nội", "thanh-pho", ""), ("001", "Quận Ba Đình", "quan", "01"),
                ("00001", "Phường Phúc Xá", "phuong", "001"), ("00004", "Phường Trúc Bạch", "phuong", "001"))


def test_a_gap_two_levels_down_reaches_the_city_report(tmp_path):
    folder = write_tiny(tmp_path / "d", [("00001", "2023-H1", "rehab_compulsory", "3", "")],
                        units=THREE_LEVELS, settings=SETTINGS)
    assert _build(folder, tmp_path / "out", "01", "001") == 0
    city = [t for t in _placeholders(tmp_path / "out" / "2023-H1" / "01.docx") if LINE in t]
    district = [t for t in _placeholders(tmp_path / "out" / "2023-H1" / "001.docx") if LINE in t]
    assert city and "số liệu của Quận Ba Đình chưa đủ" in city[0]
    assert district and "1/2 đơn vị chưa báo cáo: Phường Trúc Bạch" in district[0]


def test_completeness_lists_reported_and_missing_children(tmp_path):
    dataset = load_dataset(write_tiny(tmp_path / "d", ONE)).dataset
    completeness = FigureBook(dataset).completeness("01", Period.parse("2023-H1"))
    assert [u.code for u in completeness.reported] == ["001"]
    assert [u.code for u in completeness.missing] == ["002"]
    assert (completeness.children, completeness.complete) == (2, False)


def test_validate_asks_for_the_notes_of_a_city_that_has_only_rolled_up_figures(tmp_path):
    folder = write_tiny(tmp_path / "d", ONE, notes=False)
    note = folder / "notes" / "2023-H1" / "001.md"
    note.parent.mkdir(parents=True)
    note.write_text("## Tồn tại, hạn chế\n\nA.\n\n## Phương hướng, nhiệm vụ\n\nB.\n\n"
                    "## Đề xuất, kiến nghị\n\nC.\n", encoding="utf-8")
    [problem] = warnings(check(folder))
    assert dict(problem.params)["units"] == "01" and dict(problem.params)["period"] == "2023-H1"


@pytest.mark.parametrize("setting, value", [('totals_final:\n  "2023-H1": ["999"]\n', "999"),
                                            ('totals_final:\n  "2023-X": true\n', None),
                                            ('totals_final: yes please\n', "yes please")])
def test_a_wrong_totals_final_setting_is_a_located_error(tmp_path, setting, value):
    found = errors(check(write_tiny(tmp_path / "d", ONE, settings=TINY_SETTINGS + setting)))
    assert len(found) == 1 and found[0].location.key.startswith("totals_final")
    if value is not None:
        assert found[0].value == value
