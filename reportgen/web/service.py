"""The web app's only door into the reportgen library.

Every call the server makes to load, validate, preview, build, initialise or diff goes
through this module, so a change of the library API touches this file only. Nothing here
knows about HTTP; nothing elsewhere in reportgen.web imports the library directly
(besides i18n for the message catalogue).

Uploads go through the library's trust boundary (reportgen.safety: the operator's
limits, REPORTGEN_LIMIT_*): an archive is inspected (entry count, sizes, ratio, names,
symlinks, duplicates) before any parser sees it, and a zipped CSV folder is unpacked
with every name checked and every file created new.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reportgen.errors import DatasetInvalid, ReportgenError
from reportgen.i18n import N_, _translations
from reportgen.problems import Problem
from reportgen.safety.limits import Limits, Msg, SafetyError
from reportgen.validate import CheckedDataset as Checked

# ---------------------------------------------------------------- messages

def translate(language: str, message: str, **params: object) -> str:
    """`reportgen.i18n._` for one request's language: the library's `set_language` is
    process-wide, and two browsers may ask for two languages at once."""
    catalogue = _translations(language)
    text = catalogue.gettext(message)
    if not params:
        return text
    # Parameters that are messages themselves (reportgen.safety's Msg, a refusal's reason)
    # are translated too.
    filled = {}
    for key, value in params.items():
        if isinstance(value, Deferred):
            value = translate(language, str(value), **value.params)
        elif isinstance(value, Msg):
            value = catalogue.gettext(value)
        filled[key] = value
    try:
        return text.format(**filled)
    except (KeyError, IndexError, ValueError):  # a free-text message with braces in it
        return text


def web_templates() -> Path:
    """The folder of the pages' Jinja templates (reportgen/templates/web)."""
    from reportgen.resources import TEMPLATES_DIR

    return TEMPLATES_DIR / "web"


# ---------------------------------------------------------------- limits

CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # unit and period codes that may name a file


class UploadRejected(Exception):
    """An upload that is no dataset or draft, or breaks a limit. message id + params;
    `fix` (a message id) says what to do."""

    def __init__(self, message: str, *, fix: str | None = None, **params: object):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.params = params


def _rejected(error: SafetyError, name: str) -> UploadRejected:
    where = ", ".join(str(p) for p in (name, error.where) if p)
    return UploadRejected(N_("{where}: {reason}"), where=where, reason=Deferred(error.message, error.params),
                          fix=Deferred(error.fix, error.params) if error.fix else None)


class Deferred(str):
    """A message with its own parameters, translated when the outer message is."""

    def __new__(cls, message: str, params: dict):
        value = super().__new__(cls, message)
        value.params = params
        return value


def limits() -> Limits:
    return Limits.from_environ()


def check_archive(data: bytes, what: str) -> list[str]:
    """Inspect `data` as a ZIP (xlsx, docx, zip) under the operator's limits; its names."""
    from reportgen.safety.archives import CheckedZip

    try:
        with CheckedZip(data, file=what, limits=limits()) as archive:
            return list(archive.names())
    except SafetyError as error:
        raise _rejected(error, what) from None


def extract_csv_folder(data: bytes, target: Path, name: str = "zip") -> Path:
    """Unpack a zipped CSV dataset folder into `target` and return the dataset folder
    (the one holding dataset.yaml: the archive's root or its single top folder)."""
    from reportgen.safety.archives import CheckedZip, safe_extract

    try:
        with CheckedZip(data, file=name, limits=limits()) as archive:
            safe_extract(archive, target)
    except SafetyError as error:
        raise _rejected(error, name) from None
    root = target.resolve()
    if (root / "dataset.yaml").is_file():
        return root
    # The resource forks macOS adds to every zip are no second folder.
    folders = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and p.name != "__MACOSX"]
    if len(folders) == 1 and (folders[0] / "dataset.yaml").is_file():
        return folders[0]
    raise UploadRejected(N_("the zip holds no dataset.yaml: zip the dataset folder itself"))


# ---------------------------------------------------------------- datasets

def check_dataset(path: Path) -> Checked:
    """Load and validate, as `reportgen validate` does, without printing. Rules still run
    on what parsed, so the clerk sees every problem in one upload."""
    from reportgen.validate import load_and_validate

    try:
        return load_and_validate(path)
    except DatasetInvalid as error:
        return Checked(None, None, list(error.problems))
    except SafetyError as error:
        return Checked(None, None, [error.as_problem()])


