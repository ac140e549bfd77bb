"""Build reports: plan the tasks, key them by their inputs, run them, write files safely.

One task = one unit's report for one period, in the requested formats. A task's key is
the hash of exactly what that report reads (its subtree's figures and targets, its notes,
the settings, the templates, the reportgen version), so an unchanged report is skipped and
a changed district rebuilds itself and its parents only. Workers (in-process, a process
pool, or a Dask cluster) return bytes; only this process writes files, each to a
temporary name then renamed, and the manifest is rewritten atomically after every task.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reportgen import __version__
from reportgen.dataset import CATALOGUE_FILE, Dataset
from reportgen.errors import BuildError, BuildLocked, DatasetInvalid, InvalidRequest, ReportgenError
from reportgen.figures import Completeness, FigureBook
from reportgen.i18n import N_, _
from reportgen.files import atomic_write, deterministic_zip
from reportgen.periods import Period
from reportgen.render import FORMATS, REQUESTABLE, RenderSettings, format_of, outputs_of
from reportgen.resources import Templates, dataset_templates

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
        units = [self.dataset.units[unit]] + self.dataset.descendants(unit)
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
        prefix = f"{period.code}/{unit}"
        files: dict[str, bytes] = {}
        for fmt in outputs_of(self.options.formats):
            data = fmt.render(model, self.settings)
            if data is not None:
                files[prefix + fmt.suffix] = data
        document = figures_json(self.dataset, self.book, unit, period)
        files[prefix + FIGURES_SUFFIX] = (json.dumps(document, ensure_ascii=False, indent=1,
                                                     sort_keys=True) + "\n").encode()
        return files


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


def _init_pool_worker(payload_path: str) -> None:
    global _worker
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
              executor: str = "local", tasks_per_worker: int = TASKS_PER_WORKER) -> Iterator[Outcome]:
    if not tasks:
        return iter(())
    if executor.startswith("dask://") or executor.startswith("tcp://"):
        return _run_dask(tasks, dataset, options, executor)
    if executor != "local":
        raise InvalidRequest(UNKNOWN_EXECUTOR, executor=executor)
    if jobs <= 1 or len(tasks) == 1:
        worker = ReportWorker(dataset, options)
        return (worker.run(task) for task in tasks)
    return _run_pool(tasks, dataset, options, jobs, tasks_per_worker)


def _run_pool(tasks, dataset, options, jobs, tasks_per_worker) -> Iterator[Outcome]:
    # multiprocessing.Pool, not ProcessPoolExecutor: the latter's max_tasks_per_child
    # deadlocks on Python 3.11-3.13 once a worker retires with tasks still queued
    # (CPython gh-115634); Pool's maxtasksperchild replaces workers reliably.
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    # Heavy imports happen once in the fork server, not in every recycled worker.
    pdf_module = ("reportgen.render.typst_pdf" if dict(engines_for(dataset, options)).get("pdf") == "typst"
                  else "reportgen.render.pdf")
    context.set_forkserver_preload(["reportgen.build", "reportgen.compose", "reportgen.render.docx",
                                    "reportgen.render.xlsx", pdf_module])
    # The dataset goes to workers through a file, not the initializer's arguments: a
    # worker keeps its arguments alive, and each recycled worker would copy them again.
    with tempfile.NamedTemporaryFile(prefix="reportgen-dataset-", suffix=".pickle") as handle:
        pickle.dump((dataset, options), handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        with context.Pool(processes=min(jobs, len(tasks)), initializer=_init_pool_worker,
                          initargs=(handle.name,), maxtasksperchild=tasks_per_worker) as pool:
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


class Manifest:
    """OUT/manifest.json (interface.md §3): one entry per output file."""

    def __init__(self, out: Path):
        self.path = out / MANIFEST
        self.entries: dict[str, dict] = {}
        if self.path.exists():
            try:
                document = json.loads(self.path.read_text(encoding="utf-8"))
                for entry in document.get("outputs", []):
                    self.entries[entry["path"]] = entry
            except (ValueError, KeyError, TypeError):
                self.entries = {}  # a damaged manifest only costs a full rebuild

    def by_report(self) -> dict[tuple[str, str], dict[str, dict]]:
        """(unit, period) → format → entry: one pass, so checking 700 reports stays linear."""
        index: dict[tuple[str, str], dict[str, dict]] = {}
        for entry in self.entries.values():
            index.setdefault((entry["unit"], entry["period"]), {})[entry["format"]] = entry
        return index

    def up_to_date(self, out: Path, unit: str, period: str, key: str, formats: Iterable[str],
                   index: dict[tuple[str, str], dict[str, dict]] | None = None) -> bool:
        wanted = {f.name for f in outputs_of(tuple(formats)) if not f.optional} | {FIGURES}
        found = (index if index is not None else self.by_report()).get((unit, period), {})
        if not wanted <= set(found):
            return False
        return all(found[f]["inputs"] == key and (out / found[f]["path"]).is_file()
                   and (out / found[f]["path"]).stat().st_size == found[f].get("size", -1)
                   for f in wanted)

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
        atomic_write(self.path, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())


@contextmanager
def build_lock(out: Path):
    """One build per output folder at a time (a second one is refused, not interleaved)."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    handle = open(out / LOCK_FILE, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BuildLocked(N_("another build is writing to {out}; wait for it to finish or use another --out"),
                          out=out)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


