"""A draft's sentences as tokens, with each number's role made explicit.

Both rule sets read the same structure: a number is a count with its unit word ("809
người"), the value or target of a pair ("809/1.200 người", "72 xã, phường/103 xã,
phường"), a percentage, a part inside "(trong đó, …)", a change after "tăng"/"giảm", or
something that is no figure at all (a year, a date, a document number "29/QĐ-…").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from reportgen.audit.numbers import Number, parse_number

# Count nouns a figure is followed by (lower case; longest first when matching).
UNIT_WORDS = (
    "xã, phường, thị trấn", "xã, phường", "lượt khách hàng", "lượt người", "lượt cán bộ",
    "khách hàng", "người", "mô hình", "xã", "phường", "thị trấn", "cơ sở", "cuộc", "nạn nhân",
    "lớp", "buổi", "huyện", "quận", "điểm", "trường hợp", "hồ sơ", "đợt", "tổ", "đội",
    "chỉ tiêu", "học viên", "hv", "đtxh", "nữ", "cán bộ", "tỉnh", "địa phương",
    "trẻ em", "tỷ đồng", "triệu đồng", "đồng", "lượt", "nhóm", "câu lạc bộ", "đối tượng",
    "gia đình", "hộ", "cơ sở cai nghiện", "điểm tư vấn", "vụ", "tụ điểm",
)
# Words that name no count of their own: "160/700 chỉ tiêu" is 160 of a target of 700.
NEUTRAL_UNITS = {"chi tieu", "luot"}
# The same thing counted: "09 nạn nhân" and the catalogue's "người".
UNIT_SYNONYMS = {"nan nhan": "nguoi", "hoc vien": "nguoi", "hv": "nguoi", "doi tuong": "nguoi",
                 "xa": "xa phuong", "phuong": "xa phuong", "xa phuong thi tran": "xa phuong"}

_TOKEN = re.compile(r"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>[^\W\d_]+)|(?P<punct>[^\w\s])")
_SENTENCE_END = re.compile(r"[.!?…]+(?:/\.)?(?=\s+[\"“(\-–•]?[^\W\d_]*[A-ZĐÀ-Ỹ0-9])|\n+")


def fold(text: str) -> str:
    """A matching key: lower case, no diacritics, đ → d ("ma tuý" and "ma túy" agree)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unit_key(unit: str | None) -> str | None:
    """Compare units as counted things: "lượt người" ~ "người", "nạn nhân" ~ "người"."""
    if not unit:
        return None
    key = " ".join(fold(unit).replace(",", " ").split())
    if key.startswith("luot "):
        key = key[5:]
    return UNIT_SYNONYMS.get(key, key)


@lru_cache(maxsize=4)
def _unit_table(extra: tuple[str, ...] = ()) -> tuple[tuple[tuple[str, ...], str], ...]:
    units = set(UNIT_WORDS) | {u.lower() for u in extra}
    entries = []
    for unit in units:
        words = tuple(fold(w) for w in re.findall(r"[^\W\d_]+", unit))
        if words:
            entries.append((words, unit))
    entries.sort(key=lambda e: -len(e[0]))
    return tuple(entries)


@dataclass
class Token:
    kind: str  # "num", "word", "punct"
    text: str
    start: int  # offsets in the block's text
    end: int

    @property
    def key(self) -> str:
        return fold(self.text)


@dataclass
class Num:
    """A number in a sentence and what it is."""

    token: int  # index in Sentence.tokens
    start: int
    end: int  # end of the number (and of "%" when a percentage)
    number: Number
    percent: bool = False
    unit: str | None = None  # the count noun after it, as written
    unit_end: int | None = None  # token index after the unit words
    year: bool = False
    date: bool = False  # part of a date or a document number: no figure
    target: "Num | None" = None  # X of "X/Y": its Y
    value_of: "Num | None" = None  # Y of "X/Y": its X
    depth: int = 0  # parentheses around it
    parts_of: "Num | None" = None  # inside "(trong đó, …)": the total it breaks down
    change_word: str | None = None  # "tăng"/"giảm" right before it

    @property
    def is_figure(self) -> bool:
        """A count the draft states (a value, not a target, not a percentage)."""
        return not (self.percent or self.year or self.date or self.value_of is not None)

    @property
    def value(self):
        return self.number.value


