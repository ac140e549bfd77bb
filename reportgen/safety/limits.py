"""The operator's limits and the refusals that name them.

Limits protect the machine from the files it is given, so they come from whoever runs
the machine, never from the dataset itself (a `limits:` key in dataset.yaml would let
the hostile file raise its own limits). One place sets them, in this order:

1. the defaults below (a city or a ministry never meets them),
2. environment variables `REPORTGEN_LIMIT_<NAME>` (e.g. REPORTGEN_LIMIT_ARCHIVE_ENTRY_BYTES=1G),
3. the command line / web app option `--limit NAME=VALUE` (repeatable), which the
   shells pass to `Limits.from_environ(overrides=...)`.

Sizes accept the suffixes K, M, G (powers of 1024) and `_` separators: "512M", "10_000".
Every refusal is a `SafetyError`: an English message id (N_-marked, translated by
`describe()`), the file, and for a `LimitExceeded` which limit, its value, what was found
and how to raise it.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Iterator, Mapping, Sequence

from reportgen.i18n import N_, _

ENV_PREFIX = "REPORTGEN_LIMIT_"
KIB, MIB, GIB = 1024, 1024 ** 2, 1024 ** 3


@dataclass(frozen=True, slots=True)
class Limits:
    # ZIP archives (xlsx, docx, upload zip), from the central directory and while reading.
    archive_total_bytes: int = 1 * GIB      # all entries inflated; our DOCX are < 5 MB
    archive_entry_bytes: int = 256 * MIB    # one entry; a 1,000,000-row sheet is ~150 MB
    archive_entries: int = 10_000           # a workbook of 300 sheets has ~700 entries
    archive_ratio: int = 200                # inflated/compressed per entry; real sheets 5-40
    archive_ratio_floor_bytes: int = 1 * MIB  # small entries compress freely (empty styles)
    # YAML: dataset.yaml and YAML in settings-sheet cells.
    yaml_bytes: int = 1 * MIB               # the Hà Nội dataset.yaml is 2.4 KB
    yaml_aliases: int = 1_000               # *alias uses in one document
    yaml_nodes: int = 100_000               # nodes after expanding every alias (billion laughs)
    yaml_depth: int = 32                    # nesting of mappings/sequences
    # Other inputs.
    notes_bytes: int = 1 * MIB              # one notes/*.md file; a long note is 20 KB
    draft_bytes: int = 256 * MIB            # a PDF/TXT/MD draft for audit; the city report PDF is 0.2 MB
    sheet_rows: int = 1_000_000             # rows per sheet or CSV (Excel's maximum is 1,048,576)
    json_bytes: int = 64 * MIB              # manifest.json (700 units × 4 formats ≈ 1 MB)
    json_depth: int = 32
    max_count: int = 10 ** 15               # largest value a count may hold
    unit_depth: int = 16                    # country → province → district → commune is 4
    setting_chars: int = 4_000              # a settings string, before and after rendering
    errors_shown: int = 200                 # problems printed; the rest are counted

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None,
                     overrides: Mapping[str, str | int] | Iterable[str] | None = None) -> "Limits":
        """Defaults, then REPORTGEN_LIMIT_<NAME> variables, then the option's NAME=VALUE."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name in cls.names():
            text = environ.get(ENV_PREFIX + name.upper())
            if text is not None and text.strip():
                values[name] = parse_limit_value(name, text, source=ENV_PREFIX + name.upper())
        if overrides is not None:
            pairs = (overrides.items() if isinstance(overrides, Mapping)
                     else (parse_limit_option(option) for option in overrides))
            for name, value in pairs:
                name = _known_name(str(name), source="--limit")
                values[name] = (value if isinstance(value, int)
                                else parse_limit_value(name, str(value), source="--limit"))
        return cls(**values)

    def with_(self, **values: int) -> "Limits":
        return dataclasses.replace(self, **values)


def _known_name(name: str, *, source: str) -> str:
    normal = name.strip().lower().replace("-", "_")
    if normal not in Limits.names():
        raise SafetyError(N_("{source}: there is no limit named {name}"),
                          fix=N_("use one of: {names}"), source=source, name=name,
                          names=", ".join(Limits.names()))
    return normal