# ---------------------------------------------------------------- the build

@dataclass
class BuildSummary:
    built: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
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
    tasks = [Task(u, period.code, keys.key(u, period, extra), 1 + len(dataset.descendants(u)))
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
    unknown executor, BuildError if the Dask scheduler cannot be reached."""
    if not executor_ok(executor):
        raise InvalidRequest(UNKNOWN_EXECUTOR, executor=executor)
    options = resolve_templates(dataset, options)
    out = Path(out)
    summary = BuildSummary()
    summary.incomplete = incomplete_reports(dataset, FigureBook(dataset), period, units)
    refused = {c.unit.code for c in summary.incomplete} if strict else set()

    def report(outcome: Outcome) -> None:
        if progress is not None:
            done = len(summary.built) + len(summary.skipped) + len(summary.failed)
            progress(done, len(units), outcome)

    with build_lock(out):
        # Temporary files of a build that was killed mid-write: never complete, never listed.
        for stale in out.rglob(".*.tmp"):
            stale.unlink(missing_ok=True)
        manifest = Manifest(out)
        index = manifest.by_report()
        todo = []
        for task in plan(dataset, period, units, options):
            if task.unit in refused:
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
        for outcome in run_tasks(todo, dataset, options, jobs=jobs, executor=executor,
                                 tasks_per_worker=tasks_per_worker):
            if outcome.status == "built":
                writer.write(outcome)
                summary.written += outcome.written
                summary.built.append(outcome)
            else:
                summary.failed.append(outcome)
            report(outcome)
        manifest.save()
        if zip_output:
            write_zip(out, period.code, manifest)
    return summary


class _OutcomeWriter:
    """Writes a built report's files and lists them in the manifest, saving it now and then."""

    def __init__(self, out: Path, manifest: Manifest, keys: dict[str, str]):
        self.out, self.manifest, self.keys = out, manifest, keys
        self.last_save = time.monotonic()

    def write(self, outcome: Outcome) -> None:
        if self.manifest.forget(outcome.unit, outcome.period):
            # Unlist the old files before replacing them: the manifest never names a
            # file with another file's hash, even if we are killed now.
            self._save()
        for relative, data in sorted(outcome.files.items()):
            atomic_write(self.out / relative, data)
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


def write_zip(out: Path, period: str, manifest: Manifest) -> Path:
    """OUT/<period>.zip: the period's outputs and the manifest, with fixed entry times."""
    entries = {entry["path"]: (out / entry["path"]).read_bytes()
               for entry in sorted(manifest.entries.values(), key=lambda e: e["path"])
               if entry["period"] == period}
    entries[MANIFEST] = manifest.path.read_bytes()
    buffer = deterministic_zip(entries)
    target = out / f"{period}.zip"
    atomic_write(target, buffer)
    return target
