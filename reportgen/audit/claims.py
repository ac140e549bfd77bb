"""Claims a draft makes about its own figures, checked without any dataset.

- "X/Y … đạt Z%": Z is X/Y × 100 rounded half up at the precision the draft printed.
- Number forms: "22.8%" (decimal point), "1,200 người" (comma thousands), "1200 người".
- "A (trong đó, B …, C …)": parts of the same unit word never exceed A, and equal A
  when they are complementary ("có …" and "không có …").
- "tăng/giảm N … so với cùng kỳ … M": N is the difference of this period's figure and M.
- The date line "ngày 05 tháng 7 năm 2023" (Nghị định 30: leading zero for days below
  10 and for months 1 and 2).
- Appendix tables with plan, result, % of plan, same period and change columns.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, localcontext

from reportgen import vi
from reportgen.audit import findings as F
from reportgen.audit.findings import Finding
from reportgen.audit.numbers import COMMA_THOUSANDS, DECIMAL_POINT, ENGLISH, parse_vi
from reportgen.audit.phrases import Num, Sentence, fold, sentences_of, unit_key
from reportgen.audit.text import Block, Draft
from reportgen.i18n import N_

_QUOTE_LIMIT = 90
_DATE_LINE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)

MSG_PERCENT = N_("{value}/{target} is {right}; the draft says {printed}")
MSG_CHANGE = N_("{value} − {prior} is {right}; the draft says {printed}")


def ratio_percent(value, base) -> Decimal:
    """value / base × 100, exact to 40 digits (rounded only when compared or printed)."""
    with localcontext() as context:
        context.prec = 40
        return Decimal(value) * 100 / Decimal(base)


def quote_between(text: str, start: int, end: int, *, tail_start: int | None = None) -> str:
    """The draft's words from start to end; a long stretch keeps its two ends ("… ")."""
    whole = text[start:end].strip()
    if len(whole) <= _QUOTE_LIMIT or tail_start is None:
        return whole
    return f"{text[start:tail_start].strip()[:40].rstrip()} … {text[tail_start:end].strip()}"


def percent_text(value: Decimal, decimals: int) -> str:
    return vi.format_percent(value, decimals)


def check_draft(draft: Draft, extra_units: tuple[str, ...] = ()) -> list[Finding]:
    found: list[Finding] = []
    for block in draft.blocks:
        for sentence in sentences_of(block.text, extra_units):
            found += percent_claims(block, sentence)
            found += format_claims(block, sentence)
            found += parts_claims(block, sentence)
            found += change_claims(block, sentence)
        found += date_lines(block)
    found += table_claims(draft)
    return found


# ------------------------------------------------------------------ X/Y … đạt Z%

def plan_percentages(sentence: Sentence) -> list[tuple[Num, Num]]:
    """(percentage, X of its X/Y pair) for each "đạt Z%" with a pair in its clause: the
    nearest unused pair before it with no other count or ";" in between, else a pair
    right after it ("đạt 67,4% (809/1.200 người)")."""
    tokens = sentence.tokens
    pairs = [n for n in sentence.nums if n.target is not None]
    used: set[int] = set()
    result = []
    for num in sentence.nums:
        if not num.percent or num.token == 0 or tokens[num.token - 1].key != "dat":
            continue
        chosen = None
        before = [p for p in pairs if p.token < num.token and p.token not in used]
        if before:
            pair = before[-1]
            between = range((pair.target.unit_end or pair.target.token + 1), num.token)
            counts = [n for n in sentence.nums if n.token in between and n.is_figure and n.unit]
            if not counts and not any(tokens[i].text == ";" for i in between):
                chosen = pair
        if chosen is None:
            after = [p for p in pairs if num.token < p.token <= num.token + 5 and p.token not in used]
            chosen = after[0] if after else None
        if chosen is None:
            continue
        used.add(chosen.token)
        result.append((num, chosen))
    return result


def percent_claims(block: Block, sentence: Sentence) -> list[Finding]:
    found = []
    for percent, pair in plan_percentages(sentence):
        target = pair.target
        if target.value == 0:
            continue
        decimals = percent.number.decimals
        exact = ratio_percent(pair.value, target.value)
        expected = vi.round_half_up(exact, decimals)
        if expected == Decimal(percent.value):
            continue
        word_start = sentence.tokens[percent.token - 1].start
        found.append(Finding.make(
            F.PERCENT_OF_PLAN, F.ERROR, block.location,
            quote_between(block.text, pair.start, percent.end, tail_start=word_start),
            percent_text(exact, decimals), MSG_PERCENT, span=(percent.start, percent.end),
            value=pair.number.raw, target=target.number.raw,
            right=percent_text(exact, decimals), printed=percent.number.raw + "%"))
    return found


