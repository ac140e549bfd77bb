"""The server-side pages (Jinja2, reportgen/templates/web/*.html.j2), Vietnamese by
default and English with the language switch. Every page and form works without
JavaScript; the one script (static/progress.js) only makes the build progress live,
and without it the build page refreshes itself (<noscript> meta refresh).
"""
from __future__ import annotations

import time
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from reportgen.i18n import N_
from reportgen.web import service
from reportgen.web.app import NOT_FOUND, WebError, request_language
from reportgen.web.jobs import build_files
from reportgen.web.security import CSRF_COOKIE, DOCUMENT_CSP, SESSION_COOKIE, SESSION_SECONDS

router = APIRouter()
BAD_CSRF = N_("the form has expired or did not come from this app; open the page again and resend it")
WRONG_PASSWORD = N_("wrong password")

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(service.web_templates())),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _when(timestamp: float | None) -> str:
    return "" if not timestamp else time.strftime("%d/%m/%Y %H:%M", time.localtime(timestamp))


_environment.filters["when"] = _when
_environment.filters["urlquote"] = lambda text: quote(str(text), safe="")


def web(request: Request):
    return request.app.state.web


def render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    language = request_language(request)
    guard = request.app.state.guard
    csrf_cookie = request.scope.get("state", {}).get("csrf_cookie") or request.cookies.get(CSRF_COOKIE, "")

    def translate(message: str, **params) -> str:
        return service.translate(language, message, **params)

    page = _environment.get_template(template).render(
        _=translate, lang=language, csrf=guard.csrf_token(csrf_cookie), signed_in=guard.enabled,
        path=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **context)
    return HTMLResponse(page, status_code=status)


def error_page(request: Request, status: int, text: str, extra: dict) -> HTMLResponse:
    return render(request, "error.html.j2", status=status, status_code=status, message=text,
                  problems=extra.get("problems", []))


