"""The `reportgen` command: parse arguments, call the library, print, choose exit codes.

Exit codes (interface.md §2): 0 success, 1 invalid input (located messages printed),
2 usage errors. Messages are Vietnamese by default, English with --lang en. The exit code
follows the class of the library's error (reportgen.errors), never its text. Only this
module prints; no library module imports it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from reportgen import __version__
from reportgen.errors import DatasetInvalid, InvalidRequest, ReportgenError
from reportgen.i18n import N_, _, set_language
from reportgen.problems import Problem
from reportgen.render import FORMATS, REQUESTABLE
from reportgen.safety.limits import Limits, SafetyError, cap_problems

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
UNKNOWN_UNIT = N_("unknown unit code: {unit} (see the units table)")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS, not None: the sub-command re-parses this option and would otherwise
    # overwrite a "reportgen --lang en validate ..." given before the command.
    common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                        help="message language (default vi; env REPORTGEN_LANG)")
    # Commands that read a dataset take the operator's limits (reportgen.safety.limits).
    reads = argparse.ArgumentParser(add_help=False)
    reads.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                       help="raise or lower a safety limit, e.g. sheet_rows=2000000 "
                            "(repeatable; env REPORTGEN_LIMIT_<NAME>; see README: Security)")

    parser = argparse.ArgumentParser(
        prog="reportgen", parents=[common],
        description="Official-style Vietnamese reports (BÁO CÁO) from indicator datasets.")
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", parents=[common, reads], help="check a dataset against the consistency rules")
    validate.add_argument("dataset", type=Path, help="dataset folder or .xlsx workbook")
    validate.add_argument("--strict", action="store_true", help="warnings also fail (exit 1)")

    figures = commands.add_parser("figures", parents=[common, reads], help="print the figures a report will print")
    figures.add_argument("dataset", type=Path)
    figures.add_argument("--period", required=True, help="e.g. 2023-H1, 2023-9M, 2023-Y")
    figures.add_argument("--unit", required=True, help="unit code, e.g. 01")
    figures.add_argument("--json", action="store_true", help="machine-readable output")

    build = commands.add_parser("build", parents=[common, reads], help="build the reports (DOCX, PDF)")
    build.add_argument("dataset", type=Path)
    build.add_argument("--period", required=True)
    build.add_argument("--unit", action="append", default=[], help="unit code (repeatable)")
    build.add_argument("--all", action="store_true", help="the root unit and every unit below it")
    build.add_argument("--format", action="append", choices=REQUESTABLE, default=[],
                       help="output format (repeatable; default: " + " and ".join(REQUESTABLE) + ")")
    build.add_argument("--out", type=Path, default=Path("build"))
    build.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    build.add_argument("--executor", default="local", help="local or dask://HOST:PORT")
    build.add_argument("--pdf-variant", choices=("pdf/a-3b",), default=None)
    build.add_argument("--pdf-engine", choices=tuple(FORMATS["pdf"].engines), default=None,
                       help="PDF engine: weasyprint (default) or typst (faster: bulk runs, drafts)")
    build.add_argument("--compare-with", default=None, metavar="PERIOD",
                       help="add a figure comparison with another period (for reviewers)")
    build.add_argument("--zip", action="store_true", help="also write OUT/<period>.zip")
    build.add_argument("--strict", action="store_true", help="dataset warnings also fail")
    build.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")
    build.add_argument("--templates", type=Path, default=None, metavar="DIR",
                       help="a folder whose files replace the shipped templates of the same name "
                            "(default: the dataset's templates setting)")

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
    from reportgen.audit import command as audit_command  # the audit lives in one module:
    audit_command.add_parser(commands)                     # add_parser + run (args.handler)
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
                "diff": cmd_diff, "init": cmd_init, "audit": lambda a: a.handler(a)}
    try:
        return handlers[args.command](args)
    except InvalidRequest as error:
        print(f"reportgen: {error.translated()}", file=sys.stderr)
        return EXIT_USAGE
    except DatasetInvalid as error:
        _print_problems(error.problems, _limits(args))
        return EXIT_INVALID
    except ReportgenError as error:
        print(f"reportgen: {error.translated()}", file=sys.stderr)
        return EXIT_INVALID
    except SafetyError as error:  # a refused file or a wrong --limit, said with its limit
        print(f"reportgen: {error.describe()}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print(_(N_("interrupted")), file=sys.stderr)
        return 130


def _print_problems(problems: list[Problem], limits: Limits | None = None) -> None:
    """The first errors_shown problems, then how many more (a million-row sheet of bad
    figures prints 200 lines, not a million)."""
    capped = cap_problems(sorted(problems, key=Problem.sort_key), limits or Limits.from_environ())
    for problem in capped.shown:
        print(problem.describe(), file=sys.stderr)
    if capped.footer():
        print(capped.footer(), file=sys.stderr)


def _limits(args) -> Limits:
    return Limits.from_environ(overrides=getattr(args, "limit", None) or None)


def _summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return _(N_("{errors} error(s), {warnings} warning(s)"), errors=errors, warnings=warnings)


def load_checked(path: Path, *, strict: bool = False, show_warnings: bool = True,
                 limits: Limits | None = None):
    """Load, validate and print the problems; returns the CheckedDataset. Commands other
    than `validate` print errors in full and only count the warnings."""
    from reportgen.validate import load_and_validate

    checked = load_and_validate(path, strict=strict, limits=limits)
    if show_warnings or not checked.ok:
        _print_problems(checked.problems, limits)
    elif checked.problems:
        print(_(N_("{count} warning(s); see them with: reportgen validate {dataset}"),
                count=len(checked.problems), dataset=path), file=sys.stderr)
    return checked


def cmd_validate(args) -> int:
    checked = load_checked(args.dataset, strict=args.strict, limits=_limits(args))
    print(_summary(checked.problems), file=sys.stderr)
    if not checked.ok:
        return EXIT_INVALID
    dataset = checked.dataset
    print(_(N_("{dataset}: valid ({units} units, {periods} periods, {rows} figures)"),
            dataset=args.dataset, units=len(dataset.units), periods=len(dataset.periods()),
            rows=len(dataset.values)))
    return EXIT_OK


def _check_unit(dataset, unit_code: str) -> None:
    if unit_code not in dataset.units:
        raise InvalidRequest(UNKNOWN_UNIT, unit=unit_code)


def cmd_figures(args) -> int:
    from reportgen.figures_file import figure_rows, figures_json

    from reportgen.periods import Period

    checked = load_checked(args.dataset, show_warnings=False, limits=_limits(args))
    if not checked.ok:
        print(_summary(checked.problems), file=sys.stderr)
        return EXIT_INVALID
    dataset, book = checked.dataset, checked.book
    period = Period.parse(args.period)  # PeriodError is an InvalidRequest: exit 2
    _check_unit(dataset, args.unit)
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
    from reportgen.build import UNKNOWN_EXECUTOR, BuildOptions, build, executor_ok
    from reportgen.fonts import FontMissingError, find_serif_faces
    from reportgen.periods import Period

    checked = load_checked(args.dataset, strict=args.strict, show_warnings=False,
                           limits=_limits(args))
    if not checked.ok:
        print(_summary(checked.problems), file=sys.stderr)
        return EXIT_INVALID
    dataset = checked.dataset
    period = Period.parse(args.period)
    if args.compare_with:
        Period.parse(args.compare_with)
    units = _units_to_build(dataset, args)
    if not executor_ok(args.executor):
        raise InvalidRequest(UNKNOWN_EXECUTOR, executor=args.executor)
    templates = _templates_option(args.templates) or checked.templates
    # Both formats need the faces: the PDF embeds them, the DOCX measures its rules and
    # draws its chart with them. Fail once, up front, not once per unit.
    try:
        find_serif_faces()
    except FontMissingError as error:
        print("reportgen: " + _(N_("the report font is not installed ({detail}). Install it with: sudo apt-get install fonts-liberation2 (or run: scripts/setup.sh)"),
                                detail=str(error)), file=sys.stderr)
        return EXIT_INVALID
    options = BuildOptions(formats=tuple(dict.fromkeys(args.format)) or REQUESTABLE,
                           pdf_variant=args.pdf_variant, compare_with=args.compare_with,
                           templates=templates,
                           engines=(("pdf", args.pdf_engine),) if args.pdf_engine else ())
    started = time.perf_counter()
    with ProgressReporter(len(units)) as reporter:
        summary = build(dataset, period, units, args.out, options=options,
                        jobs=args.jobs or os.cpu_count() or 1, executor=args.executor,
                        force=args.force, progress=reporter.update, zip_output=args.zip,
                        strict=args.strict)
    print(_(N_("{built} built, {skipped} unchanged (skipped), {failed} failed in {seconds} s → {out}"),
            built=len(summary.built), skipped=len(summary.skipped), failed=len(summary.failed),
            seconds=f"{time.perf_counter() - started:.1f}", out=args.out))
    if not args.strict:  # under --strict these reports failed, with the same words
        from reportgen.build import incomplete_reason

        for completeness in summary.incomplete:
            print(_(N_("warning: {unit} {period}: the figures are incomplete ({detail}); the draft says so"),
                    unit=completeness.unit.code, period=period.code,
                    detail=incomplete_reason(completeness)), file=sys.stderr)
    for outcome in sorted(summary.failed, key=lambda o: o.unit):
        print(_(N_("failed: {unit} {period}: {reason}"), unit=outcome.unit, period=outcome.period,
                reason=outcome.reason), file=sys.stderr)
    return EXIT_INVALID if summary.failed else EXIT_OK


def _units_to_build(dataset, args) -> list[str]:
    if args.all:
        units = [dataset.settings.root] + [u.code for u in dataset.descendants(dataset.settings.root)]
    elif args.unit:
        units = list(dict.fromkeys(args.unit))
    else:
        raise InvalidRequest(N_("say which reports to build: --unit CODE (repeatable) or --all"))
    for unit in units:
        _check_unit(dataset, unit)
    return units


def _templates_option(folder: Path | None):
    """--templates DIR as a Templates value (None if not given); a usage error if DIR is
    not a folder."""
    from reportgen.resources import Templates

    if folder is None:
        return None
    if not folder.is_dir():
        raise InvalidRequest(N_("--templates {path} is not a folder"), path=folder)
    return Templates(folder.resolve())


class ProgressReporter:
    """A rich progress bar on a terminal; one plain line per unit otherwise."""

    LABELS = {"built": N_("built"), "skipped": N_("unchanged"), "failed": N_("FAILED")}

    def __init__(self, total: int):
        self.total = total
        self.tty = sys.stderr.isatty()
        self._progress = None

    def __enter__(self):
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), transient=False)
            self._progress.start()
            self._task = self._progress.add_task(_(N_("building")), total=self.total)
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()
        return False

    def update(self, done: int, total: int, outcome) -> None:
        label = _(self.LABELS[outcome.status])
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total,
                                  description=f"{outcome.period} {outcome.unit} {label}")
        else:
            print(f"[{done}/{total}] {outcome.period} {outcome.unit} {label}"
                  + (f" ({outcome.seconds:.2f} s)" if outcome.status == "built" else ""), flush=True)


def cmd_diff(args) -> int:
    from reportgen.diff import diff_paths

    report = diff_paths(args.old, args.new, args.out)  # DiffInputError: printed by main, exit 1
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
    from reportgen.init import init_dataset

    # InitTargetExistsError and InitSourceMissingError (InputFileErrors): printed by main, exit 1.
    created = init_dataset(args.target, template=args.template, sample=args.sample)
    print(_(N_("created {path}: fill in the values and targets, then run: reportgen validate {path}"),
            path=created))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