# ------------------------------------------------------------------ number forms

def format_claims(block: Block, sentence: Sentence) -> list[Finding]:
    found = []
    for num in sentence.nums:
        if num.date or num.year:
            continue
        form = num.number.form
        counted = num.unit is not None or num.percent or num.value_of is not None
        quote = block.text[num.start:num.end]
        if form in (DECIMAL_POINT, ENGLISH) and counted:
            expected = num.number.vi_form(num.percent)
            found.append(Finding.make(F.NUMBER_FORMAT, F.WARNING, block.location, quote, expected,
                                      N_("a decimal point: vi-VN writes the decimal mark as a comma"),
                                      span=(num.start, num.end)))
        elif form == COMMA_THOUSANDS and counted:
            expected = num.number.vi_form(num.percent)
            found.append(Finding.make(F.NUMBER_FORMAT, F.WARNING, block.location, quote, expected,
                                      N_("a comma as thousands separator: vi-VN groups thousands with a dot"),
                                      span=(num.start, num.end)))
        elif (form == "vi" and isinstance(num.value, int) and num.value >= 1000 and counted
              and not num.percent and num.number.raw.isdigit()):
            expected = vi.format_count(num.value)
            found.append(Finding.make(F.NUMBER_FORMAT, F.WARNING, block.location, quote, expected,
                                      N_("no thousands separator: vi-VN writes thousands with a dot"),
                                      span=(num.start, num.end)))
    return found


# ------------------------------------------------------------------ (trong đó, …)

def parts_opening(sentence: Sentence, first_part: Num) -> int:
    """The token after the "(" that opens the parts ("(trong đó, …")."""
    for index in range(first_part.token - 1, -1, -1):
        if sentence.tokens[index].text == "(":
            return index + 1
    return first_part.token


def part_label(sentence: Sentence, part: Num, previous_end: int) -> list[str]:
    return [w for w in sentence.words_between(previous_end, part.token) if w not in ("trong", "do")]


def _core(label: list[str]) -> tuple[bool, tuple[str, ...]]:
    negated = bool(label) and label[0] == "khong"
    words = label[1:] if negated else label
    if words and words[0] in ("co", "duoc"):
        words = words[1:]
    return negated, tuple(words)


def complementary(labels: list[list[str]]) -> bool:
    """ "có nơi cư trú ổn định" and "không có nơi cư trú ổn định": the parts are the whole."""
    if len(labels) != 2:
        return False
    (negated_a, core_a), (negated_b, core_b) = _core(labels[0]), _core(labels[1])
    return bool(core_a) and core_a == core_b and negated_a != negated_b


def parts_groups(sentence: Sentence) -> list[tuple[Num, list[Num], list[list[str]]]]:
    """(total, its parts of the same unit, their labels) for each "(trong đó, …)"."""
    groups = []
    totals = []
    for num in sentence.nums:
        if num.parts_of is not None and num.parts_of not in totals:
            totals.append(num.parts_of)
    for total in totals:
        parts = [n for n in sentence.nums if n.parts_of is total]
        unit = unit_key(total.unit) or unit_key(parts[0].unit)
        same, labels = [], []
        previous_end = parts_opening(sentence, parts[0])
        for part in parts:
            if unit_key(part.unit) == unit:
                same.append(part)
                labels.append(part_label(sentence, part, previous_end))
            previous_end = part.unit_end or part.token + 1
        if same:
            groups.append((total, same, labels))
    return groups


def parts_claims(block: Block, sentence: Sentence) -> list[Finding]:
    found = []
    for total, parts, labels in parts_groups(sentence):
        amount = sum(p.value for p in parts)
        end = parts[-1].unit_end
        close = sentence.tokens[end].end if end is not None and end < len(sentence.tokens) and \
            sentence.tokens[end].text == ")" else parts[-1].end
        quote = quote_between(block.text, total.start, close, tail_start=parts[-1].start)
        unit = parts[0].unit or ""
        if amount > total.value:
            running, prefix_is_whole = 0, False
            for part in parts:
                running += part.value
                prefix_is_whole = prefix_is_whole or running == total.value
            if prefix_is_whole:
                continue  # the first parts are the whole; the rest is further detail
            found.append(Finding.make(
                F.PARTS_SUM, F.ERROR, block.location, quote, "",
                N_("the parts add up to {sum} {unit}, more than the total {total}"),
                span=(total.start, total.end), sum=vi.format_count(amount), unit=unit,
                total=total.number.raw))
        elif amount != total.value and complementary(labels):
            found.append(Finding.make(
                F.PARTS_SUM, F.ERROR, block.location, quote, vi.format_count(amount),
                N_("the parts (\"có …\" and \"không …\": the whole) add up to {sum} {unit}, not the total {total}"),
                span=(total.start, total.end), sum=vi.format_count(amount), unit=unit,
                total=total.number.raw))
    return found