def check_csrf(request: Request, token: str) -> None:
    cookie = request.scope.get("state", {}).get("csrf_cookie")
    # The cookie must have come with the request: a token minted for a fresh cookie in
    # this very response proves nothing.
    if request.cookies.get(CSRF_COOKIE) != cookie or not request.app.state.guard.csrf_ok(cookie, token):
        raise WebError(403, BAD_CSRF)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _local(target: str | None) -> str:
    """Only paths of this app: no //host or scheme, so /lang and /login cannot redirect away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ---------------------------------------------------------------- session, language

@router.get("/login")
def login_page(request: Request, next: str = "/"):
    return render(request, "login.html.j2", next=_local(next), failed=False)


@router.post("/login")
def login(request: Request, password: str = Form(""), next: str = Form("/"), csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    guard = request.app.state.guard
    if not guard.enabled:
        return see_other(_local(next))
    if not guard.password_ok(password):
        time.sleep(0.5)  # slows down guessing; the page says why
        return render(request, "login.html.j2", status=401, next=_local(next), failed=True)
    response = see_other(_local(next))
    response.set_cookie(SESSION_COOKIE, guard.new_session(), max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang")
def switch_language(to: str = "vi", next: str = "/"):
    response = see_other(_local(next))
    response.set_cookie("rg_lang", "en" if to == "en" else "vi", max_age=365 * 86400, samesite="lax")
    return response


# ---------------------------------------------------------------- home, datasets

@router.get("/")
def home(request: Request):
    web_ = web(request)
    datasets = {d["id"]: d for d in web_.store.datasets()}
    return render(request, "index.html.j2", datasets=list(datasets.values()),
                  builds=[web_.build(b["id"]) for b in web_.store.builds()], names=datasets,
                  diffs=web_.store.diffs(), max_mb=web_.settings.max_upload // (1024 * 1024))


@router.get("/downloads/{name}")
def download_workbook(request: Request, name: str):
    makers = {"mau-trong.xlsx": service.blank_workbook, "mau-ha-noi.xlsx": service.sample_workbook}
    if name not in makers:
        raise WebError(404, NOT_FOUND)
    cache = web(request).store.root / "tmp" / name
    if not cache.is_file():
        scratch = web(request).store.scratch()
        makers[name](scratch / name)
        (scratch / name).replace(cache)
        scratch.rmdir()
    return FileResponse(cache, media_type=service_media("xlsx"),
                        headers={"content-disposition": f"attachment; filename={name}"})


def service_media(ext: str) -> str:
    from reportgen.web.jobs import media_type

    return media_type(f"x.{ext}")


@router.post("/datasets")
def upload_dataset(request: Request, file: UploadFile = File(None), csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    if file is None:
        raise WebError(422, N_("choose a file to upload"))
    record = web(request).add_dataset(file.filename or "", file.file.read())
    return see_other(f"/datasets/{record['id']}")


@router.get("/datasets/{dataset_id}")
def dataset_page(request: Request, dataset_id: str):
    web_ = web(request)
    record = web_.dataset(dataset_id)
    language = request_language(request)
    return render(request, "dataset.html.j2", dataset=record,
                  problems=[service.describe_problem(p, language) for p in record["problems"]],
                  builds=[web_.build(b["id"]) for b in web_.store.builds(dataset_id)])


@router.post("/datasets/{dataset_id}/delete")
def delete_dataset(request: Request, dataset_id: str, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    web(request).delete_dataset(dataset_id)
    return see_other("/")


@router.get("/datasets/{dataset_id}/figures")
def figures_page(request: Request, dataset_id: str, unit: str = "", period: str = ""):
    web_ = web(request)
    record = web_.dataset(dataset_id)
    summary = record["summary"]
    unit = unit or (summary["root"] or "")
    period = period or (summary["periods"][-1]["code"] if summary["periods"] else "")
    checked = web_.figures(record, unit, period)
    unit_name = checked.dataset.units[unit].name
    return render(request, "figures.html.j2", dataset=record, unit=unit, unit_name=unit_name,
                  period=period, period_label=service.parse_period(period).label,
                  rows=service.figures_table(checked, unit, period),
                  same_year=service.parse_period(period).year - 1)


@router.post("/datasets/{dataset_id}/builds")
async def start_build(request: Request, dataset_id: str):
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    units = None if form.get("all") else [str(u) for u in form.getlist("units")]
    formats = [str(f) for f in form.getlist("formats")]
    period = str(form.get("period", ""))
    from starlette.concurrency import run_in_threadpool

    build_id = await run_in_threadpool(web(request).start_build, dataset_id, period, units, formats)
    return see_other(f"/builds/{build_id}")


# ---------------------------------------------------------------- builds

@router.get("/builds/{build_id}")
def build_page(request: Request, build_id: str):
    web_ = web(request)
    record = web_.build(build_id)
    dataset = web_.store.dataset(record["dataset"])
    files = build_files(web_.builds.out(build_id))
    reports = sorted({f["path"].split("/")[1].split(".")[0] for f in files})
    names = {u["code"]: u["name"] for u in dataset["summary"]["units"]} if dataset else {}
    percent = int(100 * record["done"] / record["total"]) if record["total"] else 0
    return render(request, "build.html.j2", build=record, dataset=dataset, files=files,
                  reports=reports, names=names, percent=percent,
                  reason=service.translate(request_language(request), record["reason"]) if record["reason"] else "")


@router.get("/builds/{build_id}/html/{unit}")
def report_preview(request: Request, build_id: str, unit: str):
    web_ = web(request)
    record = web_.build(build_id)
    dataset = web_.store.dataset(record["dataset"])
    if dataset is None:
        raise WebError(404, NOT_FOUND)
    checked = web_.figures(dataset, unit, record["period"])
    page = service.report_html(checked, unit, record["period"])
    return HTMLResponse(page, headers={"content-security-policy": DOCUMENT_CSP})


@router.post("/builds/{build_id}/resume")
def resume_build(request: Request, build_id: str, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    web(request).resume_build(build_id)
    return see_other(f"/builds/{build_id}")


@router.post("/builds/{build_id}/delete")
def delete_build(request: Request, build_id: str, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    record = web(request).build(build_id)
    web(request).delete_build(build_id)
    return see_other(f"/datasets/{record['dataset']}")


# ---------------------------------------------------------------- review

@router.get("/review")
def review_page(request: Request):
    web_ = web(request)
    datasets = {d["id"]: d for d in web_.store.datasets()}
    builds = [b for b in web_.store.builds() if b["status"] in ("done", "failed")]
    return render(request, "review.html.j2", builds=builds, names=datasets, diffs=web_.store.diffs())


@router.post("/review/drafts")
def redline_drafts(request: Request, old: UploadFile = File(None), new: UploadFile = File(None),
                   csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    if old is None or new is None:
        raise WebError(422, N_("choose the two drafts: the old one and the new one"))
    record = web(request).redline(old.filename or "", old.file.read(), new.filename or "", new.file.read())
    return see_other(f"/diffs/{record['id']}")


@router.post("/review/builds")
def compare_builds(request: Request, old: str = Form(""), new: str = Form(""), csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    record = web(request).compare_builds(old, new)
    return see_other(f"/diffs/{record['id']}")


@router.get("/diffs/{diff_id}")
def diff_page(request: Request, diff_id: str):
    return render(request, "diff.html.j2", diff=web(request).diff(diff_id))


@router.post("/diffs/{diff_id}/delete")
def delete_diff(request: Request, diff_id: str, csrf_token: str = Form("")):
    check_csrf(request, csrf_token)
    web(request).delete_diff(diff_id)
    return see_other("/review")


# ---------------------------------------------------------------- API docs

@router.get("/api/docs")
def api_docs(request: Request):
    """The endpoints from the app's own OpenAPI document, on a page without any CDN."""
    schema = request.app.openapi()
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            endpoints.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                              "parameters": [p["name"] for p in operation.get("parameters", [])]})
    return render(request, "apidocs.html.j2", endpoints=endpoints)


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)
