"""What an audit finds: one located, quoted finding per problem, translated at the edge.

A Finding keeps its message as an English message id with {placeholders} (like
reportgen.problems.Problem); `message_text` translates it, so the same findings print in
Vietnamese or English and serialise to JSON unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.i18n import N_, _

ERROR = "error"
WARNING = "warning"
NOT_CHECKED = "not-checked"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOT_CHECKED: 2}
SEVERITY_WORDS = {ERROR: N_("error"), WARNING: N_("warning"), NOT_CHECKED: N_("not checked")}

# Kinds: what rule found it (a public interface of --json).
PERCENT_OF_PLAN = "percent-of-plan"
NUMBER_FORMAT = "number-format"
PARTS_SUM = "parts-sum"
CHANGE = "change"
DATE_LINE = "date-line"
DATASET_VALUE = "dataset-value"
DATASET_TARGET = "dataset-target"
DATASET_PERCENT = "dataset-percent"
DATASET_PART = "dataset-part"
DATASET_CHANGE = "dataset-change"
UNMATCHED = "unmatched-figure"


@dataclass(frozen=True, order=True)
class Location:
    """Where a reviewer finds the text: a body paragraph (counted from 1, empty ones
    skipped) or a table cell (table, row, column from 1); `page` for PDF drafts."""

    block: int  # position of the block in the draft, for ordering and output mapping
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    page: int | None = None

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(_(N_("page {page}"), page=self.page))
        if self.table is not None:
            parts.append(_(N_("table {table}, row {row}, column {column}"),
                           table=self.table, row=self.row, column=self.column))
        elif self.paragraph is not None:
            parts.append(_(N_("paragraph {paragraph}"), paragraph=self.paragraph))
        return ", ".join(parts)

    def to_json(self) -> dict:
        data = {"paragraph": self.paragraph, "table": self.table, "row": self.row,
                "column": self.column, "page": self.page}
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    location: Location
    quote: str  # the draft's words, as written
    expected: str  # the right text in vi-VN form ("" when there is none to give)
    message: str  # English message id with {placeholders}
    params: tuple[tuple[str, object], ...] = field(default=())
    span: tuple[int, int] = (0, 0)  # the highlighted characters in the block's text
    indicator: str | None = None  # catalogue code, for dataset findings

    @classmethod
    def make(cls, kind: str, severity: str, location: Location, quote: str, expected: str,
             message: str, *, span: tuple[int, int], indicator: str | None = None,
             **params: object) -> "Finding":
        return cls(kind, severity, location, quote, expected, message,
                   tuple(sorted(params.items())), span, indicator)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message_text(self) -> str:
        return _(self.message, **dict(self.params))

    def sort_key(self) -> tuple:
        return (self.location.block, self.span, SEVERITY_ORDER[self.severity], self.kind)

    def describe(self) -> str:
        """One line: location, severity, «quote», what is wrong (→ the right form)."""
        line = f"{self.location.describe()}: {_(SEVERITY_WORDS[self.severity])}: «{self.quote}» {self.message_text()}"
        if self.expected:
            line += " " + _(N_("(should be: {expected})"), expected=self.expected)
        return line

    def to_json(self) -> dict:
        data = {
            "kind": self.kind,
            "severity": self.severity,
            "location": self.location.to_json(),
            "location_text": self.location.describe(),
            "quote": self.quote,
            "expected": self.expected,
            "message": self.message_text(),
            "message_id": self.message,
            "params": {key: str(value) for key, value in self.params},
        }
        if self.indicator:
            data["indicator"] = self.indicator
        return data