@dataclass
class Sentence:
    text: str  # the block's whole text (offsets refer to it)
    start: int
    end: int
    tokens: list[Token] = field(default_factory=list)
    nums: list[Num] = field(default_factory=list)

    def words_between(self, first: int, last: int) -> list[str]:
        """Folded words of tokens[first:last] (punctuation dropped)."""
        return [t.key for t in self.tokens[first:last] if t.kind == "word"]

    def num_at(self, token_index: int) -> Num | None:
        for num in self.nums:
            if num.token == token_index:
                return num
        return None

    @property
    def quote(self) -> str:
        return self.text[self.start:self.end].strip()


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if not match.group().startswith("\n") else match.start()
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _match_unit(tokens: list[Token], index: int, extra: tuple[str, ...]) -> tuple[str, int] | None:
    """The count noun starting at tokens[index] (commas inside "xã, phường" allowed)."""
    words: list[tuple[str, int]] = []
    position = index
    while position < len(tokens) and len(words) < 5:
        token = tokens[position]
        if token.kind == "word":
            words.append((token.key, position))
        elif not (token.text == "," and words):
            break
        position += 1
    for unit_words, unit in _unit_table(extra):
        if len(unit_words) <= len(words) and tuple(w for w, _p in words[:len(unit_words)]) == unit_words:
            last = words[len(unit_words) - 1][1]
            return unit, last + 1
    return None


def parse_sentence(text: str, start: int, end: int, extra_units: tuple[str, ...] = ()) -> Sentence:
    sentence = Sentence(text, start, end)
    tokens = sentence.tokens
    for match in _TOKEN.finditer(text, start, end):
        kind = match.lastgroup
        tokens.append(Token(kind, match.group(), match.start(), match.end()))
    depth = 0
    depths = []
    for token in tokens:
        if token.text == "(":
            depth += 1
        depths.append(depth)
        if token.text == ")":
            depth = max(0, depth - 1)

    def adjacent(a: int, b: int) -> bool:
        return tokens[a].end == tokens[b].start

    for index, token in enumerate(tokens):
        if token.kind != "num":
            continue
        percent = (index + 1 < len(tokens) and tokens[index + 1].text == "%")
        unit = None if percent else _match_unit(tokens, index + 1, extra_units)
        number = parse_number(token.text, percent=percent, count=unit is not None)
        if number is None:
            number = parse_number(token.text.replace(",", "").replace(".", ""))
            date = True
        else:
            date = False
        num = Num(index, token.start, tokens[index + 1].end if percent else token.end, number,
                  percent=percent, depth=depths[index])
        if unit:
            num.unit, num.unit_end = unit
        num.date = date
        previous = tokens[index - 1] if index else None
        before = tokens[index - 2] if index >= 2 else None
        if previous is not None and previous.kind == "word" and previous.key in ("tang", "giam"):
            num.change_word = previous.key
        if previous is not None and previous.text == ":" and before is not None and before.key == "so":
            num.date = True  # "Số: 215/BC-…"
        if previous is not None and previous.kind == "word" and previous.key == "so":
            num.date = True  # "Quyết định số 29/QĐ-…", "Nghị định số 09/2019/…"
        is_year_like = (isinstance(number.value, int) and number.form == "vi" and "." not in token.text
                        and 1900 <= number.value <= 2100 and len(token.text) == 4)
        if is_year_like and not unit:
            num.year = True
        sentence.nums.append(num)

    _mark_slashes(sentence, adjacent)
    _mark_dates(sentence)
    _mark_parts(sentence, depths)
    return sentence