# ------------------------------------------------------------------ tăng/giảm … so với cùng kỳ

def same_period_clause(sentence: Sentence, change: Num) -> tuple[int, Num | None] | None:
    """After "tăng N …": the token index past "so với cùng kỳ [năm YYYY]" and the prior
    figure the draft states right there ("(536 người)", "là 536 người"), if any."""
    tokens = sentence.tokens
    position = change.unit_end or change.token + (2 if change.percent else 1)
    words = [t.key for t in tokens[position:position + 4] if t.kind == "word"]
    if words[:4] != ["so", "voi", "cung", "ky"]:
        return None
    position += 4
    while position < len(tokens) and tokens[position].kind != "word" and tokens[position].kind != "num":
        position += 1
    if position < len(tokens) and tokens[position].key == "nam":
        position += 2  # "năm 2022"
    for offset in range(position, min(len(tokens), position + 5)):
        token = tokens[offset]
        if token.kind == "num":
            prior = sentence.num_at(offset)
            if prior is not None and prior.is_figure and not prior.change_word:
                return position, prior
            return position, None
        if token.kind == "word" and token.key not in ("la", "cung", "ky", "chi", "co"):
            return position, None
    return position, None


def current_figure(sentence: Sentence, change: Num) -> Num | None:
    """This period's figure the change refers to: the nearest stated count before it."""
    candidates = [n for n in sentence.nums
                  if n.token < change.token and n.is_figure and n.parts_of is None
                  and not n.change_word and n.depth == change.depth]
    return candidates[-1] if candidates else None


def change_claims(block: Block, sentence: Sentence) -> list[Finding]:
    found = []
    for change in sentence.nums:
        if not change.change_word:
            continue
        clause = same_period_clause(sentence, change)
        if clause is None or clause[1] is None:
            continue
        prior = clause[1]
        current = current_figure(sentence, change)
        if current is None or (current.unit and change.unit and not change.percent
                               and unit_key(current.unit) != unit_key(change.unit)):
            continue
        delta = current.value - prior.value
        sign = 1 if change.change_word == "tang" else -1
        word_start = sentence.tokens[change.token - 1].start
        quote = quote_between(block.text, current.start, prior.end, tail_start=word_start)
        if change.percent:
            if prior.value == 0:
                continue
            decimals = change.number.decimals
            exact = ratio_percent(delta, prior.value)
            if vi.round_half_up(exact, decimals) == sign * Decimal(change.value):
                continue
            expected = _change_words(exact, lambda v: vi.format_percent(v, decimals))
        else:
            if delta == sign * change.value:
                continue
            expected = _change_words(delta, vi.format_count)
        found.append(Finding.make(
            F.CHANGE, F.ERROR, block.location, quote, expected, MSG_CHANGE,
            span=(word_start, change.end), value=current.number.raw, prior=prior.number.raw,
            right=expected, printed=block.text[word_start:change.end]))
    return found


def _change_words(delta, formatter) -> str:
    if delta == 0:
        return "bằng cùng kỳ"
    return ("tăng " if delta > 0 else "giảm ") + formatter(abs(delta))


# ------------------------------------------------------------------ date line

def date_lines(block: Block) -> list[Finding]:
    found = []
    for match in _DATE_LINE.finditer(block.text):
        day_text, month_text, year_text = match.groups()
        day, month, year = int(day_text), int(month_text), int(year_text)
        quote = match.group()
        try:
            date(year, month, day)
        except ValueError:
            found.append(Finding.make(F.DATE_LINE, F.ERROR, block.location, quote, "",
                                      N_("this date does not exist"), span=match.span()))
            continue
        right_day, right_month = vi.format_day_month(day, month)
        if (right_day, right_month) != (day_text, month_text):
            expected = f"ngày {right_day} tháng {right_month} năm {year}"
            found.append(Finding.make(
                F.DATE_LINE, F.WARNING, block.location, quote, expected,
                N_("Nghị định 30/2020: days below 10 and months 1 and 2 take a leading zero, other months do not"),
                span=match.span()))
    return found


# ------------------------------------------------------------------ tables

