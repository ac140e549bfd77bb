"""Number-aware word tokens for review diffs.

A reviewer reads a change as "809 → 812", so a figure is one token however it is
written: "1.200", "67,4%", "809/1.200", "+273", "-316", "05/7/2023". Words keep their
inner hyphens ("NĐ-CP"); each other punctuation mark and each stretch of whitespace is a
token of its own. Tokens are compared by their NFC form, so a decomposed "ệ" from one
editor equals the precomposed one from another.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Combining marks count as letters: text that is not yet NFC still splits into whole words.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>(?:(?<![\w{_MARKS}])[+\-\u2212])?\d+(?:[.,/:]\d+)*%?)
  | (?P<word>[\w{_MARKS}]+(?:[-\u2010\u2011][\w{_MARKS}]+)*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    text: str
    start: int  # character offsets in the text it came from
    end: int
    kind: str  # "space", "number", "word" or "punct"

    @property
    def key(self) -> str:
        """What two tokens are compared by."""
        return unicodedata.normalize("NFC", self.text)


def tokenize(text: str) -> list[Token]:
    """Split text into tokens that cover it exactly, in order."""
    return [Token(m.group(), m.start(), m.end(), m.lastgroup or "punct")
            for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The keys of the non-whitespace tokens: what similarity is measured on."""
    return [token.key for token in tokenize(text) if token.kind != "space"]
