"""The build, diff and init commands as a user runs them: exit codes, messages, files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "hanoi"


def run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("REPORTGEN_LANG", None)
    command = [sys.executable, "-m", "reportgen", *args] + (["--lang", lang] if lang else [])
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> tuple[Path, Path]:
    """Two builds of three reports; the second after a correction in Nam Từ Liêm."""
    work = tmp_path_factory.mktemp("drafts")
    dataset = work / "ds"
    shutil.copytree(SAMPLE, dataset)
    old = run("build", str(dataset), "--period", "2023-H1", "--unit", "01", "--unit", "019",
              "--unit", "001", "--format", "docx", "--out", str(work / "old"), "--jobs", "1")
    assert old.returncode == 0, old.stderr
    values = (dataset / "values.csv").read_text(encoding="utf-8").splitlines()
    bump = {"019,2023-H1,rehab_compulsory,": 1, "019,2023-H1,rehab_compulsory_resident,": 1,
            "01,2023-H1,rehab_compulsory,": 1, "01,2023-H1,rehab_compulsory_resident,": 1}
    for index, line in enumerate(values):
        for prefix in bump:
            if line.startswith(prefix) and (line.endswith(",") or line.endswith(",total")):
                cells = line.split(",")
                cells[3] = str(int(cells[3]) + 1)
                values[index] = ",".join(cells)
    (dataset / "values.csv").write_text("\n".join(values) + "\n", encoding="utf-8")
    new = run("build", str(dataset), "--period", "2023-H1", "--unit", "01", "--unit", "019",
              "--unit", "001", "--format", "docx", "--out", str(work / "new"), "--jobs", "1")
    assert new.returncode == 0, new.stderr
    return work / "old", work / "new"


def test_diff_of_two_drafts_prints_the_moved_figures_and_writes_a_redline(drafts, tmp_path):
    old, new = drafts
    result = run("diff", str(old / "2023-H1" / "019.docx"), str(new / "2023-H1" / "019.docx"),
                 "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "26/41 → 27/41" in result.stdout
    redline = tmp_path / "019.redline.docx"
    Document(str(redline))  # python-docx reads it
    with zipfile.ZipFile(redline) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and 'w:author="reportgen"' in xml
    assert (tmp_path / "019.redline.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_diff_of_two_build_folders_names_exactly_the_changed_units(drafts, tmp_path):
    old, new = drafts
    result = run("diff", str(old), str(new), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "2 báo cáo đơn vị có thay đổi, 1 không thay đổi" in result.stdout
    assert "019 Quận Nam Từ Liêm" in result.stdout and "001 " not in result.stdout
    csv = (tmp_path / "figures.csv").read_text(encoding="utf-8-sig")
    assert "rehab_compulsory" in csv and ",26,27," in csv


def test_diff_refuses_a_file_that_is_not_a_docx(drafts, tmp_path):
    old, _new = drafts
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    result = run("diff", str(old / "2023-H1" / "019.docx"), str(fake), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    assert "không phải là tệp DOCX" in result.stderr
    assert "Traceback" not in result.stderr
    english = run("diff", str(old / "2023-H1" / "019.docx"), str(fake), "--out", str(tmp_path / "o"),
                  lang="en")
    assert "is not a DOCX file" in english.stderr


def test_diff_refuses_a_draft_that_still_holds_tracked_changes(drafts, tmp_path):
    old, new = drafts
    first = run("diff", str(old / "2023-H1" / "019.docx"), str(new / "2023-H1" / "019.docx"),
                "--out", str(tmp_path / "r"))
    assert first.returncode == 0
    result = run("diff", str(tmp_path / "r" / "019.redline.docx"), str(new / "2023-H1" / "019.docx"),
                 "--out", str(tmp_path / "o"), lang="en")
    assert result.returncode == 1
    assert "already contains tracked changes" in result.stderr and "Accept All" in result.stderr


def test_diff_of_a_file_and_a_folder_is_a_clear_error(drafts, tmp_path):
    old, new = drafts
    result = run("diff", str(old / "2023-H1" / "019.docx"), str(new), "--out", str(tmp_path), lang="en")
    assert result.returncode == 1
    assert "give two DOCX files or two build folders" in result.stderr


def test_a_build_on_invalid_data_writes_nothing_and_keeps_what_was_built(drafts, tmp_path):
    old, _new = drafts
    out = tmp_path / "out"
    shutil.copytree(old, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    broken = tmp_path / "ds"
    shutil.copytree(SAMPLE, broken)
    with (broken / "values.csv").open("a", encoding="utf-8") as handle:
        handle.write("019,2023-H1,rehab_compulsory,-5,\n")
    result = run("build", str(broken), "--period", "2023-H1", "--unit", "019", "--format", "docx",
                 "--out", str(out))
    assert result.returncode == 1
    assert "values.csv" in result.stderr and "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_build_usage_errors_exit_2(tmp_path):
    assert run("build", str(SAMPLE), "--period", "2023-H1", "--out", str(tmp_path)).returncode == 2
    unknown = run("build", str(SAMPLE), "--period", "2023-H1", "--unit", "999", "--out", str(tmp_path),
                  lang="en")
    assert unknown.returncode == 2 and "unknown unit code: 999" in unknown.stderr
    bad_period = run("build", str(SAMPLE), "--period", "2023-S1", "--unit", "01", "--out", str(tmp_path))
    assert bad_period.returncode == 2


def test_text_with_markup_characters_and_control_characters_builds_clean_files(tmp_path):
    dataset = tmp_path / "ds"
    shutil.copytree(SAMPLE, dataset)
    note = dataset / "notes" / "2023-H1" / "001.md"
    note.write_text("## Tồn tại, hạn chế và nguyên nhân\n\nPhối hợp Công an & Y tế: số <5> \"mới\"\x07 ổn.\n"
                    "\n## Phương hướng, nhiệm vụ\n\nTiếp tục.\n\n## Đề xuất, kiến nghị\n\nKhông.\n",
                    encoding="utf-8")
    validate = run("validate", str(dataset), lang="en")
    assert validate.returncode == 0
    assert "notes/2023-H1/001.md" in validate.stderr and "control characters" in validate.stderr
    result = run("build", str(dataset), "--period", "2023-H1", "--unit", "001", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / "2023-H1" / "001.docx")).paragraphs)
    assert "Phối hợp Công an & Y tế: số <5> \"mới\" ổn." in text
    pdf_text = subprocess.run(["pdftotext", str(tmp_path / "out" / "2023-H1" / "001.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert "Công an & Y tế: số <5> \"mới\" ổn." in pdf_text


def test_init_writes_a_workbook_with_drop_down_codes_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "du-lieu.xlsx"
    result = run("init", str(target))
    assert result.returncode == 0, result.stderr
    workbook = openpyxl.load_workbook(target)
    assert {"Hướng dẫn", "Đơn vị", "Chỉ tiêu", "Số liệu", "Kế hoạch", "Thông tin văn bản"} <= set(workbook.sheetnames)
    assert workbook["Đơn vị"]["A2"].value == "01" and workbook["Đơn vị"]["A3"].value == "001"
    assert workbook["Số liệu"].data_validations.dataValidation
    again = run("init", str(target))
    assert again.returncode == 1
    assert "Traceback" not in again.stderr


def test_build_without_the_report_font_says_how_to_install_it(tmp_path):
    env = dict(os.environ, REPORTGEN_FONT_DIR=str(tmp_path / "no-fonts"), REPORTGEN_LANG="en")
    result = subprocess.run([sys.executable, "-m", "reportgen", "build", str(SAMPLE), "--period", "2023-H1",
                             "--unit", "01", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert "apt-get install fonts-liberation2" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))
