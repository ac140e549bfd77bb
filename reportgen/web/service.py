"""The web app's only door into the reportgen library.

Every call the server makes to load, validate, preview, build, initialise or diff goes
through this module, so a change of the library API (branch `api`: load_and_validate,
build(progress=...); branch `layout`: figures_file) touches this file only. Nothing here
knows about HTTP; nothing elsewhere in reportgen.web imports the library directly
(besides i18n for the message catalogue).

It also holds the upload limits: an archive is inspected (entry count, sizes, ratio,
names, symlinks) before any parser sees it.
"""
from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from reportgen.i18n import N_, _translations
from reportgen.problems import DatasetError, Problem

# ---------------------------------------------------------------- messages

def translate(language: str, message: str, **params: object) -> str:
    """`reportgen.i18n._` for one request's language: the library's `set_language` is
    process-wide, and two browsers may ask for two languages at once."""
    text = _translations(language).gettext(message)
    return text.format(**params) if params else text


def web_templates() -> Path:
    """The folder of the pages' Jinja templates (reportgen/templates/web)."""
    from reportgen.resources import TEMPLATES_DIR

    return TEMPLATES_DIR / "web"


# ---------------------------------------------------------------- limits

@dataclass(frozen=True)
class ArchiveLimits:
    """Upper bounds that a real city or ministry dataset never reaches (the sample
    workbook is 100 KB, 12 entries; its CSV folder about 40 files)."""

    max_entries: int = 20000  # a 700-unit province with notes for several periods
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 200  # uncompressed/compressed, checked on entries above 1 MB


LIMITS = ArchiveLimits()
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # unit and period codes that may name a file
_SAFE_PART = re.compile(r"^[\w][\w .,()+-]*$", re.UNICODE)


