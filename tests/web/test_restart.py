"""A server stopped in the middle of a 31-report build: the next start says so and keeps
every report that was finished."""
from __future__ import annotations

import json
import os
import time

import psutil
import pytest
from pypdf import PdfReader

from tests.web.conftest import make_client


@pytest.mark.slow
def test_a_restart_mid_build_keeps_the_finished_reports(tmp_path, sample_workbook):
    data = tmp_path / "data"
    with make_client(data, jobs=2) as client:
        dataset_id = client.post("/api/datasets", files={"file": ("h.xlsx", sample_workbook.read_bytes())}).json()["id"]
        build_id = client.post(f"/api/datasets/{dataset_id}/builds",
                               json={"period": "2023-H1", "all": True, "formats": ["pdf"]}).json()["id"]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            state = client.get(f"/api/builds/{build_id}").json()
            if state["done"] >= 3:
                break
            time.sleep(0.2)
        assert state["status"] == "running" and 3 <= state["done"] < 31
    # Leaving the client shuts the app down (as Ctrl+C or a restart does): the build
    # process and its workers are stopped, none is left behind.
    # multiprocessing's resource tracker, and the fork server that in-process builds of
    # earlier tests in this pytest worker started, live as long as the test process
    # itself (they are its own children); nothing else may.
    deadline = time.monotonic() + 30  # a loaded machine takes a while to reap the pool
    me = os.getpid()
    while time.monotonic() < deadline:
        left = [" ".join(p.cmdline()) for p in psutil.Process(me).children(recursive=True)
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                and not (p.ppid() == me and "multiprocessing.forkserver" in " ".join(p.cmdline()))]
        left = [c for c in left if "resource_tracker" not in c]
        if not left:
            break
        time.sleep(0.2)
    assert left == []
    manifest = json.loads((data / "builds" / build_id / "out" / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["outputs"] if entry["format"] == "pdf"}

    with make_client(data) as client:
        state = client.get(f"/api/builds/{build_id}").json()
        assert state["status"] == "failed" and "máy chủ đã dừng" in state["reason"]
        pdfs = [f for f in state["files"] if f["path"].endswith(".pdf")]
        assert 3 <= len(pdfs) == state["done"] < 31
        for entry in pdfs:  # each one whole: written under a temporary name, then renamed
            content = client.get(entry["url"]).content
            assert len(PdfReader(__import__("io").BytesIO(content)).pages) >= 2
        assert not list((data / "builds" / build_id / "out").rglob(".*.tmp"))
        assert client.get("/").status_code == 200

        # Started again, the build makes only the reports that were missing.
        out = data / "builds" / build_id / "out"
        kept = {entry["path"]: (out / entry["path"]).stat().st_mtime_ns for entry in pdfs}
        assert client.post(f"/api/builds/{build_id}/resume").status_code == 202
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            state = client.get(f"/api/builds/{build_id}").json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert (state["status"], state["done"], state["total"]) == ("done", 31, 31)
        assert len([f for f in state["files"] if f["path"].endswith(".pdf")]) == 31
        remade = [path for path, stamp in kept.items() if (out / path).stat().st_mtime_ns != stamp]
        # The manifest is saved at most once a second, so a report finished just before
        # the stop may be made again; none that the manifest listed is.
        assert listed and not set(remade) & listed, (remade, listed)
