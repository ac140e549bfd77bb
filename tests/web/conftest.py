"""Shared set-up for the web app tests: a workbook of the sample, an app on a temp data
folder, a CSRF token scraped from a page like a browser would."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from reportgen.init import write_workbook  # noqa: E402
from reportgen.resources import package_path  # noqa: E402
from reportgen.web.app import Settings, create_app  # noqa: E402


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory) -> Path:
    return write_workbook(package_path("samples", "hanoi"), tmp_path_factory.mktemp("wb") / "hanoi.xlsx")


def make_client(data: Path, **settings) -> TestClient:
    # Uploads are checked in the request's thread unless a test asks for the worker
    # processes `reportgen serve` uses (check_workers=2).
    return TestClient(create_app(Settings(data=data, **({"check_workers": 0} | settings))),
                      base_url="http://127.0.0.1")


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path / "data") as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def wait_for_build(client: TestClient, build_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/builds/{build_id}").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.3)
    raise AssertionError(f"build {build_id} did not end: {state}")
