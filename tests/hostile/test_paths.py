"""Escape the folder / destroy files: codes, joins, link-free opening, the lock, temp files."""
from __future__ import annotations

import csv
import os
import threading

import pytest

from reportgen.periods import Period
from reportgen.safety import paths
from reportgen.safety.paths import (
    LockBusyError, OutsideRootError, UnsafeNameError, atomic_write_inside, check_code,
    check_relative, create_temp, folder_lock, is_code, is_temp_name, open_inside, read_inside,
    safe_join, sweep_temps,
)
from reportgen.safety.limits import LimitExceeded
from tests.dataset_factory import HANOI


def _sample_codes():
    with (HANOI / "units.csv").open(encoding="utf-8") as handle:
        units = [row["code"] for row in csv.DictReader(handle)]
    with (HANOI / "values.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    catalogue = HANOI.parent.parent / "reportgen" / "catalogue" / "core.csv"
    with catalogue.open(encoding="utf-8") as handle:
        indicators = [row["code"] for row in csv.DictReader(handle)]
    return units + indicators + [r["period"] for r in rows] + [r["indicator"] for r in rows]


def test_every_code_in_the_sample_and_the_catalogue_passes():
    codes = _sample_codes()
    assert len(codes) > 100
    assert [c for c in codes if not is_code(c)] == []


@pytest.mark.parametrize("code", [Period(2023, k).code for k in ("H1", "9M", "Y", "Q1", "Q4")])
def test_every_period_code_passes(code):
    assert check_code(code, kind="period") == code


@pytest.mark.parametrize("code", [
    "../../x", "..", ".", "a/b", "a\\b", "a.b", "", "x" * 33, "-rf", "_hidden", "CON", "nul",
    "com1", "LPT9", "a\x00b", "a\nb", "001 ", "Hà", "a\u200bb", "C:", "/etc",
])
def test_hostile_codes_are_refused(code):
    assert not is_code(code)
    with pytest.raises(UnsafeNameError) as caught:
        check_code(code, kind="unit code", file="units.csv", where="row 3")
    assert caught.value.describe().startswith("units.csv, row 3: the unit code")


def test_a_code_of_32_characters_is_the_longest():
    assert is_code("a" * 32) and not is_code("a" * 33)


@pytest.mark.parametrize("relpath", [
    "/etc/passwd", "../secret", "a/../../b", "a//b", "./a", "a\\..\\b", "C:/x", "c:x", "a\x00",
    "x/\x1b[2J", "", "CON.txt", "a/aux", "name.", "x" * 300,
])
def test_hostile_relative_paths_are_refused(relpath):
    with pytest.raises(UnsafeNameError):
        check_relative(relpath)


def test_plain_relative_paths_pass():
    assert check_relative("2023-H1/001.docx") == ("2023-H1", "001.docx")
    assert check_relative("notes/2023-H1/Ghi chú.md") == ("notes", "2023-H1", "Ghi chú.md")
    assert check_relative("word/media/") == ("word", "media")


def test_safe_join_stays_inside_even_through_a_link(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "escape").symlink_to(tmp_path)
    assert safe_join(root, "2023-H1", "001.docx") == root.resolve() / "2023-H1" / "001.docx"
    with pytest.raises(OutsideRootError) as caught:
        safe_join(root, "escape", "x.docx")
    assert "outside" in caught.value.describe()
    with pytest.raises(UnsafeNameError):
        safe_join(root, "../x.docx")


def test_a_notes_file_that_is_a_symlink_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu", encoding="utf-8")
    dataset = tmp_path / "dataset"
    (dataset / "notes" / "2023-H1").mkdir(parents=True)
    (dataset / "notes" / "2023-H1" / "001.md").symlink_to(secret)
    with pytest.raises(OutsideRootError) as caught:
        open_inside(dataset, "notes/2023-H1/001.md")
    assert "link" in caught.value.describe()


def test_a_folder_link_on_the_way_is_not_followed_either(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "001.md").write_text("x", encoding="utf-8")
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    (dataset / "notes").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutsideRootError):
        open_inside(dataset, "notes/001.md")
    # ... also a link pointing back inside (one rule: no links below the root)
    (dataset / "real.md").write_text("x", encoding="utf-8")
    (dataset / "alias.md").symlink_to(dataset / "real.md")
    with pytest.raises(OutsideRootError):
        open_inside(dataset, "alias.md")