def _mark_slashes(sentence: Sentence, adjacent) -> None:
    tokens = sentence.tokens
    by_token = {num.token: num for num in sentence.nums}
    for index, token in enumerate(tokens):
        if token.text != "/" or index == 0 or index + 1 >= len(tokens):
            continue
        left, right = tokens[index - 1], tokens[index + 1]
        right_num = by_token.get(index + 1)
        if left.kind == "num" and adjacent(index - 1, index) and right_num is not None and adjacent(index, index + 1):
            left_num = by_token[index - 1]
            chain = (index + 2 < len(tokens) and tokens[index + 2].text == "/"
                     and adjacent(index + 1, index + 2))
            before_chain = (index >= 2 and tokens[index - 2].text == "/" and adjacent(index - 2, index - 1))
            if chain or before_chain or left_num.year or right_num.year or left_num.date:
                left_num.date = right_num.date = True  # 16/01/2023, 09/2019/NĐ-CP, 10/2020
                continue
            if right_num.unit is None and not right_num.percent:
                # "26/6;": a day and a month, or a pair without a count noun: no figure.
                left_num.date = right_num.date = True
                continue
            left_num.target, right_num.value_of = right_num, left_num
            left_num.unit = right_num.unit
            left_num.unit_end = right_num.unit_end
        elif left.kind == "num" and adjacent(index - 1, index) and right.kind == "word":
            by_token[index - 1].date = True  # "29/QĐ-BLĐTBXH", "215/BC"
        elif left.kind == "word" and right_num is not None:
            # "72 xã, phường/103 xã, phường, thị trấn": the same unit on both sides is a
            # value and its target; different units ("289 mô hình/278 xã") are two figures.
            for back in range(index - 1, max(-1, index - 8), -1):
                left_num = by_token.get(back)
                if left_num is not None:
                    if left_num.unit and left_num.unit_end == index and right_num.unit:
                        if unit_key(right_num.unit).startswith(unit_key(left_num.unit)) or \
                                unit_key(left_num.unit).startswith(unit_key(right_num.unit)):
                            left_num.target, right_num.value_of = right_num, left_num
                    break


def _mark_dates(sentence: Sentence) -> None:
    tokens = sentence.tokens
    for num in sentence.nums:
        previous = tokens[num.token - 1].key if num.token else ""
        if previous in ("ngay", "thang") and not num.unit:
            num.date = True
        if previous == "nam" and num.year:
            num.date = True


_PARTS_OPENERS = ("trong do",)


def _mark_parts(sentence: Sentence, depths: list[int]) -> None:
    """Numbers inside "(trong đó, …)" break down the figure before the parenthesis."""
    tokens = sentence.tokens
    for index, token in enumerate(tokens):
        if token.text != "(":
            continue
        following = " ".join(sentence.words_between(index + 1, min(len(tokens), index + 4)))
        if not following.startswith(_PARTS_OPENERS):
            continue
        total = None
        for num in sentence.nums:
            if num.token >= index:
                break
            if num.is_figure and num.depth == depths[index] - 1 and num.parts_of is None:
                total = num
        if total is None:
            continue
        level = depths[index]
        for num in sentence.nums:
            if num.token <= index:
                continue
            if depths[num.token] < level or (num.token > index and _closed_before(tokens, depths, index, num.token)):
                break
            if num.depth == level and num.is_figure:
                num.parts_of = total


def _closed_before(tokens: list[Token], depths: list[int], opening: int, position: int) -> bool:
    level = depths[opening]
    for index in range(opening + 1, position):
        if tokens[index].text == ")" and depths[index] == level:
            return True
    return False


def sentences_of(text: str, extra_units: tuple[str, ...] = ()) -> list[Sentence]:
    return [parse_sentence(text, start, end, extra_units) for start, end in split_sentences(text)]

