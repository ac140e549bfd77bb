""""Did you mean …?": the closest known names to what was typed (difflib).

Used by the command line (commands, unit codes, periods) and by the validator (indicator
codes). Pure functions: no printing, no translation (callers put the result in a message).
"""
from __future__ import annotations

import difflib
import unicodedata
from typing import Iterable, Mapping


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def closest(typed: str, choices: Iterable[str], *, count: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices closest to `typed` ("buld" → ["build"]), best first."""
    choices = list(dict.fromkeys(str(c) for c in choices))
    return difflib.get_close_matches(str(typed), choices, n=count, cutoff=cutoff)


def unit_suggestions(typed: str, units: Mapping[str, str]) -> list[str]:
    """Unit codes `typed` may stand for, given {code: name}: the code that lost its leading
    zeros ("6" → "006"), the code of a name typed instead ("Ba Đình", "quan ba dinh" →
    "001"), else the closest codes."""
    typed = str(typed).strip()
    if typed in units:
        return [typed]
    if typed.isdigit():
        padded = [c for c in units if c.isdigit() and c.lstrip("0") == typed.lstrip("0")]
        if padded:
            return padded
    folded = _folded(typed)
    if folded and not folded.isdigit():
        names = {code: _folded(name) for code, name in units.items()}
        exact = [c for c, n in names.items() if n == folded or n.split(" ", 1)[-1] == folded]
        if exact:
            return exact
        contained = [c for c, n in names.items() if folded in n]
        if 0 < len(contained) <= 3:
            return contained
        by_name = difflib.get_close_matches(folded, list(names.values()), n=3, cutoff=0.6)
        if by_name:
            return [c for name in by_name for c, n in names.items() if n == name][:3]
    return closest(typed, units)
