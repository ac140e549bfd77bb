"""Figures of a draft compared with the figures reportgen computes from a dataset.

A figure phrase is matched to its indicator through the narrative templates' own
sentence shapes: the templates are rendered with a sentinel figure per indicator, and
the words around each sentinel ("… tổ chức cai nghiện bắt buộc cho ⟨v⟩/⟨t⟩ người, đạt
…") become that indicator's shape; the catalogue's names give one more shape each
("Số người được tổ chức cai nghiện bắt buộc: ⟨v⟩") and name the rows of tables. A
draft's count matches the shape whose words before it (and after it) agree best; failing
that, the indicator of the same unit whose distinctive word pairs ("tự nguyện", "liên
ngành") its clause uses, clearly more than any other's. A tie, or too little agreement,
leaves the figure "not checked": it is listed, never passed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

from reportgen import vi
from reportgen.audit import findings as F
from reportgen.audit.claims import parts_opening, plan_percentages, same_period_clause, table_rows, tables_of
from reportgen.audit.findings import Finding
from reportgen.audit.numbers import parse_vi
from reportgen.audit.phrases import NEUTRAL_UNITS, Num, Sentence, fold, sentences_of, unit_key
from reportgen.audit.text import Block, Draft
from reportgen.compose import narrative_environment
from reportgen.figures import FigureBook
from reportgen.i18n import N_
from reportgen.periods import Period

_WORD = re.compile(r"[^\W_]+")  # words and the numbers inside names ("Chỉ tiêu bổ sung số 9")
_SENTINEL_BASE = 7_000_000
_WINDOW = 8
MIN_PREFIX = 2  # words right before the number that must agree
MIN_SCORE = 3   # agreeing words before and after, together


def effective_templates(dataset, templates=None):
    """The templates the dataset's reports are written with: the given ones, else the
    dataset's own override folder (`templates:` in its settings), else the shipped ones."""
    from reportgen.resources import SHIPPED, dataset_templates

    if templates is not None:
        return templates
    found, problems = dataset_templates(dataset)
    return SHIPPED if problems else found


@dataclass(frozen=True)
class Shape:
    indicator: str
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    unit: str | None


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD.findall(text))


