"""The `reportgen` command: parse arguments, call the library, print, choose exit codes.

Exit codes (interface.md §2): 0 success, 1 invalid input (located messages printed),
2 usage errors. Messages are Vietnamese by default, English with --lang en.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reportgen import __version__
from reportgen.i18n import N_, _, set_language
from reportgen.problems import DatasetError, Problem

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    def __init__(self, message: str, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS, not None: the sub-command re-parses this option and would otherwise
    # overwrite a "reportgen --lang en validate ..." given before the command.
    common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                        help="message language (default vi; env REPORTGEN_LANG)")

    parser = argparse.ArgumentParser(
        prog="reportgen", parents=[common],
        description="Official-style Vietnamese reports (BÁO CÁO) from indicator datasets.")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", parents=[common], help="check a dataset against the consistency rules")
    validate.add_argument("dataset", type=Path, help="dataset folder or .xlsx workbook")
    validate.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")

    figures = commands.add_parser("figures", parents=[common], help="print the figures a report will print")
    figures.add_argument("dataset", type=Path)
    figures.add_argument("--period", required=True, help="e.g. 2023-H1, 2023-9M, 2023-Y")
    figures.add_argument("--unit", required=True, help="unit code, e.g. 01")
    figures.add_argument("--json", action="store_true", help="machine-readable output")

    build = commands.add_parser("build", parents=[common], help="build the reports (DOCX, PDF)")
    build.add_argument("dataset", type=Path)
    build.add_argument("--period", required=True)
    build.add_argument("--unit", action="append", default=[], help="unit code (repeatable)")
    build.add_argument("--all", action="store_true", help="the root unit and every unit below it")
    build.add_argument("--format", action="append", choices=("docx", "pdf"), default=[],
                       help="output format (repeatable; default docx and pdf)")
    build.add_argument("--out", type=Path, default=Path("build"))
    build.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    build.add_argument("--executor", default="local", help="local or dask://HOST:PORT")
    build.add_argument("--pdf-variant", choices=("pdf/a-3b",), default=None)
    build.add_argument("--compare-with", default=None, metavar="PERIOD",
                       help="add a figure comparison with another period (for reviewers)")
    build.add_argument("--zip", action="store_true", help="also write OUT/<period>.zip")
    build.add_argument("--strict", action="store_true", help="dataset warnings also fail")
    build.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")

    diff = commands.add_parser("diff", parents=[common], help="redline two drafts or two build folders")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--out", type=Path, default=Path("build/diff"))

    init = commands.add_parser("init", parents=[common], help="a new dataset folder or workbook to fill in")
    init.add_argument("target", type=Path, help="a new folder, or FILE.xlsx")
    init.add_argument("--template", type=Path, default=None,
                      help="dataset whose units and settings to copy (default: the sample)")
    init.add_argument("--sample", action="store_true",
                      help="write the shipped Hà Nội sample, figures included, to TARGET")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    environment_language = os.environ.get("REPORTGEN_LANG", "")
    if environment_language not in ("vi", "en"):
        environment_language = "vi"  # LANG-style values such as "fr_FR.UTF-8": the default
    set_language(getattr(args, "lang", None) or environment_language)
    handlers = {"validate": cmd_validate, "figures": cmd_figures, "build": cmd_build,
                "diff": cmd_diff, "init": cmd_init}
    try:
        return handlers[args.command](args)
    except UsageError as error:
        print(f"reportgen: {_(error.message, **error.params)}", file=sys.stderr)
        return EXIT_USAGE
    except DatasetError as error:
        _print_problems(error.problems)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(_(N_("interrupted")), file=sys.stderr)
        return 130


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=Problem.sort_key):
        print(problem.describe(), file=sys.stderr)


def _summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return _(N_("{errors} error(s), {warnings} warning(s)"), errors=errors, warnings=warnings)


def load_checked(path: Path, *, strict: bool = False, show_warnings: bool = True):
    """Load and validate; print problems; return (dataset, book, problems, exit code or None).
    Commands other than `validate` print errors in full and only count the warnings."""
    from reportgen.dataset import load_dataset
    from reportgen.figures import FigureBook
    from reportgen.validate import validate

    result = load_dataset(path)
    problems = list(result.problems)
    dataset = result.dataset
    book = None
    if dataset is not None and not any(p.is_error for p in problems):
        book = FigureBook(dataset)
        problems += validate(dataset, book)
    elif dataset is not None:
        # Rows that failed to parse are already reported; the rules still run on the rest
        # so the clerk sees everything in one run.
        book = FigureBook(dataset)
        problems += validate(dataset, book)
    failed = any(p.is_error for p in problems) or (strict and problems)
    if show_warnings or failed:
        _print_problems(problems)
    elif problems:
        print(_(N_("{count} warning(s); see them with: reportgen validate {dataset}"),
                count=len(problems), dataset=path), file=sys.stderr)
    return dataset, book, problems, (EXIT_INVALID if failed or dataset is None else None)


def cmd_validate(args) -> int:
    dataset, _book, problems, failure = load_checked(args.dataset, strict=args.strict)
    print(_summary(problems), file=sys.stderr)
    if failure is not None:
        return failure
    print(_(N_("{dataset}: valid ({units} units, {periods} periods, {rows} figures)"),
            dataset=args.dataset, units=len(dataset.units), periods=len(dataset.periods()),
            rows=len(dataset.values)))
    return EXIT_OK


def _resolve_period_and_unit(dataset, period_code: str, unit_code: str | None):
    from reportgen.periods import Period, PeriodError

    try:
        period = Period.parse(period_code)
    except PeriodError:
        raise UsageError(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                         period=period_code)
    if unit_code is not None and unit_code not in dataset.units:
        raise UsageError(N_("unknown unit code: {unit} (see the units table)"), unit=unit_code)
    return period


def cmd_figures(args) -> int:
    from reportgen.figures_file import figure_rows, figures_json

    dataset, book, problems, failure = load_checked(args.dataset, show_warnings=False)
    if failure is not None:
        print(_summary(problems), file=sys.stderr)
        return failure
    period = _resolve_period_and_unit(dataset, args.period, args.unit)
    if args.json:
        document = figures_json(dataset, book, args.unit, period)
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    unit = dataset.units[args.unit]
    table = Table(title=f"{unit.name} ({unit.code}) · {period.label}", title_justify="left")
    headers = (N_("Code"), N_("Indicator"), N_("Value"), N_("Plan"), N_("Percent of plan"),
               N_("Same period {year}"), N_("Change"))
    for index, header in enumerate(headers):
        table.add_column(_(header, year=period.year - 1), justify="left" if index < 2 else "right",
                         overflow="fold", no_wrap=index != 1)
    for row in figure_rows(dataset, book, args.unit, period):
        table.add_row(*row)
    width = None if sys.stdout.isatty() else 160
    Console(width=width, soft_wrap=False).print(table)
    return EXIT_OK


def cmd_build(args) -> int:
    from reportgen.build import run_build_command

    return run_build_command(args)


def cmd_diff(args) -> int:
    from reportgen.diff import DiffInputError, diff_paths

    try:
        report = diff_paths(args.old, args.new, args.out)
    except DiffInputError as error:
        print(f"reportgen: {_(error.message_id, **error.params)}", file=sys.stderr)
        return EXIT_INVALID
    if report.kind == "docx":
        result = report.document
        print(_(N_("{changes} change(s): {inserted} word(s) inserted, {deleted} deleted; "
                   "{paragraphs} paragraph(s) and {cells} table cell(s) changed"),
                changes=len(result.changes), inserted=result.inserted_tokens,
                deleted=result.deleted_tokens,
                paragraphs=result.paragraphs_changed + result.paragraphs_inserted + result.paragraphs_deleted,
                cells=result.cells_changed))
        for change in result.changes[:20]:
            print(f"  {change.old_text or '∅'} → {change.new_text or '∅'}")
    else:
        print(_(N_("{changed} unit report(s) changed, {unchanged} unchanged"),
                changed=len(report.units), unchanged=report.unchanged_units))
        statuses = {"changed": N_("changed"), "added": N_("added"), "removed": N_("removed")}
        for unit in report.units:
            print(f"  {unit.period} {unit.unit} {unit.name}: {_(statuses[unit.status])}"
                  + (f", {len(unit.figures)} " + _(N_("figure(s) moved")) if unit.figures else ""))
    for path in report.files:
        print(f"  → {path}")
    return EXIT_OK


def cmd_init(args) -> int:
    from reportgen.init import InitSourceMissingError, InitTargetExistsError, init_dataset

    try:
        created = init_dataset(args.target, template=args.template, sample=args.sample)
    except InitSourceMissingError as error:
        message = _(N_("{path} not found: there is no dataset to copy from"), path=error.path)
        print(f"reportgen: {message}", file=sys.stderr)
        return EXIT_INVALID
    except InitTargetExistsError:
        # Kept out of an f-string: pybabel cannot extract a message from inside one.
        message = _(N_("{path} already exists and is not empty; choose a new name"), path=args.target)
        print(f"reportgen: {message}", file=sys.stderr)
        return EXIT_INVALID
    print(_(N_("created {path}: fill in the values and targets, then run: reportgen validate {path}"),
            path=created))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
