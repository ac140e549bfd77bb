"""The JSON API under /api (issue 12 §7), for IT staff and scripts, and for the pages'
own progress bar (the server-sent events of /api/builds/{id}/events).

Errors are JSON {"error": message} with a 4xx code (app.py turns WebError into it).
The OpenAPI document is /api/openapi.json; /api/docs is a hand-written page that needs
no CDN.
"""
from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field

from reportgen.i18n import N_
from reportgen.web import service
from reportgen.web.app import NOT_FOUND, WebError, request_language
from reportgen.web.jobs import build_files, media_type, resolve_file

router = APIRouter(prefix="/api")


def web(request: Request):
    return request.app.state.web


def dataset_json(record: dict, language: str) -> dict:
    summary = record["summary"]
    return {"id": record["id"], "name": record["name"], "errors": record["errors"],
            "warnings": record["warnings"],
            "problems": [service.describe_problem(p, language) for p in record["problems"]],
            "title": summary["title"], "root": summary["root"],
            "units": summary["units"], "periods": summary["periods"]}


def build_json(web_, record: dict, language: str) -> dict:
    files = build_files(web_.builds.out(record["id"]))
    for entry in files:
        entry["url"] = f"/api/builds/{record['id']}/files/{quote(entry['path'])}"
    reason = record.get("reason")
    return {"id": record["id"], "dataset": record["dataset"], "period": record["period"],
            "units": record["units"], "formats": record["formats"], "status": record["status"],
            "done": record["done"], "total": record["total"], "failed": record["failed"],
            "reason": service.translate(language, reason) if reason else None, "files": files}


def diff_json(record: dict) -> dict:
    base = f"/api/diffs/{record['id']}"
    result = record["result"]
    if record["kind"] == "docx":
        return {"id": record["id"], "kind": "docx", "old": record["old_name"], "new": record["new_name"],
                "changes": result["changes"], "redline_url": f"{base}/redline.docx",
                "html_url": f"{base}/redline.html"}
    return {"id": record["id"], "kind": "builds", "old": result["old"], "new": result["new"],
            "units": result["units"], "unchanged": result["unchanged"],
            "files": [f"{base}/files/{quote(p)}" for p in result["files"]]}


# ---------------------------------------------------------------- datasets

@router.post("/datasets", status_code=201, summary="Upload a dataset (.xlsx or zipped CSV folder)")
def upload_dataset(request: Request, file: UploadFile = File(...)) -> dict:
    record = web(request).add_dataset(file.filename or "", file.file.read())
    return dataset_json(record, request_language(request))


@router.get("/datasets", summary="The stored datasets")
def list_datasets(request: Request) -> list[dict]:
    return web(request).store.datasets()


@router.get("/datasets/{dataset_id}", summary="A dataset: problems, units, periods")
def get_dataset(request: Request, dataset_id: str) -> dict:
    return dataset_json(web(request).dataset(dataset_id), request_language(request))


@router.delete("/datasets/{dataset_id}", status_code=204, summary="Delete a dataset and its builds")
def delete_dataset(request: Request, dataset_id: str) -> Response:
    web(request).delete_dataset(dataset_id)
    return Response(status_code=204)


@router.get("/datasets/{dataset_id}/figures", summary="What `reportgen figures --json` prints")
def get_figures(request: Request, dataset_id: str, period: str, unit: str) -> dict:
    web_ = web(request)
    checked = web_.figures(web_.dataset(dataset_id), unit, period)
    return service.figures_document(checked, unit, period)


class BuildRequest(BaseModel):
    period: str = Field(max_length=40)
    units: list[str] | None = Field(default=None, max_length=10000)
    all: bool = False
    formats: list[str] = Field(default_factory=lambda: list(service.FORMATS), max_length=4)


@router.post("/datasets/{dataset_id}/builds", status_code=202, summary="Start a build")
def start_build(request: Request, dataset_id: str, body: BuildRequest) -> dict:
    if not body.all and not body.units:
        raise WebError(422, N_("say which reports to build: one unit or more, or all"))
    units = None if body.all else body.units
    return {"id": web(request).start_build(dataset_id, body.period, units, body.formats)}


# ---------------------------------------------------------------- builds

@router.get("/builds", summary="Every build")
def list_builds(request: Request) -> list[dict]:
    web_ = web(request)
    return [build_json(web_, web_.build(b["id"]), request_language(request)) for b in web_.store.builds()]


@router.get("/builds/{build_id}", summary="A build's status, progress and files")
def get_build(request: Request, build_id: str) -> dict:
    web_ = web(request)
    return build_json(web_, web_.build(build_id), request_language(request))


@router.post("/builds/{build_id}/resume", status_code=202,
             summary="Start a failed or interrupted build again (finished reports are kept)")
def resume_build(request: Request, build_id: str) -> dict:
    web(request).resume_build(build_id)
    return {"id": build_id}


@router.delete("/builds/{build_id}", status_code=204, summary="Delete a build and its files")
def delete_build(request: Request, build_id: str) -> Response:
    web(request).delete_build(build_id)
    return Response(status_code=204)


