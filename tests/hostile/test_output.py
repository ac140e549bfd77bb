"""The output side of issue 10, case by case: nothing written or read outside --out,
nothing of the user's destroyed, every OS error a message, no litter, no live formula.

Library calls where the case is about the library (a caller that bypassed validate),
the command line where a user would meet it; slow ones run a real build in a
subprocess (signals, a full disk, TMPDIR litter)."""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reportgen.build import BuildOptions, build
from reportgen.cli import main
from reportgen.dataset import load_dataset
from reportgen.diff import DiffInputError, diff_paths
from reportgen.errors import OutputError
from reportgen.files import deterministic_zip
from reportgen.periods import Period
from reportgen.safety.paths import UnsafeNameError, is_temp_name
from tests.dataset_factory import TINY_SETTINGS, write_tiny
from tests.hostile import bombs

REPO = Path(__file__).resolve().parents[2]
AGENCY = ('agency:\n  quan:\n    parent: "UBND {{ unit.name | upper }}"\n    name: "PHÒNG LĐTBXH"\n'
          '    short: "LĐTBXH"\n')
VALUES = [("001", "2023-H1", "methadone_new", "5", ""), ("002", "2023-H1", "methadone_new", "7", "")]
DOCX = BuildOptions(formats=("docx",))
PERIOD = Period.parse("2023-H1")