def check_dataset_pickled(path: str) -> bytes:
    """check_dataset in a worker process: the parsed dataset comes back pickled (tens of
    milliseconds to load, against a second or more to parse and validate a workbook)."""
    import pickle

    return pickle.dumps(check_dataset(Path(path)), protocol=pickle.HIGHEST_PROTOCOL)


def _plain(value: object) -> object:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def problem_record(problem: Problem) -> dict:
    """A Problem in a JSON-storable, language-neutral form (translated when shown)."""
    location = problem.location
    cell = (f"{location.column_letter}{location.row}"
            if location.column_letter and location.row is not None else None)
    return {"severity": problem.severity, "file": location.file, "sheet": location.sheet,
            "row": location.row, "column": location.column, "cell": cell,
            "value": _plain(problem.value), "message_id": problem.message,
            "params": {key: _plain(value) for key, value in problem.params},
            "fix_id": problem.fix}


def describe_problem(record: dict, language: str) -> dict:
    """The API's problem object: the stored record with message and fix translated."""
    params = {"value": record.get("value"), **record.get("params", {})}
    try:
        message = translate(language, record["message_id"], **params)
        fix = translate(language, record["fix_id"], **params) if record.get("fix_id") else None
    except (KeyError, IndexError, ValueError):  # a catalogue entry with a missing placeholder
        message, fix = record["message_id"], record.get("fix_id")
    return {key: record.get(key) for key in ("severity", "file", "sheet", "row", "column", "cell", "value")} | {
        "message": message, "fix": fix}


def sort_records(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r["severity"] != "error", r["file"] or "", r["sheet"] or "",
                                          r["row"] or 0, r["column"] or ""))


def dataset_summary(checked: Checked) -> dict:
    """What the dataset page and the API show besides the problems."""
    dataset = checked.dataset
    if dataset is None:
        return {"title": None, "root": None, "units": [], "periods": []}
    root = dataset.settings.root
    order = [root] + [u.code for u in dataset.descendants(root)] if root in dataset.units else []
    order += [code for code in dataset.units if code not in order]
    units = [{"code": code, "name": dataset.units[code].name, "level": dataset.units[code].level,
              "parent": dataset.units[code].parent} for code in order]
    periods = [{"code": p.code, "label": p.label} for p in dataset.periods()]
    return {"title": dataset.settings.title, "root": root, "units": units, "periods": periods}


def parse_period(code: str):
    """The Period for a code, or None when it is no period code."""
    from reportgen.periods import Period

    try:
        return Period.parse(code)
    except ValueError:
        return None


def figures_document(checked: Checked, unit: str, period_code: str) -> dict:
    """What `reportgen figures --json` prints."""
    from reportgen.figures_file import figures_json

    return figures_json(checked.dataset, checked.book, unit, parse_period(period_code))


def figures_table(checked: Checked, unit: str, period_code: str) -> list[tuple[str, ...]]:
    """The rows of the `reportgen figures` table: code, name, value, plan, %, same period, change."""
    from reportgen.figures_file import figure_rows

    return figure_rows(checked.dataset, checked.book, unit, parse_period(period_code))


def report_html(checked: Checked, unit: str, period_code: str) -> str:
    """The report as the standalone HTML the PDF is made from."""
    from reportgen.compose import compose_report
    from reportgen.render.html import render_html

    model = compose_report(checked.dataset, checked.book, unit, parse_period(period_code))
    return render_html(model, standalone=True, templates=checked.templates)


def blank_workbook(target: Path) -> Path:
    """The workbook `reportgen init FILE.xlsx` writes (the sample's units, no figures)."""
    from reportgen.init import init_dataset

    return init_dataset(target)


def sample_workbook(target: Path) -> Path:
    """The filled Hà Nội sample as one workbook (`reportgen init --sample FILE.xlsx`)."""
    from reportgen.init import init_dataset

    return init_dataset(target, sample=True)


# ---------------------------------------------------------------- builds

FORMATS = ("docx", "pdf")


def root_and_descendants(dataset) -> list[str]:
    root = dataset.settings.root
    return [root] + [u.code for u in dataset.descendants(root)]


