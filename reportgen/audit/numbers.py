"""Reading the numbers of a Vietnamese draft, including the mis-formatted ones.

vi-VN writes "1.200" (dot: thousands) and "67,4%" (comma: decimals). Hand-written drafts
also carry "22.8%" (a decimal point), "1,200 người" (a comma as thousands separator) and
"1200 người" (no separator). Each reading keeps the value exactly (int or Decimal), the
number of decimals the draft printed (the precision a recomputed ratio is compared at)
and what, if anything, is wrong with the form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from reportgen import vi

# A maximal run of digits with inner separators; "2022." at a sentence end stops before the dot.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

VI = "vi"
DECIMAL_POINT = "decimal_point"      # "22.8%"
COMMA_THOUSANDS = "comma_thousands"  # "1,200 người"
ENGLISH = "english"                  # "1,234.5"
NO_SEPARATOR = "no_separator"        # "1200 người" (decided by the caller: needs context)


@dataclass(frozen=True)
class Number:
    raw: str
    value: int | Decimal
    decimals: int  # digits printed after the decimal mark
    form: str      # VI or one of the mis-formats above

    def vi_form(self, percent: bool = False) -> str:
        """How vi-VN prints this value at the draft's own precision."""
        if self.decimals:
            text = vi.format_number(self.value, self.decimals)
        else:
            text = vi.format_count(int(self.value))
        return text + ("%" if percent else "")


def _groups_are_thousands(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_number(raw: str, *, percent: bool = False, count: bool = False) -> Number | None:
    """Read one number as the draft wrote it. `percent`: a "%" follows; `count`: a unit
    word of a count follows ("người", "mô hình"), so "1,200" can only be 1.200.
    Returns None for runs that are not one number ("16.01.2023", "1.2.3")."""
    has_dot, has_comma = "." in raw, "," in raw
    if not has_dot and not has_comma:
        return Number(raw, int(raw), 0, VI)
    if has_dot and has_comma:
        dot, comma = raw.rfind("."), raw.rfind(",")
        if comma > dot and raw.count(",") == 1:  # 1.234,5
            whole, fraction = raw.split(",")
            if _groups_are_thousands(whole.split(".")):
                return Number(raw, Decimal(whole.replace(".", "") + "." + fraction), len(fraction), VI)
        if dot > comma and raw.count(".") == 1:  # 1,234.5
            whole, fraction = raw.split(".")
            if _groups_are_thousands(whole.split(",")):
                return Number(raw, Decimal(whole.replace(",", "") + "." + fraction), len(fraction), ENGLISH)
        return None
    separator = "." if has_dot else ","
    groups = raw.split(separator)
    if len(groups) > 2:
        if not _groups_are_thousands(groups):
            return None
        value = int("".join(groups))
        return Number(raw, value, 0, VI if separator == "." else COMMA_THOUSANDS)
    whole, fraction = groups
    if separator == ".":
        if len(fraction) == 3 and len(whole) <= 3 and not (percent and whole == "0"):
            return Number(raw, int(whole + fraction), 0, VI)
        return Number(raw, Decimal(whole + "." + fraction), len(fraction), DECIMAL_POINT)
    if len(fraction) == 3 and len(whole) <= 3 and count and not percent:
        return Number(raw, int(whole + fraction), 0, COMMA_THOUSANDS)
    return Number(raw, Decimal(whole + "." + fraction), len(fraction), VI)


def parse_vi(text: str) -> int | Decimal | None:
    """A table cell as reportgen prints it: "1.200", "67,4%", "+273", "-316"; None otherwise."""
    cleaned = text.strip()
    if not cleaned:
        return None
    sign = 1
    if cleaned[:1] in "+-−":
        sign = -1 if cleaned[0] in "-−" else 1
        cleaned = cleaned[1:].strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if not NUMBER.fullmatch(cleaned or "x"):
        return None
    number = parse_number(cleaned, count=True)
    if number is None:
        return None
    return sign * number.value
