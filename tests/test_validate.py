"""The consistency rules of domain.md §6: each problem is found, located (file, sheet,
row, column, value) and explained, and all of them are reported in one run."""
from __future__ import annotations

import pytest

from reportgen.cli import main
from reportgen.i18n import set_language
from reportgen.problems import Problem
from tests.dataset_factory import (
    TINY_UNITS, check, copy_sample, errors, row_of, set_sample_value, warnings, write_tiny,
)


@pytest.fixture(autouse=True)
def _vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def the_problem(problems: list[Problem], message: str) -> Problem:
    """The one problem with this message; every problem must also print in both languages."""
    for language in ("en", "vi"):
        set_language(language)
        for problem in problems:
            assert "{" not in problem.describe(), problem.describe()
    found = [p for p in problems if p.message == message]
    assert len(found) == 1, [p.describe() for p in problems]
    return found[0]


def where(problem: Problem) -> tuple:
    loc = problem.location
    return loc.file, loc.sheet, loc.row, loc.column


def test_a_consistent_tiny_dataset_has_no_problems(tmp_path):
    values = [("01", "2023-H1", "methadone_new", "3", "own"),
              ("001", "2023-H1", "methadone_new", "5", ""),
              ("002", "2023-H1", "methadone_new", "6", ""),
              ("01", "2023-H1", "methadone_new", "14", "")]
    assert check(write_tiny(tmp_path / "d", values)) == []


def test_the_sample_dataset_has_no_errors():
    from tests.dataset_factory import HANOI
    assert errors(check(HANOI)) == []


def test_unknown_unit_in_values(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""), ("999", "2023-H1", "methadone_new", "5", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values, notes=False)), "unknown unit code")
    assert problem.is_error
    assert where(problem) == ("values.csv", None, 3, "unit")
    assert problem.value == "999"


def test_unknown_unit_in_targets(tmp_path):
    targets = [("999", "2023", "methadone_new", "10")]
    problem = the_problem(check(write_tiny(tmp_path / "d", [], targets=targets)), "unknown unit code")
    assert where(problem) == ("targets.csv", None, 2, "unit") and problem.value == "999"


def test_unknown_parent_unit(tmp_path):
    units = [*TINY_UNITS, ("003", "Quận Tây Hồ", "quan", "0l")]
    problem = the_problem(check(write_tiny(tmp_path / "d", [], units=units)), "unit {code} has an unknown parent")
    assert where(problem)[:1] == ("units.csv",) and problem.location.column == "parent"
    assert problem.value == "0l" and dict(problem.params)["code"] == "003"


def test_unknown_indicator(tmp_path):
    values = [("001", "2023-H1", "methadone_nwe", "5", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "unknown indicator code")
    assert where(problem) == ("values.csv", None, 2, "indicator")
    assert problem.value == "methadone_nwe"


def test_unknown_period(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""), ("001", "2023-H3", "methadone_new", "5", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "not a period code")
    assert where(problem) == ("values.csv", None, 3, "period")
    assert problem.value == "2023-H3"


def test_duplicate_key(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""),
              ("002", "2023-H1", "methadone_new", "6", ""),
              ("001", "2023-H1", "methadone_new", "7", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)),
                          "duplicate figure for unit {unit}, period {period}, indicator {indicator} (first given in row {first})")
    assert where(problem) == ("values.csv", None, 4, "value")
    assert dict(problem.params)["first"] == 2
    assert "dòng 2" in problem.describe()


def test_duplicate_target(tmp_path):
    targets = [("001", "2023", "methadone_new", "10"), ("001", "2023", "methadone_new", "12")]
    problem = the_problem(check(write_tiny(tmp_path / "d", [], targets=targets)),
                          "duplicate target for unit {unit}, year {year}, indicator {indicator} (first given in row {first})")
    assert where(problem) == ("targets.csv", None, 3, "target")


def test_negative_value(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "-5", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "a count cannot be negative")
    assert where(problem) == ("values.csv", None, 2, "value")
    assert problem.value == "-5"
    assert problem.fix  # says what would fix it