def test_a_fifo_is_refused_instead_of_hanging(tmp_path):
    os.mkfifo(tmp_path / "values.csv")
    with pytest.raises(OutsideRootError):
        open_inside(tmp_path, "values.csv")


def test_the_root_itself_may_be_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "dataset.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "named").symlink_to(tmp_path / "real")
    with open_inside(tmp_path / "named", "dataset.yaml", "r") as handle:
        assert handle.read() == "title: x\n"


def test_writing_creates_folders_and_refuses_a_planted_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    with open_inside(out, "2023-H1/001.docx", "wb") as handle:
        handle.write(b"docx")
    assert (out / "2023-H1" / "001.docx").read_bytes() == b"docx"
    (out / "2023-H1" / "002.docx").symlink_to(victim)
    with pytest.raises(OutsideRootError):
        open_inside(out, "2023-H1/002.docx", "wb")
    os.link(victim, out / "hard.docx")
    with pytest.raises(OutsideRootError):
        open_inside(out, "hard.docx", "wb")
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_read_inside_refuses_a_large_notes_file_without_reading_it_all(tmp_path):
    (tmp_path / "big.md").write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(LimitExceeded) as caught:
        read_inside(tmp_path, "big.md", max_bytes=1024 * 1024)
    assert caught.value.limit == "notes_bytes"
    (tmp_path / "small.md").write_bytes(b"ok")
    assert read_inside(tmp_path, "small.md", max_bytes=1024) == b"ok"


def test_a_lock_that_is_a_symlink_does_not_truncate_its_target(tmp_path):
    victim = tmp_path / "thesis.docx"
    victim.write_bytes(b"years of work")
    out = tmp_path / "out"
    out.mkdir()
    (out / paths.LOCK_NAME).symlink_to(victim)
    with pytest.raises(OutsideRootError):
        with folder_lock(out):
            pass
    assert victim.read_bytes() == b"years of work"


def test_a_lock_that_is_someone_elses_file_is_left_alone(tmp_path):
    (tmp_path / paths.LOCK_NAME).write_text("my notes\n", encoding="utf-8")
    with pytest.raises(OutsideRootError) as caught:
        with folder_lock(tmp_path):
            pass
    assert "not a reportgen lock" in caught.value.describe()
    assert (tmp_path / paths.LOCK_NAME).read_text(encoding="utf-8") == "my notes\n"


def test_two_builds_into_one_folder_are_refused_and_the_lock_is_reusable(tmp_path):
    with folder_lock(tmp_path) as lock:
        assert lock.read_text() == f"{os.getpid()}\n"
        failures = []

        def second():
            try:
                with folder_lock(tmp_path):
                    pass
            except LockBusyError as error:
                failures.append(error)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join()
        assert len(failures) == 1 and "another build" in failures[0].describe()
    with folder_lock(tmp_path):  # a stale lock of ours (a pid) is taken over
        pass


def test_the_sweep_removes_only_our_temp_files(tmp_path):
    fd, ours = create_temp(tmp_path)
    os.close(fd)
    nested = tmp_path / "2023-H1"
    nested.mkdir()
    fd, ours_nested = create_temp(nested)
    os.close(fd)
    users = [tmp_path / ".draft.tmp", tmp_path / ".001.docx.abc.tmp", tmp_path / ".reportgen-notes.tmp",
             tmp_path / ".reportgen-0123456789abcdef.tmp.bak"]
    for path in users:
        path.write_text("user's", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    fd, outside_temp = create_temp(outside)
    os.close(fd)
    (tmp_path / "link").symlink_to(outside)
    assert sorted(sweep_temps(tmp_path)) == sorted([ours, ours_nested])
    assert all(p.exists() for p in users) and outside_temp.exists()
    assert is_temp_name(ours.name) and not is_temp_name(".x.tmp")


def test_atomic_write_inside_replaces_a_planted_link_not_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").symlink_to(victim)
    atomic_write_inside(out, "manifest.json", b"{}")
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (out / "manifest.json").read_bytes() == b"{}" and not (out / "manifest.json").is_symlink()
    assert [p.name for p in out.iterdir()] == ["manifest.json"]  # no temp left
    with pytest.raises(UnsafeNameError):
        atomic_write_inside(out, "../escaped.docx", b"x")
    assert not (tmp_path / "escaped.docx").exists()
