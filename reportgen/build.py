"""Build reports: plan the tasks, key them by their inputs, run them, write files safely.

One task = one unit's report for one period, in the requested formats. A task's key is
the hash of exactly what that report reads (its subtree's figures and targets, its notes,
the settings, the templates, the reportgen version), so an unchanged report is skipped and
a changed district rebuilds itself and its parents only. Workers (in-process, a process
pool, or a Dask cluster) return bytes; only this process writes files, each to a
temporary name then renamed, and the manifest is rewritten atomically after every task.

Nothing read or written leaves --out (issue 10): output paths are made from checked codes
only (reportgen.safety.paths.check_code) and written by files.write_inside (no link below
--out followed, the tool's own temp names, which are all the stale-temp sweep removes);
the lock is a file the tool makes itself (safety.paths.folder_lock); the manifest is read
bounded (safety.jsonsafe) and each entry checked, a bad one dropped with a warning, a
damaged manifest costing a full rebuild. Each build has one temporary folder (the
dataset pickled for workers, the workers' TMPDIR, where WeasyPrint copies its fonts),
removed on every way out, and swept at the next start if the build was killed.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reportgen import __version__
from reportgen.dataset import CATALOGUE_FILE, Dataset
from reportgen.errors import (
    BuildError, BuildLocked, DatasetInvalid, InvalidRequest, OutputError, ReportgenError,
)
from reportgen.figures import Completeness, FigureBook
from reportgen.i18n import N_, _
from reportgen.files import (  # atomic_write: kept importable from here for callers
    atomic_write, check_folder, deterministic_zip, output_error, read_inside, refused, write_inside,
)
from reportgen.periods import Period
from reportgen.problems import Location, Problem
from reportgen.render import FORMATS, REQUESTABLE, RenderSettings, format_of, outputs_of
from reportgen.resources import Templates, dataset_templates
from reportgen.safety import paths as safe_paths
from reportgen.safety.archives import checked_zip_entry_name
from reportgen.safety.jsonsafe import load_json
from reportgen.safety.limits import Limits, SafetyError

MANIFEST = "manifest.json"
LOCK_FILE = ".reportgen.lock"
FIGURES = "figures"  # <unit>.figures.json: written for every report, whatever the formats
FIGURES_SUFFIX = ".figures.json"
# Recycle pool workers: python-docx and WeasyPrint each keep a little memory per
# document in a long-lived process; a fresh worker every N tasks bounds it.
TASKS_PER_WORKER = 40
# Saving the manifest after every report made a 700-unit build quadratic (each save
# writes every entry and fsyncs); once a second keeps a killed build's loss small.
MANIFEST_INTERVAL = 1.0
# One temporary folder per build, in TMPDIR: reportgen-build-<pid>-<random>.
BUILD_TEMP_PREFIX = "reportgen-build-"
_BUILD_TEMP = re.compile(re.escape(BUILD_TEMP_PREFIX) + r"([0-9]+)-[A-Za-z0-9_]+")


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = REQUESTABLE  # names in reportgen.render.FORMATS
    pdf_variant: str | None = None
    compare_with: str | None = None
    # None: the dataset's `templates:` setting if it has one, else the shipped templates.
    templates: Templates | None = None
    # (format, engine) pairs choosing a non-default engine of reportgen.render.FORMATS,
    # e.g. (("pdf", "typst"),) once that engine exists; empty: every format's default.
    engines: tuple[tuple[str, str], ...] = ()

    def key_text(self) -> str:
        # What the options add to every key; the templates enter through their digest,
        # not their path, so a moved checkout or venv does not rebuild everything.
        return repr((self.formats, self.pdf_variant, self.compare_with, self.engines))


@dataclass(frozen=True)
class Task:
    unit: str
    period: str
    key: str
    weight: int  # units in the subtree: big reports are scheduled first


@dataclass
class Outcome:
    unit: str
    period: str
    status: str  # "built", "skipped", "failed"
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes (emptied once written)
    reason: str = ""  # why it failed, in the current language
    written: list[str] = field(default_factory=list)  # paths relative to the output folder
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the worker process's peak memory so far (benchmarks print it)


# ---------------------------------------------------------------- units

def descendants(dataset: Dataset, code: str) -> list:
    """Every unit below `code`, parents before their children, in code order (as
    Dataset.descendants), without recursion: a 1,000-level chain that bypassed validate
    is walked, not a RecursionError; a loop in the parents is walked once."""
    found: list = []
    seen = {code}
    stack = list(reversed(dataset.children(code)))
    while stack:
        unit = stack.pop()
        if unit.code in seen:
            continue
        seen.add(unit.code)
        found.append(unit)
        stack.extend(reversed(dataset.children(unit.code)))
    return found


# ---------------------------------------------------------------- keys

def _digest(*parts: bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(len(part).to_bytes(8, "big"))
        sha.update(part)
    return sha.hexdigest()


class KeyMaker:
    """Input hashes per (unit, period): the rows of the unit's subtree for the periods the
    report reads, its notes, the units it names, and everything global."""

    def __init__(self, dataset: Dataset, options: BuildOptions):
        self.dataset = dataset
        settings_json = json.dumps(dataset.settings.raw, sort_keys=True, ensure_ascii=False, default=str)
        indicators = json.dumps([vars(i) for i in dataset.indicators.values()], sort_keys=True,
                                ensure_ascii=False)
        templates = options.templates or Templates()
        self.global_digest = _digest(__version__.encode(), settings_json.encode(), indicators.encode(),
                                     templates.digest().encode(), CATALOGUE_FILE.read_bytes(),
                                     options.key_text().encode())
        self.rows_by_unit: dict[str, list[str]] = {}
        for row in dataset.values:
            self.rows_by_unit.setdefault(row.unit, []).append(
                f"v|{row.period.code}|{row.indicator}|{row.scope}|{row.value}")
        for row in dataset.targets:
            self.rows_by_unit.setdefault(row.unit, []).append(
                f"t|{row.year}|{row.indicator}|{row.target}")

    def key(self, unit: str, period: Period, extra_periods: Iterable[Period] = ()) -> str:
        periods = {period.code, period.same_period_last_year().code} | {p.code for p in extra_periods}
        year = str(period.year)  # targets are read for the report's own year only
        units = [self.dataset.units[unit]] + descendants(self.dataset, unit)
        lines = []
        parent = self.dataset.units.get(self.dataset.units[unit].parent or "")
        if parent:
            lines.append(f"p|{parent.code}|{parent.name}|{parent.level}")
        for member in units:
            lines.append(f"u|{member.code}|{member.name}|{member.level}|{member.parent}")
            for row in self.rows_by_unit.get(member.code, ()):
                kind, first = row.split("|", 2)[:2]
                if (kind == "v" and first in periods) or (kind == "t" and first == year):
                    lines.append(f"{member.code}|{row}")
        notes = self.dataset.notes.get((unit, period.code), {})
        for section in sorted(notes):
            lines.append(f"n|{section}|" + "\n".join(notes[section].paragraphs))
        return _digest(self.global_digest.encode(), "\n".join(lines).encode())


# ---------------------------------------------------------------- the work of one task

def engines_for(dataset: Dataset, options: BuildOptions) -> tuple[tuple[str, str], ...]:
    """options.engines, plus the dataset's pdf_engine setting when the options name no
    PDF engine (the command line wins over the setting)."""
    engines = dict(options.engines)
    if "pdf" not in engines and dataset.settings.pdf_engine:
        engines["pdf"] = dataset.settings.pdf_engine
    return tuple(sorted(engines.items()))


class ReportWorker:
    """Everything one process needs to turn a task into bytes; built once per process."""

    def __init__(self, dataset: Dataset, options: BuildOptions):
        self.dataset = dataset
        self.options = options
        self.book = FigureBook(dataset)
        self.settings = RenderSettings(templates=options.templates or Templates(),
                                       pdf_variant=options.pdf_variant,
                                       engines=engines_for(dataset, options))

    def run(self, task: Task) -> Outcome:
        started = time.perf_counter()
        try:
            files = self.render(task.unit, Period.parse(task.period))
        except Exception as error:  # a unit's failure must not stop the others: report it
            return Outcome(task.unit, task.period, "failed", reason=_failure_reason(error),
                           seconds=time.perf_counter() - started, peak_rss_mb=_peak_rss_mb())
        return Outcome(task.unit, task.period, "built", files, seconds=time.perf_counter() - started,
                       peak_rss_mb=_peak_rss_mb())

    def render(self, unit: str, period: Period) -> dict[str, bytes]:
        from reportgen.compose import ComposeOptions, compose_report
        from reportgen.figures_file import figures_json

        compare = Period.parse(self.options.compare_with) if self.options.compare_with else None
        model = compose_report(self.dataset, self.book, unit, period,
                               ComposeOptions(compare_with=compare, templates=self.settings.templates))
        prefix = output_prefix(unit, period.code)
        files: dict[str, bytes] = {}
        for fmt in outputs_of(self.options.formats):
            data = fmt.render(model, self.settings)
            if data is not None:
                files[prefix + fmt.suffix] = data
        document = figures_json(self.dataset, self.book, unit, period)
        files[prefix + FIGURES_SUFFIX] = (json.dumps(document, ensure_ascii=False, indent=1,
                                                     sort_keys=True) + "\n").encode()
        return files


def output_prefix(unit: str, period: str) -> str:
    """"<period>/<unit>": output names are made of checked codes only, so a unit code
    "../../x" can never name a file, whoever called the library."""
    return (f"{safe_paths.check_code(period, kind='period code')}/"
            f"{safe_paths.check_code(unit, kind='unit code')}")


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _failure_reason(error: Exception) -> str:
    if isinstance(error, ReportgenError):
        return error.translated()
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" ({Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {error}{where}"


# process-pool plumbing: one ReportWorker per worker process
_worker: ReportWorker | None = None


def _init_pool_worker(payload_path: str, temp_root: str) -> None:
    global _worker
    # The worker's temporary files (WeasyPrint's font copies, weasyprint-*) go into the
    # build's folder: a pool worker ends with os._exit, so their own cleanup never runs.
    folder = tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=temp_root)
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder
    with open(payload_path, "rb") as stream:
        dataset, options = pickle.load(stream)
    _worker = ReportWorker(dataset, options)


def _pool_run(task: Task) -> Outcome:
    assert _worker is not None
    return _worker.run(task)


def _dask_run(task: Task, payload) -> Outcome:
    """Runs on a Dask worker: the dataset arrives once per worker (scattered), the
    ReportWorker is cached on the worker between tasks."""
    from distributed import get_worker

    worker = get_worker()
    cache = getattr(worker, "_reportgen_workers", None)
    if cache is None:
        cache = worker._reportgen_workers = {}
    digest = payload[0]
    if digest not in cache:
        dataset, options = pickle.loads(payload[1])
        cache.clear()
        cache[digest] = ReportWorker(dataset, options)
    return cache[digest].run(task)


# ---------------------------------------------------------------- executors

UNKNOWN_EXECUTOR = N_("unknown executor {executor}: use local or dask://HOST:PORT")


def executor_ok(executor: str) -> bool:
    """Whether `executor` names one run_tasks knows: "local" or "dask://HOST:PORT"."""
    return executor == "local" or executor.startswith(("dask://", "tcp://"))


def run_tasks(tasks: list[Task], dataset: Dataset, options: BuildOptions, *, jobs: int,
              executor: str = "local", tasks_per_worker: int = TASKS_PER_WORKER,
              temp: Path | None = None) -> Iterator[Outcome]:
    """Outcomes as they come. `temp` is the build's temporary folder (the pool's dataset
    pickle and the workers' TMPDIR); without one the pool makes and removes its own."""
    if not tasks:
        return iter(())
    if executor.startswith("dask://") or executor.startswith("tcp://"):
        return _run_dask(tasks, dataset, options, executor)
    if executor != "local":
        raise InvalidRequest(UNKNOWN_EXECUTOR, executor=executor)
    if jobs <= 1 or len(tasks) == 1:
        worker = ReportWorker(dataset, options)
        return (worker.run(task) for task in tasks)
    return _run_pool(tasks, dataset, options, jobs, tasks_per_worker, temp)


