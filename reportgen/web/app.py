"""`create_app(settings)`: the FastAPI application behind `reportgen serve`.

The pages (pages.py) and the JSON API (api.py) share one `Web` object: the store, the
build manager, a small cache of validated datasets, and the actions both of them offer
(upload a dataset, start a build, redline two drafts, compare two builds). Errors are
`WebError(status, message id, params)`: JSON `{"error": ...}` under /api, a page
elsewhere, translated into the request's language, never a stack trace.
"""
from __future__ import annotations

import logging
import re
import shutil
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from reportgen.i18n import N_
from reportgen.web import service
from reportgen.web.jobs import BuildManager
from reportgen.web.security import (
    ConfigError, Guard, SecurityMiddleware, allowed_hosts, is_loopback, load_secret,
)
from reportgen.web.store import Store, new_id

log = logging.getLogger("reportgen.web")
WEB_DIR = Path(__file__).parent
DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024

MESSAGES = {
    "too_large": N_("the upload is larger than the limit of {limit} MB"),
    "login_required": N_("log in first: this server needs a password"),
    "cross_site": N_("this request came from another web site and was refused"),
    "wrong_host": N_("this server answers only to the address it was started on (127.0.0.1 or localhost)"),
    400: N_("the request is not understood"),
    404: N_("not found: the link is wrong or the item was deleted"),
    405: N_("this address does not take this kind of request"),
    500: N_("internal error; the server log has the details"),
}
NOT_A_DATASET = N_("this file is no dataset: upload an .xlsx workbook or a zipped CSV dataset folder")
EMPTY_UPLOAD = N_("the file is empty")
NOT_FOUND = MESSAGES[404]


@dataclass
class Settings:
    data: Path
    host: str = "127.0.0.1"
    password: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    build_workers: int = 1  # builds at the same time; each uses `jobs` processes
    jobs: int | None = None
    # Processes that parse and validate uploads. Parsing a workbook is a second of pure
    # Python: in the server's own interpreter it would hold the GIL against every page
    # request. 0 checks in the request's thread (the tests' default: no process start-up).
    check_workers: int = 2


class WebError(Exception):
    def __init__(self, status: int, message: str, *, extra: dict | None = None, fix: str | None = None,
                 **params: object):
        super().__init__(message)
        self.status = status
        self.message = message
        self.params = params
        self.extra = extra or {}
        self.fix = fix

    @classmethod
    def rejected(cls, error: service.UploadRejected) -> "WebError":
        return cls(422, error.message, fix=error.fix, **error.params)


def request_language(request: Request) -> str:
    query = request.query_params.get("lang")
    if query in ("vi", "en"):
        return query
    return "en" if request.cookies.get("rg_lang") == "en" else "vi"


