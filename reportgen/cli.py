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
from reportgen.cli_args import Parser, argparse_in_language, language_of
from reportgen.errors import DatasetInvalid, InvalidRequest, ReportgenError
from reportgen.i18n import N_, _
from reportgen.problems import Problem
from reportgen.render import FORMATS, REQUESTABLE
from reportgen.safety.limits import Limits, SafetyError, cap_problems
from reportgen.web import command as web_command

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
UNKNOWN_UNIT = N_("unknown unit code: {unit} (see the units table)")
UNKNOWN_UNIT_NEAR = N_("unknown unit code: {unit} (see the units table); did you mean {suggestion}?")


def _parser() -> argparse.ArgumentParser:
    """The parser, its texts in the current language (set before it is built: see main)."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS, not None: the sub-command re-parses this option and would otherwise
    # overwrite a "reportgen --lang en validate ..." given before the command.
    common.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS,
                        help=_(N_("message language: vi (default) or en; also the environment variable REPORTGEN_LANG")))
    # Commands that read a dataset take the operator's limits (reportgen.safety.limits).
    reads = argparse.ArgumentParser(add_help=False)
    reads.add_argument("--limit", action="append", default=[], metavar=_(N_("NAME=VALUE")),
                       help=_(N_("raise or lower a safety limit, e.g. sheet_rows=2000000 "
                                 "(repeatable; env REPORTGEN_LIMIT_<NAME>; see README: Security)")))

    parser = Parser(
        prog="reportgen", parents=[common],
        description=_(N_("Official-style Vietnamese reports (BÁO CÁO) from indicator datasets.")),
        epilog=_(N_("Example:\n  reportgen init du-lieu.xlsx\n  reportgen validate du-lieu.xlsx\n"
                    "  reportgen build du-lieu.xlsx --period 2024-H1 --unit 01\n\n"
                    "Help on one command: reportgen COMMAND --help")))
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}",
                        help=_(N_("show program's version number and exit")))
    commands = parser.add_subparsers(dest="command", required=True, metavar=_(N_("COMMAND")),
                                     title=_(N_("commands")))
    dataset_help = _(N_("dataset folder or .xlsx workbook"))
    DATASET, PERIOD, CODE = _(N_("DATASET")), _(N_("PERIOD")), _(N_("CODE"))

    def command(name: str, summary: str, example: str, reads_dataset: bool = False) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common, reads] if reads_dataset else [common], help=_(summary), description=_(summary),
                                   epilog=_(example))

    validate = command("validate", N_("check a dataset against the consistency rules"),
                       N_("Example:\n  reportgen validate du-lieu.xlsx\n  reportgen validate datasets/hanoi --strict"), reads_dataset=True)
    validate.add_argument("dataset", type=Path, metavar=DATASET, help=dataset_help)
    validate.add_argument("--strict", action="store_true", help=_(N_("warnings also fail (exit 1)")))

    figures = command("figures", N_("print the figures a report will print"),
                      N_("Example:\n  reportgen figures du-lieu.xlsx --period 2024-H1 --unit 01\n"
                         "  reportgen figures du-lieu.xlsx --period 2024-H1 --unit 006 --json"), reads_dataset=True)
    figures.add_argument("dataset", type=Path, metavar=DATASET, help=dataset_help)
    figures.add_argument("--period", required=True, metavar=PERIOD,
                         help=_(N_("reporting period, e.g. 2023-H1, 2023-9M, 2023-Y")))
    figures.add_argument("--unit", required=True, metavar=CODE, help=_(N_("unit code, e.g. 01")))
    figures.add_argument("--json", action="store_true", help=_(N_("machine-readable output")))

    build = command("build", N_("build the reports (DOCX, PDF)"),
                    N_("Example:\n  reportgen build du-lieu.xlsx --period 2024-H1 --unit 01\n"
                       "  reportgen build du-lieu.xlsx --period 2024-H1 --all --format docx --out bao-cao"), reads_dataset=True)
    build.add_argument("dataset", type=Path, metavar=DATASET, help=dataset_help)
    build.add_argument("--period", required=True, metavar=PERIOD,
                       help=_(N_("reporting period, e.g. 2023-H1, 2023-9M, 2023-Y")))
    build.add_argument("--unit", action="append", default=[], metavar=CODE,
                       help=_(N_("unit code (repeatable)")))
    build.add_argument("--all", action="store_true", help=_(N_("the root unit and every unit below it")))
    build.add_argument("--format", action="append", choices=REQUESTABLE, default=[],
                       help=_(N_("output format (repeatable; default: {formats})"),
                              formats=" + ".join(REQUESTABLE)))
    build.add_argument("--out", type=Path, default=Path("build"), metavar=_(N_("FOLDER")),
                       help=_(N_("output folder (default: build)")))
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help=_(N_("worker processes (default: cores)")))
    build.add_argument("--executor", default="local", metavar="local|dask://…", help=_(N_("local or dask://HOST:PORT")))
    build.add_argument("--pdf-variant", choices=("pdf/a-3b",), default=None,
                       help=_(N_("an archival PDF variant")))
    build.add_argument("--pdf-engine", choices=tuple(FORMATS["pdf"].engines), default=None,
                       help=_(N_("PDF engine: weasyprint (default) or typst (faster: bulk runs, drafts)")))
    build.add_argument("--compare-with", default=None, metavar=PERIOD,
                       help=_(N_("add a figure comparison with another period (for reviewers)")))
    build.add_argument("--zip", action="store_true", help=_(N_("also write OUT/<period>.zip")))
    build.add_argument("--strict", action="store_true", help=_(N_("dataset warnings also fail")))
    build.add_argument("--force", action="store_true", help=_(N_("rebuild even when inputs are unchanged")))
    build.add_argument("--templates", type=Path, default=None, metavar=_(N_("FOLDER")),
                       help=_(N_("a folder whose files replace the shipped templates of the same name "
                                 "(default: the dataset's templates setting)")))

    diff = command("diff", N_("redline two drafts or two build folders"),
                   N_("Example:\n  reportgen diff cu.docx moi.docx\n  reportgen diff build-cu build-moi --out so-sanh"))
    diff.add_argument("old", type=Path, metavar=_(N_("OLD")), help=_(N_("the earlier draft (.docx) or build folder")))
    diff.add_argument("new", type=Path, metavar=_(N_("NEW")), help=_(N_("the later draft (.docx) or build folder")))
    diff.add_argument("--out", type=Path, default=Path("build/diff"), metavar=_(N_("FOLDER")),
                      help=_(N_("where to write the redline (default: build/diff)")))

    init = command("init", N_("a new dataset folder or workbook to fill in"),
                   N_("Example:\n  reportgen init du-lieu.xlsx\n  reportgen init --sample mau.xlsx"))
    init.add_argument("target", type=Path, metavar=_(N_("TARGET")), help=_(N_("a new folder, or FILE.xlsx")))
    init.add_argument("--template", type=Path, default=None, metavar=DATASET,
                      help=_(N_("dataset whose units and settings to copy (default: the sample)")))
    init.add_argument("--sample", action="store_true",
                      help=_(N_("write the shipped Hà Nội sample, figures included, to TARGET")))
    from reportgen.audit import command as audit_command  # the audit lives in one module:
    audit_command.add_parser(commands)                     # add_parser + run (args.handler)
    web_command.add_parser(commands, parents=[common])
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The help texts are translated as the parser is built: the language comes first.
    with argparse_in_language(language_of(argv)):
        args = _parser().parse_args(argv)
    handlers = {"validate": cmd_validate, "figures": cmd_figures, "build": cmd_build,
                "diff": cmd_diff, "init": cmd_init, "audit": lambda a: a.handler(a),
                "serve": web_command.run}
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
    except KeyboardInterrupt as interrupt:
        print(_(N_("interrupted")), file=sys.stderr)
        return getattr(interrupt, "exit_code", 130)  # build.BuildTerminated (SIGTERM): 143


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
    """A usage error for a code not in the units table, naming the unit meant when it is
    clear: "6" → 006, a unit's name typed instead of its code → that code."""
    if unit_code in dataset.units:
        return
    from reportgen.suggest import unit_suggestions

    near = unit_suggestions(unit_code, {code: unit.name for code, unit in dataset.units.items()})
    if near:
        raise InvalidRequest(UNKNOWN_UNIT_NEAR, unit=unit_code, suggestion=" / ".join(
            f"--unit {code} ({dataset.units[code].name})" for code in near))
    raise InvalidRequest(UNKNOWN_UNIT, unit=unit_code)


