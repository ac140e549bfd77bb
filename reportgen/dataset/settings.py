"""The settings schema: plain settings data (dataset.yaml, the settings sheet, the clerk's
settings form) → a typed `Settings`, and a located Problem for every wrong type or value.

A small hand-written schema over plain data, no library: the settings are a dozen keys,
each wrong value needs its own Vietnamese message and fix, and a schema library
(pydantic, cerberus) would add a dependency whose messages we would rewrite anyway.

`parse_settings(raw, location_of)` is the one entry point: `raw` is a mapping of plain
values (str, int, bool, date, list, dict, None), as the text-scalar YAML loader gives it
("01", "006", "false" stay text) or as a form gives it (typed cells); `location_of(key)`
says where a top-level key was given. Every leaf that is text in the schema is read as
text (`root: 1` from a number cell is "1"); a bool is accepted only as true/false/yes/no/
có/không; a date as a date or YYYY-MM-DD. Nothing here raises on bad data.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable, Mapping

from reportgen.dataset.cells import clean_text
from reportgen.dataset.types import LEVELS, Settings
from reportgen.i18n import N_, _
from reportgen.periods import Period, PeriodError
from reportgen.problems import Location, Problem
from reportgen.safety.paths import is_code

LocationOf = Callable[[str], Location]

AGENCY_FIELDS = ("name", "parent", "short", "text")
SIGNER_FIELDS = ("authority", "title", "name")
KNOWN_KEYS = ("title", "root", "percent_decimals", "leading_zero_counts", "pdf_engine", "place", "issue_dates",
              "issue_date", "report_numbers", "agency", "addressees", "signer", "recipients",
              "templates", "totals_final", "subject")
TRUE_WORDS = ("true", "yes", "có")
FALSE_WORDS = ("false", "no", "không")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Reader:
    def __init__(self, location_of: LocationOf):
        self.location_of = location_of
        self.problems: list[Problem] = []

    def where(self, path: str) -> Location:
        from dataclasses import replace

        return replace(self.location_of(path.split(".", 1)[0]), key=path)

    def error(self, path: str, message: str, fix: str, value: object = None, **params) -> None:
        shown = None if value is None else _shown(value)
        self.problems.append(Problem.error(self.where(path), message, fix=fix, value=shown, **params))

    # ---------------------------------------------------------------- leaves

    def text(self, value: object, path: str, *, required: bool = False) -> str | None:
        if value is None or value == "":
            if required:
                self.error(path, N_("the setting \"{key}\" is required"),
                           N_("add \"{key}: …\" to the settings"), key=path)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.error(path, N_("the setting {key} must be text, not {kind}"),
                       N_("write it as text, in quotes if needed: \"…\""), value, key=path,
                       kind=_kind(value))
            return None
        text, had_illegal = clean_text(str(value))
        if had_illegal:
            self.problems.append(Problem.warning(
                self.where(path), N_("control characters that cannot appear in a document were removed"),
                fix=N_("retype the text without invisible characters")))
        return text

    def code(self, value: object, path: str, kind: str, *, required: bool = False) -> str | None:
        text = self.text(value, path, required=required)
        if text is not None and not is_code(text):
            self.error(path, N_("the {kind} \"{code}\" is not a valid code"),
                       N_("use 1 to 32 ASCII letters, digits, \"_\" or \"-\", starting with a letter or "
                          "digit (for example 001, rehab_compulsory, 2023-H1)"), kind=kind, code=text[:80])
            return None
        return text

    def date(self, value: object, path: str) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(path, N_("not a date"), N_("write the date as YYYY-MM-DD, e.g. 2023-07-05"), value)
        return None

    def boolean(self, value: object, path: str, default: bool) -> bool:
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            word = value.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.error(path, N_("the setting {key} must be true or false"),
                   N_("write true or false (or có / không)"), value, key=path)
        return default

    def mapping(self, value: object, path: str, fix: str) -> dict | None:
        if value is None or value == "":
            return {}
        if not isinstance(value, Mapping):
            self.error(path, N_("the setting {key} must be a list of \"name: value\" lines, not {kind}"),
                       fix, value, key=path, kind=_kind(value))
            return None
        return {str(k): v for k, v in value.items()}

    # ---------------------------------------------------------------- shapes

    def per_level(self, value: object, path: str, one: Callable[[object, str], object]):
        """A setting given once, or per unit level ({thanh-pho: …, quan: …})."""
        if isinstance(value, Mapping) and any(str(k) in LEVELS for k in value):
            result = {}
            for key, item in value.items():
                key = str(key)
                if key not in LEVELS:
                    self.error(f"{path}.{key}", N_("\"{level}\" is not a unit level"),
                               N_("use one of: {levels}"), level=key, levels=", ".join(LEVELS))
                    continue
                parsed = one(item, f"{path}.{key}")
                if parsed is not None:
                    result[key] = parsed
            return result
        return one(value, path)

    def fields(self, value: object, path: str, names: tuple[str, ...]) -> dict[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(path, N_("the setting {key} must be a mapping with {fields}, not {kind}"),
                       N_("write one line per field under it, e.g. \"name: PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\""),
                       value, key=path, fields=", ".join(names), kind=_kind(value))
            return None
        result = {}
        for key, item in value.items():
            key = str(key)
            if key not in names:
                self.error(f"{path}.{key}", N_("unknown field {field}"), N_("use only: {fields}"),
                           field=key, fields=", ".join(names))
                continue
            text = self.text(item, f"{path}.{key}")
            result[key] = text or ""
        return result

    def lines(self, value: object, path: str) -> list[str] | str | None:
        if value is None or value == "":
            return None
        if isinstance(value, list):
            result = []
            for index, item in enumerate(value, 1):
                text = self.text(item, f"{path}[{index}]")
                if text:
                    result.append(text)
            return result
        return self.text(value, path)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return _(N_("a list"))
    if isinstance(value, Mapping):
        return _(N_("a mapping"))
    if isinstance(value, date):
        return _(N_("a date"))
    if isinstance(value, (int, float)):
        return _(N_("a number"))
    return type(value).__name__


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def parse_settings(raw: Mapping, location_of: LocationOf) -> tuple[Settings | None, list[Problem]]:
    """Typed settings and the problems found; Settings is None without a title or a root."""
    read = _Reader(location_of)
    if not isinstance(raw, Mapping):
        read.error("settings", N_("not a mapping of settings"), N_("write one \"key: value\" per line"))
        return None, read.problems
    raw = {str(k): v for k, v in raw.items()}
    for key in raw:
        if key not in KNOWN_KEYS:
            read.problems.append(Problem.warning(
                read.where(key), N_("unknown setting {key}; it is not used"),
                fix=N_("check the spelling; the settings are: {keys}"), key=key,
                keys=", ".join(KNOWN_KEYS)))
    title = read.text(raw.get("title"), "title", required=True)
    root = read.code(raw.get("root"), "root", "unit code", required=True)

    decimals_value = raw.get("percent_decimals", 1)
    decimals = 1
    if isinstance(decimals_value, str) and decimals_value.strip().isdigit():
        decimals_value = int(decimals_value.strip())
    if isinstance(decimals_value, int) and not isinstance(decimals_value, bool) and 0 <= decimals_value <= 3:
        decimals = decimals_value
    elif decimals_value not in (None, ""):
        read.error("percent_decimals", N_("percent_decimals must be a whole number from 0 to 3"),
                   N_("set percent_decimals to 0, 1, 2 or 3"), decimals_value)

    leading_zero = read.boolean(raw.get("leading_zero_counts"), "leading_zero_counts", False)

    from reportgen.render import FORMATS  # the engines the PDF format has

    pdf_engine = read.text(raw.get("pdf_engine"), "pdf_engine")
    if pdf_engine is not None and pdf_engine not in FORMATS["pdf"].engines:
        read.error("pdf_engine", N_("pdf_engine must be weasyprint or typst"),
                   N_("set pdf_engine to weasyprint (the default) or typst (faster, for bulk runs and drafts)"),
                   pdf_engine)
        pdf_engine = None

    issue_dates: dict[str, date] = {}
    dates = read.mapping(raw.get("issue_dates"), "issue_dates",
                         N_("write one line per period under it, e.g. \"2023-H1: 2023-07-05\""))
    for period, value in (dates or {}).items():
        path = f"issue_dates.{period}"
        if _period_code(read, period, path) is None:
            continue
        parsed = read.date(value, path)
        if parsed is not None:
            issue_dates[period] = parsed
    issue_date = read.date(raw["issue_date"], "issue_date") if raw.get("issue_date") not in (None, "") else None

    report_numbers: dict[str, dict[str, str]] = {}
    numbers_fix = N_("write one line per period and under it one line per unit code with its "
                     "number, e.g. \"01\": 215")
    numbers = read.mapping(raw.get("report_numbers"), "report_numbers", numbers_fix)
    for period, units in (numbers or {}).items():
        path = f"report_numbers.{period}"
        if _period_code(read, period, path) is None:
            continue
        per_unit = read.mapping(units, path, numbers_fix)
        for unit, number in (per_unit or {}).items():
            if read.code(unit, f"{path}.{unit}", "unit code") is None:
                continue
            text = read.text(number, f"{path}.{unit}")
            if text:
                report_numbers.setdefault(period, {})[unit] = text

    agency = read.per_level(raw.get("agency"), "agency",
                            lambda v, p: read.fields(v, p, AGENCY_FIELDS)) if raw.get("agency") else {}
    signer = read.per_level(raw.get("signer"), "signer",
                            lambda v, p: read.fields(v, p, SIGNER_FIELDS))
    addressees = read.per_level(raw.get("addressees"), "addressees", read.lines)
    recipients = read.per_level(raw.get("recipients"), "recipients", read.lines)
    place = read.per_level(raw.get("place"), "place", read.text)
    subject = read.per_level(raw.get("subject"), "subject", read.text)
    templates = read.text(raw.get("templates"), "templates")

    totals_final = _totals_final(read, raw.get("totals_final"))
    if title is None or root is None:
        return None, read.problems
    locations = {key: location_of(key) for key in raw}
    return Settings(
        title=title, root=root, percent_decimals=decimals, leading_zero_counts=leading_zero,
        pdf_engine=pdf_engine,
        place=place or None, issue_dates=issue_dates, issue_date=issue_date,
        report_numbers=report_numbers, agency=agency or {}, addressees=addressees,
        signer=signer, recipients=recipients, templates=templates, totals_final=totals_final,
        subject=subject or None,
        raw=dict(raw),
        key_locations=locations, default_location=location_of("")), read.problems


def _totals_final(read: _Reader, value: object) -> dict[str, object]:
    """`totals_final`: true (every period), or per period true, a list of unit codes, or
    unit code → true. Unit codes are checked against the units table by validate."""
    if value is None or value == "":
        return {}
    fix = N_("under totals_final write one line per period: \"2024-H1\": true for every unit, or \"2024-H1\": [\"01\", \"006\"] for some units (codes in quotes)")
    if not isinstance(value, Mapping):
        return {"*": True} if read.boolean(value, "totals_final", False) else {}
    found: dict[str, object] = {}
    for period, entry in read.mapping(value, "totals_final", fix).items():
        path = f"totals_final.{period}"
        if _period_code(read, period, path) is None:
            continue
        if isinstance(entry, list):
            found[period] = frozenset(c for c in (read.code(item, path, "unit code") for item in entry) if c)
        elif isinstance(entry, Mapping):
            found[period] = frozenset(str(code) for code, flag in entry.items()
                                      if read.boolean(flag, f"{path}.{code}", False))
        elif read.boolean(entry, path, False):
            found[period] = True
    return found


def _period_code(read: _Reader, code: str, path: str) -> str | None:
    try:
        Period.parse(code)
    except PeriodError:
        read.error(path, N_("\"{code}\" is not a period code"),
                   N_("write the period as 2023-H1, 2023-9M, 2023-Y or 2023-Q3"), code=code[:80])
        return None
    return code