def run_build(dataset_path: Path, period_code: str, units: list[str] | None, formats: list[str],
              out: Path, jobs: int, progress: Callable[[int, int, str, str, str], None]) -> dict:
    """Build the reports into `out`; `progress(done, total, unit, status, reason)` after
    each report. `units=None` means the root unit and every unit below it. Returns
    {"built", "skipped", "failed": [{"unit", "reason"}]}. Raises UploadRejected when the
    dataset has errors or a code is unusable (the page checked it before; a dataset on
    disk is re-read here because this runs in a separate process)."""
    from reportgen.build import BuildOptions, build

    checked = check_dataset(dataset_path)
    if not checked.ok:
        raise UploadRejected(N_("the dataset has errors; correct them and upload it again"))
    dataset = checked.dataset
    period = parse_period(period_code)
    if period is None:
        raise UploadRejected(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                             period=period_code)
    units = root_and_descendants(dataset) if units is None else units
    for unit in units:
        # Codes name output files: the library checks them too, the web before it starts.
        if unit not in dataset.units or not CODE.match(unit):
            raise UploadRejected(N_("unknown unit code: {unit} (see the units table)"), unit=unit)

    def on_progress(done, total, outcome) -> None:
        progress(done, total, outcome.unit, outcome.status, outcome.reason)

    try:
        summary = build(dataset, period, units, out, options=BuildOptions(formats=tuple(formats)),
                        jobs=jobs, progress=on_progress)
    except ReportgenError as error:
        raise UploadRejected(error.message_id, **error.params)
    return {"built": len(summary.built), "skipped": len(summary.skipped),
            "failed": [{"unit": o.unit, "reason": o.reason} for o in summary.failed]}


def write_zip(out: Path, period_code: str) -> Path:
    """OUT/<period>.zip as `reportgen build --zip` writes it; made again only when the
    manifest is newer (a finished build's zip is asked for more than once)."""
    from reportgen.build import MANIFEST, Manifest, write_zip as library_write_zip

    target = out / f"{period_code}.zip"
    if target.is_file() and target.stat().st_mtime_ns >= (out / MANIFEST).stat().st_mtime_ns:
        return target
    return library_write_zip(out, period_code, Manifest(out))


# ---------------------------------------------------------------- review

@dataclass
class DraftRedline:
    docx: bytes
    html: str
    changes: list[dict]  # [{"old", "new"}]


def redline_drafts(old: bytes, new: bytes, old_name: str, new_name: str) -> DraftRedline:
    """Tracked changes of NEW against OLD (DOCX) and the HTML view. Raises UploadRejected."""
    from reportgen.diff import core_date, redline, redline_html

    check_archive(old, old_name)
    check_archive(new, new_name)
    try:
        result = redline(old, new, date=core_date(new), old_name=old_name, new_name=new_name)
        page = redline_html(old, new, title=f"So sánh: {old_name} → {new_name}",
                            old_name=old_name, new_name=new_name)
    except ReportgenError as error:
        raise UploadRejected(error.message_id, **error.params)
    except SafetyError as error:
        raise _rejected(error, new_name) from None
    changes = [{"old": c.old_text, "new": c.new_text} for c in result.result.changes]
    return DraftRedline(result.docx, page, changes)


def compare_builds(old_out: Path, new_out: Path, target: Path) -> dict:
    """Two build folders unit by unit (`reportgen diff OLD NEW`): the changed units and
    their figures, with the files written under `target` (relative paths)."""
    from reportgen.diff import diff_paths
    from reportgen.vi import format_signed, format_value

    try:
        report = diff_paths(old_out, new_out, target)
    except ReportgenError as error:
        # The library names its folders; the browser is told no more than their last parts.
        params = {key: (_short(value) if isinstance(value, str) else value) for key, value in error.params.items()}
        raise UploadRejected(error.message_id, **params)

    def shown(value):
        return "" if value is None else format_value(value)

    units = []
    for unit in report.units:
        units.append({
            "period": unit.period, "unit": unit.unit, "name": unit.name, "status": unit.status,
            "redline": (str(unit.redline_docx.relative_to(target)) if unit.redline_docx else None),
            "figures": [{"indicator": f.indicator, "name": f.name, "measure": f.measure,
                         "old": shown(f.old_value), "new": shown(f.new_value),
                         "change": "" if f.change is None else format_signed(f.change)}
                        for f in unit.figures]})
    return {"units": units, "unchanged": report.unchanged_units,
            "files": [str(p.relative_to(target)) for p in report.files]}


def _short(text: str) -> str:
    parts = Path(text).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else text
