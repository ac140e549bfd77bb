"""Alignment of two documents: blocks, then table rows, then cells, then words.

Works on a plain outline of each document (paragraph texts and tables of cells) that keeps
a reference to the XML each item came from; it never touches the XML itself. The result is
a tree of `BlockDiff`s in the new document's order, with deleted items placed where they
stood, which both the DOCX redline and the HTML view walk.

Order of work (each step only inside what the previous one left unmatched):
1. difflib.SequenceMatcher on whole-block keys: equal paragraphs and tables stay untouched,
   so a moved or inserted paragraph is one deletion/insertion, not a document of changes;
2. replaced ranges are paired by similarity (an order-keeping best matching), and one
   paragraph replaced by one paragraph is always paired;
3. paired paragraphs get a word diff (tokens.py), paired tables a row alignment with the
   same two steps, and rows of the same shape a per-cell diff (cells are containers too).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Callable, Literal, NamedTuple, Union

from reportgen import ooxml
from reportgen.diff.tokens import Token, tokenize, words
from reportgen.ooxml import read

PARAGRAPH_PAIR_THRESHOLD = 0.5  # word-sequence similarity to show one paragraph as edited
ROW_PAIR_THRESHOLD = 0.5  # rows with the same number of cells always reach it
PAIRING_BUDGET = 5_000  # similarity computations per replaced range before banding


# ------------------------------------------------------------------------- the outline

@dataclass(eq=False)
class Para:
    element: Any
    text: str
    style: str = ""
    align: str = ""
    bold: bool = False
    kind = "p"

    @property
    def key(self) -> str:
        if "_key" not in self.__dict__:
            self.__dict__["_key"] = "p\x00" + unicodedata.normalize("NFC", self.text)
        return self.__dict__["_key"]

    @property
    def tokens(self) -> list[Token]:
        if "_tokens" not in self.__dict__:
            self.__dict__["_tokens"] = tokenize(self.text)
        return self.__dict__["_tokens"]

    @property
    def words(self) -> list[str]:
        if "_words" not in self.__dict__:
            self.__dict__["_words"] = [t.key for t in self.tokens if t.kind != "space"]
        return self.__dict__["_words"]


@dataclass(eq=False)
class Cell:
    element: Any
    blocks: list["Block"]
    span: int = 1
    continued: bool = False  # a vertically merged cell below its first

    @property
    def key(self) -> str:
        return "\x1e".join(block.key for block in self.blocks)

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(eq=False)
class Row:
    element: Any
    cells: list[Cell]

    @property
    def key(self) -> str:
        return "\x1f".join(cell.key for cell in self.cells)

    @property
    def text(self) -> str:
        return " | ".join(cell.text for cell in self.cells)


@dataclass(eq=False)
class Table:
    element: Any
    rows: list[Row]
    borders: bool = True
    kind = "t"

    @property
    def key(self) -> str:
        return "t\x00" + "\x1d".join(row.key for row in self.rows)

    @property
    def text(self) -> str:
        return "\n".join(row.text for row in self.rows)

    @property
    def columns(self) -> int:
        return max((sum(cell.span for cell in row.cells) for row in self.rows), default=0)


Block = Union[Para, Table]


def read_blocks(container: Any, styles: read.StyleSheet | None = None) -> list[Block]:
    """The outline of a body, cell, header or footer element."""
    blocks: list[Block] = []
    for element in read.iter_blocks(container):
        if element.tag == ooxml.P:
            style, align, bold = read.paragraph_look(element, styles)
            blocks.append(Para(element, read.paragraph_text(element), style, align, bold))
        else:
            rows = []
            for row in read.iter_rows(element):
                cells = []
                for cell in read.iter_cells(row):
                    span, continued = read.cell_span(cell)
                    cells.append(Cell(cell, read_blocks(cell, styles), span, continued))
                rows.append(Row(row, cells))
            blocks.append(Table(element, rows, read.table_has_borders(element, styles)))
    return blocks


# ---------------------------------------------------------------------------- the diff

class Span(NamedTuple):
    """One stretch of a paragraph's word diff, as character ranges of both texts."""

    tag: Literal["equal", "replace", "delete", "insert"]
    old_start: int
    old_end: int
    new_start: int
    new_end: int