def _run_pool(tasks, dataset, options, jobs, tasks_per_worker, temp=None) -> Iterator[Outcome]:
    if temp is None:
        with build_temp() as own:
            yield from _run_pool(tasks, dataset, options, jobs, tasks_per_worker, own)
        return
    # multiprocessing.Pool, not ProcessPoolExecutor: the latter's max_tasks_per_child
    # deadlocks on Python 3.11-3.13 once a worker retires with tasks still queued
    # (CPython gh-115634); Pool's maxtasksperchild replaces workers reliably.
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    # Heavy imports happen once in the fork server, not in every recycled worker.
    pdf_module = ("reportgen.render.typst_pdf" if dict(engines_for(dataset, options)).get("pdf") == "typst"
                  else "reportgen.render.pdf")
    context.set_forkserver_preload(["reportgen.build", "reportgen.compose", "reportgen.render.docx",
                                    "reportgen.render.xlsx", "reportgen.render._openpyxl", pdf_module])
    # The dataset goes to workers through a file, not the initializer's arguments: a
    # worker keeps its arguments alive, and each recycled worker would copy them again.
    # The file is in the build's temporary folder, removed with it on every way out.
    payload = Path(temp) / "dataset.pickle"
    with open(payload, "xb") as handle:
        pickle.dump((dataset, options), handle, protocol=pickle.HIGHEST_PROTOCOL)
    with context.Pool(processes=min(jobs, len(tasks)), initializer=_init_pool_worker,
                      initargs=(str(payload), str(temp)), maxtasksperchild=tasks_per_worker) as pool:
        yield from pool.imap_unordered(_pool_run, tasks, chunksize=1)