@pytest.fixture
def short_temp():
    """A TMPDIR for a build subprocess, short: multiprocessing puts a socket in it and
    AF_UNIX paths are limited to 108 bytes (pytest's tmp_path under xdist is longer)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="rg-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dataset_folder(tmp_path) -> Path:
    return write_tiny(tmp_path / "d", VALUES, settings=TINY_SETTINGS + AGENCY)


def _load(folder: Path):
    return load_dataset(folder).dataset


def _run(capsys, *args) -> tuple[int, str]:
    code = main([*map(str, args), "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _build_cli(capsys, folder, out, *more):
    return _run(capsys, "build", folder, "--period", "2023-H1", "--unit", "001", "--format", "docx",
                "--out", out, "--jobs", "1", *more)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.name != ".reportgen.lock"}


def _own_temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".reportgen-*.tmp") if is_temp_name(p.name)]


# ---------------------------------------------------------------- escape the folder

def test_out_planted_folder_symlink_is_not_followed(dataset_folder, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "2023-H1").symlink_to(elsewhere, target_is_directory=True)
    code, output = _build_cli(capsys, dataset_folder, out)
    assert code == 1 and "2023-H1" in output and "link" in output
    assert "Traceback" not in output
    assert list(elsewhere.iterdir()) == []


def test_out_planted_file_symlinks_are_replaced_never_followed(dataset_folder, tmp_path, capsys):
    victim = tmp_path / "thesis.docx"
    victim.write_bytes(b"years of work")
    out = tmp_path / "out"
    (out / "2023-H1").mkdir(parents=True)
    (out / "2023-H1" / "001.docx").symlink_to(victim)
    (out / "manifest.json").symlink_to(victim)
    code, output = _build_cli(capsys, dataset_folder, out)
    assert code == 0, output
    assert victim.read_bytes() == b"years of work"
    assert not (out / "2023-H1" / "001.docx").is_symlink()
    assert (out / "2023-H1" / "001.docx").read_bytes().startswith(b"PK")
    assert not (out / "manifest.json").is_symlink()
    assert "manifest" in output and "rebuilt" in output  # the link was not read either


def test_escape_a_dotted_unit_code_through_the_library_writes_nothing(dataset_folder, tmp_path):
    dataset = _load(dataset_folder)
    # A caller that never ran validate: the unit is in the dataset as it was given.
    hostile = dataclasses.replace(dataset.units["001"], code="../../x")
    dataset.units["../../x"] = hostile
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(OutputError) as caught:
        build(dataset, PERIOD, ["../../x"], out, options=DOCX)
    assert "is not a valid code" in caught.value.translated()
    assert not list(tmp_path.rglob("x.*")) and not out.exists()


def test_escape_a_worker_cannot_name_a_file_outside(dataset_folder, tmp_path):
    from reportgen.build import Manifest, Outcome, _OutcomeWriter

    out = tmp_path / "out"
    out.mkdir()
    writer = _OutcomeWriter(out, Manifest(out), {"001": "k"})
    outcome = Outcome("001", "2023-H1", "built", {"2023-H1/../../../x.docx": b"x"})
    with pytest.raises(OutputError):
        writer.write(outcome)
    assert not (tmp_path / "x.docx").exists() and not list(tmp_path.rglob("x.docx"))


def test_zip_an_escaping_entry_name_is_refused_when_written():
    for name in ("../x.docx", "/etc/x", "C:x", "a\\..\\b"):
        with pytest.raises(UnsafeNameError):
            deterministic_zip({name: b"x"})


def test_zip_a_planted_manifest_entry_is_ignored_with_a_warning(dataset_folder, tmp_path):
    dataset = _load(dataset_folder)
    out = tmp_path / "out"
    build(dataset, PERIOD, ["001"], out, options=DOCX)
    (tmp_path / "secret").write_text("secret", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    planted = {**manifest["outputs"][0], "unit": "002", "path": "../secret"}
    manifest["outputs"] += [planted, {**planted, "unit": "../..", "path": "2023-H1/x.docx"}]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    summary = build(dataset, PERIOD, ["001"], out, options=DOCX, zip_output=True)
    warnings = [w.describe() for w in summary.warnings]
    assert len(warnings) == 2 and all("is ignored" in w for w in warnings)
    with zipfile.ZipFile(out / "2023-H1.zip") as archive:
        names = archive.namelist()
        assert not any(".." in name or "secret" in name for name in names)
        assert b"secret" not in b"".join(archive.read(n) for n in names)
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(".." not in e["path"] for e in saved["outputs"])  # not kept for next time


def test_zip_a_listed_file_replaced_by_a_link_is_left_out(dataset_folder, tmp_path):
    dataset = _load(dataset_folder)
    out = tmp_path / "out"
    build(dataset, PERIOD, ["001", "002"], out, options=DOCX)
    secret = tmp_path / "secret"
    secret.write_bytes(b"secret")
    figures = out / "2023-H1" / "002.figures.json"
    size = figures.stat().st_size
    figures.unlink()
    secret.write_bytes(b"s" * size)  # same size: the manifest still takes it as built
    figures.symlink_to(secret)
    summary = build(dataset, PERIOD, ["001"], out, options=DOCX, zip_output=True)
    assert any("left out of the zip" in w.describe() for w in summary.warnings)
    with zipfile.ZipFile(out / "2023-H1.zip") as archive:
        assert "2023-H1/002.figures.json" not in archive.namelist()


def test_zip_a_docx_with_an_escaping_entry_is_refused_when_read(tmp_path):
    good = bombs.write_stored_zip(tmp_path / "good.docx", [
        ("[Content_Types].xml", bombs.CONTENT_TYPES.encode()), ("_rels/.rels", bombs.DOCX_RELS.encode()),
        ("word/document.xml", bombs.DOCUMENT.encode())])
    evil = bombs.write_stored_zip(tmp_path / "evil.docx", [
        ("[Content_Types].xml", bombs.CONTENT_TYPES.encode()), ("_rels/.rels", bombs.DOCX_RELS.encode()),
        ("word/document.xml", bombs.DOCUMENT.encode()), ("../../evil.xml", b"<x/>")])
    with pytest.raises(DiffInputError) as caught:
        diff_paths(good, evil, tmp_path / "out")
    assert "evil.docx" in caught.value.translated() and "../../evil.xml" in caught.value.translated()
    assert not (tmp_path / "evil.xml").exists() and not (tmp_path.parent / "evil.xml").exists()


# ---------------------------------------------------------------- destroy files

def test_destroy_the_sweep_removes_only_the_tools_own_temp_names(dataset_folder, tmp_path):
    out = tmp_path / "out"
    (out / "2023-H1").mkdir(parents=True)
    mine = {out / ".draft.tmp": "mine", out / "2023-H1" / ".001.docx.x.tmp": "mine too",
            out / ".reportgen-notes.tmp": "not hex"}
    for path, text in mine.items():
        path.write_text(text, encoding="utf-8")
    stale = out / "2023-H1" / ".reportgen-0123456789abcdef.tmp"
    stale.write_bytes(b"half a report")
    build(_load(dataset_folder), PERIOD, ["001"], out, options=DOCX)
    assert all(path.read_text(encoding="utf-8") == text for path, text in mine.items())
    assert not stale.exists() and _own_temps(out) == []


def test_destroy_a_foreign_lock_file_is_not_overwritten(dataset_folder, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".reportgen.lock").write_text("my notes, not a pid", encoding="utf-8")
    code, output = _build_cli(capsys, dataset_folder, out)
    assert code == 1 and "not a reportgen lock file" in output
    assert (out / ".reportgen.lock").read_text(encoding="utf-8") == "my notes, not a pid"


# ---------------------------------------------------------------- OS errors are messages

def test_os_out_is_a_file(dataset_folder, tmp_path, capsys):
    out = tmp_path / "report.docx"
    out.write_bytes(b"mine")
    code, output = _build_cli(capsys, dataset_folder, out)
    assert code == 1 and "report.docx" in output and "is a file, not a folder" in output
    assert "Traceback" not in output and out.read_bytes() == b"mine"
    code, output = _build_cli(capsys, dataset_folder, out / "sub")
    assert code == 1 and "is a file, not a folder" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_os_permission_denied(dataset_folder, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        code, output = _build_cli(capsys, dataset_folder, out)
    finally:
        out.chmod(0o700)
    assert code == 1 and "permission denied" in output and "Traceback" not in output


@pytest.mark.parametrize("number, words", [(errno.EACCES, "permission denied"),
                                           (errno.EROFS, "read-only"), (errno.EIO, "Check the folder")])
def test_os_errors_of_a_write_are_messages(dataset_folder, tmp_path, capsys, monkeypatch, number, words):
    from reportgen import files

    def fail(root, relative, data):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(files.safe_paths, "atomic_write_inside", fail)
    code, output = _build_cli(capsys, dataset_folder, tmp_path / "out")
    assert code == 1 and words in output and "Traceback" not in output
    assert "out/2023-H1/001" in output  # which file


def test_os_a_full_disk_keeps_what_was_built(dataset_folder, tmp_path, capsys, monkeypatch):
    from reportgen.safety import paths

    out = tmp_path / "out"
    everything = ("build", dataset_folder, "--period", "2023-H1", "--unit", "001", "--unit", "002",
                  "--format", "docx",
                  "--out", out, "--jobs", "1")
    assert _run(capsys, *everything)[0] == 0
    before = _tree(out)
    calls = []
    real_fsync = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) > 3:  # a few files, then the disk is full for good
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(paths.os, "fsync", fsync)
    code, output = _run(capsys, *everything, "--force")
    monkeypatch.undo()
    assert code == 1 and "the disk is full" in output and "Traceback" not in output
    assert _own_temps(out) == []  # nothing half-written
    assert set(_tree(out)) == set(before)  # nothing already built lost
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:  # and what is listed is whole and right
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert _run(capsys, *everything)[0] == 0
    assert _tree(out) == before


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


@pytest.mark.slow
def test_os_a_real_full_disk_tmpfs(dataset_folder, tmp_path, short_temp):
    out = tmp_path / "small-disk"
    if not _mount_tmpfs(out, "96k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        temp = short_temp
        result = subprocess.run(
            [sys.executable, "-m", "reportgen", "build", str(dataset_folder), "--period", "2023-H1",
             "--unit", "001", "--unit", "002", "--format", "docx", "--format", "pdf", "--out", str(out), "--jobs", "2"],
            capture_output=True, text=True, cwd=REPO, timeout=300,
            env=dict(os.environ, REPORTGEN_LANG="en", TMPDIR=str(temp)))
        assert result.returncode == 1, result.stderr
        assert "the disk is full" in result.stderr and "Traceback" not in result.stderr
        assert _own_temps(out) == []
        if (out / "manifest.json").exists():
            for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]:
                data = (out / entry["path"]).read_bytes()
                assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert list(temp.iterdir()) == []
    finally:
        subprocess.run(["umount", str(out)], check=False)


def test_os_a_damaged_manifest_is_a_full_rebuild_with_a_warning(dataset_folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert _build_cli(capsys, dataset_folder, out)[0] == 0
    first = _tree(out)
    for damage in (b"{\"outputs\": [", b"\xff\xfe garbage", b"[" * 100_000 + b"]" * 100_000,
                   b"{\"outputs\": 3}"):
        (out / "manifest.json").write_bytes(damage)
        code, output = _build_cli(capsys, dataset_folder, out)
        assert code == 0 and "Traceback" not in output
        assert "manifest" in output and "every report will be rebuilt" in output
        assert "1 built" in output
        assert _tree(out) == first


# ---------------------------------------------------------------- the diff's inputs

def _docx_with_table(path: Path, span: str) -> Path:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {w}><w:body>'
                f'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'
                '<w:p><w:r><w:t>1.200</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
                '<w:p><w:r><w:t>BÁO CÁO</w:t></w:r></w:p></w:body></w:document>')
    return bombs.write_stored_zip(path, [
        ("[Content_Types].xml", bombs.CONTENT_TYPES.encode()), ("_rels/.rels", bombs.DOCX_RELS.encode()),
        ("word/document.xml", document.encode())])


@pytest.mark.parametrize("span", ["two", "", "1e3", "99999999999999999999", "-1"])
def test_diff_a_grid_span_that_is_not_a_number(tmp_path, capsys, span):
    good = _docx_with_table(tmp_path / "old.docx", "1")
    bad = _docx_with_table(tmp_path / "new.docx", span)
    code, output = _run(capsys, "diff", good, bad, "--out", tmp_path / "out")
    assert code == 1 and "Traceback" not in output
    assert "new.docx" in output and "w:gridSpan" in output and "not a whole number" in output


def test_diff_a_manifest_unit_that_is_not_a_code(dataset_folder, tmp_path, capsys):
    dataset = _load(dataset_folder)
    for name in ("a", "b"):
        build(dataset, PERIOD, ["001"], tmp_path / name, options=DOCX)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"][0]["unit"] = "../x"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output = _run(capsys, "diff", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "diff")
    assert code == 1 and "manifest.json" in output and "not a plain name" in output


def test_diff_a_deep_figures_json_is_refused(dataset_folder, tmp_path, capsys):
    dataset = _load(dataset_folder)
    for name in ("a", "b"):
        build(dataset, PERIOD, ["001"], tmp_path / name, options=DOCX)
    figures = tmp_path / "b" / "2023-H1" / "001.figures.json"
    figures.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        entry["sha256"] = "0" * 64  # every output differs: the figures are read
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, output = _run(capsys, "diff", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "diff")
    assert code == 1 and "json_depth" in output and "Traceback" not in output


def _measure(kind: str, path: Path) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "tests.hostile.measure", kind, str(path)],
                            cwd=REPO, capture_output=True, text=True, check=True, timeout=120)
    peak, outcome = result.stdout.split()
    return int(peak), outcome


def test_diff_a_docx_with_a_1gb_entry_is_refused_in_bounded_memory(docx_1gb):
    baseline, _ = _measure("diff-baseline", Path("-"))
    peak, outcome = _measure("diff", docx_1gb)
    assert outcome == "REFUSED:archive_entry_bytes"
    # Before: 3 GB. The refusal comes from the central directory; nothing is inflated.
    assert peak < baseline + 32 * 1024, f"peak {peak // 1024} MiB, baseline {baseline // 1024} MiB"


# ---------------------------------------------------------------- litter

def _build_process(dataset: Path, out: Path, temp: Path, *more: str,
                   units: tuple[str, ...] = ("--all",)) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "build", str(dataset), "--period", "2023-H1", *units,
         "--out", str(out), *more], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=dict(os.environ, REPORTGEN_LANG="en", TMPDIR=str(temp)))


def _wait_for(out: Path, pattern: str, count: int = 1, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline and len(list(out.glob(pattern))) < count:
        time.sleep(0.05)
    assert len(list(out.glob(pattern))) >= count, f"no {pattern} in {seconds} s"


SAMPLE = REPO / "datasets" / "hanoi"


@pytest.mark.slow
def test_litter_none_after_a_pdf_build_with_two_workers(tmp_path, short_temp):
    temp = short_temp
    process = _build_process(SAMPLE, tmp_path / "out", temp, "--format", "pdf", "--jobs", "2")
    assert process.wait(timeout=600) == 0, process.stderr.read()
    assert list(temp.iterdir()) == []  # no pickle, no weasyprint-* font copies


@pytest.mark.slow
def test_litter_none_after_a_failed_build(dataset_folder, tmp_path, short_temp):
    temp = short_temp
    out = tmp_path / "out"
    (out / "2023-H1").mkdir(parents=True)
    (out / "2023-H1" / "002.pdf").mkdir()  # a folder where a report goes: the build fails
    process = _build_process(dataset_folder, out, temp, "--format", "pdf", "--jobs", "2",
                             units=("--unit", "001", "--unit", "002"))
    assert process.wait(timeout=600) == 1
    stderr = process.stderr.read()
    assert "002.pdf" in stderr and "Traceback" not in stderr
    assert list(temp.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_litter_none_after_an_interrupted_build(tmp_path, short_temp, signum, code):
    temp = short_temp
    out = tmp_path / "out"
    process = _build_process(SAMPLE, out, temp, "--format", "pdf", "--jobs", "2")
    _wait_for(out, "2023-H1/*.pdf")
    process.send_signal(signum)
    assert process.wait(timeout=120) == code
    assert "Traceback" not in process.stderr.read()
    assert list(temp.iterdir()) == []
    assert _own_temps(out) == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.slow
def test_litter_of_a_killed_build_is_swept_by_the_next(tmp_path, short_temp):
    temp = short_temp
    out = tmp_path / "out"
    process = _build_process(SAMPLE, out, temp, "--format", "pdf", "--jobs", "2")
    _wait_for(out, "2023-H1/*.pdf")
    process.send_signal(signal.SIGKILL)
    process.wait()
    left = [p.name for p in temp.iterdir()]
    assert any(name.startswith("reportgen-build-") for name in left)
    time.sleep(1)  # the orphaned workers notice their parent is gone
    again = _build_process(SAMPLE, out, temp, "--format", "pdf", "--jobs", "2")
    assert again.wait(timeout=600) == 0, again.stderr.read()
    left = [p.name for p in temp.iterdir()]
    # pymp-*: Python's multiprocessing folder of the killed process (an empty socket
    # folder, not reportgen's); everything of reportgen's is gone.
    assert [name for name in left if not name.startswith("pymp-")] == []


# ---------------------------------------------------------------- live formulas, in Calc

HOSTILE_TEXTS = ("=1+1", "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1;1)", "\t=1+1", "\r=1+1")
# Import with "evaluate formulas" on (token 13), so a live formula would show its result.
CALC_IN = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"
CALC_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _calc_cells(source: Path, tmp_path: Path) -> list[str]:
    """`source` opened in LibreOffice Calc (headless) and saved as CSV: what Calc shows."""
    import csv

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path / f"calc-{source.stem}"
    args = [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile"]
    if source.suffix == ".csv":
        args.append(f"--infilter={CALC_IN}")
    subprocess.run(args + ["--convert-to", CALC_OUT, "--outdir", str(out), str(source)],
                   capture_output=True, timeout=180, check=True)
    cells = []
    for converted in sorted(out.glob("*.csv")):
        with converted.open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert cells, f"Calc wrote nothing for {source}"
    return cells


@pytest.mark.slow
def test_formulas_nothing_evaluates_in_libreoffice_calc(tmp_path, capsys):
    from openpyxl import Workbook

    from reportgen.model import Appendix, Table
    from reportgen.render.xlsx import render_appendix_xlsx
    from tests.model_factory import sample_model

    # The control: the same texts written raw do evaluate, so the check below can fail.
    raw = tmp_path / "raw.csv"
    raw.write_text("name,value\n=1+1,5\n", encoding="utf-8")
    assert "2" in _calc_cells(raw, tmp_path)
    control = Workbook()
    control.active["A1"] = "=1+1"
    control.save(tmp_path / "control.xlsx")
    assert "2" in _calc_cells(tmp_path / "control.xlsx", tmp_path)

    # The diff's figures.csv, names and units of measure hostile.
    # (Tab and CR never reach a name: the loader strips control characters.)
    names = [text for text in HOSTILE_TEXTS if text[0] not in "\t\r"]
    indicators = [(f"n{i}", text, text, "", "", "", "flow") for i, text in enumerate(names)]
    settings = TINY_SETTINGS + AGENCY
    for name, value in (("old", "9"), ("new", "4")):
        folder = write_tiny(tmp_path / name, [("001", "2023-H1", f"n{i}", value, "")
                                              for i in range(len(names))],
                            indicators=indicators, settings=settings)
        assert _build_cli(capsys, folder, tmp_path / f"{name}-out")[0] == 0
    assert _run(capsys, "diff", tmp_path / "old-out", tmp_path / "new-out", "--out", tmp_path / "diff")[0] == 0
    cells = _calc_cells(tmp_path / "diff" / "figures.csv", tmp_path)
    assert "'=cmd|' /C calc'!A0" in cells and "'=1+1" in cells  # the names, as text
    assert "9" in cells and "-5" in cells  # numbers stay numbers, unprefixed
    assert "2" not in cells and "0" not in cells  # =1+1, -1+1 never evaluated

    # The appendix XLSX.
    model = sample_model()
    table = next(b for b in model.appendices[0].blocks if isinstance(b, Table))
    hostile = dataclasses.replace(table, data_header=("name", "value"),
                                  data_rows=tuple((text, -12) for text in HOSTILE_TEXTS))
    appendix = dataclasses.replace(model.appendices[0], blocks=(hostile,))
    data = render_appendix_xlsx(dataclasses.replace(model, appendices=(appendix,)))
    (tmp_path / "appendix.xlsx").write_bytes(data)
    cells = _calc_cells(tmp_path / "appendix.xlsx", tmp_path)
    assert "=cmd|' /C calc'!A0" in cells and "=1+1" in cells and "@SUM(1;1)" in cells
    assert "-12" in cells and "2" not in cells and "0" not in cells


# ---------------------------------------------------------------- what held keeps holding

@pytest.mark.slow
def test_held_eight_concurrent_builds_into_different_folders_are_each_correct(tmp_path):
    from reportgen.testing.synth import generate_dataset

    dataset = generate_dataset(tmp_path / "ds", units=6, indicators=6, periods=2, depth=2, seed=5)
    args = [sys.executable, "-m", "reportgen", "build", str(dataset), "--all", "--format", "docx",
            "--jobs", "1"]
    period = sorted({p.code for p in _load(dataset).periods()})[-1]
    reference = tmp_path / "reference"
    assert subprocess.run(args + ["--period", period, "--out", str(reference)], cwd=REPO,
                          capture_output=True, timeout=300).returncode == 0
    processes = [subprocess.Popen(args + ["--period", period, "--out", str(tmp_path / f"out{i}")],
                                  cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for i in range(8)]
    assert [p.wait(timeout=600) for p in processes] == [0] * 8
    for i in range(8):
        assert _tree(tmp_path / f"out{i}") == _tree(reference)


@pytest.mark.slow
def test_held_two_builds_into_one_folder_the_second_is_refused(tmp_path, short_temp):
    temp = short_temp
    out = tmp_path / "out"
    first = _build_process(SAMPLE, out, temp, "--format", "pdf", "--jobs", "1")
    _wait_for(out, "2023-H1/*.pdf")
    second = subprocess.run(
        [sys.executable, "-m", "reportgen", "build", str(SAMPLE), "--period", "2023-H1", "--all",
         "--out", str(out)], cwd=REPO, capture_output=True, text=True, timeout=120,
        env=dict(os.environ, REPORTGEN_LANG="en", TMPDIR=str(temp)))
    assert second.returncode == 1 and "another build is writing" in second.stderr
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=120) == 130