def _period(dataset, text: str):
    """The Period of --period; a usage error naming the closest period of the dataset."""
    from reportgen.periods import Period, PeriodError
    from reportgen.suggest import closest

    try:
        return Period.parse(text)
    except PeriodError:
        typed = str(text).strip().upper().replace("/", "-").replace(" ", "").replace("_", "-")
        codes = [p.code for p in dataset.periods()]
        near = [typed] if typed in codes else closest(typed, codes, count=2, cutoff=0.5)
        if near:
            raise InvalidRequest(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3); did you mean {suggestion}?"),
                                 period=text, suggestion=" / ".join(near)) from None
        raise


def cmd_figures(args) -> int:
    from reportgen.figures_file import figure_rows, figures_json

    checked = load_checked(args.dataset, show_warnings=False, limits=_limits(args))
    if not checked.ok:
        print(_summary(checked.problems), file=sys.stderr)
        return EXIT_INVALID
    dataset, book = checked.dataset, checked.book
    period = _period(dataset, args.period)  # an InvalidRequest: exit 2
    _check_unit(dataset, args.unit)
    if args.json:
        document = figures_json(dataset, book, args.unit, period)
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    unit = dataset.units[args.unit]
    width = _terminal_width()
    narrow = width < 120
    table = Table(title=f"{unit.name} ({unit.code}) · {period.label}", title_justify="left",
                  padding=(0, 0 if narrow else 1))
    headers = (N_("Code"), N_("Indicator"), N_("Value"), N_("Plan"), N_("Percent of plan"),
               N_("Same period {year}"), N_("Change"))
    # On a narrow terminal (80 columns) the Vietnamese name keeps the room: the code goes
    # on a dim line under the name instead of a column of its own, and headers wrap.
    for index, header in enumerate(headers[1:] if narrow else headers, start=1 if narrow else 0):
        table.add_column(_(header, year=period.year - 1), justify="left" if index < 2 else "right",
                         overflow="fold", no_wrap=not narrow and index != 1,
                         max_width=(12 if index == 6 else 9 if index >= 2 else None) if narrow else None)
    for row in figure_rows(dataset, book, args.unit, period):
        if narrow:
            code, name, *figures = row
            row = (f"{escape(name)}\n[dim]{escape(code)}[/dim]", *figures)
        table.add_row(*row)
    Console(width=width, soft_wrap=False).print(table)
    return EXIT_OK


def _terminal_width() -> int:
    """COLUMNS when set (a terminal, or a test), the terminal's width, else 160 (a file)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 160


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
    period = _period(dataset, args.period)
    if args.compare_with:
        _period(dataset, args.compare_with)
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
    _print_problems(summary.warnings)  # a damaged manifest, a planted entry (issue 10)
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