_SIZE = re.compile(r"^\s*([0-9][0-9_]*)\s*([KMG]?)(?:i?B)?\s*$", re.IGNORECASE)
_POWER = {"": 1, "K": KIB, "M": MIB, "G": GIB}


def parse_limit_value(name: str, text: str, *, source: str) -> int:
    """"512M" → 536870912; "10**15" and "1e15" are accepted for max_count."""
    match = _SIZE.match(text)
    if match:
        value = int(match.group(1).replace("_", "")) * _POWER[match.group(2).upper()]
    else:
        power = re.fullmatch(r"\s*10\s*\*\*\s*([0-9]{1,3})\s*", text)
        try:
            value = 10 ** int(power.group(1)) if power else int(Decimal(text.strip()))
        except (InvalidOperation, ValueError, OverflowError):
            value = -1
    if value <= 0:
        raise SafetyError(N_("{source}: the limit {name} must be a positive whole number, not \"{text}\""),
                          fix=N_("write a number, optionally with K, M or G (for example 512M)"),
                          source=source, name=name, text=text)
    return value


def parse_limit_option(option: str) -> tuple[str, str]:
    """The CLI/web option "archive_entry_bytes=1G" → ("archive_entry_bytes", "1G")."""
    name, sep, value = option.partition("=")
    if not sep:
        raise SafetyError(N_("--limit expects NAME=VALUE, not \"{text}\""),
                          fix=N_("use one of: {names}"), text=option, names=", ".join(Limits.names()))
    return _known_name(name, source="--limit"), value


def how_to_raise(limit: str, current: int, needed: int | None = None) -> str:
    """The concrete setting a refused file's message suggests (twice the current value,
    or what the file needs if that is more)."""
    value = max(needed or 0, 2 * current)
    return f"{ENV_PREFIX}{limit.upper()}={value} (--limit {limit}={value})"


# ---------------------------------------------------------------- refusals

class Msg(str):
    """A parameter that is itself a message id: translated when the refusal is shown."""


def _translated(params: Mapping[str, object]) -> dict[str, object]:
    plain = {k: v for k, v in params.items() if not isinstance(v, Msg)}
    return {**plain, **{k: _(v, **plain) for k, v in params.items() if isinstance(v, Msg)}}