class Web:
    """What the pages and the API do, over the store and the build manager."""

    CACHE_SIZE = 8

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = Store(settings.data)
        self.builds = BuildManager(self.store, workers=settings.build_workers, jobs=settings.jobs)
        self._cache: OrderedDict[str, service.Checked] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._load_locks: dict[str, threading.Lock] = {}
        self._checker = None
        if settings.check_workers:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._checker = ProcessPoolExecutor(max_workers=settings.check_workers,
                                                mp_context=multiprocessing.get_context("spawn"))

    def check(self, path: Path) -> service.Checked:
        if self._checker is None:
            return service.check_dataset(path)
        import pickle

        return pickle.loads(self._checker.submit(service.check_dataset_pickled, str(path)).result())

    # ------------------------------------------------------------ datasets

    def dataset(self, dataset_id: str) -> dict:
        record = self.store.dataset(dataset_id)
        if record is None:
            raise WebError(404, NOT_FOUND)
        return record

    def checked(self, record: dict) -> service.Checked:
        """The loaded, validated dataset, cached: a preview must not re-read a workbook."""
        dataset_id = record["id"]
        with self._cache_lock:
            if dataset_id in self._cache:
                self._cache.move_to_end(dataset_id)
                return self._cache[dataset_id]
            lock = self._load_locks.setdefault(dataset_id, threading.Lock())
        with lock:
            with self._cache_lock:
                if dataset_id in self._cache:
                    return self._cache[dataset_id]
            checked = self.check(self.store.dataset_path(record))
            with self._cache_lock:
                self._cache[dataset_id] = checked
                while len(self._cache) > self.CACHE_SIZE:
                    self._cache.popitem(last=False)
                self._load_locks.pop(dataset_id, None)
        return checked

    def add_dataset(self, filename: str, data: bytes) -> dict:
        name = Path((filename or "dataset").replace("\\", "/")).name[:120] or "dataset"
        if not data:
            raise WebError(422, EMPTY_UPLOAD)
        if not data.startswith(b"PK"):
            raise WebError(422, NOT_A_DATASET)
        dataset_id = new_id()
        folder = self.store.folder("datasets", dataset_id)
        folder.mkdir()
        try:
            try:
                names = set(service.check_archive(data, name))
                if "xl/workbook.xml" in names:
                    # Kept under the clerk's own file name: the problems name the file.
                    safe = re.match(r"^[\w][\w .,()+-]{0,100}\.xlsx$", name, re.IGNORECASE)
                    relative, kind = (name if safe else "dataset.xlsx"), "xlsx"
                    (folder / relative).write_bytes(data)
                    path = folder / relative
                else:
                    kind = "csv"
                    path = service.extract_csv_folder(data, folder / "dataset", name)
                    relative = path.relative_to(folder.resolve()).as_posix()
            except service.UploadRejected as error:
                raise WebError.rejected(error)
            checked = self.check(path)
            records = service.sort_records([service.problem_record(p) for p in checked.problems])
            if checked.dataset is None:
                raise WebError(422, NOT_A_DATASET, extra={"problems": records})
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        errors = sum(r["severity"] == "error" for r in records)
        self.store.add_dataset(dataset_id, name, kind, relative, errors, len(records) - errors,
                               service.dataset_summary(checked), records)
        with self._cache_lock:
            self._cache[dataset_id] = checked
        return self.store.dataset(dataset_id)

    def delete_dataset(self, dataset_id: str) -> None:
        self.dataset(dataset_id)
        builds = self.store.builds(dataset_id)
        if any(self.builds.is_active(b["id"]) for b in builds):
            raise WebError(409, N_("a build of this dataset is running; delete it when the build has ended"))
        for build in builds:
            self.store.delete_build(build["id"])
        with self._cache_lock:
            self._cache.pop(dataset_id, None)
        self.store.delete_dataset(dataset_id)

    def figures(self, record: dict, unit: str, period: str) -> service.Checked:
        checked = self.checked(record)
        if checked.dataset is None:
            raise WebError(422, N_("the dataset could not be read; see its problems"))
        if unit not in checked.dataset.units:
            raise WebError(422, N_("unknown unit code: {unit} (see the units table)"), unit=unit[:40])
        if service.parse_period(period) is None:
            raise WebError(422, N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                           period=period[:40])
        return checked

    # ------------------------------------------------------------ builds

    def start_build(self, dataset_id: str, period: str, units: list[str] | None, formats: list[str]) -> str:
        record = self.dataset(dataset_id)
        if record["errors"]:
            raise WebError(422, N_("the dataset has errors; correct them and upload it again"))
        checked = self.checked(record)
        if service.parse_period(period or "") is None:
            raise WebError(422, N_("not a period code: {period} (write 2023-H1, 2023-9M, 2023-Y or 2023-Q3)"),
                           period=(period or "")[:40])
        formats = list(dict.fromkeys(formats or service.FORMATS))
        if not formats or any(f not in service.FORMATS for f in formats):
            raise WebError(422, N_("formats are docx and pdf"))
        if units is None:
            total = len(service.root_and_descendants(checked.dataset))
        else:
            units = list(dict.fromkeys(units))
            if not units:
                raise WebError(422, N_("say which reports to build: one unit or more, or all"))
            for unit in units:
                if unit not in checked.dataset.units or not service.CODE.match(unit):
                    raise WebError(422, N_("unknown unit code: {unit} (see the units table)"), unit=unit[:40])
            total = len(units)
        build_id = new_id()
        self.store.add_build(build_id, dataset_id, period, units, formats, total)
        self.builds.submit(build_id, self.store.dataset_path(record), period, units, formats, total)
        return build_id

    def build(self, build_id: str) -> dict:
        record = self.store.build(build_id)
        if record is None:
            raise WebError(404, NOT_FOUND)
        state = self.builds.state(build_id) or {}
        record.update(state)
        return record

    def resume_build(self, build_id: str) -> None:
        """Run a failed or interrupted build again into its own folder: the library skips
        every report already there with the same inputs, so only the rest is made."""
        record = self.build(build_id)
        if self.builds.is_active(build_id) or record["status"] != "failed":
            raise WebError(409, N_("only a failed or interrupted build can be started again"))
        dataset = self.dataset(record["dataset"])
        self.store.update_build(build_id, status="queued", done=0, failed=[], reason=None, finished=None)
        self.builds.submit(build_id, self.store.dataset_path(dataset), record["period"], record["units"],
                           record["formats"], record["total"])

    def delete_build(self, build_id: str) -> None:
        self.build(build_id)
        if self.builds.is_active(build_id):
            raise WebError(409, N_("this build is running; delete it when it has ended"))
        self.store.delete_build(build_id)

    # ------------------------------------------------------------ review

    def redline(self, old_name: str, old: bytes, new_name: str, new: bytes) -> dict:
        old_name = Path(old_name or "old.docx").name[:120]
        new_name = Path(new_name or "new.docx").name[:120]
        if not old or not new:
            raise WebError(422, EMPTY_UPLOAD)
        try:
            result = service.redline_drafts(old, new, old_name, new_name)
        except service.UploadRejected as error:
            raise WebError.rejected(error)
        diff_id = new_id()
        folder = self.store.folder("diffs", diff_id)
        folder.mkdir()
        (folder / "old.docx").write_bytes(old)
        (folder / "new.docx").write_bytes(new)
        (folder / "redline.docx").write_bytes(result.docx)
        (folder / "redline.html").write_text(result.html, encoding="utf-8")
        self.store.add_diff(diff_id, "docx", old_name, new_name, {"changes": result.changes})
        return self.store.diff(diff_id)

    def compare_builds(self, old_id: str, new_id_: str) -> dict:
        old, new = self.build(old_id), self.build(new_id_)
        for record in (old, new):
            if self.builds.is_active(record["id"]):
                raise WebError(409, N_("this build is running; compare it when it has ended"))
        diff_id = new_id()
        folder = self.store.folder("diffs", diff_id)
        try:
            result = service.compare_builds(self.builds.out(old["id"]), self.builds.out(new["id"]), folder)
        except service.UploadRejected as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise WebError.rejected(error)
        folder.mkdir(exist_ok=True)
        label = "{period} · {units}"
        names = [label.format(period=r["period"], units=", ".join(r["units"] or ["*"])[:60]) for r in (old, new)]
        self.store.add_diff(diff_id, "builds", names[0], names[1],
                            result | {"old": old["id"], "new": new["id"]})
        return self.store.diff(diff_id)

    def diff(self, diff_id: str) -> dict:
        record = self.store.diff(diff_id)
        if record is None:
            raise WebError(404, NOT_FOUND)
        return record

    def delete_diff(self, diff_id: str) -> None:
        self.diff(diff_id)
        self.store.delete_diff(diff_id)

    def close(self) -> None:
        self.builds.shutdown()
        if self._checker is not None:
            self._checker.shutdown(wait=True, cancel_futures=True)