def _run_dask(tasks, dataset, options, address) -> Iterator[Outcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        # A usage error (exit 2), as before: the executor asked for is not installed.
        raise InvalidRequest(N_("the Dask executor needs the optional extra: pip install 'reportgen[dask]'"))
    target = address.replace("dask://", "tcp://", 1)
    try:
        client = Client(target, timeout="10s")
    except OSError as error:
        raise BuildError(N_("cannot reach the Dask scheduler at {address}: {reason}"),
                         address=address, reason=str(error))
    try:
        blob = pickle.dumps((dataset, options), protocol=pickle.HIGHEST_PROTOCOL)
        payload = (hashlib.sha256(blob).hexdigest(), blob)
        [shared] = client.scatter([payload], broadcast=True)
        futures = client.map(_dask_run, tasks, payload=shared, pure=False,
                             key=[f"reportgen-{t.period}-{t.unit}-{t.key[:12]}" for t in tasks])
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()


# ---------------------------------------------------------------- files

def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MANIFEST_DAMAGED = N_("the manifest cannot be used ({reason}); every report will be rebuilt")
MANIFEST_ENTRY_IGNORED = N_("output {number} of the manifest (\"{path}\") is not one reportgen "
                            "writes; it is ignored: not trusted, not copied into a zip")
ZIP_ENTRY_SKIPPED = N_("{path} is left out of the zip: {reason}")
_ENTRY_TEXT = ("unit", "period", "format", "path", "sha256", "inputs")


def _checked_entry(entry: object) -> dict | None:
    """A manifest entry as reportgen writes it, or None: codes for unit and period, a
    path "<period>/<unit>.<suffix>" inside the folder, a hash, a size."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in _ENTRY_TEXT):
        return None
    if not isinstance(entry.get("size"), int) or isinstance(entry.get("size"), bool):
        return None
    unit, period, path = entry["unit"], entry["period"], entry["path"]
    if not (safe_paths.is_code(unit) and safe_paths.is_code(period)):
        return None
    prefix = f"{period}/{unit}."
    if not path.startswith(prefix) or "/" in path[len(prefix):]:
        return None
    try:
        if safe_paths.entry_path(path) != path:
            return None
    except SafetyError:
        return None
    return entry


class Manifest:
    """OUT/manifest.json (interface.md §3): one entry per output file.

    Read through the folder without links, bounded (json_bytes, json_depth); a damaged
    manifest costs a full rebuild and a warning, an entry that is not one reportgen
    writes (a planted "../secret") is dropped with a warning. Warnings go to `warnings`
    (Problems; the library prints nothing)."""

    def __init__(self, out: Path, warnings: list[Problem] | None = None, *,
                 limits: Limits | None = None):
        self.out = Path(out)
        self.path = self.out / MANIFEST
        self.entries: dict[str, dict] = {}
        self.warnings = warnings if warnings is not None else []
        if os.path.lexists(self.path):
            self._load(limits or Limits.from_environ())

    def _damaged(self, reason: str) -> None:
        self.entries = {}
        self.warnings.append(Problem.warning(Location(str(self.path)), MANIFEST_DAMAGED, reason=reason))

    def _load(self, limits: Limits) -> None:
        try:
            raw = read_inside(self.out, MANIFEST, max_bytes=limits.json_bytes)
            document = load_json(raw, file=MANIFEST, limits=limits)
        except (SafetyError, OutputError) as error:
            reason = error.describe() if isinstance(error, SafetyError) else error.translated()
            return self._damaged(reason)
        outputs = document.get("outputs") if isinstance(document, dict) else None
        if not isinstance(outputs, list):
            return self._damaged('{"outputs": [...]}')
        for number, entry in enumerate(outputs, 1):
            checked = _checked_entry(entry)
            if checked is None:
                path = entry.get("path") if isinstance(entry, dict) else None
                self.warnings.append(Problem.warning(
                    Location(str(self.path)), MANIFEST_ENTRY_IGNORED, number=number,
                    path=repr(path)[1:-1][:120] if isinstance(path, str) else "?"))
                continue
            self.entries[checked["path"]] = checked

    def by_report(self) -> dict[tuple[str, str], dict[str, dict]]:
        """(unit, period) → format → entry: one pass, so checking 700 reports stays linear."""
        index: dict[tuple[str, str], dict[str, dict]] = {}
        for entry in self.entries.values():
            index.setdefault((entry["unit"], entry["period"]), {})[entry["format"]] = entry
        return index

    def _present(self, entry: dict) -> bool:
        try:
            info = os.lstat(self.out / entry["path"])
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_size == entry.get("size", -1)

    def up_to_date(self, out: Path, unit: str, period: str, key: str, formats: Iterable[str],
                   index: dict[tuple[str, str], dict[str, dict]] | None = None) -> bool:
        wanted = {f.name for f in outputs_of(tuple(formats)) if not f.optional} | {FIGURES}
        found = (index if index is not None else self.by_report()).get((unit, period), {})
        if not wanted <= set(found):
            return False
        return all(found[f]["inputs"] == key and self._present(found[f]) for f in wanted)

    def record(self, unit: str, period: str, path: str, data: bytes, key: str) -> None:
        fmt = FIGURES if path.endswith(FIGURES_SUFFIX) else format_of(path) or path.rsplit(".", 1)[1]
        self.entries[path] = {"unit": unit, "period": period, "format": fmt, "path": path,
                              "sha256": sha256_bytes(data), "size": len(data), "inputs": key}

    def forget(self, unit: str, period: str) -> int:
        """Drop a report's entries; returns how many there were."""
        paths = [p for p, e in self.entries.items() if e["unit"] == unit and e["period"] == period]
        for path in paths:
            del self.entries[path]
        return len(paths)

    def save(self) -> None:
        ordered = sorted(self.entries.values(), key=lambda e: (e["period"], e["unit"], e["format"]))
        document = {"reportgen": __version__, "outputs": ordered}
        write_inside(self.out, MANIFEST,
                     (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())


LOCKED = N_("another build is writing to {out}; wait for it to finish or use another --out")


@contextmanager
def build_lock(out: Path):
    """One build per output folder at a time (a second one is refused, not interleaved).
    The lock file is the tool's own (safety.paths.folder_lock): a link or a foreign file
    planted as OUT/.reportgen.lock is refused, its target never truncated."""
    out = check_folder(out)
    lock = safe_paths.folder_lock(out)
    try:
        lock.__enter__()
    except safe_paths.LockBusyError:
        raise BuildLocked(LOCKED, out=out) from None
    except SafetyError as error:
        raise refused(error) from None
    except OSError as error:
        raise output_error(error, out / safe_paths.LOCK_NAME) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_build_temps(folder: str | os.PathLike | None = None) -> list[Path]:
    """Remove the temporary folders of builds that died (kill -9): only our own names
    (reportgen-build-<pid>-...), our own folders, and only when that pid is gone."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        candidates = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in candidates:
        match = _BUILD_TEMP.fullmatch(entry.name)
        if not match or int(match.group(1)) == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not _alive(int(match.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


@contextmanager
def build_temp() -> Iterator[Path]:
    """The build's one temporary folder, removed on every way out (success, failure,
    Ctrl-C, SIGTERM); a killed build's folder is removed by the next build's sweep."""
    sweep_build_temps()
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{BUILD_TEMP_PREFIX}{os.getpid()}-"))
    except OSError as error:
        raise output_error(error, tempfile.gettempdir()) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class BuildTerminated(KeyboardInterrupt):
    """SIGTERM during a build: unwinds as Ctrl-C does, so the temporary folder is removed
    and the manifest saved; the CLI exits 143."""

    exit_code = 128 + signal.SIGTERM


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    # Only from the main thread, and never over a handler the application set itself.
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def terminated(signum, frame):
        raise BuildTerminated()

    signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _sweep_temps(out: Path) -> None:
    """Temporary files of a build that was killed mid-write (never complete, never
    listed): only the tool's own `.reportgen-<hex>.tmp`, a user's `.draft.tmp` stays."""
    try:
        safe_paths.sweep_temps(out)
    except OSError as error:
        raise output_error(error, out) from None


# ---------------------------------------------------------------- the build

@dataclass
class BuildSummary:
    built: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # a damaged manifest, a planted entry...
    # Reports (built, skipped or failed under strict) whose units below have not all
    # reported: their drafts carry the "Số liệu chưa đủ" line; the caller warns.
    incomplete: list[Completeness] = field(default_factory=list)


def incomplete_reports(dataset: Dataset, book: FigureBook, period: Period,
                       units: list[str]) -> list[Completeness]:
    """The Completeness of each unit of `units` that has figures for the period but whose
    units below have not all reported (and whose totals the settings do not declare final).
    A unit without any figure is left out: its build fails with its own reason."""
    found = []
    for unit in units:
        if book.has_figures(unit, period):
            completeness = book.completeness(unit, period)
            if not completeness.complete:
                found.append(completeness)
    return found


def incomplete_reason(completeness: Completeness) -> str:
    """One line naming what is missing, in the current language."""
    parts = []
    if completeness.missing:
        parts.append(_(N_("{missing}/{children} unit(s) below have no figures: {units}"),
                       missing=len(completeness.missing), children=completeness.children,
                       units=", ".join(f"{u.code} {u.name}" for u in completeness.missing)))
    if completeness.partial:
        parts.append(_(N_("incomplete below: {units}"),
                       units=", ".join(f"{c.unit.code} {c.unit.name} ({len(c.missing)}/{c.children})"
                                       for c in completeness.partial)))
    return "; ".join(parts)


def plan(dataset: Dataset, period: Period, units: list[str], options: BuildOptions) -> list[Task]:
    keys = KeyMaker(dataset, options)
    extra = [Period.parse(options.compare_with)] if options.compare_with else []
    tasks = [Task(u, period.code, keys.key(u, period, extra), 1 + len(descendants(dataset, u)))
             for u in units]
    return sorted(tasks, key=lambda t: (-t.weight, t.unit))


Progress = Callable[[int, int, Outcome], None]
"""progress(done, total, outcome): called once per report, skipped ones included."""


def resolve_templates(dataset: Dataset, options: BuildOptions) -> BuildOptions:
    """Options with the templates decided: the caller's, else the dataset's setting, else
    the shipped ones. A setting that names no folder is a DatasetInvalid."""
    if options.templates is not None:
        return options
    templates, problems = dataset_templates(dataset)
    if problems:
        raise DatasetInvalid(problems)
    return replace(options, templates=templates)


def build(dataset: Dataset, period: Period, units: list[str], out: Path, *,
          options: BuildOptions = BuildOptions(), jobs: int = 1, executor: str = "local",
          force: bool = False, progress: Progress | None = None,
          zip_output: bool = False, tasks_per_worker: int = TASKS_PER_WORKER,
          strict: bool = False) -> BuildSummary:
    """Build one period's reports for `units` into `out`; prints nothing.

    `summary.incomplete` lists the reports built from units below that have not all
    reported (setting `totals_final` declares totals final); with `strict` those reports
    fail instead of being built. A unit with no figure at all for the period fails.

    Reports whose inputs are unchanged since the last build into `out` are skipped; a
    report that fails is listed in `summary.failed` with its reason and the others go on.
    Raises BuildLocked if another build is writing to `out`, InvalidRequest for an
    unknown executor, BuildError if the Dask scheduler cannot be reached, OutputError
    when `out` cannot be written (a file, full, read-only, a planted link, a unit code
    that is not a code): the reports already written stay, and stay listed."""
    if not executor_ok(executor):
        raise InvalidRequest(UNKNOWN_EXECUTOR, executor=executor)
    for unit in units:  # before anything is written, whoever called us
        try:
            output_prefix(unit, period.code)
        except SafetyError as error:
            raise refused(error) from None
    options = resolve_templates(dataset, options)
    out = check_folder(out)
    summary = BuildSummary()
    summary.incomplete = incomplete_reports(dataset, FigureBook(dataset), period, units)
    held_back = {c.unit.code for c in summary.incomplete} if strict else set()

    def report(outcome: Outcome) -> None:
        if progress is not None:
            done = len(summary.built) + len(summary.skipped) + len(summary.failed)
            progress(done, len(units), outcome)

    with _terminate_as_interrupt(), build_lock(out), build_temp() as temp:
        _sweep_temps(out)
        manifest = Manifest(out, summary.warnings)
        index = manifest.by_report()
        todo = []
        for task in plan(dataset, period, units, options):
            if task.unit in held_back:
                completeness = next(c for c in summary.incomplete if c.unit.code == task.unit)
                summary.failed.append(Outcome(task.unit, task.period, "failed", reason=_(
                    N_("the figures are incomplete ({detail}); without --strict the draft says so, or declare the totals final with the setting totals_final"),
                    detail=incomplete_reason(completeness))))
                report(summary.failed[-1])
            elif not force and manifest.up_to_date(out, task.unit, task.period, task.key,
                                                 options.formats, index):
                summary.skipped.append(Outcome(task.unit, task.period, "skipped"))
                report(summary.skipped[-1])
            else:
                todo.append(task)
        writer = _OutcomeWriter(out, manifest, {t.unit: t.key for t in todo})
        try:
            with _closing(run_tasks(todo, dataset, options, jobs=jobs, executor=executor,
                                   tasks_per_worker=tasks_per_worker, temp=temp)) as outcomes:
                for outcome in outcomes:
                    if outcome.status == "built":
                        writer.write(outcome)
                        summary.written += outcome.written
                        summary.built.append(outcome)
                    else:
                        summary.failed.append(outcome)
                    report(outcome)
        except BaseException:
            # Interrupted, or the disk is full: what is already written stays listed.
            try:
                manifest.save()
            except OutputError:
                pass
            raise
        manifest.save()
        if zip_output:
            write_zip(out, period.code, manifest, summary.warnings)
    return summary


@contextmanager
def _closing(outcomes: Iterator[Outcome]) -> Iterator[Iterator[Outcome]]:
    # A pool's generator, closed on the way out: its workers stop before the build's
    # temporary folder (their TMPDIR) is removed.
    try:
        yield outcomes
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()


class _OutcomeWriter:
    """Writes a built report's files and lists them in the manifest, saving it now and then."""

    def __init__(self, out: Path, manifest: Manifest, keys: dict[str, str]):
        self.out, self.manifest, self.keys = out, manifest, keys
        # The first report saves at once: with fast renderers several reports can land
        # within the first interval, and a kill then would leave them unlisted.
        self.last_save = float("-inf")

    def write(self, outcome: Outcome) -> None:
        prefix = output_prefix(outcome.unit, outcome.period) + "."
        if self.manifest.forget(outcome.unit, outcome.period):
            # Unlist the old files before replacing them: the manifest never names a
            # file with another file's hash, even if we are killed now.
            self._save()
        for relative, data in sorted(outcome.files.items()):
            if not relative.startswith(prefix) or "/" in relative[len(prefix):]:
                # A worker (a remote Dask one too) names only its own report's files.
                raise refused(safe_paths.UnsafeNameError(
                    N_("the path \"{path}\" is refused: {reason}"), path=relative,
                    reason=safe_paths.Msg(N_("it is not one of the report's own files"))))
            write_inside(self.out, relative, data)
            self.manifest.record(outcome.unit, outcome.period, relative, data, self.keys[outcome.unit])
            outcome.written.append(relative)
        outcome.files = {}  # the bytes are on disk; don't hold 31 reports in memory
        # Rewritten at most every MANIFEST_INTERVAL seconds (and at the end): a file
        # written but not yet listed is only rebuilt by the next run.
        if time.monotonic() - self.last_save >= MANIFEST_INTERVAL:
            self._save()

    def _save(self) -> None:
        self.manifest.save()
        self.last_save = time.monotonic()


def write_zip(out: Path, period: str, manifest: Manifest,
              warnings: list[Problem] | None = None) -> Path:
    """OUT/<period>.zip: the period's outputs and the manifest, with fixed entry times.
    Every entry name is checked (no "..", no absolute path) and every file read without
    following a link; a listed file that cannot be read is left out with a warning."""
    warnings = manifest.warnings if warnings is None else warnings
    entries: dict[str, bytes] = {}
    for entry in sorted(manifest.entries.values(), key=lambda e: e["path"]):
        if entry["period"] != period:
            continue
        try:
            name = checked_zip_entry_name(entry["path"])
            entries[name] = read_inside(out, name)
        except SafetyError as error:
            warnings.append(Problem.warning(Location(str(out / entry["path"])), ZIP_ENTRY_SKIPPED,
                                            path=entry["path"], reason=error.describe()))
        except OutputError as error:
            warnings.append(Problem.warning(Location(str(out / entry["path"])), ZIP_ENTRY_SKIPPED,
                                            path=entry["path"], reason=error.translated()))
    entries[MANIFEST] = read_inside(out, MANIFEST)
    target = f"{safe_paths.check_code(period, kind='period code')}.zip"
    return write_inside(out, target, deterministic_zip(entries))