def window(sentence: Sentence, num: Num) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words before a figure (back to the previous number) and after it (its unit,
    or its target's, and on to the next number)."""
    previous_end = 0
    for other in sentence.nums:
        if other.token >= num.token:
            break
        if other.value_of is not None and other.value_of.token >= num.token:
            continue
        if other.date or other.year:
            continue  # "tính đến ngày 14/6/2023 là ⟨v⟩": a date is part of the words
        previous_end = max(previous_end, (other.unit_end or other.token + 1) + (1 if other.percent else 0))
    prefix = _window_words(sentence, previous_end, num.token)[-_WINDOW:]
    last = num.target if num.target is not None else num
    start = last.unit_end or last.token + 1
    following = [n.token for n in sentence.nums if n.token >= start]
    stop = following[0] if following else len(sentence.tokens)
    suffix = _window_words(sentence, start, stop)[:_WINDOW]
    return prefix, suffix


def _window_words(sentence: Sentence, first: int, last: int) -> tuple[str, ...]:
    """Folded words of tokens[first:last], with the numbers that are no figure (dates,
    years, "số 9" of a name) kept as words: they tell "Chỉ tiêu bổ sung số 9" from "số 10"."""
    dates = {n.token for n in sentence.nums if n.date or n.year}
    return tuple(t.key if t.kind == "word" else t.text for index, t in enumerate(sentence.tokens[first:last], first)
                 if t.kind == "word" or index in dates)


def _common_tail(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    while count < len(a) and count < len(b) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _common_head(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    while count < len(a) and count < len(b) and a[count] == b[count]:
        count += 1
    return count


# ------------------------------------------------------------------ shapes from templates

def _sentinel_figures(dataset) -> tuple[dict[str, SimpleNamespace], dict[int, tuple[str, str]]]:
    figures: dict[str, SimpleNamespace] = {}
    roles: dict[int, tuple[str, str]] = {}
    for index, spec in enumerate(dataset.indicators.values(), 1):
        base = _SENTINEL_BASE + index * 1000
        roles[base + 1] = (spec.code, "value")
        roles[base + 2] = (spec.code, "target")
        roles[base + 3] = (spec.code, "change")
        figures[spec.code] = SimpleNamespace(
            indicator=spec, value=base + 1, target=base + 2, percent_of_plan=Decimal("12.3"),
            change=base + 3, same_period_value=1, own_value=None, parts=[], of_which=[])
    for spec in dataset.indicators.values():
        if spec.parent and spec.parent in figures:
            figures[spec.parent].parts.append(figures[spec.code])
    return figures, roles


def _narrative_sentences(text: str) -> list[str]:
    paragraphs, buffer = [], []
    for line in text.split("\n") + [""]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "!!")):
            if buffer:
                paragraphs.append(" ".join(buffer))
                buffer = []
            continue
        buffer.append(stripped)
    return paragraphs


@lru_cache(maxsize=16)
def _shapes_cached(dataset_key: int, period_kind: str, year: int, dataset_ref, templates) -> tuple[Shape, ...]:
    dataset = dataset_ref()
    figures, roles = _sentinel_figures(dataset)
    top = {code: fig for code, fig in figures.items() if not fig.indicator.parent}
    # The report's own narrative environment (sandboxed), so the shapes are the sentences.
    environment = narrative_environment(dataset.settings.percent_decimals, False, templates)
    period = Period(year, period_kind)
    template = environment.get_template("annual.md.j2" if period_kind == "Y" else "semiannual.md.j2")
    shapes: set[Shape] = set()
    selections = [top] + [{code: fig} for code, fig in top.items()]
    for selection in selections:
        text = template.render(
            unit=SimpleNamespace(name="", code=""), period=period, prior_year=year - 1, topic="",
            agency_name="", actor="các đơn vị", f=selection,
            extra=[fig for fig in selection.values() if not fig.indicator.core],
            notes={}, appendix_labels="")
        for paragraph in _narrative_sentences(text):
            for sentence in sentences_of(paragraph):
                for num in sentence.nums:
                    role = roles.get(num.value) if isinstance(num.value, int) else None
                    if role is None or role[1] != "value":
                        continue
                    prefix, suffix = window(sentence, num)
                    shapes.add(Shape(role[0], prefix, suffix, unit_key(num.unit)))
    for spec in dataset.indicators.values():
        if not spec.parent:
            shapes.add(Shape(spec.code, _words(spec.name), (), unit_key(spec.unit)))
    return tuple(sorted(shapes, key=lambda s: (s.indicator, s.prefix, s.suffix)))


class _Ref:
    """A hashable handle on a dataset for the shape cache (datasets are not hashable)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __call__(self):
        return self.dataset

    def __hash__(self):
        return id(self.dataset)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other.dataset is self.dataset


def template_shapes(dataset, period: Period, templates=None) -> tuple[Shape, ...]:
    """Every indicator's sentence shapes, from the templates its reports are written with."""
    return _shapes_cached(id(dataset), period.kind, period.year, _Ref(dataset),
                          effective_templates(dataset, templates))


def match_indicator(shapes: tuple[Shape, ...], prefix, suffix, unit: str | None) -> str | None:
    best: dict[str, tuple[int, int]] = {}
    for shape in shapes:
        if unit and shape.unit and unit not in NEUTRAL_UNITS and shape.unit not in NEUTRAL_UNITS \
                and unit != shape.unit:
            continue
        before = _common_tail(shape.prefix, prefix)
        after = _common_head(shape.suffix, suffix)
        if not shape.prefix and not prefix:
            # The second figure of "289 mô hình/278 xã, phường …": only its words after.
            if after < MIN_SCORE + 1:
                continue
        elif before < MIN_PREFIX:
            continue
        score = (before + after, -(len(shape.prefix) - before))
        if before + after < MIN_SCORE:
            continue
        if shape.indicator not in best or score > best[shape.indicator]:
            best[shape.indicator] = score
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None  # two indicators read the same: do not guess
    return ranked[0][0]


# ------------------------------------------------------------------ second tier: keywords

_KEY_WORDS = 5  # words on each side of a shape's number that carry its meaning


def _bigrams(words) -> set[tuple[str, str]]:
    return set(zip(words, words[1:]))


@dataclass(frozen=True)
class KeywordIndex:
    """Word pairs that only one indicator's shapes and name use ("tự nguyện", "dạy nghề",
    "liên ngành 178"), and each indicator's unit."""

    distinctive: dict[str, frozenset]
    units: dict[str, str | None]


def keyword_index(dataset, shapes: tuple[Shape, ...]) -> KeywordIndex:
    pairs: dict[str, set] = {}
    top = {spec.code for spec in dataset.indicators.values() if not spec.parent}
    for shape in shapes:
        if shape.indicator not in top:
            continue  # parts are matched by their names inside "(trong đó, …)"
        words = shape.prefix[-_KEY_WORDS:] + ("#",) + shape.suffix[:_KEY_WORDS]
        pairs.setdefault(shape.indicator, set()).update(b for b in _bigrams(words) if "#" not in b)
    for spec in dataset.indicators.values():
        if not spec.parent:
            pairs.setdefault(spec.code, set()).update(_bigrams(_words(spec.name)))
    owners: dict[tuple, set] = {}
    for code, found in pairs.items():
        for pair in found:
            owners.setdefault(pair, set()).add(code)
    distinctive = {code: frozenset(p for p in found if len(owners[p]) == 1) for code, found in pairs.items()}
    units = {code: unit_key(dataset.indicators[code].unit) for code in top}
    return KeywordIndex(distinctive, units)


MIN_KEYWORDS = 2


def keyword_window(sentence: Sentence, num: Num) -> tuple[str, ...]:
    """The words of a figure's own clause: up to _WINDOW words each side, stopping at the
    neighbouring figures (a number without a count noun, "liên ngành 178", is no stop)."""
    def stops(other: Num) -> bool:
        return other is not num and other is not num.target and not (other.date or other.year) \
            and (other.unit is not None or other.percent)

    before = [o for o in sentence.nums if o.token < num.token and stops(o)]
    start = ((before[-1].unit_end or before[-1].token + 1) + (1 if before[-1].percent else 0)) if before else 0
    last = num.target if num.target is not None else num
    after_start = last.unit_end or last.token + 1
    after = [o.token for o in sentence.nums if o.token >= after_start and stops(o)]
    stop = after[0] if after else len(sentence.tokens)
    return (tuple(sentence.words_between(start, num.token))[-_WINDOW:]
            + tuple(sentence.words_between(after_start, stop))[:_WINDOW])


def keyword_match(index: KeywordIndex, words: tuple[str, ...], unit: str | None) -> str | None:
    """The indicator whose distinctive word pairs the draft's clause uses, when its unit is
    the draft's own, at least MIN_KEYWORDS pairs agree and no other indicator comes close."""
    if unit is None or unit in NEUTRAL_UNITS:
        return None
    found = _bigrams(words)
    scores = sorted(((len(pairs & found), code) for code, pairs in index.distinctive.items()
                     if index.units.get(code) == unit), reverse=True)
    if not scores or scores[0][0] < MIN_KEYWORDS:
        return None
    if len(scores) > 1 and scores[1][0] * 2 > scores[0][0]:
        return None
    return scores[0][1]


# ------------------------------------------------------------------ the comparison

class DatasetAudit:
    def __init__(self, dataset, book: FigureBook, unit: str, period: Period, templates=None):
        self.dataset, self.book, self.unit, self.period = dataset, book, unit, period
        self.shapes = template_shapes(dataset, period, templates)
        self.keywords = keyword_index(dataset, self.shapes)
        self.extra_units = tuple(sorted({i.unit for i in dataset.indicators.values() if i.unit}))

    # -- helpers
    def _params(self, code: str, unit: str | None = None) -> dict:
        spec = self.dataset.indicators[code]
        name = self.dataset.units[unit or self.unit].name
        return {"name": spec.name, "code": code, "unit": name, "period": self.period.label}

    def _missing(self, block, num_start, num_end, quote, code, message, unit=None) -> Finding:
        return Finding.make(F.UNMATCHED, F.NOT_CHECKED, block.location, quote, "", message,
                            span=(num_start, num_end), indicator=code, **self._params(code, unit))

    def _compare(self, kind, block, span, quote, code, draft_value, right, right_text, message,
                 unit=None, **extra) -> list[Finding]:
        if right is None:
            return [self._missing(block, span[0], span[1], quote, code,
                                  N_("{name} ({code}): the dataset has no such figure for {unit}, "
                                     "{period}; not compared"), unit)]
        if Decimal(draft_value) == Decimal(right):
            return []
        return [Finding.make(kind, F.ERROR, block.location, quote, right_text, message, span=span,
                             indicator=code, right=right_text, **self._params(code, unit), **extra)]

    # -- body text
    def check(self, draft: Draft) -> list[Finding]:
        found: list[Finding] = []
        noted_pages: set[int | None] = set()
        for block in draft.blocks:
            if block.location.table is not None:
                continue
            if block.tabular:
                if block.location.page not in noted_pages:
                    noted_pages.add(block.location.page)
                    found.append(Finding.make(
                        F.UNMATCHED, F.NOT_CHECKED, block.location, block.text[:60], "",
                        N_("a table the PDF gives as lines of text (on this page): its "
                           "figures were not compared with the dataset; audit the DOCX to check them"),
                        span=(0, len(block.text))))
                continue
            for sentence in sentences_of(block.text, self.extra_units):
                found += self._sentence(block, sentence)
        found += self._tables(draft)
        return found

    def _candidates(self, sentence: Sentence) -> list[Num]:
        priors = set()
        for num in sentence.nums:
            if num.change_word:
                clause = same_period_clause(sentence, num)
                if clause and clause[1] is not None:
                    priors.add(clause[1].token)
        return [n for n in sentence.nums
                if n.is_figure and n.parts_of is None and not n.change_word
                and n.token not in priors and (n.unit is not None or n.target is not None)]

    def _sentence(self, block: Block, sentence: Sentence) -> list[Finding]:
        found: list[Finding] = []
        candidates = self._candidates(sentence)
        percents = {pair.token: percent for percent, pair in plan_percentages(sentence)}
        owners = clause_owners(sentence, candidates)
        text = block.text
        for position, num in enumerate(candidates):
            prefix, suffix = window(sentence, num)
            code = match_indicator(self.shapes, prefix, suffix, unit_key(num.unit))
            if code is None:
                code = keyword_match(self.keywords, keyword_window(sentence, num), unit_key(num.unit))
            end = (num.target or num).end
            quote = text[num.start:end]
            if num.unit:
                quote = text[num.start:sentence.tokens[(num.target or num).unit_end - 1].end]
            if code is None:
                found.append(Finding.make(
                    F.UNMATCHED, F.NOT_CHECKED, block.location, quote, "",
                    N_("no indicator matches this figure; it was not compared with the dataset"),
                    span=(num.start, num.end)))
                continue
            figure = self.book.figure(self.unit, self.period, code)
            value_text = vi.cell_value(figure.value)
            found += self._compare(F.DATASET_VALUE, block, (num.start, num.end), quote, code,
                                   num.value, figure.value, value_text,
                                   N_("{name} ({code}): the draft says {printed}, the figure for "
                                      "{unit}, {period} is {right}"), printed=num.number.raw)
            if num.target is not None:
                target = num.target
                found += self._compare(F.DATASET_TARGET, block, (target.start, target.end), quote, code,
                                       target.value, figure.target, vi.cell_value(figure.target),
                                       N_("{name} ({code}): the draft gives the plan as {printed}, the "
                                          "dataset's plan for {unit} is {right}"), printed=target.number.raw)
            found += self._percent(block, sentence, num, percents, owners, code, figure)
            found += self._change(block, sentence, num, owners, code, figure)
            found += self._parts(block, sentence, num, code)
        return found

    def _percent(self, block, sentence, num, percents, owners, code, figure) -> list[Finding]:
        percent = percents.get(num.token)
        if percent is None and num.target is None:
            for other in sentence.nums:
                if owners.get(other.token) is num and other.percent and \
                        sentence.tokens[other.token - 1].key == "dat" and other not in percents.values():
                    percent = other
                    break
        if percent is None:
            return []
        decimals = percent.number.decimals
        exact = figure.percent_of_plan
        right = vi.round_half_up(exact, decimals) if exact is not None else None
        return self._compare(F.DATASET_PERCENT, block, (percent.start, percent.end),
                             block.text[percent.start:percent.end], code, percent.value, right,
                             vi.format_percent(exact, decimals) if exact is not None else "",
                             N_("{name} ({code}): the draft says {printed} of plan, the dataset gives {right}"),
                             printed=percent.number.raw + "%")

    def _change(self, block, sentence, num, owners, code, figure) -> list[Finding]:
        for other in sentence.nums:
            if owners.get(other.token) is not num or not other.change_word:
                continue
            if same_period_clause(sentence, other) is None:
                return []
            sign = 1 if other.change_word == "tang" else -1
            start = sentence.tokens[other.token - 1].start
            quote = block.text[start:other.end]
            if other.percent:
                exact = figure.change_percent
                decimals = other.number.decimals
                right = vi.round_half_up(exact, decimals) if exact is not None else None
                right_text = _signed_words(exact, lambda v: vi.format_percent(v, decimals)) if exact is not None else ""
            else:
                right = figure.change
                right_text = _signed_words(right, vi.format_value) if right is not None else ""
            return self._compare(F.DATASET_CHANGE, block, (start, other.end), quote, code,
                                 sign * Decimal(other.value), right, right_text,
                                 N_("{name} ({code}): the draft says \"{printed}\" against the same "
                                    "period, the dataset gives \"{right}\""), printed=quote)
        return []

    def _parts(self, block, sentence, num, code) -> list[Finding]:
        found = []
        parts = [n for n in sentence.nums if n.parts_of is num]
        specs = self.dataset.parts_of(code)
        previous_end = parts_opening(sentence, parts[0]) if parts else 0
        for part in parts:
            label = tuple(w for w in sentence.words_between(previous_end, part.token) if w not in ("trong", "do"))
            previous_end = part.unit_end or part.token + 1
            chosen, length = None, 0
            for spec in specs:
                name = _words(spec.name)
                if name and _common_tail(name, label) == len(name) and len(name) > length:
                    chosen, length = spec, len(name)
            quote = block.text[part.start:sentence.tokens[part.unit_end - 1].end] if part.unit_end else part.number.raw
            if chosen is None:
                found.append(Finding.make(
                    F.UNMATCHED, F.NOT_CHECKED, block.location, quote, "",
                    N_("no part of {name} ({code}) matches this figure; it was not compared with the dataset"),
                    span=(part.start, part.end), indicator=code, **self._params(code)))
                continue
            value = self.book.value(self.unit, self.period, chosen.code)
            found += self._compare(F.DATASET_PART, block, (part.start, part.end), quote, chosen.code,
                                   part.value, value, vi.cell_value(value),
                                   N_("{name} ({code}): the draft says {printed}, the figure for "
                                      "{unit}, {period} is {right}"), printed=part.number.raw)
        return found

    # -- tables
    def _row_subject(self, row: dict[int, Block], caption_code: str | None, current: str | None):
        """(unit code, indicator code, what the row is) for a table row, or None. A summary
        row names its indicator ("Số người …"), a part row ("- Trong đó: nữ") one of the
        parts of the indicator above it; a unit table's rows name units under the
        indicator of its caption."""
        tops: dict[str, list[str]] = {}
        for spec in self.dataset.indicators.values():
            if not spec.parent:
                tops.setdefault(fold(spec.name), []).append(spec.code)
        units = {fold(u.name): u.code for u in self.dataset.units.values()}
        for block in row.values():
            key = fold(block.text.strip())
            part = False
            for lead in ("- trong do: ", "trong do: "):
                if key.startswith(lead):
                    key, part = key[len(lead):], True
            if part:
                if current is None:
                    return None
                codes = [p.code for p in self.dataset.parts_of(current) if fold(p.name) == key]
                return (self.unit, codes[0], "part") if len(codes) == 1 else None
            if key in tops:
                codes = tops[key]
                return (self.unit, codes[0], "top") if len(codes) == 1 else None
            if caption_code is not None:
                if key in units:
                    return units[key], caption_code, "unit"
                if key == "tong cong":
                    return self.unit, caption_code, "total"
                if key.startswith("cac don vi truc thuoc"):
                    return self.unit, caption_code, "own"
        return None

    def _caption_code(self, draft: Draft, cells: dict) -> str | None:
        """The indicator a unit table is about, from its caption "Biểu 1. <name> (<unit>)"."""
        first = min(block.location.block for block in cells.values())
        names: dict[str, list[str]] = {}
        for spec in self.dataset.indicators.values():
            if not spec.parent:
                names.setdefault(fold(spec.name), []).append(spec.code)
        for block in reversed(draft.blocks[max(0, first - 3):first]):
            if block.location.table is not None:
                break
            match = re.match(r"^bieu \d+\.\s*(.*?)\s*(\([^()]*\))?$", fold(block.text.strip()))
            if match and len(names.get(match.group(1), ())) == 1:
                return names[match.group(1)][0]
        return None

    def _tables(self, draft: Draft) -> list[Finding]:
        found = []
        for cells in tables_of(draft).values():
            columns, body = table_rows(cells)
            if not columns:
                continue
            caption_code = self._caption_code(draft, cells)
            current = None
            for _row_number, row in body:
                value_cell = row.get(columns["value"])
                subject = self._row_subject(row, caption_code, current)
                if subject is not None and subject[2] == "top":
                    current = subject[1]
                if value_cell is None or parse_vi(value_cell.text) is None:
                    continue
                if subject is None:
                    found.append(Finding.make(
                        F.UNMATCHED, F.NOT_CHECKED, value_cell.location, value_cell.text.strip(), "",
                        N_("no indicator or unit matches this table row; it was not compared with the dataset"),
                        span=(0, len(value_cell.text))))
                    continue
                unit, code, kind = subject
                if kind == "own":
                    found += self._own_row(row, columns, code)
                else:
                    found += self._table_row(row, columns, unit, code)
        return found

    def _own_row(self, row, columns, code: str) -> list[Finding]:
        """The row of the units run directly by this unit (its own share)."""
        value = self.book.own_value(self.unit, self.period, code)
        prior = self.book.own_value(self.unit, self.period.same_period_last_year(), code)
        change = None if value is None or prior is None else value - prior
        found = []
        for column_name, right in (("value", value), ("prior", prior), ("change", change)):
            cell = row.get(columns.get(column_name, -1))
            printed = parse_vi(cell.text) if cell is not None else None
            if printed is None:
                continue
            right_text = vi.cell_signed(right) if column_name == "change" else vi.cell_value(right)
            found += self._compare(F.DATASET_VALUE, cell, (0, len(cell.text)), cell.text.strip(), code,
                                   printed, right, right_text,
                                   N_("{name} ({code}), units run directly by {unit}: the draft says "
                                      "{printed}, the dataset gives {right}"), printed=cell.text.strip())
        return found

    def _table_row(self, row, columns, unit: str, code: str) -> list[Finding]:
        figure = self.book.figure(unit, self.period, code)
        checks = (
            ("value", F.DATASET_VALUE, figure.value, N_("{name} ({code}): the draft says {printed}, the figure for "
                                                         "{unit}, {period} is {right}")),
            ("target", F.DATASET_TARGET, figure.target, N_("{name} ({code}): the draft gives the plan as {printed}, the "
                                                            "dataset's plan for {unit} is {right}")),
            ("prior", F.DATASET_VALUE, figure.same_period_value,
             N_("{name} ({code}): the draft gives the same period's figure as {printed}, the dataset gives {right}")),
            ("change", F.DATASET_CHANGE, figure.change, N_("{name} ({code}): the draft says \"{printed}\" against the same "
                                                            "period, the dataset gives \"{right}\"")),
        )
        found = []
        for column_name, kind, right, message in checks:
            cell = row.get(columns.get(column_name, -1))
            if cell is None:
                continue
            printed = parse_vi(cell.text)
            if printed is None:
                continue  # an empty cell: the table prints no figure there
            right_text = vi.cell_signed(right) if column_name == "change" else vi.cell_value(right)
            found += self._compare(kind, cell, (0, len(cell.text)), cell.text.strip(), code, printed, right,
                                   right_text, message, unit=unit, printed=cell.text.strip())
        cell = row.get(columns.get("percent", -1))
        if cell is not None and parse_vi(cell.text) is not None:
            decimals = len(cell.text.strip().rstrip("%").partition(",")[2])
            exact = figure.percent_of_plan
            right = vi.round_half_up(exact, decimals) if exact is not None else None
            found += self._compare(F.DATASET_PERCENT, cell, (0, len(cell.text)), cell.text.strip(), code,
                                   parse_vi(cell.text), right,
                                   vi.format_percent(exact, decimals) if exact is not None else "",
                                   N_("{name} ({code}): the draft says {printed} of plan, the dataset gives {right}"),
                                   unit=unit, printed=cell.text.strip())
        return found


def clause_owners(sentence: Sentence, candidates: list[Num]) -> dict[int, Num]:
    """Which figure each "đạt Z%" and "tăng/giảm N" speaks of: the nearest figure before
    it of the same unit (a change names its unit), skipping the second figure of "289 mô
    hình/278 xã, phường" unless the unit says so."""
    owners: dict[int, Num] = {}
    tokens = sentence.tokens
    for num in sentence.nums:
        if not (num.percent or num.change_word) or num.parts_of is not None:
            continue
        unit = unit_key(num.unit) if num.change_word and not num.percent else None
        chosen = None
        for candidate in candidates:
            if candidate.token >= num.token or candidate.depth != num.depth:
                continue
            second = candidate.token > 0 and tokens[candidate.token - 1].text == "/"
            if unit is not None:
                if unit_key(candidate.unit) in (unit, None):
                    chosen = candidate
            elif not second:
                chosen = candidate
        if chosen is not None:
            owners[num.token] = chosen
    return owners


def _signed_words(delta, formatter) -> str:
    if delta == 0:
        return "bằng cùng kỳ"
    return ("tăng " if delta > 0 else "giảm ") + formatter(abs(delta))


def check_against_dataset(draft: Draft, dataset, book: FigureBook, unit: str, period: Period,
                          templates=None) -> list[Finding]:
    return DatasetAudit(dataset, book, unit, period, templates).check(draft)