@pytest.mark.parametrize("text", ["2,5", "12.5", "mười", "5 người"])
def test_non_integer_value(tmp_path, text):
    values = [("001", "2023-H1", "methadone_new", text, "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "not a whole number")
    assert where(problem) == ("values.csv", None, 2, "value")
    assert problem.value == text


def test_empty_value(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "the figure is empty")
    assert where(problem) == ("values.csv", None, 2, "value")


def test_exhaustive_parts_must_sum_to_their_total(tmp_path):
    values = [("001", "2023-H1", "rehab_compulsory", "10", ""),
              ("001", "2023-H1", "rehab_compulsory_resident", "4", ""),
              ("001", "2023-H1", "rehab_compulsory_nonresident", "5", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)),
                          "{indicator} of unit {unit} in {period} is {total} but its parts ({parts}) sum to {sum}")
    assert where(problem) == ("values.csv", None, 2, "value")
    assert problem.value == 10 and dict(problem.params)["sum"] == 9


def test_exhaustive_parts_that_sum_are_accepted(tmp_path):
    values = [("001", "2023-H1", "rehab_compulsory", "9", ""),
              ("001", "2023-H1", "rehab_compulsory_resident", "4", ""),
              ("001", "2023-H1", "rehab_compulsory_nonresident", "5", "")]
    assert check(write_tiny(tmp_path / "d", values)) == []


def test_only_some_exhaustive_parts_given(tmp_path):
    values = [("001", "2023-H1", "rehab_compulsory", "10", ""),
              ("001", "2023-H1", "rehab_compulsory_resident", "4", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)),
                          "{indicator} of unit {unit} in {period} has only some of its parts; missing: {missing}")
    assert where(problem) == ("values.csv", None, 2, "value")
    assert dict(problem.params)["missing"] == "rehab_compulsory_nonresident"


def test_non_exhaustive_part_may_not_exceed_its_total(tmp_path):
    values = [("001", "2023-H1", "sensitive_businesses", "5", ""),
              ("001", "2023-H1", "prostitution_prone_businesses", "7", "")]
    problem = the_problem(check(write_tiny(tmp_path / "d", values)),
                          "{part} ({value}) exceeds its total {indicator} ({total}) for unit {unit} in {period}")
    assert where(problem) == ("values.csv", None, 3, "value")
    assert problem.value == 7


def test_non_exhaustive_part_need_not_sum_to_its_total(tmp_path):
    values = [("001", "2023-H1", "sensitive_businesses", "5", ""),
              ("001", "2023-H1", "prostitution_prone_businesses", "2", "")]
    assert check(write_tiny(tmp_path / "d", values)) == []


def test_parent_must_equal_its_children_plus_its_own_share(tmp_path):
    values = [("01", "2023-H1", "methadone_new", "100", ""),
              ("01", "2023-H1", "methadone_new", "5", "own"),
              ("001", "2023-H1", "methadone_new", "40", ""),
              ("002", "2023-H1", "methadone_new", "50", "")]
    problem = the_problem(
        check(write_tiny(tmp_path / "d", values)),
        "unit {unit}'s {indicator} in {period} is {value} but its units below sum to {children} (plus its own {own} = {expected})")
    assert where(problem) == ("values.csv", None, 2, "value")
    assert problem.value == 100
    params = dict(problem.params)
    assert (params["children"], params["own"], params["expected"]) == (90, 5, 95)


def test_parent_equal_to_children_plus_own_share_is_accepted(tmp_path):
    values = [("01", "2023-H1", "methadone_new", "95", ""),
              ("01", "2023-H1", "methadone_new", "5", "own"),
              ("001", "2023-H1", "methadone_new", "40", ""),
              ("002", "2023-H1", "methadone_new", "50", "")]
    assert check(write_tiny(tmp_path / "d", values)) == []


