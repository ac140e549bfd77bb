"""Problems found in a dataset: located, translated at the edge, never raised.

A Problem keeps its message as an English message id with {placeholders}; `describe`
translates it (Vietnamese by default) through the gettext catalogues in reportgen/locale.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.errors import DatasetInvalid
from reportgen.i18n import N_, _

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a clerk finds the value: the file (and sheet, for workbooks), the row
    number as the spreadsheet shows it (header = row 1) and the column name."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    column_letter: str | None = None  # for workbooks: "D" so the clerk can find cell D12
    # A settings key path ("agency.quan.parent") or an archive entry, shown as it is,
    # and a text file's line (and character column), as YAML reports them.
    key: str | None = None
    line: int | None = None
    char: int | None = None

    def describe(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(_(N_("sheet {sheet}"), sheet=self.sheet))
        if self.key:
            parts.append(self.key)
        if self.line is not None:
            parts.append(_(N_("line {line}"), line=self.line))
            if self.char is not None:
                parts.append(_(N_("column {column}"), column=self.char))
        if self.row is not None:
            parts.append(_(N_("row {row}"), row=self.row))
        if self.column:
            if self.column_letter and self.row is not None:
                parts.append(_(N_("column {column} (cell {cell})"), column=self.column,
                               cell=f"{self.column_letter}{self.row}"))
            else:
                parts.append(_(N_("column {column}"), column=self.column))
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    location: Location
    message: str  # English message id with {placeholders}
    params: tuple[tuple[str, object], ...] = field(default=())
    fix: str | None = None  # English message id: how to fix it
    value: object = None

    @classmethod
    def error(cls, location: Location, message: str, *, fix: str | None = None,
              value: object = None, **params: object) -> "Problem":
        return cls(ERROR, location, message, tuple(sorted(params.items())), fix, value)

    @classmethod
    def warning(cls, location: Location, message: str, *, fix: str | None = None,
                value: object = None, **params: object) -> "Problem":
        return cls(WARNING, location, message, tuple(sorted(params.items())), fix, value)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def describe(self) -> str:
        """One line for a clerk: where, what, the value, and how to fix it."""
        # Messages may name the offending value as {value}; it is kept in its own field.
        params = {"value": self.value, **dict(self.params)}
        label = _(N_("error")) if self.is_error else _(N_("warning"))
        text = f"{label}: {self.location.describe()}: {_(self.message, **params)}"
        if self.value is not None and self.value != "":
            text += " " + _(N_("(value: \"{value}\")"), value=self.value)
        if self.fix:
            text += " " + _(N_("Fix: {fix}"), fix=_(self.fix, **params))
        return text

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file, loc.sheet or "", loc.key or "", loc.line or 0, loc.row or 0,
                loc.column or "", self.message)


class DatasetError(DatasetInvalid):
    """The dataset cannot be read at all (no such folder, no dataset.yaml...).
    Carries Problems so the CLI prints them like any other."""
