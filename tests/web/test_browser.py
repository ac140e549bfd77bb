"""The clerk's and the reviewer's way through `reportgen serve`, in Debian's chromium
driven by Playwright (its own browser download cannot run here: executable_path).

Each page visited is saved as a screenshot under the test's temporary folder; two of
them are in docs/screenshots/ for the README.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/setup.sh)")]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(folder: Path, environment: dict[str, str]):
    """`reportgen serve` on a free loopback port, as a clerk would start it."""
    port = _free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "--host", "127.0.0.1",
                                "--port", str(port), "--data", str(folder / "data")],
                               stdout=log, stderr=subprocess.STDOUT, env=os.environ | environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                raise AssertionError((folder / "server.log").read_text())
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def server(tmp_path):
    with serving(tmp_path, {"REPORTGEN_LANG": "vi"}) as base:
        yield base


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Pages:
    """A browser tab that saves a numbered screenshot of every page it shows."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0

    def shot(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_clerks_way_from_a_workbook_to_the_pdf(server, browser, sample_workbook, tmp_path):
    from tests.web.helpers import planted_error

    shots = tmp_path / "screenshots"
    shots.mkdir()
    bad = planted_error(sample_workbook, tmp_path / "bao-cao-loi.xlsx", "D5", "mười hai")
    fixed = tmp_path / "bao-cao.xlsx"
    shutil.copy(sample_workbook, fixed)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    tab = Pages(context.new_page(), shots)
    page = tab.page

    page.goto(server + "/")
    assert page.get_by_role("heading", name="Tải lên bộ dữ liệu").is_visible()
    tab.shot("home")

    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "lỗi" in alert.inner_text()
    row = page.locator("table.problems tr.error", has_text="D5")
    assert row.count() == 1 and "mười hai" in row.inner_text()
    tab.shot("dataset-with-error")

    page.goto(server + "/")
    page.set_input_files("input[name=file]", str(fixed))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    assert "Không có lỗi" in page.get_by_role("status").inner_text()
    tab.shot("dataset")

    preview = page.locator("form[action$='/figures']")
    preview.locator("select[name=unit]").select_option("01")
    preview.locator("select[name=period]").select_option("2023-H1")
    preview.get_by_role("button").click()
    page.wait_for_load_state()
    assert "6 tháng đầu năm 2023" in page.locator("h1").inner_text()
    cells = page.locator("table.figures tbody tr").first.locator("td").all_inner_texts()
    assert cells[2:4] == ["809", "1.200"] and cells[4] == "67,4%"
    tab.shot("figures")
    page.go_back()

    build = page.locator("form[action$='/builds']")
    build.locator("select[name=period]").select_option("2023-H1")
    build.locator("select[name=units]").select_option(["01"])
    build.get_by_role("button", name="Tạo báo cáo").click()
    page.wait_for_url("**/builds/*")
    # The live bar (server-sent events) reaches 100%, then the page shows the files.
    # (Polled from Python: the app's CSP forbids the eval that wait_for_function needs.)
    deadline = time.monotonic() + 180
    seen = set()
    while time.monotonic() < deadline:
        text = page.locator("#progress-text").inner_text()
        seen.add(text)
        if text.endswith("100%"):
            break
        time.sleep(0.1)
    assert "1/1 · 100%" in seen
    pdf_link = page.get_by_role("link", name="01.pdf")
    pdf_link.wait_for(timeout=30_000)
    assert page.locator("#progress-text").inner_text().startswith("1/1")
    tab.shot("build")

    with page.expect_download() as download:
        pdf_link.click()
    pdf = tmp_path / "01.pdf"
    download.value.save_as(pdf)
    assert "809/1.200" in _pdf_text(pdf)

    with context.expect_page() as opened:
        page.get_by_role("link", name="HTML").click()
    report = opened.value
    report.wait_for_load_state()
    assert "809/1.200" in report.inner_text("body")
    tab.page = report
    tab.shot("report-html")
    context.close()


def test_the_reviewers_way_two_drafts_to_a_redline(server, browser, tmp_path):
    from docx import Document

    from tests.web.helpers import NEW_DRAFT, OLD_DRAFT, draft

    shots = tmp_path / "screenshots"
    shots.mkdir()
    old, new = tmp_path / "du-thao-1.docx", tmp_path / "du-thao-2.docx"
    old.write_bytes(draft(OLD_DRAFT))
    new.write_bytes(draft(NEW_DRAFT))
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800})
    tab = Pages(context.new_page(), shots)
    page = tab.page

    page.goto(server + "/review")
    tab.shot("review")
    page.set_input_files("input[name=old]", str(old))
    page.set_input_files("input[name=new]", str(new))
    page.get_by_role("button", name="So sánh").click()
    page.wait_for_url("**/diffs/*")
    assert "du-thao-1.docx → du-thao-2.docx" in page.locator("h1").inner_text()
    assert page.locator("ins", has_text="812").count() >= 1
    tab.shot("redline")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản so sánh (DOCX có theo dõi thay đổi)").click()
    redline = tmp_path / "redline.docx"
    download.value.save_as(redline)
    xml = Document(io.BytesIO(redline.read_bytes())).element.xml
    assert "<w:ins " in xml and "<w:del " in xml and "812" in xml

    page.get_by_role("link", name="English").click()
    assert page.get_by_role("link", name="Download the redline (DOCX with tracked changes)").is_visible()
    context.close()


def test_without_javascript_a_build_still_ends_on_its_files(server, browser, sample_workbook, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.set_input_files("input[name=file]", str(sample_workbook))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    build = page.locator("form[action$='/builds']")
    build.locator("select[name=units]").select_option(["001"])
    build.locator("input[value=pdf]").uncheck()
    build.get_by_role("button", name="Tạo báo cáo").click()
    # <noscript> meta refresh reloads the page until the build has ended.
    page.get_by_role("link", name="001.docx").wait_for(timeout=120_000)
    context.close()


def test_with_a_password_the_clerk_logs_in_first(browser, sample_workbook, tmp_path):
    with serving(tmp_path, {"REPORTGEN_PASSWORD": "mật khẩu phòng"}) as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/review")
        assert "/login" in page.url
        page.fill("input[name=password]", "sai")
        page.get_by_role("button", name="Đăng nhập").click()
        assert "sai mật khẩu" in page.get_by_role("alert").inner_text()
        page.fill("input[name=password]", "mật khẩu phòng")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/review")
        page.goto(base + "/")
        page.set_input_files("input[name=file]", str(sample_workbook))
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        page.wait_for_load_state()
        build = page.locator("form[action$='/builds']")
        build.locator("select[name=units]").select_option(["001"])
        build.locator("input[value=pdf]").uncheck()
        build.get_by_role("button", name="Tạo báo cáo").click()
        # The live progress (EventSource) carries the session cookie like any page.
        page.get_by_role("link", name="001.docx").wait_for(timeout=120_000)
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_url("**/login")
        context.close()