def test_parent_mismatch_in_the_sample_is_located(tmp_path):
    folder = copy_sample(tmp_path)
    row = set_sample_value(folder, "01", "2023-H1", "methadone_new", "24")
    problem = the_problem(
        check(folder),
        "unit {unit}'s {indicator} in {period} is {value} but its units below sum to {children} (plus its own {own} = {expected})")
    assert where(problem) == ("values.csv", None, row, "value") and problem.value == 24


FLOW_DROP = [("001", "2023-H1", "methadone_new", "10", ""), ("001", "2023-Y", "methadone_new", "8", "")]


def test_a_flow_lower_later_in_the_year_is_a_warning(tmp_path):
    problems = check(write_tiny(tmp_path / "d", FLOW_DROP))
    problem = the_problem(
        problems, "{indicator} of unit {unit} is {late} in {later}, less than {early} in {earlier}; a flow accumulates over the year")
    assert not problem.is_error and errors(problems) == []
    assert where(problem) == ("values.csv", None, 3, "value") and problem.value == 8


def test_a_stock_may_fall_during_the_year(tmp_path):
    values = [("001", "2023-H1", "methadone_active", "10", ""), ("001", "2023-Y", "methadone_active", "8", "")]
    assert check(write_tiny(tmp_path / "d", values)) == []


def test_flow_warning_exits_0_and_1_with_strict(tmp_path, capsys):
    folder = write_tiny(tmp_path / "d", FLOW_DROP)
    assert main(["validate", str(folder)]) == 0
    assert main(["validate", str(folder), "--strict"]) == 1
    assert "cảnh báo: values.csv, dòng 3, cột value" in capsys.readouterr().err


