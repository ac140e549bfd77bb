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
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from reportgen import __version__
from reportgen.dataset import CATALOGUE_FILE, Dataset
from reportgen.figures import FigureBook
from reportgen.i18n import N_, _
from reportgen.periods import Period
from reportgen.resources import TEMPLATES_DIR

MANIFEST = "manifest.json"
LOCK_FILE = ".reportgen.lock"
FORMATS = ("docx", "pdf")
# Recycle pool workers: python-docx and WeasyPrint each keep a little memory per
# document in a long-lived process; a fresh worker every N tasks bounds it.
TASKS_PER_WORKER = 40
# Saving the manifest after every report made a 700-unit build quadratic (each save
# writes every entry and fsyncs); once a second keeps a killed build's loss small.
MANIFEST_INTERVAL = 1.0


class BuildError(Exception):
    """The build cannot start (locked output, unknown unit...). Message id + params."""

    def __init__(self, message: str, **params: object):
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = FORMATS
    pdf_variant: str | None = None
    compare_with: str | None = None


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
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes
    reason: str = ""
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the worker process's peak memory so far (benchmarks print it)


# ---------------------------------------------------------------- keys

def _digest(*parts: bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(len(part).to_bytes(8, "big"))
        sha.update(part)
    return sha.hexdigest()


def templates_digest(root: Path = TEMPLATES_DIR) -> str:
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return _digest(*(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in files),
                   CATALOGUE_FILE.read_bytes())


class KeyMaker:
    """Input hashes per (unit, period): the rows of the unit's subtree for the periods the
    report reads, its notes, the units it names, and everything global."""

    def __init__(self, dataset: Dataset, options: BuildOptions):
        self.dataset = dataset
        settings_json = json.dumps(dataset.settings.raw, sort_keys=True, ensure_ascii=False, default=str)
        indicators = json.dumps([vars(i) for i in dataset.indicators.values()], sort_keys=True,
                                ensure_ascii=False)
        self.global_digest = _digest(__version__.encode(), settings_json.encode(), indicators.encode(),
                                     templates_digest().encode(), repr(options).encode())
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

class ReportWorker:
    """Everything one process needs to turn a task into bytes; built once per process."""

    def __init__(self, dataset: Dataset, options: BuildOptions):
        self.dataset = dataset
        self.options = options
        self.book = FigureBook(dataset)
        self._pdf = None

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
        model = compose_report(self.dataset, self.book, unit, period, ComposeOptions(compare_with=compare))
        prefix = f"{period.code}/{unit}"
        files: dict[str, bytes] = {}
        if "docx" in self.options.formats:
            from reportgen.render.docx import render_docx
            from reportgen.render.xlsx import render_appendix_xlsx

            files[f"{prefix}.docx"] = render_docx(model)
            workbook = render_appendix_xlsx(model)
            if workbook is not None:
                files[f"{prefix}.xlsx"] = workbook
        if "pdf" in self.options.formats:
            if self._pdf is None:
                from reportgen.render.pdf import PdfRenderer

                self._pdf = PdfRenderer()
            files[f"{prefix}.pdf"] = self._pdf.render(model, variant=self.options.pdf_variant)
        document = figures_json(self.dataset, self.book, unit, period)
        files[f"{prefix}.figures.json"] = (json.dumps(document, ensure_ascii=False, indent=1,
                                                      sort_keys=True) + "\n").encode()
        return files


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _failure_reason(error: Exception) -> str:
    message = getattr(error, "message", None)
    if message is not None:
        return _(message, **getattr(error, "params", {}))
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

def run_tasks(tasks: list[Task], dataset: Dataset, options: BuildOptions, *, jobs: int,
              executor: str = "local", tasks_per_worker: int = TASKS_PER_WORKER) -> Iterator[Outcome]:
    if not tasks:
        return iter(())
    if executor.startswith("dask://") or executor.startswith("tcp://"):
        return _run_dask(tasks, dataset, options, executor)
    if executor != "local":
        raise BuildError(N_("unknown executor {executor}: use local or dask://HOST:PORT"), executor=executor)
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
    context.set_forkserver_preload(["reportgen.build", "reportgen.compose", "reportgen.render.docx",
                                    "reportgen.render.xlsx", "reportgen.render.pdf"])
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
        raise BuildError(N_("the Dask executor needs the optional extra: pip install 'reportgen[dask]'"))
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

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, fsync, then rename over the target:
    a reader (or a killed build) never sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates 0600; published reports get the usual permissions.
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        wanted = set(formats) | {"figures"}
        found = (index if index is not None else self.by_report()).get((unit, period), {})
        if not wanted <= set(found):
            return False
        return all(found[f]["inputs"] == key and (out / found[f]["path"]).is_file()
                   and (out / found[f]["path"]).stat().st_size == found[f].get("size", -1)
                   for f in wanted)

    def record(self, unit: str, period: str, path: str, data: bytes, key: str) -> None:
        fmt = "figures" if path.endswith(".figures.json") else path.rsplit(".", 1)[1]
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
        raise BuildError(N_("another build is writing to {out}; wait for it to finish or use another --out"),
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


def plan(dataset: Dataset, period: Period, units: list[str], options: BuildOptions) -> list[Task]:
    keys = KeyMaker(dataset, options)
    extra = [Period.parse(options.compare_with)] if options.compare_with else []
    tasks = [Task(u, period.code, keys.key(u, period, extra), 1 + len(dataset.descendants(u)))
             for u in units]
    return sorted(tasks, key=lambda t: (-t.weight, t.unit))


def build(dataset: Dataset, period: Period, units: list[str], out: Path, *,
          options: BuildOptions = BuildOptions(), jobs: int = 1, executor: str = "local",
          force: bool = False, on_outcome: Callable[[Outcome], None] | None = None,
          zip_output: bool = False, tasks_per_worker: int = TASKS_PER_WORKER) -> BuildSummary:
    summary = BuildSummary()
    with build_lock(out):
        # Temporary files of a build that was killed mid-write: never complete, never listed.
        for stale in out.rglob(".*.tmp"):
            stale.unlink(missing_ok=True)
        manifest = Manifest(out)
        tasks = plan(dataset, period, units, options)
        index = manifest.by_report()
        todo = []
        for task in tasks:
            if not force and manifest.up_to_date(out, task.unit, task.period, task.key,
                                                 options.formats, index):
                outcome = Outcome(task.unit, task.period, "skipped")
                summary.skipped.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
            else:
                todo.append(task)
        keys = {t.unit: t.key for t in todo}
        last_save = time.monotonic()
        for outcome in run_tasks(todo, dataset, options, jobs=jobs, executor=executor,
                                 tasks_per_worker=tasks_per_worker):
            if outcome.status == "built":
                if manifest.forget(outcome.unit, outcome.period):
                    # Unlist the old files before replacing them: the manifest never
                    # names a file with another file's hash, even if we are killed now.
                    manifest.save()
                    last_save = time.monotonic()
                for relative, data in sorted(outcome.files.items()):
                    atomic_write(out / relative, data)
                    manifest.record(outcome.unit, outcome.period, relative, data, keys[outcome.unit])
                    summary.written.append(relative)
                # Rewritten at most every MANIFEST_INTERVAL seconds (and at the end): a
                # file written but not yet listed is only rebuilt by the next run.
                if time.monotonic() - last_save >= MANIFEST_INTERVAL:
                    manifest.save()
                    last_save = time.monotonic()
                summary.built.append(outcome)
            else:
                summary.failed.append(outcome)
            outcome.files = {}  # the bytes are on disk; don't hold 31 reports in memory
            if on_outcome:
                on_outcome(outcome)
        manifest.save()
        if zip_output:
            write_zip(out, period.code, manifest)
    return summary


def write_zip(out: Path, period: str, manifest: Manifest) -> Path:
    """OUT/<period>.zip: the period's outputs and the manifest, with fixed entry times."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(manifest.entries.values(), key=lambda e: e["path"]):
            if entry["period"] != period:
                continue
            info = zipfile.ZipInfo(entry["path"], date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (out / entry["path"]).read_bytes())
        info = zipfile.ZipInfo(MANIFEST, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.writestr(info, manifest.path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    target = out / f"{period}.zip"
    atomic_write(target, buffer.getvalue())
    return target


# ---------------------------------------------------------------- the command

def run_build_command(args) -> int:
    from reportgen.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, load_checked, _summary

    dataset, _book, problems, failure = load_checked(args.dataset, strict=args.strict, show_warnings=False)
    if failure is not None:
        print(_summary(problems), file=sys.stderr)
        return failure
    try:
        period = Period.parse(args.period)
    except ValueError:
        raise UsageError(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                         period=args.period)
    if args.compare_with:
        try:
            Period.parse(args.compare_with)
        except ValueError:
            raise UsageError(N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                             period=args.compare_with)
    if args.all:
        units = [dataset.settings.root] + [u.code for u in dataset.descendants(dataset.settings.root)]
    elif args.unit:
        units = list(dict.fromkeys(args.unit))
    else:
        raise UsageError(N_("say which reports to build: --unit CODE (repeatable) or --all"))
    for unit in units:
        if unit not in dataset.units:
            raise UsageError(N_("unknown unit code: {unit} (see the units table)"), unit=unit)
    if period not in dataset.periods():
        print(_(N_("warning: the dataset has no figures for {period}; the reports will hold placeholders only"),
                period=period.code), file=sys.stderr)
    formats = tuple(dict.fromkeys(args.format)) or FORMATS
    # Both formats need the faces: the PDF embeds them, the DOCX measures its rules and
    # draws its chart with them. Fail once, up front, not once per unit.
    from reportgen.fonts import FontMissingError, find_serif_faces

    try:
        find_serif_faces()
    except FontMissingError as error:
        print("reportgen: " + _(N_("the report font is not installed ({detail}). Install it with: sudo apt-get install fonts-liberation2 (or run: scripts/setup.sh)"),
                                detail=str(error)), file=sys.stderr)
        return EXIT_INVALID
    options = BuildOptions(formats=formats, pdf_variant=args.pdf_variant, compare_with=args.compare_with)
    jobs = args.jobs or os.cpu_count() or 1
    reporter = ProgressReporter(len(units))
    started = time.perf_counter()
    try:
        with reporter:
            summary = build(dataset, period, units, args.out, options=options, jobs=jobs,
                            executor=args.executor, force=args.force, on_outcome=reporter.update,
                            zip_output=args.zip)
    except BuildError as error:
        print("reportgen: " + _(error.message, **error.params), file=sys.stderr)
        return EXIT_USAGE if "executor" in error.message else EXIT_INVALID
    elapsed = time.perf_counter() - started
    print(_(N_("{built} built, {skipped} unchanged (skipped), {failed} failed in {seconds} s → {out}"),
            built=len(summary.built), skipped=len(summary.skipped), failed=len(summary.failed),
            seconds=f"{elapsed:.1f}", out=args.out))
    for outcome in sorted(summary.failed, key=lambda o: o.unit):
        print(_(N_("failed: {unit} {period}: {reason}"), unit=outcome.unit, period=outcome.period,
                reason=outcome.reason), file=sys.stderr)
    return EXIT_INVALID if summary.failed else EXIT_OK


class ProgressReporter:
    """A rich progress bar on a terminal; one plain line per unit otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
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

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        labels = {"built": N_("built"), "skipped": N_("unchanged"), "failed": N_("FAILED")}
        if self._progress is not None:
            self._progress.update(self._task, advance=1,
                                  description=f"{outcome.period} {outcome.unit} {_(labels[outcome.status])}")
        else:
            print(f"[{self.done}/{self.total}] {outcome.period} {outcome.unit} {_(labels[outcome.status])}"
                  + (f" ({outcome.seconds:.2f} s)" if outcome.status == "built" else ""), flush=True)