def create_app(settings: Settings) -> FastAPI:
    """The app for these settings. Refuses (ConfigError) to serve anything but loopback
    without a password."""
    if not is_loopback(settings.host) and not settings.password:
        raise ConfigError(N_("refusing to listen on {host} without a password: set one with "
                             "--password-file FILE or REPORTGEN_PASSWORD (or listen on 127.0.0.1)"),
                          host=settings.host)
    settings.data = Path(settings.data)
    settings.data.mkdir(parents=True, exist_ok=True)
    web = Web(settings)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        web.close()

    app = FastAPI(title="reportgen", version=_version(), lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.web = web
    guard = Guard(load_secret(settings.data), settings.password)
    app.state.guard = guard

    from reportgen.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")

    def message(language: str, key) -> str:
        return service.translate(language, MESSAGES.get(key, MESSAGES[500]),
                                 limit=settings.max_upload // (1024 * 1024))

    def error_response(request: Request, status: int, text: str, extra: dict | None = None):
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": text, **(extra or {})}, status_code=status)
        return pages.error_page(request, status, text, extra or {})

    @app.exception_handler(WebError)
    async def web_error(request: Request, error: WebError):
        language = request_language(request)
        text = service.translate(language, error.message, **error.params)
        if error.fix:
            params = error.fix.params if isinstance(error.fix, service.Deferred) else error.params
            text += " " + service.translate(language, N_("Fix: {fix}"),
                                            fix=service.translate(language, str(error.fix), **params))
        extra = dict(error.extra)
        if "problems" in extra:
            extra["problems"] = [service.describe_problem(r, language) for r in extra["problems"]]
        return error_response(request, error.status, text, extra)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        language = request_language(request)
        key = error.status_code if error.status_code in MESSAGES else 400
        text = service.translate(language, MESSAGES[key]) if not isinstance(error.detail, str) or \
            error.status_code in MESSAGES else error.detail
        return error_response(request, error.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        language = request_language(request)
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in error.errors()})
        text = service.translate(language, N_("missing or invalid: {fields}"), fields=", ".join(fields) or "?")
        return error_response(request, 422, text)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, message(request_language(request), 500))

    app.add_middleware(SecurityMiddleware, guard=guard, max_upload=settings.max_upload, messages=message,
                       hosts=allowed_hosts(settings.host, settings.password))
    return app


def _version() -> str:
    from reportgen import __version__

    return __version__
