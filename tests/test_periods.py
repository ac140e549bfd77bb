"""Periods (domain.md §2): codes, Vietnamese labels, Nghị định 09 cut-off dates."""
from __future__ import annotations

from datetime import date

import pytest

from reportgen.periods import Period, PeriodError


@pytest.mark.parametrize("code, year, kind", [
    ("2023-H1", 2023, "H1"), ("2023-9M", 2023, "9M"), ("2023-Y", 2023, "Y"),
    ("2023-Q3", 2023, "Q3"), ("2024-Q1", 2024, "Q1"),
])
def test_period_codes_parse(code, year, kind):
    period = Period.parse(code)
    assert (period.year, period.kind) == (year, kind)
    assert period.code == code == str(period)


def test_surrounding_spaces_are_ignored():
    assert Period.parse(" 2023-H1 ") == Period(2023, "H1")


@pytest.mark.parametrize("junk", [
    "", "2023", "2023-H2", "2023-Q5", "2023-Q0", "2023H1", "23-H1", "H1-2023",
    "2023-6M", "2023-H1x", "năm 2023",
])
def test_junk_period_codes_are_rejected(junk):
    with pytest.raises(PeriodError):
        Period.parse(junk)


@pytest.mark.parametrize("code, label", [
    ("2023-H1", "6 tháng đầu năm 2023"),
    ("2023-9M", "9 tháng năm 2023"),
    ("2023-Y", "năm 2023"),
    ("2023-Q1", "quý I năm 2023"),
    ("2023-Q3", "quý III năm 2023"),
    ("2023-Q4", "quý IV năm 2023"),
])
def test_vietnamese_labels(code, label):
    assert Period.parse(code).label == label


@pytest.mark.parametrize("code, start, end", [
    ("2023-H1", date(2022, 12, 15), date(2023, 6, 14)),
    ("2023-9M", date(2022, 12, 15), date(2023, 9, 14)),
    ("2023-Y", date(2022, 12, 15), date(2023, 12, 14)),
    ("2023-Q1", date(2022, 12, 15), date(2023, 3, 14)),
    ("2023-Q2", date(2023, 3, 15), date(2023, 6, 14)),
    ("2023-Q3", date(2023, 6, 15), date(2023, 9, 14)),
    ("2023-Q4", date(2023, 9, 15), date(2023, 12, 14)),
])
def test_cut_off_dates_follow_decree_09(code, start, end):
    period = Period.parse(code)
    assert (period.cutoff_start, period.cutoff_end) == (start, end)


@pytest.mark.parametrize("code, last_year", [
    ("2023-H1", "2022-H1"), ("2023-Y", "2022-Y"), ("2023-Q3", "2022-Q3"), ("2024-9M", "2023-9M"),
])
def test_same_period_last_year(code, last_year):
    assert Period.parse(code).same_period_last_year().code == last_year


@pytest.mark.parametrize("code, outlook", [
    ("2023-H1", "6 tháng cuối năm 2023"),
    ("2023-Y", "năm 2024"),
    ("2023-9M", "3 tháng cuối năm 2023"),
    ("2023-Q4", "quý I năm 2024"),
])
def test_outlook_labels(code, outlook):
    assert Period.parse(code).outlook_label == outlook


def test_periods_sort_in_reporting_order():
    codes = ["2023-Y", "2023-Q3", "2022-Y", "2023-9M", "2023-H1", "2023-Q1"]
    ordered = sorted((Period.parse(c) for c in codes), key=lambda p: p.sort_key)
    assert [p.code for p in ordered] == ["2022-Y", "2023-Q1", "2023-H1", "2023-Q3", "2023-9M", "2023-Y"]


def test_flows_of_a_longer_cumulative_period_contain_the_shorter():
    h1, nine, year = Period.parse("2023-H1"), Period.parse("2023-9M"), Period.parse("2023-Y")
    assert year.contains_flow_of(h1) and nine.contains_flow_of(h1) and year.contains_flow_of(nine)
    assert not h1.contains_flow_of(year)
    assert not year.contains_flow_of(Period.parse("2022-H1"))
    assert not year.contains_flow_of(Period.parse("2023-Q1"))


def test_period_codes_sort_as_periods_with_unknown_codes_last():
    from reportgen.periods import code_sort_key

    codes = ["2024-H1", "bad", "2023-Y", "2023-H1", "2023-Q2", "2023-9M"]
    assert sorted(codes, key=code_sort_key) == ["2023-Q2", "2023-H1", "2023-9M", "2023-Y", "2024-H1", "bad"]
