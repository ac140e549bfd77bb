"""Numbers as drafts write them: vi-VN, and the mis-formats the audit warns about."""
from decimal import Decimal

import pytest

from reportgen.audit.numbers import COMMA_THOUSANDS, DECIMAL_POINT, ENGLISH, VI, parse_number, parse_vi


@pytest.mark.parametrize("raw, options, value, decimals, form, vi_form", [
    ("1.200", {}, 1200, 0, VI, "1.200"),
    ("64.549", {}, 64549, 0, VI, "64.549"),
    ("1.234.567", {}, 1234567, 0, VI, "1.234.567"),
    ("67,4", {"percent": True}, Decimal("67.4"), 1, VI, "67,4%"),
    ("118,75", {"percent": True}, Decimal("118.75"), 2, VI, "118,75%"),
    ("22.8", {"percent": True}, Decimal("22.8"), 1, DECIMAL_POINT, "22,8%"),
    ("1,200", {"count": True}, 1200, 0, COMMA_THOUSANDS, "1.200"),
    ("1,5", {}, Decimal("1.5"), 1, VI, "1,5"),
    ("1,234.5", {}, Decimal("1234.5"), 1, ENGLISH, "1.234,5"),
    ("1.234,5", {}, Decimal("1234.5"), 1, VI, "1.234,5"),
])
def test_numbers_keep_value_precision_and_form(raw, options, value, decimals, form, vi_form):
    number = parse_number(raw, **options)
    assert (number.value, number.decimals, number.form) == (value, decimals, form)
    assert number.vi_form(options.get("percent", False)) == vi_form


@pytest.mark.parametrize("raw", ["16.01.2023", "1.2.3"])
def test_runs_that_are_not_one_number(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("cell, value", [("+273", 273), ("-316", -316), ("67,4%", Decimal("67.4")),
                                         ("1.200", 1200), ("", None), ("Tổng cộng", None)])
def test_table_cells(cell, value):
    assert parse_vi(cell) == value