class SafetyError(Exception):
    """Input refused at the trust boundary. `message`/`fix` are English message ids with
    {placeholders}; `describe()` translates them. `file` and `where` locate the input
    (where = a sheet/row, a settings key path, a zip entry...)."""

    def __init__(self, message: str, *, file: str | None = None, where: str | None = None,
                 fix: str | None = None, line: int | None = None, column: int | None = None,
                 **params: object):
        super().__init__(message)
        self.message = message
        self.file = file
        self.where = where
        self.fix = fix
        self.line = line
        self.column = column
        self.params = params

    def located(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        if self.line is not None:
            parts.append(_(N_("line {line}"), line=self.line))
            if self.column is not None:
                parts.append(_(N_("column {column}"), column=self.column))
        return ", ".join(parts)

    def describe(self) -> str:
        params = _translated(self.params)
        text = _(self.message, **params)
        if self.fix:
            text += " " + _(N_("Fix: {fix}"), fix=_(self.fix, **params))
        where = self.located()
        return f"{where}: {text}" if where else text

    def __str__(self) -> str:  # logs and pytest show the English text, filled in
        return self.describe()

    def as_problem(self, location=None):
        """The refusal as a located Problem, for `validate` and the build's report; a
        caller that knows the place better (a sheet's cell) passes its `location`."""
        from reportgen.problems import ERROR, Location, Problem

        if location is None:
            location = Location(self.file or "", key=self.where, line=self.line, char=self.column)
        # Built directly: a limit's own "value" is a message parameter here, not the
        # offending cell value that Problem prints after the message.
        params = _translated(self.params)
        return Problem(ERROR, location, self.message, tuple(sorted(params.items())), self.fix)


class LimitExceeded(SafetyError):
    """A file goes beyond one of the operator's limits."""

    def __init__(self, limit: str, value: int, found: int | str, *, file: str | None = None,
                 where: str | None = None, message: str | None = None, line: int | None = None,
                 column: int | None = None, **params: object):
        needed = found if isinstance(found, int) else None
        super().__init__(
            message or N_("refused: {what} is {found}, above the limit {limit} = {value}"),
            file=file, where=where, line=line, column=column,
            fix=N_("if the file is genuine, raise the limit: {setting}"),
            limit=limit, value=value, found=found, what=Msg(_WHAT.get(limit, limit)),
            setting=how_to_raise(limit, value, needed), **params)
        self.limit = limit
        self.value = value
        self.found = found


_WHAT = {
    "archive_total_bytes": N_("the archive's inflated size in bytes"),
    "archive_entry_bytes": N_("an entry's inflated size in bytes"),
    "archive_entries": N_("the number of entries in the archive"),
    "archive_ratio": N_("an entry's compression ratio"),
    "yaml_bytes": N_("the YAML size in bytes"),
    "yaml_aliases": N_("the number of YAML aliases"),
    "yaml_nodes": N_("the number of YAML nodes once aliases are expanded"),
    "yaml_depth": N_("the YAML nesting depth"),
    "notes_bytes": N_("the notes file size in bytes"),
    "draft_bytes": N_("the size in bytes of a draft to audit"),
    "sheet_rows": N_("the number of rows"),
    "json_bytes": N_("the JSON size in bytes"),
    "json_depth": N_("the JSON nesting depth"),
    "max_count": N_("the value"),
    "unit_depth": N_("the depth of the unit tree"),
    "setting_chars": N_("the length of the setting in characters"),
}


def check(limits: Limits, limit: str, found: int, **where: object) -> None:
    """Raise LimitExceeded when `found` is above `limits.<limit>`."""
    value = getattr(limits, limit)
    if found > value:
        raise LimitExceeded(limit, value, found, **where)  # type: ignore[arg-type]


def check_count(value: int | Decimal, limits: Limits, *, file: str | None = None,
                where: str | None = None) -> None:
    """A figure is a finite number no larger than max_count in magnitude (10**40 and
    1e300 are refused here, not by a crash in `figures`)."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise SafetyError(N_("the value {found} is not a finite number"), file=file, where=where,
                          fix=N_("write a whole number or a decimal such as 12,5"), found=value)
    if abs(value) > limits.max_count:
        raise LimitExceeded("max_count", limits.max_count, str(value), file=file, where=where)


def check_tree_depth(parent_of: Mapping[str, str | None], limits: Limits, *,
                     file: str | None = None) -> dict[str, int]:
    """Depth of every unit (root = 0), iteratively; a cycle or a chain deeper than
    unit_depth is refused, naming a unit on it."""
    depth: dict[str, int] = {}
    for start in parent_of:
        chain: list[str] = []
        on_chain: set[str] = set()
        code: str | None = start
        while code is not None and code not in depth:
            if code in on_chain:
                raise SafetyError(N_("the unit {code} is its own ancestor (parent chain loops)"),
                                  file=file, where=code,
                                  fix=N_("give the units a parent chain that ends at the root"),
                                  code=code)
            if len(chain) > limits.unit_depth:
                raise LimitExceeded("unit_depth", limits.unit_depth, len(chain), file=file, where=start)
            chain.append(code)
            on_chain.add(code)
            code = parent_of.get(code)
        base = -1 if code is None else depth[code]
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
            if depth[member] > limits.unit_depth:
                raise LimitExceeded("unit_depth", limits.unit_depth, depth[member], file=file, where=member)
    return depth


@dataclass(frozen=True)
class Capped:
    shown: tuple
    hidden: int

    def footer(self) -> str | None:
        """The line printed after the shown problems ("… and 999,800 more")."""
        if not self.hidden:
            return None
        return _(N_("… and {count} more problems not shown (the first {shown} are listed)"),
                 count=self.hidden, shown=len(self.shown))


def cap_problems(problems: Sequence | Iterator, limits: Limits) -> Capped:
    """Keep the first errors_shown problems and count the rest (works on a generator, so
    a million-line sheet never holds a million messages)."""
    shown = []
    hidden = 0
    for problem in problems:
        if len(shown) < limits.errors_shown:
            shown.append(problem)
        else:
            hidden += 1
    return Capped(tuple(shown), hidden)
