"""Vietnamese (vi-VN) formatting of figures, dates and phrases, on babel's vi locale.

Every number a report prints goes through here, so "1.200", "67,4%" and "ngày 05 tháng 7"
are decided in one place. Rounding is half up (domain.md §4) and happens here, at print
time only: babel itself rounds half-even, so values are quantized before babel sees them.
The functions are also registered as Jinja filters and globals (`register`).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal as _babel_format_decimal

LOCALE = "vi"

Number = int | Decimal


def round_half_up(value: Number, decimals: int) -> Decimal:
    """Round an exact value half up to `decimals` places (49/400 → 12,25 → 12,3)."""
    exponent = Decimal(1).scaleb(-decimals)
    return Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def format_count(value: int, *, leading_zero: bool = False) -> str:
    """1200 → "1.200"; with leading_zero, counts from 1 to 9 → "05" (official style)."""
    if leading_zero and 0 < value < 10:
        return f"0{value}"
    return _babel_format_decimal(value, format="#,##0", locale=LOCALE)


def format_report_number(number: str) -> str:
    """The records office's report number as printed: 1 to 9 take a leading zero ("05"),
    as counts do in the official style; any other number is printed as it was given."""
    if number.isdigit() and 0 < int(number) < 10:
        return format_count(int(number), leading_zero=True)
    return number


def format_number(value: Number, decimals: int = 0) -> str:
    """A decimal figure at a fixed precision, trailing zeros kept: 1.5 → "1,5"."""
    rounded = round_half_up(value, decimals)
    return _babel_format_decimal(rounded, format=_pattern(decimals), locale=LOCALE,
                                 decimal_quantization=False)


def format_value(value: Number, *, leading_zero: bool = False) -> str:
    """A reported value: integers as counts, other decimals with their own digits."""
    if isinstance(value, int):
        return format_count(value, leading_zero=leading_zero)
    decimal = Decimal(value)
    if decimal == decimal.to_integral_value():
        return format_count(int(decimal), leading_zero=leading_zero)
    digits = max(0, -decimal.normalize().as_tuple().exponent)
    return format_number(decimal, digits)


def format_percent(value: Number, decimals: int = 1) -> str:
    """An exact percentage → "67,4%" (no space before %, half up, zeros kept)."""
    return format_number(value, decimals) + "%"


def format_signed(value: Number) -> str:
    """A change in a table cell: "+273", "-316", "0"; a decimal one "+1,5", "-0,25", "0,0".
    The one signed form: the appendix, figures.json and the diff page all print it."""
    text = format_value(abs(value))
    if value > 0:
        return "+" + text
    if value < 0:
        return "-" + text
    return text


def change_words(delta: Number | None) -> str:
    """ "tăng 273" / "giảm 8" / "giảm 1,5" / "bằng"; "" when there is no prior figure.
    A difference never takes the official leading zero ("giảm 08"): Nghị định 30's zero
    is for counts below 10 in running text, and a change is not a count."""
    if delta is None:
        return ""
    if delta == 0:
        return "bằng"
    word = "tăng" if delta > 0 else "giảm"
    return f"{word} {format_value(abs(delta))}"


# Table cells: a missing figure is an empty cell, never "None" or "0".

def cell_value(amount: Number | None) -> str:
    return "" if amount is None else format_value(amount)


def cell_percent(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else format_percent(value, decimals)


def cell_signed(amount: Number | None) -> str:
    return "" if amount is None else format_signed(amount)


def format_day_month(day: int, month: int) -> tuple[str, str]:
    """Nghị định 30: days below 10 and months 1 and 2 take a leading zero."""
    day_text = f"{day:02d}"
    month_text = f"{month:02d}" if month <= 2 else str(month)
    return day_text, month_text


def format_date_line(place: str, when: date | None) -> str:
    """ "Hà Nội, ngày 05 tháng 7 năm 2023"; without a date the blanks stay for the clerk."""
    if when is None:
        return f"{place}, ngày      tháng      năm"
    day_text, month_text = format_day_month(when.day, when.month)
    return f"{place}, ngày {day_text} tháng {month_text} năm {when.year}"


def format_date_words(when: date | None) -> str:
    """ "ngày 05 tháng 7 năm 2023" (used in appendix references)."""
    if when is None:
        return "ngày      tháng      năm"
    day_text, month_text = format_day_month(when.day, when.month)
    return f"ngày {day_text} tháng {month_text} năm {when.year}"


def format_short_date(when: date) -> str:
    """ "15/12/2022", "14/6/2023", "24/01/2019": the compact form, same leading-zero rule."""
    day_text, month_text = format_day_month(when.day, when.month)
    return f"{day_text}/{month_text}/{when.year}"


def change_phrase(delta: int | None, noun: str, prior_year: int) -> str:
    """ "tăng 273 người so với cùng kỳ năm 2022" / "giảm …" / "bằng cùng kỳ năm 2022".
    Returns "" when there is no prior figure: the clause is left out, never invented."""
    if delta is None:
        return ""
    if delta == 0:
        return f"bằng cùng kỳ năm {prior_year}"
    words = change_words(delta)
    return f"{words} {noun} so với cùng kỳ năm {prior_year}".replace("  ", " ")


def running_name(name: str) -> str:
    """A catalogue name as it reads inside a sentence: "Số người tiếp nhận mới" →
    "số người tiếp nhận mới" after "trong đó,". Acronyms and names whose second letter
    is also a capital ("HV cai nghiện", "ĐTXH") keep their case."""
    if len(name) >= 2 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


# Two-syllable words of agency names that a line break must never split ("THƯƠNG /
# BINH" reads as two words); compared in upper case.
_AGENCY_WORDS = frozenset({
    "THƯƠNG BINH", "LAO ĐỘNG", "XÃ HỘI", "Y TẾ", "CÔNG AN", "NHÂN DÂN", "ỦY BAN", "UỶ BAN",
    "THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "CHI CỤC", "TỆ NẠN", "PHÒNG CHỐNG", "MA TÚY",
    "MA TUÝ", "CAI NGHIỆN", "GIÁO DỤC", "ĐÀO TẠO", "TƯ PHÁP", "NỘI VỤ", "TÀI CHÍNH",
    "KẾ HOẠCH", "ĐẦU TƯ", "VĂN HÓA", "VĂN HOÁ", "THỂ THAO", "DU LỊCH", "CHỦ NGHĨA",
    "CỘNG HÒA", "VIỆT NAM", "HÀ NỘI", "HỒ CHÍ", "CHÍ MINH", "PHÒNG, CHỐNG",
})
# Where a break reads best: after the " - " joining two word groups, then before "VÀ"
# and before a level word; anywhere else between words last.
_BREAK_BEFORE = {"VÀ": 1, "CỦA": 1, "THÀNH": 2, "QUẬN": 2, "HUYỆN": 2, "TỈNH": 2, "THỊ": 2,
                 "XÃ": 2, "PHƯỜNG": 2}


def break_lines(text: str, max_chars: int) -> str:
    """An UPPER header line broken into lines of at most `max_chars` characters, between
    word groups: "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" → "SỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ
    XÃ HỘI", never inside "THƯƠNG BINH". A text that already holds a break (the setting
    gave it) is kept as given; a text that fits stays on one line. Fewest lines first,
    then the best places, then the most even lines."""
    if "\n" in text or len(text) <= max_chars:
        return text
    words = text.split()

    def cost(i: int) -> int | None:  # a break before words[i]
        before, after = words[i - 1], words[i]
        if after == "-" or f"{before} {after}".upper() in _AGENCY_WORDS:
            return None
        if before == "-":
            return 0
        return _BREAK_BEFORE.get(after.upper(), 3)

    @lru_cache(maxsize=None)
    def best(start: int) -> tuple[tuple[int, int, int], tuple[int, ...]] | None:
        # (lines, sum of costs, longest line) and the break positions, for words[start:]
        rest = " ".join(words[start:])
        found = None
        if len(rest) <= max_chars:
            found = ((1, 0, len(rest)), ())
        for i in range(start + 1, len(words)):
            line = " ".join(words[start:i])
            if len(line) > max_chars:
                break
            c = cost(i)
            tail = best(i) if c is not None else None
            if tail is None:
                continue
            (lines, costs, longest), breaks = tail
            score = (lines + 1, costs + c, max(longest, len(line)))
            if found is None or score < found[0]:
                found = (score, (i, *breaks))
        return found

    result = best(0)
    if result is None:  # no break fits the width: keep the name whole, the renderer wraps
        return text
    cuts = (0, *result[1], len(words))
    return "\n".join(" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:]))


def register(environment, *, percent_decimals: int = 1, leading_zero: bool = False) -> None:
    """Expose the formatters to Jinja templates as filters and globals."""
    filters = {
        "count": lambda v: format_count(v, leading_zero=leading_zero),
        "value": lambda v: format_value(v, leading_zero=leading_zero),
        "percent": lambda v, d=percent_decimals: format_percent(v, d),
        "number": format_number,
        "signed": format_signed,
        "date_words": format_date_words,
        "short_date": format_short_date,
        "running": running_name,
    }
    environment.filters.update(filters)
    # A figure of 0 with no plan: the sentence says "không có … nào" instead of "0 người".
    environment.tests["nil"] = lambda fig: fig.value == 0 and not fig.target
    environment.globals.update(
        change_phrase=change_phrase,
        date_line=format_date_line,
    )
