"""Builds in the background, so the server keeps answering while reports are made.

A small thread pool runs the queued builds (one at a time by default); each build runs
in its own child process (spawned, not forked from a threaded server), which uses the
library's process pool for several units. The child only reports progress through a
queue: the WeasyPrint work and its memory never touch the server's interpreter, and a
page request never waits for the GIL behind a PDF.

Files are written by the library as it always does (temporary name, then rename), so a
build folder holds only complete reports at any moment. If the server stops mid-build
(restart, crash, kill), the next start marks every build still "queued" or "running" as
failed with the reason, and lists the reports that were finished: nothing is lost.
Starting that build again (resume) builds into the same folder, where the library's
incremental build skips every finished report.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import re
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reportgen.i18n import N_
from reportgen.web import service
from reportgen.web.store import Store

INTERRUPTED = N_("the server stopped during this build; the finished reports are kept, start the build again for the rest")
CRASHED = N_("the build process stopped unexpectedly (exit code {code})")
_FILE = re.compile(r"^[A-Za-z0-9_-]{1,32}/[A-Za-z0-9_-]{1,32}\.(docx|pdf|xlsx|figures\.json)$")
_MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}


def _child(dataset_path: str, period: str, units, formats, out: str, jobs: int, events) -> None:
    """The build process: progress and the end go to `events`; stops if the server dies."""
    parent = os.getppid()
    # SIGTERM (server shutdown) unwinds the build, so its worker pool is terminated too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def watch_parent() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:  # the server is gone: nobody will read our files' state
                os._exit(3)

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        result = service.run_build(Path(dataset_path), period, units, formats, Path(out), jobs,
                                   lambda done, total, unit, status, reason:
                                   events.put(("progress", done, total, unit, status, reason)))
    except service.UploadRejected as error:
        events.put(("failed", service.translate("vi", error.message, **error.params)))
    except Exception as error:  # noqa: BLE001 - told to the page, never a traceback
        events.put(("failed", f"{type(error).__name__}: {error}"))
    else:
        events.put(("done", result))


_DIGESTS: dict[tuple[str, int, int], str] = {}  # (path, mtime_ns, size) → sha256


def _sha256(path: Path, info) -> str:
    key = (str(path), info.st_mtime_ns, info.st_size)
    digest = _DIGESTS.get(key)
    if digest is None:
        # A build page is polled while 31 PDFs land: hash each file once, not per request.
        digest = _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        if len(_DIGESTS) > 20000:
            _DIGESTS.clear()
    return digest


def build_files(out: Path) -> list[dict]:
    """The complete reports in a build folder, whatever the manifest says: a file is
    only ever renamed into place whole, and temporary names start with a dot."""
    files = []
    if not out.is_dir():
        return files
    for path in sorted(out.glob("*/*")):
        relative = path.relative_to(out).as_posix()
        if path.is_symlink() or not path.is_file() or not _FILE.match(relative):
            continue
        info = path.stat()
        files.append({"path": relative, "size": info.st_size, "sha256": _sha256(path, info)})
    return files


def resolve_file(out: Path, relative: str) -> Path | None:
    """`relative` inside `out`, if it is one of the files `build_files` lists."""
    if not _FILE.match(relative or ""):
        return None
    path = out / relative
    if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(out.resolve()):
        return None
    return path


def media_type(relative: str) -> str:
    return _MIME.get(relative.rsplit(".", 1)[-1], "application/octet-stream")


class BuildManager:
    def __init__(self, store: Store, *, workers: int = 1, jobs: int | None = None):
        self.store = store
        self.jobs = jobs or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reportgen-build")
        self._live: dict[str, dict] = {}  # build id → progress, while it runs
        self._children: dict[str, multiprocessing.Process] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self.recover()

    def out(self, build_id: str) -> Path:
        return self.store.folder("builds", build_id) / "out"

    def recover(self) -> None:
        """Builds a previous server left unfinished: failed, with the reason."""
        for record in self.store.unfinished_builds():
            done = len({f["path"].rsplit(".", 1)[0] for f in build_files(self.out(record["id"]))
                        if not f["path"].endswith(".figures.json")})
            self.store.update_build(record["id"], status="failed", reason=INTERRUPTED,
                                    done=min(done, record["total"]), finished=time.time())

    def submit(self, build_id: str, dataset_path: Path, period: str, units: list[str] | None,
               formats: list[str], total: int) -> None:
        with self._lock:
            self._live[build_id] = {"status": "queued", "done": 0, "total": total, "failed": [],
                                    "reason": None}
        self._pool.submit(self._run, build_id, dataset_path, period, units, formats)

    def state(self, build_id: str) -> dict | None:
        with self._lock:
            live = self._live.get(build_id)
            if live is not None:
                return dict(live)
        record = self.store.build(build_id)
        if record is None:
            return None
        return {key: record[key] for key in ("status", "done", "total", "failed", "reason")}

    def is_active(self, build_id: str) -> bool:
        with self._lock:
            return build_id in self._live

    def _set(self, build_id: str, **fields) -> None:
        # The row first: whoever sees the live state "done" also finds it in SQLite.
        self.store.update_build(build_id, **fields)
        with self._lock:
            self._live[build_id].update(fields)

    def _run(self, build_id: str, dataset_path: Path, period: str, units, formats) -> None:
        if self._stopping:
            return
        out = self.out(build_id)
        out.mkdir(parents=True, exist_ok=True)
        self._set(build_id, status="running")
        context = multiprocessing.get_context("spawn")
        events = context.Queue()
        child = context.Process(target=_child, name=f"reportgen-build-{build_id[:8]}",
                                args=(str(dataset_path), period, units, formats, str(out), self.jobs, events))
        child.start()
        with self._lock:
            self._children[build_id] = child
        failed: list[dict] = []
        final = None
        try:
            while final is None:
                try:
                    event = events.get(timeout=0.5)
                except queue.Empty:
                    if not child.is_alive():
                        # It may have put its last event just before exiting.
                        try:
                            event = events.get(timeout=0.5)
                        except queue.Empty:
                            final = ("crashed", child.exitcode)
                            break
                    else:
                        continue
                kind = event[0]
                if kind == "progress":
                    _kind, done, total, unit, status, reason = event
                    if status == "failed":
                        failed.append({"unit": unit, "reason": reason})
                    self._set(build_id, done=done, total=total, failed=failed)
                else:
                    final = event
            child.join(timeout=10)
        finally:
            with self._lock:
                self._children.pop(build_id, None)
        if self._stopping:
            return  # shutdown() marks it; the next start would too
        kind = final[0]
        if kind == "done":
            failed = final[1]["failed"]
            self._set(build_id, status="failed" if failed else "done", failed=failed, finished=time.time())
        elif kind == "failed":
            self._set(build_id, status="failed", reason=final[1], finished=time.time())
        else:
            self._set(build_id, status="failed", reason=service.translate("vi", CRASHED, code=final[1]),
                      finished=time.time())
        with self._lock:
            self._live.pop(build_id, None)

    def shutdown(self) -> None:
        """Stop the children; their builds are marked as interrupted (files are kept)."""
        self._stopping = True
        with self._lock:
            children = list(self._children.items())
        for _build_id, child in children:
            child.terminate()
        for _build_id, child in children:
            child.join(timeout=20)
            if child.is_alive():  # stuck: the files on disk are whole either way
                child.kill()
                child.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.recover()
        with self._lock:
            self._live.clear()