def _attachment(name: str) -> dict:
    return {"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


@router.get("/builds/{build_id}/files/{path:path}", summary="One file of a build")
def get_build_file(request: Request, build_id: str, path: str):
    web_ = web(request)
    web_.build(build_id)
    found = resolve_file(web_.builds.out(build_id), path)
    if found is None:
        raise WebError(404, NOT_FOUND)
    return FileResponse(found, media_type=media_type(path), headers=_attachment(found.name))


@router.get("/builds/{build_id}/zip", summary="All files of a finished build as one zip")
def get_build_zip(request: Request, build_id: str):
    web_ = web(request)
    record = web_.build(build_id)
    if web_.builds.is_active(build_id):
        raise WebError(409, N_("this build is running; download it when it has ended"))
    out = web_.builds.out(build_id)
    if not (out / "manifest.json").is_file():
        raise WebError(404, N_("this build has no files"))
    target = service.write_zip(out, record["period"])
    return FileResponse(target, media_type="application/zip",
                        headers=_attachment(f"reportgen-{record['period']}.zip"))


@router.get("/builds/{build_id}/events", summary="Progress as server-sent events")
async def build_events(request: Request, build_id: str):
    web_ = web(request)
    if web_.store.build(build_id) is None:
        raise WebError(404, NOT_FOUND)

    async def stream():
        last = None
        quiet = 0.0
        while True:
            state = web_.builds.state(build_id)
            if state is None:
                return
            event = {key: state[key] for key in ("status", "done", "total")} | {"failed": len(state["failed"])}
            if event != last:
                last = event
                quiet = 0.0
                yield f"event: progress\ndata: {json.dumps(event)}\n\n"
                if event["status"] in ("done", "failed"):
                    return
            elif quiet > 15:
                quiet = 0.0
                yield ": keep-alive\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.25)
            quiet += 0.25

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})


class CompareRequest(BaseModel):
    old: str = Field(max_length=64)
    new: str = Field(max_length=64)


# ---------------------------------------------------------------- review

@router.post("/diffs", status_code=201, summary="Redline two DOCX drafts")
def create_diff(request: Request, old: UploadFile = File(...), new: UploadFile = File(...)) -> dict:
    record = web(request).redline(old.filename or "", old.file.read(), new.filename or "", new.file.read())
    return diff_json(record)


@router.post("/diffs/builds", status_code=201, summary="Compare two builds (figure table of changes)")
def compare_builds(request: Request, body: CompareRequest) -> dict:
    return diff_json(web(request).compare_builds(body.old, body.new))


@router.get("/diffs", summary="Every diff")
def list_diffs(request: Request) -> list[dict]:
    return web(request).store.diffs()


@router.get("/diffs/{diff_id}", summary="A diff")
def get_diff(request: Request, diff_id: str) -> dict:
    return diff_json(web(request).diff(diff_id))


@router.delete("/diffs/{diff_id}", status_code=204, summary="Delete a diff")
def delete_diff(request: Request, diff_id: str) -> Response:
    web(request).delete_diff(diff_id)
    return Response(status_code=204)


@router.get("/diffs/{diff_id}/redline.docx", summary="The tracked-changes DOCX")
def get_redline(request: Request, diff_id: str):
    web_ = web(request)
    record = web_.diff(diff_id)
    if record["kind"] != "docx":
        raise WebError(404, NOT_FOUND)
    stem = record["new_name"].rsplit(".", 1)[0]
    return FileResponse(web_.store.folder("diffs", diff_id) / "redline.docx",
                        media_type=media_type("x.docx"), headers=_attachment(f"{stem}.redline.docx"))


@router.get("/diffs/{diff_id}/redline.html", summary="The redline as one HTML page")
def get_redline_html(request: Request, diff_id: str):
    from reportgen.web.security import DOCUMENT_CSP

    web_ = web(request)
    record = web_.diff(diff_id)
    if record["kind"] != "docx":
        raise WebError(404, NOT_FOUND)
    return FileResponse(web_.store.folder("diffs", diff_id) / "redline.html",
                        media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": DOCUMENT_CSP})


@router.get("/diffs/{diff_id}/files/{path:path}", summary="A file of a build comparison")
def get_diff_file(request: Request, diff_id: str, path: str):
    from reportgen.web.security import DOCUMENT_CSP

    web_ = web(request)
    record = web_.diff(diff_id)
    if record["kind"] != "builds" or path not in record["result"]["files"]:
        raise WebError(404, NOT_FOUND)  # only names the comparison itself wrote
    folder = web_.store.folder("diffs", diff_id).resolve()
    found = (folder / path).resolve()
    if not found.is_relative_to(folder) or not found.is_file() or (folder / path).is_symlink():
        raise WebError(404, NOT_FOUND)
    if found.suffix == ".html":
        return FileResponse(found, media_type="text/html; charset=utf-8",
                            headers={"content-security-policy": DOCUMENT_CSP})
    media = "text/csv; charset=utf-8" if found.suffix == ".csv" else media_type(found.name)
    return FileResponse(found, media_type=media, headers=_attachment(found.name))
