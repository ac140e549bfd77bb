"""Reporting periods: parse "2023-H1", label them in Vietnamese, give their data cut-off.

Cut-off dates follow Nghị định 09/2019/NĐ-CP, Art. 12: a period's data run from the
15th of the month before it starts to the 14th of its last month (six-month: 15/12 of
the previous year – 14/6; annual: 15/12 – 14/12).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from reportgen.errors import InvalidRequest
from reportgen.i18n import N_

_PATTERN = re.compile(r"^(\d{4})-(H1|9M|Y|Q[1-4])$")
ROMAN = ("I", "II", "III", "IV")
# Sort order within a year; quarters sit before the cumulative periods they end.
_ORDER = {"Q1": 1, "Q2": 2, "H1": 3, "Q3": 4, "9M": 5, "Q4": 6, "Y": 7}
# Last month covered by each period (the cut-off is the 14th of that month).
_LAST_MONTH = {"H1": 6, "9M": 9, "Y": 12, "Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12}
_FIRST_MONTH = {"H1": 1, "9M": 1, "Y": 1, "Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10}


class PeriodError(InvalidRequest, ValueError):
    """A period code that does not parse."""

    def __init__(self, code: object):
        self.code = code
        super().__init__(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                         period=code)


@dataclass(frozen=True, order=False)
class Period:
    year: int
    kind: str  # "H1", "9M", "Y", "Q1".."Q4"

    @classmethod
    def parse(cls, code: str) -> "Period":
        match = _PATTERN.match(str(code).strip())
        if not match:
            raise PeriodError(code)
        return cls(int(match.group(1)), match.group(2))

    @cached_property  # a dictionary key in every pass over a dataset's figures
    def code(self) -> str:
        return f"{self.year}-{self.kind}"

    def __str__(self) -> str:
        return self.code

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, _ORDER[self.kind])

    @property
    def is_quarter(self) -> bool:
        return self.kind.startswith("Q")

    @property
    def is_cumulative(self) -> bool:
        """H1, 9M and Y all count from the start of the year (flows accumulate)."""
        return not self.is_quarter

    @property
    def label(self) -> str:
        """ "6 tháng đầu năm 2023", "9 tháng năm 2023", "năm 2023", "quý III năm 2023"."""
        if self.kind == "H1":
            return f"6 tháng đầu năm {self.year}"
        if self.kind == "9M":
            return f"9 tháng năm {self.year}"
        if self.kind == "Y":
            return f"năm {self.year}"
        return f"quý {ROMAN[int(self.kind[1]) - 1]} năm {self.year}"

    @property
    def cutoff_start(self) -> date:
        first = _FIRST_MONTH[self.kind]
        if first == 1:
            return date(self.year - 1, 12, 15)
        return date(self.year, first - 1, 15)

    @property
    def cutoff_end(self) -> date:
        return date(self.year, _LAST_MONTH[self.kind], 14)

    def same_period_last_year(self) -> "Period":
        return Period(self.year - 1, self.kind)

    @property
    def outlook_label(self) -> str:
        """What section III plans for: the rest of the year, or the next year."""
        if self.kind == "H1":
            return f"6 tháng cuối năm {self.year}"
        if self.kind == "9M":
            return f"3 tháng cuối năm {self.year}"
        if self.kind == "Y":
            return f"năm {self.year + 1}"
        quarter = int(self.kind[1])
        if quarter == 4:
            return f"quý I năm {self.year + 1}"
        return f"quý {ROMAN[quarter]} năm {self.year}"

    def contains_flow_of(self, other: "Period") -> bool:
        """True when this cumulative period's flows must be ≥ the other's (H1 ≤ 9M ≤ Y)."""
        return (
            self.year == other.year and self.is_cumulative and other.is_cumulative
            and _ORDER[other.kind] < _ORDER[self.kind]
        )


def code_sort_key(code: str) -> tuple[int, int, str]:
    """The order of period codes as text (a workbook's drop-down list): Period.sort_key,
    with codes that do not parse after every period, in text order."""
    try:
        period = Period.parse(code)
    except PeriodError:
        return (10**4, 0, str(code))
    return (*period.sort_key, "")