def table_columns(header: dict[int, str]) -> dict[str, int]:
    """Which column holds what, from header words (the appendix tables' own titles)."""
    columns: dict[str, int] = {}
    for column, text in header.items():
        key = fold(text)
        if "ty le" in key and ("kh" in key.split() or "ke hoach" in key):
            columns.setdefault("percent", column)
        elif "ke hoach" in key:
            columns.setdefault("target", column)
        elif "thuc hien" in key:
            columns.setdefault("value", column)
        elif "cung ky" in key:
            columns.setdefault("prior", column)
        elif "tang" in key and "giam" in key and "ty le" not in key:
            columns.setdefault("change", column)
    return columns


def tables_of(draft: Draft) -> dict[int, dict[tuple[int, int], Block]]:
    tables: dict[int, dict[tuple[int, int], Block]] = {}
    for block in draft.blocks:
        location = block.location
        if location.table is not None:
            tables.setdefault(location.table, {})[(location.row, location.column)] = block
    return tables


def table_rows(cells: dict[tuple[int, int], Block]):
    """(header columns, [(row number, {column: Block})]) when the table has figure columns."""
    rows: dict[int, dict[int, Block]] = {}
    for (row, column), block in cells.items():
        rows.setdefault(row, {})[column] = block
    for header_row in sorted(rows)[:3]:
        columns = table_columns({c: b.text for c, b in rows[header_row].items()})
        if "value" in columns and ("target" in columns or "prior" in columns):
            body = [(r, rows[r]) for r in sorted(rows) if r > header_row]
            return columns, body
    return None, []


def _cell_number(row: dict[int, Block], column: int | None):
    if column is None or column not in row:
        return None
    return parse_vi(row[column].text)


def _is_total_row(row: dict[int, Block]) -> bool:
    return any(fold(block.text.strip()) == "tong cong" for block in row.values())


def total_claims(columns: dict[str, int], body) -> list[Finding]:
    """The "Tổng cộng" row adds up the rows above it (results, same period, changes;
    plans are left out: a parent's plan may be set on its own)."""
    found = []
    for index, (_number, row) in enumerate(body):
        if not _is_total_row(row):
            continue
        above = [r for _n, r in body[:index] if not _is_total_row(r)]
        for name in ("value", "prior", "change"):
            column = columns.get(name)
            cell = row.get(column) if column is not None else None
            total = _cell_number(row, column)
            if cell is None or total is None:
                continue
            amounts = [_cell_number(r, column) for r in above]
            present = [a for a in amounts if a is not None]
            if not present or sum(present) == total:
                continue
            expected = vi.format_signed(sum(present)) if name == "change" else vi.format_value(sum(present))
            found.append(Finding.make(
                F.PARTS_SUM, F.ERROR, cell.location, cell.text.strip(), expected,
                N_("the rows above add up to {sum}, the total row says {total}"),
                span=(0, len(cell.text)), sum=expected, total=cell.text.strip()))
    return found


def table_claims(draft: Draft) -> list[Finding]:
    found = []
    for cells in tables_of(draft).values():
        columns, body = table_rows(cells)
        if not columns:
            continue
        found += total_claims(columns, body)
        for _number, row in body:
            value = _cell_number(row, columns.get("value"))
            if value is None:
                continue
            target = _cell_number(row, columns.get("target"))
            percent = _cell_number(row, columns.get("percent"))
            if target and percent is not None:
                cell = row[columns["percent"]]
                decimals = len(cell.text.strip().rstrip("%").partition(",")[2])
                exact = ratio_percent(value, target)
                if vi.round_half_up(exact, decimals) != Decimal(percent):
                    found.append(Finding.make(
                        F.PERCENT_OF_PLAN, F.ERROR, cell.location, cell.text.strip(),
                        percent_text(exact, decimals), MSG_PERCENT, span=(0, len(cell.text)),
                        value=row[columns["value"]].text.strip(), target=row[columns["target"]].text.strip(),
                        right=percent_text(exact, decimals), printed=cell.text.strip()))
            prior = _cell_number(row, columns.get("prior"))
            change = _cell_number(row, columns.get("change"))
            if prior is not None and change is not None and value - prior != change:
                cell = row[columns["change"]]
                expected = vi.format_signed(value - prior) if isinstance(value - prior, int) else str(value - prior)
                found.append(Finding.make(
                    F.CHANGE, F.ERROR, cell.location, cell.text.strip(), expected, MSG_CHANGE,
                    span=(0, len(cell.text)), value=row[columns["value"]].text.strip(),
                    prior=row[columns["prior"]].text.strip(), right=expected, printed=cell.text.strip()))
    return found