class UploadRejected(Exception):
    """An upload that is no dataset or draft, or breaks a limit. message id + params."""

    def __init__(self, message: str, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params


def check_archive(data: bytes, what: str, limits: ArchiveLimits = LIMITS) -> zipfile.ZipFile:
    """Open `data` as a ZIP and refuse it before extraction if it is a bomb or odd."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRejected(N_("{what} is not a ZIP package (an .xlsx, .docx or .zip file)"), what=what)
    if len(infos) > limits.max_entries:
        raise UploadRejected(N_("{what} has {count} entries; at most {limit} are accepted"),
                             what=what, count=len(infos), limit=limits.max_entries)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.max_entry_bytes or total > limits.max_total_bytes:
            raise UploadRejected(N_("{what} unpacks to more than {limit} MB; it is refused"),
                                 what=what, limit=limits.max_total_bytes // (1024 * 1024))
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UploadRejected(N_("{what}: the entry {name} is compressed suspiciously well; it is refused"),
                                 what=what, name=info.filename[:80])
    return archive


def _entry_parts(name: str) -> tuple[str, ...] | None:
    """The path parts of a zip entry name, or None if it may not be written to disk."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if any(p == ".." or not _SAFE_PART.match(p) for p in parts):
        return None
    return parts


def extract_csv_folder(data: bytes, target: Path, limits: ArchiveLimits = LIMITS) -> Path:
    """Unpack a zipped CSV dataset folder into `target` and return the dataset folder
    (the one holding dataset.yaml: the archive's root or its single top folder).
    Refuses absolute names, `..`, symlinks and odd characters; writes only regular files,
    never following a link (O_NOFOLLOW, O_EXCL)."""
    archive = check_archive(data, "zip", limits)
    target.mkdir(parents=True, exist_ok=False)
    root = target.resolve()
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UploadRejected(N_("the zip holds a symbolic link ({name}); it is refused"), name=info.filename[:80])
        if info.filename.startswith("__MACOSX/") or PurePosixPath(info.filename).name.startswith("._"):
            continue  # the resource forks macOS adds to every zip
        parts = _entry_parts(info.filename)
        if parts is None:
            raise UploadRejected(N_("the zip holds an entry with an unsafe name ({name}); it is refused"),
                                 name=info.filename[:80])
        if not parts:
            continue
        destination = root.joinpath(*parts)
        if not destination.resolve().is_relative_to(root):
            raise UploadRejected(N_("the zip holds an entry with an unsafe name ({name}); it is refused"),
                                 name=info.filename[:80])
        if info.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "wb") as handle, archive.open(info) as source:
            remaining = limits.max_entry_bytes
            while chunk := source.read(1024 * 1024):
                remaining -= len(chunk)
                if remaining < 0:  # a header that lied about the size
                    raise UploadRejected(N_("{what} unpacks to more than {limit} MB; it is refused"),
                                         what="zip", limit=limits.max_total_bytes // (1024 * 1024))
                handle.write(chunk)
    if (root / "dataset.yaml").is_file():
        return root
    folders = [p for p in root.iterdir() if p.is_dir()]
    if len(folders) == 1 and (folders[0] / "dataset.yaml").is_file():
        return folders[0]
    raise UploadRejected(N_("the zip holds no dataset.yaml: zip the dataset folder itself"))


# ---------------------------------------------------------------- datasets

@dataclass
class Checked:
    dataset: object | None  # reportgen.dataset.Dataset
    book: object | None  # reportgen.figures.FigureBook
    problems: list[Problem]


def check_dataset(path: Path) -> Checked:
    """Load and validate, like `reportgen validate` (cli.load_checked) without printing.
    Rules still run on what parsed, so the clerk sees every problem in one upload."""
    from reportgen.dataset import load_dataset
    from reportgen.figures import FigureBook
    from reportgen.validate import validate

    try:
        result = load_dataset(path)
    except DatasetError as error:
        return Checked(None, None, list(error.problems))
    problems = list(result.problems)
    if result.dataset is None:
        return Checked(None, None, problems)
    book = FigureBook(result.dataset)
    problems += validate(result.dataset, book)
    return Checked(result.dataset, book, problems)


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
    from reportgen.figuretable import figures_json

    return figures_json(checked.dataset, checked.book, unit, parse_period(period_code))


def figures_table(checked: Checked, unit: str, period_code: str) -> list[tuple[str, ...]]:
    """The rows of the `reportgen figures` table: code, name, value, plan, %, same period, change."""
    from reportgen.figuretable import figure_rows

    return figure_rows(checked.dataset, checked.book, unit, parse_period(period_code))


def report_html(checked: Checked, unit: str, period_code: str) -> str:
    """The report as the standalone HTML the PDF is made from."""
    from reportgen.compose import compose_report
    from reportgen.render.html import render_html

    model = compose_report(checked.dataset, checked.book, unit, parse_period(period_code))
    return render_html(model, standalone=True)


def blank_workbook(target: Path) -> Path:
    """The workbook `reportgen init FILE.xlsx` writes (the sample's units, no figures)."""
    from reportgen.init import init_dataset

    return init_dataset(target)


def sample_workbook(target: Path) -> Path:
    """The filled Hà Nội sample as one workbook."""
    from reportgen.init import write_workbook
    from reportgen.resources import package_path

    return write_workbook(package_path("samples", "hanoi"), target)


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
    from reportgen.build import BuildError, BuildOptions, build

    checked = check_dataset(dataset_path)
    if checked.dataset is None or any(p.is_error for p in checked.problems):
        raise UploadRejected(N_("the dataset has errors; correct them and upload it again"))
    dataset = checked.dataset
    period = parse_period(period_code)
    if period is None:
        raise UploadRejected(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                             period=period_code)
    units = root_and_descendants(dataset) if units is None else units
    for unit in units:
        # Codes name output files; until the library checks them (issue 10), the web does.
        if unit not in dataset.units or not CODE.match(unit):
            raise UploadRejected(N_("unknown unit code: {unit} (see the units table)"), unit=unit)
    total = len(units)
    state = {"done": 0}

    def on_outcome(outcome) -> None:
        state["done"] += 1
        progress(state["done"], total, outcome.unit, outcome.status, outcome.reason)

    try:
        summary = build(dataset, period, units, out, options=BuildOptions(formats=tuple(formats)),
                        jobs=jobs, on_outcome=on_outcome)
    except BuildError as error:
        raise UploadRejected(error.message, **error.params)
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
    from reportgen.diff import DiffInputError, core_date, redline, redline_html

    check_archive(old, old_name)
    check_archive(new, new_name)
    try:
        result = redline(old, new, date=core_date(new), old_name=old_name, new_name=new_name)
        page = redline_html(old, new, title=f"So sánh: {old_name} → {new_name}",
                            old_name=old_name, new_name=new_name)
    except DiffInputError as error:
        raise UploadRejected(error.message_id, **error.params)
    changes = [{"old": c.old_text, "new": c.new_text} for c in result.result.changes]
    return DraftRedline(result.docx, page, changes)


def compare_builds(old_out: Path, new_out: Path, target: Path) -> dict:
    """Two build folders unit by unit (`reportgen diff OLD NEW`): the changed units and
    their figures, with the files written under `target` (relative paths)."""
    from reportgen.diff import DiffInputError, diff_paths
    from reportgen.vi import format_signed, format_value

    try:
        report = diff_paths(old_out, new_out, target)
    except DiffInputError as error:
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
