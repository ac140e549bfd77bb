"""Derived figures (domain.md §1, §4): roll-ups, % of plan, change on the same period."""
from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.dataset import load_dataset
from reportgen.figures import FigureBook, ratio_percent
from reportgen.figures_file import figure_rows
from reportgen.periods import Period
from reportgen.vi import format_percent
from tests.dataset_factory import HANOI, write_tiny

H1 = Period.parse("2023-H1")


def book_of(tmp_path, values, targets=()):
    result = load_dataset(write_tiny(tmp_path / "d", values, targets=targets))
    assert not [p for p in result.problems if p.is_error]
    return FigureBook(result.dataset)


def row_for(book, unit, indicator, period=H1):
    rows = {row[0]: row for row in figure_rows(book.dataset, book, unit, period)}
    return dict(zip(("code", "name", "value", "target", "percent", "prior", "change"), rows[indicator]))


def test_a_city_total_is_its_districts_plus_its_own_share(tmp_path):
    book = book_of(tmp_path, [("01", "2023-H1", "methadone_new", "5", "own"),
                              ("001", "2023-H1", "methadone_new", "40", ""),
                              ("002", "2023-H1", "methadone_new", "50", "")])
    assert book.value("01", H1, "methadone_new") == 95
    assert book.figure("01", H1, "methadone_new").own_value == 5


def test_a_city_without_own_share_is_the_sum_of_its_districts(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "methadone_new", "40", ""),
                              ("002", "2023-H1", "methadone_new", "50", "")])
    assert book.value("01", H1, "methadone_new") == 90


def test_an_explicit_parent_value_is_used(tmp_path):
    book = book_of(tmp_path, [("01", "2023-H1", "methadone_new", "97", ""),
                              ("001", "2023-H1", "methadone_new", "40", ""),
                              ("002", "2023-H1", "methadone_new", "50", "")])
    assert book.value("01", H1, "methadone_new") == 97


def test_the_roll_up_works_at_any_depth(tmp_path):
    units = [("01", "Thành phố Hà Nội", "thanh-pho", ""), ("001", "Quận Ba Đình", "quan", "01"),
             ("00001", "Phường Phúc Xá", "phuong", "001"), ("00004", "Phường Trúc Bạch", "phuong", "001")]
    result = load_dataset(write_tiny(tmp_path / "d", [("00001", "2023-H1", "methadone_new", "3", ""),
                                                      ("00004", "2023-H1", "methadone_new", "4", "")], units=units))
    assert FigureBook(result.dataset).value("01", H1, "methadone_new") == 7


def test_the_plan_of_a_city_is_the_sum_of_its_districts_plans(tmp_path):
    book = book_of(tmp_path,
                   [("001", "2023-H1", "vocational_training", "30", ""),
                    ("002", "2023-H1", "vocational_training", "60", "")],
                   targets=[("001", "2023", "vocational_training", "100"),
                            ("002", "2023", "vocational_training", "100")])
    figure = book.figure("01", H1, "vocational_training")
    assert (figure.value, figure.target) == (90, 200)
    assert figure.percent_of_plan == Decimal(45)


def test_a_ratio_across_units_is_recomputed_from_parts_not_summed_or_averaged(tmp_path):
    book = book_of(tmp_path,
                   [("001", "2023-H1", "vocational_training", "1", ""),
                    ("002", "2023-H1", "vocational_training", "99", "")],
                   targets=[("001", "2023", "vocational_training", "3"),
                            ("002", "2023", "vocational_training", "100")])
    district_percents = [book.figure(u, H1, "vocational_training").percent_of_plan for u in ("001", "002")]
    city = book.figure("01", H1, "vocational_training").percent_of_plan
    assert city == ratio_percent(100, 103)
    assert format_percent(city) == "97,1%"
    assert format_percent(sum(district_percents)) == "132,3%"  # what summing would print
    assert format_percent(sum(district_percents) / 2) == "66,2%"  # what averaging would print


def test_an_explicit_city_plan_is_used(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "vocational_training", "30", "")],
                   targets=[("01", "2023", "vocational_training", "60"),
                            ("001", "2023", "vocational_training", "100")])
    assert book.figure("01", H1, "vocational_training").target == 60


def test_without_a_target_there_is_no_percentage(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "vocational_training", "30", "")])
    assert book.figure("001", H1, "vocational_training").percent_of_plan is None
    assert row_for(book, "001", "vocational_training")["percent"] == ""


def test_a_target_of_zero_gives_no_percentage(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "vocational_training", "30", "")],
                   targets=[("001", "2023", "vocational_training", "0")])
    figure = book.figure("001", H1, "vocational_training")
    assert figure.target == 0 and figure.percent_of_plan is None
    row = row_for(book, "001", "vocational_training")
    assert row["target"] == "0" and row["percent"] == ""


def test_the_percentage_uses_the_plan_of_the_periods_year(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "vocational_training", "30", "")],
                   targets=[("001", "2022", "vocational_training", "30"),
                            ("001", "2023", "vocational_training", "60")])
    assert book.figure("001", H1, "vocational_training").percent_of_plan == Decimal(50)


