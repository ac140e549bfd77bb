"""JSON the tool reads back (manifest.json, *.figures.json), bounded before json.loads.

The size is checked first, then the nesting depth by a scan over the brackets outside
strings (a regex pass, no recursion), so a manifest of 100,000 nested lists is a located
refusal and never a RecursionError. The result is what json.loads gives.
"""
from __future__ import annotations

import json
import re

from reportgen.i18n import N_
from reportgen.safety.limits import LimitExceeded, Limits, SafetyError, check

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonError(SafetyError):
    """A JSON file that cannot be read (damaged, not UTF-8, too deep)."""


def json_depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_json(source: str | bytes, *, file: str, limits: Limits | None = None):
    limits = limits or Limits.from_environ()
    check(limits, "json_bytes", len(source), file=file)
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JsonError(N_("the file is not UTF-8 text (byte {offset})"), file=file,
                            fix=N_("rebuild the folder (reportgen build --force)"), offset=error.start) from None
    else:
        text = source
    depth = json_depth(text)
    if depth > limits.json_depth:
        raise LimitExceeded("json_depth", limits.json_depth, depth, file=file)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        raise JsonError(N_("the JSON cannot be read: {reason}"), file=file, line=line,
                        column=getattr(error, "colno", None),
                        fix=N_("rebuild the folder (reportgen build --force)"),
                        reason=getattr(error, "msg", type(error).__name__)) from None
