"""Figures + the clerk's notes + narrative templates → ReportModel.

The wording of the body lives in templates/text/*.md.j2 (one source for DOCX and PDF);
this module chooses what goes where (header, sections, appendices) and turns the
rendered narrative markup into model blocks. Numbers are phrased only through the
vi.py filters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen import vi
from reportgen.dataset import Dataset, Unit
from reportgen.errors import ReportgenError
from reportgen.figures import Figure, FigureBook
from reportgen.i18n import N_
from reportgen.model import (
    Appendix, Chart, Column, DocumentInfo, HeaderBlock, Heading, Paragraph, ReportModel,
    Run, Signature, Table,
)
from reportgen.periods import ROMAN, Period
from reportgen.resources import SHIPPED, TEMPLATES_DIR, Templates
from reportgen.safety.limits import SafetyError
from reportgen.safety.sandbox import render_setting, setting_context

TEXT_TEMPLATES = TEMPLATES_DIR / "text"
LEVEL_WORDS = {
    "country": "", "province": "tỉnh", "thanh-pho": "thành phố", "quan": "quận",
    "huyen": "huyện", "thi-xa": "thị xã", "phuong": "phường", "xa": "xã", "thi-tran": "thị trấn",
}
_NAME_PREFIXES = ("Thành phố", "Tỉnh", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn")


class ComposeError(ReportgenError):
    """The dataset lacks something a report needs (e.g. no agency for a unit level)."""


@dataclass(frozen=True)
class ComposeOptions:
    compare_with: Period | None = None
    templates: Templates = SHIPPED  # text/*.md.j2 may come from an override folder


@lru_cache(maxsize=8)
def narrative_environment(percent_decimals: int, leading_zero: bool,
                          templates: Templates = SHIPPED) -> jinja2.Environment:
    """The Jinja environment of the narrative templates (text/*.md.j2).

    Sandboxed: an override folder may come from a dataset's `templates` setting, i.e. from
    another office or an upload, and nothing a dataset carries may run code. The shipped
    templates only read our own dataclasses, which the sandbox allows."""
    environment = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in templates.folders("text")]),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True)
    vi.register(environment, percent_decimals=percent_decimals, leading_zero=leading_zero)
    return environment


def _render_setting(text: str, *, settings=None, path: str = "", **context) -> str:
    """A settings string is dataset data, never code: rendered by the whitelisted sandbox
    (reportgen.safety.sandbox) with plain copies of the unit, parent and period; a refusal
    is a ComposeError located at the setting ("dataset.yaml, agency.quan.parent: …")."""
    if "{" not in text:
        return text
    try:
        return render_setting(
            text, setting_context(unit=context.get("unit"), parent=context.get("parent"),
                                  period=_period_fields(context.get("period")),
                                  title=settings.title if settings else None),
            where=path or None, percent_decimals=settings.percent_decimals if settings else 1,
            leading_zero=settings.leading_zero_counts if settings else False)
    except SafetyError as error:
        where = settings.location(path).describe() if settings and path else error.located()
        raise ComposeError(N_("{where}: {problem}"), where=where, problem=_safety_text(error)) from None


def _safety_text(error: SafetyError) -> str:
    text = error.describe()
    located = error.located()
    return text[len(located) + 2:] if located and text.startswith(located + ": ") else text


def _period_fields(period: Period | None):
    if period is None:
        return None
    return {"code": period.code, "label": period.label, "year": period.year, "kind": period.kind,
            "outlook_label": getattr(period, "outlook_label", None),
            "cutoff_start": period.cutoff_start, "cutoff_end": period.cutoff_end}


def _per_level(value, level: str):
    """Settings may be given once, or per unit level ({thanh-pho: …, quan: …})."""
    if isinstance(value, dict) and (level in value or any(k in level_codes() for k in value)):
        return value.get(level)
    return value


def _level_path(value, level: str, key: str) -> str:
    """The settings key path of a per-level setting as this unit reads it."""
    return f"{key}.{level}" if _per_level(value, level) is not value else key


def level_codes() -> tuple[str, ...]:
    """The unit level codes ("thanh-pho", "quan", ...) that may key a per-level setting."""
    return tuple(LEVEL_WORDS)


def place_of(unit: Unit, dataset: Dataset) -> str:
    """The date line's place: the setting for the root, else the unit's name without its
    level word ("Quận Nam Từ Liêm" → "Nam Từ Liêm"), unless the rest is a number ("Quận 1")."""
    configured = _per_level(dataset.settings.place, unit.level) if dataset.settings.place else None
    if configured and (unit.code == dataset.settings.root or isinstance(dataset.settings.place, dict)):
        return configured
    for prefix in _NAME_PREFIXES:
        if unit.name.startswith(prefix + " "):
            rest = unit.name[len(prefix) + 1:].strip()
            return unit.name if rest.isdigit() else rest
    return unit.name


# The order officials list unit kinds in ("các quận, huyện, thị xã", "các xã, phường,
# thị trấn"), whatever order the codes put them in.
_LEVEL_ORDER = ("tỉnh", "quận", "huyện", "thị xã", "thành phố", "xã", "phường", "thị trấn")


def _children_phrase(children: list[Unit]) -> str:
    words = {LEVEL_WORDS.get(child.level, "") for child in children} - {""}
    ordered = [w for w in _LEVEL_ORDER if w in words] + sorted(words - set(_LEVEL_ORDER))
    return "các " + ", ".join(ordered) if ordered else "các đơn vị"


def subject_of(unit: Unit, dataset: Dataset) -> str:
    """Who acts in the narrative ("… đã tổ chức cai nghiện bắt buộc cho …"): the setting
    `subject` (once, or per level) when given; else a unit below the root speaks for its
    whole area ("toàn quận", as the published district reports do); the root speaks of
    its children ("các quận, huyện, thị xã"); a country of its 63 provinces and
    centrally-run cities ("các tỉnh, thành phố")."""
    configured = dataset.settings.subject
    if configured:
        chosen = _per_level(configured, unit.level)
        if chosen:
            parent = dataset.units.get(unit.parent) if unit.parent else None
            path = f"subject.{unit.level}" if isinstance(configured, dict) else "subject"
            return _render_setting(str(chosen), settings=dataset.settings, path=path,
                                   unit=unit, parent=parent)
    children = dataset.children(unit.code)
    if unit.level == "country":
        return "các tỉnh, thành phố" if children else "toàn quốc"
    word = LEVEL_WORDS.get(unit.level, "")
    if unit.code != dataset.settings.root or not children:
        return f"toàn {word}" if word else unit.name
    return _children_phrase(children)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _punctuate(lines: list[str], *, dash: bool) -> tuple[str, ...]:
    """ "- A;", "- B." as the decree lists them (items already punctuated are kept)."""
    result = []
    for index, line in enumerate(lines):
        text = line.strip()
        if dash and not text.startswith("-"):
            text = "- " + text
        if not text.endswith((";", ".", ":")):
            text += "." if index == len(lines) - 1 else ";"
        result.append(text)
    return tuple(result)


def compose_report(dataset: Dataset, book: FigureBook, unit_code: str, period: Period,
                   options: ComposeOptions = ComposeOptions()) -> ReportModel:
    settings = dataset.settings
    unit = dataset.units[unit_code]
    if not book.has_figures(unit_code, period):
        # An empty report would read as "nothing happened"; the data is merely absent.
        raise ComposeError(N_("unit {unit} ({name}) has no figures for {period}: neither it nor any unit below it has a row in values"),
                           unit=unit_code, name=unit.name, period=period.code)
    parent = dataset.units.get(unit.parent) if unit.parent else None
    context = {"unit": unit, "parent": parent, "settings": settings, "period": period}
    environment = narrative_environment(settings.percent_decimals, settings.leading_zero_counts,
                                        options.templates)
    labels = environment.get_template("_labels.md.j2").module
    issuer = _issuer(settings, unit, period, context, labels)
    issue_date = settings.issue_date_for(period)
    children = dataset.children(unit_code)
    appendices = _appendices(dataset, book, unit, period, children, options, labels,
                             symbol=issuer.symbol, issue_date=issue_date, agency=issuer.words)
    body = _body(dataset, book, unit, period, children, environment, agency=issuer.words,
                 appendix_labels=[a.label for a in appendices])
    addressees, recipients = _addressing(settings, unit, context, labels)
    summary = labels.summary(_lower_first(settings.title), period)
    return ReportModel(
        info=DocumentInfo(
            title=labels.document_title(summary),
            author=issuer.words,
            subject=labels.document_subject(settings.title, unit, period),
            keywords=f"reportgen; {unit.code}; {period.code}",
            created=datetime.combine(issue_date or period.cutoff_end, datetime.min.time())),
        header=HeaderBlock(
            parent_agency=issuer.parent_agency, agency=issuer.name,
            number_line=issuer.number_line, nation=labels.nation(), motto=labels.motto(),
            place_date=vi.format_date_line(place_of(unit, dataset), issue_date)),
        title=labels.title(),
        summary=summary,
        addressees=addressees,
        body=body,
        recipients=recipients,
        signature=_signature(settings, unit, context),
        addressee_label=labels.addressee_label(),
        recipients_label=labels.recipients_label(),
        appendices=tuple(appendices),
    )


@dataclass(frozen=True)
class _Issuer:
    name: str  # "SỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI": the lines of the header
    parent_agency: str | None  # "UBND THÀNH PHỐ HÀ NỘI"
    words: str  # how the agency reads in running text
    symbol: str  # "215/BC-SLĐTBXH", or "/BC-SLĐTBXH" without a number
    number_line: str  # "Số: 215/BC-SLĐTBXH"


def _issuer(settings, unit: Unit, period: Period, context: dict, labels) -> _Issuer:
    """The issuing agency of the unit's level, from the settings, and the report number."""
    agency_config = _per_level(settings.agency, unit.level) or {}
    at = _level_path(settings.agency, unit.level, "agency")
    if not agency_config.get("name"):
        raise ComposeError(N_("the settings give no issuing agency for units of level {level} (agency: {level}: name)"),
                           level=unit.level)
    width = int(labels.agency_line_chars())
    name = vi.break_lines(_render_setting(agency_config["name"], path=f"{at}.name", **context), width)
    parent_agency = (vi.break_lines(_render_setting(agency_config["parent"], path=f"{at}.parent", **context), width)
                     if agency_config.get("parent") else None)
    short = _render_setting(agency_config.get("short", ""), path=f"{at}.short", **context)
    number = settings.report_numbers.get(period.code, {}).get(unit.code)
    # How the agency reads in running text ("Sở Lao động - Thương binh và Xã hội"): the
    # dataset may say it (agency.<level>.text), else it is derived from the UPPER name.
    words = (_render_setting(agency_config["text"], path=f"{at}.text", **context) if agency_config.get("text")
             else _agency_words(_one_line(name), parent_agency))
    number = vi.format_report_number(number) if number else ""
    symbol = labels.report_symbol(number, short)
    return _Issuer(name, parent_agency, words, symbol, labels.number_line(number, symbol))


def _body(dataset, book, unit, period, children, environment, *, agency, appendix_labels) -> tuple:
    """The narrative template rendered with the unit's figures and notes, as blocks."""
    figures = book.figures_for(unit.code, period)
    notes = {key: section.paragraphs
             for key, section in dataset.notes.get((unit.code, period.code), {}).items()}
    template = "annual.md.j2" if period.kind == "Y" else "semiannual.md.j2"
    narrative = environment.get_template(template).render(
        unit=unit, period=period, prior_year=period.year - 1,
        topic=_lower_first(dataset.settings.title),
        agency_name=agency, actor=subject_of(unit, dataset),
        f={fig.indicator.code: fig for fig in figures},
        extra=[fig for fig in figures if not fig.indicator.core],
        notes=notes, appendix_labels=_join_labels(appendix_labels),
        completeness=book.completeness(unit.code, period),
    )
    return _close(parse_narrative(narrative))


def _addressing(settings, unit: Unit, context: dict, labels) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The "Kính gửi:" lines and the "Nơi nhận:" lines, punctuated as the decree lists them."""
    addressees = _as_list(_per_level(settings.addressees, unit.level))
    at = _level_path(settings.addressees, unit.level, "addressees")
    addressee_lines = tuple(_render_setting(a, path=at, **context) for a in addressees)
    if len(addressee_lines) > 1:
        addressee_lines = _punctuate(list(addressee_lines), dash=True)
    elif addressee_lines:
        addressee_lines = (addressee_lines[0].rstrip(".;") + ".",)
    at = _level_path(settings.recipients, unit.level, "recipients")
    recipients = [_render_setting(r, path=at, **context)
                  for r in _as_list(_per_level(settings.recipients, unit.level))]
    if addressee_lines and not any("như trên" in r.lower() for r in recipients):
        recipients.insert(0, labels.as_above())
    return addressee_lines, _punctuate(recipients, dash=True) if recipients else ()


def _signature(settings, unit: Unit, context: dict) -> Signature:
    signer = _per_level(settings.signer, unit.level) or {}
    at = _level_path(settings.signer, unit.level, "signer")
    return Signature(
        authority=_render_setting(signer["authority"], path=f"{at}.authority", **context) if signer.get("authority") else None,
        title=_render_setting(signer.get("title", ""), path=f"{at}.title", **context),
        name=_render_setting(signer.get("name", ""), path=f"{at}.name", **context))


def _agency_words(agency: str, parent_agency: str | None) -> str:
    """ "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" → "Sở Lao động - Thương binh và Xã hội" for
    running text, with the parent for a district office."""
    words = agency.split()
    if not words:
        return agency
    lowered = [words[0].capitalize()] + [w.lower() for w in words[1:]]
    text = " ".join(lowered)
    # Proper names in the common agency names keep their capitals.
    for proper in ("Lao động", "Thương binh", "Xã hội", "Y tế", "Công an"):
        text = re.sub(re.escape(proper.lower()), proper, text, flags=re.IGNORECASE)
    return text


def _one_line(text: str) -> str:
    """An agency name as one line of running text, whatever breaks the header gave it."""
    return " ".join(text.split())


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _join_labels(labels: list[str]) -> str:
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " và " + labels[-1]


_HEADING = re.compile(r"^(#{1,3}) (.+)$")


def parse_narrative(text: str) -> list:
    """The narrative markup → blocks: "#"/"##"/"###" headings, blank-line separated
    paragraphs (lines joined with spaces), "!! " placeholder paragraphs."""
    blocks: list = []
    buffer: list[str] = []

    def flush():
        if not buffer:
            return
        joined = re.sub(r"\s+", " ", " ".join(buffer)).strip()
        joined = re.sub(r" ([,.;:)])", r"\1", joined).replace("( ", "(")
        buffer.clear()
        if not joined:
            return
        if joined.startswith("!! "):
            blocks.append(Paragraph((Run(joined[3:], placeholder=True),)))
        else:
            blocks.append(Paragraph((Run(joined),)))

    for line in text.split("\n"):
        heading = _HEADING.match(line.strip())
        if heading:
            flush()
            blocks.append(Heading(len(heading.group(1)), heading.group(2).strip()))
        elif not line.strip():
            flush()
        else:
            buffer.append(line.strip())
    flush()
    return blocks


def _close(blocks: list) -> tuple:
    """The body ends with "./." right after its last sentence (official-format.md §4)."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if isinstance(block, Paragraph):
            last = block.runs[-1]
            if last.placeholder:
                runs = block.runs + (Run("./."),)
            else:
                text = last.text.rstrip()
                text = text + "/." if text.endswith(".") else text + "./."
                runs = block.runs[:-1] + (Run(text, last.bold, last.italic),)
            blocks[index] = Paragraph(runs)
            break
    return tuple(blocks)


# ---------------------------------------------------------------- appendices

def _columns(captions: str, layout: list[tuple[int, str]]) -> tuple[Column, ...]:
    """Captions from the labels template (one per line) with each column's relative width
    and alignment; the renderers decide what a width is on their page."""
    titles = captions.split("\n")
    assert len(titles) == len(layout), "the labels template and compose disagree on the columns"
    return tuple(Column(title, weight, align) for title, (weight, align) in zip(titles, layout))


def _appendices(dataset, book, unit, period, children, options, labels, *, symbol,
                issue_date, agency):
    decimals = dataset.settings.percent_decimals
    reference = labels.appendix_reference(symbol, issue_date, agency)
    appendices: list[tuple[str, tuple]] = []
    appendices.append((labels.summary_appendix_title(period),
                       (_summary_table(dataset, book, unit, period, decimals, labels),)))
    if children:
        blocks = _unit_tables(dataset, book, unit, period, children, decimals, labels)
        if blocks:
            appendices.append((labels.units_appendix_title(period), tuple(blocks)))
    if options.compare_with is not None:
        appendices.append((labels.comparison_appendix_title(period, options.compare_with),
                           (_comparison_table(dataset, book, unit, period, options.compare_with,
                                              decimals, labels),)))
    numbered = len(appendices) > 1
    result = []
    for index, (title, blocks) in enumerate(appendices):
        label = labels.appendix_label(ROMAN[index] if numbered else "")
        result.append(Appendix(label=label, title=title, reference=reference, blocks=blocks))
    return result


def _summary_table(dataset, book, unit, period, decimals, labels) -> Table:
    prior = period.same_period_last_year()
    columns = _columns(labels.summary_columns(period, prior), [
        (6, "center"), (40, "left"), (10, "center"), (11, "right"), (12, "right"),
        (10, "right"), (11, "right"), (10, "right")])
    rows, data = [], []
    number = 0
    for figure in book.figures_for(unit.code, period):
        for depth, item in _with_breakdown(figure):
            if not depth:
                number += 1
            name = labels.part_name(item.indicator.name, depth) if depth else item.indicator.name
            rows.append(("" if depth else str(number), name, item.indicator.unit,
                         vi.cell_value(item.target), vi.cell_value(item.value), vi.cell_percent(item.percent_of_plan, decimals),
                         vi.cell_value(item.same_period_value), vi.cell_signed(item.change)))
            data.append((item.indicator.code, item.indicator.name, item.indicator.unit, item.target,
                         item.value, item.percent_of_plan, item.same_period_value, item.change))
    return Table(
        caption=f"{unit.name}",
        columns=columns, rows=tuple(rows), total=None,
        data_header=("indicator", "name", "unit", "target", "value", "percent_of_plan",
                     "same_period_value", "change"),
        data_rows=tuple(data))


def _with_breakdown(figure: Figure, depth: int = 0) -> list[tuple[int, Figure]]:
    """The figure then its parts and overlapping counts with data, depth first."""
    rows = [(depth, figure)]
    for item in figure.breakdown:
        if item.has_data:
            rows.extend(_with_breakdown(item, depth + 1))
    return rows


def _planned_indicators(dataset, book, unit, period, children) -> list[str]:
    top = [i for i in sorted(dataset.indicators.values(), key=lambda i: i.order)
           if not i.parent and i.additive]
    planned = [i.code for i in top
               if any(book.target(c.code, period.year, i.code) is not None for c in children)]
    if planned:
        return planned
    return [i.code for i in top
            if any(book.value(c.code, period, i.code) is not None for c in children)][:3]


def _unit_tables(dataset, book, unit, period, children, decimals, labels) -> list:
    blocks: list = []
    prior = period.same_period_last_year()
    for index, code in enumerate(_planned_indicators(dataset, book, unit, period, children), 1):
        spec = dataset.indicators[code]
        columns = _columns(labels.unit_columns(period, prior), [
            (6, "center"), (34, "left"), (12, "right"), (14, "right"), (11, "right"),
            (12, "right"), (11, "right")])
        rows, data = [], []
        entries: list[tuple[str, str, Figure]] = [
            (c.code, c.name, book.figure(c.code, period, code)) for c in children]
        own = book.own_figure(unit.code, period, code)
        if own is not None:
            entries.append((unit.code, labels.own_share_row(unit), own))
        for number, (unit_code, name, figure) in enumerate(entries, 1):
            rows.append((str(number), name, vi.cell_value(figure.target), vi.cell_value(figure.value),
                         vi.cell_percent(figure.percent_of_plan, decimals), vi.cell_value(figure.same_period_value),
                         vi.cell_signed(figure.change)))
            data.append((unit_code, name, figure.target, figure.value, figure.percent_of_plan,
                         figure.same_period_value, figure.change))
        # The total row is the unit's own figure: its ratio recomputed from the totals.
        total = book.figure(unit.code, period, code)
        total_name = labels.total_row()
        total_row = ("", total_name, vi.cell_value(total.target), vi.cell_value(total.value),
                     vi.cell_percent(total.percent_of_plan, decimals), vi.cell_value(total.same_period_value),
                     vi.cell_signed(total.change))
        data.append(("", total_name, total.target, total.value, total.percent_of_plan,
                     total.same_period_value, total.change))
        blocks.append(Table(
            caption=labels.unit_table_caption(index, spec),
            columns=columns, rows=tuple(rows), total=total_row,
            data_header=("unit", "name", "target", "value", "percent_of_plan",
                         "same_period_value", "change"),
            data_rows=tuple(data)))
        if index == 1:
            chart = _plan_chart(spec, [(n, f) for _c, n, f in entries], decimals, labels)
            if chart is not None:
                blocks.append(chart)
    return blocks


def _plan_chart(spec, entries, decimals, labels) -> Chart | None:
    points = [(name, figure.percent_of_plan) for name, figure in entries
              if figure.percent_of_plan is not None]
    if not points:
        return None
    return Chart(
        caption=labels.plan_chart_caption(spec),
        categories=tuple(name for name, _v in points),
        values=tuple(value for _n, value in points),
        value_labels=tuple(vi.format_percent(value, decimals) for _n, value in points),
        axis_label=labels.plan_chart_axis(),
        reference_value=Decimal(100),
        reference_label=labels.plan_chart_reference())


def _comparison_table(dataset, book, unit, period, other: Period, decimals, labels) -> Table:
    columns = _columns(labels.comparison_columns(period, other), [
        (6, "center"), (42, "left"), (10, "center"), (12, "right"), (12, "right"),
        (10, "right"), (10, "right")])
    rows, data = [], []
    for number, item in enumerate(book.compare(unit.code, period, other), 1):
        figure, before, change, change_pct = item.figure, item.before, item.change, item.change_percent
        rows.append((str(number), figure.indicator.name, figure.indicator.unit, vi.cell_value(before),
                     vi.cell_value(figure.value), vi.cell_signed(change), vi.cell_percent(change_pct, decimals)))
        data.append((figure.indicator.code, figure.indicator.name, figure.indicator.unit, before,
                     figure.value, change, change_pct))
    return Table(
        caption=labels.comparison_caption(unit, period, other),
        columns=columns, rows=tuple(rows),
        data_header=("indicator", "name", "unit", other.code, period.code, "change", "change_percent"),
        data_rows=tuple(data))
