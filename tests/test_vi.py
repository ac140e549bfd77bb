"""Vietnamese formatting (domain.md §4–5): "1.200", "67,4%" half up, date lines, phrases."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from jinja2 import Environment

from reportgen import vi
from reportgen.figures import ratio_percent


@pytest.mark.parametrize("value, text", [
    (0, "0"), (7, "7"), (809, "809"), (1200, "1.200"), (64549, "64.549"), (1234567, "1.234.567"),
])
def test_counts_use_a_dot_between_thousands(value, text):
    assert vi.format_count(value) == text


def test_percent_rounds_half_up_not_half_even():
    # 49/400 = 12,25 %: babel alone would print 12,2 (half even)
    assert vi.format_percent(ratio_percent(49, 400), 1) == "12,3%"


def test_percent_at_zero_decimals_rounds_half_up():
    assert vi.format_percent(ratio_percent(1, 8), 0) == "13%"


def test_percent_at_two_decimals():
    assert vi.format_percent(ratio_percent(1900, 1600), 2) == "118,75%"


def test_percent_keeps_trailing_zeros_at_the_set_precision():
    assert vi.format_percent(ratio_percent(350, 700), 1) == "50,0%"
    assert vi.format_percent(Decimal(100), 2) == "100,00%"


def test_percent_has_a_decimal_comma_and_no_space_before_the_sign():
    assert vi.format_percent(ratio_percent(160, 700), 1) == "22,9%"
    assert vi.format_percent(ratio_percent(809, 1200), 1) == "67,4%"


def test_large_percent_groups_thousands():
    assert vi.format_percent(Decimal("1234.56"), 1) == "1.234,6%"


def test_round_half_up_is_exact_on_decimals():
    assert vi.round_half_up(Decimal("2.675"), 2) == Decimal("2.68")
    assert vi.round_half_up(Decimal("0.5"), 0) == Decimal("1")


def test_decimal_values_keep_their_own_digits():
    assert vi.format_value(Decimal("1.5")) == "1,5"
    assert vi.format_value(Decimal("1200.0")) == "1.200"
    assert vi.format_number(Decimal("1234.5"), 2) == "1.234,50"


def test_date_line_in_january_has_a_leading_zero_month():
    assert vi.format_date_line("Hà Nội", date(2024, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2024"


def test_date_line_in_february_has_a_leading_zero_month():
    assert vi.format_date_words(date(2024, 2, 9)) == "ngày 09 tháng 02 năm 2024"


def test_date_line_in_july_has_no_leading_zero_month():
    assert vi.format_date_line("Hà Nội", date(2023, 7, 5)) == "Hà Nội, ngày 05 tháng 7 năm 2023"


def test_date_line_on_15_december():
    assert vi.format_date_line("Nam Từ Liêm", date(2023, 12, 15)) == "Nam Từ Liêm, ngày 15 tháng 12 năm 2023"


def test_date_line_without_a_date_keeps_blanks_for_the_clerk():
    line = vi.format_date_line("Hà Nội", None)
    assert line.startswith("Hà Nội, ngày ") and "tháng" in line and line.rstrip().endswith("năm")
    assert not any(ch.isdigit() for ch in line)


def test_short_dates_follow_the_same_leading_zero_rule():
    assert vi.format_short_date(date(2022, 12, 15)) == "15/12/2022"
    assert vi.format_short_date(date(2023, 6, 14)) == "14/6/2023"
    assert vi.format_short_date(date(2019, 1, 24)) == "24/01/2019"


def test_change_phrase_for_an_increase():
    assert vi.change_phrase(273, "người", 2022) == "tăng 273 người so với cùng kỳ năm 2022"


def test_change_phrase_for_a_decrease():
    assert vi.change_phrase(-316, "người", 2022) == "giảm 316 người so với cùng kỳ năm 2022"


def test_change_phrase_when_unchanged():
    assert vi.change_phrase(0, "người", 2022) == "bằng cùng kỳ năm 2022"


def test_change_phrase_without_a_prior_figure_is_left_out():
    assert vi.change_phrase(None, "người", 2022) == ""


def test_change_phrase_groups_thousands():
    assert vi.change_phrase(1250, "lượt người", 2022) == "tăng 1.250 lượt người so với cùng kỳ năm 2022"


@pytest.mark.parametrize("value, text", [(5, "05"), (1, "01"), (9, "09"), (0, "0"), (10, "10"), (1200, "1.200")])
def test_leading_zero_counts_when_the_dataset_asks(value, text):
    assert vi.format_count(value, leading_zero=True) == text


def test_no_leading_zero_by_default():
    assert vi.format_count(5) == "5"


def test_signed_changes_for_table_cells():
    assert (vi.format_signed(273), vi.format_signed(-1316), vi.format_signed(0)) == ("+273", "-1.316", "0")


def test_jinja_filters_render_vietnamese_figures():
    env = Environment()
    vi.register(env, percent_decimals=1, leading_zero=True)
    template = env.from_string(
        "{{ value | count }}/{{ target | count }} người, đạt {{ ratio | percent }} KH năm, "
        "{{ change_phrase(delta, 'người', 2022) }}; {{ small | count }} lớp; "
        "{{ date_line('Hà Nội', when) }}; {{ start | short_date }}; {{ ratio | percent(2) }}")
    text = template.render(value=809, target=1200, ratio=ratio_percent(809, 1200), delta=273,
                           small=5, when=date(2023, 7, 5), start=date(2022, 12, 15))
    assert text == ("809/1.200 người, đạt 67,4% KH năm, tăng 273 người so với cùng kỳ năm 2022; "
                    "05 lớp; Hà Nội, ngày 05 tháng 7 năm 2023; 15/12/2022; 67,42%")


def test_jinja_percent_filter_uses_the_dataset_precision():
    env = Environment()
    vi.register(env, percent_decimals=2)
    assert env.from_string("{{ r | percent }}").render(r=ratio_percent(1900, 1600)) == "118,75%"


def test_a_change_has_one_signed_form_for_counts_and_decimals():
    from decimal import Decimal

    assert vi.format_signed(Decimal("1.5")) == "+1,5" == vi.cell_signed(Decimal("1.5"))
    assert vi.format_signed(Decimal("-0.25")) == "-0,25"
    assert vi.cell_signed(None) == "" and vi.cell_signed(-3) == "-3"


def test_change_words_and_the_change_phrase_agree():
    from decimal import Decimal

    assert vi.change_words(273) == "tăng 273" and vi.change_words(-1316) == "giảm 1.316"
    assert vi.change_words(0) == "bằng" and vi.change_words(None) == ""
    assert vi.change_words(Decimal("-1.5")) == "giảm 1,5"
    assert vi.change_phrase(-1316, "người", 2022) == "giảm 1.316 người so với cùng kỳ năm 2022"


def test_a_report_number_below_ten_takes_a_leading_zero():
    assert [vi.format_report_number(n) for n in ("5", "007", "215", "12a")] == ["05", "07", "215", "12a"]