Tag = Literal["equal", "modify", "insert", "delete"]


@dataclass(eq=False)
class RowDiff:
    tag: Tag
    old: Row | None
    new: Row | None
    cells: list[list["BlockDiff"]] = field(default_factory=list)  # "modify": one per cell


@dataclass(eq=False)
class BlockDiff:
    tag: Tag
    old: Block | None
    new: Block | None
    spans: list[Span] = field(default_factory=list)  # a modified paragraph
    rows: list[RowDiff] = field(default_factory=list)  # a modified table


def diff_text(old: str, new: str) -> list[Span]:
    """Word diff of two texts; changes separated only by whitespace read as one change."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    old_keys = [t.key for t in old_tokens]
    new_keys = [t.key for t in new_tokens]
    ops = [list(op) for op in
           SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()]
    # A lone space between two changes is not worth keeping: "tăng 273" → "giảm 316".
    for index in range(1, len(ops) - 1):
        tag, i1, i2, _, _ = ops[index]
        if (tag == "equal" and ops[index - 1][0] != "equal" and ops[index + 1][0] != "equal"
                and all(t.kind == "space" for t in old_tokens[i1:i2])):
            ops[index][0] = "replace"
    merged: list[list] = []
    for op in ops:
        if merged and op[0] != "equal" and merged[-1][0] != "equal":
            merged[-1][2], merged[-1][4] = op[2], op[4]
        else:
            merged.append(op)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            spans.append(_span("equal", old_tokens, i1, i2, new_tokens, j1, j2, old, new))
            continue
        # Give back identical tokens at either end of a merged change ("A " → "B X ").
        head = 0
        while i1 + head < i2 and j1 + head < j2 and old_keys[i1 + head] == new_keys[j1 + head]:
            head += 1
        tail = 0
        while (i2 - tail > i1 + head and j2 - tail > j1 + head
               and old_keys[i2 - tail - 1] == new_keys[j2 - tail - 1]):
            tail += 1
        if head:
            spans.append(_span("equal", old_tokens, i1, i1 + head, new_tokens, j1, j1 + head,
                               old, new))
        a1, a2, b1, b2 = i1 + head, i2 - tail, j1 + head, j2 - tail
        change = "replace" if a1 < a2 and b1 < b2 else ("delete" if a1 < a2 else "insert")
        spans.append(_span(change, old_tokens, a1, a2, new_tokens, b1, b2, old, new))
        if tail:
            spans.append(_span("equal", old_tokens, i2 - tail, i2, new_tokens, j2 - tail, j2,
                               old, new))
    return _join_equal(spans)


def _span(tag, old_tokens, i1, i2, new_tokens, j1, j2, old, new) -> Span:
    def bounds(tokens, a, b, text):
        if a < b:
            return tokens[a].start, tokens[b - 1].end
        at = tokens[a].start if a < len(tokens) else len(text)
        return at, at
    old_start, old_end = bounds(old_tokens, i1, i2, old)
    new_start, new_end = bounds(new_tokens, j1, j2, new)
    return Span(tag, old_start, old_end, new_start, new_end)


def _join_equal(spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in spans:
        if span.old_start == span.old_end and span.new_start == span.new_end:
            continue
        if joined and span.tag == "equal" and joined[-1].tag == "equal":
            joined[-1] = joined[-1]._replace(old_end=span.old_end, new_end=span.new_end)
        else:
            joined.append(span)
    return joined


def diff_blocks(old: list[Block], new: list[Block]) -> list[BlockDiff]:
    """Align two block sequences (a body, a cell, a header) and diff what pairs up."""
    result: list[BlockDiff] = []
    matcher = SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    opcodes = matcher.get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            result.extend(BlockDiff("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2]))
            continue
        # A paragraph mark just before a table or at the end cannot be tracked (nothing
        # to merge into), so such a replaced tail is shown as one edited paragraph.
        closed = j2 == len(new) or isinstance(new[j2], Table)
        pairs = _pair(old[i1:i2], new[j1:j2], _block_similarity, PARAGRAPH_PAIR_THRESHOLD,
                      pair_tail=closed)
        for kind, o, n in _interleave(old[i1:i2], new[j1:j2], pairs):
            result.append(_modify_block(o, n) if kind == "pair"
                          else BlockDiff(kind, o, n))
    return result


def _modify_block(old: Block, new: Block) -> BlockDiff:
    if isinstance(old, Para):
        spans = diff_text(old.text, new.text)
        changed = any(span.tag != "equal" for span in spans)
        return BlockDiff("modify" if changed else "equal", old, new, spans=spans)
    rows = _diff_rows(old.rows, new.rows)
    changed = any(row.tag != "equal" for row in rows)
    return BlockDiff("modify" if changed else "equal", old, new, rows=rows)


def _diff_rows(old: list[Row], new: list[Row]) -> list[RowDiff]:
    result: list[RowDiff] = []
    matcher = SequenceMatcher(None, [r.key for r in old], [r.key for r in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(RowDiff("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2]))
            continue
        pairs = _pair(old[i1:i2], new[j1:j2], _row_similarity, ROW_PAIR_THRESHOLD,
                      pair_tail=False)
        for kind, o, n in _interleave(old[i1:i2], new[j1:j2], pairs):
            if kind == "pair":
                cells = [diff_blocks(a.blocks, b.blocks) for a, b in zip(o.cells, n.cells)]
                changed = any(d.tag != "equal" for cell in cells for d in cell)
                result.append(RowDiff("modify" if changed else "equal", o, n, cells))
            else:
                result.append(RowDiff(kind, o, n))
    return result


def _block_similarity(old: Block, new: Block) -> float | None:
    if old.kind != new.kind:
        return None
    if isinstance(old, Para):
        if not old.words and not new.words:
            return 1.0
        matcher = SequenceMatcher(None, old.words, new.words, autojunk=False)
        # Cheap upper bounds first: most pairs in a long replaced range are far apart.
        for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
            if (value := bound()) < PARAGRAPH_PAIR_THRESHOLD:
                return value
        return matcher.ratio()
    # Tables of the same width are taken as one table edited; how alike decides among them.
    ratio = SequenceMatcher(None, [c.key for r in old.rows for c in r.cells],
                            [c.key for r in new.rows for c in r.cells], autojunk=False).ratio()
    return 0.5 + 0.5 * ratio if old.columns == new.columns else ratio * 0.49


def _row_similarity(old: Row, new: Row) -> float | None:
    if len(old.cells) != len(new.cells) or not old.cells:
        return None
    same = sum(a.key == b.key for a, b in zip(old.cells, new.cells))
    return 0.5 + 0.5 * same / len(old.cells)


def _pair(old: list, new: list, similarity: Callable[[Any, Any], float | None],
          threshold: float, *, pair_tail: bool) -> list[tuple[int, int]]:
    """The order-keeping pairing of old and new items with the greatest total similarity
    (each pair at least `threshold`)."""
    n, m = len(old), len(new)
    if not n or not m:
        return []
    if n == 1 and m == 1 and similarity(old[0], new[0]) is not None:
        return [(0, 0)]  # one thing replaced by one thing of its kind: edited in place
    # Long replaced ranges (a rewritten document) compare only items near the diagonal,
    # so the work stays linear in their length.
    band = None if n * m <= PAIRING_BUDGET else max(8, PAIRING_BUDGET // max(n, m) // 2)
    scores = [[similarity(a, b) if band is None or abs(i * m / n - j) <= band else None
               for j, b in enumerate(new)] for i, a in enumerate(old)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            value = max(best[i - 1][j], best[i][j - 1])
            score = scores[i - 1][j - 1]
            if score is not None and score >= threshold:
                value = max(value, best[i - 1][j - 1] + score)
            best[i][j] = value
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i and j:
        score = scores[i - 1][j - 1]
        if (score is not None and score >= threshold
                and best[i][j] == best[i - 1][j - 1] + score):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    if pair_tail and (not pairs or pairs[-1] != (n - 1, m - 1)):
        last_old, last_new = old[-1], new[-1]
        if (last_old.kind == last_new.kind == "p"
                and (not pairs or (pairs[-1][0] < n - 1 and pairs[-1][1] < m - 1))):
            pairs.append((n - 1, m - 1))
    return pairs


def _interleave(old: list, new: list, pairs: list[tuple[int, int]]):
    """Deleted items, then inserted ones, between and after the pairs; pairs in order."""
    i = j = 0
    for a, b in pairs + [(len(old), len(new))]:
        for k in range(i, a):
            yield "delete", old[k], None
        for k in range(j, b):
            yield "insert", None, new[k]
        if a < len(old) and b < len(new):
            yield "pair", old[a], new[b]
        i, j = a + 1, b + 1


# ------------------------------------------------------------------------- the summary

class Change(NamedTuple):
    """One change as a reviewer reads it ("809/1.200" → "812/1.200"), in NFC; "" on the
    side where there is nothing (an insertion or a deletion)."""

    old_text: str
    new_text: str

    @classmethod
    def of(cls, old_text: str, new_text: str) -> "Change":
        return cls(unicodedata.normalize("NFC", old_text), unicodedata.normalize("NFC", new_text))


@dataclass(frozen=True)
class DiffResult:
    """What changed between two documents, counted the way a reviewer reads it."""

    inserted_tokens: int = 0  # words and numbers (whitespace not counted)
    deleted_tokens: int = 0
    paragraphs_changed: int = 0  # edited in place (outside tables)
    paragraphs_inserted: int = 0
    paragraphs_deleted: int = 0
    cells_changed: int = 0  # cells of rows present in both versions
    rows_inserted: int = 0
    rows_deleted: int = 0
    tables_inserted: int = 0
    tables_deleted: int = 0
    changes: tuple[Change, ...] = ()

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


def summarize(diffs: list[BlockDiff]) -> DiffResult:
    counts = dict.fromkeys(
        ("inserted_tokens", "deleted_tokens", "paragraphs_changed", "paragraphs_inserted",
         "paragraphs_deleted", "cells_changed", "rows_inserted", "rows_deleted",
         "tables_inserted", "tables_deleted"), 0)
    changes: list[Change] = []

    def count_words(text: str) -> int:
        return len(words(text))

    def walk(items: list[BlockDiff], in_cell: bool) -> None:
        for item in items:
            if item.tag == "equal":
                continue
            noun = "tables" if isinstance(item.old or item.new, Table) else "paragraphs"
            if item.tag == "insert":
                if noun == "paragraphs" and not in_cell:
                    counts["paragraphs_inserted"] += 1
                elif noun == "tables":
                    counts["tables_inserted"] += 1
                whole(item.new, inserted=True)
            elif item.tag == "delete":
                if noun == "paragraphs" and not in_cell:
                    counts["paragraphs_deleted"] += 1
                elif noun == "tables":
                    counts["tables_deleted"] += 1
                whole(item.old, inserted=False)
            elif isinstance(item.new, Para):
                if not in_cell:
                    counts["paragraphs_changed"] += 1
                for span in item.spans:
                    if span.tag == "equal":
                        continue
                    old_text = item.old.text[span.old_start:span.old_end]
                    new_text = item.new.text[span.new_start:span.new_end]
                    counts["deleted_tokens"] += count_words(old_text)
                    counts["inserted_tokens"] += count_words(new_text)
                    changes.append(Change.of(old_text, new_text))
            else:
                for row in item.rows:
                    if row.tag == "insert":
                        counts["rows_inserted"] += 1
                        row_change(row.new, inserted=True)
                    elif row.tag == "delete":
                        counts["rows_deleted"] += 1
                        row_change(row.old, inserted=False)
                    elif row.tag == "modify":
                        for cell in row.cells:
                            if any(d.tag != "equal" for d in cell):
                                counts["cells_changed"] += 1
                                walk(cell, True)

    def row_change(row: Row, inserted: bool) -> None:
        text = row.text
        counts["inserted_tokens" if inserted else "deleted_tokens"] += count_words(text)
        changes.append(Change.of("", text) if inserted else Change.of(text, ""))

    def whole(block: Block, inserted: bool) -> None:
        if isinstance(block, Table):
            for row in block.rows:
                row_change(row, inserted)
            return
        counts["inserted_tokens" if inserted else "deleted_tokens"] += len(block.words)
        changes.append(Change.of("", block.text) if inserted else Change.of(block.text, ""))

    walk(diffs, False)
    return DiffResult(**counts, changes=tuple(changes))
