"""The JSON API of `reportgen serve` (issue 12 §7), through FastAPI's TestClient."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from docx import Document

from reportgen.cli import main
from tests.web.conftest import make_client, wait_for_build
from tests.web.helpers import NEW_DRAFT, OLD_DRAFT, changed_values, csv_zip, draft, hostile_zip, planted_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data: bytes, name: str = "hanoi.xlsx"):
    return client.post("/api/datasets", files={"file": (name, data, XLSX)})


def test_a_workbook_upload_gives_its_problems_units_and_periods(client, sample_workbook):
    response = upload(client, sample_workbook.read_bytes())
    assert response.status_code == 201
    body = response.json()
    assert body["errors"] == 0 and body["warnings"] == len(body["problems"]) > 0
    assert {"severity", "file", "sheet", "row", "column", "cell", "value", "message", "fix"} <= set(body["problems"][0])
    assert body["problems"][0]["message"].startswith("chưa có")  # Vietnamese by default
    assert [u["code"] for u in body["units"]][:2] == ["01", "001"] and len(body["units"]) == 31
    assert "2023-H1" in [p["code"] for p in body["periods"]]
    assert client.get(f"/api/datasets/{body['id']}").json() == body
    english = client.get(f"/api/datasets/{body['id']}?lang=en").json()
    assert english["problems"][0]["message"].startswith("no notes")


def test_a_planted_error_is_located_at_its_cell(client, sample_workbook, tmp_path):
    bad = planted_error(sample_workbook, tmp_path / "bad.xlsx", "D5", "mười hai")
    body = upload(client, bad.read_bytes(), "bad.xlsx").json()
    assert body["errors"] >= 1
    [error] = [p for p in body["problems"] if p["severity"] == "error" and p["cell"] == "D5"]
    assert (error["sheet"], error["row"], error["column"], error["cell"], error["value"]) == (
        "Số liệu", 5, "Giá trị", "D5", "mười hai")
    assert error["fix"]


def test_a_zipped_csv_folder_is_a_dataset(client):
    body = upload(client, csv_zip(), "hanoi.zip").json()
    assert body["errors"] == 0 and len(body["units"]) == 31


@pytest.mark.parametrize("data, name", [
    (b"", "empty.xlsx"),
    (b"hello, this is text", "notes.txt"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx"),
])
def test_a_file_that_is_no_dataset_is_422_with_a_message(client, data, name):
    response = upload(client, data, name)
    assert response.status_code == 422
    assert set(response.json()) >= {"error"} and "Traceback" not in response.text
    assert client.get("/api/datasets").json() == []


@pytest.mark.parametrize("entry, symlink", [
    ("../evil.csv", False), ("/etc/evil.csv", False), ("a/../../evil.csv", False),
    ("notes\\..\\evil.md", False), ("units.csv", True),
])
def test_a_hostile_zip_is_refused_and_writes_nothing_outside(client, tmp_path, entry, symlink):
    response = upload(client, hostile_zip(entry, b"/etc/passwd" if symlink else b"x", symlink=symlink), "x.zip")
    assert response.status_code == 422, response.text
    assert "error" in response.json()
    assert not list(tmp_path.rglob("evil.*"))
    assert not list((tmp_path / "data" / "datasets").iterdir())


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dataset.yaml", 'title: "x"\nroot: "01"\n')
        archive.writestr("values.csv", b"0" * (80 * 1024 * 1024))
    response = upload(client, buffer.getvalue(), "bomb.zip")
    assert response.status_code == 422 and "archive_ratio" in response.json()["error"]


def test_an_upload_above_the_limit_is_413(tmp_path):
    with make_client(tmp_path / "data", max_upload=1024 * 1024) as client:
        response = upload(client, b"PK" + b"0" * (1100 * 1024))
        assert response.status_code == 413 and "1 MB" in response.json()["error"]

        def chunks():  # no Content-Length: the limit still holds while the body streams
            for _ in range(200):
                yield b"0" * 8192
        streamed = client.post("/api/datasets", content=chunks(),
                               headers={"content-type": "multipart/form-data; boundary=x"})
        assert streamed.status_code == 413
        assert client.get("/api/datasets").json() == []


@pytest.mark.parametrize("path", [
    "/api/datasets/AAAAAAAAAAAAAAAAAAAAAAAA", "/api/datasets/AAAAAAAAAAAAAAAAAAAAAAAA/figures?unit=01&period=2023-H1",
    "/api/builds/AAAAAAAAAAAAAAAAAAAAAAAA", "/api/builds/AAAAAAAAAAAAAAAAAAAAAAAA/zip",
    "/api/diffs/AAAAAAAAAAAAAAAAAAAAAAAA", "/api/datasets/..%2F..%2Freportgen-web.sqlite3",
    "/api/datasets/%2e%2e", "/datasets/AAAAAAAAAAAAAAAAAAAAAAAA", "/builds/..%2f..%2fsecret.key",
])
def test_an_unknown_or_crafted_id_is_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api"):
        assert set(response.json()) == {"error"}


def test_delete_removes_the_dataset_and_its_files(client, sample_workbook, tmp_path):
    dataset_id = upload(client, sample_workbook.read_bytes()).json()["id"]
    assert (tmp_path / "data" / "datasets" / dataset_id).is_dir()
    assert client.delete(f"/api/datasets/{dataset_id}").status_code == 204
    assert client.get(f"/api/datasets/{dataset_id}").status_code == 404
    assert not (tmp_path / "data" / "datasets" / dataset_id).exists()
    assert client.delete(f"/api/datasets/{dataset_id}").status_code == 404


def test_figures_are_what_the_figures_command_prints(client, sample_workbook, capsys):
    dataset_id = upload(client, sample_workbook.read_bytes()).json()["id"]
    response = client.get(f"/api/datasets/{dataset_id}/figures", params={"period": "2023-H1", "unit": "01"})
    assert response.status_code == 200
    assert main(["figures", str(sample_workbook), "--period", "2023-H1", "--unit", "01", "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)
    for params in ({"period": "2023-H7", "unit": "01"}, {"period": "2023-H1", "unit": "../01"}):
        bad = client.get(f"/api/datasets/{dataset_id}/figures", params=params)
        assert bad.status_code == 422 and "error" in bad.json()


def test_a_build_runs_in_the_background_and_serves_its_files(client, sample_workbook):
    dataset_id = upload(client, sample_workbook.read_bytes()).json()["id"]
    response = client.post(f"/api/datasets/{dataset_id}/builds",
                           json={"period": "2023-H1", "units": ["01"], "formats": ["docx", "pdf"]})
    assert response.status_code == 202
    build_id = response.json()["id"]
    # The server answers while the build runs.
    assert client.get(f"/api/datasets/{dataset_id}").status_code == 200
    state = wait_for_build(client, build_id)
    assert (state["status"], state["done"], state["total"], state["failed"]) == ("done", 1, 1, [])
    paths = {f["path"]: f for f in state["files"]}
    assert {"2023-H1/01.docx", "2023-H1/01.pdf"} <= set(paths)
    pdf = client.get(paths["2023-H1/01.pdf"]["url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == paths["2023-H1/01.pdf"]["sha256"]
    assert "attachment" in pdf.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/builds/{build_id}/zip").content))
    assert {"2023-H1/01.docx", "2023-H1/01.pdf", "manifest.json"} <= set(archive.namelist())
    events = client.get(f"/api/builds/{build_id}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert '"status": "done"' in events.text and '"done": 1' in events.text
    for crafted in ("../../reportgen-web.sqlite3", "2023-H1/../../../secret.key", "..%2F..%2Fsecret.key",
                    "2023-H1/.01.pdf.tmp", "manifest.json"):
        assert client.get(f"/api/builds/{build_id}/files/{crafted}").status_code == 404


@pytest.mark.parametrize("body", [
    {"period": "2023-H9", "units": ["01"]}, {"period": "2023-H1", "units": ["../x"]},
    {"period": "2023-H1", "units": []}, {"period": "2023-H1", "units": ["01"], "formats": ["exe"]},
    {"units": ["01"]},
])
def test_a_build_request_that_cannot_run_is_422(client, sample_workbook, body):
    dataset_id = upload(client, sample_workbook.read_bytes()).json()["id"]
    response = client.post(f"/api/datasets/{dataset_id}/builds", json=body)
    assert response.status_code == 422 and "error" in response.json()


def test_a_dataset_with_errors_is_not_built(client, sample_workbook, tmp_path):
    bad = planted_error(sample_workbook, tmp_path / "bad.xlsx")
    dataset_id = upload(client, bad.read_bytes()).json()["id"]
    response = client.post(f"/api/datasets/{dataset_id}/builds", json={"period": "2023-H1", "all": True})
    assert response.status_code == 422 and "lỗi" in response.json()["error"]


def test_two_drafts_give_a_tracked_changes_redline(client):
    response = client.post("/api/diffs", files={"old": ("v1.docx", draft(OLD_DRAFT)),
                                                "new": ("v2.docx", draft(NEW_DRAFT))})
    assert response.status_code == 201
    body = response.json()
    assert any("812" in (c["new"] or "") for c in body["changes"])
    redline = client.get(body["redline_url"])
    document = Document(io.BytesIO(redline.content))
    xml = document.element.xml
    assert "<w:ins " in xml and "<w:del " in xml
    view = client.get(body["html_url"])
    assert view.status_code == 200 and "812" in view.text
    assert "script-src" not in view.headers["content-security-policy"]
    assert "sandbox" in view.headers["content-security-policy"]


def test_a_draft_that_is_no_docx_is_422(client):
    response = client.post("/api/diffs", files={"old": ("v1.docx", b"not a docx"), "new": ("v2.docx", draft(NEW_DRAFT))})
    assert response.status_code == 422 and "error" in response.json()


def test_two_builds_compare_figure_by_figure(client, sample_workbook, tmp_path):
    # Two districts trade two clients: the city total still adds up.
    changed = changed_values(sample_workbook, tmp_path / "changed.xlsx",
                             {("001", "2023-H1", "counselling_clients"): 2,
                              ("002", "2023-H1", "counselling_clients"): -2})
    ids = []
    for data in (sample_workbook.read_bytes(), changed.read_bytes()):
        dataset_id = upload(client, data).json()["id"]
        build = client.post(f"/api/datasets/{dataset_id}/builds",
                            json={"period": "2023-H1", "units": ["001"], "formats": ["docx"]}).json()["id"]
        ids.append(build)
    for build in ids:
        assert wait_for_build(client, build)["status"] == "done"
    response = client.post("/api/diffs/builds", json={"old": ids[0], "new": ids[1]})
    assert response.status_code == 201, response.text
    [unit] = response.json()["units"]
    assert unit["unit"] == "001" and unit["status"] == "changed"
    assert [(f["indicator"], f["old"], f["new"]) for f in unit["figures"]] == [("counselling_clients", "18", "20")]
    redline = client.get(f"/api/diffs/{response.json()['id']}/files/{unit['redline']}")
    assert redline.status_code == 200 and "<w:ins " in Document(io.BytesIO(redline.content)).element.xml


def test_the_openapi_document_and_its_page_need_no_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/datasets", "/api/datasets/{dataset_id}/figures", "/api/datasets/{dataset_id}/builds",
            "/api/builds/{build_id}", "/api/builds/{build_id}/files/{path}", "/api/builds/{build_id}/zip",
            "/api/diffs"} <= set(schema["paths"])
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/datasets/{dataset_id}/builds" in page.text
    assert "cdn" not in page.text.lower() and "<script" not in page.text


def test_a_cross_site_write_to_the_api_is_refused(client, sample_workbook):
    response = client.post("/api/datasets", files={"file": ("a.xlsx", sample_workbook.read_bytes())},
                           headers={"origin": "http://evil.example"})
    assert response.status_code == 403 and "error" in response.json()
    assert client.get("/api/datasets").json() == []


def test_an_upload_checked_in_a_worker_process_gives_the_same_answer(tmp_path, sample_workbook):
    bad = planted_error(sample_workbook, tmp_path / "bad.xlsx")
    answers = []
    for workers in (0, 1):
        with make_client(tmp_path / f"data{workers}", check_workers=workers) as client:
            body = upload(client, bad.read_bytes(), "bad.xlsx").json()
            figures = client.get(f"/api/datasets/{body['id']}/figures", params={"period": "2023-H1", "unit": "002"})
            answers.append(({k: v for k, v in body.items() if k != "id"}, figures.json()))
    assert answers[0] == answers[1] and answers[0][0]["errors"] >= 1