def test_change_is_against_the_same_period_last_year(tmp_path):
    book = book_of(tmp_path, [("001", "2022-H1", "methadone_new", "12", ""),
                              ("001", "2022-Y", "methadone_new", "100", ""),
                              ("001", "2023-H1", "methadone_new", "20", "")])
    figure = book.figure("001", H1, "methadone_new")
    assert (figure.same_period_value, figure.change) == (12, 8)
    assert row_for(book, "001", "methadone_new")["change"] == "tăng 8"


def test_without_a_prior_figure_there_is_no_change(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "methadone_new", "20", "")])
    figure = book.figure("001", H1, "methadone_new")
    assert figure.same_period_value is None and figure.change is None and figure.change_percent is None
    row = row_for(book, "001", "methadone_new")
    assert (row["prior"], row["change"]) == ("", "")


def test_an_unchanged_figure_reads_bang(tmp_path):
    book = book_of(tmp_path, [("001", "2022-H1", "methadone_new", "20", ""),
                              ("001", "2023-H1", "methadone_new", "20", "")])
    assert row_for(book, "001", "methadone_new")["change"] == "bằng"


def test_a_non_additive_indicator_is_not_summed_over_units(tmp_path):
    indicators = [("avg_stay_days", "Số ngày lưu trú bình quân", "ngày", "", "", "false", "stock")]
    result = load_dataset(write_tiny(tmp_path / "d", [("001", "2023-H1", "avg_stay_days", "30", ""),
                                                      ("002", "2023-H1", "avg_stay_days", "40", "")],
                                     indicators=indicators))
    assert FigureBook(result.dataset).value("01", H1, "avg_stay_days") is None


def test_parts_are_nested_under_their_total(tmp_path):
    book = book_of(tmp_path, [("001", "2023-H1", "rehab_compulsory", "9", ""),
                              ("001", "2023-H1", "rehab_compulsory_resident", "4", ""),
                              ("001", "2023-H1", "rehab_compulsory_nonresident", "5", "")])
    [figure] = book.figures_for("001", H1)
    assert [(p.indicator.code, p.value) for p in figure.parts] == [
        ("rehab_compulsory_resident", 4), ("rehab_compulsory_nonresident", 5)]


@pytest.fixture(scope="module")
def hanoi_book():
    return FigureBook(load_dataset(HANOI).dataset)


@pytest.mark.parametrize("indicator, value, target, prior, percent", [
    ("rehab_compulsory", 809, 1200, 536, "67,4%"),
    ("rehab_voluntary", 602, 1150, 918, "52,3%"),
    ("vocational_training", 160, 700, 214, "22,9%"),
    ("aftercare_models_new", 72, 103, 38, "69,9%"),
])
def test_the_sample_city_figures_of_2023_h1(hanoi_book, indicator, value, target, prior, percent):
    figure = hanoi_book.figure("01", H1, indicator)
    assert (figure.value, figure.target, figure.same_period_value) == (value, target, prior)
    assert format_percent(figure.percent_of_plan) == percent


def test_the_sample_city_changes_of_2023_h1(hanoi_book):
    assert hanoi_book.figure("01", H1, "rehab_compulsory").change == 273
    assert hanoi_book.figure("01", H1, "rehab_voluntary").change == -316


def test_the_sample_city_total_equals_its_districts_plus_own(hanoi_book):
    children = sum(hanoi_book.value(c.code, H1, "rehab_compulsory") for c in hanoi_book.dataset.children("01"))
    own = hanoi_book.own_value("01", H1, "rehab_compulsory")
    assert children + own == hanoi_book.value("01", H1, "rehab_compulsory") == 809


def test_the_own_share_is_a_figure_compared_with_last_years_own_share(tmp_path):
    book = book_of(tmp_path, [("01", "2023-H1", "methadone_new", "5", "own"),
                              ("01", "2022-H1", "methadone_new", "8", "own"),
                              ("001", "2023-H1", "methadone_new", "40", "")])
    own = book.own_figure("01", H1, "methadone_new")
    assert (own.value, own.same_period_value, own.change, own.target) == (5, 8, -3, None)
    assert book.own_figure("001", H1, "methadone_new") is None


def test_a_comparison_with_another_period_gives_the_change_and_its_exact_percent(tmp_path):
    book = book_of(tmp_path, [("001", "2022-Y", "methadone_new", "30", ""),
                              ("001", "2023-H1", "methadone_new", "40", ""),
                              ("001", "2023-H1", "rehab_voluntary", "7", "")])
    items = {c.figure.indicator.code: c for c in book.compare("01", H1, Period.parse("2022-Y"))}
    assert (items["methadone_new"].before, items["methadone_new"].change) == (30, 10)
    assert format_percent(items["methadone_new"].change_percent, 2) == "33,33%"
    assert items["rehab_voluntary"].change is None and items["rehab_voluntary"].change_percent is None
