"""`reportgen audit` as a reviewer runs it: one line per finding, the exit codes, --json,
--out, --strict, --lang en, and clear messages (never a traceback) on bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.i18n import set_language
from tests.audit.helpers import HANOI, edit_docx, report_bytes, seed_paragraphs, write_docx, write_text

REPORTGEN = Path(sys.executable).with_name("reportgen")


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)
    yield
    set_language("vi")


def run(*args) -> subprocess.CompletedProcess:
    command = [str(REPORTGEN)] if REPORTGEN.exists() else [sys.executable, "-m", "reportgen"]
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_LANG"}
    return subprocess.run([*command, "audit", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=180)


@pytest.fixture(scope="module")
def seed_txt(tmp_path_factory):
    return write_text(tmp_path_factory.mktemp("seed") / "seed.txt", seed_paragraphs())


def test_the_seed_prints_one_vietnamese_line_per_finding_and_fails(seed_txt):
    completed = run(seed_txt)
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    assert lines == [
        "đoạn 11: lỗi: «160/700 chỉ tiêu, đạt 22.8%» 160/700 là 22,9%; dự thảo ghi 22.8% (đúng là: 22,9%)",
        "đoạn 11: cảnh báo: «22.8%» dùng dấu chấm thập phân: tiếng Việt dùng dấu phẩy (đúng là: 22,8%)",
        "đoạn 11: cảnh báo: «69.9%» dùng dấu chấm thập phân: tiếng Việt dùng dấu phẩy (đúng là: 69,9%)",
    ]
    assert "1 lỗi, 2 cảnh báo" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_english_with_lang_en(seed_txt):
    completed = run(seed_txt, "--lang", "en")
    assert completed.stdout.splitlines()[0] == (
        "paragraph 11: error: «160/700 chỉ tiêu, đạt 22.8%» 160/700 is 22,9%; the draft says 22.8% "
        "(should be: 22,9%)")


def test_json_lists_kind_severity_location_quote_expected_message(seed_txt):
    completed = run(seed_txt, "--json")
    findings = json.loads(completed.stdout)
    assert [f["kind"] for f in findings] == ["percent-of-plan", "number-format", "number-format"]
    first = findings[0]
    assert first["severity"] == "error" and first["location"] == {"paragraph": 11}
    assert first["quote"] == "160/700 chỉ tiêu, đạt 22.8%" and first["expected"] == "22,9%"
    assert "22,9%" in first["message"]


def test_warnings_alone_exit_0_or_1_with_strict(tmp_path):
    path = write_text(tmp_path / "w.txt", ["Tiếp nhận 1200 người vào cai nghiện."])
    assert run(path).returncode == 0
    assert run(path, "--strict").returncode == 1


def test_a_correct_draft_exits_0_and_prints_nothing(tmp_path):
    path = write_text(tmp_path / "ok.txt", ["Tổ chức cai nghiện bắt buộc cho 809/1.200 người, đạt 67,4% KH năm."])
    completed = run(path)
    assert completed.returncode == 0 and completed.stdout == ""


def test_out_writes_the_commented_docx_and_the_html(tmp_path):
    path = write_docx(tmp_path / "seed.docx", seed_paragraphs())
    completed = run(path, "--out", tmp_path / "review")
    assert completed.returncode == 1
    assert (tmp_path / "review" / "seed.audit.docx").exists()
    assert (tmp_path / "review" / "seed.audit.html").exists()
    assert "seed.audit.docx" in completed.stderr


def test_with_the_dataset_a_changed_figure_names_its_indicator(tmp_path):
    path = tmp_path / "01.docx"
    path.write_bytes(edit_docx(report_bytes("01", "2023-H1"), "809/1.200", "819/1.200"))
    completed = run(path, "--dataset", HANOI, "--period", "2023-H1", "--unit", "01")
    assert completed.returncode == 1
    [line] = [l for l in completed.stdout.splitlines() if "rehab_compulsory" in l]
    assert "lỗi" in line and "819" in line and "809" in line
    clean = tmp_path / "clean.docx"
    clean.write_bytes(report_bytes("01", "2023-H1"))
    assert run(clean, "--dataset", HANOI, "--period", "2023-H1", "--unit", "01").returncode == 0


@pytest.mark.parametrize("make, extra, code, fragment", [
    (lambda p: p / "draft.doc", (), 2, ".docx, .pdf, .txt hoặc .md"),
    (lambda p: p / "missing.docx", (), 1, "không tìm thấy tệp"),
    (lambda p: (p / "bad.docx").write_bytes(b"x") and p / "bad.docx", (), 1, "không phải tệp DOCX hợp lệ"),
    (lambda p: p / "x.txt", ("--dataset", HANOI), 2, "--period"),
    (lambda p: p / "x.txt", ("--dataset", HANOI, "--period", "2023-H1"), 2, "--unit"),
    (lambda p: p / "x.txt", ("--period", "2023-H1", "--unit", "01"), 2, "--dataset"),
    (lambda p: p / "x.txt", ("--dataset", HANOI, "--period", "2023-H7", "--unit", "01"), 2, "2023-H7"),
    (lambda p: p / "x.txt", ("--dataset", HANOI, "--period", "2023-H1", "--unit", "999"), 2, "999"),
    (lambda p: p / "x.txt", ("--dataset", "/nonexistent", "--period", "2023-H1", "--unit", "01"), 1, "/nonexistent"),
])
def test_bad_input_is_a_clear_message_with_its_exit_code(tmp_path, make, extra, code, fragment):
    write_text(tmp_path / "x.txt", ["Một câu."])
    path = make(tmp_path)
    completed = run(path, *extra)
    assert completed.returncode == code
    assert fragment in completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_command_runs_in_process_through_the_cli(seed_txt, capsys):
    assert main(["audit", str(seed_txt), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 3 and "160/700 is 22,9%" in out
