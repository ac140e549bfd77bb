"""`reportgen audit DRAFT [--dataset D --period P --unit U] [--out DIR] [--json] [--strict]`.

A thin shell over reportgen.audit: parse, call the library, print one line per finding
(Vietnamese; English with --lang en) or a JSON list, write the commented DOCX and the
HTML page with --out. Exit 0 when no error was found (warnings alone: 0, or 1 with
--strict), 1 when one was or the input cannot be read, 2 for a usage error. Kept in one
module (add_parser + run) so the CLI can attach it wherever its commands live.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reportgen.i18n import N_, _, set_language

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "audit", help="re-check the figures of a hand-written draft (DOCX, PDF, TXT, MD)",
        description="Re-check the figures of a draft: its own ratios, sums, changes and number "
                    "forms, and with --dataset every figure it can match against the dataset.")
    # SUPPRESS: "reportgen --lang en audit …" given before the command must survive.
    parser.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                        help="message language (default vi; env REPORTGEN_LANG)")
    parser.add_argument("draft", type=Path, help="the draft: .docx, .pdf, .txt or .md")
    parser.add_argument("--dataset", type=Path, default=None, metavar="DATASET", help="compare with this dataset's figures")
    parser.add_argument("--period", default=None, help="with --dataset: the draft's period, e.g. 2023-H1")
    parser.add_argument("--unit", default=None, help="with --dataset: the reporting unit's code, e.g. 01")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="write DIR/<draft>.audit.docx (Word comments) and .audit.html")
    parser.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    parser.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")
    parser.set_defaults(handler=run)
    return parser


def _language(args) -> str:
    """The language the messages are in (--lang, else REPORTGEN_LANG, else vi), for the
    HTML page's lang attribute."""
    language = getattr(args, "lang", None) or os.environ.get("REPORTGEN_LANG", "")
    return language if language in ("vi", "en") else "vi"


def _usage(message: str, **params) -> int:
    print(f"reportgen audit: {_(message, **params)}", file=sys.stderr)
    return EXIT_USAGE


def _load(args):
    """(checked dataset, period, exit code or None)."""
    from reportgen.errors import DatasetInvalid
    from reportgen.periods import Period, PeriodError
    from reportgen.validate import load_and_validate

    try:
        period = Period.parse(args.period)
    except PeriodError:
        return None, None, _usage(
            N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"), period=args.period)
    try:
        checked = load_and_validate(args.dataset)
    except DatasetInvalid as error:
        problems, checked = error.problems, None
    else:
        problems = checked.errors
    if checked is None or checked.dataset is None or problems:
        for problem in problems:
            print(problem.describe(), file=sys.stderr)
        print(_(N_("{dataset}: the dataset cannot be used for the audit; fix it first "
                   "(reportgen validate {dataset})"), dataset=args.dataset), file=sys.stderr)
        return None, None, EXIT_FOUND
    if args.unit not in checked.dataset.units:
        return None, None, _usage(N_("unknown unit code: {unit} (see the units table)"), unit=args.unit)
    return checked, period, None


def run(args) -> int:
    from reportgen.audit import AuditInputError, audit_draft, read_draft
    from reportgen.audit.outputs import write_outputs

    if getattr(args, "lang", None):
        set_language(args.lang)
    if args.draft.suffix.lower() not in (".docx", ".pdf", ".txt", ".md"):
        return _usage(N_("{path}: the audit reads .docx, .pdf, .txt or .md drafts, not \"{suffix}\""),
                      path=args.draft, suffix=args.draft.suffix or args.draft.name)
    options = {}
    if args.dataset is not None:
        if not args.period or not args.unit:
            return _usage(N_("--dataset needs the draft's --period and --unit (e.g. --period 2023-H1 --unit 01)"))
        checked, period, failure = _load(args)
        if failure is not None:
            return failure
        options = {"dataset": checked.dataset, "book": checked.book, "unit": args.unit,
                   "period": period, "templates": checked.templates}
    elif args.period or args.unit:
        return _usage(N_("--period and --unit compare with a dataset: give --dataset too"))
    try:
        draft = read_draft(args.draft)
    except AuditInputError as error:
        print(f"reportgen audit: {error.translated()}", file=sys.stderr)
        return EXIT_FOUND
    result = audit_draft(draft, **options)
    if args.json:
        print(json.dumps([f.to_json() for f in result.findings], ensure_ascii=False, indent=2))
    else:
        for finding in result.findings:
            print(finding.describe())
    print(_(N_("{errors} error(s), {warnings} warning(s), {unchecked} figure(s) not checked"),
            errors=len(result.errors), warnings=len(result.warnings),
            unchecked=len(result.not_checked)), file=sys.stderr)
    if args.out is not None:
        try:
            written = write_outputs(draft, list(result.findings), args.out, language=_language(args))
        except OSError as error:
            # Kept out of an f-string: pybabel cannot extract a message from inside one.
            message = _(N_("{path}: cannot write there ({reason})"), path=args.out,
                        reason=error.strerror or type(error).__name__)
            print(f"reportgen audit: {message}", file=sys.stderr)
            return EXIT_FOUND
        for path in written:
            print(f"  → {path}", file=sys.stderr)
    return EXIT_FOUND if result.failed(strict=args.strict) else EXIT_OK
