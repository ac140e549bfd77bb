"""argparse in the clerk's language: its own strings through our catalogue, "did you mean".

argparse translates its fixed strings ("usage: ", "the following arguments are
required: %s", "invalid choice: …") with the module-level `argparse._` (gettext.gettext,
domain "messages", which has no Vietnamese). `argparse_in_language()` points those two
names at the reportgen catalogue while the parser is built and used, and puts them back
afterwards; the msgids below are argparse's own, listed so that extraction puts them
in reportgen.po. The language itself must be known before the parser is built (help
texts are translated when they are added): `language_of(argv)` reads --lang first.
"""
from __future__ import annotations

import argparse
import contextlib
import os
from typing import Iterator, Sequence

from reportgen.i18n import N_, SUPPORTED_LANGUAGES, _, set_language
from reportgen.suggest import closest

# argparse's own messages (Python 3.11–3.13), kept verbatim as msgids.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("can't open '%(filename)s': %(error)s"),
)
_PLURALS = {("expected %s argument", "expected %s arguments"): N_("expected {count} argument(s)")}
DID_YOU_MEAN = N_("did you mean {suggestion}?")


def language_of(argv: Sequence[str]) -> str:
    """--lang as given anywhere in argv (--lang en, --lang=en), else REPORTGEN_LANG, else vi.
    An unsupported value falls back to vi here; the parser then refuses it (exit 2)."""
    chosen = os.environ.get("REPORTGEN_LANG", "")
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            chosen = argv[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    return chosen if chosen in SUPPORTED_LANGUAGES else "vi"


def _ngettext(singular: str, plural: str, count: int) -> str:
    message = _PLURALS.get((singular, plural))
    if message is None:
        return singular if count == 1 else plural
    return _(message, count="%s")


@contextlib.contextmanager
def argparse_in_language(language: str) -> Iterator[None]:
    set_language(language)
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that says "did you mean build?" for a mistyped choice, and keeps
    each command's example (epilog) laid out as written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def _check_value(self, action, value):
        if action.choices is not None and value not in action.choices:
            message = _("invalid choice: %(value)r (choose from %(choices)s)") % {
                "value": value, "choices": ", ".join(map(str, action.choices))}
            near = closest(value, action.choices, count=1)
            if near:
                message += " " + _(DID_YOU_MEAN, suggestion=near[0])
            raise argparse.ArgumentError(action, message)