def test_missing_notes_are_a_warning(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", "")]
    problems = check(write_tiny(tmp_path / "d", values, notes=False))
    problem = the_problem(
        problems, "no notes (sections II–IV) for {count} unit(s) in {period}: {units}; their drafts show placeholders")
    assert not problem.is_error and errors(problems) == []
    assert problem.location.file == "notes/2023-H1/"
    # The city has no row of its own, but its report has figures (001's): it needs notes too.
    assert dict(problem.params)["units"] == "001, 01"


def test_notes_missing_a_section_are_a_warning(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", "")]
    folder = write_tiny(tmp_path / "d", values)
    (folder / "notes" / "2023-H1" / "001.md").write_text("## Tồn tại, hạn chế\n\nCòn chậm.\n", encoding="utf-8")
    problem = the_problem(check(folder),
                          "notes for unit {unit}, {period} lack section(s) {sections}; the draft shows a placeholder")
    assert problem.location.file == "notes/2023-H1/001.md"
    assert dict(problem.params)["sections"] == "III, IV"


def test_all_problems_are_reported_in_one_run(tmp_path):
    values = [("999", "2023-H1", "methadone_new", "5", ""),               # unknown unit
              ("001", "2023-H1", "methadone_nwe", "5", ""),               # unknown indicator
              ("001", "2023-H1", "methadone_new", "-5", ""),              # negative
              ("002", "2023-H1", "rehab_compulsory", "10", ""),           # parts do not sum
              ("002", "2023-H1", "rehab_compulsory_resident", "4", ""),
              ("002", "2023-H1", "rehab_compulsory_nonresident", "5", ""),
              ("002", "2023-H1", "methadone_new", "1", ""),
              ("002", "2023-H1", "methadone_new", "2", "")]               # duplicate
    found = errors(check(write_tiny(tmp_path / "d", values, notes=False)))
    assert sorted((p.message, p.location.row) for p in found) == sorted([
        ("unknown unit code", 2),
        ("unknown indicator code", 3),
        ("a count cannot be negative", 4),
        ("{indicator} of unit {unit} in {period} is {total} but its parts ({parts}) sum to {sum}", 5),
        ("duplicate figure for unit {unit}, period {period}, indicator {indicator} (first given in row {first})", 9),
    ])


def _tiny_workbook(path, values):
    write_workbook = pytest.importorskip("reportgen.dataset.workbook").write_workbook
    tables = {
        "units": [dict(zip(("code", "name", "level", "parent"), u)) for u in TINY_UNITS],
        "values": [dict(zip(("unit", "period", "indicator", "value", "scope"), v)) for v in values],
        "settings": {"title": "Phòng, chống tệ nạn xã hội", "root": "01"},
    }
    return write_workbook(tables, path)


def test_a_workbook_problem_names_the_sheet_and_the_cell(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""), ("002", "2023-H1", "methadone_new", "-3", "")]
    problem = the_problem(check(_tiny_workbook(tmp_path / "so_lieu.xlsx", values)), "a count cannot be negative")
    assert where(problem) == ("so_lieu.xlsx", "Số liệu", 3, "Giá trị")
    assert problem.location.column_letter == "D"
    assert problem.describe().startswith("lỗi: so_lieu.xlsx, trang tính Số liệu, dòng 3, cột Giá trị (ô D3): ")


def test_a_workbook_unknown_unit_points_at_the_unit_cell(tmp_path):
    values = [("001", "2023-H1", "methadone_new", "5", ""), ("998", "2023-H1", "methadone_new", "3", "")]
    problem = the_problem(check(_tiny_workbook(tmp_path / "so_lieu.xlsx", values)), "unknown unit code")
    assert where(problem) == ("so_lieu.xlsx", "Số liệu", 3, "Mã đơn vị") and problem.location.column_letter == "A"
    assert "ô A3" in problem.describe()


def test_every_problem_says_how_to_fix_it(tmp_path):
    values = [("999", "2023-H1", "methadone_new", "5", ""), ("001", "2023-H1", "methadone_nwe", "5", ""),
              ("001", "2023-H3", "methadone_new", "5", ""), ("002", "2023-H1", "methadone_new", "", "")]
    problems = check(write_tiny(tmp_path / "d", values, notes=False))
    assert len(problems) >= 5
    assert all(p.fix for p in problems)
    assert all("Cách sửa: " in p.describe() for p in problems)


def test_row_numbers_match_the_spreadsheet(tmp_path):
    values = [("001", "2023-H1", "methadone_new", str(n), "") for n in range(1, 11)]
    values[7] = ("001", "2023-H1", "methadone_nwe", "8", "")
    problem = the_problem(check(write_tiny(tmp_path / "d", values)), "unknown indicator code")
    assert problem.location.row == row_of(values, values[7]) == 9
    assert "methadone_new?" in problem.describe()  # did you mean the code it is closest to


def test_a_flow_warning_is_given_once_at_the_row_that_fell(tmp_path):
    values = [*FLOW_DROP, ("002", "2023-H1", "methadone_new", "1", ""), ("002", "2023-Y", "methadone_new", "1", "")]
    flagged = warnings(check(write_tiny(tmp_path / "d", values)))
    # the city's rolled-up total falls too, but only the district's row is to blame
    assert [(p.location.row, dict(p.params)["unit"]) for p in flagged] == [(3, "001")]


def test_a_falling_own_share_is_located_at_its_row(tmp_path):
    values = [("01", "2023-H1", "methadone_new", "10", "own"), ("01", "2023-Y", "methadone_new", "8", "own"),
              ("001", "2023-H1", "methadone_new", "1", ""), ("001", "2023-Y", "methadone_new", "1", "")]
    [problem] = warnings(check(write_tiny(tmp_path / "d", values)))
    assert where(problem) == ("values.csv", None, 3, "value")


def test_characters_the_report_font_cannot_print_are_located(tmp_path):
    folder = copy_sample(tmp_path)
    (folder / "notes" / "2023-H1" / "001.md").write_text(
        "## Tồn tại, hạn chế và nguyên nhân\n\nKết quả tốt 😀, còn khó khăn 困.\n", encoding="utf-8")
    problem = the_problem(check(folder), "characters the report font cannot print: {characters}")
    assert problem.is_error
    assert where(problem) == ("notes/2023-H1/001.md", None, 1, None)
    assert "U+1F600" in problem.describe() and "U+56F0" in problem.describe()
