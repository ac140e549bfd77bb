"""The server-side pages, the forms' CSRF tokens, the password, the security headers."""
from __future__ import annotations

import base64

import pytest

from reportgen.cli import main
from reportgen.web.app import Settings, create_app
from reportgen.web.security import ConfigError
from tests.web.conftest import csrf_of, make_client, wait_for_build
from tests.web.helpers import NEW_DRAFT, OLD_DRAFT, draft, planted_error


def upload_form(client, data: bytes, name="hanoi.xlsx", token=None):
    fields = {} if token is None else {"csrf_token": token}
    return client.post("/datasets", files={"file": (name, data)}, data=fields, follow_redirects=False)


def test_the_home_page_offers_upload_and_the_two_workbooks(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="vi"' in page.text
    assert "Tải lên bộ dữ liệu" in page.text and 'enctype="multipart/form-data"' in page.text
    for name in ("mau-trong.xlsx", "mau-ha-noi.xlsx"):
        workbook = client.get(f"/downloads/{name}")
        assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    assert client.get("/downloads/..%2Freportgen-web.sqlite3").status_code == 404


def test_an_upload_shows_the_problem_table_with_the_cell(client, sample_workbook, tmp_path):
    bad = planted_error(sample_workbook, tmp_path / "bad.xlsx", "D7", "abc")
    response = upload_form(client, bad.read_bytes(), "bad.xlsx", csrf_of(client))
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert "D7" in page.text and "abc" in page.text and "Cách sửa" in page.text
    assert "Tạo báo cáo</h2>" not in page.text  # nothing to build while errors remain


def test_the_figures_preview_is_the_figures_table(client, sample_workbook):
    location = upload_form(client, sample_workbook.read_bytes(), token=csrf_of(client)).headers["location"]
    page = client.get(location)
    assert "Xem trước số liệu" in page.text and "Quận Ba Đình" in page.text
    figures = client.get(location + "/figures", params={"unit": "01", "period": "2023-H1"})
    assert figures.status_code == 200
    assert "<td class=\"num\">809</td>" in figures.text and "1.200" in figures.text and "67,4%" in figures.text


def test_a_build_from_the_form_shows_progress_then_files(client, sample_workbook):
    token = csrf_of(client)
    location = upload_form(client, sample_workbook.read_bytes(), token=token).headers["location"]
    response = client.post(location + "/builds", data={"csrf_token": token, "period": "2023-H1",
                                                       "units": ["001"], "formats": ["docx"]},
                           follow_redirects=False)
    assert response.status_code == 303
    build_page = response.headers["location"]
    page = client.get(build_page)
    assert "<progress" in page.text and "/static/progress.js" in page.text
    assert 'http-equiv="refresh"' in page.text  # without JavaScript the page refreshes itself
    wait_for_build(client, build_page.rsplit("/", 1)[1])
    page = client.get(build_page)
    assert "001.docx" in page.text and "progress.js" not in page.text and 'value="100"' in page.text
    preview = client.get(build_page + "/html/001")
    assert preview.status_code == 200 and "Ba Đình" in preview.text
    assert "sandbox" in preview.headers["content-security-policy"]


@pytest.mark.parametrize("path, fields", [
    ("/datasets", {}), ("/review/drafts", {}), ("/review/builds", {"old": "x", "new": "y"}),
    ("/logout", {}), ("/login", {"password": "x"}),
])
def test_a_form_without_its_csrf_token_is_403(client, path, fields):
    response = client.post(path, data=fields, follow_redirects=False)
    assert response.status_code == 403
    assert "biểu mẫu" in response.text
    forged = client.post(path, data=fields | {"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403


def test_delete_buttons_need_the_token_too(client, sample_workbook):
    token = csrf_of(client)
    location = upload_form(client, sample_workbook.read_bytes(), token=token).headers["location"]
    assert client.post(location + "/delete", follow_redirects=False).status_code == 403
    assert client.get(location).status_code == 200
    assert client.post(location + "/delete", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get(location).status_code == 404


def test_a_token_from_another_browser_does_not_pass(tmp_path, sample_workbook):
    with make_client(tmp_path / "data") as first, make_client(tmp_path / "data") as second:
        token = csrf_of(first)
        csrf_of(second)
        assert upload_form(second, sample_workbook.read_bytes(), token=token).status_code == 403


def test_two_drafts_from_the_review_form(client):
    token = csrf_of(client, "/review")
    response = client.post("/review/drafts", data={"csrf_token": token},
                           files={"old": ("v1.docx", draft(OLD_DRAFT)), "new": ("v2.docx", draft(NEW_DRAFT))},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "<ins>" in page.text and "812" in page.text and "redline.docx" in page.text


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/api/datasets", "/static/web.css", "/api/datasets/AAAAAAAAAAAAAAAAAAAAAAAA"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script(client, sample_workbook):
    location = upload_form(client, sample_workbook.read_bytes(), token=csrf_of(client)).headers["location"]
    for path in ("/", location, "/review", "/api/docs", "/login"):
        text = client.get(path).text
        assert "<script>" not in text and "onclick" not in text and "style=" not in text


def test_the_language_switch_and_its_redirect_stay_on_the_site(client):
    response = client.get("/lang", params={"to": "en", "next": "/review"}, follow_redirects=False)
    assert response.headers["location"] == "/review"
    page = client.get("/review")
    assert 'lang="en"' in page.text and "Compare two drafts" in page.text
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = client.get("/lang", params={"to": "vi", "next": target}, follow_redirects=False)
        assert away.headers["location"] == "/"


def test_off_loopback_the_app_refuses_to_start_without_a_password(tmp_path):
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(ConfigError):
            create_app(Settings(data=tmp_path / "data", host=host))
    create_app(Settings(data=tmp_path / "data", host="0.0.0.0", password="s3cret")).state.web.close()
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "d2")]) == 2


def test_with_a_password_every_page_and_api_call_needs_it(tmp_path):
    with make_client(tmp_path / "data", host="0.0.0.0", password="đúng mật khẩu") as client:
        page = client.get("/datasets/AAAAAAAAAAAAAAAAAAAAAAAA", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
        api = client.get("/api/datasets")
        assert api.status_code == 401 and "www-authenticate" in api.headers and "error" in api.json()
        assert client.get("/static/web.css").status_code == 200

        wrong = base64.b64encode("x:sai".encode()).decode()
        assert client.get("/api/datasets", headers={"authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode("x:đúng mật khẩu".encode()).decode()
        assert client.get("/api/datasets", headers={"authorization": f"Basic {right}"}).status_code == 200

        token = csrf_of(client, "/login")
        failed = client.post("/login", data={"csrf_token": token, "password": "sai", "next": "/review"},
                             follow_redirects=False)
        assert failed.status_code == 401 and "sai mật khẩu" in failed.text
        signed = client.post("/login", data={"csrf_token": token, "password": "đúng mật khẩu", "next": "/review"},
                             follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/review"
        assert client.get("/").status_code == 200 and client.get("/api/datasets").status_code == 200
        client.cookies.set("rg_session", "9999999999.x.forged")
        assert client.get("/", follow_redirects=False).status_code == 303


def test_a_build_interrupted_by_a_restart_is_failed_with_its_reason(tmp_path, sample_workbook):
    data = tmp_path / "data"
    with make_client(data) as client:
        dataset_id = client.post("/api/datasets", files={"file": ("h.xlsx", sample_workbook.read_bytes())}).json()["id"]
        build_id = client.post(f"/api/datasets/{dataset_id}/builds",
                               json={"period": "2023-H1", "units": ["001"], "formats": ["docx"]}).json()["id"]
        wait_for_build(client, build_id)
    # A server killed mid-build left its row "running" and one finished report on disk.
    from reportgen.web.store import Store

    Store(data).update_build(build_id, status="running", done=0, finished=None)
    with make_client(data) as client:
        state = client.get(f"/api/builds/{build_id}").json()
        assert state["status"] == "failed" and "máy chủ đã dừng" in state["reason"]
        assert state["done"] == 1 and any(f["path"] == "2023-H1/001.docx" for f in state["files"])
        assert client.get(state["files"][0]["url"]).status_code == 200
        assert client.get(f"/api/datasets/{dataset_id}").status_code == 200  # the dataset survived too
        page = client.get(f"/builds/{build_id}")
        assert "Tạo tiếp các báo cáo còn lại" in page.text
        report = data / "builds" / build_id / "out" / "2023-H1" / "001.docx"
        before = report.stat().st_mtime_ns
        token = csrf_of(client, f"/builds/{build_id}")
        resumed = client.post(f"/builds/{build_id}/resume", data={"csrf_token": token}, follow_redirects=False)
        assert resumed.status_code == 303
        state = wait_for_build(client, build_id)
        assert (state["status"], state["done"], state["reason"]) == ("done", 1, None)
        assert report.stat().st_mtime_ns == before  # finished before the restart: not made again
        assert client.post(f"/api/builds/{build_id}/resume").status_code == 409


def test_two_builds_compared_from_the_review_form(client, sample_workbook, tmp_path):
    from tests.web.helpers import changed_values

    changed = changed_values(sample_workbook, tmp_path / "changed.xlsx",
                             {("001", "2023-H1", "addiction_assessed"): 5,
                              ("002", "2023-H1", "addiction_assessed"): -5})
    builds = []
    for data in (sample_workbook.read_bytes(), changed.read_bytes()):
        dataset_id = client.post("/api/datasets", files={"file": ("h.xlsx", data)}).json()["id"]
        builds.append(client.post(f"/api/datasets/{dataset_id}/builds",
                                  json={"period": "2023-H1", "units": ["001"], "formats": ["docx"]}).json()["id"])
    for build_id in builds:
        wait_for_build(client, build_id)
    token = csrf_of(client, "/review")
    review = client.get("/review").text
    assert "So sánh hai lần tạo báo cáo" in review, [client.get(f"/api/builds/{b}").json() for b in builds]
    response = client.post("/review/builds", data={"csrf_token": token, "old": builds[0], "new": builds[1]},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "addiction_assessed" in page.text and "+5" in page.text
    bogus = client.post("/review/builds", data={"csrf_token": token, "old": builds[0], "new": "../" * 8},
                        follow_redirects=False)
    assert bogus.status_code == 404


def test_an_internal_error_is_a_page_without_a_traceback(tmp_path, sample_workbook, monkeypatch):
    from fastapi.testclient import TestClient

    from reportgen.web import service

    app = create_app(Settings(data=tmp_path / "data", check_workers=0))
    with TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1") as client:
        dataset_id = client.post("/api/datasets", files={"file": ("h.xlsx", sample_workbook.read_bytes())}).json()["id"]

        def broken(*_args):
            raise RuntimeError("secret internals /etc/passwd")

        monkeypatch.setattr(service, "figures_table", broken)
        monkeypatch.setattr(service, "figures_document", broken)
        page = client.get(f"/datasets/{dataset_id}/figures?unit=01&period=2023-H1")
        api = client.get(f"/api/datasets/{dataset_id}/figures?unit=01&period=2023-H1")
        assert page.status_code == api.status_code == 500
        for text in (page.text, api.text):
            assert "secret internals" not in text and "Traceback" not in text
        assert "error" in api.json()


def test_without_a_password_only_loopback_names_are_answered(client):
    """DNS rebinding: evil.example pointed at 127.0.0.1 must not read the app."""
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"):
        assert client.get("/", headers={"host": host}).status_code == 200
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        response = client.get("/api/datasets", headers={"host": host})
        assert response.status_code == 421 and "error" in response.json()


def test_with_a_password_any_host_name_is_answered(tmp_path):
    with make_client(tmp_path / "data", host="0.0.0.0", password="x") as client:
        assert client.get("/login", headers={"host": "reportgen.office.lan"}).status_code == 200
